/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One simulated run: a trace played against a policy. static and adaptive
 * are cramd's own policy engine (cramd/policy.c) fed with the model's
 * delayed, noisy telemetry, their knob writes arriving after the lag; the
 * oracle knows every page's compressed size and acts without lag.
 */
#ifndef SIM_RUN_H
#define SIM_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "trace.h"

enum sim_policy { SIM_STATIC, SIM_ADAPTIVE, SIM_ORACLE };

/**
 * struct sim_result - what one run measured
 * @overflows: times physical use went above physical capacity
 * @min_headroom: lowest phys capacity - phys used seen (negative: overflow)
 * @avg_logical: time average of the data resident on the device
 * @util: @avg_logical relative to the oracle's (set by the caller)
 * @gate_flaps: number of gate changes (open to closed or back)
 * @flaps_per_100s: @gate_flaps per 100 s of trace; a trace shorter than
 *	100 s counts as 100 s
 * @evicted_bytes: data pushed out of the device (balloon and requests)
 * @passes, @passes_per_s: policy passes (cramd's wakeups for the device),
 *	on schedule or woken by a threshold, in all and per second
 */
struct sim_result {
	const char *trace;
	const char *policy;
	bool compressible;
	uint64_t overflows;
	int64_t min_headroom;
	double avg_logical;
	double util;
	uint64_t gate_flaps;
	double flaps_per_100s;
	uint64_t evicted_bytes;
	uint64_t passes;
	double passes_per_s;
};

struct cramd_policy_params;

/* What the command line changes of cramd's defaults; NULL: nothing. */
struct sim_options {
	/* [policy] of a configuration file; NULL: cramd's defaults */
	const struct cramd_policy_params *policy;
	long max_sleep_ms;	/* [policy] max_sleep_ms, -1: as above */
};

const char *sim_policy_name(enum sim_policy p);

/** sim_run - play @t with policy @p; returns 0 or -ENOMEM. */
int sim_run(const struct sim_trace *t, enum sim_policy p, const struct sim_options *o,
	    struct sim_result *r);

#endif
