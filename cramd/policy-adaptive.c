// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cramd's adaptive policy (see policy.h). It plans in physical bytes, on
 * the estimator's figures (estimator.h): "used" is the filtered use plus
 * safety-many standard deviations of it, plus what a collapse of the
 * incoming ratio could add unseen in the readings' noise; "limit" is the
 * capacity minus the reserve; "budget" is limit minus used. The policy
 *  - bounds the demotion rate so that one reaction time (poll interval +
 *    actuation lag, or the dead time measured when longer) fills a share
 *    of the budget at the measured size of incoming data, and never more
 *    than twice that share plus a quarter of the reserve if the data
 *    stopped compressing at once, over the reaction time or over the
 *    longer time noisy readings need to show that it did; what leaves the
 *    device (promotion, eviction) is added, so that steady promotions do
 *    not waste capacity;
 *  - has the capacity target (policy.c, for both policies) computed on the
 *    filtered use: logical + budget (pages), a bound that stays safe even
 *    when it takes effect late;
 *  - closes the gate when the allowed rate falls below the minimum (per
 *    GiB of capacity) or the forecast (use + net growth x reaction time)
 *    eats the budget, and reopens it with hysteresis (at least twice the
 *    estimate's margin), minimum hold times, and never to make more
 *    than five changes in 100 s (bounded flapping);
 *  - requests eviction when headroom falls below a critical level, sized
 *    with the current compression ratio and the measured eviction
 *    throughput.
 * When the next pass is due, and where cramd arms the thresholds, is the
 * wakeup schedule's concern (policy-schedule.c).
 */
#include "policy-private.h"

#define RATE_MAX ((double)(1ULL << 62))
#define GIB 1073741824.0

/* The flap budget (FLAP_WINDOW_S, policy-private.h) lets the gate change. */
static bool flaps_allow(const struct cramd_policy_state *st, uint64_t now)
{
	/* the slot written next holds the oldest of the last changes */
	return st->n_changes < CRAMD_POLICY_FLAPS ||
	       now - st->changes_ns[st->change_pos] >= FLAP_WINDOW_S * NS_PER_S;
}

/*
 * Cube root, without libm: a guess from the exponent's bits (a third of
 * it), then Newton's steps.
 */
static double cube_root(double x)
{
	union { double d; uint64_t u; } g = { .d = x };
	int i;

	if (!(x > 0))
		return 0;
	g.u = g.u / 3 + 0x2aa0000000000000ULL;
	for (i = 0; i < 6; i++)
		g.d = (2 * g.d + x / (g.d * g.d)) / 3;
	return g.d;
}

/*
 * How long readings taken every @poll_s need to show an excess of use
 * growing at @slope through noise of @seen (sigmas of one reading): after
 * t, n = t / poll readings average the noise to seen / sqrt(n), and the
 * excess is slope x t, so t^3 = seen^2 x poll / slope^2.
 */
static double resolve_time(double seen, double poll_s, double slope)
{
	if (!(slope > 0))
		return 0;
	return cube_root(seen * seen * poll_s / (slope * slope));
}

/*
 * How far physical use may run ahead of the filtered track before the
 * readings can show it. Should the incoming data stop compressing now,
 * the inflow the knobs allow (the rate limit, or what is measured when
 * more) takes (1 - size) more physical bytes per logical byte than the
 * filter assumes: an excess growing at that slope, which nothing in the
 * readings tells from noise while it is within their noise (@seen, sigmas
 * of one reading). It counts
 *  - at least from now until a reading taken after the knobs acted (one
 *    reaction time and one poll);
 *  - with collapse_hidden_percent, that share of the time readings
 *    averaged every poll need to resolve the slope (resolve_time()).
 * It is never more than the noise can hide, and nothing when the data
 * already takes its logical size or nothing may come in.
 */
static double hidden_excess(const struct cramd_policy_state *st,
			    const struct cramd_adaptive *a, double seen,
			    double span_s, double poll_s)
{
	const struct cramd_estimator *e = &st->est;
	double in = e->in_bps > (double)st->rate_limit ? e->in_bps : (double)st->rate_limit;
	double slope = (1 - e->size_in) * in, t;

	if (!(slope > 0))
		return 0;
	t = resolve_time(seen, poll_s, slope) * a->collapse_hidden_percent / 100;
	if (t < span_s)
		t = span_s;
	return slope * t < seen ? slope * t : seen;
}

/*
 * The most inflow that, should it stop compressing now, adds no more than
 * @excess physical bytes beyond what leaves (@out bytes/s) before noisy
 * readings show it: the rate r with (r - out) x resolve_time(r) = excess,
 * where the slope the readings must see is (1 - @size) x r. With u^3 = r
 * that is u^3 - a u^2 - out = 0, a = excess / resolve_time at r = 1;
 * Newton's steps from u = a + cbrt(out), where the cubic is positive and
 * convex, fall to its largest root.
 *
 * The inflow counts only while the @budget lasts at the expected size:
 * the filter follows that fill, and the passes meanwhile lower the rate
 * as the budget shrinks, so that no more than budget / size comes in,
 * (1 - out / r) of it net. A rate for which that is within @excess is
 * allowed however long a collapse would hide; so is any rate when nothing
 * can hide (no noise, or data that already takes its logical size).
 */
static double resolved_rate(double excess, double budget, double out, double size,
			    double seen, double poll_s)
{
	double t1 = resolve_time(seen, poll_s, 1 - size), fill, least, a, u, g, dg;
	int i;

	fill = size > 0 ? budget / size : RATE_MAX;
	if (!(t1 > 0) || !(excess > 0) || fill <= excess)
		return RATE_MAX;
	least = out / (1 - excess / fill);
	a = excess / t1;
	u = a + cube_root(out);
	for (i = 0; i < 32; i++) {
		g = u * u * u - a * u * u - out;
		dg = 3 * u * u - 2 * a * u;
		if (!(g > 0) || !(dg > 0) || g < dg * u * 1e-12)
			break;
		u -= g / dg;
	}
	return u * u * u > least ? u * u * u : least;
}

static void make_plan(const struct cramd_policy_params *prm,
		      const struct cramd_policy_state *st,
		      const struct cramd_telemetry *t, uint64_t now, struct plan *p)
{
	const struct cram_snapshot *s = t->snap;
	const struct cramd_adaptive *a = &prm->adaptive;
	const struct cramd_estimator *e = &st->est;
	uint64_t cap = s->phys_capacity_bytes;
	double limit = (double)(cap - permille_of(cap, a->reserve_permille));
	double share = 0.75 - 0.5 * a->safety_percent / 100.0;
	double lag = a->actuation_lag_ms / 1000.0, sd = cramd_estimator_used_sd(e);
	double out = e->out_bps * cramd_estimator_size_avg(e);
	double size_up = e->size_in + sigmas(a) * cramd_root(e->p_ss), worst, room;

	if (size_up > 1)
		size_up = 1;
	if ((double)e->dead_ns / NS_PER_S > lag)
		lag = (double)e->dead_ns / NS_PER_S;
	p->noise_sd = cramd_estimator_noise_sd(e, &(struct cramd_est_params){
		.noise_floor_permille = a->noise_floor_permille, .page_size = page_size(t) });
	p->seen = sigmas(a) * p->noise_sd;
	p->react_s = prm->poll_interval_ms / 1000.0 + lag;
	p->hidden = hidden_excess(st, a, p->seen, p->react_s + prm->poll_interval_ms / 1000.0,
				  prm->poll_interval_ms / 1000.0);
	p->cap = (double)cap;
	p->used = e->used + sigmas(a) * sd + p->hidden;
	p->logical = (double)s->logical_bytes;
	p->page = (double)page_size(t);
	p->reserve = (double)cap - limit;
	p->growth = cramd_estimator_growth(e);
	if (p->growth < 0)
		p->growth = 0;
	p->budget = limit - p->used;
	p->fbudget = p->budget - p->growth * p->react_s;
	p->fmean = e->used + p->growth * p->react_s - limit;
	p->out = out;
	/*
	 * Physical room per second: a share of the budget per reaction time
	 * plus what leaves the device meanwhile (steady promotions do not
	 * starve it); over the limit, less than what leaves. Admitted at the
	 * size incoming data takes (its upper bound), but never more than
	 * would eat twice that share and a quarter of the reserve if the data
	 * stopped compressing at once: within one reaction time, or within
	 * the time the readings need to show the collapse when their noise
	 * hides it longer (at +-10% readings, seconds; then the knobs would
	 * act on it only after that).
	 */
	room = p->budget * share / p->react_s + out;
	if (room <= 0) {
		p->rate = 0;
	} else if (p->budget > 0) {
		double excess = p->budget * 2 * share + p->reserve / 4, resolved;

		p->rate = room / size_up;
		worst = excess / p->react_s + out;
		p->rate = p->rate < worst ? p->rate : worst;
		resolved = resolved_rate(excess, p->budget, out, e->size_in, p->seen,
					 prm->poll_interval_ms / 1000.0);
		p->rate = p->rate < resolved ? p->rate : resolved;
	} else {
		p->rate = room;
	}
	if (p->rate > RATE_MAX)
		p->rate = RATE_MAX;
	/* the least rate worth an open gate, per GiB of capacity: it scales */
	p->min_rate = a->min_rate_kib * 1024.0 * (p->cap / GIB);
	/*
	 * An idle device gets a rate limit that cannot reach the limit within
	 * max_sleep_ms, so that cramd can sleep that long; the high threshold
	 * armed just above its use wakes cramd as soon as it gets busy.
	 */
	p->limit = limit;
	p->idle_rate = 0;
	if (a->max_sleep_ms > prm->poll_interval_ms && p->budget > 0 && !st->gate_closed &&
	    e->samples > 1 && now - st->gate_since_ns >= 2 * prm->poll_interval_ms * NS_PER_MS) {
		double idle = p->budget / (a->max_sleep_ms / 1000.0 + p->react_s + RATE_BURST_S);

		if (e->in_bps < idle / 2 && e->out_bps < idle / 2)
			p->idle_rate = idle;
	}
	/*
	 * A closed gate reopens with hysteresis, beyond what the estimate's
	 * doubt could fake.
	 */
	p->reopen = (double)permille_of(cap, a->hysteresis_permille) +
		    2 * p->min_rate * p->react_s;
	if (p->reopen < 2 * sigmas(a) * sd)
		p->reopen = 2 * sigmas(a) * sd;
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
	double reopen = p->reopen;

	out->gate_closed = st->gate_closed;
	if (!st->gate_closed) {
		/*
		 * At once when the filtered use itself, or its upper bound by
		 * a quarter of the reserve, is forecast past the limit; the
		 * rate limit keeps the upper bound near the limit, and its
		 * noise must not close the gate.
		 */
		if (p->fmean >= 0 || p->fbudget <= -p->reserve / 4) {
			out->gate_closed = true;
			set_cause(out, CRAMD_CAUSE_FORECAST, p->react_s, 0, 0);
		} else if (p->rate < p->min_rate &&
			   (p->out < p->min_rate || p->rate < p->out / 2) &&
			   held >= a->min_gate_open_ms * NS_PER_MS) {
			out->gate_closed = true;
			set_cause(out, CRAMD_CAUSE_RATE_LOW, p->rate / 1024,
				  p->min_rate / 1024, 0);
		} else {
			set_cause(out, CRAMD_CAUSE_BUDGET, p->budget / 1024,
				  p->rate / 1024, 0);
		}
		return;
	}
	/*
	 * The hold keeps noise from flapping the gate; room that what leaves
	 * the device (promotion, eviction, as the counters count it) makes
	 * faster than the reopen band per reaction time is no noise, and
	 * waiting out the hold would waste it.
	 */
	if (p->budget >= reopen && p->fbudget >= reopen &&
	    (held >= a->min_gate_closed_ms * NS_PER_MS || p->out * p->react_s >= reopen) &&
	    flaps_allow(st, now)) {
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
	double r = p->idle_rate && p->rate > p->idle_rate ? p->idle_rate : p->rate;
	uint64_t q;

	if (r < p->min_rate)
		r = p->min_rate;
	q = quantize(r >= 1 ? (uint64_t)r : 1);

	if (q == st->rate_limit)
		return;
	out->set_rate = true;
	out->rate_limit = q;
	st->rate_limit = q;
}

/* Headroom below the critical level: ask for enough to reach the target. */
static void adaptive_evict(const struct cramd_policy_params *prm,
			   struct cramd_policy_state *st,
			   const struct cram_snapshot *s, const struct plan *p,
			   uint64_t now, struct cramd_actions *out)
{
	const struct cramd_adaptive *a = &prm->adaptive;
	double growth = p->growth, evict_bps = st->est.evict_bps;
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
	if (evict_bps > 0 && need > evict_bps * window)
		need = evict_bps * window;
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

void cramd_policy_decide_adaptive(const struct cramd_policy_params *prm,
				  struct cramd_policy_state *st,
				  const struct cramd_telemetry *t, uint64_t now,
				  struct cramd_actions *out)
{
	struct plan p;

	make_plan(prm, st, t, now, &p);
	adaptive_gate(prm, st, &p, now, out);
	adaptive_rate(st, &p, out);
	adaptive_evict(prm, st, t->snap, &p, now, out);
	cramd_policy_schedule(prm, st, t, &p, now, out);
}
