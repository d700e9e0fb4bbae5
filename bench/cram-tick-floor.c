// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cram-tick-floor: the baseline of cram-footprint-bench. An sd-event loop
 * that wakes on a CLOCK_MONOTONIC timer every INTERVAL_MS milliseconds,
 * re-armed the way cramd re-arms its poll timer, and does nothing else.
 * Its CPU share is what any daemon polling at that rate pays on this
 * machine for the wakeups alone; cramd's share above it is its own work.
 *
 *   cram-tick-floor [INTERVAL_MS]    (default 100; runs until SIGTERM)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-event.h>

static uint64_t interval_us;

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	uint64_t now = usec;

	(void)userdata;
	sd_event_now(sd_event_source_get_event(s), CLOCK_MONOTONIC, &now);
	usec += interval_us;
	if (usec <= now)
		usec = now + interval_us;
	sd_event_source_set_time(s, usec);
	sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	return 0;
}

int main(int argc, char **argv)
{
	sd_event_source *timer = NULL;
	sd_event *ev = NULL;
	unsigned long ms = 100;
	sigset_t mask;
	uint64_t now;
	char *end;
	int rc;

	if (argc > 2 || (argc == 2 && (ms = strtoul(argv[1], &end, 10), *end || !ms ||
				       ms > 3600000))) {
		fprintf(stderr, "usage: cram-tick-floor [INTERVAL_MS (1..3600000)]\n");
		return 2;
	}
	interval_us = ms * 1000;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	rc = sd_event_default(&ev);
	if (rc >= 0)
		rc = sd_event_add_signal(ev, NULL, SIGTERM, NULL, NULL);
	if (rc >= 0)
		rc = sd_event_add_signal(ev, NULL, SIGINT, NULL, NULL);
	if (rc >= 0)
		rc = sd_event_now(ev, CLOCK_MONOTONIC, &now);
	if (rc >= 0)
		rc = sd_event_add_time(ev, &timer, CLOCK_MONOTONIC, now + interval_us,
				       1000, on_timer, NULL);
	if (rc >= 0)
		rc = sd_event_loop(ev);
	if (rc < 0)
		fprintf(stderr, "cram-tick-floor: %s\n", strerror(-rc));
	sd_event_source_unref(timer);
	sd_event_unref(ev);
	return rc < 0 ? 1 : 0;
}
