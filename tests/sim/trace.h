/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Workload traces of the compressed-device simulator: what the device is,
 * how the simulation is timed, and a list of phases of demotion demand,
 * compressibility and promotion. The text format is in tests/sim/README.
 */
#ifndef SIM_TRACE_H
#define SIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_NAME_MAX 64
#define SIM_ERR_MAX 512
#define SIM_PAGE 4096ULL

/**
 * struct sim_phase - a stretch of time with one kind of workload
 * @duration_ns: how long it lasts
 * @demand: demotion demand, logical bytes per second
 * @ratio: compression ratio of newly demoted data (>= 1); 0 = the pages table
 * @ratio_end: with @osc_ns 0, the ratio drifts linearly to this by the end;
 *	with @osc_ns, the ratio oscillates between @ratio and this
 * @osc_ns: oscillation period, 0 for none
 * @promote: promotions by write faults, logical bytes per second
 */
struct sim_phase {
	uint64_t duration_ns;
	uint64_t demand;
	double ratio;
	double ratio_end;
	uint64_t osc_ns;
	uint64_t promote;
};

struct sim_trace {
	char name[SIM_NAME_MAX];
	bool compressible;
	/* device */
	uint64_t logical_bytes;
	uint64_t phys_bytes;
	uint64_t evict_bw;
	/* data on the device when the trace starts */
	uint64_t initial_bytes;		/* logical */
	double initial_ratio;
	/* timing, in ns, and telemetry quality */
	uint64_t step_ns;
	uint64_t poll_ns;
	uint64_t lag_ns;
	uint64_t delay_ns;
	unsigned int noise_permille;
	uint64_t seed;
	/* workload */
	struct sim_phase *phases;
	size_t n_phases;
	uint32_t *page_sizes;	/* compressed size of each page, cycled */
	size_t n_page_sizes;
};

/**
 * sim_trace_load - read and validate a trace file
 * @err: one line "FILE:LINE: what is wrong" on error
 *
 * Returns 0, or a negative errno (-EINVAL for a bad trace).
 */
int sim_trace_load(struct sim_trace *t, const char *path, char *err,
		   size_t errlen);

/** sim_trace_free - free what sim_trace_load() allocated. */
void sim_trace_free(struct sim_trace *t);

/** sim_trace_duration_ns - the sum of the phases. */
uint64_t sim_trace_duration_ns(const struct sim_trace *t);

#endif
