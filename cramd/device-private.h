// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a managed device's passes (device.c) and its setting up
 * (device-setup.c) share: the device object itself. Not for the manager,
 * which sees the device through device.h only.
 */
#ifndef CRAMD_DEVICE_PRIVATE_H
#define CRAMD_DEVICE_PRIVATE_H

#include "device.h"
#include "telemetry-history.h"

struct cramd_device {
	char devname[CRAMD_DEVNAME_MAX];
	int node;
	char region[CRAMD_DEVNAME_MAX];
	char memdevs[CRAMD_MEMDEVS_MAX];
	bool has_serial;
	unsigned long long serial;
	struct cram_ctx *ctx;		/* referenced: @cdev belongs to it */
	struct cram_device *cdev;
	struct cramd_policy_params params;
	struct cramd_device_setup setup;	/* as configured */
	enum cramd_device_mode mode;	/* as the kernel reported it at setup */
	struct cramd_policy_state pol;	/* the gate and degraded, held here only */
	struct cramd_history *history;
	uint64_t total_pages;
	bool onlining;			/* offline, its online to come (device.h) */
	/* What has been said already, so that each condition is logged once. */
	bool degraded_said;		/* a degraded record stands, with: */
	enum cramd_cause degraded_cause;
	int degraded_errno;		/* for CRAMD_CAUSE_UNREADABLE */
	bool overfull;
	/*
	 * The kernel closed the gate on a critical device event (CRAM_EVENT=
	 * critical) and phys used has not fallen to the low watermark since.
	 */
	bool critical;
	/*
	 * The last pass found the gate closed on the device though cramd had
	 * it open: reopened only if the next pass finds it so again, since
	 * the kernel's critical event may still be on its way.
	 */
	bool found_closed;
	unsigned int knob_err;		/* bits: a write of the knob failed, logged */
	/* The thresholds as written, for the capacity they were computed from. */
	bool thresholds_set;
	uint64_t thresholds_capacity;
	uint64_t armed_high, armed_low;	/* the policy's, as written; 0: the watermarks */
	uint64_t due_ns;		/* the next pass, at the latest (CLOCK_MONOTONIC) */
	struct cramd_telemetry_history th;	/* what its passes sampled and decided */
};

/*
 * Checks the ABI, sets the configured mode while the device is offline
 * and, when it is online already, applies the configured migration; each
 * failure is recorded. Returns 0, 1 when the device is offline and waits
 * for its online (@onlining is set; see cramd_device_onlined()), or
 * -errno: the device is not to be managed.
 */
int cramd_device_bring_up(struct cramd_device *d);

#endif
