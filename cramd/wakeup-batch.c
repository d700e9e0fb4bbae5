// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The batching of passes into wakeups: a wakeup (the timer's, for the
 * earliest pass due, or a uevent's) also runs every other pass due
 * within half its device's period. Devices with the same period that
 * ran once together stay together; idle devices (max_sleep_ms) whose
 * passes were spread over the period end up in at most two wakeups per
 * period instead of one each; a device pays at most one pass in two
 * early, when its period is much longer than its neighbours'.
 */
#include "wakeup-batch.h"

bool cramd_batch_joins(uint64_t now_ns, uint64_t due_ns, uint64_t sleep_ns,
		       uint64_t min_slack_ns)
{
	uint64_t slack = sleep_ns / 2 > min_slack_ns ? sleep_ns / 2 : min_slack_ns;

	return due_ns <= now_ns || due_ns - now_ns <= slack;
}
