// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Strict parsers for the values libcram reads from sysfs. Nothing here
 * does I/O, so each parser can be unit-tested on plain strings.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "util/decimal.h"
#include "util/names.h"

#include "parse.h"

/* True at the end of the string, optionally after one newline. */
static bool at_end(const char *p)
{
	if (*p == '\n')
		p++;
	return *p == '\0';
}

int cram_parse_u64(const char *buf, uint64_t *out)
{
	const char *p = buf;
	bool overflow;
	uint64_t v;

	if (!buf || !out)
		return -EINVAL;
	if (!util_scan_u64(&p, &v, &overflow) || !at_end(p))
		return -EINVAL;
	if (overflow)
		return -ERANGE;
	*out = v;
	return 0;
}

int cram_parse_int(const char *buf, int *out)
{
	const char *p = buf;
	bool overflow, neg;
	uint64_t v, max;

	if (!buf || !out)
		return -EINVAL;
	neg = *p == '-';
	if (neg)
		p++;
	if (!util_scan_u64(&p, &v, &overflow) || !at_end(p))
		return -EINVAL;
	max = neg ? (uint64_t)INT_MAX + 1 : (uint64_t)INT_MAX;
	if (overflow || v > max)
		return -ERANGE;
	*out = neg ? (int)-(int64_t)v : (int)v;
	return 0;
}

int cram_parse_bool(const char *buf, bool *out)
{
	if (!buf || !out)
		return -EINVAL;
	if ((buf[0] != '0' && buf[0] != '1') || !at_end(buf + 1))
		return -EINVAL;
	*out = buf[0] == '1';
	return 0;
}

/* Parses "N" or "N-M" at *pp. Returns 0, -EINVAL or -ERANGE (id >= nbits). */
static int scan_node_range(const char **pp, size_t nbits, uint64_t *lo, uint64_t *hi)
{
	bool ov_lo, ov_hi = false;

	if (!util_scan_u64(pp, lo, &ov_lo))
		return -EINVAL;
	*hi = *lo;
	if (**pp == '-') {
		(*pp)++;
		if (!util_scan_u64(pp, hi, &ov_hi))
			return -EINVAL;
	}
	if (ov_lo || ov_hi)
		return -ERANGE;
	if (*lo > *hi)
		return -EINVAL;
	return *hi >= nbits ? -ERANGE : 0;
}

static int parse_nodelist(const char *p, unsigned long *mask, size_t nbits)
{
	int range = 0;

	if (at_end(p))
		return 0;
	for (;;) {
		uint64_t lo, hi, bit;
		int rc = scan_node_range(&p, nbits, &lo, &hi);

		if (rc == -EINVAL)
			return rc;
		if (rc < 0)
			range = rc;
		else
			for (bit = lo; bit <= hi; bit++)
				cram_bit_set(mask, bit);
		if (*p != ',')
			break;
		p++;
	}
	return at_end(p) ? range : -EINVAL;
}

int cram_parse_nodelist(const char *buf, unsigned long *mask, size_t nbits)
{
	size_t bytes;
	int rc;

	if (!buf || !mask || !nbits)
		return -EINVAL;
	bytes = CRAM_BITS_TO_LONGS(nbits) * sizeof(*mask);
	memset(mask, 0, bytes);
	rc = parse_nodelist(buf, mask, nbits);
	if (rc < 0)
		memset(mask, 0, bytes);
	return rc;
}

int cram_parse_stat(const char *buf, uint64_t *fields, size_t n)
{
	const char *p = buf;
	bool overflow, range = false;
	size_t i = 0;
	uint64_t v;

	if (!buf || !fields || !n)
		return -EINVAL;
	for (;;) {
		if (!util_scan_u64(&p, &v, &overflow))
			return -EINVAL;
		if (i < n) {
			fields[i] = v;
			range |= overflow;
		}
		i++;
		if (*p != ' ')
			break;
		p++;
	}
	if (i < n || !at_end(p))
		return -EINVAL;
	return range ? -ERANGE : 0;
}

/* Parses the value part of a meminfo line: spaces, a number, " kB". */
static int parse_kb(const char *p, uint64_t *bytes)
{
	bool overflow;
	uint64_t v;

	if (*p != ' ')
		return -EINVAL;
	while (*p == ' ')
		p++;
	if (!util_scan_u64(&p, &v, &overflow) || strncmp(p, " kB", 3) != 0)
		return -EINVAL;
	p += 3;
	if (*p != '\n' && *p != '\0')
		return -EINVAL;
	if (overflow || v > UINT64_MAX / 1024)
		return -ERANGE;
	*bytes = v * 1024;
	return 0;
}

int cram_parse_meminfo_total(const char *buf, int node, uint64_t *bytes)
{
	return cram_parse_meminfo_field(buf, node, "MemTotal", bytes);
}

int cram_parse_meminfo_field(const char *buf, int node, const char *field, uint64_t *bytes)
{
	char prefix[64];
	const char *line;
	int n;
	size_t len;

	if (!buf || !bytes || !field || node < 0)
		return -EINVAL;
	n = snprintf(prefix, sizeof(prefix), "Node %d %s:", node, field);
	if (n < 0 || (size_t)n >= sizeof(prefix))
		return -EINVAL;
	len = (size_t)n;
	for (line = buf; *line; ) {
		const char *nl = strchr(line, '\n');

		if (strncmp(line, prefix, len) == 0)
			return parse_kb(line + len, bytes);
		if (!nl)
			break;
		line = nl + 1;
	}
	return -EINVAL;
}

int cram_parse_name(const char *name, const char *prefix, unsigned int *nums, size_t n)
{
	return util_name_parse(name, prefix, nums, n);
}
