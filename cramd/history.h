/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cramd's recent decisions, for `cramctl dump`: a fixed ring of the last
 * CRAMD_HISTORY_MAX device messages that carry an action (gate changes,
 * evictions, degraded, online, ...), oldest first. No I/O.
 */
#ifndef CRAMD_HISTORY_H
#define CRAMD_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "log.h"

#define CRAMD_HISTORY_MAX 256

struct cramd_history_entry {
	uint64_t realtime_usec;		/* CLOCK_REALTIME of the decision */
	char device[24];
	char action[24];
	char message[256];
};

struct cramd_history {
	struct cramd_history_entry ring[CRAMD_HISTORY_MAX];
	size_t next;			/* slot the next entry goes to */
	size_t count;			/* entries held, <= CRAMD_HISTORY_MAX */
};

/* Appends one entry, dropping the oldest when full; long strings are cut. */
void cramd_history_add(struct cramd_history *h, uint64_t realtime_usec,
		       const char *device, const char *action, const char *message);

/* The @i-th entry, oldest first (@i < h->count). */
const struct cramd_history_entry *cramd_history_get(const struct cramd_history *h, size_t i);

/*
 * A log sink (see cramd_log_set_sink()) that records every device message
 * with an action in the history passed as @userdata.
 */
void cramd_history_log_sink(int priority, const struct cramd_log_fields *fields,
			    const char *message, void *userdata);

#endif
