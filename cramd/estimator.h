/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cramd estimator: a pure module that turns a device's successive libcram
 * snapshots into filtered figures the policy decides on. It has no clock
 * and does no I/O; the policy engine owns one per device (policy.h).
 *
 * What it estimates (see cramd.conf(5), ESTIMATION):
 *  - physical use, filtered: a two-state Kalman filter (use, and the
 *    physical bytes one incoming logical byte takes) whose prediction
 *    comes from the page counters (demoted in, promoted and evicted out),
 *    which are exact, and whose correction comes from phys_used_bytes,
 *    which may be noisy; with the uncertainty of the estimate;
 *  - the noise of phys_used_bytes, learned from the filter's innovations
 *    (relative to use), never below the configured floor;
 *  - the logical inflow (demotion) and outflow (promotion, eviction) rates
 *    from the counters, and the net physical growth they make;
 *  - the compressed size of incoming data, apart from the average of what
 *    is resident;
 *  - the dead time: from closing the gate to demotion stopping in the
 *    telemetry, i.e. actuation lag plus telemetry age, as measured.
 */
#ifndef CRAMD_ESTIMATOR_H
#define CRAMD_ESTIMATOR_H

#include <stdbool.h>
#include <stdint.h>

#include <cram/cram.h>

/* What a sample did to the estimate. */
enum cramd_est_verdict {
	CRAMD_EST_FIRST,	/* the first sample: the filter starts from it */
	CRAMD_EST_OK,		/* used as it should be */
	CRAMD_EST_OLD,		/* not newer than the last one: ignored */
	CRAMD_EST_FUTURE,	/* stamped after "now": ignored */
	CRAMD_EST_JUMP,		/* a counter went back or leapt: rates restart */
	CRAMD_EST_STALL,	/* a gap longer than the stall window: rates restart */
	CRAMD_EST_STEP,		/* phys use moved far beyond what the counters and the
				 * noise explain: the filter restarts from it */
};

/**
 * struct cramd_est_params - what the estimator is told
 * @noise_floor_permille: least noise assumed on phys_used_bytes, relative
 *	(0: learned only)
 * @smoothing_percent: weight of the newest interval in the rate averages
 * @stall_ns: a gap between samples longer than this restarts the rates
 * @page_size: bytes per page (the counters count pages)
 * @total_pages: logical capacity in pages, 0 when unknown: a counter that
 *	rises by more than this per second of gap (plus one device) leapt
 */
struct cramd_est_params {
	unsigned int noise_floor_permille;
	unsigned int smoothing_percent;
	uint64_t stall_ns;
	uint64_t page_size;
	uint64_t total_pages;
};

/**
 * struct cramd_estimator - the filter's state; cramd_estimator_init() it
 * @have: @last holds the last sample used
 * @used: filtered physical use, bytes
 * @size_in: physical bytes per logical byte of incoming data (0.01..1)
 * @p_uu, @p_us, @p_ss: covariance of (@used, @size_in)
 * @noise_rel2: learned variance of phys_used_bytes, relative to use squared
 * @bias_rel: running mean of the unexplained change between readings
 * @in_bps, @out_bps: demotion and promotion+eviction, logical bytes/s
 * @evict_bps: eviction throughput measured while the device evicted
 * @dead_ns: measured gate-close to demotion-stop time, 0 until measured
 * @samples: samples used since the start
 * @noise_n: samples the noise was learned from, up to 1/NOISE_WEIGHT
 */
struct cramd_estimator {
	bool have;
	struct cram_snapshot last;
	double used;
	double size_in;
	double p_uu, p_us, p_ss;
	double noise_rel2;
	double bias_rel;
	double in_bps, out_bps, evict_bps;
	uint64_t dead_ns;
	unsigned int samples;
	unsigned int noise_n;
	/* a dead-time measurement under way: the gate closed at @close_ns */
	bool watching;
	uint64_t close_ns;
	/*
	 * The last sample stepped the use by @step bytes (0: it did not);
	 * the next one judges it, against the track from before it, which
	 * @step_size, @step_pss and @step_puu keep
	 */
	double step, step_size, step_pss, step_puu;
};

void cramd_estimator_init(struct cramd_estimator *e);

/**
 * cramd_estimator_update - take one snapshot into the estimate
 * @now_ns: the caller's clock (same base as the snapshot's timestamp)
 *
 * Returns what the sample did (enum cramd_est_verdict).
 */
enum cramd_est_verdict cramd_estimator_update(struct cramd_estimator *e,
					      const struct cramd_est_params *p,
					      const struct cram_snapshot *s,
					      uint64_t now_ns);

/**
 * cramd_estimator_gate - the gate was just closed (@closed) or opened at
 * @now_ns: a close starts a dead-time measurement when demotion was running
 */
void cramd_estimator_gate(struct cramd_estimator *e, bool closed, uint64_t now_ns);

/*
 * The noise of the readings is learned (from samples close together:
 * far apart, what changed between two readings is mostly the model's
 * doubt, not their noise).
 */
bool cramd_estimator_noise_learned(const struct cramd_estimator *e);

/* Square root, without libm. */
double cramd_root(double x);

/* Standard deviation of the filtered use, bytes. */
double cramd_estimator_used_sd(const struct cramd_estimator *e);

/* Standard deviation of one phys_used_bytes reading at the current use, bytes. */
double cramd_estimator_noise_sd(const struct cramd_estimator *e,
				const struct cramd_est_params *p);

/* Physical bytes per logical byte of what is resident (1 when empty). */
double cramd_estimator_size_avg(const struct cramd_estimator *e);

/* Net physical growth, bytes/s: inflow at its size minus outflow at the average's. */
double cramd_estimator_growth(const struct cramd_estimator *e);

#endif
