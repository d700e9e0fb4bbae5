/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cramd's recent decisions, for `cramctl dump`: a fixed ring of the last
 * CRAMD_HISTORY_MAX records at info or above (gate changes, evictions,
 * degraded, drift, online, ...), oldest first. No I/O.
 */
#ifndef CRAMD_HISTORY_H
#define CRAMD_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

#define CRAMD_HISTORY_MAX 256

struct cramd_history {
	struct cramd_record ring[CRAMD_HISTORY_MAX];
	size_t next;			/* slot the next record goes to */
	size_t count;			/* records held, <= CRAMD_HISTORY_MAX */
};

/*
 * Empties @h and writes every page of it, so that the ring is resident
 * from the start: cramd's memory does not grow as records arrive.
 */
void cramd_history_init(struct cramd_history *h);

/* Appends a copy of @r, dropping the oldest when full. */
void cramd_history_add(struct cramd_history *h, const struct cramd_record *r);

/* The @i-th record, oldest first (@i < h->count). */
const struct cramd_record *cramd_history_get(const struct cramd_history *h, size_t i);

#endif
