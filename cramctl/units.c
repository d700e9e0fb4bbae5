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

/*
 * Hundredths of @unit in @bytes, rounded half up, as `cxl list -u` rounds.
 * In floating point so that no size overflows.
 */
static unsigned long long centi(uint64_t bytes, double unit)
{
	return (unsigned long long)((double)bytes * 200.0 / unit + 1.0) / 2;
}

bool units_long(uint64_t bytes, char *buf, size_t len)
{
	unsigned long long iec, si;

	if (bytes < UNITS_LONG_MIN)
		return false;
	if (bytes < 2ULL << 30) {
		iec = centi(bytes, 1024.0 * 1024.0);
		si = centi(bytes, 1e6);
		snprintf(buf, len, "%llu.%02llu MiB (%llu.%02llu MB)", iec / 100, iec % 100,
			 si / 100, si % 100);
	} else {
		iec = centi(bytes, 1024.0 * 1024.0 * 1024.0);
		si = centi(bytes, 1e9);
		snprintf(buf, len, "%llu.%02llu GiB (%llu.%02llu GB)", iec / 100, iec % 100,
			 si / 100, si % 100);
	}
	return true;
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
