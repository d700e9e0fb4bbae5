// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cramctl plot DEVICE --svg FILE: cramd's history of one device drawn as
 * an SVG chart, written here by hand: physical use, physical capacity, the
 * reserve level and logical bytes over time, with the spans of a closed
 * gate shaded, gate changes as vertical lines and eviction requests as
 * markers. The drawing is built in memory, then written whole or not at
 * all (atomic-file.h).
 * FILE "-" is standard output.
 *
 * The plot area carries its scale for tools: data-t0-ms, data-t1-ms
 * (the x range) and data-ymax-bytes (the top of the y axis; 0 at the
 * bottom).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../shared/control-protocol.h"
#include "atomic-file.h"
#include "history.h"
#include "plot-svg.h"
#include "units.h"

#define PLOT_USAGE "plot DEVICE --svg FILE"

/* The canvas and the plot area in it, in SVG user units (px). */
#define WIDTH 960
#define HEIGHT 480
#define LEFT 80
#define RIGHT 24
#define TOP 56
#define BOTTOM 110
#define PLOT_W (WIDTH - LEFT - RIGHT)
#define PLOT_H (HEIGHT - TOP - BOTTOM)

struct series {
	const char *key, *label, *colour, *dash;
};

static const struct series series[] = {
	{ CRAM_KEY_PHYS_CAPACITY, "physical capacity", "#000000", "6,3" },
	{ CRAM_KEY_RESERVE, "reserve level", "#e08000", "3,3" },
	{ CRAM_KEY_LOGICAL, "logical bytes (resident)", "#2a9d3a", NULL },
	{ CRAM_KEY_PHYS_USED, "physical use", "#1f5fbf", NULL },
};

#define N_SERIES (sizeof(series) / sizeof(series[0]))

struct scale {
	uint64_t t0, t1;	/* ms */
	uint64_t ymax;		/* bytes */
};

static double x_of(const struct scale *s, uint64_t t)
{
	return LEFT + (double)(t - s->t0) * PLOT_W / (double)(s->t1 - s->t0);
}

static double y_of(const struct scale *s, uint64_t v)
{
	return TOP + PLOT_H - (double)v * PLOT_H / (double)s->ymax;
}

/* Text for XML: &, <, >, " escaped. */
static void put_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '"')
			fputs("&quot;", f);
		else
			fputc(*s, f);
	}
}

/* @ms (CLOCK_REALTIME) as UTC "hh:mm:ss", with the date before it when @date. */
static void hms(uint64_t ms, bool date, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	if (date)
		strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	else
		strftime(buf, len, "%H:%M:%S", &tm);
}

/* A step of 1, 2 or 5 times a power of ten (times @base^k) giving at most @max ticks. */
static uint64_t nice_step(uint64_t range, uint64_t unit, unsigned int max)
{
	static const unsigned int m[] = { 1, 2, 5 };
	uint64_t p = 1;
	unsigned int i;

	for (;;) {
		for (i = 0; i < 3; i++) {
			uint64_t step = unit * p * m[i] / 10;

			if (step && range / step < max)
				return step;
		}
		if (p > UINT64_MAX / 10 / unit)
			return range ? range : 1;
		p *= 10;
	}
}

static int scale_of(struct json_object *points, struct scale *s)
{
	size_t k, j, n = json_object_array_length(points);
	uint64_t top = 0, unit = 1, step;
	bool any = false;

	for (k = 0; k < n; k++) {
		struct json_object *p = json_object_array_get_idx(points, k);
		uint64_t t, v;

		if (!history_u64(p, CRAM_KEY_TIME_MS, &t))
			continue;
		if (!any || t < s->t0)
			s->t0 = t;
		if (!any || t > s->t1)
			s->t1 = t;
		any = true;
		for (j = 0; j < N_SERIES; j++)
			if (history_u64(p, series[j].key, &v) && v > top)
				top = v;
	}
	if (!any)
		return -ENODATA;
	if (s->t1 == s->t0)
		s->t1 = s->t0 + 1000;
	if (top == 0)
		top = 1;
	while (unit <= top / 1024)
		unit *= 1024;
	step = nice_step(top, unit, 6);
	s->ymax = (top + step - 1) / step * step;
	return 0;
}

static void axes(FILE *f, const struct scale *s)
{
	static const uint64_t steps_ms[] = {
		1000, 2000, 5000, 10000, 15000, 30000, 60000, 120000, 300000, 600000,
		900000, 1800000, 3600000, 7200000, 21600000, 86400000,
	};
	uint64_t unit = 1, ystep, v, t, tstep = steps_ms[0];
	char label[32];
	size_t i;

	while (unit <= s->ymax / 1024)
		unit *= 1024;
	ystep = nice_step(s->ymax, unit, 7);
	fprintf(f, "<g class=\"grid\" stroke=\"#dddddd\" stroke-width=\"1\">\n");
	for (v = 0; v <= s->ymax; v += ystep)
		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n", LEFT,
			y_of(s, v), LEFT + PLOT_W, y_of(s, v));
	for (i = 0; i < sizeof(steps_ms) / sizeof(steps_ms[0]); i++) {
		tstep = steps_ms[i];
		if ((s->t1 - s->t0) / tstep < 8)
			break;
	}
	while ((s->t1 - s->t0) / tstep >= 8)	/* days: the clock was set far off */
		tstep *= 2;
	for (t = (s->t0 + tstep - 1) / tstep * tstep; t <= s->t1; t += tstep)
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n", x_of(s, t),
			TOP, x_of(s, t), TOP + PLOT_H);
	fprintf(f, "</g>\n<g class=\"axes\" font-size=\"12\" fill=\"#333333\">\n");
	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
		"stroke=\"#333333\"/>\n", LEFT, TOP, PLOT_W, PLOT_H);
	for (v = 0; v <= s->ymax; v += ystep) {
		units_short(v, label, sizeof(label));
		fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", LEFT - 6,
			y_of(s, v) + 4, label);
	}
	for (t = (s->t0 + tstep - 1) / tstep * tstep; t <= s->t1; t += tstep) {
		hms(t, false, label, sizeof(label));
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
			x_of(s, t), TOP + PLOT_H + 16, label);
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">time (UTC, hh:mm:ss)</text>\n",
		LEFT + PLOT_W / 2, TOP + PLOT_H + 34);
	fprintf(f, "<text transform=\"translate(18,%d) rotate(-90)\" text-anchor=\"middle\">"
		"memory (bytes; K, M, G = KiB, MiB, GiB)</text>\n</g>\n", TOP + PLOT_H / 2);
}

static bool gate_closed(struct json_object *p)
{
	struct json_object *g;

	return json_object_object_get_ex(p, CRAM_KEY_GATE, &g) &&
	       strcmp(json_object_get_string(g), CRAM_GATE_CLOSED) == 0;
}

/* Spans where the gate was closed: from a closed point to the next open one (or the end). */
static void closed_spans(FILE *f, const struct scale *s, struct json_object *points)
{
	size_t k, n = json_object_array_length(points);
	uint64_t t, from = 0;
	bool in = false;

	fprintf(f, "<g class=\"gate-closed\" fill=\"#d62728\" fill-opacity=\"0.12\">\n");
	for (k = 0; k < n; k++) {
		struct json_object *p = json_object_array_get_idx(points, k);
		bool closed = gate_closed(p);

		if (!history_u64(p, CRAM_KEY_TIME_MS, &t) || closed == in)
			continue;
		if (closed)
			from = t;
		else
			fprintf(f, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\"/>\n",
				x_of(s, from), TOP, x_of(s, t) - x_of(s, from), PLOT_H);
		in = closed;
	}
	if (in)
		fprintf(f, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\"/>\n",
			x_of(s, from), TOP, x_of(s, s->t1) - x_of(s, from), PLOT_H);
	fprintf(f, "</g>\n");
}

static void lines(FILE *f, const struct scale *s, struct json_object *points)
{
	size_t k, j, m, n = json_object_array_length(points);

	for (j = 0; j < N_SERIES; j++) {
		fprintf(f, "<polyline class=\"series\" data-key=\"%s\" fill=\"none\" stroke=\"%s\" "
			"stroke-width=\"2\"%s%s%s points=\"", series[j].key, series[j].colour,
			series[j].dash ? " stroke-dasharray=\"" : "",
			series[j].dash ? series[j].dash : "", series[j].dash ? "\"" : "");
		for (k = 0, m = 0; k < n; k++) {
			struct json_object *p = json_object_array_get_idx(points, k);
			uint64_t t, v;

			if (history_u64(p, CRAM_KEY_TIME_MS, &t) &&
			    history_u64(p, series[j].key, &v))
				fprintf(f, "%s%.2f,%.2f", m++ ? " " : "", x_of(s, t), y_of(s, v));
		}
		fprintf(f, "\"/>\n");
	}
}

static void events(FILE *f, const struct scale *s, struct json_object *points)
{
	size_t k, n = json_object_array_length(points);
	char when[32], sz[16];

	fprintf(f, "<g class=\"events\" font-size=\"11\">\n");
	for (k = 0; k < n; k++) {
		struct json_object *p = json_object_array_get_idx(points, k);
		uint64_t t, v, used;
		bool closed = gate_closed(p);

		if (!history_u64(p, CRAM_KEY_TIME_MS, &t))
			continue;
		hms(t, false, when, sizeof(when));
		if (history_flag(p, CRAM_KEY_GATE_CHANGED))
			fprintf(f, "<line class=\"gate-change\" x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" "
				"y2=\"%d\" stroke=\"%s\" stroke-width=\"1.5\"><title>%s gate %s"
				"</title></line>\n", x_of(s, t), TOP, x_of(s, t), TOP + PLOT_H,
				closed ? "#d62728" : "#2a9d3a", when,
				closed ? "closed" : "opened");
		if (history_u64(p, CRAM_KEY_EVICT, &v)) {
			double x = x_of(s, t), y = history_u64(p, CRAM_KEY_PHYS_USED, &used) ?
				y_of(s, used) : TOP + 8;

			units_short(v, sz, sizeof(sz));
			fprintf(f, "<path class=\"evict\" d=\"M%.2f,%.2f l-6,-10 h12 z\" "
				"fill=\"#8e44ad\"><title>%s eviction of %s requested</title></path>\n",
				x, y - 2, when, sz);
		}
	}
	fprintf(f, "</g>\n");
}

static void legend(FILE *f)
{
	static const struct {
		const char *label, *colour;
		int kind;	/* 0 line, 1 shade, 2 marker */
	} extra[] = {
		{ "gate closed (shaded), gate change (line)", "#d62728", 1 },
		{ "eviction requested", "#8e44ad", 2 },
	};
	int x = LEFT, y = HEIGHT - 40;
	size_t j;

	fprintf(f, "<g class=\"legend\" font-size=\"12\" fill=\"#333333\">\n");
	for (j = 0; j < N_SERIES + 2; j++, x += 290) {
		if (j == 3) {
			x = LEFT;
			y += 20;
		}
		if (j < N_SERIES) {
			fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
				"stroke-width=\"2\"%s%s%s/>", x, y - 4, x + 24, y - 4,
				series[j].colour, series[j].dash ? " stroke-dasharray=\"" : "",
				series[j].dash ? series[j].dash : "", series[j].dash ? "\"" : "");
			fprintf(f, "<text x=\"%d\" y=\"%d\">%s</text>\n", x + 30, y, series[j].label);
			continue;
		}
		if (extra[j - N_SERIES].kind == 1)
			fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"24\" height=\"10\" fill=\"%s\" "
				"fill-opacity=\"0.25\" stroke=\"%s\"/>", x, y - 9,
				extra[j - N_SERIES].colour, extra[j - N_SERIES].colour);
		else
			fprintf(f, "<path d=\"M%d,%d l-6,-10 h12 z\" fill=\"%s\"/>", x + 12, y,
				extra[j - N_SERIES].colour);
		fprintf(f, "<text x=\"%d\" y=\"%d\">%s</text>\n", x + 30, y,
			extra[j - N_SERIES].label);
	}
	fprintf(f, "</g>\n");
}

static void draw(FILE *f, const char *device, const struct scale *s, struct json_object *points)
{
	char from[40], to[40];

	hms(s->t0, true, from, sizeof(from));
	hms(s->t1, true, to, sizeof(to));
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n", WIDTH, HEIGHT, WIDTH, HEIGHT);
	fprintf(f, "<title>cram device ");
	put_text(f, device);
	fprintf(f, ", %s to %s UTC</title>\n", from, to);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n");
	fprintf(f, "<text class=\"title\" x=\"%d\" y=\"28\" text-anchor=\"middle\" "
		"font-size=\"16\" font-weight=\"bold\">cram device ", WIDTH / 2);
	put_text(f, device);
	fprintf(f, ": %s to %s UTC</text>\n", from, to);
	fprintf(f, "<g id=\"plot\" data-t0-ms=\"%" PRIu64 "\" data-t1-ms=\"%" PRIu64 "\" "
		"data-ymax-bytes=\"%" PRIu64 "\" data-left=\"%d\" data-top=\"%d\" data-width=\"%d\" "
		"data-height=\"%d\">\n", s->t0, s->t1, s->ymax, LEFT, TOP, PLOT_W, PLOT_H);
	closed_spans(f, s, points);
	axes(f, s);
	lines(f, s, points);
	events(f, s, points);
	fprintf(f, "</g>\n");
	legend(f);
	fprintf(f, "</svg>\n");
}

/*
 * Writes @len bytes of @buf to @path whole or not at all, with the mode a
 * new file gets (0666 less the umask); see atomic_file_replace(), which
 * also refuses a @path that is a directory or any other non-regular file.
 * @path names a file, not a directory (no trailing '/').
 */
static int write_whole(const char *path, const char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	struct atomic_file_failure why;
	char *dir = NULL;
	mode_t mask;
	int rc;

	if (slash) {
		dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
		if (!dir)
			return -ENOMEM;
	}
	mask = umask(0);
	umask(mask);
	rc = atomic_file_replace(dir ? dir : ".", slash ? slash + 1 : path, 0666 & ~mask, buf,
				 len, &why);
	free(dir);
	/* a directory or another non-regular file in the way: -EEXIST below */
	return rc < 0 && why.step == ATOMIC_FILE_TARGET ? -EEXIST : rc;
}

int cmd_plot(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "svg", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct json_object *reply, *points;
	const char *file = NULL, *device;
	struct scale s = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			file = optarg;
			break;
		case 'h':
			printf("usage: cramctl %s\n", PLOT_USAGE);
			return 0;
		default:
			fprintf(stderr, "usage: cramctl %s\n", PLOT_USAGE);
			return 2;
		}
	}
	if (argc - optind != 1 || !file) {
		fprintf(stderr, "usage: cramctl %s\n", PLOT_USAGE);
		return 2;
	}
	if (!file[0] || file[strlen(file) - 1] == '/') {
		fprintf(stderr, "cramctl: plot: '%s' is not a file name\n", file);
		return 2;
	}
	device = argv[optind];
	rc = history_fetch(device, &reply, &points);
	if (rc)
		return rc;
	if (scale_of(points, &s) < 0) {
		fprintf(stderr, "cramctl: plot: %s: no history yet\n", device);
		json_object_put(reply);
		return 1;
	}
	mem = open_memstream(&buf, &len);
	if (!mem) {
		fprintf(stderr, "cramctl: plot: %s\n", strerror(errno));
		json_object_put(reply);
		return 1;
	}
	draw(mem, device, &s, points);
	json_object_put(reply);
	rc = ferror(mem) ? -ENOMEM : 0;
	if (fclose(mem) != 0 && !rc)
		rc = -ENOMEM;
	if (rc == 0 && strcmp(file, "-") == 0)
		rc = fwrite(buf, 1, len, stdout) == len ? 0 : -EIO;
	else if (rc == 0)
		rc = write_whole(file, buf, len);
	free(buf);
	if (rc == -EEXIST)
		fprintf(stderr, "cramctl: plot: %s: exists and is not a regular file\n", file);
	else if (rc < 0)
		fprintf(stderr, "cramctl: plot: %s: %s\n", file, strerror(-rc));
	return rc < 0 ? 1 : 0;
}
