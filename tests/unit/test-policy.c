// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for cramd/policy.c: watermarks, hysteresis, fail-safe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../cramd/policy.h"

#define CAP 1000000ULL		/* 90% = 900000, 80% = 800000 */

static struct cramd_decision d;

static void decide(const struct cramd_config *cfg, bool closed,
		   uint64_t cap, uint64_t used)
{
	struct cramd_sample s = {
		.valid = true,
		.phys_capacity_bytes = cap,
		.phys_used_bytes = used,
		.logical_bytes = used * 3,
	};

	cramd_policy_decide(cfg, closed, &s, &d);
}

static void defaults(struct cramd_config *cfg)
{
	cramd_config_init(cfg);
}

static void assert_contains(const char *s, const char *needle)
{
	if (!strstr(s, needle))
		fail_msg("'%s' lacks '%s'", s, needle);
}

static void test_watermark_bytes(void **state)
{
	assert_int_equal(cramd_watermark_bytes(CAP, 90), 900000);
	assert_int_equal(cramd_watermark_bytes(CAP, 0), 0);
	assert_int_equal(cramd_watermark_bytes(CAP, 100), CAP);
	/* Rounded down: the values cramd writes to the threshold knobs. */
	assert_int_equal(cramd_watermark_bytes(134217728, 90), 120795955);
	assert_int_equal(cramd_watermark_bytes(134217728, 80), 107374182);
	assert_int_equal(cramd_watermark_bytes(99, 50), 49);
	assert_int_equal(cramd_watermark_bytes(0, 90), 0);
	/* No overflow at the top of the 64-bit range. */
	assert_true(cramd_watermark_bytes(UINT64_MAX, 100) == UINT64_MAX);
	assert_true(cramd_watermark_bytes(UINT64_MAX, 90) ==
		    (uint64_t)((unsigned __int128)UINT64_MAX * 90 / 100));
	assert_true(cramd_watermark_bytes(UINT64_MAX, 1) == UINT64_MAX / 100);
}

static void test_open_stays_open_below_high(void **state)
{
	struct cramd_config cfg;

	defaults(&cfg);
	decide(&cfg, false, CAP, 0);
	assert_false(d.gate_closed);
	assert_false(d.changed);
	assert_false(d.degraded);
	decide(&cfg, false, CAP, 850000);
	assert_false(d.gate_closed);
	assert_false(d.changed);
	assert_contains(d.reason, "gate stays open");
	decide(&cfg, false, CAP, 899999);
	assert_false(d.gate_closed);
}

static void test_close_at_high_boundary(void **state)
{
	struct cramd_config cfg;

	defaults(&cfg);
	decide(&cfg, false, CAP, 900000);	/* exactly the high watermark */
	assert_true(d.gate_closed);
	assert_true(d.changed);
	assert_false(d.degraded);
	assert_string_equal(d.cause, "phys used 90.0% >= high watermark 90%");
	assert_string_equal(d.reason,
			    "phys used 90.0% >= high watermark 90%: closing gate");
	decide(&cfg, false, CAP, 912000);
	assert_string_equal(d.reason,
			    "phys used 91.2% >= high watermark 90%: closing gate");
	/* Over full (the data-loss case) closes too. */
	decide(&cfg, false, CAP, CAP + 1);
	assert_true(d.gate_closed);
	decide(&cfg, true, CAP, CAP);
	assert_true(d.gate_closed);
	assert_false(d.changed);
	assert_contains(d.reason, "gate stays closed");
}

static void test_hysteresis(void **state)
{
	struct cramd_config cfg;

	defaults(&cfg);
	/* In the band the gate keeps whatever state it has. */
	decide(&cfg, true, CAP, 850000);
	assert_true(d.gate_closed);
	assert_false(d.changed);
	assert_contains(d.cause, "between low watermark 80% and high watermark 90%");
	decide(&cfg, true, CAP, 800001);
	assert_true(d.gate_closed);
	decide(&cfg, false, CAP, 800001);
	assert_false(d.gate_closed);
	/* Reopens exactly at the low watermark. */
	decide(&cfg, true, CAP, 800000);
	assert_false(d.gate_closed);
	assert_true(d.changed);
	assert_string_equal(d.reason,
			    "phys used 80.0% <= low watermark 80%: opening gate");
	decide(&cfg, false, CAP, 800000);
	assert_false(d.gate_closed);
	assert_false(d.changed);
	decide(&cfg, true, CAP, 0);
	assert_false(d.gate_closed);
}

/* A full up-and-down cycle only flips at the two watermarks. */
static void test_cycle(void **state)
{
	struct cramd_config cfg;
	bool closed = false;
	uint64_t used;
	int flips = 0;

	defaults(&cfg);
	for (used = 0; used <= CAP; used += 1000) {
		decide(&cfg, closed, CAP, used);
		if (d.changed) {
			flips++;
			assert_int_equal(used, 900000);
		}
		closed = d.gate_closed;
	}
	for (used = CAP; used > 0; used -= 1000) {
		decide(&cfg, closed, CAP, used);
		if (d.changed) {
			flips++;
			assert_int_equal(used, 800000);
		}
		closed = d.gate_closed;
	}
	assert_int_equal(flips, 2);
}

static void test_extreme_watermarks(void **state)
{
	struct cramd_config cfg;

	defaults(&cfg);
	cfg.high_watermark_percent = 100;
	cfg.low_watermark_percent = 0;
	decide(&cfg, false, CAP, CAP - 1);
	assert_false(d.gate_closed);
	decide(&cfg, false, CAP, CAP);
	assert_true(d.gate_closed);
	decide(&cfg, true, CAP, 1);
	assert_true(d.gate_closed);
	decide(&cfg, true, CAP, 0);
	assert_false(d.gate_closed);

	cfg.high_watermark_percent = 1;
	decide(&cfg, false, CAP, 10000);
	assert_true(d.gate_closed);
	decide(&cfg, false, CAP, 9999);
	assert_false(d.gate_closed);
}

static void test_invalid_sample(void **state)
{
	struct cramd_config cfg;
	struct cramd_sample s = { .valid = false,
				  .why = "cannot read /sys/x/cram/stat: Invalid argument" };

	defaults(&cfg);
	cramd_policy_decide(&cfg, false, &s, &d);
	assert_true(d.gate_closed);
	assert_true(d.changed);
	assert_true(d.degraded);
	assert_string_equal(d.reason, "telemetry invalid: cannot read /sys/x/cram/stat: "
			    "Invalid argument: closing gate (fail-safe, degraded)");
	cramd_policy_decide(&cfg, true, &s, &d);
	assert_true(d.gate_closed);
	assert_false(d.changed);
	assert_true(d.degraded);
	/* The numbers of an invalid sample are ignored. */
	s.why = NULL;
	s.phys_capacity_bytes = CAP;
	cramd_policy_decide(&cfg, false, &s, &d);
	assert_true(d.gate_closed);
	assert_contains(d.reason, "telemetry invalid: unreadable");
}

static void test_zero_capacity(void **state)
{
	struct cramd_config cfg;

	defaults(&cfg);
	decide(&cfg, false, 0, 0);
	assert_true(d.gate_closed);
	assert_true(d.degraded);
	assert_true(d.changed);
	assert_contains(d.reason, "phys capacity is 0");
	decide(&cfg, true, 0, 12345);
	assert_true(d.gate_closed);
	assert_false(d.changed);
	assert_true(d.degraded);
}

static void test_large_values(void **state)
{
	struct cramd_config cfg;
	uint64_t cap = UINT64_MAX - 7;
	uint64_t high = cramd_watermark_bytes(cap, 90);
	uint64_t low = cramd_watermark_bytes(cap, 80);

	defaults(&cfg);
	decide(&cfg, false, cap, high - 1);
	assert_false(d.gate_closed);
	decide(&cfg, false, cap, high);
	assert_true(d.gate_closed);
	assert_contains(d.reason, "phys used 90.0% >= high watermark 90%");
	decide(&cfg, true, cap, low + 1);
	assert_true(d.gate_closed);
	decide(&cfg, true, cap, low);
	assert_false(d.gate_closed);
	decide(&cfg, false, cap, UINT64_MAX);
	assert_true(d.gate_closed);
	assert_false(d.degraded);
	/* 1 PiB device, 2 TiB in use: far below the watermark. */
	decide(&cfg, true, 1ULL << 50, 1ULL << 41);
	assert_false(d.gate_closed);
	assert_contains(d.reason, "phys used 0.2% <= low watermark 80%");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_watermark_bytes),
		cmocka_unit_test(test_open_stays_open_below_high),
		cmocka_unit_test(test_close_at_high_boundary),
		cmocka_unit_test(test_hysteresis),
		cmocka_unit_test(test_cycle),
		cmocka_unit_test(test_extreme_watermarks),
		cmocka_unit_test(test_invalid_sample),
		cmocka_unit_test(test_zero_capacity),
		cmocka_unit_test(test_large_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
