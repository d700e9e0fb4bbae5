// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The adaptive policy's wakeup schedule: the next pass is due before the
 * device could get from its use (the estimate's upper bound) to the limit
 * at the highest inflow the knobs allow (the rate limit, at 1:1, and the
 * tenth of a second of it the kernel's bucket lets in at once; none with
 * the gate closed; none either when the capacity target leaves less room
 * than that), less one reaction time, and at most max_sleep_ms later. The
 * high threshold is armed one reaction time of that inflow and the bucket
 * below the limit, so that a faster fill wakes cramd in time, and above
 * the use of an idle device by twice what it fills until the next pass
 * (at least 1/64 of the budget), so that it wakes when the device gets
 * busy; a closed gate arms the low threshold where it could reopen.
 * Where one reading says too little (noise near the limit, a reopening
 * point the lagging reading may already have passed) it polls.
 */
#include "policy-private.h"

/* an open gate polls while the budget is within this many noise margins */
#define NOISE_POLL 8

/* Seconds until a closed gate's hold and the flap budget let it reopen. */
static double reopen_wait(const struct cramd_policy_params *prm,
			  const struct cramd_policy_state *st, uint64_t now)
{
	uint64_t at = st->gate_since_ns + prm->adaptive.min_gate_closed_ms * NS_PER_MS;
	uint64_t flap = st->changes_ns[st->change_pos] +
			(uint64_t)(FLAP_WINDOW_S * NS_PER_S);

	if (st->n_changes >= CRAMD_POLICY_FLAPS && flap > at)
		at = flap;
	return at > now ? (double)(at - now) / NS_PER_S : 0;
}

/*
 * A closed gate that waits for room: the low threshold is armed where it
 * could reopen. A threshold fires only when use crosses it, and the
 * reading lags the device (its age, the filter): when the estimate's
 * lower bound is already at that point, the device may be past it, and
 * no crossing is left to wake cramd; it polls. While data leaves the
 * device, it sleeps no longer than the outflow takes to make the room.
 */
static double closed_sleep(const struct cramd_policy_params *prm,
			   const struct cramd_policy_state *st,
			   const struct cramd_telemetry *t, const struct plan *p,
			   double sleep, uint64_t *arm_low)
{
	double poll = prm->poll_interval_ms / 1000.0, low = p->limit - p->reopen;
	double doubt = sigmas(&prm->adaptive) * cramd_estimator_used_sd(&st->est) + p->seen;
	double freed = p->out;	/* physical bytes/s leaving the device */

	*arm_low = (uint64_t)low;
	/* what may have left since the reading, and what the filter holds back */
	doubt += freed * p->react_s + (st->est.used - (double)t->snap->phys_used_bytes);
	if (st->est.used - doubt - p->page <= low)
		return poll;
	if (freed > 0 && (p->reopen - p->budget) / freed < sleep)
		sleep = (p->reopen - p->budget) / freed;
	return sleep;
}

void cramd_policy_schedule(const struct cramd_policy_params *prm,
			   const struct cramd_policy_state *st,
			   const struct cramd_telemetry *t, const struct plan *p,
			   uint64_t now, struct cramd_actions *out)
{
	double poll = prm->poll_interval_ms / 1000.0, most = prm->adaptive.max_sleep_ms / 1000.0;
	double inflow = out->gate_closed ? 0 : (double)st->rate_limit, sleep = most;
	double room = st->capacity_pages ? (double)st->capacity_pages * p->page - p->logical : -1;
	double used = st->est.used, high = p->limit, in = st->est.in_bps;
	/* never armed where a reading's noise or the estimate's doubt already is */
	double floor = p->used + p->seen + p->page;
	bool bound = false;

	if (st->rate_limit == 0 || st->rate_limit == UINT64_MAX)
		inflow = -1;		/* unlimited */
	if (inflow == 0) {
		sleep = most;		/* gate closed: nothing comes in */
	} else if (p->budget <= 0 || inflow < 0) {
		sleep = poll;
	} else if (inflow > 0 && room >= 0 && room <= p->budget) {
		/*
		 * the capacity target keeps it from the limit: wake before it
		 * binds, to move it. Bound when no pass can move it (less than
		 * a page of room, or the target is the device's whole size):
		 * what is left of the room fits at 1:1, and only what leaves
		 * the device lets more in, at most as fast as it leaves
		 */
		double out_in = st->est.out_bps;	/* what leaves lets as much in */

		bound = room < p->page || (t->total_pages && st->capacity_pages >= t->total_pages);
		if (bound) {
			high = p->limit - out_in * p->react_s;
			if (out_in > 0 && (p->budget - room) / out_in - p->react_s < sleep)
				sleep = (p->budget - room) / out_in - p->react_s;
		} else {
			high = used + room * st->est.size_in * 3 / 4;
			if (in > 0 && room * 3 / 4 / in < sleep)
				sleep = room * 3 / 4 / in;
		}
	} else if (inflow > 0) {
		sleep = p->budget / inflow - p->react_s - RATE_BURST_S;
		high = p->limit - inflow * (p->react_s + RATE_BURST_S);
	}
	if (most <= poll)
		return;		/* a pass every poll interval, the watermarks armed */
	/*
	 * Idle (under a rate limit that cannot reach the limit within
	 * max_sleep_ms): armed where it has got busy, beyond twice what it
	 * fills at its measured net growth until the next pass, so that a
	 * steady slow fill does not wake it long before that pass; a bound
	 * device takes nothing in however busy it gets
	 */
	if (p->idle_rate && !out->gate_closed && !bound) {
		double busy = 2 * p->growth * sleep;

		if (busy < p->budget / 64)
			busy = p->budget / 64;
		if (used + busy < high)
			high = used + busy;
	}
	if (high < floor) {	/* as good as there: the next poll decides */
		high = p->limit > floor ? p->limit : floor;
		if (inflow != 0 && !bound)
			sleep = poll;
	}
	if (out->evict)		/* eviction under way: watched */
		sleep = poll;
	/*
	 * Open on a busy device (or one sample so far, which shows no rates):
	 * until the noise is learned from samples close together, one reading
	 * says too little, and samples far apart would not teach it
	 */
	if (!cramd_estimator_noise_learned(&st->est) && inflow != 0 &&
	    (st->est.in_bps > 0 || st->est.samples < 2))
		sleep = poll;
	/*
	 * Open and near the limit, one noisy reading says little: the filter
	 * needs one every poll to average the noise out
	 */
	if ((!out->gate_closed || p->budget > 0) &&
	    p->budget - (out->gate_closed ? p->reopen : 0) <
	    NOISE_POLL * p->seen)
		sleep = poll;
	if (sleep > most)
		sleep = most;
	if (sleep < poll)
		sleep = poll;
	/* closed: woken where it may reopen, or when its hold is over */
	if (out->gate_closed && p->budget >= p->reopen)
		sleep = reopen_wait(prm, st, now) > poll ? reopen_wait(prm, st, now) : poll;
	else if (out->gate_closed && p->limit - p->reopen > 0)
		sleep = closed_sleep(prm, st, t, p, sleep, &out->arm_low);
	/*
	 * Closed on a device that was demoting: the dead time is measured
	 * while demotion stops (estimator.h); a reading long after cannot say
	 * when it stopped, so it is watched every poll until then
	 */
	if (out->gate_closed && (st->est.watching || (!st->gate_closed && st->est.in_bps > 0)))
		sleep = poll;
	if (sleep > most)
		sleep = most;
	out->sleep_ns = (uint64_t)(sleep * NS_PER_S);
	out->arm_high = high < p->cap ? (uint64_t)high : (uint64_t)p->cap;
}
