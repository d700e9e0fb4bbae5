// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cramd policy engine: the static watermark gate (the RFC's behaviour) and
 * the adaptive policy, both behind one fail-safe.
 *
 * The adaptive policy plans in physical bytes. "limit" is the capacity
 * minus the reserve; "budget" is limit minus physical use. Data admitted
 * to the device never takes more physical space than its logical size, so
 * admitting at most budget logical bytes can never overflow, whatever the
 * compressibility does. The policy therefore
 *  - bounds the demotion rate so that one reaction time (poll interval +
 *    actuation lag) of demotion takes at most half the budget;
 *  - sets the capacity target to logical + budget (pages), a bound that
 *    stays safe even when it takes effect late;
 *  - closes the gate when the allowed rate falls below min_rate_kib or the
 *    forecast (use + growth rate x reaction time) eats the budget, and
 *    reopens it with hysteresis and minimum hold times;
 *  - requests eviction when headroom falls below a critical level, sized
 *    with the current compression ratio and the measured eviction
 *    throughput.
 */
#include <string.h>

#include "policy.h"

#define NS_PER_MS 1000000ULL
#define NS_PER_S 1e9
#define RATE_MAX ((double)(1ULL << 62))
#define DEFAULT_PAGE 4096ULL

uint64_t cramd_watermark_bytes(uint64_t capacity, unsigned int percent)
{
	/* floor(capacity * percent / 100) without forming the product */
	return capacity / 100 * percent + capacity % 100 * percent / 100;
}

static uint64_t permille_of(uint64_t capacity, unsigned int permille)
{
	return capacity / 1000 * permille + capacity % 1000 * permille / 1000;
}

static void set_cause(struct cramd_actions *out, enum cramd_cause cause,
		      double a, double b, double c)
{
	out->cause = cause;
	out->num[0] = a;
	out->num[1] = b;
	out->num[2] = c;
}

static double used_percent(const struct cram_snapshot *s)
{
	return 100.0 * (double)s->phys_used_bytes /
	       (double)s->phys_capacity_bytes;
}

static uint64_t page_size(const struct cramd_telemetry *t)
{
	return t->page_size ? t->page_size : DEFAULT_PAGE;
}

void cramd_policy_init(struct cramd_policy_state *st, bool gate_closed,
		       uint64_t now_ns)
{
	memset(st, 0, sizeof(*st));
	st->gate_closed = gate_closed;
	st->gate_since_ns = now_ns;
	st->last_now_ns = now_ns;
	st->last_fresh_ns = now_ns;
}

void cramd_policy_forget_knobs(struct cramd_policy_state *st)
{
	st->rate_limit = UINT64_MAX;
	st->capacity_pages = 0;
	st->evict_bytes = 0;
}

/* ---- estimators ------------------------------------------------------------ */

static double ewma(double old, double x, unsigned int pct)
{
	return old + (x - old) * pct / 100.0;
}

/*
 * A monotonic counter's increase. Unsigned subtraction gives the right
 * answer across a wrap at 2^64; a counter that went back (reset, garbage)
 * shows as an absurd increase and is refused.
 */
static bool counter_delta(uint64_t now, uint64_t before, uint64_t *delta)
{
	*delta = now - before;
	return *delta < (1ULL << 62);
}

static void update_rates(const struct cramd_policy_params *prm,
			 struct cramd_policy_state *st,
			 const struct cramd_telemetry *t, uint64_t window_ns)
{
	const struct cram_snapshot *s = t->snap, *p = &st->prev;
	unsigned int w = prm->adaptive.smoothing_percent;
	uint64_t dt = s->timestamp_ns - p->timestamp_ns, d;
	double secs = (double)dt / NS_PER_S;
	double page = (double)page_size(t);

	if (!st->have_prev || dt == 0 || dt > window_ns)
		return;
	st->growth_bps = ewma(st->growth_bps, ((double)s->phys_used_bytes -
				(double)p->phys_used_bytes) / secs, w);
	if (counter_delta(s->demoted_pages, p->demoted_pages, &d))
		st->demote_bps = ewma(st->demote_bps, (double)d * page / secs, w);
	if (counter_delta(s->evicted_pages, p->evicted_pages, &d) && d)
		st->evict_bps = ewma(st->evict_bps, (double)d * page / secs, w);
}

/* ---- the static policy --------------------------------------------------------- */

static void decide_static(const struct cramd_policy_params *prm,
			  struct cramd_policy_state *st,
			  const struct cram_snapshot *s, struct cramd_actions *out)
{
	unsigned int high = prm->high_watermark_percent;
	unsigned int low = prm->low_watermark_percent;
	uint64_t cap = s->phys_capacity_bytes, used = s->phys_used_bytes;
	double pct = used_percent(s);

	if (used >= cramd_watermark_bytes(cap, high)) {
		out->gate_closed = true;
		set_cause(out, CRAMD_CAUSE_ABOVE_HIGH, pct, high, 0);
	} else if (used <= cramd_watermark_bytes(cap, low)) {
		out->gate_closed = false;
		set_cause(out, CRAMD_CAUSE_BELOW_LOW, pct, low, 0);
	} else {
		out->gate_closed = st->gate_closed;
		set_cause(out, CRAMD_CAUSE_BETWEEN, pct, low, high);
	}
}

/* ---- the adaptive policy ------------------------------------------------------- */

/* What one adaptive step works with, all in bytes and seconds. */
struct plan {
	double cap, used, logical, page;
	double react_s;		/* poll interval + actuation lag */
	double budget;		/* limit - used */
	double fbudget;		/* limit - forecast */
	double rate;		/* allowed demotion, bytes/s */
	double min_rate;
	double hysteresis;
};

static void make_plan(const struct cramd_policy_params *prm,
		      const struct cramd_policy_state *st,
		      const struct cramd_telemetry *t, struct plan *p)
{
	const struct cram_snapshot *s = t->snap;
	const struct cramd_adaptive *a = &prm->adaptive;
	uint64_t cap = s->phys_capacity_bytes;
	double limit = (double)(cap - permille_of(cap, a->reserve_permille));
	double growth = st->growth_bps > 0 ? st->growth_bps : 0;

	p->cap = (double)cap;
	p->used = (double)s->phys_used_bytes;
	p->logical = (double)s->logical_bytes;
	p->page = (double)page_size(t);
	p->react_s = (prm->poll_interval_ms + a->actuation_lag_ms) / 1000.0;
	p->budget = limit - p->used;
	p->fbudget = limit - (p->used + growth * p->react_s);
	/* half the budget per reaction time: a steady fill never alarms */
	p->rate = p->budget > 0 ? p->budget / (2 * p->react_s) : 0;
	if (p->rate > RATE_MAX)
		p->rate = RATE_MAX;
	p->min_rate = a->min_rate_kib * 1024.0;
	p->hysteresis = (double)permille_of(cap, a->hysteresis_permille);
}

/* Round down to 3 significant bits, so small changes write nothing. */
static uint64_t quantize(uint64_t v)
{
	int bit = 63 - __builtin_clzll(v | 1);

	if (bit < 3)
		return v;
	return v & ~((1ULL << (bit - 2)) - 1);
}

static void adaptive_gate(const struct cramd_policy_params *prm,
			  struct cramd_policy_state *st, const struct plan *p,
			  uint64_t now, struct cramd_actions *out)
{
	const struct cramd_adaptive *a = &prm->adaptive;
	uint64_t held = now - st->gate_since_ns;
	double reopen = p->hysteresis + 2 * p->min_rate * p->react_s;

	out->gate_closed = st->gate_closed;
	if (!st->gate_closed) {
		if (p->fbudget <= 0) {
			out->gate_closed = true;
			set_cause(out, CRAMD_CAUSE_FORECAST, p->react_s, 0, 0);
		} else if (p->rate < p->min_rate &&
			   held >= a->min_gate_open_ms * NS_PER_MS) {
			out->gate_closed = true;
			set_cause(out, CRAMD_CAUSE_RATE_LOW, p->rate / 1024,
				  a->min_rate_kib, 0);
		} else {
			set_cause(out, CRAMD_CAUSE_BUDGET, p->budget / 1024,
				  p->rate / 1024, 0);
		}
		return;
	}
	if (p->budget >= reopen && p->fbudget >= reopen &&
	    held >= a->min_gate_closed_ms * NS_PER_MS) {
		out->gate_closed = false;
		set_cause(out, CRAMD_CAUSE_REOPEN, p->budget / 1024,
			  reopen / 1024, 0);
	} else {
		set_cause(out, CRAMD_CAUSE_HOLD_CLOSED, p->budget / 1024,
			  reopen / 1024, a->min_gate_closed_ms);
	}
}

static void adaptive_rate(struct cramd_policy_state *st, const struct plan *p,
			  struct cramd_actions *out)
{
	double r = p->rate > p->min_rate ? p->rate : p->min_rate;
	uint64_t q = quantize(r >= 1 ? (uint64_t)r : 1);

	if (q == st->rate_limit)
		return;
	out->set_rate = true;
	out->rate_limit = q;
	st->rate_limit = q;
}

/*
 * The capacity target, for both policies: the limits cramd leaves in the
 * kernel must be safe without it (stopped, hung, restarting). Data never
 * takes more physical space than its logical size, so admitting at most
 * the budget (capacity minus reserve minus use) more logical bytes cannot
 * push physical use past the reserve, even at 1:1. The target is the
 * resident data plus that budget; a lower target is always written, a
 * raise only when it is worth a write.
 */
static void safe_capacity(const struct cramd_policy_params *prm,
			  struct cramd_policy_state *st,
			  const struct cramd_telemetry *t, struct cramd_actions *out)
{
	const struct cram_snapshot *s = t->snap;
	uint64_t cap = s->phys_capacity_bytes, page = page_size(t);
	double limit = (double)(cap - permille_of(cap, prm->adaptive.reserve_permille));
	double budget = limit - (double)s->phys_used_bytes;
	uint64_t total = t->total_pages, old = st->capacity_pages;
	uint64_t resident = (s->logical_bytes + page - 1) / page;
	double want = ((double)s->logical_bytes + (budget > 0 ? budget : 0)) / (double)page;
	uint64_t pages = want >= (double)total ? total : (uint64_t)want;
	uint64_t step = total / 256 ? total / 256 : 1;

	if (!total)		/* unknown logical size: leave the knob alone */
		return;
	if (pages < resident)
		pages = resident < total ? resident : total;
	/*
	 * A raise can wait while the target in force is far above what is
	 * resident: until then it binds nothing, and the lower value is the
	 * safer one. Waiting for a quarter of that slack spares a filling
	 * device a knob write every few polls.
	 */
	if (old > resident && pages > old && (old - resident) / 4 > step)
		step = (old - resident) / 4;
	if (old && pages != total && pages > old && pages < old + step)
		return;
	if (pages == old)
		return;
	out->set_capacity = true;
	out->capacity_pages = pages;
	st->capacity_pages = pages;
}

/* Headroom below the critical level: ask for enough to reach the target. */
static void adaptive_evict(const struct cramd_policy_params *prm,
			   struct cramd_policy_state *st,
			   const struct cram_snapshot *s, const struct plan *p,
			   uint64_t now, struct cramd_actions *out)
{
	const struct cramd_adaptive *a = &prm->adaptive;
	double growth = st->growth_bps > 0 ? st->growth_bps : 0;
	double crit = (double)permille_of(s->phys_capacity_bytes,
					  a->critical_permille);
	double target = (double)permille_of(s->phys_capacity_bytes,
					    a->evict_target_permille);
	double ratio = p->used > 0 ? p->logical / p->used : 1;
	double need, window = a->evict_window_ms / 1000.0;
	uint64_t bytes;

	if (growth * p->react_s > crit)
		crit = growth * p->react_s;
	if (p->cap - p->used >= crit || p->logical <= 0)
		return;
	need = (p->used - (p->cap - target)) * (ratio > 1 ? ratio : 1);
	if (st->evict_bps > 0 && need > st->evict_bps * window)
		need = st->evict_bps * window;
	need = need < p->page ? p->page : need;
	bytes = (uint64_t)need / (uint64_t)p->page * (uint64_t)p->page;
	if (bytes > s->logical_bytes)
		bytes = s->logical_bytes;
	if (st->evict_bytes && now - st->evict_at_ns < window * NS_PER_S &&
	    bytes <= st->evict_bytes + st->evict_bytes / 4)
		return;
	out->evict = true;
	out->evict_bytes = bytes;
	st->evict_bytes = bytes;
	st->evict_at_ns = now;
}

static void decide_adaptive(const struct cramd_policy_params *prm,
			    struct cramd_policy_state *st,
			    const struct cramd_telemetry *t, uint64_t now,
			    struct cramd_actions *out)
{
	struct plan p;

	make_plan(prm, st, t, &p);
	adaptive_gate(prm, st, &p, now, out);
	adaptive_rate(st, &p, out);
	adaptive_evict(prm, st, t->snap, &p, now, out);
}

/* ---- the fail-safe and the step --------------------------------------------------- */

static void fail_safe(const struct cramd_policy_params *prm,
		      struct cramd_policy_state *st, struct cramd_actions *out)
{
	out->gate_closed = true;
	out->degraded = true;
	st->degraded = true;
	st->fresh_needed = prm->recover_samples;
}

static bool is_fresh(const struct cramd_policy_state *st,
		     const struct cram_snapshot *s, uint64_t now,
		     uint64_t window_ns)
{
	if (st->have_prev && s->timestamp_ns <= st->prev.timestamp_ns)
		return false;
	return s->timestamp_ns <= now && now - s->timestamp_ns <= window_ns;
}

static void on_fresh(const struct cramd_policy_params *prm,
		     struct cramd_policy_state *st,
		     const struct cramd_telemetry *t, uint64_t now,
		     uint64_t window_ns, struct cramd_actions *out)
{
	st->last_fresh_ns = now;
	update_rates(prm, st, t, window_ns);
	st->prev = *t->snap;
	st->have_prev = true;
	if (st->degraded && --st->fresh_needed > 0) {
		out->gate_closed = true;
		out->degraded = true;
		set_cause(out, CRAMD_CAUSE_RECOVERING, st->fresh_needed, 0, 0);
		return;
	}
	st->degraded = false;
	if (prm->kind == CRAMD_POLICY_STATIC)
		decide_static(prm, st, t->snap, out);
	else
		decide_adaptive(prm, st, t, now, out);
	safe_capacity(prm, st, t, out);
}

/* Neither sane nor fresh: keep everything, unless it has been too long. */
static void on_not_fresh(const struct cramd_policy_params *prm,
			 struct cramd_policy_state *st, uint64_t now,
			 uint64_t window_ns, struct cramd_actions *out)
{
	out->gate_closed = st->gate_closed;
	out->degraded = st->degraded;
	if (now - st->last_fresh_ns > window_ns) {
		fail_safe(prm, st, out);
		set_cause(out, CRAMD_CAUSE_STALE,
			  (double)((now - st->last_fresh_ns) / NS_PER_MS), 0, 0);
	} else {
		set_cause(out, CRAMD_CAUSE_NOT_FRESH, 0, 0, 0);
	}
}

void cramd_policy_step(const struct cramd_policy_params *prm,
		       struct cramd_policy_state *st,
		       const struct cramd_telemetry *t, uint64_t now,
		       struct cramd_actions *out)
{
	const struct cram_snapshot *s = t->snap;
	uint64_t window = (uint64_t)prm->stale_intervals *
			  prm->poll_interval_ms * NS_PER_MS;

	memset(out, 0, sizeof(*out));
	if (now < st->last_now_ns) {	/* the clock jumped back: start over */
		st->have_prev = false;
		st->last_fresh_ns = now;
		st->gate_since_ns = now;
		st->evict_at_ns = now;
	}
	st->last_now_ns = now;
	if (!s) {
		fail_safe(prm, st, out);
		set_cause(out, CRAMD_CAUSE_UNREADABLE, -t->error, t->attr, 0);
	} else if (s->phys_capacity_bytes == 0) {
		fail_safe(prm, st, out);
		set_cause(out, CRAMD_CAUSE_NO_CAPACITY, 0, 0, 0);
	} else if (is_fresh(st, s, now, window)) {
		on_fresh(prm, st, t, now, window, out);
	} else {
		on_not_fresh(prm, st, now, window, out);
	}
	out->gate_changed = out->gate_closed != st->gate_closed;
	if (out->gate_changed) {
		st->gate_closed = out->gate_closed;
		st->gate_since_ns = now;
		st->gate_changes++;
	}
}
