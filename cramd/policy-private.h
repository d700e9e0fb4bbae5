// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the policy engine's parts share: the step and the static policy
 * (policy.c), the adaptive policy (policy-adaptive.c) and its wakeup
 * schedule (policy-schedule.c): the plan of one step, the flap window,
 * the estimate's margin and small helpers. Not for other users of
 * policy.h.
 */
#ifndef CRAMD_POLICY_PRIVATE_H
#define CRAMD_POLICY_PRIVATE_H

#include "policy.h"

#define NS_PER_MS 1000000ULL
#define NS_PER_S 1e9

/*
 * What one adaptive step works with, all in bytes and seconds. "used" is
 * the estimate's upper bound: the filtered use plus the configured number
 * of its standard deviations.
 */
struct plan {
	double cap, used, logical, page;
	double react_s;		/* poll interval + actuation lag (as measured) */
	double budget;		/* limit - used */
	double fbudget;		/* limit - forecast */
	double fmean;		/* forecast of the filtered use - limit */
	double out;		/* physical bytes/s leaving the device */
	double growth;		/* net physical growth, bytes/s, >= 0 */
	double rate;		/* allowed demotion, bytes/s */
	double min_rate;
	double reopen;		/* budget a closed gate waits for */
	double reserve;
	double limit;
	double idle_rate;	/* an idle device's rate limit, 0: busy */
	double noise_sd;	/* of one reading of the use */
	double seen;		/* what one reading's noise may hide: sigmas x noise_sd */
	double hidden;		/* use a ratio collapse may hide in the noise */
};

/*
 * Flapping is bounded: a gate reopens only when the last
 * CRAMD_POLICY_FLAPS changes did not all fall in the last FLAP_WINDOW_S,
 * so that with the close after it no window of that length holds more than
 * CRAMD_POLICY_FLAPS + 1 changes; a device that empties slowly loses the
 * room that collects meanwhile.
 */
#define FLAP_WINDOW_S 100.0
/*
 * The kernel meters the rate limit with a token bucket that holds a tenth
 * of a second of it (demote_rate_limit_bytes, sysfs-bus-dax-cram): in t
 * seconds at most rate x (t + RATE_BURST_S) comes in.
 */
#define RATE_BURST_S 0.1
#define DEFAULT_PAGE 4096ULL

static inline uint64_t permille_of(uint64_t capacity, unsigned int permille)
{
	return capacity / 1000 * permille + capacity % 1000 * permille / 1000;
}

static inline void set_cause(struct cramd_actions *out, enum cramd_cause cause,
			     double a, double b, double c)
{
	out->cause = cause;
	out->num[0] = a;
	out->num[1] = b;
	out->num[2] = c;
}

static inline uint64_t page_size(const struct cramd_telemetry *t)
{
	return t->page_size ? t->page_size : DEFAULT_PAGE;
}

static inline double sigmas(const struct cramd_adaptive *a)
{
	return 1 + 2 * a->safety_percent / 100.0;
}

/*
 * The wakeup schedule of an adaptive step (policy-schedule.c): sets
 * out->sleep_ns, out->arm_high and out->arm_low from the plan and the
 * knobs the step chose.
 */
/* policy-adaptive.c: the adaptive policy's decision on fresh telemetry @t. */
void cramd_policy_decide_adaptive(const struct cramd_policy_params *prm,
				  struct cramd_policy_state *st,
				  const struct cramd_telemetry *t, uint64_t now,
				  struct cramd_actions *out);

void cramd_policy_schedule(const struct cramd_policy_params *prm,
			   const struct cramd_policy_state *st,
			   const struct cramd_telemetry *t, const struct plan *p,
			   uint64_t now, struct cramd_actions *out);

#endif
