// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of cramd/wakeup-batch.c: which passes join a wakeup, and,
 * played through the way the manager's timer runs them, that 16 idle
 * devices whose passes start spread over the period share at most two
 * wakeups per period without passing more often, that devices polling
 * at the poll interval share one, and that a device never waits past
 * its due time nor passes more than twice as often as its period says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../cramd/wakeup-batch.h"

#define MS 1000000ull
#define S (1000 * MS)
#define N 16

static void test_joins(void **state)
{
	(void)state;
	/* due already, or within the minimum slack */
	assert_true(cramd_batch_joins(10 * S, 9 * S, 0, 10 * MS));
	assert_true(cramd_batch_joins(10 * S, 10 * S, 0, 10 * MS));
	assert_true(cramd_batch_joins(10 * S, 10 * S + 10 * MS, 0, 10 * MS));
	assert_false(cramd_batch_joins(10 * S, 10 * S + 11 * MS, 0, 10 * MS));
	/* within half its period */
	assert_true(cramd_batch_joins(10 * S, 15 * S, 10 * S, 10 * MS));
	assert_false(cramd_batch_joins(10 * S, 15 * S + 1, 10 * S, 10 * MS));
	assert_true(cramd_batch_joins(10 * S, 10 * S + 50 * MS, 100 * MS, 10 * MS));
	assert_false(cramd_batch_joins(10 * S, 10 * S + 60 * MS, 100 * MS, 10 * MS));
	/* a device with nothing to do (placement) never joins */
	assert_false(cramd_batch_joins(10 * S, UINT64_MAX, 0, 10 * MS));
	assert_false(cramd_batch_joins(10 * S, UINT64_MAX, UINT64_MAX, 10 * MS));
}

struct play {
	uint64_t due[N], sleep[N], last[N];
	unsigned int passes[N];
	unsigned int wakeups;
	uint64_t worst_gap[N];	/* the longest time between two passes */
	uint64_t shortest[N];	/* the shortest time between two passes */
};

/* The manager's timer: wake at the earliest due, run every pass that joins. */
static void play(struct play *p, uint64_t from, uint64_t until, uint64_t count_from)
{
	uint64_t now = from;
	int i;

	for (i = 0; i < N; i++)
		p->shortest[i] = UINT64_MAX;
	while (now < until) {
		uint64_t next = UINT64_MAX;

		for (i = 0; i < N; i++)
			if (p->due[i] < next)
				next = p->due[i];
		now = next;
		if (now >= count_from)
			p->wakeups++;
		for (i = 0; i < N; i++) {
			if (!cramd_batch_joins(now, p->due[i], p->sleep[i], 10 * MS))
				continue;
			/* never later than due */
			assert_true(now <= p->due[i]);
			if (now >= count_from && p->last[i]) {
				p->passes[i]++;
				if (now - p->last[i] > p->worst_gap[i])
					p->worst_gap[i] = now - p->last[i];
				if (now - p->last[i] < p->shortest[i])
					p->shortest[i] = now - p->last[i];
			}
			p->last[i] = now;
			p->due[i] = now + p->sleep[i];
		}
	}
}

/* 16 idle devices at max_sleep_ms = 10 s, their first passes spread over 10 s */
static void test_idle_spread(void **state)
{
	struct play p = { .wakeups = 0 };
	int i;

	(void)state;
	for (i = 0; i < N; i++) {
		p.sleep[i] = 10 * S;
		p.due[i] = S + (uint64_t)i * 625 * MS;
	}
	play(&p, 0, 200 * S, 100 * S);
	/* 100 s: 10 periods, at most two wakeups each (one each before: 160) */
	assert_true(p.wakeups <= 21);
	for (i = 0; i < N; i++) {
		assert_true(p.passes[i] >= 9 && p.passes[i] <= 11);
		assert_true(p.worst_gap[i] <= 10 * S);
	}
}

/* Devices polling at 100 ms, out of step at first: one wakeup per poll. */
static void test_polling_in_step(void **state)
{
	struct play p = { .wakeups = 0 };
	int i;

	(void)state;
	for (i = 0; i < N; i++) {
		p.sleep[i] = 100 * MS;
		p.due[i] = S + (uint64_t)i * 6 * MS;
	}
	play(&p, 0, 12 * S, 2 * S);
	/* 10 s at 10 Hz, not 16 wakeups per poll interval */
	assert_true(p.wakeups <= 101);
	for (i = 0; i < N; i++)
		assert_true(p.passes[i] <= 101);
}

/* Unlike periods: none waits past its due, none passes twice as often. */
static void test_unlike_periods(void **state)
{
	struct play p = { .wakeups = 0 };
	int i;

	(void)state;
	for (i = 0; i < N; i++) {
		p.sleep[i] = (uint64_t)(300 + 700 * i) * MS;
		p.due[i] = S + (uint64_t)i * 97 * MS;
	}
	play(&p, 0, 300 * S, 10 * S);
	for (i = 0; i < N; i++) {
		assert_true(p.worst_gap[i] <= p.sleep[i]);
		assert_true(p.shortest[i] >= p.sleep[i] / 2);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_joins),
		cmocka_unit_test(test_idle_spread),
		cmocka_unit_test(test_polling_in_step),
		cmocka_unit_test(test_unlike_periods),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
