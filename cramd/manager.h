/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cramd manager: the set of managed cram devices. It onlines them,
 * programs their thresholds, and on every tick (and on threshold uevents)
 * runs the policy and drives each device's admission gate.
 */
#ifndef CRAMD_MANAGER_H
#define CRAMD_MANAGER_H

#include <stdbool.h>
#include <stddef.h>

#include <systemd/sd-event.h>

#include "config.h"
#include "device.h"
#include "history.h"

struct cramd_manager;

struct cramd_counts {
	size_t managed;
	size_t gates_closed;
	size_t degraded;
};

/* Called after every policy pass; @counts are the current totals. */
typedef void (*cramd_status_fn)(const struct cramd_counts *counts,
				void *userdata);

/**
 * cramd_manager_new - start managing cram devices
 * @cfg: copied; the caller may free it afterwards
 * @ev: the event loop the poll timer, the uevent monitor and the children
 *	(discovery, offline) attach to; SIGCHLD gets blocked
 * @history: where the devices' decision records go (may be NULL)
 *
 * Runs the first discovery (running @ev until it is back), onlines and
 * sets up the configured devices, and arms the timer. Finding no device is
 * not an error. Returns 0, or a negative errno when libcram, the event
 * sources or the first discovery fail.
 */
int cramd_manager_new(struct cramd_manager **out,
		      const struct cramd_config *cfg, sd_event *ev,
		      struct cramd_history *history,
		      cramd_status_fn status_fn, void *userdata);

/*
 * cramd_manager_free - detach from the loop and free; NULL is accepted.
 * Operations still waiting complete first (an offline's bounded write is
 * waited for).
 */
void cramd_manager_free(struct cramd_manager *m);

void cramd_manager_get_counts(const struct cramd_manager *m,
			      struct cramd_counts *counts);

/** cramd_manager_device_count - number of managed devices. */
size_t cramd_manager_device_count(const struct cramd_manager *m);

/** cramd_manager_device_info - the @i-th managed device (@i < count). */
void cramd_manager_device_info(const struct cramd_manager *m, size_t i,
			       struct cramd_device_info *info);

/*
 * cramd_manager_device_telemetry - the telemetry history of the managed
 * device @name (telemetry-history.h), or NULL when cramd manages none of
 * that name
 */
const struct cramd_telemetry_history *cramd_manager_device_telemetry(struct cramd_manager *m,
								      const char *name);

/*
 * What cramd knows of a device it does not manage: @device as it knows it
 * (daxX.Y, or a configured name), @why one of CRAM_WHY_*
 * (control-protocol.h), @reason one line for people; both valid only
 * during the call.
 */
typedef void (*cramd_unmanaged_fn)(void *userdata, const char *device, const char *why,
				   const char *reason);

/*
 * cramd_manager_foreach_unmanaged - call @fn for each device cramd knows
 * of and does not manage: cram devices discovery found (offlined by the
 * operator, left out by [global] devices, failed to set up), released
 * devices, [device NAME] sections with claim = yes whose device is not
 * found (the claim to come, under way or failed, with the helper's
 * words), and [global] devices names that match nothing.
 */
void cramd_manager_foreach_unmanaged(struct cramd_manager *m, cramd_unmanaged_fn fn,
				     void *userdata);

/*
 * cramd_manager_set_config - apply a new, already validated configuration
 * (SIGHUP): devices newly configured are onlined and managed, devices no
 * longer configured are left online but no longer managed, thresholds are
 * rewritten, and dry_run follows the file when the file changed it.
 */
int cramd_manager_set_config(struct cramd_manager *m, const struct cramd_config *cfg);

/*
 * cramd_manager_stop - what stopping does to the devices: nothing by
 * default (nodes stay online); with offline_on_stop, offline each managed
 * device, retrying a refusal offline_retries times with backoff. This
 * blocks (bounded): the loop has ended. Operations still waiting complete
 * first. Returns the number of devices that stayed online against that
 * wish.
 */
int cramd_manager_stop(struct cramd_manager *m);

/** cramd_manager_paused - true in dry-run (config dry_run or cramctl pause). */
bool cramd_manager_paused(const struct cramd_manager *m);

/*
 * cramd_manager_set_paused - enter or leave dry-run
 *
 * Leaving it rewrites every knob on the next pass, since the devices may
 * differ from what the policy decided while nothing was written.
 */
void cramd_manager_set_paused(struct cramd_manager *m, bool paused);

/*
 * The end of a control operation: @rc is 0 or -errno; @err says why in
 * words when @rc is not 0 (NULL otherwise), valid only during the call.
 */
typedef void (*cramd_manager_done_fn)(void *userdata, int rc, const char *err);

/*
 * cramd_manager_online - online @name (daxX.Y) and manage it, whatever
 * the configured device list says. Runs a discovery: @done is called
 * exactly once, before the return or later from the loop.
 */
void cramd_manager_online(struct cramd_manager *m, const char *name,
			  cramd_manager_done_fn done, void *userdata);

/*
 * cramd_manager_offline - offline @name and stop managing it; it stays
 * offline (rediscovery leaves it alone) until cramd_manager_online().
 * The write (bounded by offline_timeout_ms) runs in a child while the loop
 * goes on polling; @done is called exactly once, before the return or
 * later from the loop. -EBUSY or -ETIMEDOUT from the kernel leave the node
 * online and managed.
 */
void cramd_manager_offline(struct cramd_manager *m, const char *name,
			   cramd_manager_done_fn done, void *userdata);

/*
 * cramd_manager_release - offline @name as cramd_manager_offline() does
 * (an offline device is not offlined again), then give it back to
 * device_dax (cram-discover --release, in a child). cramd then leaves it
 * alone, claims included, until cramd_manager_online() claims it back.
 * When the offline works but the release does not, it stays offline.
 * @done is called exactly once, with the helper's reason on failure.
 */
void cramd_manager_release(struct cramd_manager *m, const char *name,
			   cramd_manager_done_fn done, void *userdata);

#endif
