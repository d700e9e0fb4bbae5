// SPDX-License-Identifier: GPL-2.0-or-later
/* cramctl top: the text of one refresh (see top-render.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "top-render.h"
#include "units.h"

#define LINE_MAX_COLS 1024
#define BAR_MIN 10		/* narrower than this, the bar is left out */
#define NS_PER_S 1000000000ULL

struct out {
	int width;
	top_emit_fn emit;
	void *arg;
	char *buf;		/* width + 1 */
};

static void __attribute__((format(printf, 3, 4)))
line(struct out *o, enum top_style style, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->buf, o->width + 1, fmt, ap);
	va_end(ap);
	o->emit(o->arg, style, o->buf);
}

/* "45s", "1m30s", "2h05m", "3d04h" */
static void duration(uint64_t ns, char *buf, size_t len)
{
	uint64_t s = ns / NS_PER_S;

	if (s < 60)
		snprintf(buf, len, "%llus", (unsigned long long)s);
	else if (s < 3600)
		snprintf(buf, len, "%llum%02llus", (unsigned long long)(s / 60),
			 (unsigned long long)(s % 60));
	else if (s < 86400)
		snprintf(buf, len, "%lluh%02llum", (unsigned long long)(s / 3600),
			 (unsigned long long)(s / 60 % 60));
	else
		snprintf(buf, len, "%llud%02lluh", (unsigned long long)(s / 86400),
			 (unsigned long long)(s / 3600 % 24));
}

static void title(struct out *o, const struct top_view *v, unsigned int delay_ms)
{
	char clock[16] = "";
	time_t now = time(NULL);
	struct tm tm;

	if (localtime_r(&now, &tm))
		strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	line(o, TOP_STYLE_TITLE, "cramctl top - %s - %zu device%s - every %u.%us - q quits", clock,
	     v->n, v->n == 1 ? "" : "s", delay_ms / 1000, delay_ms % 1000 / 100);
}

static void cramd_line(struct out *o, const struct top_view *v)
{
	switch (v->cramd) {
	case TOP_CRAMD_UP:
		if (v->paused)
			line(o, TOP_STYLE_ALERT, "cramd%s%s: manages %zu; PAUSED (dry-run): it decides "
			     "but writes no knob", *v->version ? " " : "", v->version, v->managed);
		else
			line(o, TOP_STYLE_PLAIN, "cramd%s%s: manages %zu%s", *v->version ? " " : "",
			     v->version, v->managed,
			     v->dump_failed ? "; no decisions (dump failed)" : "");
		break;
	case TOP_CRAMD_DOWN:
		line(o, TOP_STYLE_ALERT, "cramd is not running: values read from sysfs, "
		     "no device is being managed");
		break;
	case TOP_CRAMD_SILENT:
		line(o, TOP_STYLE_ALERT, "cramd is not answering (stopped?): values read from "
		     "sysfs only");
		break;
	case TOP_CRAMD_ERROR:
		line(o, TOP_STYLE_ALERT, "cannot ask cramd (%s): %s", client_socket_path(),
		     strerror(-v->cramd_err));
		break;
	}
}

static void head_line(struct out *o, const struct top_view *v, const struct top_device *d)
{
	char node[16] = "node ?", what[64] = "";
	const char *state = d->state == CRAM_DEVICE_ONLINE ? "online" :
			    d->state == CRAM_DEVICE_OFFLINE ? "offline" : "state ?";
	const char *mode = d->mode == CRAM_MODE_PLACEMENT ? "placement" :
			   d->mode == CRAM_MODE_COMPRESSED ? "compressed" : "mode ?";

	if (d->has_node)
		snprintf(node, sizeof(node), "node %d", d->node);
	if (v->cramd == TOP_CRAMD_UP && d->managed)
		snprintf(what, sizeof(what), "managed%s%s", d->degraded ? "  DEGRADED" : "",
			 v->paused ? "  PAUSED" : "");
	else if (v->cramd == TOP_CRAMD_UP)
		snprintf(what, sizeof(what), "not managed%s%s", *d->why ? ": " : "", d->why);
	line(o, d->degraded || (d->managed && v->paused) ? TOP_STYLE_ALERT : TOP_STYLE_DEVICE,
	     "%s  %s  %s  %s  %s  %s", d->devname, *d->region ? d->region : "-", node, state, mode,
	     what);
}

/* Cell @i of @n cells that stand for @cap bytes: the one @bytes falls in. */
static int cell(uint64_t bytes, uint64_t cap, int n)
{
	unsigned __int128 c = (unsigned __int128)bytes * n / cap;

	return c >= (unsigned)n ? n - 1 : (int)c;
}

/*
 * "  phys [#####....|.R]  53M/128M  41%  high 115M  reserve 125M": the
 * high threshold (sysfs) marked '|', the reserve level (from cramd, as
 * plot draws it) 'R'; the reserve wins a cell they share.
 */
static void bar_line(struct out *o, const struct top_device *d)
{
	const struct cram_snapshot *s = &d->snap;
	char used[16], cap[16], hb[16], high[32] = "", rb[16], reserve[32] = "", tail[128];
	char bar[LINE_MAX_COLS];
	int n, i, fill;

	if (!d->has_snap) {
		line(o, TOP_STYLE_ALERT, "  phys: telemetry unreadable (cram/stat)");
		return;
	}
	units_short(s->phys_used_bytes, used, sizeof(used));
	units_short(s->phys_capacity_bytes, cap, sizeof(cap));
	if (d->has_high && d->high_threshold) {
		units_short(d->high_threshold, hb, sizeof(hb));
		snprintf(high, sizeof(high), "  high %s", hb);
	}
	if (d->has_reserve) {
		units_short(d->reserve, rb, sizeof(rb));
		snprintf(reserve, sizeof(reserve), "  reserve %s", rb);
	}
	if (!s->phys_capacity_bytes) {
		line(o, TOP_STYLE_ALERT, "  phys %s of no capacity", used);
		return;
	}
	snprintf(tail, sizeof(tail), "  %s/%s  %llu%%%s%s%s", used, cap,
		 (unsigned long long)((unsigned __int128)s->phys_used_bytes * 100 /
				      s->phys_capacity_bytes), high, reserve,
		 s->phys_used_bytes > s->phys_capacity_bytes ? "  OVER FULL" : "");
	n = o->width - (int)strlen("  phys []") - (int)strlen(tail);
	if (n > LINE_MAX_COLS - 1)
		n = LINE_MAX_COLS - 1;
	if (n < BAR_MIN) {
		line(o, TOP_STYLE_PLAIN, "  phys%s", tail);
		return;
	}
	fill = s->phys_used_bytes >= s->phys_capacity_bytes ? n :
	       cell(s->phys_used_bytes, s->phys_capacity_bytes, n);
	for (i = 0; i < n; i++)
		bar[i] = i < fill ? '#' : '.';
	if (*high)
		bar[cell(d->high_threshold, s->phys_capacity_bytes, n)] = '|';
	if (*reserve)
		bar[cell(d->reserve, s->phys_capacity_bytes, n)] = 'R';
	bar[n] = '\0';
	line(o, TOP_STYLE_PLAIN, "  phys [%s]%s", bar, tail);
}

/* "  ratio in 3.00 resident 3.00  fill +1.2M/s  full in 1m30s" */
static void rate_line(struct out *o, const struct top_device *d)
{
	char in[16] = "-", res[16] = "-", fill[24] = "-", ttf[24] = "-", b[16];
	double q = d->has_snap ? cram_snapshot_ratio(&d->snap) : 0.0;

	if (d->has_in_ratio)
		snprintf(in, sizeof(in), "%.2f", d->in_ratio);
	if (q > 0.0)
		snprintf(res, sizeof(res), "%.2f", q);
	if (d->has_fill_rate) {
		double r = d->fill_rate < 0 ? -d->fill_rate : d->fill_rate;

		units_short((uint64_t)r, b, sizeof(b));
		snprintf(fill, sizeof(fill), "%s%s/s", d->fill_rate > 0 ? "+" :
			 d->fill_rate < 0 ? "-" : "", b);
	}
	if (d->has_ttf && d->ttf_ns == CRAM_TIME_NEVER)
		snprintf(ttf, sizeof(ttf), "never");
	else if (d->has_ttf && d->ttf_ns == 0)
		snprintf(ttf, sizeof(ttf), "FULL NOW");
	else if (d->has_ttf)
		duration(d->ttf_ns, ttf, sizeof(ttf));
	line(o, TOP_STYLE_PLAIN, "  ratio in %s resident %s  fill %s  full in %s", in, res, fill,
	     ttf);
}

/* "  gate open  rate limit 10M/s  target 512M of 1.0G" */
static void knob_line(struct out *o, const struct top_view *v, const struct top_device *d)
{
	char rate[24] = "-", target[16] = "-", total[16] = "-", drift[48] = "";
	const char *gate = !d->has_gate ? "-" : d->no_alloc ? CRAM_GATE_CLOSED : CRAM_GATE_OPEN;

	if (d->mode == CRAM_MODE_PLACEMENT) {
		line(o, TOP_STYLE_PLAIN, "  placement mode: no gate, rate limit or capacity target");
		return;
	}
	if (d->has_rate_limit && d->rate_limit == 0) {
		snprintf(rate, sizeof(rate), "unlimited");
	} else if (d->has_rate_limit) {
		units_short(d->rate_limit, rate, sizeof(rate) - 2);
		strcat(rate, "/s");
	}
	if (d->has_target)
		units_short(d->target_bytes, target, sizeof(target));
	if (d->has_total)
		units_short(d->total_bytes, total, sizeof(total));
	if (v->cramd == TOP_CRAMD_UP && *d->cramd_gate && d->has_gate && strcmp(d->cramd_gate, gate))
		snprintf(drift, sizeof(drift), " (cramd wrote %s)", d->cramd_gate);
	line(o, TOP_STYLE_PLAIN, "  gate %s%s  rate limit %s  target %s of %s", gate, drift, rate,
	     target, total);
}

static void decision_line(struct out *o, const struct top_view *v, const struct top_device *d)
{
	const char *t = strchr(d->last_time, 'T'), *why = d->last_reason;
	size_t n = strlen(d->devname);

	if (v->cramd != TOP_CRAMD_UP || !d->managed || v->dump_failed)
		return;
	if (!*d->last_action) {
		line(o, TOP_STYLE_PLAIN, "  last decision: none yet");
		return;
	}
	/* the reason names the device, which the lines above name already */
	if (strncmp(why, d->devname, n) == 0 && strncmp(why + n, ": ", 2) == 0)
		why += n + 2;
	line(o, TOP_STYLE_PLAIN, "  last %s %s: %s", t ? t + 1 : d->last_time, d->last_action, why);
}

int top_render(const struct top_view *v, int width, unsigned int delay_ms,
	       top_emit_fn emit, void *arg)
{
	struct out o = { .width = width, .emit = emit, .arg = arg };
	size_t i;

	if (o.width < 1)
		return 0;
	if (o.width > LINE_MAX_COLS - 1)
		o.width = LINE_MAX_COLS - 1;
	o.buf = malloc(o.width + 1);
	if (!o.buf)
		return -ENOMEM;
	title(&o, v, delay_ms);
	cramd_line(&o, v);
	if (!v->n)
		line(&o, TOP_STYLE_PLAIN, "no cram device");
	for (i = 0; i < v->n; i++) {
		line(&o, TOP_STYLE_PLAIN, "%s", "");
		head_line(&o, v, &v->dev[i]);
		bar_line(&o, &v->dev[i]);
		rate_line(&o, &v->dev[i]);
		knob_line(&o, v, &v->dev[i]);
		decision_line(&o, v, &v->dev[i]);
	}
	free(o.buf);
	return 0;
}
