// SPDX-License-Identifier: GPL-2.0-or-later
/* cramd's start-up: the libcram context and the demotion check; see startup.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/line.h"
#include "util/messages.h"

#include "log.h"
#include "startup.h"

#define DEMOTION_ENABLED "/sys/kernel/mm/numa/demotion_enabled"

/*
 * libcram's messages at debug level: a failure's detail reaches cramd
 * through libcram's return values, and the device records it from there.
 */
static void cram_log(struct cram_ctx *ctx, int priority, const char *file, int line,
		     const char *fn, const char *format, va_list args)
{
	char msg[256];

	util_vline(msg, sizeof(msg), format, args);
	cramd_log(LOG_DEBUG, "libcram: %s: %s", fn, msg);
}

int cramd_startup_cram(struct cram_ctx **out)
{
	int rc = cram_new(out);

	if (rc < 0) {
		cramd_log(LOG_ERR, "libcram: cannot create a context: %s", strerror(-rc));
		return rc;
	}
	cram_set_log_fn(*out, cram_log);
	cram_set_log_priority(*out, cramd_log_level() >= LOG_DEBUG ? LOG_DEBUG : LOG_WARNING);
	return 0;
}

/*
 * Pages reach a private node only by demotion, which the kernel does only
 * while demotion_enabled is true: say so once at start when it is not.
 */
void cramd_startup_check_demotion(void)
{
	char buf[16] = "";
	ssize_t n = -1;
	int fd = open(DEMOTION_ENABLED, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	if (n <= 0) {
		cramd_log(LOG_WARNING, "cannot read %s: the kernel may not demote into "
			  "private nodes", DEMOTION_ENABLED);
		return;
	}
	buf[n] = '\0';
	if (strncmp(buf, "true", 4) != 0 && strncmp(buf, "1", 1) != 0)
		cramd_log(LOG_WARNING, "%s is %.*s: reclaim will not demote into the private "
			  "nodes until it is true (echo true > %s)", DEMOTION_ENABLED,
			  (int)strcspn(buf, "\n"), buf, DEMOTION_ENABLED);
}

/*
 * A stock kernel lists dax devices but has no cram provider to bind them
 * to: say so, rather than only that no cram device was found.
 */
void cramd_startup_check_provider(struct cram_ctx *cram)
{
	if (cram_has_feature(cram, CRAM_FEATURE_PROVIDER) == -EOPNOTSUPP)
		cramd_log(LOG_WARNING, "there is nothing to manage: " UTIL_MSG_NO_PROVIDER);
}
