// SPDX-License-Identifier: LGPL-2.1-or-later
/* The grammar of device names; see names.h. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"
#include "names.h"

/* The one walk of the grammar; @strict: 1..9 digits, no leading zero. */
static int walk(const char *name, const char *prefix, unsigned int *nums, size_t n,
		bool strict)
{
	const char *p, *start;
	bool overflow;
	size_t len, i;
	uint64_t v;

	if (!name || !prefix || !n)
		return -EINVAL;
	len = strlen(prefix);
	if (strncmp(name, prefix, len) != 0)
		return -EINVAL;
	p = name + len;
	for (i = 0; i < n; i++) {
		if (i > 0 && *p++ != '.')
			return -EINVAL;
		start = p;
		if (!util_scan_u64(&p, &v, &overflow))
			return -EINVAL;
		if (strict && (p - start > 9 || (p - start > 1 && *start == '0')))
			return -EINVAL;
		if (overflow || v > UINT_MAX)
			return -ERANGE;
		if (nums)
			nums[i] = (unsigned int)v;
	}
	return *p ? -EINVAL : 0;
}

int util_name_parse(const char *name, const char *prefix, unsigned int *nums, size_t n)
{
	return walk(name, prefix, nums, n, false);
}

bool util_name_is(const char *name, const char *prefix, unsigned int n)
{
	return walk(name, prefix, NULL, n, true) == 0;
}

/*
 * Copies the next component of the path at *@p to @buf and moves *@p past
 * it. A component too long for @buf comes back empty: none of the names
 * looked for is that long. Returns false at the end of the path.
 */
static bool next_component(const char **p, char *buf, size_t len)
{
	const char *end;
	size_t n;

	while (**p == '/')
		(*p)++;
	if (!**p)
		return false;
	end = strchrnul(*p, '/');
	n = (size_t)(end - *p);
	if (n >= len)
		n = 0;
	memcpy(buf, *p, n);
	buf[n] = '\0';
	*p = end;
	return true;
}

int util_region_of_path(const char *path, char *out, size_t len)
{
	char cur[64], prev[64] = "", prev2[64] = "", hit[64] = "";

	while (next_component(&path, cur, sizeof(cur))) {
		if (util_name_parse(cur, "region", NULL, 1) == 0 &&
		    (util_name_parse(prev, "decoder", NULL, 2) == 0 ||
		     (util_name_parse(prev, "ndbus", NULL, 1) == 0 &&
		      util_name_parse(prev2, "nvdimm-bridge", NULL, 1) == 0)))
			memcpy(hit, cur, sizeof(hit));
		memcpy(prev2, prev, sizeof(prev2));
		memcpy(prev, cur, sizeof(prev));
	}
	if (!hit[0])
		return -ENOENT;
	if (strlen(hit) >= len)
		return -ENAMETOOLONG;
	strcpy(out, hit);
	return 0;
}

#define SERIAL_PREFIX "serial:0x"

bool util_device_match_valid(const char *name)
{
	size_t len = strlen(SERIAL_PREFIX), n;

	if (strncmp(name, SERIAL_PREFIX, len) == 0) {
		n = strspn(name + len, "0123456789abcdefABCDEF");
		return n > 0 && n <= 16 && name[len + n] == '\0';
	}
	return util_name_is(name, "dax", 2) || util_name_is(name, "region", 1) ||
	       util_name_is(name, "mem", 1);
}

bool util_serial_matches(const char *match, unsigned long long serial)
{
	return strncmp(match, "serial:", 7) == 0 && strtoull(match + 7, NULL, 16) == serial;
}
