// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The policy's causes and actions in words: the one table that writes out
 * each enum cramd_cause with its numbers, for the journal and cramctl dump.
 */
#include <stdio.h>
#include <string.h>

#include "policy.h"

const char *cramd_attr_name(enum cramd_attr attr)
{
	switch (attr) {
	case CRAMD_ATTR_ABI_VERSION:
		return "abi_version";
	case CRAMD_ATTR_STATE:
		return "state";
	default:
		return "stat";
	}
}

const char *cramd_cause_name(enum cramd_cause cause)
{
	static const char *const names[CRAMD_CAUSE_COUNT] = {
		[CRAMD_CAUSE_UNREADABLE] = "unreadable",
		[CRAMD_CAUSE_NO_CAPACITY] = "no-capacity",
		[CRAMD_CAUSE_STALE] = "stale",
		[CRAMD_CAUSE_NOT_FRESH] = "not-fresh",
		[CRAMD_CAUSE_RECOVERING] = "recovering",
		[CRAMD_CAUSE_ABOVE_HIGH] = "above-high-watermark",
		[CRAMD_CAUSE_BELOW_LOW] = "below-low-watermark",
		[CRAMD_CAUSE_BETWEEN] = "between-watermarks",
		[CRAMD_CAUSE_FORECAST] = "forecast",
		[CRAMD_CAUSE_RATE_LOW] = "rate-low",
		[CRAMD_CAUSE_BUDGET] = "budget",
		[CRAMD_CAUSE_REOPEN] = "reopen",
		[CRAMD_CAUSE_HOLD_CLOSED] = "hold-closed",
		[CRAMD_CAUSE_KERNEL_CRITICAL] = "kernel-critical",
	};

	return (unsigned int)cause < CRAMD_CAUSE_COUNT ? names[cause] : "unknown";
}

/* The one table of the causes' words: each with its own literal format. */
const char *cramd_cause_format(char *buf, size_t len, enum cramd_cause cause,
			       const double n[3])
{
	switch (cause) {
	case CRAMD_CAUSE_UNREADABLE:
		snprintf(buf, len, "telemetry invalid: cannot read cram/%s: %s",
			 cramd_attr_name((enum cramd_attr)n[1]), strerror((int)n[0]));
		break;
	case CRAMD_CAUSE_NO_CAPACITY:
		snprintf(buf, len, "phys capacity is 0");
		break;
	case CRAMD_CAUSE_STALE:
		snprintf(buf, len, "telemetry stale: no fresh sample for %.0f ms", n[0]);
		break;
	case CRAMD_CAUSE_NOT_FRESH:
		snprintf(buf, len, "no fresh sample yet: no change");
		break;
	case CRAMD_CAUSE_RECOVERING:
		snprintf(buf, len, "recovering: %.0f more fresh sample(s) needed", n[0]);
		break;
	case CRAMD_CAUSE_ABOVE_HIGH:
		snprintf(buf, len, "phys used %.1f%% >= high watermark %.0f%%", n[0], n[1]);
		break;
	case CRAMD_CAUSE_BELOW_LOW:
		snprintf(buf, len, "phys used %.1f%% <= low watermark %.0f%%", n[0], n[1]);
		break;
	case CRAMD_CAUSE_BETWEEN:
		snprintf(buf, len, "phys used %.1f%% between low watermark %.0f%% "
			 "and high watermark %.0f%%", n[0], n[1], n[2]);
		break;
	case CRAMD_CAUSE_FORECAST:
		snprintf(buf, len, "forecast use reaches the reserve within %.2f s", n[0]);
		break;
	case CRAMD_CAUSE_RATE_LOW:
		snprintf(buf, len, "allowed rate %.0f KiB/s below minimum %.0f KiB/s",
			 n[0], n[1]);
		break;
	case CRAMD_CAUSE_BUDGET:
		snprintf(buf, len, "budget %.0f KiB, allowed rate %.0f KiB/s", n[0], n[1]);
		break;
	case CRAMD_CAUSE_REOPEN:
		snprintf(buf, len, "budget %.0f KiB back above %.0f KiB", n[0], n[1]);
		break;
	case CRAMD_CAUSE_HOLD_CLOSED:
		snprintf(buf, len, "budget %.0f KiB, reopening at %.0f KiB after %.0f ms",
			 n[0], n[1], n[2]);
		break;
	case CRAMD_CAUSE_KERNEL_CRITICAL:
		snprintf(buf, len, "the kernel closed the gate on a critical device event");
		break;
	default:
		snprintf(buf, len, "unknown cause %d", (int)cause);
	}
	return buf;
}

const char *cramd_actions_reason(char *buf, size_t len, const struct cramd_actions *a)
{
	char cause[CRAMD_CAUSE_MAX], more[160] = "";
	size_t n = 0;

	if (a->set_rate)
		n += (size_t)snprintf(more + n, sizeof(more) - n,
				      ", rate limit %llu B/s",
				      (unsigned long long)a->rate_limit);
	if (a->set_capacity && n < sizeof(more))
		n += (size_t)snprintf(more + n, sizeof(more) - n,
				      ", capacity %llu pages",
				      (unsigned long long)a->capacity_pages);
	if (a->evict && n < sizeof(more))
		snprintf(more + n, sizeof(more) - n, ", evict %llu bytes",
			 (unsigned long long)a->evict_bytes);
	snprintf(buf, len, "%s: %s%s%s",
		 cramd_cause_format(cause, sizeof(cause), a->cause, a->num),
		 a->gate_changed ? (a->gate_closed ? "closing gate" : "opening gate") :
		 (a->gate_closed ? "gate stays closed" : "gate stays open"),
		 more, a->degraded ? " (fail-safe, degraded)" : "");
	return buf;
}
