// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Telemetry snapshots: one read of cram/stat, opened afresh relative to
 * the device's cram/ directory, stamped with CLOCK_MONOTONIC and copied
 * into as much of struct cram_snapshot as the caller has.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/clock.h"

#include "private.h"
#include "parse.h"
#include "sysfs.h"

/* True when the caller's snapshot is large enough to hold @field. */
#define SNAP_HAS(snap, field)							\
	((snap)->size >= offsetof(struct cram_snapshot, field) + sizeof((snap)->field))

/* Where each field of cram/stat (ABI v1 order) goes. */
static const size_t stat_offsets[CRAM_STAT_FIELDS] = {
	offsetof(struct cram_snapshot, phys_capacity_bytes),
	offsetof(struct cram_snapshot, phys_used_bytes),
	offsetof(struct cram_snapshot, logical_bytes),
	offsetof(struct cram_snapshot, demoted_pages),
	offsetof(struct cram_snapshot, promoted_pages),
	offsetof(struct cram_snapshot, evicted_pages),
	offsetof(struct cram_snapshot, ballooned_pages),
};

int cram_device_snapshot(struct cram_device *dev, struct cram_snapshot *snap)
{
	uint64_t fields[CRAM_STAT_FIELDS];
	char buf[CRAM_SYSFS_BUF];
	struct cram_attr stat;
	struct cram_ctx *ctx;
	size_t i;
	int rc;

	if (!dev || !snap || !SNAP_HAS(snap, timestamp_ns))
		return -EINVAL;
	ctx = cram_device_get_ctx(dev);
	stat = cram_device_attr(dev, "stat");
	rc = cram_sysfs_read_str(ctx, &stat, buf, sizeof(buf));
	if (rc < 0)
		return rc;
	rc = cram_parse_stat(buf, fields, CRAM_STAT_FIELDS);
	if (rc < 0)
		return cram_sysfs_bad_value(ctx, &stat, buf, rc);
	snap->timestamp_ns = util_now_ns();
	for (i = 0; i < CRAM_STAT_FIELDS; i++) {
		if (snap->size >= stat_offsets[i] + sizeof(uint64_t))
			memcpy((char *)snap + stat_offsets[i], &fields[i], sizeof(uint64_t));
	}
	return 0;
}

double cram_snapshot_ratio(const struct cram_snapshot *snap)
{
	if (!snap || !SNAP_HAS(snap, logical_bytes) || snap->phys_used_bytes == 0)
		return 0.0;
	return (double)snap->logical_bytes / (double)snap->phys_used_bytes;
}

size_t cram_page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

uint64_t cram_snapshot_headroom(const struct cram_snapshot *snap)
{
	if (!snap || !SNAP_HAS(snap, phys_used_bytes) ||
	    snap->phys_used_bytes >= snap->phys_capacity_bytes)
		return 0;
	return snap->phys_capacity_bytes - snap->phys_used_bytes;
}
