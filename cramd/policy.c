// SPDX-License-Identifier: GPL-2.0-or-later
/* cramd gate policy: watermarks with hysteresis, fail-safe when blind. */
#include <stdio.h>
#include <string.h>

#include "policy.h"

uint64_t cramd_watermark_bytes(uint64_t capacity, unsigned int percent)
{
	/* floor(capacity * percent / 100) without forming the product */
	return capacity / 100 * percent + capacity % 100 * percent / 100;
}

static double used_percent(const struct cramd_sample *s)
{
	return 100.0 * (double)s->phys_used_bytes /
	       (double)s->phys_capacity_bytes;
}

static void fail_safe(struct cramd_decision *out, const char *cause)
{
	out->gate_closed = true;
	out->degraded = true;
	snprintf(out->cause, sizeof(out->cause), "%s", cause);
}

static void watermark(const struct cramd_config *cfg, bool gate_closed,
		      const struct cramd_sample *s, struct cramd_decision *out)
{
	unsigned int high = cfg->high_watermark_percent;
	unsigned int low = cfg->low_watermark_percent;
	uint64_t cap = s->phys_capacity_bytes, used = s->phys_used_bytes;
	double pct = used_percent(s);

	if (used >= cramd_watermark_bytes(cap, high)) {
		out->gate_closed = true;
		snprintf(out->cause, sizeof(out->cause),
			 "phys used %.1f%% >= high watermark %u%%", pct, high);
	} else if (used <= cramd_watermark_bytes(cap, low)) {
		out->gate_closed = false;
		snprintf(out->cause, sizeof(out->cause),
			 "phys used %.1f%% <= low watermark %u%%", pct, low);
	} else {
		out->gate_closed = gate_closed;
		snprintf(out->cause, sizeof(out->cause),
			 "phys used %.1f%% between low watermark %u%% and high watermark %u%%",
			 pct, low, high);
	}
}

static const char *action(const struct cramd_decision *d)
{
	if (d->changed)
		return d->gate_closed ? "closing gate" : "opening gate";
	return d->gate_closed ? "gate stays closed" : "gate stays open";
}

void cramd_policy_decide(const struct cramd_config *cfg, bool gate_closed,
			 const struct cramd_sample *sample,
			 struct cramd_decision *out)
{
	char why[CRAMD_REASON_MAX];

	memset(out, 0, sizeof(*out));
	if (!sample->valid) {
		snprintf(why, sizeof(why), "telemetry invalid: %s",
			 sample->why ? sample->why : "unreadable");
		fail_safe(out, why);
	} else if (sample->phys_capacity_bytes == 0) {
		fail_safe(out, "phys capacity is 0");
	} else {
		switch (cfg->policy) {
		case CRAMD_POLICY_WATERMARK:
			watermark(cfg, gate_closed, sample, out);
			break;
		default:
			fail_safe(out, "unknown policy");
			break;
		}
	}
	out->changed = out->gate_closed != gate_closed;
	snprintf(out->reason, sizeof(out->reason), "%s: %s%s", out->cause,
		 action(out), out->degraded ? " (fail-safe, degraded)" : "");
}
