/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cramd logging: structured journal entries when stderr is connected to
 * the journal, otherwise one "cramd: message" line on stderr.
 */
#ifndef CRAMD_LOG_H
#define CRAMD_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <syslog.h>

/**
 * struct cramd_log_fields - journal fields of a device message
 * @device: CRAM_DEVICE=, "daxX.Y", or NULL
 * @node: CRAM_NODE=, or -1 when unknown
 * @action: CRAM_ACTION=, e.g. "gate-close", or NULL
 * @cause: CRAM_CAUSE=, the policy's cause by name, or NULL
 * @reason: CRAM_REASON=, or NULL
 * @message_id: MESSAGE_ID=, or NULL
 */
struct cramd_log_fields {
	const char *device;
	int node;
	const char *action;
	const char *cause;
	const char *reason;
	const char *message_id;
};

/**
 * cramd_log_init - choose the log target and level
 * @verbose: log debug messages too (default: info and above)
 *
 * The journal is used when $JOURNAL_STREAM names the device and inode of
 * stderr, as systemd sets it for a service whose output goes there.
 */
void cramd_log_init(bool verbose);

/** cramd_log_level - the most verbose priority currently logged. */
int cramd_log_level(void);

void cramd_logv(int priority, const struct cramd_log_fields *fields,
		const char *format, va_list args);

__attribute__((format(printf, 2, 3)))
void cramd_log(int priority, const char *format, ...);

__attribute__((format(printf, 3, 4)))
void cramd_log_dev(int priority, const struct cramd_log_fields *fields,
		   const char *format, ...);

#endif
