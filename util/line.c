// SPDX-License-Identifier: LGPL-2.1-or-later
/* A library's log message as one line; see line.h. */
#include <stdio.h>
#include <string.h>

#include "line.h"

void util_vline(char *buf, size_t len, const char *format, va_list args)
{
	size_t n;

	vsnprintf(buf, len, format, args);
	n = strlen(buf);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
}
