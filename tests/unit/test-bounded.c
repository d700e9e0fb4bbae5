// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of cramd/bounded.c: a call that blocks is ended by the timer's
 * SIGALRM within the bound, a tick that comes before the blocking call (or
 * is retried) is followed by more, and afterwards the timer is disarmed
 * and SIGALRM blocked again. A read from an empty pipe stands in for the
 * kernel's offline: both block until a signal comes.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../cramd/bounded.h"
#include "util/clock.h"

/* Slack for a loaded machine (and valgrind) above the expected times. */
#define SLACK_MS 1500u

static int pipe_fd[2];

static int setup(void **state)
{
	(void)state;
	return pipe(pipe_fd) < 0 || cramd_bounded_setup() < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	close(pipe_fd[0]);
	close(pipe_fd[1]);
	return 0;
}

/* After every call: no timer armed, SIGALRM blocked and not pending. */
static void assert_quiet(void)
{
	struct itimerval it;
	sigset_t mask, pending;

	assert_int_equal(getitimer(ITIMER_REAL, &it), 0);
	assert_true(it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0);
	assert_int_equal(sigprocmask(SIG_BLOCK, NULL, &mask), 0);
	assert_true(sigismember(&mask, SIGALRM));
	assert_int_equal(sigpending(&pending), 0);
	assert_false(sigismember(&pending, SIGALRM));
}

static int quick(void *arg)
{
	(void)arg;
	return 7;
}

/* Blocks until a signal: 0, or -errno (EINTR). */
static int block(void *arg)
{
	char c;

	(void)arg;
	return read(pipe_fd[0], &c, 1) < 0 ? -errno : 0;
}

/* Retries EINTR as libcram's write_once() does, *@arg more times. */
static int block_retrying(void *arg)
{
	unsigned int *left = arg;
	int rc;

	while ((rc = block(NULL)) == -EINTR && *left > 0)
		(*left)--;
	return rc;
}

/* Busy until past the bound, as if the tick came during open(), then blocks. */
static int late_block(void *arg)
{
	uint64_t end = util_now_ms() + *(unsigned int *)arg;

	while (util_now_ms() < end)
		;
	return block(NULL);
}

static void test_quick_call(void **state)
{
	struct cramd_bound b;

	(void)state;
	assert_int_equal(cramd_bounded_call(1000, quick, NULL, &b), 7);
	assert_int_equal(b.ticks, 0);
	assert_true(b.elapsed_ms < SLACK_MS);
	assert_quiet();
	assert_int_equal(cramd_bounded_call(1000, quick, NULL, NULL), 7);
	assert_quiet();
}

static void test_blocked_call_ends(void **state)
{
	struct cramd_bound b;

	(void)state;
	assert_int_equal(cramd_bounded_call(300, block, NULL, &b), -EINTR);
	assert_true(b.ticks >= 1);
	assert_true(b.elapsed_ms >= 300);
	assert_true(b.elapsed_ms < 300 + SLACK_MS);
	assert_quiet();
}

/* Each retry of EINTR is ended by the next tick, CRAMD_BOUND_REPEAT_MS later. */
static void test_ticks_repeat(void **state)
{
	unsigned int left = 3;
	struct cramd_bound b;

	(void)state;
	assert_int_equal(cramd_bounded_call(200, block_retrying, &left, &b), -EINTR);
	assert_int_equal(left, 0);
	assert_true(b.ticks >= 4);
	assert_true(b.elapsed_ms >= 200 + 3 * CRAMD_BOUND_REPEAT_MS);
	assert_true(b.elapsed_ms < 200 + 3 * CRAMD_BOUND_REPEAT_MS + SLACK_MS);
	assert_quiet();
}

static void test_tick_before_blocking(void **state)
{
	unsigned int busy_ms = 250;
	struct cramd_bound b;

	(void)state;
	assert_int_equal(cramd_bounded_call(200, late_block, &busy_ms, &b), -EINTR);
	assert_true(b.ticks >= 2);
	assert_true(b.elapsed_ms >= busy_ms);
	assert_true(b.elapsed_ms < busy_ms + CRAMD_BOUND_REPEAT_MS + SLACK_MS);
	assert_quiet();
}

/* A SIGALRM sent from outside while blocked does not cut the next call short. */
static void test_stray_signal_dropped(void **state)
{
	struct cramd_bound b;

	(void)state;
	assert_int_equal(raise(SIGALRM), 0);
	assert_int_equal(cramd_bounded_call(300, block, NULL, &b), -EINTR);
	assert_true(b.elapsed_ms >= 300);
	assert_true(b.ticks >= 1);
	assert_quiet();
}

/* The rest of the caller's mask is left as it was. */
static void test_mask_kept(void **state)
{
	sigset_t usr1, mask;

	(void)state;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	assert_int_equal(sigprocmask(SIG_BLOCK, &usr1, NULL), 0);
	assert_int_equal(cramd_bounded_call(100, block, NULL, NULL), -EINTR);
	assert_int_equal(sigprocmask(SIG_BLOCK, NULL, &mask), 0);
	assert_true(sigismember(&mask, SIGUSR1));
	assert_int_equal(sigprocmask(SIG_UNBLOCK, &usr1, NULL), 0);
	assert_quiet();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quick_call),
		cmocka_unit_test(test_blocked_call_ends),
		cmocka_unit_test(test_ticks_repeat),
		cmocka_unit_test(test_tick_before_blocking),
		cmocka_unit_test(test_stray_signal_dropped),
		cmocka_unit_test(test_mask_kept),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
