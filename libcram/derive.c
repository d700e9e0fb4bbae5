// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Values derived from two telemetry snapshots: time until the device's
 * physical backing runs out at the current fill rate.
 */
#include <errno.h>
#include <stddef.h>

#include "private.h"

/* True when both snapshots hold every field up to ballooned_pages. */
static bool snap_complete(const struct cram_snapshot *s)
{
	return s->size >= offsetof(struct cram_snapshot, ballooned_pages) +
			  sizeof(s->ballooned_pages);
}

/*
 * The monotonic counters only go backwards, and the physical capacity
 * only changes, when the device was unbound and bound again.
 */
static bool same_bind(const struct cram_snapshot *a, const struct cram_snapshot *b)
{
	return a->phys_capacity_bytes == b->phys_capacity_bytes &&
	       b->demoted_pages >= a->demoted_pages &&
	       b->promoted_pages >= a->promoted_pages &&
	       b->evicted_pages >= a->evicted_pages;
}

/* @headroom * @dt / @grown, or CRAM_TIME_NEVER when it does not fit. */
static uint64_t scale(uint64_t headroom, uint64_t dt, uint64_t grown)
{
	unsigned __int128 t = (unsigned __int128)headroom * dt / grown;

	return t >= CRAM_TIME_NEVER ? CRAM_TIME_NEVER : (uint64_t)t;
}

int cram_snapshot_time_to_full(const struct cram_snapshot *older,
			       const struct cram_snapshot *newer, uint64_t *ns)
{
	uint64_t dt, grown;

	if (!older || !newer || !ns || !snap_complete(older) || !snap_complete(newer))
		return -EINVAL;
	if (newer->timestamp_ns <= older->timestamp_ns)
		return -EINVAL;
	if (!same_bind(older, newer))
		return -ESTALE;
	if (newer->phys_used_bytes >= newer->phys_capacity_bytes) {
		*ns = 0;
		return 0;
	}
	if (newer->phys_used_bytes <= older->phys_used_bytes) {
		*ns = CRAM_TIME_NEVER;
		return 0;
	}
	dt = newer->timestamp_ns - older->timestamp_ns;
	grown = newer->phys_used_bytes - older->phys_used_bytes;
	*ns = scale(newer->phys_capacity_bytes - newer->phys_used_bytes, dt, grown);
	return 0;
}
