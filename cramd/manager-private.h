/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The manager's state, shared by its two files: manager.c (the device
 * table, hotplug, the event sources) and manager-requests.c (what the
 * control socket asks of it). Nothing else includes this.
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

/* A control operation waiting for the loop: an online or an offline. */
struct pending {
	struct cramd_manager *m;
	char name[CRAMD_DEVNAME_MAX];
	bool online;
	unsigned long want_run;		/* online: the discovery that answers it */
	struct cramd_offline *off;	/* offline: its child */
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
	/* Claims (manager-claim.c): the one under way, the sections tried. */
	struct cramd_discover_run *claim;
	char claim_match[CRAMD_OVERRIDE_MATCH_MAX];
	bool claim_tried[CRAMD_CONFIG_MAX_OVERRIDES];
	cramd_status_fn status_fn;
	void *userdata;
};

struct cramd_device *cramd_manager_find(struct cramd_manager *m, const char *name);
void cramd_manager_notify(struct cramd_manager *m);
void cramd_manager_run_all(struct cramd_manager *m);
/* The timer to the earliest pass due. */
void cramd_manager_reschedule(struct cramd_manager *m);
void cramd_manager_rescan(struct cramd_manager *m);
int cramd_manager_add(struct cramd_manager *m, const struct cramd_candidate *c);
/* What a discovered candidate is known by, for [device NAME] matching. */
struct cramd_device_ids cramd_manager_candidate_ids(const struct cramd_candidate *c);
void cramd_manager_drop(struct cramd_manager *m, struct cramd_device *d, const char *why);
void cramd_manager_set_held(struct cramd_manager *m, const char *name, bool held);
void cramd_manager_discover(struct cramd_manager *m);

/* manager-claim.c */
void cramd_manager_claim_unmatched(struct cramd_manager *m, const struct cramd_discovery *d);
void cramd_manager_claims_reset(struct cramd_manager *m);

/* manager-requests.c */
void cramd_manager_complete(struct pending *p, int rc, const char *err);
void cramd_manager_finish_online(struct cramd_manager *m, struct pending *p,
				 const struct cramd_discovery *d, int rc);
void cramd_manager_finish_pending(struct cramd_manager *m);

#endif
