// SPDX-License-Identifier: GPL-2.0-or-later
/* Taking a cram device offline, bounded in time, off the event loop or on stop; see offline.h. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bounded.h"
#include "log.h"
#include "offline.h"
#include "record.h"

static int write_offline(void *dev)
{
	return cram_device_set_state(dev, CRAM_DEVICE_OFFLINE);
}

/*
 * While a page cannot be moved the kernel keeps retrying and the write
 * blocks until the writer gets a signal; the timer's signal then ends it
 * with EBUSY (EINTR when it came before the driver's work began) and the
 * node stays online.
 */
int cramd_offline_bounded(struct cram_device *dev, unsigned int timeout_ms)
{
	struct cramd_bound b = { 0, 0 };
	int rc = cramd_bounded_call(timeout_ms, write_offline, dev, &b);

	cramd_log(LOG_DEBUG, "%s: offline write: %s after %u ms, %u tick%s",
		  cram_device_get_devname(dev), rc < 0 ? strerror(-rc) : "done",
		  b.elapsed_ms, b.ticks, b.ticks == 1 ? "" : "s");
	if ((rc == -EBUSY || rc == -EINTR) && b.ticks)
		rc = -ETIMEDOUT;
	return rc;
}

const char *cramd_offline_failure(int rc, unsigned int timeout_ms, char *buf, size_t len)
{
	if (rc == -ETIMEDOUT)
		snprintf(buf, len, "offline timed out after %u ms (a page could not be moved)",
			 timeout_ms);
	else
		snprintf(buf, len, "offline failed: %s", strerror(-rc));
	return buf;
}

/* ---- in a child, beside the loop ------------------------------------------------------ */

struct offline_call {
	struct cram_device *dev;
	unsigned int timeout_ms;
};

static int offline_call(void *arg)
{
	const struct offline_call *o = arg;

	return cramd_offline_bounded(o->dev, o->timeout_ms);
}

int cramd_offline_start(sd_event *ev, struct cram_device *dev, unsigned int timeout_ms,
			cramd_child_call_fn done, void *userdata, struct cramd_child_call **out)
{
	struct offline_call o = { dev, timeout_ms };	/* the child has its copy */

	return cramd_child_call_start(ev, offline_call, &o, done, userdata, out);
}

/* ---- on stop, with retries -------------------------------------------------------------- */

#define OFFLINE_BACKOFF_MS 100
#define OFFLINE_BACKOFF_MAX_MS 5000

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * Each write is bounded by @timeout_ms (a timeout is a refusal too), so the
 * whole takes at most @retries + 1 times that plus the backoff. A write
 * that went through is confirmed by reading the state again after the
 * backoff delay: the kernel, or another tool, may have put it back.
 */
int cramd_offline_with_retries(struct cram_ctx *cram, const char *name, int node,
			       unsigned int timeout_ms, unsigned int retries)
{
	struct cramd_log_fields f = { .device = name, .node = node, .action = "offline" };
	unsigned int attempt, delay = OFFLINE_BACKOFF_MS;
	char why[160];
	int rc = -ENODEV;

	for (attempt = 0; attempt <= retries; attempt++) {
		struct cram_device *dev;

		cram_rescan(cram);
		dev = cram_device_get_by_name(cram, name);
		rc = dev ? cramd_offline_bounded(dev, timeout_ms) : -ENODEV;
		if (rc == 0) {
			sleep_ms(delay);
			cram_rescan(cram);
			dev = cram_device_get_by_name(cram, name);
			if (dev && cram_device_get_state(dev) == CRAM_DEVICE_ONLINE)
				rc = -EBUSY;
		}
		if (rc == 0 || rc == -ENODEV || attempt == retries)
			break;
		if (rc == -ETIMEDOUT)
			cramd_log_dev(LOG_WARNING, &f, "%s: %s, retry %u of %u in %u ms", name,
				      cramd_offline_failure(rc, timeout_ms, why, sizeof(why)),
				      attempt + 1, retries, delay);
		else
			cramd_log_dev(LOG_WARNING, &f, "%s: offline refused (%s), retry %u of %u in %u ms",
				      name, strerror(-rc), attempt + 1, retries, delay);
		sleep_ms(delay);
		delay = delay * 2 > OFFLINE_BACKOFF_MAX_MS ? OFFLINE_BACKOFF_MAX_MS : delay * 2;
	}
	if (rc == 0) {
		cramd_log_dev(LOG_INFO, &f, "%s: offlined on stop", name);
	} else {
		f.action = "offline-failed";
		f.message_id = CRAMD_MESSAGE_ID_OFFLINE_FAILED;
		cramd_log_dev(LOG_ERR, &f, "%s: still online after %u attempt%s: %s; "
			      "the node is left online", name, attempt + (rc != -ENODEV),
			      attempt ? "s" : "", rc == -ETIMEDOUT ?
			      cramd_offline_failure(rc, timeout_ms, why, sizeof(why)) :
			      strerror(-rc));
	}
	return rc;
}
