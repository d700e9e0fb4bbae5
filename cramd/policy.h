/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cramd policy engine: a pure module. Per device it keeps a small state;
 * each step takes the device's policy parameters, one telemetry sample and the time
 * "now" (both given by the caller: the engine has no clock and does no
 * I/O) and returns the actions for the device's four knobs, each with a
 * reason. cramd and the simulator (tests/sim, cram-bench) run this code.
 */
#ifndef CRAMD_POLICY_H
#define CRAMD_POLICY_H

#include <stdbool.h>
#include <stdint.h>

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

/* Room for any reason the policy writes, including the trailing NUL. */
#define CRAMD_REASON_MAX 320

/**
 * struct cramd_sample - one telemetry reading of a device
 * @valid: false when the telemetry could not be read or made no sense
 * @why: with !@valid, a short description ("cannot read ...") or NULL
 * @timestamp_ns: when the sample was taken (the caller's monotonic clock)
 * @total_pages: logical capacity of the device in pages (cram/total_pages)
 * @page_size: bytes per page
 * @phys_capacity_bytes .. @evicted_pages: as in cram/stat
 */
struct cramd_sample {
	bool valid;
	const char *why;
	uint64_t timestamp_ns;
	uint64_t total_pages;
	uint64_t page_size;
	uint64_t phys_capacity_bytes;
	uint64_t phys_used_bytes;
	uint64_t logical_bytes;
	uint64_t demoted_pages;
	uint64_t promoted_pages;
	uint64_t evicted_pages;
};

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
	bool have_prev;			/* prev_* hold the last fresh sample */
	struct cramd_sample prev;
	double growth_bps;		/* smoothed physical growth, bytes/s */
	double demote_bps;		/* smoothed demotion, logical bytes/s */
	double evict_bps;		/* smoothed eviction, logical bytes/s */
	uint64_t rate_limit;		/* last demote rate limit, 0 = none */
	uint64_t capacity_pages;	/* last capacity target, 0 = not set */
	uint64_t evict_bytes;		/* last eviction request */
	uint64_t evict_at_ns;		/* when it was made */
	uint64_t gate_changes;		/* number of gate changes so far */
};

/**
 * struct cramd_actions - what the engine wants done, and why
 * @gate_closed: admission gate (no_alloc = 1)
 * @gate_changed: @gate_closed differs from the previous step
 * @degraded: fail-safe: telemetry unreadable, nonsensical or stale
 * @set_rate, @rate_limit: write demote_rate_limit_bytes (0 = unlimited)
 * @set_capacity, @capacity_pages: write capacity_pages
 * @evict, @evict_bytes: write evict_bytes
 * @cause_fmt, @cause_arg: the cause, not yet written out
 * @cause, @reason: read them with cramd_actions_cause() and
 *	cramd_actions_reason(), which write them out on first use: a step
 *	that changes nothing costs no formatting unless someone looks
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
	const char *cause_fmt;
	double cause_arg[3];
	char cause[CRAMD_REASON_MAX];
	char reason[CRAMD_REASON_MAX + 256];
};

/**
 * cramd_actions_cause - why the step decided what it did
 *
 * E.g. "phys used 91.2% >= high watermark 90%". Valid until the next step
 * with the same @actions.
 */
const char *cramd_actions_cause(struct cramd_actions *actions);

/**
 * cramd_actions_reason - the cause followed by the actions taken
 *
 * E.g. "phys used 91.2% >= high watermark 90%: closing gate". Valid until
 * the next step with the same @actions.
 */
const char *cramd_actions_reason(struct cramd_actions *actions);

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
 * @sample: the latest telemetry; a sample whose timestamp is not newer than
 *	the last one is not fresh and changes nothing but the staleness
 * @now_ns: the caller's clock, same base as the sample timestamps
 *
 * Fail-safe: an invalid sample, a zero capacity or no fresh sample for
 * p->stale_intervals poll intervals close the gate and set @degraded;
 * the device recovers after p->recover_samples fresh, sane samples.
 */
void cramd_policy_step(const struct cramd_policy_params *p,
		       struct cramd_policy_state *st,
		       const struct cramd_sample *sample, uint64_t now_ns,
		       struct cramd_actions *out);

#endif
