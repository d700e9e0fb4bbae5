/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A message handed over by a library's log callback (libcram, libcxl,
 * libdaxctl) as one line to relay into our own log.
 */
#ifndef CRAM_UTIL_LINE_H
#define CRAM_UTIL_LINE_H

#include <stdarg.h>
#include <stddef.h>

/* @format and @args into @buf (@len bytes, truncated), trailing newlines dropped. */
void util_vline(char *buf, size_t len, const char *format, va_list args);

#endif
