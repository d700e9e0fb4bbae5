/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cramd discovery: which compressed devices exist, and what is above and
 * behind each of them (CXL region, memory devices, NUMA node).
 */
#ifndef CRAMD_DISCOVER_H
#define CRAMD_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>

#include <cram/cram.h>

#define CRAMD_DEVNAME_MAX 32
#define CRAMD_MEMDEVS_MAX 64

/**
 * struct cramd_candidate - one cram device found by discovery
 * @devname: the dax device, "daxX.Y"
 * @region: the CXL region above it, "regionN", or "" when there is none
 * @node: the NUMA node it onlines into, -1 when unknown
 * @memdevs: the CXL memory devices of the region ("mem0,mem1"), or ""
 * @serial: serial number of the first memory device
 * @has_serial: @serial is known
 */
struct cramd_candidate {
	char devname[CRAMD_DEVNAME_MAX];
	char region[CRAMD_DEVNAME_MAX];
	int node;
	char memdevs[CRAMD_MEMDEVS_MAX];
	unsigned long long serial;
	bool has_serial;
};

struct cramd_discovery {
	struct cramd_candidate *devs;
	size_t n;
};

/**
 * cramd_discover - list the cram devices of the system
 * @cram: libcram context; cram_rescan() is called on it first, so device
 *        objects obtained earlier from it must not be used afterwards
 * @out: filled with the candidates; free with cramd_discovery_free()
 *
 * A candidate is a dax device that libcram lists (bound to the cram
 * provider). libdaxctl and libcxl, with fresh contexts each time, add the
 * region, memory devices and serial number. Every candidate is logged.
 * Returns 0 or -ENOMEM.
 */
int cramd_discover(struct cram_ctx *cram, struct cramd_discovery *out);

void cramd_discovery_free(struct cramd_discovery *d);

/** cramd_discovery_find - the candidate named @devname, or NULL. */
const struct cramd_candidate *
cramd_discovery_find(const struct cramd_discovery *d, const char *devname);

#endif
