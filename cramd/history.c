// SPDX-License-Identifier: GPL-2.0-or-later
/* cramd's recent decisions; see history.h. */
#include <stdio.h>
#include <time.h>

#include "history.h"

void cramd_history_add(struct cramd_history *h, uint64_t realtime_usec,
		       const char *device, const char *action, const char *message)
{
	struct cramd_history_entry *e = &h->ring[h->next];

	e->realtime_usec = realtime_usec;
	snprintf(e->device, sizeof(e->device), "%s", device ? device : "");
	snprintf(e->action, sizeof(e->action), "%s", action ? action : "");
	snprintf(e->message, sizeof(e->message), "%s", message ? message : "");
	h->next = (h->next + 1) % CRAMD_HISTORY_MAX;
	if (h->count < CRAMD_HISTORY_MAX)
		h->count++;
}

const struct cramd_history_entry *cramd_history_get(const struct cramd_history *h, size_t i)
{
	size_t oldest = (h->next + CRAMD_HISTORY_MAX - h->count) % CRAMD_HISTORY_MAX;

	return &h->ring[(oldest + i) % CRAMD_HISTORY_MAX];
}

void cramd_history_log_sink(int priority, const struct cramd_log_fields *fields,
			    const char *message, void *userdata)
{
	struct timespec ts;

	if (!fields || !fields->action || priority > LOG_INFO)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	cramd_history_add(userdata, (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000,
			  fields->device, fields->action, message);
}
