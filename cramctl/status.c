// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cramctl status: one row per cram device, read from sysfs through
 * libcram. Human table by default (sizes in short IEC units, --bytes for
 * raw), or --json following `cxl list`: an array of objects, lower-case
 * keys, sizes in bytes unless -u asks for human units.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cram/cram.h>
#include <json-c/json.h>

#include "../shared/control-protocol.h"
#include "client.h"
#include "device.h"
#include "status.h"
#include "unmanaged.h"
#include "units.h"

struct status_opts {
	bool json;
	bool human;
	bool bytes;
};

static void table_header(void)
{
	printf("%-10s %-10s %4s %-7s %-10s %10s %10s %10s %6s %10s %6s\n", "DEVICE", "REGION",
	       "NODE", "STATE", "MODE", "PHYS-TOTAL", "PHYS-USED", "LOGICAL", "RATIO",
	       "HEADROOM", "GATE");
}

static void table_size(const struct status_opts *o, bool valid, uint64_t v, char *buf, size_t len)
{
	if (!valid)
		snprintf(buf, len, "-");
	else if (o->bytes)
		snprintf(buf, len, "%llu", (unsigned long long)v);
	else
		units_short(v, buf, len);
}

/*
 * The gate cramd last wrote for @devname, from its status reply, or NULL
 * when cramd does not manage it (or is not running).
 */
static const char *cramd_gate(struct json_object *daemon, const char *devname)
{
	struct json_object *d = daemon_entry(daemon, CRAM_KEY_DEVICES, devname), *v;

	if (d && json_object_object_get_ex(d, CRAM_KEY_GATE, &v) &&
	    json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return NULL;
}

/* The kernel's gate ("open", "closed") differs from the one cramd wrote. */
static bool gate_drifted(const struct device_row *r, const char *wrote)
{
	return r->has_gate && wrote &&
	       strcmp(wrote, r->no_alloc ? CRAM_GATE_CLOSED : CRAM_GATE_OPEN) != 0;
}

static void table_row(const struct status_opts *o, const struct device_row *r, bool drift)
{
	char gate[16];

	char node[16], total[32], used[32], logical[32], ratio[16], headroom[32];
	const char *state = device_state_name(r->state);
	double q = r->has_snap ? cram_snapshot_ratio(&r->snap) : 0.0;

	if (r->has_node)
		snprintf(node, sizeof(node), "%d", r->node);
	else
		snprintf(node, sizeof(node), "-");
	table_size(o, r->has_snap, r->snap.phys_capacity_bytes, total, sizeof(total));
	table_size(o, r->has_snap, r->snap.phys_used_bytes, used, sizeof(used));
	table_size(o, r->has_snap, r->snap.logical_bytes, logical, sizeof(logical));
	table_size(o, r->has_snap, cram_snapshot_headroom(&r->snap), headroom, sizeof(headroom));
	if (q > 0.0)
		snprintf(ratio, sizeof(ratio), "%.2f", q);
	else
		snprintf(ratio, sizeof(ratio), "-");
	/* The kernel's value; "!" when cramd wrote the other one. */
	snprintf(gate, sizeof(gate), "%s%s", !r->has_gate ? "-" : r->no_alloc ?
		 CRAM_GATE_CLOSED : CRAM_GATE_OPEN, drift ? "!" : "");
	printf("%-10s %-10s %4s %-7s %-10s %10s %10s %10s %6s %10s %6s\n", r->devname,
	       r->region ? r->region : "-", node, state ? state : "-", r->mode ? r->mode : "-",
	       total, used, logical, ratio, headroom, gate);
}

/*
 * status reads sysfs and works without cramd; it says on stderr when
 * cramd is not running, or is paused, so the numbers are read in context.
 * Returns cramd's status reply, or NULL.
 */
static struct json_object *daemon_status(void)
{
	struct json_object *reply, *v;
	int rc = client_call(CRAM_CMD_STATUS, NULL, &reply);

	if (rc == -ENOENT || rc == -ECONNREFUSED)
		fprintf(stderr, "cramctl: cramd is not running: values read from sysfs, "
			"no device is being managed\n");
	else if (rc < 0)
		fprintf(stderr, "cramctl: cannot ask cramd (%s): %s\n", client_socket_path(),
			strerror(-rc));
	else if (json_object_object_get_ex(reply, CRAM_KEY_PAUSED, &v) &&
		 json_object_get_boolean(v))
		fprintf(stderr, "cramctl: cramd is paused (dry-run): it decides but writes no "
			"knob; 'cramctl resume' ends it\n");
	return rc < 0 ? NULL : reply;
}

static bool wanted(struct cram_device *dev, int argc, char **argv, bool *seen)
{
	const char *region = cram_device_get_region(dev);
	bool any = false;
	int i;

	if (argc == 0)
		return true;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], cram_device_get_devname(dev)) == 0 ||
		    (region && strcmp(argv[i], region) == 0)) {
			seen[i] = true;
			any = true;
		}
	}
	return any;
}

static void status_usage(FILE *f)
{
	fprintf(f, "usage: cramctl status [-j|--json] [-u|--human] [-b|--bytes] [DEVICE|REGION...]\n");
}

int cmd_status(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "human", no_argument, NULL, 'u' },
		{ "bytes", no_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct status_opts o = { 0 };
	struct json_object *arr = NULL, *daemon = NULL;
	struct cram_device *dev;
	struct cram_ctx *ctx;
	bool *seen = NULL;
	int c, i, rc, ret = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jubh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o.json = true;
			break;
		case 'u':
			o.human = true;
			break;
		case 'b':
			o.bytes = true;
			break;
		case 'h':
			status_usage(stdout);
			return 0;
		default:
			status_usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;

	rc = cram_new(&ctx);
	if (rc < 0) {
		fprintf(stderr, "cramctl: cannot create libcram context: %s\n", strerror(-rc));
		return 1;
	}
	device_warn_no_provider(ctx);
	seen = calloc(argc ? argc : 1, sizeof(*seen));
	if (o.json)
		arr = json_object_new_array();
	if (!seen || (o.json && !arr)) {
		fprintf(stderr, "cramctl: out of memory\n");
		ret = 1;
		goto out;
	}
	daemon = daemon_status();
	if (!o.json)
		table_header();
	cram_device_foreach(ctx, dev) {
		struct device_row row;
		const char *wrote;
		bool drift;

		if (!wanted(dev, argc, argv, seen))
			continue;
		if (device_row_read(dev, &row) < 0)
			ret = 1;
		wrote = cramd_gate(daemon, row.devname);
		drift = gate_drifted(&row, wrote);
		if (drift)
			fprintf(stderr, "cramctl: %s: the kernel's gate is %s, but cramd wrote "
				"%s: something else changed no_alloc (drift)\n", row.devname,
				row.no_alloc ? CRAM_GATE_CLOSED : CRAM_GATE_OPEN, wrote);
		if (o.json) {
			struct json_object *obj = device_row_json(&row, o.human);

			if (obj && wrote)
				json_object_object_add(obj, "cramd_gate",
						       json_object_new_string(wrote));
			unmanaged_annotate(obj, daemon, row.devname);
			json_object_array_add(arr, obj);
		} else {
			table_row(&o, &row, drift);
		}
	}
	unmanaged_emit(daemon, ctx, arr, argc, argv, seen);
	if (o.json)
		printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY |
							      JSON_C_TO_STRING_SPACED |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
	for (i = 0; i < argc; i++) {
		if (!seen[i]) {
			fprintf(stderr, "cramctl: no cram device or region named '%s'\n", argv[i]);
			ret = 1;
		}
	}
out:
	json_object_put(daemon);
	json_object_put(arr);
	free(seen);
	cram_unref(ctx);
	return ret;
}
