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

#include "child-call.h"

/**
 * cramd_offline_start - offline @dev in a child watched by @ev
 *
 * A bounded write (cramd_offline_bounded()) run by cramd_child_call_start():
 * @done gets its result, 0, -ETIMEDOUT or the write's -errno.
 */
int cramd_offline_start(sd_event *ev, struct cram_device *dev, unsigned int timeout_ms,
			cramd_child_call_fn done, void *userdata, struct cramd_child_call **out);

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
