/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The manager's state, shared by its files: manager.c (the device
 * table, hotplug, the life cycle), manager-events.c (the timer and the
 * uevent monitor), manager-requests.c (what the control socket asks of
 * it), manager-claim.c (claiming the devices the configuration names),
 * manager-release.c (giving devices back to device_dax) and
 * manager-unmanaged.c (why a known device is not managed). Nothing else
 * includes this.
 */
#ifndef CRAMD_MANAGER_PRIVATE_H
#define CRAMD_MANAGER_PRIVATE_H

#include <libudev.h>

#include <cram/cram.h>

#include "device.h"
#include "discover.h"
#include "manager.h"
#include "offline.h"

#define ERR_MAX 256

/*
 * An operation waiting for the loop: an online, an offline or a release
 * that the control socket asked for, or the online of a device that
 * discovery found (no @done).
 */
struct pending {
	struct cramd_manager *m;
	char name[CRAMD_DEVNAME_MAX];
	bool online;
	bool release;			/* offline, then give it back to device_dax */
	unsigned long want_run;		/* online: the discovery that answers it */
	bool waiting;			/* online: for the child of another (@on) */
	struct cramd_child_call *on;	/* online: its child */
	struct cramd_child_call *off;	/* offline: its child */
	struct cramd_discover_run *run;	/* release, or claiming a released device back */
	cramd_manager_done_fn done;
	void *userdata;
	struct pending *next;
};

struct cramd_manager {
	struct cramd_config cfg;
	struct cram_ctx *cram;
	sd_event *ev;
	sd_event_source *timer;
	sd_event_source *uevent_src;
	struct udev *udev;
	struct udev_monitor *monitor;
	struct cramd_device **devs;
	size_t n;
	struct cramd_history *history;
	bool paused;			/* dry-run: decide and log, write nothing */
	/* Devices the operator offlined: not brought back by rediscovery. */
	char held[CRAMD_CONFIG_MAX_DEVICES][CRAMD_DEVNAME_MAX];
	size_t n_held;
	/* Discovery: the run under way, and whether another one is wanted. */
	struct cramd_discover_run *disc;
	unsigned long runs_started, runs_done;
	int last_run_rc;
	bool disc_again;
	struct pending *pending;
	/* The cram devices the last discovery found (also those not managed). */
	struct cramd_discovery found;
	/* Claims (manager-claim.c): the one under way, the sections tried, why one failed. */
	struct cramd_discover_run *claim;
	size_t claim_index;		/* the section it claims */
	char claim_match[CRAMD_OVERRIDE_MATCH_MAX];
	bool claim_tried[CRAMD_CONFIG_MAX_OVERRIDES];
	char claim_error[CRAMD_CONFIG_MAX_OVERRIDES][CRAMD_HELPER_ERROR_MAX];
	/* Devices given back to device_dax (manager-release.c): never claimed by cramd. */
	struct released {
		struct cramd_candidate ids;	/* what it was known by */
		unsigned long since_run;	/* discoveries after this one see it */
		bool reclaiming;		/* cramctl online is taking it back */
	} released[CRAMD_CONFIG_MAX_DEVICES];
	size_t n_released;
	cramd_status_fn status_fn;
	void *userdata;
};

struct cramd_device *cramd_manager_find(struct cramd_manager *m, const char *name);
void cramd_manager_notify(struct cramd_manager *m);
/* @d's pass, but none while its offline is under way. */
void cramd_manager_pass(struct cramd_manager *m, struct cramd_device *d);
void cramd_manager_run_all(struct cramd_manager *m);
/* The timer to the earliest pass due. */
void cramd_manager_reschedule(struct cramd_manager *m);
void cramd_manager_rescan(struct cramd_manager *m);
int cramd_manager_add(struct cramd_manager *m, const struct cramd_candidate *c);
/* What a discovered candidate is known by, for [device NAME] matching. */
struct cramd_device_ids cramd_manager_candidate_ids(const struct cramd_candidate *c);
void cramd_manager_drop(struct cramd_manager *m, struct cramd_device *d, const char *why);
/* Whether the online of @name (NULL: of any device) runs in a child. */
bool cramd_manager_onlining(struct cramd_manager *m, const char *name);
void cramd_manager_set_held(struct cramd_manager *m, const char *name, bool held);
bool cramd_manager_is_held(const struct cramd_manager *m, const char *name);
/* Whether @d has a device or region named @name (a [global] devices entry). */
bool cramd_manager_name_found(const struct cramd_discovery *d, const char *name);
void cramd_manager_discover(struct cramd_manager *m);

/* manager-events.c; without uevents cramd still polls: failures are warnings. */
void cramd_manager_start_monitor(struct cramd_manager *m);
int cramd_manager_start_timer(struct cramd_manager *m);

/* manager-claim.c */
void cramd_manager_claim_unmatched(struct cramd_manager *m, const struct cramd_discovery *d);
void cramd_manager_claims_reset(struct cramd_manager *m);

/*
 * manager-claim.c: why the device(s) of [device NAME] section @i with
 * claim = yes are not managed (@why one of CRAM_WHY_*, the reason in
 * @buf), or NULL when nothing is to be said (no claim, found, released).
 */
const char *cramd_manager_claim_state(const struct cramd_manager *m, size_t i,
				      const char **why, char *buf, size_t len);

/* manager-release.c */
bool cramd_manager_section_released(const struct cramd_manager *m,
				    const struct cramd_device_override *o);
const struct released *cramd_manager_released(const struct cramd_manager *m, const char *name);
/* The discovery @d is back: forget releases of devices now bound to cram again. */
void cramd_manager_prune_released(struct cramd_manager *m, const struct cramd_discovery *d);
/* After the offline of a release: give @p's device back; completes @p. */
void cramd_manager_release_offlined(struct pending *p);
/* An online of a released device: claim it back first; false when @p's is not released. */
bool cramd_manager_reclaim(struct pending *p);

/* manager-requests.c */
struct pending *cramd_manager_pending_new(struct cramd_manager *m, const char *name,
					  bool online, cramd_manager_done_fn done,
					  void *userdata);
/* The operation under way on @name, or NULL. */
struct pending *cramd_manager_pending_find(struct cramd_manager *m, const char *name);
void cramd_manager_complete(struct pending *p, int rc, const char *err);
void cramd_manager_finish_online(struct cramd_manager *m, struct pending *p,
				 const struct cramd_discovery *d, int rc);
void cramd_manager_finish_pending(struct cramd_manager *m);

#endif
