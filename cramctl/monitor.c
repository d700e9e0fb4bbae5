// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cramctl monitor: print one JSON object per line for every uevent of a
 * dax device (threshold crossings and state changes carry CRAM_EVENT=),
 * until interrupted or, with --count, after that many events:
 *   {"time": "2026-11-25T07:00:00Z", "action": "change", "device": "dax0.0",
 *    "event": "high"}
 */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <libudev.h>

#include "util/decimal.h"

#include "monitor.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

/* Prints one event line; -1 when it could not be written (cramctl.c says why). */
static int print_event(struct udev_device *u)
{
	struct json_object *obj = json_object_new_object();
	const char *event = udev_device_get_property_value(u, "CRAM_EVENT");
	time_t now = time(NULL);
	char when[32];
	struct tm tm;

	if (!obj)
		return 0;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_object_add(obj, "time", json_object_new_string(when));
	json_object_object_add(obj, "action",
			       json_object_new_string(udev_device_get_action(u) ?: ""));
	json_object_object_add(obj, "device",
			       json_object_new_string(udev_device_get_sysname(u) ?: ""));
	if (event)
		json_object_object_add(obj, "event", json_object_new_string(event));
	printf("%s\n", json_object_to_json_string_ext(obj, JSON_C_TO_STRING_SPACED |
						      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : -1;
}

static void monitor_usage(FILE *f)
{
	fprintf(f, "usage: cramctl monitor [-c|--count N] [-s|--source udev|kernel] [-j|--json]\n");
}

int cmd_monitor(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "source", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *source = "udev";
	struct udev_monitor *mon = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	struct udev *udev;
	long count = -1, seen = 0;
	uint64_t v;
	int c, ret = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:s:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (util_parse_u64(optarg, &v) < 0 || v == 0 || v > LONG_MAX) {
				fprintf(stderr, "cramctl monitor: --count '%s': not a positive number\n",
					optarg);
				return 2;
			}
			count = (long)v;
			break;
		case 's':
			if (strcmp(optarg, "udev") && strcmp(optarg, "kernel")) {
				fprintf(stderr, "cramctl monitor: --source '%s': use udev or kernel\n",
					optarg);
				return 2;
			}
			source = optarg;
			break;
		case 'j':
			break;
		case 'h':
			monitor_usage(stdout);
			return 0;
		default:
			monitor_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "cramctl monitor: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	udev = udev_new();
	if (udev)
		mon = udev_monitor_new_from_netlink(udev, source);
	if (!mon || udev_monitor_filter_add_match_subsystem_devtype(mon, "dax", NULL) < 0 ||
	    udev_monitor_enable_receiving(mon) < 0) {
		fprintf(stderr, "cramctl monitor: cannot listen to %s uevents: %s\n", source,
			strerror(errno ? errno : EIO));
		ret = 1;
		goto out;
	}
	while (!stop && (count < 0 || seen < count)) {
		struct pollfd pfd = { .fd = udev_monitor_get_fd(mon), .events = POLLIN };
		struct udev_device *u;

		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			ret = 1;
			break;
		}
		while ((count < 0 || seen < count) && (u = udev_monitor_receive_device(mon))) {
			int wrote = print_event(u);

			udev_device_unref(u);
			seen++;
			if (wrote < 0) {
				stop = 1;	/* nobody reads: stop listening */
				ret = 1;
				break;
			}
		}
	}
out:
	udev_monitor_unref(mon);
	udev_unref(udev);
	return ret;
}
