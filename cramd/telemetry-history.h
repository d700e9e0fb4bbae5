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
 * A point is stored in 32 bytes: bytes in CRAMD_TH_UNIT units (rounded up,
 * saturating at 16 TiB), the realtime clock in seconds and milliseconds.
 * The history of a device is 22,608 bytes on a 64-bit system (300 + 360
 * points and the coarse ring's sample numbers; test-telemetry-history.c
 * checks it, cramd(8) and cram-footprint-bench.sh state it).
 */
#ifndef CRAMD_TELEMETRY_HISTORY_H
#define CRAMD_TELEMETRY_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#define CRAMD_TH_FINE 300		/* 5 minutes at the default poll interval */
#define CRAMD_TH_COARSE 360		/* an hour ... */
#define CRAMD_TH_COARSE_MS 10000u	/* ... at 10 s */
#define CRAMD_TH_POINTS_MAX (CRAMD_TH_FINE + CRAMD_TH_COARSE)
#define CRAMD_TH_UNIT 4096u		/* bytes are kept in these */

/* Flags of a point: states of its (last) sample, events of the interval. */
enum {
	CRAMD_TH_GATE_CLOSED = 1 << 0,	/* state: the gate as decided */
	CRAMD_TH_DEGRADED = 1 << 1,	/* state: fail-safe */
	CRAMD_TH_DRY_RUN = 1 << 2,	/* state: paused, nothing was written */
	CRAMD_TH_NO_DATA = 1 << 3,	/* state: telemetry unreadable (no byte counts) */
	CRAMD_TH_GATE_CHANGED = 1 << 4,	/* event: the gate was opened or closed */
	CRAMD_TH_EVICT = 1 << 5,	/* event: eviction requested (@evict_bytes) */
	CRAMD_TH_FLAGS = (1 << 6) - 1,
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
	uint32_t realtime_s;
	uint16_t realtime_msec : 10, flags : 6;
	uint16_t reserve_permille;
	uint32_t phys_used, phys_capacity, logical;
	uint32_t rate_limit, capacity_target, evict;
};

struct cramd_th_ring {
	size_t next, count;
};

struct cramd_telemetry_history {
	struct cramd_th_point fine[CRAMD_TH_FINE];
	struct cramd_th_point coarse[CRAMD_TH_COARSE];
	uint32_t coarse_last[CRAMD_TH_COARSE];	/* the sample number of each point's last sample */
	struct cramd_th_ring f, c;
	uint64_t samples;		/* taken so far */
	uint64_t slot;			/* the newest coarse point's slot (mono_ms / COARSE_MS) */
};

/* Empties @h and touches all of it, so that its memory is resident from the start. */
void cramd_th_init(struct cramd_telemetry_history *h);

/* Adds a sample taken after the previous one (monotonic clock not going back). */
void cramd_th_add(struct cramd_telemetry_history *h, const struct cramd_th_sample *s);

/* Number of points of the series. */
size_t cramd_th_count(const struct cramd_telemetry_history *h);

/* The @i-th point of the series, oldest first (@i < count), at full width. */
void cramd_th_get(const struct cramd_telemetry_history *h, size_t i, struct cramd_th_sample *out);

#endif
