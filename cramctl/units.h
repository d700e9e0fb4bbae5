/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Size formatting for cramctl output. */
#ifndef CRAMCTL_UNITS_H
#define CRAMCTL_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Short IEC size for tables, like zramctl: "512M", "1.5G", "0B". */
void units_short(uint64_t bytes, char *buf, size_t len);

/* A size in a table cell: "-" unless @valid, else in bytes with @bytes, else short. */
void units_cell(bool valid, bool bytes, uint64_t v, char *buf, size_t len);

/* The smallest size that units_long() writes: smaller ones stay numbers. */
#define UNITS_LONG_MIN (5000ULL * 1024)

/*
 * Long form for JSON with -u, as `cxl list -u` gives it: "512.00 MiB (536.87 MB)"
 * below 2 GiB, "1024.00 GiB (1099.51 GB)" from there on. False, and nothing
 * written, for a size below UNITS_LONG_MIN, which JSON keeps as a number.
 */
bool units_long(uint64_t bytes, char *buf, size_t len);

#endif
