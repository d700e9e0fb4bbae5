/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What cram-discover prints on stdout, version 1: one JSON object,
 *
 *   { "format": "cram-discover", "version": 1, "cxl_regions": 1,
 *     "devices": [ { "devname": "dax0.0", "region": "region0",
 *                    "node": 2, "memdevs": "mem0,mem1",
 *                    "serial": "0x1a2b" } ] }
 *
 * cxl_regions: how many CXL regions libcxl listed. Per device (every
 * field of struct cramd_candidate): devname "daxX.Y"; region "regionN" or
 * "" when none; node, the NUMA node, -1 when unknown; memdevs, the CXL
 * memory devices of the region joined by ',', or ""; serial, the serial
 * number of the first of them as a "0x" hex string, or null when unknown.
 * Devices are sorted by name. A reader ignores keys it does not know; a
 * change that old readers would misread takes a new version.
 */
#ifndef CRAMD_DISCOVER_FORMAT_H
#define CRAMD_DISCOVER_FORMAT_H

#include <stddef.h>

#include "discover.h"

#define CRAMD_DISCOVER_FORMAT "cram-discover"
#define CRAMD_DISCOVER_VERSION 1

/** cramd_discovery_to_json - @d as text (malloc'ed, newline-terminated), or NULL. */
char *cramd_discovery_to_json(const struct cramd_discovery *d);

/**
 * cramd_discovery_parse - read what cram-discover printed
 * @text, @len: the output (not NUL-terminated)
 * @out: filled; free with cramd_discovery_free()
 * @err: on failure, what is wrong ("devices[1].node: not an integer")
 *
 * Returns 0, -EBADMSG (malformed, @err says why) or -ENOMEM.
 */
int cramd_discovery_parse(const char *text, size_t len,
			  struct cramd_discovery *out, char *err, size_t errlen);

#endif
