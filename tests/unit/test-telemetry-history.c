// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of cramd/telemetry-history.c: samples read back in order at
 * 4 KiB precision, the fine ring keeping the last samples as taken, the
 * coarse ring downsampling older ones to one point per 10 s slot with the
 * slot's events merged, both rings wrapping, sparse samples (max_sleep_ms)
 * kept with their own times, and values saturating instead of wrapping.
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
		.rate_limit = 1, .capacity_target = 0, .evict_bytes = 100,
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
	assert_int_equal(s.rate_limit, 4096);	/* a limit stays a limit */
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

/* The cost per device that cramd(8) and cram-footprint-bench state, on 64-bit systems. */
static void test_size(void **state)
{
	(void)state;
	if (sizeof(size_t) != 8)
		skip();
	assert_int_equal(sizeof(struct cramd_telemetry_history), 22608);
	assert_int_equal(CRAMD_TH_FINE, 300);	/* 5 minutes at the default 1 s poll */
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
		cmocka_unit_test(test_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
