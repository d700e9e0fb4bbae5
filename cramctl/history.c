// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cramctl history DEVICE [--json]: cramd's telemetry history of one
 * device (CRAM_CMD_HISTORY), as a table of plain columns or as JSON.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../shared/control-protocol.h"
#include "daemon.h"
#include "history.h"
#include "json-out.h"
#include "units.h"

#define HISTORY_USAGE "history [-j|--json] DEVICE"

int history_fetch(const char *device, struct json_object **reply, struct json_object **points)
{
	int rc = daemon_call(CRAM_CMD_HISTORY, device, reply);

	if (rc)
		return rc;
	if (!json_object_object_get_ex(*reply, CRAM_KEY_POINTS, points) ||
	    !json_object_is_type(*points, json_type_array)) {
		fprintf(stderr, "cramctl: history: cramd's reply has no points\n");
		json_object_put(*reply);
		*reply = NULL;
		return 1;
	}
	return 0;
}

bool history_u64(struct json_object *point, const char *key, uint64_t *v)
{
	struct json_object *o;

	if (!json_object_object_get_ex(point, key, &o) || !json_object_is_type(o, json_type_int))
		return false;
	*v = json_object_get_uint64(o);
	return true;
}

bool history_flag(struct json_object *point, const char *key)
{
	struct json_object *o;

	return json_object_object_get_ex(point, key, &o) && json_object_get_boolean(o);
}

/* A size column: the short IEC form, or "-" when the point leaves it out. */
static const char *size(struct json_object *point, const char *key, char *buf, size_t len)
{
	uint64_t v;

	if (!history_u64(point, key, &v))
		return "-";
	units_short(v, buf, len);
	return buf;
}

/* The events and states worth a word: "gate-closed evict=64M degraded". */
static const char *events(struct json_object *point, const char *gate, char *buf, size_t len)
{
	char sz[16];
	uint64_t v;
	size_t n = 0;

	buf[0] = '\0';
	if (history_flag(point, CRAM_KEY_GATE_CHANGED))
		n += (size_t)snprintf(buf + n, len - n, " gate-%s", gate);
	if (n < len && history_u64(point, CRAM_KEY_EVICT, &v)) {
		units_short(v, sz, sizeof(sz));
		n += (size_t)snprintf(buf + n, len - n, " evict=%s", sz);
	}
	if (n < len && history_flag(point, CRAM_KEY_DEGRADED))
		n += (size_t)snprintf(buf + n, len - n, " degraded");
	if (n < len && history_flag(point, CRAM_KEY_DRY_RUN))
		n += (size_t)snprintf(buf + n, len - n, " dry-run");
	if (n < len && !history_u64(point, CRAM_KEY_PHYS_USED, &v))
		snprintf(buf + n, len - n, " no-data");
	return buf[0] ? buf + 1 : "-";
}

/* The table: plain columns, one line per point. */
static void print_table(struct json_object *points)
{
	size_t k, n = json_object_array_length(points);

	printf("%-23s %7s %7s %7s %7s %-6s %7s %7s %s\n", "TIME", "USED", "CAP", "RESERVE",
	       "LOGICAL", "GATE", "RATE", "TARGET", "EVENTS");
	for (k = 0; k < n; k++) {
		struct json_object *p = json_object_array_get_idx(points, k), *g;
		char when[40], b[6][16], ev[96];
		const char *gate = "-";
		uint64_t ms = 0;
		time_t t;
		struct tm tm;

		history_u64(p, CRAM_KEY_TIME_MS, &ms);
		t = (time_t)(ms / 1000);
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		if (json_object_object_get_ex(p, CRAM_KEY_GATE, &g))
			gate = json_object_get_string(g);
		printf("%-19s.%03" PRIu64 "Z %7s %7s %7s %7s %-6s %7s %7s %s\n", when, ms % 1000,
		       size(p, CRAM_KEY_PHYS_USED, b[0], sizeof(b[0])),
		       size(p, CRAM_KEY_PHYS_CAPACITY, b[1], sizeof(b[1])),
		       size(p, CRAM_KEY_RESERVE, b[2], sizeof(b[2])),
		       size(p, CRAM_KEY_LOGICAL, b[3], sizeof(b[3])), gate,
		       size(p, CRAM_KEY_RATE_LIMIT, b[4], sizeof(b[4])),
		       size(p, CRAM_KEY_CAPACITY_TARGET, b[5], sizeof(b[5])),
		       events(p, gate, ev, sizeof(ev)));
	}
}

int cmd_history(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct json_object *reply, *points;
	bool json = false;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			printf("usage: cramctl %s\n", HISTORY_USAGE);
			return 0;
		default:
			fprintf(stderr, "usage: cramctl %s\n", HISTORY_USAGE);
			return 2;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "usage: cramctl %s\n", HISTORY_USAGE);
		return 2;
	}
	rc = history_fetch(argv[optind], &reply, &points);
	if (rc)
		return rc;
	if (json)
		json_out_print(points);
	else
		print_table(points);
	json_object_put(reply);
	return 0;
}
