// SPDX-License-Identifier: GPL-2.0-or-later
/* Blocking calls bounded in time by SIGALRM; see bounded.h. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>
#include <time.h>

#include "util/clock.h"

#include "bounded.h"

static volatile sig_atomic_t ticks;
static bool set_up;

/* Only there so that the signal interrupts instead of killing. */
static void on_tick(int sig)
{
	(void)sig;
	ticks++;
}

static void alrm_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGALRM);
}

int cramd_bounded_setup(void)
{
	struct sigaction sa = { .sa_handler = on_tick };	/* no SA_RESTART */
	sigset_t set;

	alrm_set(&set);
	sigemptyset(&sa.sa_mask);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 || sigaction(SIGALRM, &sa, NULL) < 0)
		return -errno;
	set_up = true;
	return 0;
}

static struct timeval ms_tv(unsigned int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	return tv;
}

/* A SIGALRM someone else sent while it was blocked would end the call at once. */
static void drop_pending(const sigset_t *set)
{
	static const struct timespec zero;
	sigset_t pending;

	if (sigpending(&pending) == 0 && sigismember(&pending, SIGALRM))
		sigtimedwait(set, NULL, &zero);
}

int cramd_bounded_call(unsigned int timeout_ms, int (*fn)(void *arg), void *arg,
		       struct cramd_bound *b)
{
	struct itimerval on = {
		.it_value = ms_tv(timeout_ms ? timeout_ms : 1),
		.it_interval = ms_tv(CRAMD_BOUND_REPEAT_MS),
	};
	static const struct itimerval off;
	sigset_t set, old;
	uint64_t t0;
	int rc;

	if (!set_up) {
		rc = cramd_bounded_setup();
		if (rc < 0)
			return rc;
	}
	alrm_set(&set);
	drop_pending(&set);
	ticks = 0;
	t0 = util_now_ms();
	if (setitimer(ITIMER_REAL, &on, NULL) < 0)
		return -errno;
	sigprocmask(SIG_UNBLOCK, &set, &old);
	rc = fn(arg);
	/* a tick between the return and here is taken, unblocked, by on_tick() */
	setitimer(ITIMER_REAL, &off, NULL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (b) {
		b->ticks = (unsigned int)ticks;
		b->elapsed_ms = (unsigned int)(util_now_ms() - t0);
	}
	return rc;
}
