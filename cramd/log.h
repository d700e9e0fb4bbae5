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
 * @message_id: MESSAGE_ID=, or NULL (the IDs are in record.h)
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

/*
 * cramd_log_at - log one message from the call site @file:@line, @func
 *
 * The journal entry carries CODE_FILE=, CODE_LINE= and CODE_FUNC= of the
 * call site, as systemd's own log macros do; use the macros below, which
 * fill them in.
 */
__attribute__((format(printf, 6, 7)))
void cramd_log_at(const char *file, int line, const char *func, int priority,
		  const struct cramd_log_fields *fields, const char *format, ...);

void cramd_logv_at(const char *file, int line, const char *func, int priority,
		   const struct cramd_log_fields *fields, const char *format,
		   va_list args);

/* cramd_log(priority, format, ...): a message without device fields. */
#define cramd_log(priority, ...) \
	cramd_log_at(__FILE__, __LINE__, __func__, (priority), NULL, __VA_ARGS__)

/* cramd_log_dev(priority, fields, format, ...): with CRAM_* fields. */
#define cramd_log_dev(priority, fields, ...) \
	cramd_log_at(__FILE__, __LINE__, __func__, (priority), (fields), __VA_ARGS__)

#endif
