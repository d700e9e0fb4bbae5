// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of [device NAME] sections: parsing, errors, matching, order. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../cramd/config.h"

static int parse(struct cramd_config *cfg, const char *text, char *err, size_t errlen)
{
	struct cramd_config_text t = { "t.conf", text, strlen(text) };

	return cramd_config_parse_texts(cfg, &t, 1, err, errlen);
}

static void expect_error(const char *text, const char *msg)
{
	struct cramd_config cfg;
	char err[CRAMD_CONFIG_ERR_MAX];

	cramd_config_init(&cfg);
	if (parse(&cfg, text, err, sizeof(err)) != -EINVAL || !strstr(err, msg))
		fail_msg("config '%s': expected an error with '%s', got '%s'", text, msg, err);
}

static const struct cramd_device_ids dax0 = {
	.devname = "dax0.0", .region = "region0", .memdevs = "mem0,mem3",
	.has_serial = true, .serial = 0xabc,
};
static const struct cramd_device_ids dax1 = {
	.devname = "dax1.0", .region = "region1", .memdevs = "mem1", .has_serial = false,
};

static void test_match_and_order(void **state)
{
	struct cramd_config cfg;
	struct cramd_policy_params out;
	char err[CRAMD_CONFIG_ERR_MAX];

	cramd_config_init(&cfg);
	assert_int_equal(parse(&cfg,
			       "[policy]\nhigh_watermark_percent = 85\n"
			       "[device region0]\nhigh_watermark_percent = 70\nlow_watermark_percent = 60\n"
			       "[device serial:0xABC]\npolicy = static\n"
			       "[device mem3]\nhigh_watermark_percent = 82\n"
			       "[device mem1]\nreserve_permille = 50\n",
			       err, sizeof(err)), 0);
	assert_int_equal(cfg.n_overrides, 4);
	/* region0, serial and mem3 match dax0.0, in file order: mem3 wins high. */
	assert_int_equal(cramd_config_policy_params(&cfg, &dax0, &out), 3);
	assert_int_equal(out.high_watermark_percent, 82);
	assert_int_equal(out.low_watermark_percent, 60);
	assert_int_equal(out.kind, CRAMD_POLICY_STATIC);
	assert_int_equal(out.adaptive.reserve_permille, cfg.policy.adaptive.reserve_permille);
	/* "mem1" matches dax1.0's list exactly, not "mem1x" or a prefix of "mem10". */
	assert_int_equal(cramd_config_policy_params(&cfg, &dax1, &out), 1);
	assert_int_equal(out.high_watermark_percent, 85);
	assert_int_equal(out.adaptive.reserve_permille, 50);
	assert_int_equal(out.kind, CRAMD_POLICY_ADAPTIVE);
}

static void test_later_file_wins(void **state)
{
	struct cramd_config cfg;
	struct cramd_policy_params out;
	char err[CRAMD_CONFIG_ERR_MAX];

	static const char first[] = "[device dax1.0]\nhigh_watermark_percent = 70\n"
				    "low_watermark_percent = 50\n";
	static const char later[] = "[device dax1.0]\nhigh_watermark_percent = 60\n";
	const struct cramd_config_text files[] = {
		{ "a.conf", first, sizeof(first) - 1 }, { "b.conf", later, sizeof(later) - 1 },
	};

	cramd_config_init(&cfg);
	/* A drop-in continues the same section; the same key there is no duplicate. */
	assert_int_equal(cramd_config_parse_texts(&cfg, files, 2, err, sizeof(err)), 0);
	assert_int_equal(cfg.n_overrides, 1);
	cramd_config_policy_params(&cfg, &dax1, &out);
	assert_int_equal(out.high_watermark_percent, 60);
	assert_int_equal(out.low_watermark_percent, 50);
	assert_int_equal(cramd_config_policy_params(&cfg, &dax0, &out), 0);
	assert_int_equal(out.high_watermark_percent, 90);
}

static void test_errors(void **state)
{
	expect_error("[device dax0.0]\nhigh_watermark_percent = 120\n",
		     "t.conf:2: [device dax0.0] high_watermark_percent: value 120 out of range");
	expect_error("[device dax0.0]\npoll_interval_ms = 100\n",
		     "t.conf:2: [device dax0.0] poll_interval_ms: unknown key");
	expect_error("[device dax0.0]\npolicy = fancy\n", "t.conf:2: [device dax0.0] policy");
	expect_error("[device dax0.0]\nsmoothing_percent = 5\nsmoothing_percent = 6\n",
		     "t.conf:3: [device dax0.0] smoothing_percent: duplicate key");
	expect_error("[device dax0.0]\n[global]\n[device dax0.0]\n",
		     "t.conf:3: [device dax0.0]: duplicate section (first on line 1)");
	expect_error("[device dax0]\n", "t.conf:1: [device dax0]: expected");
	expect_error("[device ]\n", "t.conf:1: [device ]: expected");
	expect_error("[device serial:0x]\n", "t.conf:1:");
	expect_error("[device serial:0x12345678901234567]\n", "t.conf:1:");
	expect_error("[device mem01]\n", "t.conf:1:");
	expect_error("[device region1 x]\n", "t.conf:1:");
	/* Consistency is checked per device: low must stay below high there too. */
	expect_error("[policy]\nhigh_watermark_percent = 90\n[device dax0.0]\nlow_watermark_percent = 95\n",
		     "t.conf:4: [device dax0.0] low_watermark_percent: value 95 must be below");
	expect_error("[device dax0.0]\ncritical_permille = 60\n",
		     "t.conf:2: [device dax0.0] critical_permille: value 60 must be below");
}

/*
 * claim and claim_system_ram are keys of the key table like the others: a
 * duplicate is an error, a later file overrides, and they stay [device] keys.
 */
static void test_claim_keys(void **state)
{
	struct cramd_config cfg;
	char err[CRAMD_CONFIG_ERR_MAX];
	struct cramd_config_text two[2] = {
		{ "a.conf", "[device dax0.0]\nclaim = yes\nclaim_system_ram = yes\n", 0 },
		{ "b.conf", "[device dax0.0]\nclaim_system_ram = no\n", 0 },
	};

	expect_error("[device dax0.0]\nclaim = yes\nclaim = no\n",
		     "t.conf:3: [device dax0.0] claim: duplicate key (first set on line 2)");
	expect_error("[device dax0.0]\nclaim = yes\nclaim_system_ram = yes\n"
		     "claim_system_ram = yes\n",
		     "t.conf:4: [device dax0.0] claim_system_ram: duplicate key");
	expect_error("[device dax0.0]\nclaim = maybe\n",
		     "t.conf:2: [device dax0.0] claim: invalid value 'maybe', expected yes or no");
	expect_error("[global]\nclaim = yes\n", "t.conf:2: [global] claim: unknown key");
	expect_error("[policy]\nclaim_system_ram = yes\n",
		     "t.conf:2: [policy] claim_system_ram: unknown key");
	expect_error("[device dax0.0]\nclaim_system_ram = yes\n",
		     "[device dax0.0] claim_system_ram: needs claim = yes");

	cramd_config_init(&cfg);
	two[0].len = strlen(two[0].text);
	two[1].len = strlen(two[1].text);
	assert_int_equal(cramd_config_parse_texts(&cfg, two, 2, err, sizeof(err)), 0);
	assert_int_equal(cfg.n_overrides, 1);
	assert_true(cfg.overrides[0].claim);
	assert_false(cfg.overrides[0].claim_system_ram);
}

/* Sections consistent alone but not together: only the last one applies. */
static void test_inconsistent_combination(void **state)
{
	struct cramd_config cfg;
	struct cramd_policy_params out;
	char err[CRAMD_CONFIG_ERR_MAX];

	cramd_config_init(&cfg);
	assert_int_equal(parse(&cfg, "[device dax0.0]\nhigh_watermark_percent = 82\n"
			       "low_watermark_percent = 70\nreserve_permille = 30\n"
			       "[device region0]\nlow_watermark_percent = 85\n"
			       "[device mem0]\nhigh_watermark_percent = 81\n",
			       err, sizeof(err)), 0);
	assert_int_equal(cramd_config_policy_params(&cfg, &dax0, &out), 3);
	/* region0 low 85 + mem0 high 81 is inconsistent: only mem0's keys apply. */
	assert_int_equal(out.high_watermark_percent, 81);
	assert_int_equal(out.low_watermark_percent, 80);
	assert_int_equal(out.adaptive.reserve_permille, cfg.policy.adaptive.reserve_permille);
}

static void test_too_many(void **state)
{
	char text[4096] = "";
	size_t i, len = 0;

	for (i = 0; i <= CRAMD_CONFIG_MAX_OVERRIDES; i++)
		len += snprintf(text + len, sizeof(text) - len, "[device dax%zu.0]\n", i);
	expect_error(text, "more than 16 device sections");
}

/* mode = and migrate = (issue 10): values, errors with file:line, resolution. */
static void test_mode_and_migrate(void **state)
{
	struct cramd_config cfg;
	struct cramd_device_setup out;
	char err[CRAMD_CONFIG_ERR_MAX];

	cramd_config_init(&cfg);
	assert_int_equal(parse(&cfg,
			       "[device region0]\nmode = placement\n"
			       "[device dax1.0]\nmode = compressed\nmigrate = yes\n",
			       err, sizeof(err)), 0);
	cramd_config_device_setup(&cfg, &dax0, &out);
	assert_int_equal(out.mode, CRAMD_MODE_PLACEMENT);
	assert_false(out.migrate);
	cramd_config_device_setup(&cfg, &dax1, &out);
	assert_int_equal(out.mode, CRAMD_MODE_COMPRESSED);
	assert_true(out.migrate);
	/* the defaults: compressed, no migration */
	cramd_config_device_setup(&cfg, NULL, &out);
	assert_int_equal(out.mode, CRAMD_MODE_COMPRESSED);
	assert_false(out.migrate);
	assert_string_equal(cramd_device_mode_name(CRAMD_MODE_PLACEMENT), "placement");
	assert_string_equal(cramd_device_mode_name(CRAMD_MODE_COMPRESSED), "compressed");

	/* a later section's migrate = yes does not reach a placement node */
	cramd_config_init(&cfg);
	assert_int_equal(parse(&cfg, "[device region0]\nmode = placement\n"
				     "[device mem0]\nmigrate = on\n", err, sizeof(err)), 0);
	cramd_config_device_setup(&cfg, &dax0, &out);
	assert_int_equal(out.mode, CRAMD_MODE_PLACEMENT);
	assert_false(out.migrate);

	expect_error("[device dax0.0]\nmode = Placement\n",
		     "t.conf:2: [device dax0.0] mode: invalid value 'Placement', expected "
		     "compressed or placement");
	expect_error("[device dax0.0]\nmode =\n", "t.conf:2: [device dax0.0] mode: invalid value");
	expect_error("[device dax0.0]\nmode = placement x\n", "expected compressed or placement");
	expect_error("[device dax0.0]\nmigrate = maybe\n",
		     "t.conf:2: [device dax0.0] migrate: invalid value 'maybe', expected yes or no");
	expect_error("[device dax0.0]\nmode = compressed\nmode = placement\n",
		     "t.conf:3: [device dax0.0] mode: duplicate key (first set on line 2)");
	expect_error("[device dax0.0]\nmigrate = no\nmigrate = yes\n",
		     "t.conf:3: [device dax0.0] migrate: duplicate key (first set on line 2)");
	expect_error("[device dax0.0]\nmigrate = yes\nmode = placement\n",
		     "t.conf:2: [device dax0.0] migrate: yes needs mode = compressed");
	/* not a [global] or [policy] key */
	expect_error("[policy]\nmode = placement\n", "t.conf:2: [policy] mode: unknown key");
	expect_error("[global]\nmigrate = yes\n", "t.conf:2: [global] migrate: unknown key");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_and_order),
		cmocka_unit_test(test_later_file_wins),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_inconsistent_combination),
		cmocka_unit_test(test_claim_keys),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_mode_and_migrate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
