/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The discovery itself, with libcxl and libdaxctl: linked only into the
 * cram-discover helper, never into cramd.
 */
#ifndef CRAMD_DISCOVER_SCAN_H
#define CRAMD_DISCOVER_SCAN_H

#include <stdbool.h>

#include <cram/cram.h>

#include "discover.h"

/**
 * cramd_discover_scan - list the cram devices of the system
 * @cram: a fresh libcram context (the authority on what is a cram device)
 * @verbose: let libcxl and libdaxctl log their debug messages too
 * @out: filled with the candidates, sorted by name; free with
 *       cramd_discovery_free()
 *
 * A candidate is a dax device that libcram lists (bound to the cram
 * provider). libdaxctl and libcxl, with fresh contexts, add the region,
 * memory devices and serial number. Returns 0 or -ENOMEM.
 */
int cramd_discover_scan(struct cram_ctx *cram, bool verbose,
			struct cramd_discovery *out);

struct cxl_ctx;
struct daxctl_ctx;

/*
 * cramd_cxl_new, cramd_daxctl_new - fresh library contexts whose messages
 * go to cramd_discover_log() (debug level); NULL, after a warning, when
 * the library cannot start.
 */
struct cxl_ctx *cramd_cxl_new(bool verbose);
struct daxctl_ctx *cramd_daxctl_new(bool verbose);

/* Provided by the program: where the scan's messages go. */
__attribute__((format(printf, 2, 3)))
void cramd_discover_log(int priority, const char *format, ...);

#endif
