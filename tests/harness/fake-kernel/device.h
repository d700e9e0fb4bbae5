/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulated compressed-RAM device behind one cram dax device: cram ABI
 * v1's view (online state, knobs with their validation, thresholds and
 * their notifications, the balloon) over the simulator's device model
 * (tests/sim/model.c), which does the demotion, promotion, eviction and
 * compression arithmetic. The model runs one endless phase whose demand,
 * ratio and promotion rate the fake kernel's controls change. No I/O.
 * Every setter validates its argument as cram ABI v1 specifies and returns
 * 0 or the -errno the kernel would return for the write.
 */
#ifndef _FK_DEVICE_H_
#define _FK_DEVICE_H_

#include <stdbool.h>
#include <stdint.h>

#include "../../sim/model.h"

#define FK_PAGE_SIZE		4096ULL
#define FK_RATIO_MIN		1000U
#define FK_RATIO_MAX		100000U
#define FK_LATENCY_MAX_NS	1000000000ULL
#define FK_RATE_LIMIT_MAX	((1ULL << 63) - 1)

/* Events returned by fk_model_advance(). */
#define FK_EVENT_HIGH	0x1
#define FK_EVENT_LOW	0x2
#define FK_EVENT_CRITICAL	0x4	/* the device closed the gate itself */

struct fk_model {
	/* the simulator's device, its trace and the trace's one phase */
	struct sim_trace trace;
	struct sim_phase phase;
	struct sim_device sim;

	/* device constants */
	uint64_t total_pages;
	uint64_t phys_capacity;

	/* simulation parameters */
	uint32_t ratio;			/* per-mille */
	uint64_t latency_ns;
	uint64_t overhead;		/* bytes, charged while online */

	/* knobs */
	bool online;
	bool placement;			/* cram/mode (ABI v2): placement, else compressed */
	bool user_migrate;		/* cram/user_migrate (ABI v2) */
	uint64_t inflow;		/* demotion demand; none reaches a placement node */
	bool no_alloc;
	uint64_t capacity_pages;
	uint64_t rate_limit;
	uint64_t high_threshold;
	uint64_t low_threshold;
	uint64_t critical;		/* the device's critical level, bytes; 0: none */

	/* the model's state, copied after every change (see fk_sync()) */
	uint64_t logical;		/* bytes, whole pages */
	uint64_t phys_used;		/* bytes */
	uint64_t evict_pending;
	uint64_t demoted_pages;
	uint64_t promoted_pages;
	uint64_t evicted_pages;
	uint64_t ballooned_pages;
	uint64_t migrated_pages;	/* explicit migration: none in the fake (ABI v2) */
	uint64_t overflows;		/* phys_used went above phys_capacity */
	uint64_t max_phys_used;

	/* threshold notification arming */
	bool high_armed;
	bool low_armed;
};

/**
 * fk_model_init - a device of @total_pages pages and @phys_capacity bytes
 * @ratio: compression ratio of demoted data, per-mille
 * @inflow: demotion demand, bytes/s
 * @evict_bw: eviction bandwidth, bytes/s
 *
 * Returns 0 or -ENOMEM. @m must not move afterwards (the model points
 * into it); free it with fk_model_free().
 */
int fk_model_init(struct fk_model *m, uint64_t total_pages,
		  uint64_t phys_capacity, uint32_t ratio, uint64_t inflow,
		  uint64_t evict_bw);
void fk_model_free(struct fk_model *m);

int fk_model_online(struct fk_model *m);
int fk_model_offline(struct fk_model *m);
int fk_model_set_capacity_pages(struct fk_model *m, uint64_t pages);
int fk_model_set_no_alloc(struct fk_model *m, bool no_alloc);
int fk_model_set_rate_limit(struct fk_model *m, uint64_t bytes_per_s);
int fk_model_request_evict(struct fk_model *m, uint64_t bytes);
int fk_model_set_high_threshold(struct fk_model *m, uint64_t bytes);
int fk_model_set_low_threshold(struct fk_model *m, uint64_t bytes);
int fk_model_set_ratio(struct fk_model *m, uint64_t permille);
int fk_model_set_latency(struct fk_model *m, uint64_t ns);
/* 0..total_pages * FK_PAGE_SIZE, in phys_used_bytes while online */
int fk_model_set_overhead(struct fk_model *m, uint64_t bytes);
void fk_model_set_inflow(struct fk_model *m, uint64_t bytes_per_s);
/*
 * ABI v2: cram/mode, writable only offline (-EBUSY online); placement
 * resets user_migrate, and demotion never reaches a placement node.
 */
int fk_model_set_placement(struct fk_model *m, bool placement);
/* ABI v2: cram/user_migrate, 0 or 1 (-EINVAL otherwise, and 1 in placement mode) */
int fk_model_set_user_migrate(struct fk_model *m, uint64_t val);
void fk_model_set_promote(struct fk_model *m, uint64_t bytes_per_s);
/*
 * The level of physical use, in percent of the capacity (0: none), at
 * which the device raises a critical event: as the kernel does, the gate
 * closes at once (no_alloc reads 1) and fk_model_advance() reports
 * FK_EVENT_CRITICAL, once for each time it closed the gate.
 */
void fk_model_set_critical_percent(struct fk_model *m, unsigned int percent);

/**
 * fk_model_advance - let @dt_ns nanoseconds of real time pass
 *
 * Steps the model by @dt_ns, then checks the thresholds. Returns a mask
 * of FK_EVENT_HIGH and FK_EVENT_LOW: the crossings that happened during
 * this step (at most one notification per crossing).
 */
unsigned int fk_model_advance(struct fk_model *m, uint64_t dt_ns);

#endif /* _FK_DEVICE_H_ */
