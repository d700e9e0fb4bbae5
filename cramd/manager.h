/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cramd manager: the set of managed cram devices. It onlines them,
 * programs their thresholds, and on every tick (and on threshold uevents)
 * runs the policy and drives each device's admission gate.
 */
#ifndef CRAMD_MANAGER_H
#define CRAMD_MANAGER_H

#include <stddef.h>

#include <systemd/sd-event.h>

#include "config.h"

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
 * @ev: the event loop the poll timer and the uevent monitor attach to
 *
 * Runs the first discovery, onlines and sets up the configured devices,
 * and arms the timer. Finding no device is not an error. Returns 0, or a
 * negative errno when libcram or the event sources cannot be set up.
 */
int cramd_manager_new(struct cramd_manager **out,
		      const struct cramd_config *cfg, sd_event *ev,
		      cramd_status_fn status_fn, void *userdata);

/** cramd_manager_free - detach from the loop and free; NULL is accepted. */
void cramd_manager_free(struct cramd_manager *m);

void cramd_manager_get_counts(const struct cramd_manager *m,
			      struct cramd_counts *counts);

#endif
