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

#include "client.h"
#include "device.h"
#include "status.h"
#include "units.h"

struct status_opts {
	bool json;
	bool human;
	bool bytes;
};

static void table_header(void)
{
	printf("%-10s %-10s %4s %-7s %10s %10s %10s %6s %10s %6s\n", "DEVICE", "REGION",
	       "NODE", "STATE", "PHYS-TOTAL", "PHYS-USED", "LOGICAL", "RATIO", "HEADROOM",
	       "GATE");
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

static void table_row(const struct status_opts *o, const struct device_row *r)
{
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
	printf("%-10s %-10s %4s %-7s %10s %10s %10s %6s %10s %6s\n", r->devname,
	       r->region ? r->region : "-", node, state ? state : "-", total, used, logical,
	       ratio, headroom, r->has_gate ? (r->no_alloc ? "closed" : "open") : "-");
}

/*
 * status reads sysfs and works without cramd; it says on stderr when
 * cramd is not running, or is paused, so the numbers are read in context.
 */
static void daemon_note(void)
{
	struct json_object *reply, *v;
	int rc = client_call("status", NULL, &reply);

	if (rc == -ENOENT || rc == -ECONNREFUSED)
		fprintf(stderr, "cramctl: cramd is not running: values read from sysfs, "
			"no device is being managed\n");
	else if (rc < 0)
		fprintf(stderr, "cramctl: cannot ask cramd (%s): %s\n", client_socket_path(),
			strerror(-rc));
	else if (json_object_object_get_ex(reply, "paused", &v) && json_object_get_boolean(v))
		fprintf(stderr, "cramctl: cramd is paused (dry-run): it decides but writes no "
			"knob; 'cramctl resume' ends it\n");
	json_object_put(reply);
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
	struct json_object *arr = NULL;
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
	seen = calloc(argc ? argc : 1, sizeof(*seen));
	if (o.json)
		arr = json_object_new_array();
	if (!seen || (o.json && !arr)) {
		fprintf(stderr, "cramctl: out of memory\n");
		ret = 1;
		goto out;
	}
	if (!o.json)
		table_header();
	cram_device_foreach(ctx, dev) {
		struct device_row row;

		if (!wanted(dev, argc, argv, seen))
			continue;
		if (device_row_read(dev, &row) < 0)
			ret = 1;
		if (o.json)
			json_object_array_add(arr, device_row_json(&row, o.human));
		else
			table_row(&o, &row);
	}
	if (o.json)
		printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY |
							      JSON_C_TO_STRING_SPACED |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
	daemon_note();
	for (i = 0; i < argc; i++) {
		if (!seen[i]) {
			fprintf(stderr, "cramctl: no cram device or region named '%s'\n", argv[i]);
			ret = 1;
		}
	}
out:
	json_object_put(arr);
	free(seen);
	cram_unref(ctx);
	return ret;
}
