/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cramd discovery: which compressed devices exist, and what is above and
 * behind each of them (CXL region, memory devices, NUMA node).
 *
 * The work is done by the cram-discover helper program (libcxl and
 * libdaxctl, see discover-scan.h), so that cramd itself does not map those
 * libraries and what they pull in; cramd runs it and reads its output
 * (discover-format.h).
 */
#ifndef CRAMD_DISCOVER_H
#define CRAMD_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>

#include <cram/cram.h>

#include "../shared/control-protocol.h"

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

/**
 * struct cramd_discovery - the result of one discovery
 * @devs: the candidates, sorted by device name
 * @n: how many
 * @n_regions: how many CXL regions libcxl listed
 */
struct cramd_discovery {
	struct cramd_candidate *devs;
	size_t n;
	size_t n_regions;
};

/* The helper, unless $CRAMD_DISCOVER names another program. */
#ifndef CRAMD_DISCOVER_PATH
#define CRAMD_DISCOVER_PATH "/usr/libexec/cram/cram-discover"
#endif
/* How long the helper may take, and how much it may print on stdout. */
/* (cramctl waits for an online accordingly: the bound is part of the protocol.) */
#define CRAMD_DISCOVER_TIMEOUT_MS CRAM_CONTROL_DISCOVERY_TIMEOUT_MS
#define CRAMD_DISCOVER_MAX_OUTPUT (256 * 1024)

/**
 * cramd_discover - list the cram devices of the system
 * @cram: libcram context; cram_rescan() is called on it first, so device
 *        objects obtained earlier from it must not be used afterwards
 * @out: filled with the candidates; free with cramd_discovery_free()
 *
 * Runs the cram-discover helper ($CRAMD_DISCOVER, or CRAMD_DISCOVER_PATH)
 * with stdin on /dev/null, reads its stdout (at most
 * CRAMD_DISCOVER_MAX_OUTPUT bytes, within CRAMD_DISCOVER_TIMEOUT_MS, after
 * which it is killed) and relays its stderr lines to the log. Every
 * candidate is logged. On failure the reason is logged and @out is empty.
 * Returns 0, -ENOMEM, the errno of a helper that cannot be run (-ENOENT,
 * -EACCES, ...), -ETIMEDOUT, -EIO (the helper failed or was killed by a
 * signal), -EMSGSIZE (too much output) or -EBADMSG (malformed output).
 */
int cramd_discover(struct cram_ctx *cram, struct cramd_discovery *out);

void cramd_discovery_free(struct cramd_discovery *d);

/** cramd_discovery_find - the candidate named @devname, or NULL. */
const struct cramd_candidate *
cramd_discovery_find(const struct cramd_discovery *d, const char *devname);

#endif
