/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test helper: how many bytes this process has mapped, from
 * /proc/self/maps, to check that a failed call left nothing mapped.
 */
#ifndef _TESTS_HARNESS_MAPS_H_
#define _TESTS_HARNESS_MAPS_H_

#include <stdint.h>
#include <stdio.h>

static inline uint64_t mapped_bytes(void)
{
	unsigned long long start, end;
	uint64_t total = 0;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx-%llx", &start, &end) == 2)
			total += end - start;
	fclose(f);
	return total;
}

#endif /* _TESTS_HARNESS_MAPS_H_ */
