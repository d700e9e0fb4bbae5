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
#include "json-out.h"
#include "status.h"
#include "unmanaged.h"
#include "table.h"

struct status_opts {
	bool json;
	bool human;
	bool bytes;
	struct table_opts table;
};

/* The columns of device.h, then status's own. */
enum { COL_MANAGED = DEVICE_NCOLS, COL_REASON, NCOLUMNS };

/* The default columns fit 80 columns: test-cramctl-table.sh checks it. */
static struct table_column columns[NCOLUMNS];

/* device_columns, with what cramd adds to STATE and GATE, and MANAGED and REASON. */
static void columns_init(void)
{
	memcpy(columns, device_columns, sizeof(device_columns));
	columns[DEVICE_COL_STATE].help = "online, offline, or degraded (cramd's fail-safe)";
	columns[DEVICE_COL_GATE].help = "allocation gate (no_alloc); '!' when cramd wrote the other";
	columns[COL_MANAGED] = (struct table_column){
		"MANAGED", 0, 0, false, "yes when cramd manages it, no, '-' without cramd" };
	columns[COL_REASON] = (struct table_column){
		"REASON", 0.3, SCOLS_FL_TRUNC, true, "why degraded, unreadable or not managed" };
}

/* One device as the table shows it: sysfs, and what cramd says of it. */
struct status_row {
	struct device_row dev;
	bool drift;
	bool degraded;
	bool critical;		/* the kernel closed the gate on a critical event */
	const char *managed;	/* "yes", "no", NULL without cramd */
	char reason[256];
};

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

/* cramd manages @devname and says @key (a boolean of its status reply) of it. */
static bool cramd_flag(struct json_object *daemon, const char *devname, const char *key)
{
	struct json_object *d = daemon_entry(daemon, CRAM_KEY_DEVICES, devname), *v;

	return d && json_object_object_get_ex(d, key, &v) &&
	       json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

/*
 * Why cramd degraded @devname: the reason of its latest "degraded"
 * decision in @dump (cramd's dump reply) without the "DEV: degraded: "
 * that starts it, or NULL when the decision is no longer kept.
 */
static const char *degraded_reason(struct json_object *dump, const char *devname)
{
	struct json_object *list, *v;
	const char *why = NULL;
	size_t i, n, len = strlen(devname);

	if (!dump || !json_object_object_get_ex(dump, CRAM_KEY_DECISIONS, &list) ||
	    !json_object_is_type(list, json_type_array))
		return NULL;
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(list, i);
		const char *s;

		if (!json_object_object_get_ex(e, CRAM_KEY_DEVICE, &v) ||
		    strcmp(json_object_get_string(v), devname) != 0 ||
		    !json_object_object_get_ex(e, CRAM_KEY_ACTION, &v) ||
		    strcmp(json_object_get_string(v), "degraded") != 0 ||
		    !json_object_object_get_ex(e, CRAM_KEY_REASON, &v))
			continue;
		s = json_object_get_string(v);
		if (strncmp(s, devname, len) == 0 && strncmp(s + len, ": degraded: ", 12) == 0)
			s += len + 12;
		why = s;
	}
	return why;
}

/* What cramd and sysfs say of @r beyond the numbers: state, and the reason. */
static void status_row_explain(struct status_row *r, struct json_object *daemon,
			       struct json_object **dump)
{
	const char *name = r->dev.devname, *why;
	struct json_object *un = daemon_entry(daemon, CRAM_KEY_UNMANAGED, name), *v;

	r->drift = gate_drifted(&r->dev, cramd_gate(daemon, name));
	r->degraded = cramd_flag(daemon, name, CRAM_KEY_DEGRADED);
	r->critical = cramd_flag(daemon, name, CRAM_KEY_CRITICAL);
	r->managed = daemon_entry(daemon, CRAM_KEY_DEVICES, name) ? "yes" :
		     daemon ? "no" : NULL;
	r->reason[0] = '\0';
	if (r->degraded) {
		if (!*dump && client_call(CRAM_CMD_DUMP, NULL, dump) < 0)
			*dump = NULL;
		why = degraded_reason(*dump, name);
		snprintf(r->reason, sizeof(r->reason), "%s",
			 why ? why : "telemetry not trusted: gate kept closed (see cramd's log)");
	} else if (r->critical) {
		snprintf(r->reason, sizeof(r->reason),
			 "critical: the kernel closed the gate; kept closed until the low watermark");
	} else if (!r->dev.has_snap) {
		snprintf(r->reason, sizeof(r->reason), "cannot read cram/stat: %s",
			 strerror(-r->dev.snap_err));
	} else if (un && json_object_object_get_ex(un, CRAM_KEY_REASON, &v) &&
		   json_object_is_type(v, json_type_string)) {
		snprintf(r->reason, sizeof(r->reason), "%s", json_object_get_string(v));
	}
}

static void cell(const struct status_opts *o, const struct status_row *sr, int col, char *buf,
		 size_t len)
{
	switch (col) {
	case DEVICE_COL_STATE:
		if (sr->degraded)
			snprintf(buf, len, "degraded");
		else
			device_row_cell(&sr->dev, col, o->bytes, buf, len);
		break;
	case DEVICE_COL_GATE:
		/* The kernel's value; "!" when cramd wrote the other one. */
		device_row_cell(&sr->dev, col, o->bytes, buf, len);
		if (sr->drift)
			strncat(buf, "!", len - strlen(buf) - 1);
		break;
	case COL_MANAGED:
		snprintf(buf, len, "%s", sr->managed ? sr->managed : "-");
		break;
	case COL_REASON:
		snprintf(buf, len, "%s", sr->reason);
		break;
	default:
		device_row_cell(&sr->dev, col, o->bytes, buf, len);
		break;
	}
}

static int table_row(struct libscols_table *tb, const struct status_opts *o,
		     const struct status_row *r, const int *ids, size_t n)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	char buf[sizeof(r->reason)];
	size_t i;

	if (!ln)
		return -1;
	for (i = 0; i < n; i++) {
		cell(o, r, ids[i], buf, sizeof(buf));
		if (scols_line_set_data(ln, i, buf) < 0)
			return -1;
	}
	return 0;
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

/*
 * The names of the command line, each argument a comma list as ndctl
 * takes them ("dax0.0,dax1.0 region2"), into a NULL-ended array of
 * copies; *@count set. NULL when out of memory.
 */
static char **split_names(int argc, char **argv, int *count)
{
	char **names = NULL, **grown;
	int i, n = 0;

	for (i = 0; i < argc; i++) {
		const char *p = argv[i];

		do {
			size_t len = strcspn(p, ",");

			/* an empty name is kept: it names no device, an error */
			grown = realloc(names, (n + 2) * sizeof(*names));
			if (!grown)
				goto oom;
			names = grown;
			names[n] = strndup(p, len);
			if (!names[n])
				goto oom;
			names[++n] = NULL;
			p += len;
		} while (*p++);
	}
	*count = n;
	if (!names)
		names = calloc(1, sizeof(*names));
	return names;
oom:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return NULL;
}

static void free_names(char **names)
{
	char **p;

	for (p = names; p && *p; p++)
		free(*p);
	free(names);
}

static void status_usage(FILE *f)
{
	fprintf(f, "usage: cramctl status [OPTIONS] [DEVICE|REGION[,...]...]\n\n"
		"One row per cram device, read from sysfs (and cramd when it runs).\n\n"
		"Options:\n"
		"  -j, --json         JSON array, keys as 'cxl list' (sizes in bytes)\n"
		"  -u, --human        with --json, sizes as \"512.00 MiB (536.87 MB)\"\n"
		"  -b, --bytes        sizes in bytes in the table\n");
	table_help_options(f);
	fprintf(f, "  -h, --help         this help\n");
	table_help(f, columns, NCOLUMNS);
	fprintf(f, "\nSee cramctl(8).\n");
}

/*
 * The devices cramd does not manage, as a second table (with the first
 * one's -n and -r), printed when @print; the names found marked in @seen.
 */
static int unmanaged_table(struct json_object *daemon, struct cram_ctx *ctx,
			   const struct status_opts *o, int argc, char **argv, bool *seen,
			   bool print)
{
	static const struct table_column ucols[] = {
		{ "NOT-MANAGED", 0, 0, true, "" },
		{ "WHY", 0, 0, true, "" },
		{ "REASON", 0.5, SCOLS_FL_TRUNC, true, "" },
	};
	static const char *const keys[] = { CRAM_KEY_DEVICE, CRAM_KEY_WHY, CRAM_KEY_REASON };
	struct json_object *arr = json_object_new_array();
	int ret = 0;

	if (!arr) {
		fprintf(stderr, "cramctl: out of memory\n");
		return -1;
	}
	unmanaged_emit(daemon, ctx, arr, argc, argv, seen, true);
	if (print && json_object_array_length(arr) > 0) {
		printf("\n");
		ret = table_print_json(ucols, 3, &o->table, arr, keys);
	}
	json_object_put(arr);
	return ret;
}

int cmd_status(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "human", no_argument, NULL, 'u' },
		{ "bytes", no_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		TABLE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct status_opts o = { 0 };
	struct json_object *arr = NULL, *daemon = NULL, *dump = NULL;
	struct libscols_table *tb = NULL;
	int ids[TABLE_MAX_COLUMNS], nids = 0;
	struct cram_device *dev;
	struct cram_ctx *ctx;
	char **names;
	bool *seen = NULL;
	int c, i, rc, n, ret = 0;

	columns_init();
	optind = 1;
	while ((c = getopt_long(argc, argv, "jubho:nr", longopts, NULL)) != -1) {
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
			if (table_getopt(c, optarg, &o.table))
				break;
			status_usage(stderr);
			return 2;
		}
	}
	if (!o.json) {
		nids = table_select("status", columns, NCOLUMNS, &o.table, ids);
		if (nids < 0)
			return 2;
	}
	names = split_names(argc - optind, argv + optind, &n);
	if (!names) {
		fprintf(stderr, "cramctl: out of memory\n");
		return 1;
	}

	rc = cram_new(&ctx);
	if (rc < 0) {
		fprintf(stderr, "cramctl: cannot create libcram context: %s\n", strerror(-rc));
		free_names(names);
		return 1;
	}
	device_warn_no_provider(ctx);
	seen = calloc(n ? n : 1, sizeof(*seen));
	if (o.json)
		arr = json_object_new_array();
	else
		tb = table_new(columns, ids, nids, &o.table);
	if (!seen || (o.json && !arr) || (!o.json && !tb)) {
		fprintf(stderr, "cramctl: out of memory\n");
		ret = 1;
		goto out;
	}
	daemon = daemon_status();
	cram_device_foreach(ctx, dev) {
		struct status_row row;
		const char *wrote;

		if (!wanted(dev, n, names, seen))
			continue;
		if (device_row_read(dev, &row.dev) < 0)
			ret = 1;
		status_row_explain(&row, daemon, &dump);
		wrote = cramd_gate(daemon, row.dev.devname);
		if (row.drift)
			fprintf(stderr, "cramctl: %s: the kernel's gate is %s, but cramd wrote "
				"%s: something else changed no_alloc (drift)\n", row.dev.devname,
				row.dev.no_alloc ? CRAM_GATE_CLOSED : CRAM_GATE_OPEN, wrote);
		if (o.json) {
			struct json_object *obj = device_row_json(&row.dev, o.human);

			if (obj && wrote)
				json_object_object_add(obj, "cramd_gate",
						       json_object_new_string(wrote));
			unmanaged_annotate(obj, daemon, row.dev.devname);
			if (obj && row.managed && strcmp(row.managed, "yes") == 0) {
				json_object_object_add(obj, "degraded",
						       json_object_new_boolean(row.degraded));
				if (row.degraded || row.critical)
					json_object_object_add(obj, "reason",
							       json_object_new_string(row.reason));
				json_object_object_add(obj, "critical",
						       json_object_new_boolean(row.critical));
			}
			json_object_array_add(arr, obj);
		} else if (table_row(tb, &o, &row, ids, nids) < 0) {
			fprintf(stderr, "cramctl: out of memory\n");
			ret = 1;
		}
	}
	if (o.json) {
		unmanaged_emit(daemon, ctx, arr, n, names, seen, false);
		json_out_print_list(arr, o.human);
	} else {
		if (table_print(tb) < 0)
			ret = 1;
		tb = NULL;
		/* -o chooses the columns of the one table: no second one then */
		if (unmanaged_table(daemon, ctx, &o, n, names, seen,
				    !o.table.output || o.table.output[0] == '+') < 0)
			ret = 1;
	}
	for (i = 0; i < n; i++) {
		if (!seen[i]) {
			fprintf(stderr, "cramctl: no cram device or region named '%s'\n", names[i]);
			ret = 1;
		}
	}
out:
	scols_unref_table(tb);
	json_object_put(dump);
	json_object_put(daemon);
	json_object_put(arr);
	free(seen);
	free_names(names);
	cram_unref(ctx);
	return ret;
}
