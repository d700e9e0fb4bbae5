// SPDX-License-Identifier: GPL-2.0-or-later
/* cramd's recent decision records; see history.h. */
#include <string.h>

#include "history.h"

void cramd_history_init(struct cramd_history *h)
{
	memset(h, 0, sizeof(*h));
}

void cramd_history_add(struct cramd_history *h, const struct cramd_record *r)
{
	h->ring[h->next] = *r;
	h->next = (h->next + 1) % CRAMD_HISTORY_MAX;
	if (h->count < CRAMD_HISTORY_MAX)
		h->count++;
}

const struct cramd_record *cramd_history_get(const struct cramd_history *h, size_t i)
{
	size_t oldest = (h->next + CRAMD_HISTORY_MAX - h->count) % CRAMD_HISTORY_MAX;

	return &h->ring[(oldest + i) % CRAMD_HISTORY_MAX];
}
