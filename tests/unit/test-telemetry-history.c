// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of cramd/telemetry-history.c: samples read back in order at
 * 4 KiB precision, the fine ring keeping the last samples as taken, the
 * coarse ring downsampling older ones to one point per 10 s slot with the
 * slot's events merged, both rings wrapping, sparse samples (max_sleep_ms)
 * kept with their own times, and values saturating instead of wrapping;
 * the 23-byte point: the rate limit's code, the time base moving over a
 * long uptime and with the clock, a 1 TiB device's values exact, the
 * (capacity, reserve level) table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "../../cramd/telemetry-history.h"

#define T0_MS 1700000000000ull		/* realtime of the first sample */

static struct cramd_telemetry_history *new_history(void)
{
	struct cramd_telemetry_history *h = malloc(sizeof(*h));

	assert_non_null(h);
	cramd_th_init(h);
	return h;
}

/* Sample @n, taken @step_ms after the previous one; its use is @n pages. */
static void add(struct cramd_telemetry_history *h, uint64_t n, uint64_t step_ms,
		unsigned int flags, uint64_t evict)
{
	struct cramd_th_sample s = {
		.realtime_ms = T0_MS + n * step_ms,
		.mono_ms = 5000000 + n * step_ms,
		.phys_used = n * 4096, .phys_capacity = 1ull << 30, .logical = n * 8192,
		.reserve_permille = 900, .rate_limit = 1 << 20, .capacity_target = 1ull << 31,
		.evict_bytes = evict, .flags = flags,
	};

	cramd_th_add(h, &s);
}

static uint64_t sample_no(const struct cramd_th_sample *s, uint64_t step_ms)
{
	return (s->realtime_ms - T0_MS) / step_ms;
}

static void test_empty(void **state)
{
	struct cramd_telemetry_history *h = new_history();

	(void)state;
	assert_int_equal(cramd_th_count(h), 0);
	free(h);
}

static void test_fine_round_trip(void **state)
{
	struct cramd_telemetry_history *h = new_history();
	struct cramd_th_sample s, in = {
		.realtime_ms = T0_MS + 123, .mono_ms = 1000, .phys_used = 4097,
		.phys_capacity = 1ull << 30, .logical = 0, .reserve_permille = 850,
		.rate_limit = 5000, .capacity_target = 0, .evict_bytes = 100,
		.flags = CRAMD_TH_GATE_CLOSED | CRAMD_TH_GATE_CHANGED | CRAMD_TH_EVICT,
	};
	uint64_t i;

	(void)state;
	cramd_th_add(h, &in);
	assert_int_equal(cramd_th_count(h), 1);
	cramd_th_get(h, 0, &s);
	assert_int_equal(s.realtime_ms, T0_MS + 123);
	assert_int_equal(s.phys_used, 8192);	/* rounded up to 4 KiB */
	assert_int_equal(s.phys_capacity, 1ull << 30);
	assert_int_equal(s.logical, 0);
	assert_int_equal(s.reserve_permille, 850);
	assert_int_equal(s.rate_limit, 5120);	/* 3 bits, rounded up: a limit stays a limit */
	assert_int_equal(s.capacity_target, 0);
	assert_int_equal(s.evict_bytes, 4096);
	assert_int_equal(s.flags, in.flags);

	for (i = 1; i < 50; i++)
		add(h, i, 100, 0, 0);
	assert_int_equal(cramd_th_count(h), 50);
	for (i = 1; i < 50; i++) {
		cramd_th_get(h, i, &s);
		assert_int_equal(s.realtime_ms, T0_MS + i * 100);
		assert_int_equal(s.phys_used, i * 4096);
		assert_int_equal(s.logical, i * 8192);
	}
	free(h);
}

/*
 * 1000 samples at 1 s: the last CRAMD_TH_FINE as taken, the slots of 10 s
 * before them (70 with 300 fine samples, 40 with 600).
 */
#define DOWN_NC ((1000 - CRAMD_TH_FINE) / 10)
static void test_downsampled(void **state)
{
	struct cramd_telemetry_history *h = new_history();
	struct cramd_th_sample s;
	uint64_t i;

	(void)state;
	for (i = 0; i < 1000; i++)
		add(h, i, 1000, i == 3 ? CRAMD_TH_GATE_CHANGED | CRAMD_TH_GATE_CLOSED :
		    i == 4 || i == 5 ? CRAMD_TH_EVICT | CRAMD_TH_GATE_CLOSED : 0,
		    i == 4 || i == 5 ? 4096 : 0);
	assert_int_equal(cramd_th_count(h), DOWN_NC + CRAMD_TH_FINE);
	/* the first point: slot 0's last sample (9), with the events of 3, 4, 5 */
	cramd_th_get(h, 0, &s);
	assert_int_equal(sample_no(&s, 1000), 9);
	assert_int_equal(s.phys_used, 9 * 4096);
	assert_true(s.flags & CRAMD_TH_GATE_CHANGED);
	assert_true(s.flags & CRAMD_TH_EVICT);
	assert_false(s.flags & CRAMD_TH_GATE_CLOSED);	/* the state of sample 9 */
	assert_int_equal(s.evict_bytes, 8192);
	cramd_th_get(h, 1, &s);
	assert_int_equal(sample_no(&s, 1000), 19);
	assert_int_equal(s.flags, 0);
	cramd_th_get(h, DOWN_NC - 1, &s);
	assert_int_equal(sample_no(&s, 1000), DOWN_NC * 10 - 1);
	for (i = 0; i < CRAMD_TH_FINE; i++) {
		cramd_th_get(h, DOWN_NC + i, &s);
		assert_int_equal(sample_no(&s, 1000), 1000 - CRAMD_TH_FINE + i);
	}
	free(h);
}

/* Both rings wrap: an hour of 10 s points, then the fine samples. */
static void test_wraps(void **state)
{
	struct cramd_telemetry_history *h = new_history();
	struct cramd_th_sample s, prev = { 0 };
	uint64_t i, n;

	(void)state;
	for (i = 0; i < 10000; i++)
		add(h, i, 1000, 0, 0);
	/*
	 * coarse slots 640..999 kept; those from (10000 - CRAMD_TH_FINE) / 10
	 * on (940 with 600 fine samples) overlap the fine samples
	 */
	n = cramd_th_count(h);
	assert_int_equal(n, (10000 - CRAMD_TH_FINE) / 10 - (1000 - CRAMD_TH_COARSE) + CRAMD_TH_FINE);
	assert_true(n <= CRAMD_TH_POINTS_MAX);
	cramd_th_get(h, 0, &s);
	assert_int_equal(sample_no(&s, 1000), 6409);
	for (i = 0; i < n; i++) {
		cramd_th_get(h, i, &s);
		assert_true(i == 0 || s.realtime_ms > prev.realtime_ms);
		prev = s;
	}
	assert_int_equal(sample_no(&s, 1000), 9999);
	free(h);
}

/*
 * Passes a minute apart (max_sleep_ms): each is a slot of its own, kept
 * with its own time; the series then reaches back as far as the longer
 * ring, CRAMD_TH_FINE samples or CRAMD_TH_COARSE slots.
 */
#define SPARSE_N (CRAMD_TH_FINE + 100)
#define SPARSE_KEPT (CRAMD_TH_FINE > CRAMD_TH_COARSE ? CRAMD_TH_FINE : CRAMD_TH_COARSE)
static void test_sparse(void **state)
{
	struct cramd_telemetry_history *h = new_history();
	struct cramd_th_sample s;
	uint64_t i;

	(void)state;
	for (i = 0; i < SPARSE_N; i++)
		add(h, i, 60000, 0, 0);
	assert_int_equal(cramd_th_count(h), SPARSE_KEPT);
	for (i = 0; i < SPARSE_KEPT; i++) {
		cramd_th_get(h, i, &s);
		assert_int_equal(sample_no(&s, 60000), SPARSE_N - SPARSE_KEPT + i);
	}
	free(h);
}

static void test_saturates(void **state)
{
	struct cramd_telemetry_history *h = new_history();
	struct cramd_th_sample s, in = {
		.realtime_ms = T0_MS, .phys_used = UINT64_MAX, .phys_capacity = 1ull << 50,
		.reserve_permille = 5000, .evict_bytes = UINT64_MAX, .flags = CRAMD_TH_EVICT,
	};

	(void)state;
	cramd_th_add(h, &in);
	in.mono_ms = 1;		/* the same slot: eviction bytes add up, saturating */
	cramd_th_add(h, &in);
	cramd_th_get(h, 0, &s);
	assert_int_equal(s.phys_used, (uint64_t)UINT32_MAX * CRAMD_TH_UNIT);
	assert_int_equal(s.phys_capacity, (uint64_t)UINT32_MAX * CRAMD_TH_UNIT);
	assert_int_equal(s.reserve_permille, 1000);
	assert_int_equal(s.evict_bytes, (uint64_t)UINT32_MAX * CRAMD_TH_UNIT);
	free(h);
}

/* The rate limit's code: exact for what the policy sets (3 bits), else rounded up. */
static void test_rate_code(void **state)
{
	uint64_t v, m;
	unsigned int e;

	(void)state;
	for (v = 0; v < 8; v++)
		assert_int_equal(cramd_th_rate_bytes(cramd_th_rate_code(v)), v);
	for (e = 0; e <= 61; e++)
		for (m = 4; m < 8; m++) {
			v = m << e;
			assert_int_equal(cramd_th_rate_bytes(cramd_th_rate_code(v)), v);
			/* one more rounds up to the next code, never down */
			if (e >= 1 && v + 1 < (7ull << 61))
				assert_true(cramd_th_rate_bytes(cramd_th_rate_code(v + 1)) > v);
		}
	assert_int_equal(cramd_th_rate_bytes(cramd_th_rate_code(9)), 10);
	assert_int_equal(cramd_th_rate_bytes(cramd_th_rate_code(15)), 16);
	assert_int_equal(cramd_th_rate_bytes(cramd_th_rate_code((1ull << 20) + 1)), 5ull << 18);
	/* saturating: the largest code */
	assert_int_equal(cramd_th_rate_code(UINT64_MAX), 251);
	assert_int_equal(cramd_th_rate_bytes(cramd_th_rate_code(UINT64_MAX)), 7ull << 61);
	assert_int_equal(cramd_th_rate_bytes(cramd_th_rate_code(7ull << 61)), 7ull << 61);
}

/* A full 1 TiB device, logical 4 TiB: every value exact to the page. */
static void test_1tib(void **state)
{
	struct cramd_telemetry_history *h = new_history();
	const uint64_t tib = 1ull << 40, page = CRAMD_TH_UNIT;
	struct cramd_th_sample s, in = {
		.realtime_ms = T0_MS + 999, .mono_ms = 1, .phys_used = tib - page,
		.phys_capacity = tib, .logical = 4 * tib - page, .reserve_permille = 1000,
		.rate_limit = 7ull << 30, .capacity_target = 4 * tib - 2 * page,
		.evict_bytes = 2 * tib + page, .flags = CRAMD_TH_EVICT | CRAMD_TH_DEGRADED,
	};

	(void)state;
	cramd_th_add(h, &in);
	cramd_th_get(h, 0, &s);
	assert_int_equal(s.realtime_ms, in.realtime_ms);
	assert_int_equal(s.phys_used, in.phys_used);
	assert_int_equal(s.phys_capacity, in.phys_capacity);
	assert_int_equal(s.logical, in.logical);
	assert_int_equal(s.reserve_permille, 1000);
	assert_int_equal(s.rate_limit, in.rate_limit);
	assert_int_equal(s.capacity_target, in.capacity_target);
	assert_int_equal(s.evict_bytes, in.evict_bytes);
	assert_int_equal(s.flags, in.flags);
	/* 16 TiB less a page is the largest exact value */
	in.phys_used = (1ull << 44) - page;
	in.mono_ms = 20000;
	cramd_th_add(h, &in);
	cramd_th_get(h, 1, &s);
	assert_int_equal(s.phys_used, (1ull << 44) - page);
	free(h);
}

/*
 * A long uptime: a pass a minute for 100 days, every time exact (the base
 * moves twice); then passes 10 days apart: those within the 49.7 days of
 * the newest are exact, older ones pinned to the range's start; then the
 * clock set back a year: the new sample exact, the older ones pinned to
 * the range's end; and a clock at the end of time.
 */
static void test_long_uptime(void **state)
{
	struct cramd_telemetry_history *h = new_history();
	const uint64_t day = 86400000ull, range = UINT32_MAX;
	struct cramd_th_sample s, prev, in = { .phys_capacity = 1ull << 30 };
	uint64_t i, n = 100 * 24 * 60, newest;
	size_t k;

	(void)state;
	for (i = 0; i < n; i++) {
		in.realtime_ms = T0_MS + i * 60000 + i % 1000;
		in.mono_ms = i * 60000;
		cramd_th_add(h, &in);
	}
	for (k = 0; k < CRAMD_TH_FINE; k++) {
		i = n - CRAMD_TH_FINE + k;
		cramd_th_get(h, cramd_th_count(h) - CRAMD_TH_FINE + k, &s);
		assert_int_equal(s.realtime_ms, T0_MS + i * 60000 + i % 1000);
	}
	for (i = 1; i <= 20; i++) {
		in.realtime_ms += 10 * day;
		in.mono_ms += 10 * day;
		cramd_th_add(h, &in);
	}
	newest = in.realtime_ms;
	for (i = 0; i < 5; i++) {	/* 0, 10, ... 40 days old */
		cramd_th_get(h, cramd_th_count(h) - 1 - i, &s);
		assert_int_equal(s.realtime_ms, newest - i * 10 * day);
	}
	for (k = 0; k < cramd_th_count(h); k++) {
		cramd_th_get(h, k, &s);
		assert_true(s.realtime_ms >= newest - range);
		assert_true(k == 0 || s.realtime_ms >= prev.realtime_ms);
		prev = s;
	}
	in.realtime_ms -= 365 * day;
	in.mono_ms += 1000;
	cramd_th_add(h, &in);
	cramd_th_get(h, cramd_th_count(h) - 1, &s);
	assert_int_equal(s.realtime_ms, in.realtime_ms);
	cramd_th_get(h, cramd_th_count(h) - 2, &s);
	assert_int_equal(s.realtime_ms, in.realtime_ms + range);
	in.realtime_ms = UINT64_MAX;
	in.mono_ms += 1000;
	cramd_th_add(h, &in);
	cramd_th_get(h, cramd_th_count(h) - 1, &s);
	assert_int_equal(s.realtime_ms, UINT64_MAX);
	cramd_th_get(h, cramd_th_count(h) - 2, &s);
	assert_int_equal(s.realtime_ms, UINT64_MAX - range);
	free(h);
}

/* Sample @n with capacity @cap_pages and reserve level @pm, at 1 s. */
static void add_gen(struct cramd_telemetry_history *h, uint64_t n, uint64_t cap_pages,
		    unsigned int pm, unsigned int flags)
{
	struct cramd_th_sample s = {
		.realtime_ms = T0_MS + n * 1000, .mono_ms = n * 1000,
		.phys_capacity = cap_pages * CRAMD_TH_UNIT, .reserve_permille = pm, .flags = flags,
	};

	if (flags & CRAMD_TH_NO_DATA)
		s.phys_capacity = 0;
	cramd_th_add(h, &s);
}

/*
 * The (capacity, reserve level) pairs: each point keeps its own through
 * changes, points without data show none, and the table's pairs are
 * reused only once no kept point names them.
 */
static void test_gens(void **state)
{
	struct cramd_telemetry_history *h = new_history();
	struct cramd_th_sample s;
	uint64_t i;

	(void)state;
	/* 7 changes, and points without data in between: all kept exact */
	for (i = 0; i < 16; i++)
		add_gen(h, i, 1000 + i / 2, 900 + (unsigned int)(i / 2), i == 5 ? CRAMD_TH_NO_DATA : 0);
	for (i = 0; i < 16; i++) {
		cramd_th_get(h, i, &s);
		if (i == 5) {
			assert_int_equal(s.flags, CRAMD_TH_NO_DATA);
			assert_int_equal(s.phys_capacity, 0);
			continue;
		}
		assert_int_equal(s.phys_capacity, (1000 + i / 2) * CRAMD_TH_UNIT);
		assert_int_equal(s.reserve_permille, 900 + i / 2);
	}
	/* an hour and more of one capacity: the old pairs are free again */
	for (; i < 16 + 4000; i++)
		add_gen(h, i, 5000, 500, 0);
	for (; i < 16 + 4000 + 20; i++)
		add_gen(h, i, 6000 + i % 2, 400, 0);	/* flapping: 20 changes */
	for (i = 0; i < cramd_th_count(h); i++) {
		cramd_th_get(h, i, &s);
		assert_true(s.phys_capacity >= 5000 * CRAMD_TH_UNIT);
	}
	/* the newest points stay exact however many changes */
	for (i = 0; i < 20; i++) {
		cramd_th_get(h, cramd_th_count(h) - 20 + i, &s);
		assert_int_equal(s.phys_capacity, (6000 + (16 + 4000 + i) % 2) * CRAMD_TH_UNIT);
		assert_int_equal(s.reserve_permille, 400);
	}
	/* 8 distinct pairs among the kept points: the oldest one's points show the newest */
	cramd_th_init(h);
	for (i = 0; i < 9; i++)
		add_gen(h, i, 100 + i, 1000, 0);
	cramd_th_get(h, 8, &s);
	assert_int_equal(s.phys_capacity, 108 * CRAMD_TH_UNIT);
	cramd_th_get(h, 0, &s);
	assert_int_equal(s.phys_capacity, 108 * CRAMD_TH_UNIT);
	for (i = 1; i < 8; i++) {
		cramd_th_get(h, i, &s);
		assert_int_equal(s.phys_capacity, (100 + i) * CRAMD_TH_UNIT);
	}
	free(h);
}

/* The cost per device that cramd(8) and cram-footprint-bench state, on 64-bit systems. */
static void test_size(void **state)
{
	(void)state;
	if (sizeof(size_t) != 8)
		skip();
	/* no more than the 22,608 of 300 fine points of 32 bytes */
	assert_int_equal(sizeof(struct cramd_telemetry_history), 22200);
	assert_int_equal(CRAMD_TH_FINE, 600);	/* 10 minutes at the default 1 s poll */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_fine_round_trip),
		cmocka_unit_test(test_downsampled),
		cmocka_unit_test(test_wraps),
		cmocka_unit_test(test_sparse),
		cmocka_unit_test(test_saturates),
		cmocka_unit_test(test_rate_code),
		cmocka_unit_test(test_1tib),
		cmocka_unit_test(test_long_uptime),
		cmocka_unit_test(test_gens),
		cmocka_unit_test(test_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
