/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cramd policy engine: a pure module. Per device it keeps a small state;
 * each step takes the device's policy parameters, one libcram snapshot and
 * the time "now" (both given by the caller: the engine has no clock and
 * does no I/O) and returns the actions for the device's four knobs with a
 * typed cause. cramd and the simulator (tests/sim, cram-bench) run this code.
 */
#ifndef CRAMD_POLICY_H
#define CRAMD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cram/cram.h>

#include "estimator.h"

enum cramd_policy_kind {
	CRAMD_POLICY_STATIC = 0,	/* "static", alias "watermark" */
	CRAMD_POLICY_ADAPTIVE = 1,	/* "adaptive", the default */
};

/**
 * struct cramd_adaptive - tuning of the adaptive policy (see cramd.conf(5))
 * @reserve_permille: physical headroom the policy never plans to fill
 * @hysteresis_permille: a closed gate reopens only with this much more
 * @critical_permille: below this headroom, eviction is requested
 * @evict_target_permille: eviction restores this much headroom
 * @actuation_lag_ms: assumed delay from a knob write to its effect
 * @min_gate_open_ms: an opened gate stays open this long (unless unsafe)
 * @min_gate_closed_ms: a closed gate stays closed this long
 * @min_rate_kib: below this demotion rate limit (KiB/s) the gate closes
 * @evict_window_ms: an eviction request is at most what the device was
 *	measured to evict in this time
 * @smoothing_percent: weight of the newest sample in the rate averages
 * @safety_percent: 0 favours utilization, 100 safety: how many standard
 *	deviations of the use estimate are planned for (1 + 2 x safety/100)
 *	and what share of the budget one reaction time may fill
 *	(0.75 - 0.5 x safety/100)
 * @noise_floor_permille: least noise assumed on phys_used_bytes, relative
 *	to it; more is learned from the telemetry
 * @max_sleep_ms: longest time a device that cannot get into danger goes
 *	without a pass (0: a pass every poll interval)
 * @collapse_hidden_percent: how long a collapse of the incoming ratio is
 *	assumed to stay hidden in the readings' noise: 0 one reaction time
 *	and a poll, 100 the time averaged readings need to show it
 */
struct cramd_adaptive {
	unsigned int reserve_permille;
	unsigned int hysteresis_permille;
	unsigned int critical_permille;
	unsigned int evict_target_permille;
	unsigned int actuation_lag_ms;
	unsigned int min_gate_open_ms;
	unsigned int min_gate_closed_ms;
	unsigned int min_rate_kib;
	unsigned int evict_window_ms;
	unsigned int smoothing_percent;
	unsigned int safety_percent;
	unsigned int noise_floor_permille;
	unsigned int max_sleep_ms;
	unsigned int collapse_hidden_percent;
};

/**
 * struct cramd_policy_params - everything the engine reads of the
 *	configuration, for one device (cramd.conf(5): [policy] with the
 *	device's [device NAME] sections applied; see config.h)
 * @kind: the gate policy
 * @poll_interval_ms: how often the caller steps the engine
 * @high_watermark_percent: static: close the gate at or above this use
 * @low_watermark_percent: static: reopen the gate at or below this use
 * @stale_intervals: telemetry older than this many poll intervals is stale
 * @recover_samples: fresh samples needed to leave the degraded state
 * @adaptive: the adaptive policy's tuning
 */
struct cramd_policy_params {
	enum cramd_policy_kind kind;
	unsigned int poll_interval_ms;
	unsigned int high_watermark_percent;
	unsigned int low_watermark_percent;
	unsigned int stale_intervals;
	unsigned int recover_samples;
	struct cramd_adaptive adaptive;
};

/**
 * struct cramd_telemetry - what the engine reads of a device at one step
 * @snap: libcram's snapshot (cram/stat at one instant, timestamped with the
 *	caller's monotonic clock), or NULL when it could not be read
 * @error: with !@snap, libcram's -errno: the failure's detail
 * @attr: with !@snap, the attribute that failed
 * @total_pages: logical capacity of the device in pages (cram/total_pages),
 *	0 when unknown
 * @page_size: bytes per page
 * @kernel_critical: the kernel closed the gate on a critical device event
 *	and the condition stands (the caller decides when it has passed):
 *	the gate stays closed, whatever the policy would do
 */
enum cramd_attr {
	CRAMD_ATTR_STAT,		/* cram/stat, the snapshot */
	CRAMD_ATTR_ABI_VERSION,		/* cram/abi_version: no longer ours */
	CRAMD_ATTR_STATE,		/* cram/state */
};

struct cramd_telemetry {
	const struct cram_snapshot *snap;
	int error;
	enum cramd_attr attr;
	uint64_t total_pages;
	uint64_t page_size;
	bool kernel_critical;
};

/*
 * Why the engine decided what it did: each cause with the numbers behind
 * it (struct cramd_actions.num), written out by cramd_cause_format() from
 * one table.
 */
enum cramd_cause {
	CRAMD_CAUSE_UNREADABLE,		/* num[0]: errno of the read, num[1]: enum cramd_attr */
	CRAMD_CAUSE_NO_CAPACITY,	/* phys capacity is 0 */
	CRAMD_CAUSE_STALE,		/* num[0]: ms since the last fresh sample */
	CRAMD_CAUSE_NOT_FRESH,		/* no new sample yet */
	CRAMD_CAUSE_RECOVERING,		/* num[0]: fresh samples still needed */
	CRAMD_CAUSE_ABOVE_HIGH,		/* num: used %, high watermark % */
	CRAMD_CAUSE_BELOW_LOW,		/* num: used %, low watermark % */
	CRAMD_CAUSE_BETWEEN,		/* num: used %, low %, high % */
	CRAMD_CAUSE_FORECAST,		/* num[0]: reaction time, s */
	CRAMD_CAUSE_RATE_LOW,		/* num: allowed KiB/s, minimum KiB/s */
	CRAMD_CAUSE_BUDGET,		/* num: budget KiB, allowed KiB/s */
	CRAMD_CAUSE_REOPEN,		/* num: budget KiB, reopening level KiB */
	CRAMD_CAUSE_HOLD_CLOSED,	/* num: budget KiB, reopening KiB, hold ms */
	CRAMD_CAUSE_KERNEL_CRITICAL,	/* the kernel's critical event holds the gate */
	CRAMD_CAUSE_COUNT
};

/* Room for any cause written out, including the trailing NUL. */
#define CRAMD_CAUSE_MAX 160
/* Room for a cause and the actions after it. */
#define CRAMD_REASON_MAX (CRAMD_CAUSE_MAX + 160)

/* Gate changes remembered to bound flapping (see policy.c). */
#define CRAMD_POLICY_FLAPS 4

/**
 * struct cramd_policy_state - what the engine remembers about a device
 *
 * Initialise with cramd_policy_init(); otherwise owned by the engine.
 */
struct cramd_policy_state {
	bool gate_closed;
	bool degraded;
	unsigned int fresh_needed;	/* fresh samples still needed to recover */
	uint64_t gate_since_ns;		/* last gate change */
	uint64_t last_now_ns;		/* last step's clock */
	uint64_t last_fresh_ns;		/* clock of the last fresh sample */
	struct cramd_estimator est;	/* the filtered telemetry, with the last sample */
	uint64_t rate_limit;		/* last demote rate limit, 0 = none */
	uint64_t capacity_pages;	/* last capacity target, 0 = not set */
	uint64_t evict_bytes;		/* last eviction request */
	uint64_t evict_at_ns;		/* when it was made */
	uint64_t gate_changes;		/* number of gate changes so far */
	uint64_t sleep_ns;		/* the longest the last step let the device go */
	uint64_t changes_ns[CRAMD_POLICY_FLAPS];	/* the last gate changes, a ring */
	unsigned int change_pos;	/* the next slot of changes_ns */
	unsigned int n_changes;		/* slots used */
};

/**
 * struct cramd_actions - what the engine wants done, and why
 * @gate_closed: admission gate (no_alloc = 1)
 * @gate_changed: @gate_closed differs from the previous step
 * @degraded: fail-safe: telemetry unreadable, nonsensical or stale
 * @set_rate, @rate_limit: write demote_rate_limit_bytes (0 = unlimited)
 * @set_capacity, @capacity_pages: write capacity_pages
 * @evict, @evict_bytes: write evict_bytes
 * @cause, @num: why, and the numbers behind it (see enum cramd_cause)
 * @sleep_ns: the next pass is due at the latest this long after this one
 * @arm_high, @arm_low: the thresholds to arm on the device (high: the
 *	kernel wakes cramd before the device can get into danger, or as soon
 *	as an idle device gets busy; low: room opened for a closed gate, 0 =
 *	none); both 0: the watermarks (the static policy)
 */
struct cramd_actions {
	bool gate_closed;
	bool gate_changed;
	bool degraded;
	bool set_rate;
	uint64_t rate_limit;
	bool set_capacity;
	uint64_t capacity_pages;
	bool evict;
	uint64_t evict_bytes;
	enum cramd_cause cause;
	double num[3];
	uint64_t sleep_ns;
	uint64_t arm_high;
	uint64_t arm_low;
};

/** cramd_attr_name - the attribute's file name in the device's cram/, e.g. "stat". */
const char *cramd_attr_name(enum cramd_attr attr);

/** cramd_cause_name - a short stable name of @cause, e.g. "high-watermark". */
const char *cramd_cause_name(enum cramd_cause cause);

/**
 * cramd_cause_format - write out @cause with its numbers @num
 *
 * E.g. "phys used 91.2% >= high watermark 90%". Returns @buf.
 */
const char *cramd_cause_format(char *buf, size_t len, enum cramd_cause cause,
			       const double num[3]);

/**
 * cramd_actions_reason - @a's cause followed by the actions taken
 *
 * E.g. "phys used 91.2% >= high watermark 90%: closing gate". Returns @buf.
 */
const char *cramd_actions_reason(char *buf, size_t len,
				 const struct cramd_actions *a);

/**
 * cramd_watermark_bytes - @percent of @capacity, rounded down
 *
 * Exact for every 64-bit capacity (no intermediate overflow). This is both
 * the value cramd writes to the device's threshold knobs and the value
 * the static policy compares against.
 */
uint64_t cramd_watermark_bytes(uint64_t capacity, unsigned int percent);

/**
 * cramd_policy_init - start tracking a device
 * @gate_closed: the gate's current state on the device
 * @now_ns: the caller's clock
 */
void cramd_policy_init(struct cramd_policy_state *st, bool gate_closed,
		       uint64_t now_ns);

/**
 * cramd_policy_forget_knobs - a knob write failed: write them all again
 *
 * The next step emits the rate limit and the capacity target even when
 * they did not change.
 */
void cramd_policy_forget_knobs(struct cramd_policy_state *st);

/**
 * cramd_policy_step - run the policy once for one device
 * @t: the latest telemetry; a snapshot whose timestamp is not newer than
 *	the last one is not fresh and changes nothing but the staleness
 * @now_ns: the caller's clock, same base as the sample timestamps
 *
 * Fail-safe: an unreadable snapshot, a zero capacity or no fresh sample for
 * p->stale_intervals poll intervals close the gate and set @degraded;
 * the device recovers after p->recover_samples fresh, sane samples.
 */
void cramd_policy_step(const struct cramd_policy_params *p,
		       struct cramd_policy_state *st,
		       const struct cramd_telemetry *t, uint64_t now_ns,
		       struct cramd_actions *out);

#endif
