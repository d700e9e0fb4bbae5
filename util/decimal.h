/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Strict unsigned decimal numbers: digits only, no sign, no blanks, no
 * base prefix. Every parser of a number from outside (sysfs, configuration,
 * argv) is built on these.
 */
#ifndef CRAM_UTIL_DECIMAL_H
#define CRAM_UTIL_DECIMAL_H

#include <stdbool.h>
#include <stdint.h>

static inline bool util_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * util_scan_u64 - one run of decimal digits at *@pp into @out; *@pp is
 * moved past it. False when there is no digit. A value past UINT64_MAX
 * sets *@overflow, and the rest of the digits are still consumed.
 */
bool util_scan_u64(const char **pp, uint64_t *out, bool *overflow);

/*
 * util_parse_u64 - the whole of @s as one unsigned decimal, as the
 * kernel's kstrtoull() takes base 10 but without its sign and newline:
 * 0, -ERANGE (the leading digits go past UINT64_MAX), or -EINVAL (empty,
 * or anything but digits). @out is left untouched on failure.
 */
int util_parse_u64(const char *s, uint64_t *out);

#endif
