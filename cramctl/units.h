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

/* Long form for JSON with -u, like `cxl list -u`: "1.00 GiB (1.07 GB)". */
void units_long(uint64_t bytes, char *buf, size_t len);

#endif
