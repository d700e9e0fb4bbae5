/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A device's telemetry history, for `cramctl history` and `cramctl plot`:
 * what each pass sampled (physical use and capacity, the reserve level,
 * logical bytes) and decided (gate, rate limit, capacity target, gate
 * changes, eviction requests), downsampled into two fixed rings:
 *  - fine: the last CRAMD_TH_FINE samples as they were taken (every poll
 *    interval, or less often when max_sleep_ms lets the device sleep);
 *  - coarse: one point per CRAMD_TH_COARSE_MS of the monotonic clock,
 *    the last CRAMD_TH_COARSE of them: the slot's last sample, with the
 *    events of every sample merged into it (flags or'ed, eviction bytes
 *    summed).
 * Read back as one series, oldest first: the coarse points older than
 * the oldest fine one, then the fine ones. The device object owns its
 * history (embedded, so allocated once with it); the reasons of the
 * decisions are in the decision records (history.h), not here. Pure: no
 * I/O, no clock (the caller passes both times).
 *
 * A point is stored in 23 bytes, so that 600 fine points and the hour fit
 * where 300 fine points of the first, 32-byte layout did (issue 13's RSS
 * target):
 *  - time: the realtime clock in ms after the history's base @t0_ms, 32
 *    bits (49.7 days); when a sample falls outside that range, the base
 *    moves (all points with it) to the earliest kept point, at most the
 *    range before the sample: over a long uptime, once in 49.7 days; only
 *    kept points more than 49.7 days from a new sample (the clock set by
 *    that much, or a history that long) are pinned to the range's ends;
 *  - phys_used, logical, capacity target, eviction: in CRAMD_TH_UNIT
 *    units, rounded up (a nonzero value stays nonzero), 32 bits each,
 *    saturating at 16 TiB;
 *  - rate limit: 8 bits, the top 3 significant bits and the exponent,
 *    rounded up: exact for the policy's limits, which keep 3 bits;
 *  - flags (7 bits, with the fine ring's CRAMD_TH_SLOT_START) and a 3-bit
 *    index into @gen, the table of the last CRAMD_TH_GENS distinct
 *    (physical capacity, reserve level) pairs, which change only with the
 *    device or a reload: a pair still used by a kept point is not
 *    replaced, unless all CRAMD_TH_GENS are (more changes within the
 *    history's span than that): then the oldest pair's points show the
 *    newest one.
 * Points without data (CRAMD_TH_NO_DATA) keep no capacity or reserve level.
 * The history of a device is 22,200 bytes on a 64-bit system (600 + 360
 * points, the table and the rings; test-telemetry-history.c checks it,
 * cramd(8) and cram-footprint-bench.sh state it).
 */
#ifndef CRAMD_TELEMETRY_HISTORY_H
#define CRAMD_TELEMETRY_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#define CRAMD_TH_FINE 600		/* 10 minutes at the default poll interval */
#define CRAMD_TH_COARSE 360		/* an hour ... */
#define CRAMD_TH_COARSE_MS 10000u	/* ... at 10 s */
#define CRAMD_TH_POINTS_MAX (CRAMD_TH_FINE + CRAMD_TH_COARSE)
#define CRAMD_TH_UNIT 4096u		/* bytes are kept in these */
#define CRAMD_TH_GENS 8			/* (capacity, reserve) pairs kept */

/* Flags of a point: states of its (last) sample, events of the interval. */
enum {
	CRAMD_TH_GATE_CLOSED = 1 << 0,	/* state: the gate as decided */
	CRAMD_TH_DEGRADED = 1 << 1,	/* state: fail-safe */
	CRAMD_TH_DRY_RUN = 1 << 2,	/* state: paused, nothing was written */
	CRAMD_TH_NO_DATA = 1 << 3,	/* state: telemetry unreadable (no byte counts) */
	CRAMD_TH_GATE_CHANGED = 1 << 4,	/* event: the gate was opened or closed */
	CRAMD_TH_EVICT = 1 << 5,	/* event: eviction requested (@evict_bytes) */
	CRAMD_TH_FLAGS = (1 << 6) - 1,
	/* stored in fine points only: the sample began a coarse point */
	CRAMD_TH_SLOT_START = 1 << 6,
};

/**
 * struct cramd_th_sample - one sample, full width (in, and read back)
 * @realtime_ms: CLOCK_REALTIME, ms since the epoch (display)
 * @mono_ms: CLOCK_MONOTONIC, ms (the coarse slots; 0 when read back)
 * @phys_used, @phys_capacity, @logical: bytes (cram/stat)
 * @reserve_permille: physical use at which the policy acts, in permille
 *	of @phys_capacity (adaptive: 1000 - reserve, static: high watermark)
 * @rate_limit: demotion rate limit in bytes/s, 0 for none
 * @capacity_target: capacity target in bytes, 0 for none
 * @evict_bytes: eviction requested (with CRAMD_TH_EVICT)
 * @flags: CRAMD_TH_*
 */
struct cramd_th_sample {
	uint64_t realtime_ms;
	uint64_t mono_ms;
	uint64_t phys_used, phys_capacity, logical;
	unsigned int reserve_permille;
	uint64_t rate_limit, capacity_target, evict_bytes;
	unsigned int flags;
};

/* A stored point; see the header comment. */
struct cramd_th_point {
	uint32_t t_ms;			/* after the history's t0_ms */
	uint32_t phys_used, logical, capacity_target, evict;	/* CRAMD_TH_UNIT units */
	uint8_t rate;			/* cramd_th_rate_code() */
	uint16_t flags : 7, gen : 3;
} __attribute__((packed));

/* The (capacity, reserve level) pair a point's gen names. */
struct cramd_th_gen {
	uint32_t phys_capacity;		/* CRAMD_TH_UNIT units */
	uint16_t reserve_permille;
};

struct cramd_th_ring {
	size_t next, count;
};

struct cramd_telemetry_history {
	struct cramd_th_point fine[CRAMD_TH_FINE];
	struct cramd_th_point coarse[CRAMD_TH_COARSE];
	struct cramd_th_gen gen[CRAMD_TH_GENS];
	struct cramd_th_ring f, c;
	uint64_t t0_ms;			/* the base of the points' times */
	uint64_t slot;			/* the newest coarse point's slot (mono_ms / COARSE_MS) */
	uint16_t fine_starts;		/* fine points with CRAMD_TH_SLOT_START */
	uint8_t cur_gen;		/* the newest sample's gen */
};

/* The rate limit @bytes_per_s as stored: rounded up to 3 significant bits, saturating. */
uint8_t cramd_th_rate_code(uint64_t bytes_per_s);

/* The rate limit a code stands for. */
uint64_t cramd_th_rate_bytes(uint8_t code);

/* Empties @h and touches all of it, so that its memory is resident from the start. */
void cramd_th_init(struct cramd_telemetry_history *h);

/* Adds a sample taken after the previous one (monotonic clock not going back). */
void cramd_th_add(struct cramd_telemetry_history *h, const struct cramd_th_sample *s);

/* Number of points of the series. */
size_t cramd_th_count(const struct cramd_telemetry_history *h);

/* The @i-th point of the series, oldest first (@i < count), at full width. */
void cramd_th_get(const struct cramd_telemetry_history *h, size_t i, struct cramd_th_sample *out);

#endif
