// SPDX-License-Identifier: LGPL-2.1-or-later
/* Strict unsigned decimal numbers; see decimal.h. */
#include <errno.h>

#include "decimal.h"

bool util_scan_u64(const char **pp, uint64_t *out, bool *overflow)
{
	const char *p = *pp;
	uint64_t v = 0;

	*overflow = false;
	if (!util_is_digit(*p))
		return false;
	for (; util_is_digit(*p); p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			*overflow = true;
		else
			v = v * 10 + d;
	}
	*pp = p;
	*out = v;
	return true;
}

int util_parse_u64(const char *s, uint64_t *out)
{
	bool overflow;
	uint64_t v;

	if (!util_scan_u64(&s, &v, &overflow))
		return -EINVAL;
	if (overflow)
		return -ERANGE;
	if (*s)
		return -EINVAL;
	*out = v;
	return 0;
}
