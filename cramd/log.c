// SPDX-License-Identifier: GPL-2.0-or-later
/* cramd logging: the journal with CRAM_* fields, or plain stderr. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

/* the call site's CODE_FILE/LINE/FUNC are ours to give, not this file's */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include "log.h"

#define FIELD_MAX 1024

static int log_level = LOG_INFO;
static bool use_journal;

/* True when $JOURNAL_STREAM is "DEV:INO" of our stderr. */
static bool stderr_is_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	uintmax_t dev, ino;
	struct stat st;
	char extra;

	if (!env || sscanf(env, "%" SCNuMAX ":%" SCNuMAX "%c", &dev, &ino,
			   &extra) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return (uintmax_t)st.st_dev == dev && (uintmax_t)st.st_ino == ino;
}

void cramd_log_init(bool verbose)
{
	log_level = verbose ? LOG_DEBUG : LOG_INFO;
	use_journal = stderr_is_journal();
}

int cramd_log_level(void)
{
	return log_level;
}

/* Format one "KEY=value" field into @buf and point @iov at it. */
static __attribute__((format(printf, 3, 4)))
void field(struct iovec *iov, char *buf, const char *format, ...)
{
	va_list ap;
	int n;

	va_start(ap, format);
	n = vsnprintf(buf, FIELD_MAX, format, ap);
	va_end(ap);
	iov->iov_base = buf;
	iov->iov_len = n < 0 ? 0 : (n >= FIELD_MAX ? FIELD_MAX - 1 : (size_t)n);
}

static void to_journal(const char *file, int line, const char *func, int priority,
		       const struct cramd_log_fields *f, const char *msg)
{
	static char bufs[12][FIELD_MAX];
	struct iovec iov[12];
	int n = 0;

	field(&iov[n], bufs[n], "PRIORITY=%d", priority);
	n++;
	field(&iov[n], bufs[n], "SYSLOG_IDENTIFIER=cramd");
	n++;
	field(&iov[n], bufs[n], "MESSAGE=%s", msg);
	n++;
	field(&iov[n], bufs[n], "CODE_FILE=%s", file);
	n++;
	field(&iov[n], bufs[n], "CODE_LINE=%d", line);
	n++;
	field(&iov[n], bufs[n], "CODE_FUNC=%s", func);
	n++;
	if (f && f->device) {
		field(&iov[n], bufs[n], "CRAM_DEVICE=%s", f->device);
		n++;
	}
	if (f && f->node >= 0) {
		field(&iov[n], bufs[n], "CRAM_NODE=%d", f->node);
		n++;
	}
	if (f && f->action) {
		field(&iov[n], bufs[n], "CRAM_ACTION=%s", f->action);
		n++;
	}
	if (f && f->cause) {
		field(&iov[n], bufs[n], "CRAM_CAUSE=%s", f->cause);
		n++;
	}
	if (f && f->message_id) {
		field(&iov[n], bufs[n], "MESSAGE_ID=%s", f->message_id);
		n++;
	}
	if (f && f->reason) {
		field(&iov[n], bufs[n], "CRAM_REASON=%s", f->reason);
		n++;
	}
	if (sd_journal_sendv(iov, n) < 0)
		fprintf(stderr, "cramd: %s\n", msg);
}

void cramd_logv_at(const char *file, int line, const char *func, int priority,
		   const struct cramd_log_fields *fields, const char *format,
		   va_list args)
{
	char msg[FIELD_MAX];

	if (priority > log_level)
		return;
	vsnprintf(msg, sizeof(msg), format, args);
	if (use_journal)
		to_journal(file, line, func, priority, fields, msg);
	else
		fprintf(stderr, "cramd: %s\n", msg);
}

void cramd_log_at(const char *file, int line, const char *func, int priority,
		  const struct cramd_log_fields *fields, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	cramd_logv_at(file, line, func, priority, fields, format, ap);
	va_end(ap);
}
