/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cramd gate policy: a pure function from (configuration, current gate,
 * telemetry sample) to a decision. No I/O, no clock, no global state.
 */
#ifndef CRAMD_POLICY_H
#define CRAMD_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

/* Room for any reason the policy writes, including the trailing NUL. */
#define CRAMD_REASON_MAX 320

/**
 * struct cramd_sample - one telemetry reading of a device
 * @valid: false when the telemetry could not be read or made no sense
 * @why: with !@valid, a short description ("cannot read ...") or NULL
 */
struct cramd_sample {
	bool valid;
	const char *why;
	uint64_t phys_capacity_bytes;
	uint64_t phys_used_bytes;
	uint64_t logical_bytes;
};

/**
 * struct cramd_decision - what the policy wants
 * @gate_closed: the new state of the admission gate (no_alloc = 1)
 * @changed: @gate_closed differs from the state passed in
 * @degraded: the decision is a fail-safe, not based on telemetry
 * @cause: why, e.g. "phys used 91.2% >= high watermark 90%"
 * @reason: @cause followed by the action, e.g. "...: closing gate"
 */
struct cramd_decision {
	bool gate_closed;
	bool changed;
	bool degraded;
	char cause[CRAMD_REASON_MAX];
	char reason[CRAMD_REASON_MAX + 64];
};

/**
 * cramd_watermark_bytes - @percent of @capacity, rounded down
 *
 * Exact for every 64-bit capacity (no intermediate overflow). This is both
 * the value cramd writes to the device's threshold knobs and the value
 * the policy compares against.
 */
uint64_t cramd_watermark_bytes(uint64_t capacity, unsigned int percent);

/**
 * cramd_policy_decide - run the gate policy once
 * @gate_closed: the gate's current state
 *
 * Hysteresis: the gate closes when phys used >= the high watermark, opens
 * when phys used <= the low watermark, and otherwise stays as it is. An
 * invalid sample or a zero capacity closes the gate and sets @degraded.
 */
void cramd_policy_decide(const struct cramd_config *cfg, bool gate_closed,
			 const struct cramd_sample *sample,
			 struct cramd_decision *out);

#endif
