// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cramctl metrics: the Prometheus text exposition format (version 0.0.4)
 * of every cram device, read from sysfs through libcram, plus what cramd
 * says of them when it runs. Printed on stdout, or written atomically into
 * a node_exporter textfile directory (--textfile DIR).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cram/cram.h>
#include <json-c/json.h>

#include "../shared/control-protocol.h"
#include "util/decimal.h"
#include "client.h"
#include "device.h"
#include "metrics.h"
#include "atomic-file.h"

#define METRICS_FILE "cram.prom"
/* The longest --interval: the sampling should not outlast a scrape. */
#define METRICS_MAX_INTERVAL_S 60

struct metric {
	const char *name;
	const char *type;
	const char *help;
};

enum {
	M_ONLINE, M_GATE, M_CAPACITY, M_USED, M_LOGICAL, M_HEADROOM, M_RATIO,
	M_DEMOTED, M_PROMOTED, M_EVICTED, M_BALLOONED, M_CAPACITY_LIMIT, M_RATE_LIMIT,
	M_TIME_TO_FULL, M_DEGRADED, M_PAUSED, M_COUNT
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
	[M_DEMOTED] = { "cram_device_demoted_bytes_total", "counter",
			"Bytes demoted into the node since bind." },
	[M_PROMOTED] = { "cram_device_promoted_bytes_total", "counter",
			 "Bytes promoted out of the node since bind." },
	[M_EVICTED] = { "cram_device_evicted_bytes_total", "counter",
			"Bytes evicted from the node to swap since bind." },
	[M_BALLOONED] = { "cram_device_ballooned_bytes", "gauge",
			  "Bytes currently held by the balloon." },
	[M_CAPACITY_LIMIT] = { "cram_device_capacity_limit_bytes", "gauge",
			       "Logical bytes the node may hold (capacity_pages)." },
	[M_RATE_LIMIT] = { "cram_device_demote_rate_limit_bytes_per_second", "gauge",
			   "Upper bound on demotion into the node (0: unlimited)." },
	[M_TIME_TO_FULL] = { "cram_device_time_to_full_seconds", "gauge",
			     "Seconds until physical use reaches capacity at the rate measured "
			     "over --interval (absent when it does not grow)." },
	[M_DEGRADED] = { "cram_device_degraded", "gauge",
			 "1 while cramd cannot read or steer the device (from cramd)." },
	[M_PAUSED] = { "cram_device_paused", "gauge",
		       "1 while cramd is paused (dry-run) for the device (from cramd)." },
};

/* One device: its sysfs row and what the exposition adds to it. */
struct metrics_row {
	struct device_row row;
	uint64_t capacity_limit, rate_limit;
	bool has_capacity_limit, has_rate_limit;
	double time_to_full_s;
	bool has_time_to_full;
	bool managed, degraded;	/* from cramd */
};

/* What cramd said; up is false when it did not answer. */
struct daemon_view {
	bool up, paused;
};

/* The value of metric @m for @mr; false when there is none. */
static bool metric_value(int m, const struct metrics_row *mr, const struct daemon_view *d,
			 double *v)
{
	const struct device_row *r = &mr->row;
	const struct cram_snapshot *s = &r->snap;
	double page = (double)cram_page_size();

	switch (m) {
	case M_ONLINE:
		*v = r->state == CRAM_DEVICE_ONLINE;
		return r->state >= 0;
	case M_GATE:
		*v = r->no_alloc;
		return r->has_gate;
	case M_CAPACITY_LIMIT:
		*v = (double)mr->capacity_limit * page;
		return mr->has_capacity_limit;
	case M_RATE_LIMIT:
		*v = (double)mr->rate_limit;
		return mr->has_rate_limit;
	case M_TIME_TO_FULL:
		*v = mr->time_to_full_s;
		return mr->has_time_to_full;
	case M_DEGRADED:
		*v = mr->degraded;
		return mr->managed;
	case M_PAUSED:
		*v = d->paused;
		return mr->managed;
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
	case M_DEMOTED: *v = (double)s->demoted_pages * page; break;
	case M_PROMOTED: *v = (double)s->promoted_pages * page; break;
	case M_EVICTED: *v = (double)s->evicted_pages * page; break;
	default: *v = (double)s->ballooned_pages * page; break;
	}
	return true;
}

/* A label value with \, " and newline escaped, as the format asks. */
static void put_label(FILE *f, const char *name, const char *value, bool comma)
{
	fprintf(f, "%s%s=\"", comma ? "," : "", name);
	for (; *value; value++) {
		if (*value == '\\' || *value == '"')
			fprintf(f, "\\%c", *value);
		else if (*value == '\n')
			fputs("\\n", f);
		else
			fputc(*value, f);
	}
	fputc('"', f);
}

static void put_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Reads cramd's status into @d and marks the devices it manages in @rows. */
static void daemon_read(struct daemon_view *d, struct metrics_row *rows, size_t n)
{
	struct json_object *reply = NULL, *v, *devs, *dev;
	size_t i, j;

	d->up = client_call(CRAM_CMD_STATUS, NULL, &reply) == 0;
	if (!d->up)
		return;
	if (json_object_object_get_ex(reply, CRAM_KEY_PAUSED, &v))
		d->paused = json_object_get_boolean(v);
	if (!json_object_object_get_ex(reply, CRAM_KEY_DEVICES, &devs) ||
	    !json_object_is_type(devs, json_type_array))
		devs = NULL;
	for (i = 0; devs && i < json_object_array_length(devs); i++) {
		const char *name;

		dev = json_object_array_get_idx(devs, i);
		if (!json_object_object_get_ex(dev, CRAM_KEY_DEVICE, &v) ||
		    !(name = json_object_get_string(v)))
			continue;
		for (j = 0; j < n; j++) {
			if (strcmp(rows[j].row.devname, name) != 0)
				continue;
			rows[j].managed = true;
			rows[j].degraded = json_object_object_get_ex(dev, CRAM_KEY_DEGRADED, &v) &&
					   json_object_get_boolean(v);
		}
	}
	json_object_put(reply);
}

/* The knobs the exposition adds to the row; absent ones are left out. */
static void knobs_read(struct cram_device *dev, struct metrics_row *mr)
{
	mr->has_capacity_limit = cram_device_get_capacity_pages(dev, &mr->capacity_limit) == 0;
	mr->has_rate_limit = cram_device_get_demote_rate_limit(dev, &mr->rate_limit) == 0;
}

/*
 * A second snapshot of each device @interval_s after the first: the time
 * to full from the pair, and the newer snapshot for the other samples.
 */
static void time_to_full_read(struct cram_ctx *ctx, struct metrics_row *rows, size_t n,
			      unsigned int interval_s)
{
	struct timespec ts = { .tv_sec = interval_s };
	struct cram_device *dev;
	size_t i = 0;

	if (!interval_s || !n)
		return;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	cram_device_foreach(ctx, dev) {
		struct metrics_row *mr = &rows[i++];
		struct cram_snapshot newer = { .size = sizeof(newer) };
		uint64_t ns;

		if (!mr->row.has_snap || cram_device_snapshot(dev, &newer) < 0)
			continue;
		if (cram_snapshot_time_to_full(&mr->row.snap, &newer, &ns) == 0 &&
		    ns != CRAM_TIME_NEVER) {
			mr->has_time_to_full = true;
			mr->time_to_full_s = (double)ns / 1e9;
		}
		mr->row.snap = newer;
	}
}

static void metrics_print(FILE *f, const struct metrics_row *rows, size_t n,
			  const struct daemon_view *d)
{
	size_t i;
	int m;

	put_family(f, "cram_build_info", "gauge", "Version of cramctl that wrote the metrics.");
	fputs("cram_build_info{", f);
	put_label(f, "version", PACKAGE_VERSION, false);
	fputs("} 1\n", f);
	for (m = 0; m < M_COUNT; m++) {
		put_family(f, metrics[m].name, metrics[m].type, metrics[m].help);
		for (i = 0; i < n; i++) {
			const struct device_row *r = &rows[i].row;
			char node[16];
			double v;

			if (!metric_value(m, &rows[i], d, &v))
				continue;
			snprintf(node, sizeof(node), "%d", r->has_node ? r->node : -1);
			fprintf(f, "%s{", metrics[m].name);
			put_label(f, "device", r->devname, false);
			put_label(f, "region", r->region ? r->region : "", true);
			put_label(f, "node", node, true);
			put_label(f, "mode", r->mode ? r->mode : "", true);
			fprintf(f, "} %.17g\n", v);
		}
	}
	put_family(f, "cramd_up", "gauge", "1 when cramd answers on its control socket.");
	fprintf(f, "cramd_up %d\n", d->up);
	if (d->up) {
		put_family(f, "cramd_paused", "gauge", "1 while cramd is in dry-run (from cramd).");
		fprintf(f, "cramd_paused %d\n", d->paused);
	}
}

static void metrics_usage(FILE *f)
{
	fprintf(f, "usage: cramctl metrics [--textfile DIR] [--interval SECONDS]\n"
		"  -t, --textfile DIR      write DIR/" METRICS_FILE " atomically instead of stdout\n"
		"  -i, --interval SECONDS  measure the fill rate for the time to full over\n"
		"                          this many seconds, 0..%d (default 1; 0: no time to full)\n"
		"  -h, --help              this help\n", METRICS_MAX_INTERVAL_S);
}

/*
 * Writes @len bytes of @data into @dir/METRICS_FILE atomically, mode 0644
 * whatever the umask (node_exporter reads it as another user); says on
 * stderr what failed. Returns 0 or a negative errno.
 */
static int textfile_write(const char *dir, const char *data, size_t len)
{
	static const char who[] = "cramctl metrics";
	struct atomic_file_failure why;
	int rc = atomic_file_replace(dir, METRICS_FILE, 0644, data, len, &why);

	if (rc == 0)
		return 0;
	switch (why.step) {
	case ATOMIC_FILE_DIR:
		if (rc == -ENOTDIR)
			fprintf(stderr, "%s: %s: not a directory\n", who, dir);
		else
			fprintf(stderr, "%s: cannot open directory %s: %s\n", who, dir,
				strerror(-rc));
		break;
	case ATOMIC_FILE_CREATE:
		fprintf(stderr, "%s: cannot create a temporary file in %s: %s\n", who, dir,
			strerror(-rc));
		break;
	case ATOMIC_FILE_WRITE:
		fprintf(stderr, "%s: cannot write %s: %s\n", who, why.tmp, strerror(-rc));
		break;
	case ATOMIC_FILE_TARGET:
		fprintf(stderr, "%s: cannot rename %s to %s/%s: it is not a regular file\n", who,
			why.tmp, dir, METRICS_FILE);
		break;
	case ATOMIC_FILE_RENAME:
		fprintf(stderr, "%s: cannot rename %s to %s/%s: %s\n", who, why.tmp, dir,
			METRICS_FILE, strerror(-rc));
		break;
	case ATOMIC_FILE_SYNC_DIR:
		fprintf(stderr, "%s: cannot sync %s: %s\n", who, dir, strerror(-rc));
		break;
	}
	return rc;
}

/* Prints the exposition on stdout, or writes it into @textfile_dir. */
static int metrics_emit(const char *textfile_dir, const struct metrics_row *rows, size_t n,
			const struct daemon_view *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	if (!textfile_dir) {
		metrics_print(stdout, rows, n, d);
		return 0;
	}
	f = open_memstream(&buf, &len);
	if (!f) {
		fprintf(stderr, "cramctl metrics: out of memory\n");
		return 1;
	}
	metrics_print(f, rows, n, d);
	if (fclose(f) != 0) {
		free(buf);
		fprintf(stderr, "cramctl metrics: out of memory\n");
		return 1;
	}
	rc = textfile_write(textfile_dir, buf, len);
	free(buf);
	return rc < 0;
}

int cmd_metrics(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "textfile", required_argument, NULL, 't' },
		{ "interval", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct metrics_row *rows = NULL;
	struct daemon_view daemon = { 0 };
	const char *textfile_dir = NULL;
	unsigned int interval_s = 1;
	struct cram_device *dev;
	struct cram_ctx *ctx;
	size_t n = 0, i;
	int c, rc, ret = 0;
	uint64_t v;

	optind = 1;
	while ((c = getopt_long(argc, argv, "t:i:h", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (!*optarg) {
				fprintf(stderr, "cramctl metrics: --textfile: empty directory name\n");
				return 2;
			}
			textfile_dir = optarg;
			break;
		case 'i':
			if (util_parse_u64(optarg, &v) < 0 || v > METRICS_MAX_INTERVAL_S) {
				fprintf(stderr,
					"cramctl metrics: --interval '%s': not a number of seconds 0..%d\n",
					optarg, METRICS_MAX_INTERVAL_S);
				return 2;
			}
			interval_s = (unsigned int)v;
			break;
		case 'h':
			metrics_usage(stdout);
			return 0;
		default:
			metrics_usage(stderr);
			return 2;
		}
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
	cram_device_foreach(ctx, dev) {
		if (device_row_read(dev, &rows[i].row) < 0)
			ret = 1;
		knobs_read(dev, &rows[i++]);
	}
	time_to_full_read(ctx, rows, n, interval_s);
	daemon_read(&daemon, rows, n);
	if (metrics_emit(textfile_dir, rows, n, &daemon))
		ret = 1;
	free(rows);
	cram_unref(ctx);
	return ret;
}
