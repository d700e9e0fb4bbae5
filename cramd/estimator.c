// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cramd estimator: filtered telemetry from successive snapshots (a
 * two-state Kalman filter on physical use and the size of incoming data,
 * counter rates, the learned noise, the measured dead time); see
 * estimator.h.
 */
#include <string.h>

#include "estimator.h"

#define NS_PER_S 1e9
#define SIZE_MIN 0.01		/* 100:1, the best ratio assumed of any data */
#define Q_SIZE 1e-2		/* drift of the incoming size (variance) per device of inflow */
#define P_SIZE_MAX 0.25		/* the size is in 0.01..1: its variance stays below this */
#define OUT_SD 0.1		/* what leaves may differ this much from the average */
#define FADE_SIGMAS 3.0		/* an innovation past this: the model is off */
#define STEP_SIGMAS 8.0		/* past this: phys use stepped, start again */
#define NOISE_WEIGHT (1.0 / 64)
#define NOISE_SEED 1e-6		/* relative variance the learning may start from */
#define COUNTER_BACK (1ULL << 62)
#define DEAD_MAX_NS (30ULL * 1000000000)	/* a gate that takes longer is broken */

/*
 * Square root without libm (cramd links no maths library for this one
 * function): a guess from the exponent's bits, then Newton's steps.
 */
double cramd_root(double x)
{
	union { double d; uint64_t u; } g = { .d = x };
	int i;

	if (!(x > 0))
		return 0;
	g.u = (g.u >> 1) + 0x1ff8000000000000ULL;
	for (i = 0; i < 5; i++)
		g.d = 0.5 * (g.d + x / g.d);
	return g.d;
}

static double clampd(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

void cramd_estimator_init(struct cramd_estimator *e)
{
	memset(e, 0, sizeof(*e));
	e->size_in = 1;		/* nothing known: incoming data does not compress */
}

double cramd_estimator_size_avg(const struct cramd_estimator *e)
{
	if (!e->last.logical_bytes)
		return e->size_in;
	return clampd(e->used / (double)e->last.logical_bytes, SIZE_MIN, 1);
}

double cramd_estimator_growth(const struct cramd_estimator *e)
{
	return e->in_bps * e->size_in - e->out_bps * cramd_estimator_size_avg(e);
}

bool cramd_estimator_noise_learned(const struct cramd_estimator *e)
{
	return e->samples >= 1 / NOISE_WEIGHT;
}

double cramd_estimator_used_sd(const struct cramd_estimator *e)
{
	return cramd_root(e->p_uu);
}

/* Variance of one reading at use @u. */
static double noise_var(const struct cramd_estimator *e,
			const struct cramd_est_params *p, double u)
{
	double floor = p->noise_floor_permille / 1000.0;
	double rel2 = e->noise_rel2 > floor * floor ? e->noise_rel2 : floor * floor;
	double scale = u > (double)p->page_size ? u : (double)p->page_size;

	return rel2 * scale * scale + 1;
}

double cramd_estimator_noise_sd(const struct cramd_estimator *e,
				const struct cramd_est_params *p)
{
	return cramd_root(noise_var(e, p, e->used));
}

/* The filter starts again from @s: the reading is all that is known. */
static void restart(struct cramd_estimator *e, const struct cramd_est_params *p,
		    const struct cram_snapshot *s)
{
	e->used = (double)s->phys_used_bytes;
	e->p_uu = noise_var(e, p, e->used);
	e->p_us = 0;
	e->p_ss = 0.25;
	e->last = *s;
	e->have = true;
	e->step = 0;
}

/* The counters' increase; false when one went back or leapt. */
static bool deltas(const struct cramd_est_params *p, const struct cram_snapshot *a,
		   const struct cram_snapshot *b, double secs, uint64_t d[3])
{
	double most = p->total_pages ? (double)p->total_pages * (1 + secs) : 0;
	int i;

	d[0] = b->demoted_pages - a->demoted_pages;
	d[1] = b->promoted_pages - a->promoted_pages;
	d[2] = b->evicted_pages - a->evicted_pages;
	for (i = 0; i < 3; i++)
		if (d[i] >= COUNTER_BACK || (most > 0 && (double)d[i] > most))
			return false;
	return true;
}

static double ewma(double old, double x, double w)
{
	return old + (x - old) * w;
}

static void update_rates(struct cramd_estimator *e, const struct cramd_est_params *p,
			 const uint64_t d[3], double secs)
{
	double page = (double)p->page_size, w = p->smoothing_percent / 100.0;

	e->in_bps = ewma(e->in_bps, (double)d[0] * page / secs, w);
	e->out_bps = ewma(e->out_bps, (double)(d[1] + d[2]) * page / secs, w);
	if (d[2])
		e->evict_bps = ewma(e->evict_bps, (double)d[2] * page / secs, w);
}

/*
 * Gate closed, demotion seen to stop: that took the dead time. Samples
 * far apart (the wakeup schedule) bound it only to the interval in which
 * it stopped: an interval in which demotion ran for less than a quarter of
 * it at the rate before the close holds the stop, which came about when
 * that demotion had run.
 */
static void watch_dead_time(struct cramd_estimator *e, const struct cram_snapshot *s,
			    uint64_t demoted, double page, double rate)
{
	uint64_t took = s->timestamp_ns - e->close_ns;
	double span = (double)(s->timestamp_ns - e->last.timestamp_ns);
	double ran = rate > 0 ? (double)demoted * page / rate * NS_PER_S : span;
	double stop = (double)e->last.timestamp_ns - (double)e->close_ns + ran;

	if (!e->watching)
		return;
	if (demoted && ran < span / 4)
		took = stop > 0 ? (uint64_t)stop : 0;
	else if (demoted && took < DEAD_MAX_NS)
		return;
	e->watching = false;
	if (took > DEAD_MAX_NS)
		took = DEAD_MAX_NS;
	/* a longer lag counts at once, a shorter one slowly */
	e->dead_ns = took > e->dead_ns ? took : e->dead_ns - (e->dead_ns - took) / 8;
}

/*
 * The noise of the readings: the change of phys_used_bytes between two
 * samples less what the counters explain is two readings' noise plus the
 * model's error; a wrong size of incoming data makes a steady bias, which
 * the running mean takes out, so only the scatter is counted as noise.
 */
static void learn_noise(struct cramd_estimator *e, const struct cramd_est_params *p,
			const struct cram_snapshot *s, double explained, double model_var)
{
	double page = (double)p->page_size, u = (double)s->phys_used_bytes;
	double scale = u > page ? u : page;
	double d = ((double)s->phys_used_bytes - (double)e->last.phys_used_bytes -
		    explained) / scale;
	double dev, w;

	model_var /= scale * scale;
	if (model_var > 4 * (e->noise_rel2 + NOISE_SEED))
		return;
	/*
	 * The first samples are averaged as they come (an EWMA of weight
	 * 1/64 from none underrated +-10% noise for seconds, and a filter
	 * that trusts noisy readings takes them for changes of the ratio)
	 */
	w = e->noise_n < 1 / NOISE_WEIGHT ? 1.0 / ++e->noise_n : NOISE_WEIGHT;
	e->bias_rel = ewma(e->bias_rel, d, w);
	dev = (d - e->bias_rel) * (d - e->bias_rel) / 2;
	/*
	 * Learned slowly, from none: a step of the use is not taken for
	 * noise, and one wild reading moves the estimate only so far.
	 */
	if (dev > 16 * e->noise_rel2 + NOISE_SEED)
		dev = 16 * e->noise_rel2 + NOISE_SEED;
	e->noise_rel2 = ewma(e->noise_rel2, dev, w);
}

/*
 * The sample before stepped the use: a step that is real stays, a spike
 * of the noise (taken for a step while the noise is not learned yet, or
 * from samples far apart) does not. When this reading is nearer the track
 * from before the step than the stepped one, the step is taken back: the
 * use, the size of incoming data and their doubt from before it return.
 */
static void judge_step(struct cramd_estimator *e, const struct cram_snapshot *s,
		       double in, double out)
{
	double avg = cramd_estimator_size_avg(e), z = (double)s->phys_used_bytes;
	double stepped = z - (e->used + in * e->size_in - out * avg);
	double before = z - (e->used - e->step + in * e->step_size - out * avg);

	if (before * before < stepped * stepped) {
		e->used -= e->step;
		e->size_in = e->step_size;
		e->p_ss = e->step_pss;
		/* the track is no surer than a spike that far off says the readings are */
		e->p_uu = e->step_puu > e->step * e->step / 36 ? e->step_puu : e->step * e->step / 36;
		e->p_us = 0;
	}
	e->step = 0;
}

/* The Kalman step: predict from the counters, correct with the reading. */
static enum cramd_est_verdict filter(struct cramd_estimator *e,
				     const struct cramd_est_params *p,
				     const struct cram_snapshot *s, const uint64_t d[3])
{
	double page = (double)p->page_size;
	double in = (double)d[0] * page, out = (double)(d[1] + d[2]) * page;
	double avg, u, z = (double)s->phys_used_bytes, r, sres, nu, ku, ks;
	double puu, pus, pss, size_was;

	if (e->step != 0)
		judge_step(e, s, in, out);
	size_was = e->size_in;
	avg = cramd_estimator_size_avg(e);
	u = e->used + in * e->size_in - out * avg;
	puu = e->p_uu + 2 * in * e->p_us + in * in * e->p_ss +
	      (out * avg * OUT_SD) * (out * avg * OUT_SD) + page * page;
	pus = e->p_us + in * e->p_ss;
	pss = e->p_ss + Q_SIZE * in / (e->last.phys_capacity_bytes ?
				       (double)e->last.phys_capacity_bytes : 1);
	u = u > 0 ? u : 0;
	learn_noise(e, p, s, in * e->size_in - out * avg, puu - e->p_uu);
	r = noise_var(e, p, u);
	nu = z - u;
	sres = puu + r;
	if (nu * nu > STEP_SIGMAS * STEP_SIGMAS * sres) {
		/* far off: if data came in, it came at another size */
		if (in > 0)
			e->size_in = clampd(e->size_in + nu / in, SIZE_MIN, 1);
		restart(e, p, s);
		e->step = e->used - u;
		e->step_size = size_was;
		e->step_pss = pss;
		e->step_puu = puu;
		return CRAMD_EST_STEP;
	}
	if (nu * nu > FADE_SIGMAS * FADE_SIGMAS * sres) {
		/* the model is off (the ratio changed): trust it less */
		pss += 0.25;
		pus = e->p_us + in * pss;
		puu += in * in * 0.25;
		sres = puu + r;
	}
	ku = puu / sres;
	ks = pus / sres;
	e->used = u + ku * nu;
	e->size_in = clampd(e->size_in + ks * nu, SIZE_MIN, 1);
	e->p_uu = (1 - ku) * puu;
	e->p_us = (1 - ku) * pus;
	e->p_ss = pss - ks * pus;
	e->p_ss = clampd(e->p_ss, 0, P_SIZE_MAX);
	e->last = *s;
	return CRAMD_EST_OK;
}

enum cramd_est_verdict cramd_estimator_update(struct cramd_estimator *e,
					      const struct cramd_est_params *p,
					      const struct cram_snapshot *s,
					      uint64_t now_ns)
{
	enum cramd_est_verdict v;
	uint64_t d[3], dt;
	double secs, rate;

	if (s->timestamp_ns > now_ns)
		return CRAMD_EST_FUTURE;
	if (!e->have) {
		restart(e, p, s);
		if (s->logical_bytes && s->phys_used_bytes)
			e->size_in = clampd((double)s->phys_used_bytes /
					    (double)s->logical_bytes, SIZE_MIN, 1);
		e->samples = 1;
		return CRAMD_EST_FIRST;
	}
	if (s->timestamp_ns <= e->last.timestamp_ns)
		return CRAMD_EST_OLD;
	dt = s->timestamp_ns - e->last.timestamp_ns;
	secs = (double)dt / NS_PER_S;
	if (!deltas(p, &e->last, s, secs, d)) {
		restart(e, p, s);
		e->watching = false;
		return CRAMD_EST_JUMP;
	}
	if (dt > p->stall_ns) {
		restart(e, p, s);
		e->watching = false;
		return CRAMD_EST_STALL;
	}
	rate = e->in_bps;
	update_rates(e, p, d, secs);
	watch_dead_time(e, s, d[0], (double)p->page_size, rate);
	v = filter(e, p, s, d);
	e->samples++;
	return v;
}

void cramd_estimator_gate(struct cramd_estimator *e, bool closed, uint64_t now_ns)
{
	e->watching = closed && e->have && e->in_bps > 0;
	e->close_ns = now_ns;
}
