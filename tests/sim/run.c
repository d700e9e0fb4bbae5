// SPDX-License-Identifier: GPL-2.0-or-later
/* Playing a trace against a policy in virtual time. */
#include <string.h>

#include "../../cramd/config.h"
#include "../../cramd/policy.h"
#include "model.h"
#include "run.h"

const char *sim_policy_name(enum sim_policy p)
{
	switch (p) {
	case SIM_STATIC:
		return "static";
	case SIM_ADAPTIVE:
		return "adaptive";
	case SIM_ORACLE:
		return "oracle";
	}
	return "unknown";
}

/*
 * cramd's configuration for the run: the defaults or the file's [policy],
 * the policy under test, polling as the trace.
 */
static void run_config(const struct sim_trace *t, enum sim_policy p,
		       const struct sim_options *o, struct cramd_policy_params *cfg)
{
	if (o && o->policy)
		*cfg = *o->policy;
	else
		cramd_config_default_params(cfg);
	if (o && o->max_sleep_ms >= 0)
		cfg->adaptive.max_sleep_ms = (unsigned int)o->max_sleep_ms;
	cfg->kind = p == SIM_STATIC ? CRAMD_POLICY_STATIC : CRAMD_POLICY_ADAPTIVE;
	cfg->poll_interval_ms = (unsigned int)(t->poll_ns / 1000000);
}

/*
 * The model's telemetry as libcram's snapshot of it: libcram stamps a
 * snapshot with the time it read cram/stat, not with the time the kernel
 * recorded the figures, so a delayed sample carries the read time here too.
 */
static void to_snapshot(const struct sim_device *d, const struct sim_state *s,
			struct cram_snapshot *out)
{
	*out = (struct cram_snapshot){
		.size = sizeof(*out),
		.timestamp_ns = d->now_ns,
		.phys_capacity_bytes = d->t->phys_bytes,
		.phys_used_bytes = s->phys_used,
		.logical_bytes = s->logical,
		.demoted_pages = s->demoted_pages,
		.promoted_pages = s->promoted_pages,
		.evicted_pages = s->evicted_pages,
	};
}

/* One policy pass: sample, decide, send the writes on their way. */
static int poll_once(struct sim_device *d, const struct cramd_policy_params *cfg,
		     struct cramd_policy_state *st, struct sim_result *r,
		     struct cramd_actions *out)
{
	struct sim_state s;
	struct cram_snapshot snap;
	struct cramd_telemetry t = { .snap = &snap, .total_pages = d->total_pages,
				     .page_size = SIM_PAGE };
	struct cramd_actions a;
	int rc = 0;

	r->passes++;
	sim_device_sample(d, &s);
	to_snapshot(d, &s, &snap);
	cramd_policy_step(cfg, st, &t, d->now_ns, &a);
	if (a.gate_changed) {
		r->gate_flaps++;
		rc = sim_device_write(d, SIM_GATE, a.gate_closed);
	}
	if (a.set_rate && !rc)
		rc = sim_device_write(d, SIM_RATE, a.rate_limit);
	if (a.set_capacity && !rc)
		rc = sim_device_write(d, SIM_CAPACITY, a.capacity_pages);
	if (a.evict && !rc)
		rc = sim_device_write(d, SIM_EVICT, a.evict_bytes);
	*out = a;
	return rc;
}

/*
 * The device's thresholds as cramd arms them: the policy's, or the
 * watermarks; a crossing wakes the policy as the kernel's uevent wakes
 * cramd. As in the kernel (and the fake kernel), writing them arms high,
 * and low while use is above it; one fires once, and arms the other.
 * cramd writes them only when they change.
 */
struct thresholds {
	uint64_t high, low;
	bool high_armed, low_armed;
};

static void arm(struct thresholds *th, const struct sim_device *d,
		const struct cramd_policy_params *cfg, const struct cramd_actions *a)
{
	uint64_t cap = d->t->phys_bytes;

	uint64_t high = a->arm_high ? a->arm_high :
			cramd_watermark_bytes(cap, cfg->high_watermark_percent);
	uint64_t low = a->arm_high ? a->arm_low :
		       cramd_watermark_bytes(cap, cfg->low_watermark_percent);
	struct sim_state s;

	if (high == th->high && low == th->low)
		return;
	sim_device_state(d, &s);
	th->high = high;
	th->low = low;
	th->high_armed = true;
	th->low_armed = low && s.phys_used > low;
}

static bool crossed(struct thresholds *th, const struct sim_device *d)
{
	struct sim_state s;

	sim_device_state(d, &s);
	if (th->high && s.phys_used >= th->high && th->high_armed) {
		th->high_armed = false;
		th->low_armed = true;
		return true;
	}
	if (th->low && s.phys_used <= th->low && th->low_armed) {
		th->low_armed = false;
		th->high_armed = true;
		return true;
	}
	return false;
}

int sim_run(const struct sim_trace *t, enum sim_policy p, const struct sim_options *o,
	    struct sim_result *r)
{
	struct sim_device d;
	struct cramd_policy_params cfg;
	struct cramd_policy_state st;
	struct cramd_actions a;
	struct thresholds th = { 0 };
	uint64_t end = sim_trace_duration_ns(t), next_poll = t->poll_ns;
	int rc = sim_device_init(&d, t, p == SIM_ORACLE);

	memset(r, 0, sizeof(*r));
	r->trace = t->name;
	r->policy = sim_policy_name(p);
	r->compressible = t->compressible;
	run_config(t, p, o, &cfg);
	cramd_policy_init(&st, false, 0);
	/* cramd's schedule: a pass when it is due or a threshold wakes it */
	while (rc == 0 && d.now_ns < end) {
		sim_device_step(&d);
		if (p != SIM_ORACLE && (d.now_ns >= next_poll || crossed(&th, &d))) {
			rc = poll_once(&d, &cfg, &st, r, &a);
			arm(&th, &d, &cfg, &a);
			next_poll = d.now_ns + a.sleep_ns;
		}
	}
	r->passes_per_s = (double)r->passes / ((double)end / 1e9);
	r->overflows = d.overflows;
	r->min_headroom = d.min_headroom;
	r->avg_logical = d.logical_integral / ((double)end / 1e9);
	r->evicted_bytes = d.evicted_bytes;
	r->flaps_per_100s = (double)r->gate_flaps * 100 /
			    ((double)end / 1e9 > 100 ? (double)end / 1e9 : 100);
	sim_device_free(&d);
	return rc;
}
