// SPDX-License-Identifier: GPL-2.0-or-later
/* The syntax of kernel device names; see names.h. */
#include <string.h>

#include "names.h"

bool cramd_name_is(const char *name, const char *prefix, unsigned int numbers)
{
	size_t len = strlen(prefix);
	unsigned int i;

	if (strncmp(name, prefix, len) != 0)
		return false;
	name += len;
	for (i = 0; i < numbers; i++) {
		size_t n = strspn(name, "0123456789");

		if (n == 0 || n > 9 || (n > 1 && name[0] == '0'))
			return false;
		name += n;
		if (i + 1 < numbers && *name++ != '.')
			return false;
	}
	return *name == '\0';
}
