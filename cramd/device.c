// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One managed cram device: a pass from libcram's snapshot through the
 * policy to the device's knobs, with drift checks; see device.h. Bringing
 * it up in its configured mode is device-setup.c's concern.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/clock.h"

#include "device-private.h"
#include "log.h"

/* The knobs a pass keeps at their intended values, as bits of knob_err. */
enum knob { KNOB_GATE, KNOB_RATE, KNOB_CAPACITY, KNOB_EVICT, KNOB_THRESHOLDS };

static const char *const knob_names[] = {
	[KNOB_GATE] = "no_alloc",
	[KNOB_RATE] = "demote_rate_limit_bytes",
	[KNOB_CAPACITY] = "capacity_pages",
	[KNOB_EVICT] = "evict_bytes",
	[KNOB_THRESHOLDS] = "high_threshold_bytes",
};

static void record_init(const struct cramd_device *d, struct cramd_record *r,
			enum cramd_record_kind kind, const char *action)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->device, sizeof(r->device), "%s", d->devname);
	r->node = d->node;
	r->kind = kind;
	r->action = action;
}

void cramd_device_event_at(const char *file, int line, const char *func,
			   const struct cramd_device *d, int priority, const char *action,
			   const char *format, ...)
{
	struct cramd_record r;
	va_list ap;

	record_init(d, &r, CRAMD_REC_EVENT, action);
	va_start(ap, format);
	vsnprintf(r.text, sizeof(r.text), format, ap);
	va_end(ap);
	cramd_record_emit_at(file, line, func, d->history, priority, &r);
}

/* A knob write failed (logged once until one succeeds again) or succeeded. */
static int knob_written(struct cramd_device *d, enum knob k, uint64_t val, int rc)
{
	struct cramd_record r;

	if (rc >= 0) {
		d->knob_err &= ~(1u << k);
		return rc;
	}
	if (!(d->knob_err & (1u << k))) {
		record_init(d, &r, CRAMD_REC_KNOB_ERROR, knob_names[k]);
		r.knob = knob_names[k];
		r.intended = val;
		r.error = rc;
		cramd_record_emit(d->history, LOG_ERR, &r);
	}
	d->knob_err |= 1u << k;
	return rc;
}

static void drift(struct cramd_device *d, enum knob k, uint64_t found, uint64_t intended)
{
	struct cramd_record r;

	record_init(d, &r, CRAMD_REC_DRIFT, "drift");
	r.knob = knob_names[k];
	r.value = found;
	r.intended = intended;
	cramd_record_emit(d->history, LOG_WARNING, &r);
}

/* ---- thresholds ------------------------------------------------------------------ */

static void set_thresholds(struct cramd_device *d, uint64_t capacity)
{
	uint64_t high = cramd_watermark_bytes(capacity, d->params.high_watermark_percent);
	uint64_t low = cramd_watermark_bytes(capacity, d->params.low_watermark_percent);
	uint64_t h = 0, l = 0;
	int rc;

	if (d->thresholds_set && d->thresholds_capacity == capacity) {
		if (cram_device_get_high_threshold(d->cdev, &h) < 0 ||
		    cram_device_get_low_threshold(d->cdev, &l) < 0 ||
		    (h == high && l == low))
			return;
		drift(d, KNOB_THRESHOLDS, h != high ? h : l, h != high ? high : low);
	}
	rc = knob_written(d, KNOB_THRESHOLDS, high,
			  cram_device_set_thresholds(d->cdev, high, low));
	d->thresholds_set = rc >= 0;
	if (rc < 0)
		return;
	if (d->thresholds_capacity != capacity)
		cramd_device_event(d, LOG_INFO, "thresholds",
				   "%s: thresholds high %" PRIu64 " low %" PRIu64
				   " bytes (%u%%/%u%% of %" PRIu64 " bytes physical)",
				   d->devname, high, low, d->params.high_watermark_percent,
				   d->params.low_watermark_percent, capacity);
	d->thresholds_capacity = capacity;
}

/*
 * The thresholds the policy armed (its wakeup schedule): written when they
 * moved by more than 1/512 of the capacity from what the device holds, so
 * that a device near its arm point is not written every pass.
 */
static void arm_thresholds(struct cramd_device *d, uint64_t capacity,
			   const struct cramd_actions *a)
{
	uint64_t quantum = capacity / 512, high = a->arm_high, low = a->arm_low, h = 0, l = 0;
	int rc;

	if (low >= high)
		low = 0;
	if (d->armed_high && cram_device_get_high_threshold(d->cdev, &h) == 0 &&
	    cram_device_get_low_threshold(d->cdev, &l) == 0 && h == d->armed_high &&
	    l == d->armed_low && (h > high ? h - high : high - h) <= quantum &&
	    (l > low ? l - low : low - l) <= quantum && (low == 0) == (l == 0))
		return;
	rc = knob_written(d, KNOB_THRESHOLDS, high,
			  cram_device_set_thresholds(d->cdev, high, low));
	d->armed_high = rc >= 0 ? high : 0;
	d->armed_low = low;
	d->thresholds_set = false;	/* the watermarks are no longer there */
}

/* ---- the kernel's critical event -------------------------------------------------- */

void cramd_device_critical(struct cramd_device *d)
{
	struct cramd_record r;

	if (d->critical || d->mode == CRAMD_MODE_PLACEMENT)
		return;
	d->critical = true;
	record_init(d, &r, CRAMD_REC_CRITICAL, "kernel-critical");
	cramd_record_emit(d->history, LOG_CRIT, &r);
}

/*
 * The kernel says nothing when its critical condition passes (it raises
 * the event again while it stands): it has passed once phys used is back
 * at the low watermark, where the thresholds cramd programs re-arm.
 */
static void check_critical_passed(struct cramd_device *d, const struct cram_snapshot *s)
{
	if (!d->critical || !s || !s->phys_capacity_bytes ||
	    s->phys_used_bytes > cramd_watermark_bytes(s->phys_capacity_bytes,
							 d->params.low_watermark_percent))
		return;
	d->critical = false;
	cramd_device_event(d, LOG_NOTICE, "kernel-critical-passed",
			   "%s: phys used %" PRIu64 " bytes is back at the low watermark: "
			   "the policy drives the gate again", d->devname, s->phys_used_bytes);
}

/* ---- one pass ---------------------------------------------------------------------- */

/*
 * Entering, changing and leaving the degraded state, once each; the
 * counts of the stale and recovering causes move every pass and do not
 * make a new record.
 */
static void track_degraded(struct cramd_device *d, const struct cramd_actions *a)
{
	int err = a->cause == CRAMD_CAUSE_UNREADABLE ? (int)a->num[0] : 0;
	struct cramd_record r;

	if (!a->degraded && !d->degraded_said)
		return;
	if (a->degraded && d->degraded_said && d->degraded_cause == a->cause &&
	    d->degraded_errno == err)
		return;
	record_init(d, &r, a->degraded ? CRAMD_REC_DEGRADED : CRAMD_REC_RECOVERED,
		    a->degraded ? "degraded" : "recovered");
	r.cause = a->cause;
	memcpy(r.num, a->num, sizeof(r.num));
	if (a->degraded && a->cause == CRAMD_CAUSE_UNREADABLE)
		snprintf(r.text, sizeof(r.text), "%s/%s", cram_device_get_path(d->cdev),
			 cramd_attr_name((enum cramd_attr)a->num[1]));
	cramd_record_emit(d->history, a->degraded ? LOG_WARNING : LOG_NOTICE, &r);
	d->degraded_said = a->degraded;
	d->degraded_cause = a->cause;
	d->degraded_errno = err;
}

/* Physical use above capacity: the device already lost backing. */
static void check_overfull(struct cramd_device *d, const struct cram_snapshot *s)
{
	bool over = s && s->phys_used_bytes > s->phys_capacity_bytes;
	struct cramd_record r;

	if (over && !d->overfull) {
		record_init(d, &r, CRAMD_REC_OVERFULL, "overfull");
		r.value = s->phys_used_bytes;
		r.intended = s->phys_capacity_bytes;
		cramd_record_emit(d->history, LOG_CRIT, &r);
	}
	if (s)
		d->overfull = over;
}

/*
 * The gate as decided, on the device: written when the decision changed,
 * and whenever the kernel's value differs from it (drift) or cannot be
 * read. A gate found closed that cramd has open is drift only when the
 * next pass finds it closed too: the kernel closes it itself on a
 * critical device event and says so in a uevent, which may arrive after
 * the pass that reads the gate. Closed is the safe side to wait on.
 */
static void apply_gate(struct cramd_device *d, const struct cramd_actions *a)
{
	struct cramd_record r;
	bool now = false;
	/* a new decision is written at once: what the device holds changes nothing */
	int rc = a->gate_changed ? -EAGAIN : cram_device_get_no_alloc(d->cdev, &now);
	bool found_closed = !a->gate_changed && rc == 0 && now && !a->gate_closed;

	if (found_closed && !d->found_closed) {
		d->found_closed = true;
		return;
	}
	d->found_closed = false;
	if (!a->gate_changed && rc == 0 && now == a->gate_closed)
		return;
	if (!a->gate_changed && rc == 0)
		drift(d, KNOB_GATE, now, a->gate_closed);
	rc = cram_device_set_no_alloc(d->cdev, a->gate_closed);
	if (knob_written(d, KNOB_GATE, a->gate_closed, rc) < 0 || !a->gate_changed)
		return;
	record_init(d, &r, CRAMD_REC_GATE, a->gate_closed ? "gate-close" : "gate-open");
	r.actions = *a;
	r.cause = a->cause;
	memcpy(r.num, a->num, sizeof(r.num));
	cramd_record_emit(d->history, LOG_INFO, &r);
}

/*
 * A knob the policy set: written when the policy wants a new value, and
 * rewritten when the kernel holds another one (drift). A failed write
 * makes the policy emit every knob again on the next pass.
 */
static int keep_knob(struct cramd_device *d, enum knob k, bool set, uint64_t want,
		     int (*get)(struct cram_device *, uint64_t *),
		     int (*put)(struct cram_device *, uint64_t))
{
	uint64_t now;
	int rc;

	if (!set) {
		if (get(d->cdev, &now) < 0 || now == want)
			return 0;
		drift(d, k, now, want);
	}
	rc = knob_written(d, k, want, put(d->cdev, want));
	if (rc < 0)
		cramd_policy_forget_knobs(&d->pol);
	return rc;
}

static void apply_knobs(struct cramd_device *d, const struct cramd_actions *a)
{
	const struct cramd_policy_state *st = &d->pol;
	int rc = 0;

	if (a->set_rate || (st->rate_limit && st->rate_limit != UINT64_MAX))
		rc = keep_knob(d, KNOB_RATE, a->set_rate, a->set_rate ? a->rate_limit :
			       st->rate_limit, cram_device_get_demote_rate_limit,
			       cram_device_set_demote_rate_limit);
	if (rc >= 0 && (a->set_capacity || st->capacity_pages))
		rc = keep_knob(d, KNOB_CAPACITY, a->set_capacity, a->set_capacity ?
			       a->capacity_pages : st->capacity_pages,
			       cram_device_get_capacity_pages, cram_device_set_capacity_pages);
	if (rc >= 0 && a->evict)
		knob_written(d, KNOB_EVICT, a->evict_bytes,
			     cram_device_request_evict(d->cdev, a->evict_bytes));
}

/*
 * Every decision is recorded: gate changes and eviction at info, the
 * routine moves of the rate limit and capacity target at debug.
 */
static void record_decision(struct cramd_device *d, const struct cramd_actions *a,
			    bool dry_run)
{
	int priority = a->gate_changed || a->evict ? LOG_INFO : LOG_DEBUG;
	struct cramd_record r;

	if (priority > cramd_log_level() && priority > LOG_INFO)
		return;
	record_init(d, &r, dry_run ? CRAMD_REC_DRY_RUN : CRAMD_REC_DECISION,
		    dry_run ? "dry-run" : "policy");
	r.actions = *a;
	r.cause = a->cause;
	memcpy(r.num, a->num, sizeof(r.num));
	cramd_record_emit(d->history, priority, &r);
}

/*
 * Still the device cramd manages: its ABI and state readable. One that
 * turned unreadable is degraded (gate closed while it can be written),
 * not abandoned.
 */
static int check_identity(struct cramd_device *d, enum cramd_attr *attr)
{
	uint64_t abi;
	int rc = cram_device_get_abi_version(d->cdev, &abi);

	*attr = CRAMD_ATTR_ABI_VERSION;
	if (rc < 0)
		return rc;
	if (abi != 1)
		return -EPROTONOSUPPORT;
	*attr = CRAMD_ATTR_STATE;
	rc = cram_device_get_state(d->cdev);
	if (rc < 0)
		return rc;
	*attr = CRAMD_ATTR_STAT;
	return 0;
}

/* The level the policy acts at, in permille of the physical capacity. */
static unsigned int reserve_permille(const struct cramd_policy_params *p)
{
	if (p->kind == CRAMD_POLICY_STATIC)
		return p->high_watermark_percent * 10;
	return 1000 - p->adaptive.reserve_permille;
}

/* What the pass sampled and decided, into the device's history. */
static void keep_sample(struct cramd_device *d, const struct cramd_telemetry *t,
			const struct cramd_actions *a, bool dry_run, uint64_t now_ns)
{
	const struct cramd_policy_state *st = &d->pol;
	struct cramd_th_sample s = {
		.mono_ms = now_ns / 1000000,
		.reserve_permille = reserve_permille(&d->params),
		.rate_limit = st->rate_limit == UINT64_MAX ? 0 : st->rate_limit,
		.capacity_target = st->capacity_pages * t->page_size,
	};
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	s.realtime_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	if (t->snap) {
		s.phys_used = t->snap->phys_used_bytes;
		s.phys_capacity = t->snap->phys_capacity_bytes;
		s.logical = t->snap->logical_bytes;
	} else {
		s.flags |= CRAMD_TH_NO_DATA;
	}
	if (a->gate_closed)
		s.flags |= CRAMD_TH_GATE_CLOSED;
	if (a->gate_changed)
		s.flags |= CRAMD_TH_GATE_CHANGED;
	if (a->degraded)
		s.flags |= CRAMD_TH_DEGRADED;
	if (dry_run)
		s.flags |= CRAMD_TH_DRY_RUN;
	if (a->evict) {
		s.flags |= CRAMD_TH_EVICT;
		s.evict_bytes = a->evict_bytes;
	}
	cramd_th_add(&d->th, &s);
}

void cramd_device_pass(struct cramd_device *d, bool dry_run)
{
	struct cram_snapshot snap = { .size = sizeof(snap) };
	struct cramd_telemetry t = {
		.total_pages = d->total_pages, .page_size = (uint64_t)getpagesize(),
	};
	struct cramd_actions a;
	uint64_t now;

	/* placement memory is not compressed: no policy, no knob to drive, no wakeup */
	if (d->mode == CRAMD_MODE_PLACEMENT) {
		d->due_ns = UINT64_MAX;
		return;
	}
	t.error = check_identity(d, &t.attr);
	if (t.error == 0)
		t.error = cram_device_snapshot(d->cdev, &snap);
	if (t.error == 0)
		t.snap = &snap;
	check_critical_passed(d, t.snap);
	t.kernel_critical = d->critical;
	/* the clock after the snapshot: its timestamp is not in the future */
	now = util_now_ns();
	cramd_policy_step(&d->params, &d->pol, &t, now, &a);
	d->due_ns = now + a.sleep_ns;
	track_degraded(d, &a);
	check_overfull(d, t.snap);
	record_decision(d, &a, dry_run);
	keep_sample(d, &t, &a, dry_run, now);
	if (dry_run)
		return;
	apply_gate(d, &a);
	/* a gate found closed is rewritten if the next pass finds it so: soon */
	if (d->found_closed && d->due_ns > now + d->params.poll_interval_ms * 1000000ULL)
		d->due_ns = now + d->params.poll_interval_ms * 1000000ULL;
	apply_knobs(d, &a);
	if (t.snap && snap.phys_capacity_bytes && a.arm_high)
		arm_thresholds(d, snap.phys_capacity_bytes, &a);
	else if (t.snap && snap.phys_capacity_bytes)
		set_thresholds(d, snap.phys_capacity_bytes);
}

uint64_t cramd_device_due_ns(const struct cramd_device *d)
{
	return d->due_ns;
}

uint64_t cramd_device_sleep_ns(const struct cramd_device *d)
{
	return d->pol.sleep_ns;
}

int cramd_device_new(struct cramd_device **out, const struct cramd_candidate *c,
		     struct cram_ctx *ctx, struct cram_device *cdev, const struct cramd_policy_params *params,
		     const struct cramd_device_setup *setup, struct cramd_history *history)
{
	struct cramd_device *d = calloc(1, sizeof(*d));
	bool closed = false;
	int rc;

	*out = NULL;
	if (!d)
		return -ENOMEM;
	snprintf(d->devname, sizeof(d->devname), "%s", c->devname);
	snprintf(d->region, sizeof(d->region), "%s", c->region);
	snprintf(d->memdevs, sizeof(d->memdevs), "%s", c->memdevs);
	d->node = c->node;
	d->has_serial = c->has_serial;
	d->serial = c->serial;
	d->ctx = cram_ref(ctx);
	d->cdev = cdev;
	d->params = *params;
	d->setup = *setup;
	d->history = history;
	cramd_th_init(&d->th);
	rc = cramd_device_bring_up(d);
	if (rc < 0) {
		cramd_device_free(d);
		return rc;
	}
	cram_device_get_no_alloc(cdev, &closed);
	if (!d->onlining && cram_device_get_total_pages(cdev, &d->total_pages) < 0)
		d->total_pages = 0;
	cramd_policy_init(&d->pol, closed, util_now_ns());
	*out = d;
	return rc;
}

void cramd_device_free(struct cramd_device *d)
{
	if (!d)
		return;
	cram_unref(d->ctx);
	free(d);
}

const char *cramd_device_name(const struct cramd_device *d)
{
	return d->devname;
}

void cramd_device_ids(const struct cramd_device *d, struct cramd_device_ids *ids)
{
	ids->devname = d->devname;
	ids->region = d->region[0] ? d->region : NULL;
	ids->memdevs = d->memdevs[0] ? d->memdevs : NULL;
	ids->has_serial = d->has_serial;
	ids->serial = d->serial;
}

void cramd_device_bind(struct cramd_device *d, struct cram_ctx *ctx, struct cram_device *cdev)
{
	if (!cdev)
		return;		/* keep the old object: its gate can still be written */
	cram_ref(ctx);
	cram_unref(d->ctx);
	d->ctx = ctx;
	d->cdev = cdev;
}

bool cramd_device_present(const struct cramd_device *d)
{
	struct stat st;

	return stat(cram_device_get_path(d->cdev), &st) == 0;
}

void cramd_device_set_params(struct cramd_device *d, const struct cramd_policy_params *p)
{
	d->params = *p;
	d->thresholds_set = false;	/* the watermarks may have moved */
	d->thresholds_capacity = 0;
	d->armed_high = 0;
}

void cramd_device_defer(struct cramd_device *d)
{
	d->due_ns = UINT64_MAX;
}

void cramd_device_rewrite(struct cramd_device *d)
{
	cramd_policy_forget_knobs(&d->pol);
	d->thresholds_set = false;
	d->armed_high = 0;
}

const struct cramd_telemetry_history *cramd_device_telemetry(const struct cramd_device *d)
{
	return &d->th;
}

void cramd_device_get_info(const struct cramd_device *d, struct cramd_device_info *info)
{
	info->devname = d->devname;
	info->node = d->node;
	/* a placement node has no gate cramd drives */
	info->gate_closed = d->mode != CRAMD_MODE_PLACEMENT && d->pol.gate_closed;
	info->degraded = d->pol.degraded;
	info->critical = d->critical;
	info->mode = d->mode;
}
