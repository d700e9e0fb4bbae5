/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Blocking calls bounded in time by a signal. The kernel's offline of a
 * cram device retries the migration of a page it cannot move until the
 * writer has a signal pending (sysfs-bus-dax-cram, cram/state); cramd
 * takes its own signals through sd-event's signalfd, blocked, so they
 * would never end such a write. SIGALRM is kept for this: blocked at all
 * times but during a bounded call, with a handler that does nothing and
 * no SA_RESTART, so that a blocked system call returns (the cram driver
 * then fails the write with EBUSY, other calls with EINTR).
 *
 * cramd is single-threaded; the mask is the process's. sd-event must
 * never be given SIGALRM (sd_event_add_signal()), and nothing else in
 * cramd may use ITIMER_REAL or alarm().
 */
#ifndef CRAMD_BOUNDED_H
#define CRAMD_BOUNDED_H

/* After the bound, the signal comes again this often until the call returns. */
#define CRAMD_BOUND_REPEAT_MS 100u

/**
 * struct cramd_bound - how a bounded call went
 * @ticks: signals that came during it (0: it returned within the bound)
 * @elapsed_ms: how long it took
 */
struct cramd_bound {
	unsigned int ticks;
	unsigned int elapsed_ms;
};

/**
 * cramd_bounded_setup - block SIGALRM and install its handler
 *
 * Call once at start, before any other thread exists. cramd_bounded_call()
 * does it on first use otherwise. Returns 0 or -errno.
 */
int cramd_bounded_setup(void);

/**
 * cramd_bounded_call - run @fn(@arg), interrupted after @timeout_ms
 *
 * SIGALRM is unblocked only while @fn runs, and an interval timer sends it
 * @timeout_ms after the start and then every CRAMD_BOUND_REPEAT_MS: a
 * signal that lands before @fn enters its blocking call (or one that @fn
 * retries on EINTR) is followed by another. The timer is disarmed and
 * SIGALRM blocked again before it returns. A SIGALRM that was already
 * pending (sent by someone else) is discarded first.
 *
 * Returns what @fn returned, or -errno when the timer could not be armed
 * (then @fn was not called). @b, when not NULL, receives the ticks and
 * the time it took.
 */
int cramd_bounded_call(unsigned int timeout_ms, int (*fn)(void *arg), void *arg,
		       struct cramd_bound *b);

#endif
