// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cramctl metrics: the Prometheus text exposition format (version 0.0.4)
 * of every cram device, read from sysfs through libcram, plus whether
 * cramd is up and paused. Suitable for node_exporter's textfile collector
 * (cramctl metrics > /var/lib/node_exporter/cram.prom) or a scrape proxy.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cram/cram.h>
#include <json-c/json.h>

#include "../shared/control-protocol.h"
#include "client.h"
#include "device.h"
#include "metrics.h"

struct metric {
	const char *name;
	const char *type;
	const char *help;
};

enum {
	M_ONLINE, M_GATE, M_CAPACITY, M_USED, M_LOGICAL, M_HEADROOM, M_RATIO,
	M_DEMOTED, M_PROMOTED, M_EVICTED, M_BALLOONED, M_COUNT
};

static const struct metric metrics[M_COUNT] = {
	[M_ONLINE] = { "cram_device_online", "gauge", "1 when the device is online as a private node." },
	[M_GATE] = { "cram_device_gate_closed", "gauge",
		     "1 while the admission gate (no_alloc) stops demotion." },
	[M_CAPACITY] = { "cram_device_phys_capacity_bytes", "gauge",
			 "Physical capacity of the device." },
	[M_USED] = { "cram_device_phys_used_bytes", "gauge",
		     "Physical bytes in use after compression." },
	[M_LOGICAL] = { "cram_device_logical_bytes", "gauge",
			"Bytes resident on the node before compression." },
	[M_HEADROOM] = { "cram_device_headroom_bytes", "gauge",
			 "Physical capacity minus physical use." },
	[M_RATIO] = { "cram_device_compression_ratio", "gauge",
		      "Logical bytes per physical byte used (0 when empty)." },
	[M_DEMOTED] = { "cram_device_demoted_pages_total", "counter",
			"Pages demoted into the node since bind." },
	[M_PROMOTED] = { "cram_device_promoted_pages_total", "counter",
			 "Pages promoted out of the node since bind." },
	[M_EVICTED] = { "cram_device_evicted_pages_total", "counter",
			"Pages evicted from the node to swap since bind." },
	[M_BALLOONED] = { "cram_device_ballooned_pages", "gauge",
			  "Pages currently held by the balloon." },
};

/* The value of metric @m for @r; false when it could not be read. */
static bool metric_value(int m, const struct device_row *r, double *v)
{
	const struct cram_snapshot *s = &r->snap;

	switch (m) {
	case M_ONLINE:
		*v = r->state == CRAM_DEVICE_ONLINE;
		return r->state >= 0;
	case M_GATE:
		*v = r->no_alloc;
		return r->has_gate;
	default:
		break;
	}
	if (!r->has_snap)
		return false;
	switch (m) {
	case M_CAPACITY: *v = (double)s->phys_capacity_bytes; break;
	case M_USED: *v = (double)s->phys_used_bytes; break;
	case M_LOGICAL: *v = (double)s->logical_bytes; break;
	case M_HEADROOM: *v = (double)cram_snapshot_headroom(s); break;
	case M_RATIO: *v = cram_snapshot_ratio(s); break;
	case M_DEMOTED: *v = (double)s->demoted_pages; break;
	case M_PROMOTED: *v = (double)s->promoted_pages; break;
	case M_EVICTED: *v = (double)s->evicted_pages; break;
	default: *v = (double)s->ballooned_pages; break;
	}
	return true;
}

/* cramd_up and cramd_paused, from the control socket. */
static void daemon_metrics(void)
{
	struct json_object *reply, *v;
	bool up = client_call(CRAM_CMD_STATUS, NULL, &reply) == 0, paused = false;

	if (up && json_object_object_get_ex(reply, CRAM_KEY_PAUSED, &v))
		paused = json_object_get_boolean(v);
	json_object_put(reply);
	printf("# HELP cramd_up 1 when cramd answers on its control socket.\n"
	       "# TYPE cramd_up gauge\ncramd_up %d\n", up);
	printf("# HELP cramd_paused 1 while cramd is in dry-run.\n"
	       "# TYPE cramd_paused gauge\ncramd_paused %d\n", paused);
}

int cmd_metrics(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct device_row *rows = NULL;
	struct cram_device *dev;
	struct cram_ctx *ctx;
	size_t n = 0, i;
	int c, m, rc, ret = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			printf("usage: cramctl metrics\n");
			return 0;
		}
		fprintf(stderr, "usage: cramctl metrics\n");
		return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "cramctl metrics: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	rc = cram_new(&ctx);
	if (rc < 0) {
		fprintf(stderr, "cramctl: cannot create libcram context: %s\n", strerror(-rc));
		return 1;
	}
	cram_device_foreach(ctx, dev)
		n++;
	rows = calloc(n ? n : 1, sizeof(*rows));
	if (!rows) {
		cram_unref(ctx);
		return 1;
	}
	i = 0;
	cram_device_foreach(ctx, dev)
		if (device_row_read(dev, &rows[i++]) < 0)
			ret = 1;
	for (m = 0; m < M_COUNT; m++) {
		printf("# HELP %s %s\n# TYPE %s %s\n", metrics[m].name, metrics[m].help,
		       metrics[m].name, metrics[m].type);
		for (i = 0; i < n; i++) {
			double v;

			if (!metric_value(m, &rows[i], &v))
				continue;
			printf("%s{device=\"%s\",region=\"%s\",node=\"%d\",mode=\"%s\"} %.17g\n",
			       metrics[m].name, rows[i].devname,
			       rows[i].region ? rows[i].region : "",
			       rows[i].has_node ? rows[i].node : -1,
			       rows[i].mode ? rows[i].mode : "", v);
		}
	}
	daemon_metrics();
	free(rows);
	cram_unref(ctx);
	return ret;
}
