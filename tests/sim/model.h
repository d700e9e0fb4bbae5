/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A deterministic model of a compressed-RAM device in virtual time.
 * Resident data is a queue of extents, oldest (coldest) first, each with
 * its pages and their compressed size; physical use is their sum. Knob
 * writes take effect after a lag; telemetry is sampled with a delay and
 * noise from a seeded generator, so that a run is repeatable.
 */
#ifndef SIM_MODEL_H
#define SIM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace.h"

struct sim_extent {
	uint64_t pages;
	double phys;		/* compressed bytes of those pages */
};

/* A knob write on its way to the device. */
enum sim_knob { SIM_GATE, SIM_RATE, SIM_CAPACITY, SIM_EVICT };

struct sim_write {
	uint64_t at_ns;
	enum sim_knob knob;
	uint64_t value;
};

/* The device's state at one instant: what telemetry reports. */
struct sim_state {
	uint64_t time_ns;
	uint64_t phys_used;
	uint64_t logical;
	uint64_t demoted_pages;
	uint64_t promoted_pages;
	uint64_t evicted_pages;
};

struct sim_device {
	const struct sim_trace *t;
	uint64_t now_ns;
	uint64_t total_pages;
	bool perfect;		/* oracle: admit exactly what fits, no lag */
	/* knobs in effect */
	bool gate_closed;
	uint64_t rate_limit;
	double tokens;		/* the rate limit's bucket, bytes (< 0: overdrawn) */
	uint64_t capacity_pages;
	uint64_t evict_pending;
	/* writes in flight */
	struct sim_write *writes;
	size_t n_writes, cap_writes;
	/* resident data */
	struct sim_extent *ext;
	size_t head, tail, cap_ext;
	uint64_t logical_pages;
	double phys;
	uint64_t overhead;	/* bytes used besides the data; traces: 0 */
	/* counters and rests */
	uint64_t demoted, promoted, evicted;
	double demote_carry, promote_carry, evict_carry;
	size_t page_cursor;	/* next entry of the trace's page sizes */
	/* telemetry history, one entry per step, for the delay */
	struct sim_state *hist;
	size_t hist_len, hist_pos;
	uint64_t rng;
	/* accounting */
	uint64_t overflows;
	bool overflowing;
	int64_t min_headroom;
	double logical_integral;	/* byte-seconds */
	uint64_t evicted_bytes;
};

/** sim_device_init - a device for trace @t; @perfect for the oracle. */
int sim_device_init(struct sim_device *d, const struct sim_trace *t,
		    bool perfect);
void sim_device_free(struct sim_device *d);

/** sim_device_write - a knob write; it takes effect after the trace's lag. */
int sim_device_write(struct sim_device *d, enum sim_knob knob, uint64_t value);

/** sim_device_set - a knob write that takes effect at once (no lag). */
void sim_device_set(struct sim_device *d, enum sim_knob knob, uint64_t value);

/** sim_device_step - advance one step of the trace's step_ns. */
void sim_device_step(struct sim_device *d);

/**
 * sim_device_advance - advance by @dt_ns, which need not be step_ns: the
 * fake kernel steps the model by the real time that passed
 */
void sim_device_advance(struct sim_device *d, uint64_t dt_ns);

/** sim_device_state - the device's state now, without delay or noise. */
void sim_device_state(const struct sim_device *d, struct sim_state *s);

/**
 * sim_device_evict_all - push every resident page out at once (the node
 * goes offline); returns the number of pages
 */
uint64_t sim_device_evict_all(struct sim_device *d);

/**
 * sim_device_sample - telemetry as the policy sees it: the state of
 * delay_ns ago, with noise on phys_used_bytes
 */
void sim_device_sample(struct sim_device *d, struct sim_state *s);

/** sim_device_ratio_at - the trace's compression ratio at @t_ns (0 = mix). */
double sim_device_ratio_at(const struct sim_trace *t, uint64_t t_ns,
			   const struct sim_phase **phase);

#endif
