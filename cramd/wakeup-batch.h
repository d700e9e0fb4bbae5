/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which devices' passes share a wakeup of cramd's one timer (or of a
 * uevent): a pure rule, see wakeup-batch.c.
 */
#ifndef CRAMD_WAKEUP_BATCH_H
#define CRAMD_WAKEUP_BATCH_H

#include <stdbool.h>
#include <stdint.h>

/**
 * cramd_batch_joins - whether a device's pass runs in a wakeup at @now_ns
 * @due_ns: when its pass is due at the latest (the policy's schedule)
 * @sleep_ns: how long its last pass let it go (its period)
 * @min_slack_ns: a pass due this close to @now_ns always joins
 *
 * A pass early is harmless: the schedule says "at the latest". A pass
 * due within half its own period, or within @min_slack_ns, runs now, so
 * that devices on like schedules fall into step and share one wakeup.
 */
bool cramd_batch_joins(uint64_t now_ns, uint64_t due_ns, uint64_t sleep_ns,
		       uint64_t min_slack_ns);

#endif
