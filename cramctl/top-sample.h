/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cramctl top: what one refresh knows of every cram device, gathered from
 * sysfs through libcram and, when it answers in time, from cramd; rates
 * come from this refresh's snapshot and the previous one's.
 */
#ifndef CRAMCTL_TOP_SAMPLE_H
#define CRAMCTL_TOP_SAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cram/cram.h>

#include "../shared/control-protocol.h"

/* How cramd answered this refresh. */
enum top_cramd {
	TOP_CRAMD_UP,		/* status answered (dump may still have failed) */
	TOP_CRAMD_DOWN,		/* no socket, or nobody listening */
	TOP_CRAMD_SILENT,	/* no reply in time, or its backlog is full (stopped?) */
	TOP_CRAMD_ERROR,	/* another error, or a refusal: see cramd_err */
};

/* One device; a value is valid only when its has_ flag is set. */
struct top_device {
	char devname[CRAM_CONTROL_DEVICE_MAX];
	char region[CRAM_CONTROL_DEVICE_MAX];	/* "" when none */
	int node;
	bool has_node;
	int state;		/* enum cram_device_state, or -errno */
	int mode;		/* enum cram_device_mode, or -errno */
	struct cram_snapshot snap;
	bool has_snap;
	/* from this snapshot and the previous refresh's */
	double fill_rate;	/* physical use, bytes per second, < 0 when it falls */
	bool has_fill_rate;
	double in_ratio;	/* logical / physical bytes that came in meanwhile */
	bool has_in_ratio;
	uint64_t ttf_ns;	/* cram_snapshot_time_to_full(), CRAM_TIME_NEVER */
	bool has_ttf;
	bool no_alloc;
	bool has_gate;
	uint64_t rate_limit;	/* demote_rate_limit_bytes, 0: unlimited */
	bool has_rate_limit;
	uint64_t target_bytes;	/* capacity_pages in bytes */
	bool has_target;
	uint64_t total_bytes;	/* total_pages in bytes */
	bool has_total;
	uint64_t high_threshold;	/* 0: disabled */
	bool has_high;
	/* from cramd, when it answered */
	bool managed;
	bool degraded;
	char cramd_gate[16];	/* the gate cramd wrote; "" when none */
	uint64_t reserve;	/* the reserve level (CRAM_KEY_RESERVE), as plot draws it */
	bool has_reserve;
	char why[32];		/* why cramd does not manage it; "" */
	char last_time[32];	/* its last decision; "" when none */
	char last_action[32];
	char last_reason[256];
};

struct top_view {
	enum top_cramd cramd;
	int cramd_err;		/* -errno of the status query */
	bool dump_failed;	/* status answered, dump did not */
	bool paused;
	size_t managed;		/* devices cramd manages */
	char version[32];
	size_t n;
	struct top_device *dev;
};

/*
 * top_sample - read every cram device of @ctx (rescanned first, so that
 * devices come and go) and ask cramd, each query waiting at most
 * @cramd_timeout_ms; rates against @prev, the previous refresh (NULL for
 * the first). Returns 0 with @view filled (release with top_view_clear()),
 * or -ENOMEM.
 */
int top_sample(struct cram_ctx *ctx, const struct top_view *prev, int cramd_timeout_ms,
	       struct top_view *view);

void top_view_clear(struct top_view *view);

#endif
