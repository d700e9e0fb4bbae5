// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for cramd/estimator.c: noise is filtered and learned, a
 * counter that jumps, a sample from the future, a stall and a step of the
 * use restart what they must and nothing else, the size of incoming data
 * follows a collapse, the dead time is measured.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../cramd/estimator.h"

#define MS 1000000ULL
#define MIB (1024.0 * 1024)
#define GIB (1ULL << 30)
#define PAGE 4096ULL
#define T0 (1000 * 1000 * MS)

/* A device fed to the estimator one 100 ms sample at a time. */
struct feed {
	struct cramd_estimator e;
	struct cramd_est_params p;
	struct cram_snapshot s;
	double phys;		/* the truth */
	uint64_t rng;
};

static void feed_init(struct feed *f)
{
	memset(f, 0, sizeof(*f));
	cramd_estimator_init(&f->e);
	f->p = (struct cramd_est_params){
		.smoothing_percent = 50, .stall_ns = 300 * MS, .page_size = PAGE,
		.total_pages = 4 * GIB / PAGE,
	};
	f->s = (struct cram_snapshot){
		.size = sizeof(f->s), .timestamp_ns = T0, .phys_capacity_bytes = GIB,
	};
	f->rng = 88172645463325252ULL;
}

/* uniform in [-1, 1] */
static double noise(struct feed *f)
{
	f->rng ^= f->rng << 13;
	f->rng ^= f->rng >> 7;
	f->rng ^= f->rng << 17;
	return (double)(f->rng >> 11) / (double)(1ULL << 52) - 1;
}

/* 100 ms: @in logical bytes demoted at @ratio, @out promoted at @out_ratio. */
static enum cramd_est_verdict tick(struct feed *f, uint64_t in, double ratio,
				   uint64_t out, double out_ratio, double noise_rel)
{
	f->s.timestamp_ns += 100 * MS;
	f->s.demoted_pages += in / PAGE;
	f->s.promoted_pages += out / PAGE;
	f->s.logical_bytes += in - out;
	f->phys += (double)in / ratio - (double)out / out_ratio;
	f->s.phys_used_bytes = (uint64_t)(f->phys * (1 + noise_rel * noise(f)));
	return cramd_estimator_update(&f->e, &f->p, &f->s, f->s.timestamp_ns);
}

static double rel_err(double a, double b)
{
	return (a > b ? a - b : b - a) / b;
}

/* A still device read with +-5% noise: the estimate is far better than a reading. */
static void test_noise_still(void **state)
{
	struct feed f;
	double worst = 0;
	int i;

	feed_init(&f);
	f.s.logical_bytes = 1500 * (uint64_t)MIB;
	f.phys = 500 * MIB;
	assert_int_equal(tick(&f, 0, 1, 0, 1, 0.05), CRAMD_EST_FIRST);
	for (i = 0; i < 600; i++) {
		enum cramd_est_verdict v = tick(&f, 0, 1, 0, 1, 0.05);

		/* the noise is learned from none: at first a reading may pass for a step */
		if (i >= 100)
			assert_int_equal(v, CRAMD_EST_OK);
		if (i >= 300 && rel_err(f.e.used, f.phys) > worst)
			worst = rel_err(f.e.used, f.phys);
	}
	/* one reading is off by up to 5%; the filtered use by well under 1% */
	assert_true(worst < 0.01);
	/* uniform +-5% has a standard deviation of 2.9% */
	assert_true(cramd_estimator_noise_sd(&f.e, &f.p) > 0.02 * 500 * MIB);
	assert_true(cramd_estimator_noise_sd(&f.e, &f.p) < 0.04 * 500 * MIB);
	assert_true(cramd_estimator_used_sd(&f.e) < 0.01 * 500 * MIB);
}

/* Filling at 3:1 with +-2% noise: the use is followed, the size learned. */
static void test_noise_filling(void **state)
{
	struct feed f;
	int i;

	feed_init(&f);
	tick(&f, 0, 1, 0, 1, 0.02);
	for (i = 0; i < 200; i++)
		tick(&f, 10 * (uint64_t)MIB, 3, 0, 1, 0.02);
	assert_true(rel_err(f.e.used, f.phys) < 0.01);
	assert_true(f.e.size_in > 0.3 && f.e.size_in < 0.37);
	assert_true(rel_err(f.e.in_bps, 100 * MIB) < 0.01);
	/* net growth: 100 MiB/s at 3:1 */
	assert_true(rel_err(cramd_estimator_growth(&f.e), 100 * MIB / 3) < 0.1);
	/* a noise floor is honoured */
	f.p.noise_floor_permille = 100;
	assert_true(cramd_estimator_noise_sd(&f.e, &f.p) >= 0.1 * f.e.used);
}

/*
 * Filling at 2:1 with +-10% noise (a standard deviation of 10%/sqrt(3)):
 * within five seconds the noise is learned to within a quarter, and the
 * doubt about the use owns up to the error. Learned with a weight of 1/64
 * from the start, the noise stood at half its size after eight seconds,
 * and a filter that trusted the readings that much took their noise for
 * changes of the ratio (cram-bench's noise-slow-evict overflowed).
 */
static void test_noise_learned_early(void **state)
{
	struct feed f;
	double sd = 0.1 / 1.7320508, learned;
	int i;

	feed_init(&f);
	tick(&f, 0, 1, 0, 1, 0.1);
	for (i = 0; i < 50; i++)
		tick(&f, 20 * (uint64_t)MIB, 2, 0, 1, 0.1);
	learned = cramd_estimator_noise_sd(&f.e, &f.p) / f.e.used;
	assert_true(learned > sd * 0.75 && learned < sd * 1.25);
	assert_true(rel_err(f.e.used, f.phys) * f.phys < 3 * cramd_estimator_used_sd(&f.e));
}

/* Promotions count: the net growth is inflow less outflow. */
static void test_net_growth(void **state)
{
	struct feed f;
	int i;

	feed_init(&f);
	f.s.logical_bytes = 2 * GIB;
	f.phys = 2.0 * GIB / 3;
	tick(&f, 0, 1, 0, 1, 0);
	for (i = 0; i < 100; i++)
		tick(&f, 10 * (uint64_t)MIB, 3, 10 * (uint64_t)MIB, 3, 0);
	assert_true(rel_err(f.e.out_bps, 100 * MIB) < 0.01);
	assert_true(cramd_estimator_growth(&f.e) < 2 * MIB);
	assert_true(cramd_estimator_growth(&f.e) > -2 * MIB);
}

/* The ratio collapses from 4:1 to 1:1: the incoming size follows within a second. */
static void test_collapse(void **state)
{
	struct feed f;
	int i;

	feed_init(&f);
	tick(&f, 0, 1, 0, 1, 0.002);
	for (i = 0; i < 50; i++)
		tick(&f, 20 * (uint64_t)MIB, 4, 0, 1, 0.002);
	assert_true(f.e.size_in < 0.3);
	for (i = 0; i < 10; i++)
		tick(&f, 20 * (uint64_t)MIB, 1, 0, 1, 0.002);
	assert_true(f.e.size_in > 0.9);
	assert_true(rel_err(f.e.used, f.phys) < 0.01);
}

/* A counter that goes back (reset) or leaps: the rates keep their values. */
static void test_counter_jump(void **state)
{
	struct feed f;
	double in;
	int i;

	feed_init(&f);
	tick(&f, 0, 1, 0, 1, 0);
	for (i = 0; i < 20; i++)
		tick(&f, 10 * (uint64_t)MIB, 2, 0, 1, 0);
	in = f.e.in_bps;
	f.s.demoted_pages = 3;			/* reset */
	assert_int_equal(tick(&f, 0, 1, 0, 1, 0), CRAMD_EST_JUMP);
	assert_true(f.e.in_bps == in);
	f.s.evicted_pages += 1ULL << 40;	/* more than the device in a second */
	assert_int_equal(tick(&f, 0, 1, 0, 1, 0), CRAMD_EST_JUMP);
	assert_true(f.e.in_bps == in);
	assert_true(f.e.out_bps < MIB);
	/* and it goes on from the new values */
	assert_int_equal(tick(&f, 10 * (uint64_t)MIB, 2, 0, 1, 0), CRAMD_EST_OK);
	assert_true(f.e.used == (double)f.s.phys_used_bytes || rel_err(f.e.used, f.phys) < 0.01);
}

/* A sample from the future, or an old one, changes nothing. */
static void test_future_and_old(void **state)
{
	struct feed f;
	struct cramd_estimator before;
	struct cram_snapshot s;

	feed_init(&f);
	tick(&f, 0, 1, 0, 1, 0);
	tick(&f, 10 * (uint64_t)MIB, 2, 0, 1, 0);
	before = f.e;
	s = f.s;
	s.timestamp_ns += 100 * MS;
	s.phys_used_bytes = GIB;
	assert_int_equal(cramd_estimator_update(&f.e, &f.p, &s, s.timestamp_ns - 1),
			 CRAMD_EST_FUTURE);
	assert_memory_equal(&f.e, &before, sizeof(before));
	s.timestamp_ns = f.s.timestamp_ns;	/* the same instant again */
	assert_int_equal(cramd_estimator_update(&f.e, &f.p, &s, s.timestamp_ns + MS),
			 CRAMD_EST_OLD);
	assert_memory_equal(&f.e, &before, sizeof(before));
	/* an update before the first sample is from the future too */
	cramd_estimator_init(&f.e);
	assert_int_equal(cramd_estimator_update(&f.e, &f.p, &s, 0), CRAMD_EST_FUTURE);
	assert_false(f.e.have);
}

/* A stall: the gap is no rate sample, the filter starts again from the reading. */
static void test_stall(void **state)
{
	struct feed f;
	double in;
	int i;

	feed_init(&f);
	tick(&f, 0, 1, 0, 1, 0);
	for (i = 0; i < 20; i++)
		tick(&f, 10 * (uint64_t)MIB, 2, 0, 1, 0);
	in = f.e.in_bps;
	f.s.timestamp_ns += 10000 * MS;	/* ten seconds without a sample */
	assert_int_equal(tick(&f, 500 * (uint64_t)MIB, 1, 0, 1, 0), CRAMD_EST_STALL);
	assert_true(f.e.in_bps == in);
	assert_true(f.e.used == (double)f.s.phys_used_bytes);
	assert_int_equal(tick(&f, 10 * (uint64_t)MIB, 2, 0, 1, 0), CRAMD_EST_OK);
}

/* Use that steps far beyond noise and counters is believed at once. */
static void test_step(void **state)
{
	struct feed f;
	int i;

	feed_init(&f);
	f.phys = 100 * MIB;
	f.s.logical_bytes = 300 * (uint64_t)MIB;
	tick(&f, 0, 1, 0, 1, 0.01);
	for (i = 0; i < 100; i++)
		tick(&f, 0, 1, 0, 1, 0.01);
	f.phys += 400 * MIB;		/* e.g. the kernel's own overhead */
	assert_int_equal(tick(&f, 0, 1, 0, 1, 0.01), CRAMD_EST_STEP);
	assert_true(rel_err(f.e.used, f.phys) < 0.02);
}

/* Gate closed while demoting: demotion stops 300 ms later, and that is measured. */
static void test_dead_time(void **state)
{
	struct feed f;
	int i;

	feed_init(&f);
	tick(&f, 0, 1, 0, 1, 0);
	for (i = 0; i < 10; i++)
		tick(&f, 10 * (uint64_t)MIB, 2, 0, 1, 0);
	assert_int_equal(f.e.dead_ns, 0);
	cramd_estimator_gate(&f.e, true, f.s.timestamp_ns);
	for (i = 0; i < 3; i++)
		tick(&f, 10 * (uint64_t)MIB, 2, 0, 1, 0);
	tick(&f, 0, 1, 0, 1, 0);
	assert_int_equal(f.e.dead_ns, 400 * MS);
	/* a shorter one later pulls it down slowly, a longer one at once */
	cramd_estimator_gate(&f.e, false, f.s.timestamp_ns);
	tick(&f, 10 * (uint64_t)MIB, 2, 0, 1, 0);
	cramd_estimator_gate(&f.e, true, f.s.timestamp_ns);
	tick(&f, 0, 1, 0, 1, 0);
	assert_true(f.e.dead_ns < 400 * MS && f.e.dead_ns > 300 * MS);
	/* closing an idle device measures nothing */
	f.e.in_bps = 0;
	cramd_estimator_gate(&f.e, true, f.s.timestamp_ns);
	assert_false(f.e.watching);
}

/*
 * The wakeup schedule samples a closed device 10 s later: demotion ran
 * 200 ms of that interval, and the dead time is that, not the interval.
 */
static void test_dead_time_sparse(void **state)
{
	struct feed f;
	int i, k;

	feed_init(&f);
	f.p.stall_ns = 30000 * MS;
	tick(&f, 0, 1, 0, 1, 0);
	for (i = 0; i < 10; i++)
		tick(&f, 10 * (uint64_t)MIB, 2, 0, 1, 0);
	cramd_estimator_gate(&f.e, true, f.s.timestamp_ns);
	for (k = 0; k < 2; k++) {	/* 20 MiB in the first 10 s, nothing in the next */
		f.s.timestamp_ns += 10000 * MS;
		f.s.demoted_pages += k ? 0 : 20 * MIB / PAGE;
		f.s.logical_bytes += k ? 0 : 20 * MIB;
		f.phys += k ? 0 : 10.0 * MIB;
		f.s.phys_used_bytes = (uint64_t)f.phys;
		cramd_estimator_update(&f.e, &f.p, &f.s, f.s.timestamp_ns);
	}
	assert_false(f.e.watching);
	assert_true(f.e.dead_ns >= 150 * MS && f.e.dead_ns <= 250 * MS);
}

/* A sample @ms after the last: @in logical bytes demoted at @ratio, read with noise. */
static enum cramd_est_verdict sample_after(struct feed *f, uint64_t ms, uint64_t in,
					   double ratio, double noise_rel)
{
	f->s.timestamp_ns += ms * MS;
	f->s.demoted_pages += in / PAGE;
	f->s.logical_bytes += in;
	f->phys += (double)in / ratio;
	f->s.phys_used_bytes = (uint64_t)(f->phys * (1 + noise_rel * noise(f)));
	return cramd_estimator_update(&f->e, &f->p, &f->s, f->s.timestamp_ns);
}

/*
 * The noise is learned (+-0.5%, still, samples 100 ms apart); then the
 * samples come seconds apart while data comes in at a size that changes
 * (2:1, then 4:1): the change between two readings differs from what the
 * counters explain by the doubt on that size, which is the model's, not
 * the readings' noise, and the noise learned stays what it was.
 */
static void test_noise_not_model(void **state)
{
	struct feed f;
	double before;
	int i;

	feed_init(&f);
	f.p.stall_ns = 30000 * MS;
	f.phys = 200 * MIB;
	f.s.logical_bytes = 400 * (uint64_t)MIB;
	for (i = 0; i < 300; i++)
		sample_after(&f, 100, 0, 2, 0.005);
	before = cramd_estimator_noise_sd(&f.e, &f.p) / f.e.used;
	for (i = 0; i < 30; i++)
		sample_after(&f, 500 + 1500 * (uint64_t)(i % 2), 30 * (uint64_t)MIB * (1 + 3 * (i % 2)),
			     (i / 5) % 2 ? 4 : 2, 0.005);
	assert_true(cramd_estimator_noise_sd(&f.e, &f.p) / f.e.used < 1.5 * before);
}

/*
 * A spike of the readings, taken for a step while the noise is not yet
 * known (or samples are far apart), is not a step: the next reading goes
 * back to the track, and the estimate and the size of incoming data
 * return to it rather than to the spike's extremes.
 */
static void test_spike_not_step(void **state)
{
	struct feed f;
	int i;

	feed_init(&f);
	tick(&f, 0, 1, 0, 1, 0);
	for (i = 0; i < 10; i++)
		tick(&f, 10 * (uint64_t)MIB, 3, 0, 1, 0);
	/* one reading 20 MiB high, the next ones true */
	f.s.timestamp_ns += 100 * MS;
	f.s.demoted_pages += 10 * MIB / PAGE;
	f.s.logical_bytes += 10 * MIB;
	f.phys += 10.0 * MIB / 3;
	f.s.phys_used_bytes = (uint64_t)f.phys + 20 * (uint64_t)MIB;
	assert_int_equal(cramd_estimator_update(&f.e, &f.p, &f.s, f.s.timestamp_ns),
			 CRAMD_EST_STEP);
	tick(&f, 10 * (uint64_t)MIB, 3, 0, 1, 0);
	assert_true(rel_err(f.e.used, f.phys) < 0.01);
	assert_true(f.e.size_in > 0.3 && f.e.size_in < 0.37);
	/* a real step still stays: it was tested by test_step */
	for (i = 0; i < 5; i++)
		tick(&f, 10 * (uint64_t)MIB, 3, 0, 1, 0);
	f.phys += 50 * MIB;
	assert_int_equal(tick(&f, 10 * (uint64_t)MIB, 3, 0, 1, 0), CRAMD_EST_STEP);
	tick(&f, 10 * (uint64_t)MIB, 3, 0, 1, 0);
	assert_true(rel_err(f.e.used, f.phys) < 0.01);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_noise_still),
		cmocka_unit_test(test_noise_filling),
		cmocka_unit_test(test_net_growth),
		cmocka_unit_test(test_collapse),
		cmocka_unit_test(test_counter_jump),
		cmocka_unit_test(test_future_and_old),
		cmocka_unit_test(test_stall),
		cmocka_unit_test(test_step),
		cmocka_unit_test(test_dead_time),
		cmocka_unit_test(test_dead_time_sparse),
		cmocka_unit_test(test_noise_not_model),
		cmocka_unit_test(test_spike_not_step),
		cmocka_unit_test(test_noise_learned_early),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
