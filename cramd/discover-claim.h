/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cram-discover --claim and --release: moving dax devices between the
 * cram provider and device_dax with libcxl and libdaxctl, as
 * kernel-abi/ABI/testing/sysfs-bus-dax-cram describes. Linked only into
 * the cram-discover helper.
 */
#ifndef CRAMD_DISCOVER_CLAIM_H
#define CRAMD_DISCOVER_CLAIM_H

#include <stdbool.h>

/**
 * cramd_claim - bind every dax device that @name names to the cram provider
 * @name: as util_device_match_valid() accepts ("daxX.Y", "regionN", "memN",
 *        "serial:0xHEX")
 * @system_ram: may take a device that is online as system RAM (kmem),
 *              offlining its memory first
 * @verbose: let libcxl and libdaxctl log their debug messages too
 *
 * One message through cramd_discover_log() per problem. Returns 0 when
 * every device @name names is bound to cram afterwards, else -1.
 */
int cramd_claim(const char *name, bool system_ram, bool verbose);

/**
 * cramd_release - give offline cram device @name ("daxX.Y") to device_dax
 *
 * Refuses an online device. Returns 0 when @name is bound to device_dax
 * afterwards, else -1 (after a message).
 */
int cramd_release(const char *name, bool verbose);

#endif
