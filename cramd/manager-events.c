// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cramd manager's event sources: the one timer that runs each device's
 * pass when its wakeup schedule says it is due, and the uevent monitor
 * (a threshold crossed, a device onlined, offlined, added or removed).
 */
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>

#include <libudev.h>

#include "log.h"
#include "manager-private.h"
#include "wakeup-batch.h"

#define UEVENT_BATCH 64

/*
 * One timer for every device: set to the earliest pass due, at most one
 * poll interval away while no device is managed. Each wakeup, the
 * timer's or a uevent's, also runs the passes that join it
 * (wakeup-batch.c: due within half their period, or a tenth of the poll
 * interval).
 */
void cramd_manager_reschedule(struct cramd_manager *m)
{
	uint64_t now = 0, next, due;
	size_t i;

	if (!m->timer || sd_event_now(m->ev, CLOCK_MONOTONIC, &now) < 0)
		return;
	next = m->n ? UINT64_MAX : now + (uint64_t)m->cfg.poll_interval_ms * 1000;
	for (i = 0; i < m->n; i++) {
		due = cramd_device_due_ns(m->devs[i]) / 1000;
		if (due < next)
			next = due;
	}
	sd_event_source_set_time(m->timer, next > now ? next : now);
	sd_event_source_set_enabled(m->timer, SD_EVENT_ONESHOT);
}

/* The passes that join a wakeup at @now_us, but @done's, which just ran. */
static void run_joining(struct cramd_manager *m, uint64_t now_us,
			const struct cramd_device *done)
{
	uint64_t slack = (uint64_t)m->cfg.poll_interval_ms * 100000;
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->devs[i] != done &&
		    cramd_batch_joins(now_us * 1000, cramd_device_due_ns(m->devs[i]),
				      cramd_device_sleep_ns(m->devs[i]), slack))
			cramd_manager_pass(m, m->devs[i]);
}

/* The devices whose pass is due (the policy's wakeup schedule). */
static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct cramd_manager *m = userdata;
	uint64_t now = usec;

	(void)s;
	sd_event_now(m->ev, CLOCK_MONOTONIC, &now);
	run_joining(m, now, NULL);
	cramd_manager_notify(m);
	cramd_manager_reschedule(m);
	return 0;
}

static void on_change(struct cramd_manager *m, const char *name, const char *event)
{
	struct cramd_device *d = cramd_manager_find(m, name);
	uint64_t now;

	if (event && strcmp(event, "online") == 0 && !d) {
		cramd_manager_discover(m);
		return;
	}
	if (!d)
		return;
	if (event && strcmp(event, "offline") == 0) {
		cramd_manager_drop(m, d, "went offline");
		return;
	}
	if (event && strcmp(event, "critical") == 0)
		cramd_device_critical(d);
	/* critical, high, low, or anything unknown: re-read everything now. */
	cramd_device_event(d, LOG_INFO, "uevent", "%s: uevent CRAM_EVENT=%s: policy pass",
			   name, event ? event : "(none)");
	cramd_manager_pass(m, d);
	/* awake anyway: the passes due soon run now rather than wake cramd again */
	if (sd_event_now(m->ev, CLOCK_MONOTONIC, &now) >= 0)
		run_joining(m, now, d);
	cramd_manager_reschedule(m);
}

static void handle_uevent(struct cramd_manager *m, struct udev_device *u)
{
	const char *action = udev_device_get_action(u);
	const char *name = udev_device_get_sysname(u);
	const char *event = udev_device_get_property_value(u, "CRAM_EVENT");

	if (!action || !name)
		return;
	cramd_log(LOG_DEBUG, "uevent %s %s CRAM_EVENT=%s", action, name, event ? event : "");
	if (strcmp(action, "change") == 0)
		on_change(m, name, event);
	else if (strcmp(action, "add") == 0 || strcmp(action, "remove") == 0 ||
		 strcmp(action, "bind") == 0 || strcmp(action, "unbind") == 0) {
		/* a new device (cxl create-region): a failed claim may work now */
		if (strcmp(action, "add") == 0)
			cramd_manager_claims_reset(m);
		cramd_manager_discover(m);
	}
}

static int on_uevent(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct cramd_manager *m = userdata;
	int i;

	for (i = 0; i < UEVENT_BATCH; i++) {
		struct udev_device *u = udev_monitor_receive_device(m->monitor);

		if (!u)
			break;
		handle_uevent(m, u);
		udev_device_unref(u);
	}
	cramd_manager_notify(m);
	return 0;
}

/* Without uevents cramd still works, by polling: failures are warnings. */
void cramd_manager_start_monitor(struct cramd_manager *m)
{
	int rc;

	m->udev = udev_new();
	if (m->udev)
		m->monitor = udev_monitor_new_from_netlink(m->udev, "udev");
	if (!m->monitor) {
		cramd_log(LOG_WARNING, "cannot monitor uevents; polling only");
		return;
	}
	rc = udev_monitor_filter_add_match_subsystem_devtype(m->monitor, "dax", NULL);
	if (rc >= 0)
		rc = udev_monitor_enable_receiving(m->monitor);
	if (rc >= 0)
		rc = sd_event_add_io(m->ev, &m->uevent_src, udev_monitor_get_fd(m->monitor),
				     EPOLLIN, on_uevent, m);
	if (rc < 0)
		cramd_log(LOG_WARNING, "cannot monitor uevents: %s; polling only", strerror(-rc));
}

int cramd_manager_start_timer(struct cramd_manager *m)
{
	uint64_t now;
	int rc = sd_event_now(m->ev, CLOCK_MONOTONIC, &now);

	if (rc < 0)
		return rc;
	return sd_event_add_time(m->ev, &m->timer, CLOCK_MONOTONIC,
				 now + (uint64_t)m->cfg.poll_interval_ms * 1000, 1000, on_timer, m);
}
