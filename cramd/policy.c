// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cramd policy engine: the static watermark gate (the RFC's behaviour)
 * and the adaptive policy (policy-adaptive.c, with its wakeup schedule in
 * policy-schedule.c), both behind one fail-safe: readings that are not
 * fresh hold the gate closed until enough fresh ones came. Both leave a
 * capacity target in the kernel that is safe without cramd.
 */
#include <string.h>

#include "policy-private.h"


uint64_t cramd_watermark_bytes(uint64_t capacity, unsigned int percent)
{
	/* floor(capacity * percent / 100) without forming the product */
	return capacity / 100 * percent + capacity % 100 * percent / 100;
}

static double used_percent(const struct cram_snapshot *s)
{
	return 100.0 * (double)s->phys_used_bytes /
	       (double)s->phys_capacity_bytes;
}

void cramd_policy_init(struct cramd_policy_state *st, bool gate_closed,
		       uint64_t now_ns)
{
	memset(st, 0, sizeof(*st));
	cramd_estimator_init(&st->est);
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

/* ---- estimation ------------------------------------------------------------ */

static void est_params(const struct cramd_policy_params *prm,
		       const struct cramd_policy_state *st,
		       const struct cramd_telemetry *t, uint64_t window_ns,
		       struct cramd_est_params *ep)
{
	*ep = (struct cramd_est_params){
		.noise_floor_permille = prm->adaptive.noise_floor_permille,
		.smoothing_percent = prm->adaptive.smoothing_percent,
		.stall_ns = window_ns + st->sleep_ns, .page_size = page_size(t),
		.total_pages = t->total_pages,
	};
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
	/*
	 * A pass every poll interval (max_sleep_ms is the adaptive policy's):
	 * a closed static gate cannot tell what its knobs still let in from
	 * nothing, nor a reading that lags the low watermark's crossing.
	 */
}

/* ---- the capacity target -------------------------------------------------------- */

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
	double used = (double)s->phys_used_bytes, est = st->est.used;
	uint64_t total = t->total_pages, old = st->capacity_pages;
	uint64_t resident = (s->logical_bytes + page - 1) / page;
	uint64_t step = (total < cap / page ? total : cap / page) / 256, pages;
	double budget, want;

	if (!total)		/* unknown logical size: leave the knob alone */
		return;
	if (!step)
		step = 1;
	/*
	 * adaptive: the filtered use (the reading may be noise); not its upper
	 * bound, which would balloon out data that arrived since the sample
	 */
	if (prm->kind == CRAMD_POLICY_ADAPTIVE)
		used = est;
	budget = limit - used;
	want = ((double)s->logical_bytes + (budget > 0 ? budget : 0)) / (double)page;
	pages = want >= (double)total ? total : (uint64_t)want;
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
	if (old && pages != total && pages > old && pages < old + step &&
	    old >= resident + step)
		return;
	if (pages == old)
		return;
	out->set_capacity = true;
	out->capacity_pages = pages;
	st->capacity_pages = pages;
}

/* ---- the fail-safe and the step --------------------------------------------------- */

static void fail_safe(const struct cramd_policy_params *prm,
		      struct cramd_policy_state *st, struct cramd_actions *out)
{
	out->gate_closed = true;
	out->degraded = true;
	st->degraded = true;
	st->fresh_needed = prm->recover_samples;
	st->n_changes = 0;	/* the flap budget is the policy's, not the fail-safe's */
}

/*
 * A sample is fresh when the estimator took it (neither older than the
 * last one nor from the future) and it is not older than the window.
 */
static bool is_fresh(const struct cramd_policy_params *prm,
		     struct cramd_policy_state *st,
		     const struct cramd_telemetry *t, uint64_t now,
		     uint64_t window_ns)
{
	const struct cram_snapshot *s = t->snap;
	struct cramd_est_params ep;
	enum cramd_est_verdict v;

	if (s->timestamp_ns > now || now - s->timestamp_ns > window_ns)
		return false;
	est_params(prm, st, t, window_ns, &ep);
	v = cramd_estimator_update(&st->est, &ep, s, now);
	return v != CRAMD_EST_OLD && v != CRAMD_EST_FUTURE;
}

static void on_fresh(const struct cramd_policy_params *prm,
		     struct cramd_policy_state *st,
		     const struct cramd_telemetry *t, uint64_t now,
		     uint64_t window_ns, struct cramd_actions *out)
{
	st->last_fresh_ns = now;
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
		cramd_policy_decide_adaptive(prm, st, t, now, out);
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
		cramd_estimator_init(&st->est);
		st->n_changes = 0;
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
	} else if (is_fresh(prm, st, t, now, window)) {
		on_fresh(prm, st, t, now, window, out);
	} else {
		on_not_fresh(prm, st, now, window, out);
	}
	/* The kernel's own last line of defence is authoritative. */
	if (t->kernel_critical && !out->gate_closed) {
		out->gate_closed = true;
		set_cause(out, CRAMD_CAUSE_KERNEL_CRITICAL, 0, 0, 0);
	}
	if (!out->sleep_ns)
		out->sleep_ns = prm->poll_interval_ms * NS_PER_MS;
	st->sleep_ns = out->sleep_ns;
	out->gate_changed = out->gate_closed != st->gate_closed;
	if (out->gate_changed) {
		cramd_estimator_gate(&st->est, out->gate_closed, now);
		st->changes_ns[st->change_pos] = now;
		st->change_pos = (st->change_pos + 1) % CRAMD_POLICY_FLAPS;
		if (st->n_changes < CRAMD_POLICY_FLAPS)
			st->n_changes++;
		st->gate_closed = out->gate_closed;
		st->gate_since_ns = now;
		st->gate_changes++;
	}
}
