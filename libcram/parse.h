/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Strict parsers for sysfs values (internal to libcram, unit-tested).
 *
 * Every parser takes a NUL-terminated string as read from sysfs, accepts
 * at most one trailing newline, and returns 0, -EINVAL for anything that
 * is not exactly the expected format, or -ERANGE when a well-formed
 * number does not fit. When a string is both malformed and out of range,
 * -EINVAL wins. On failure scalar outputs are left untouched; a node mask
 * is left cleared, and stat fields or name numbers are unspecified.
 */
#ifndef _LIBCRAM_PARSE_H_
#define _LIBCRAM_PARSE_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CRAM_BITS_PER_LONG	(8 * sizeof(unsigned long))
#define CRAM_BITS_TO_LONGS(n)	(((n) + CRAM_BITS_PER_LONG - 1) / CRAM_BITS_PER_LONG)

static inline bool cram_bit_test(const unsigned long *mask, size_t bit)
{
	return mask[bit / CRAM_BITS_PER_LONG] & (1UL << (bit % CRAM_BITS_PER_LONG));
}

static inline void cram_bit_set(unsigned long *mask, size_t bit)
{
	mask[bit / CRAM_BITS_PER_LONG] |= 1UL << (bit % CRAM_BITS_PER_LONG);
}

/* Unsigned decimal ("%llu\n"): no sign, no spaces, no hex. */
int cram_parse_u64(const char *buf, uint64_t *out);

/* Signed decimal ("%d\n"): an optional '-', never '+'. */
int cram_parse_int(const char *buf, int *out);

/* Boolean as sysfs prints it: "0" or "1". */
int cram_parse_bool(const char *buf, bool *out);

/*
 * Node list in the kernel's %*pbl format: "", "3", "0-1,4". Ranges must
 * not be reversed; an id >= @nbits gives -ERANGE. @mask holds
 * CRAM_BITS_TO_LONGS(@nbits) longs and is cleared first.
 */
int cram_parse_nodelist(const char *buf, unsigned long *mask, size_t nbits);

/*
 * A cram/stat line: single-space separated unsigned decimal fields. The
 * first @n are stored in @fields; further fields must be decimal too but
 * are ignored. Fewer than @n fields is -EINVAL.
 */
int cram_parse_stat(const char *buf, uint64_t *fields, size_t n);

/*
 * The "Node N MemTotal:   X kB" line of nodeN/meminfo for node @node, in
 * bytes. A missing line is -EINVAL; X * 1024 overflowing is -ERANGE.
 */
int cram_parse_meminfo_total(const char *buf, int node, uint64_t *bytes);

/* The same for any field of nodeN/meminfo counted in kB ("MemFree"). */
int cram_parse_meminfo_field(const char *buf, int node, const char *field, uint64_t *bytes);

/*
 * A sysfs device name: @prefix followed by @n decimal numbers separated by
 * dots, e.g. ("dax", 2) for "dax0.1" or ("region", 1) for "region3".
 * @nums may be NULL. No trailing newline is accepted here.
 */
int cram_parse_name(const char *name, const char *prefix, unsigned int *nums, size_t n);

#endif /* _LIBCRAM_PARSE_H_ */
