// SPDX-License-Identifier: GPL-2.0-or-later
/* Size formatting for cramctl output. */
#include <stdio.h>

#include "units.h"

static const char iec_short[] = "BKMGTPE";

void units_short(uint64_t bytes, char *buf, size_t len)
{
	double v = (double)bytes;
	unsigned int i = 0;

	while (v >= 1024.0 && i < sizeof(iec_short) - 2) {
		v /= 1024.0;
		i++;
	}
	if (i == 0)
		snprintf(buf, len, "%lluB", (unsigned long long)bytes);
	else if (v < 10.0 && v != (double)(unsigned long long)v)
		snprintf(buf, len, "%.1f%c", v, iec_short[i]);
	else
		snprintf(buf, len, "%.0f%c", v, iec_short[i]);
}

void units_long(uint64_t bytes, char *buf, size_t len)
{
	static const char *const iec[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	static const char *const si[] = { "B", "KB", "MB", "GB", "TB", "PB", "EB" };
	double b = (double)bytes, d = (double)bytes;
	unsigned int i = 0, j = 0;

	while (b >= 1024.0 && i < 6) {
		b /= 1024.0;
		i++;
	}
	while (d >= 1000.0 && j < 6) {
		d /= 1000.0;
		j++;
	}
	if (i == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
	else
		snprintf(buf, len, "%.2f %s (%.2f %s)", b, iec[i], d, si[j]);
}

void units_cell(bool valid, bool bytes, uint64_t v, char *buf, size_t len)
{
	if (!valid)
		snprintf(buf, len, "-");
	else if (bytes)
		snprintf(buf, len, "%llu", (unsigned long long)v);
	else
		units_short(v, buf, len);
}
