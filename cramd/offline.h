/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Taking a cram device offline. The kernel's offline blocks while a page
 * cannot be moved, until the writer gets a signal; cramd bounds each write
 * by offline_timeout_ms (bounded.h). On request (cramctl offline) the
 * write runs in a child process that the event loop watches, so polling,
 * uevents and watchdog pings go on meanwhile; on stop it runs in cramd
 * itself, with retries, since the loop has ended.
 */
#ifndef CRAMD_OFFLINE_H
#define CRAMD_OFFLINE_H

#include <stddef.h>

#include <systemd/sd-event.h>

#include <cram/cram.h>

struct cramd_offline;

/* The end of an offline: 0, -ETIMEDOUT (the bound ended it), or the write's -errno. */
typedef void (*cramd_offline_fn)(void *userdata, int rc);

/**
 * cramd_offline_start - offline @dev in a child watched by @ev
 *
 * @done is called once from the loop when the child ends (or by
 * cramd_offline_finish()), after which the offline is gone. SIGCHLD must be
 * blocked. Returns 0, or -errno when no child could be started (then
 * @done is not called).
 */
int cramd_offline_start(sd_event *ev, struct cram_device *dev, unsigned int timeout_ms,
			cramd_offline_fn done, void *userdata, struct cramd_offline **out);

/*
 * cramd_offline_finish - wait for the child (it ends within its bound)
 * and call @done: for a loop that is ending.
 */
void cramd_offline_finish(struct cramd_offline *o);

/**
 * cramd_offline_bounded - offline @dev here, within @timeout_ms
 *
 * Returns 0, -ETIMEDOUT when the bound ended the write, or its -errno.
 */
int cramd_offline_bounded(struct cram_device *dev, unsigned int timeout_ms);

/* Why an offline failed, in words, for the log and the control reply. */
const char *cramd_offline_failure(int rc, unsigned int timeout_ms, char *buf, size_t len);

/*
 * cramd_offline_with_retries - offline @name on stop: bounded writes,
 * retried @retries times with backoff (100 ms doubling, at most 5 s), each
 * success confirmed by reading the state again after the backoff. Rescans
 * @cram. Returns 0 or the last -errno; logs the outcome.
 */
int cramd_offline_with_retries(struct cram_ctx *cram, const char *name, int node,
			       unsigned int timeout_ms, unsigned int retries);

#endif
