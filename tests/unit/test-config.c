// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for cramd/config.c: defaults, every key, every error. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../cramd/config.h"

#define CONFIGS TEST_SRCDIR "/tests/unit/configs/"

static char err[CRAMD_CONFIG_ERR_MAX];

/* Parse @text as if it were the file "t.conf". */
static int parse(const char *text, struct cramd_config *cfg)
{
	struct cramd_config_text t = { "t.conf", text, strlen(text) };

	cramd_config_init(cfg);
	return cramd_config_parse_texts(cfg, &t, 1, err, sizeof(err));
}

/* @text must be refused with an error that contains @needle. */
static void expect_error(const char *text, const char *needle)
{
	struct cramd_config cfg;

	if (parse(text, &cfg) != -EINVAL)
		fail_msg("accepted: '%s'", text);
	if (!strstr(err, needle))
		fail_msg("for '%s': error '%s' lacks '%s'", text, err, needle);
	assert_null(strchr(err, '\n'));
}

static void expect_ok(const char *text, struct cramd_config *cfg)
{
	if (parse(text, cfg) != 0)
		fail_msg("refused '%s': %s", text, err);
}

static void assert_defaults(const struct cramd_config *cfg)
{
	assert_int_equal(cfg->poll_interval_ms, 1000);
	assert_true(cfg->all_devices);
	assert_int_equal(cfg->n_devices, 0);
	assert_false(cfg->dry_run);
	assert_false(cfg->offline_on_stop);
	assert_int_equal(cfg->offline_retries, 5);
	assert_int_equal(cfg->offline_timeout_ms, 5000);
	assert_int_equal(cfg->policy.kind, CRAMD_POLICY_ADAPTIVE);
	assert_int_equal(cfg->policy.high_watermark_percent, 90);
	assert_int_equal(cfg->policy.low_watermark_percent, 80);
	assert_int_equal(cfg->policy.stale_intervals, 3);
	assert_int_equal(cfg->policy.recover_samples, 2);
	assert_int_equal(cfg->policy.adaptive.reserve_permille, 20);
	assert_int_equal(cfg->policy.adaptive.hysteresis_permille, 10);
	assert_int_equal(cfg->policy.adaptive.critical_permille, 10);
	assert_int_equal(cfg->policy.adaptive.evict_target_permille, 40);
	assert_int_equal(cfg->policy.adaptive.actuation_lag_ms, 200);
	assert_int_equal(cfg->policy.adaptive.min_gate_open_ms, 1000);
	assert_int_equal(cfg->policy.adaptive.min_gate_closed_ms, 1000);
	assert_int_equal(cfg->policy.adaptive.min_rate_kib, 1024);
	assert_int_equal(cfg->policy.adaptive.evict_window_ms, 2000);
	assert_int_equal(cfg->policy.adaptive.smoothing_percent, 50);
	assert_int_equal(cfg->policy.adaptive.collapse_hidden_percent, 0);
}

static void test_defaults(void **state)
{
	struct cramd_config cfg;

	cramd_config_init(&cfg);
	assert_defaults(&cfg);
	expect_ok("", &cfg);
	assert_defaults(&cfg);
	expect_ok("# nothing\n; at all\n\n[global]\n[policy]\n", &cfg);
	assert_defaults(&cfg);
	assert_string_equal(cramd_config_policy_name(cfg.policy.kind), "adaptive");
}

static void test_good_file(void **state)
{
	struct cramd_config cfg;

	assert_int_equal(cramd_config_load(&cfg, CONFIGS "good.conf", 0, err,
					   sizeof(err)), 0);
	assert_int_equal(cfg.poll_interval_ms, 250);
	assert_false(cfg.all_devices);
	assert_int_equal(cfg.n_devices, 3);
	assert_string_equal(cfg.devices[0], "dax0.0");
	assert_string_equal(cfg.devices[1], "region3");
	assert_string_equal(cfg.devices[2], "dax12.1");
	assert_true(cfg.dry_run);
	assert_true(cfg.offline_on_stop);
	assert_int_equal(cfg.offline_retries, 2);
	assert_int_equal(cfg.offline_timeout_ms, 1500);
	assert_int_equal(cfg.policy.kind, CRAMD_POLICY_STATIC);
	assert_int_equal(cfg.policy.high_watermark_percent, 95);
	assert_int_equal(cfg.policy.low_watermark_percent, 70);
	assert_int_equal(cfg.policy.stale_intervals, 5);
	assert_int_equal(cfg.policy.recover_samples, 4);
	assert_int_equal(cfg.policy.adaptive.reserve_permille, 30);
	assert_int_equal(cfg.policy.adaptive.hysteresis_permille, 15);
	assert_int_equal(cfg.policy.adaptive.critical_permille, 12);
	assert_int_equal(cfg.policy.adaptive.evict_target_permille, 50);
	assert_int_equal(cfg.policy.adaptive.actuation_lag_ms, 150);
	assert_int_equal(cfg.policy.adaptive.min_gate_open_ms, 2000);
	assert_int_equal(cfg.policy.adaptive.min_gate_closed_ms, 3000);
	assert_int_equal(cfg.policy.adaptive.min_rate_kib, 512);
	assert_int_equal(cfg.policy.adaptive.evict_window_ms, 1500);
	assert_int_equal(cfg.policy.adaptive.smoothing_percent, 25);
}

/* The shipped cramd.conf must parse and give exactly the defaults. */
static void test_shipped_file(void **state)
{
	struct cramd_config cfg;

	if (cramd_config_load(&cfg, TEST_SRCDIR "/conf/cramd.conf", 0, err,
			      sizeof(err)))
		fail_msg("%s", err);
	assert_defaults(&cfg);
}

static void test_poll_interval(void **state)
{
	struct cramd_config cfg;

	expect_ok("[global]\npoll_interval_ms = 10\n", &cfg);
	assert_int_equal(cfg.poll_interval_ms, 10);
	expect_ok("[global]\npoll_interval_ms=60000\n", &cfg);
	assert_int_equal(cfg.poll_interval_ms, 60000);
	expect_ok("[global]\n  poll_interval_ms   =   500   \n", &cfg);
	assert_int_equal(cfg.poll_interval_ms, 500);
	expect_ok("[global]\npoll_interval_ms = 500 ; comment\n", &cfg);
	assert_int_equal(cfg.poll_interval_ms, 500);

	expect_error("[global]\npoll_interval_ms = 9\n",
		     "t.conf:2: [global] poll_interval_ms: value 9 out of range 10..60000");
	expect_error("[global]\npoll_interval_ms = 60001\n", "out of range 10..60000");
	expect_error("[policy]\ncollapse_hidden_percent = 101\n", "out of range 0..100");
	expect_error("[global]\npoll_interval_ms = 0\n", "out of range");
	expect_error("[global]\npoll_interval_ms = 12abc\n",
		     "t.conf:2: [global] poll_interval_ms: invalid number '12abc'");
	expect_error("[global]\npoll_interval_ms =\n",
		     "t.conf:2: [global] poll_interval_ms: empty value");
	expect_error("[global]\npoll_interval_ms = -1\n", "invalid number '-1'");
	expect_error("[global]\npoll_interval_ms = +100\n", "invalid number '+100'");
	expect_error("[global]\npoll_interval_ms = 0x100\n", "invalid number");
	expect_error("[global]\npoll_interval_ms = 1e3\n", "invalid number");
	expect_error("[global]\npoll_interval_ms = 1 000\n", "invalid number");
	expect_error("[global]\npoll_interval_ms = 4294968296\n", "out of range");
	expect_error("[global]\npoll_interval_ms = 18446744073709551616\n",
		     "value 18446744073709551616 out of range");
	expect_error("[global]\npoll_interval_ms = 99999999999999999999999999\n",
		     "out of range");
}

/* What stopping does, and how long one offline write may block. */
static void test_offline_keys(void **state)
{
	struct cramd_config cfg;

	expect_ok("[global]\noffline_on_stop = yes\noffline_retries = 0\n"
		  "offline_timeout_ms = 100\n", &cfg);
	assert_true(cfg.offline_on_stop);
	assert_int_equal(cfg.offline_retries, 0);
	assert_int_equal(cfg.offline_timeout_ms, 100);
	expect_ok("[global]\noffline_retries = 20\noffline_timeout_ms = 60000\n", &cfg);
	assert_false(cfg.offline_on_stop);
	assert_int_equal(cfg.offline_retries, 20);
	assert_int_equal(cfg.offline_timeout_ms, 60000);
	expect_ok("[global]\noffline_timeout_ms = 2500 ; a bigger node\n", &cfg);
	assert_int_equal(cfg.offline_timeout_ms, 2500);
	assert_int_equal(cfg.offline_retries, 5);

	expect_error("[global]\noffline_timeout_ms = 99\n",
		     "t.conf:2: [global] offline_timeout_ms: value 99 out of range 100..60000");
	expect_error("[global]\noffline_timeout_ms = 60001\n", "out of range 100..60000");
	expect_error("[global]\noffline_timeout_ms = 0\n", "out of range 100..60000");
	expect_error("[global]\n\noffline_timeout_ms = 3s\n",
		     "t.conf:3: [global] offline_timeout_ms: invalid number '3s', "
		     "expected an unsigned decimal in 100..60000");
	expect_error("[global]\noffline_timeout_ms =\n",
		     "t.conf:2: [global] offline_timeout_ms: empty value, expected a number "
		     "in 100..60000");
	expect_error("[global]\noffline_timeout_ms = -3000\n", "invalid number '-3000'");
	expect_error("[global]\noffline_timeout_ms = 18446744073709551616\n", "out of range");
	expect_error("[global]\noffline_timeout_ms = 500\noffline_timeout_ms = 600\n",
		     "t.conf:3: [global] offline_timeout_ms: duplicate key (first set on line 2)");
	expect_error("[policy]\noffline_timeout_ms = 500\n",
		     "t.conf:2: [policy] offline_timeout_ms: unknown key");
	expect_error("[device dax0.0]\noffline_timeout_ms = 500\n",
		     "t.conf:2: [device dax0.0] offline_timeout_ms: unknown key");
	expect_error("[global]\noffline_retries = 21\n",
		     "t.conf:2: [global] offline_retries: value 21 out of range 0..20");
	expect_error("[global]\noffline_on_stop = sometimes\n",
		     "t.conf:2: [global] offline_on_stop: invalid value 'sometimes', "
		     "expected yes or no");
}

static void test_watermarks(void **state)
{
	struct cramd_config cfg;

	expect_ok("[policy]\nhigh_watermark_percent = 100\nlow_watermark_percent = 99\n",
		  &cfg);
	assert_int_equal(cfg.policy.high_watermark_percent, 100);
	assert_int_equal(cfg.policy.low_watermark_percent, 99);
	expect_ok("[policy]\nhigh_watermark_percent = 1\nlow_watermark_percent = 0\n",
		  &cfg);
	assert_int_equal(cfg.policy.high_watermark_percent, 1);
	assert_int_equal(cfg.policy.low_watermark_percent, 0);
	/* Order does not matter when the pair is consistent. */
	expect_ok("[policy]\nlow_watermark_percent = 40\nhigh_watermark_percent = 50\n",
		  &cfg);
	assert_int_equal(cfg.policy.low_watermark_percent, 40);

	expect_error("[policy]\nhigh_watermark_percent = 0\n", "out of range 1..100");
	expect_error("[policy]\nhigh_watermark_percent = 101\n", "out of range 1..100");
	expect_error("[policy]\nhigh_watermark_percent = ninety\n", "invalid number");
	expect_error("[policy]\nhigh_watermark_percent = -90\n", "invalid number");
	expect_error("[policy]\nhigh_watermark_percent = \n", "empty value");
	expect_error("[policy]\nlow_watermark_percent = 100\n", "out of range 0..99");
	expect_error("[policy]\nlow_watermark_percent = 8O\n", "invalid number '8O'");
	expect_error("[policy]\nlow_watermark_percent = 99999999999999999999\n",
		     "out of range 0..99");
}

static void test_low_not_below_high(void **state)
{
	/* Reported at the line of whichever of the two keys comes later. */
	expect_error("[policy]\nhigh_watermark_percent = 50\nlow_watermark_percent = 60\n",
		     "t.conf:3: [policy] low_watermark_percent: value 60 must be below "
		     "high_watermark_percent 50");
	expect_error("[policy]\nlow_watermark_percent = 60\nhigh_watermark_percent = 50\n",
		     "t.conf:3: [policy] high_watermark_percent: value 50 must be above "
		     "low_watermark_percent 60");
	expect_error("[policy]\nhigh_watermark_percent = 70\nlow_watermark_percent = 70\n",
		     "t.conf:3: [policy] low_watermark_percent");
	/* Only one set: the other keeps its default, and the error says so. */
	expect_error("\n[policy]\nhigh_watermark_percent = 80\n",
		     "t.conf:3: [policy] high_watermark_percent: value 80 must be above "
		     "low_watermark_percent 80 (the default)");
	expect_error("[policy]\nlow_watermark_percent = 95\n",
		     "t.conf:2: [policy] low_watermark_percent: value 95 must be below "
		     "high_watermark_percent 90 (the default)");
}

static void test_policy(void **state)
{
	struct cramd_config cfg;

	expect_ok("[policy]\npolicy = watermark\n", &cfg);
	assert_int_equal(cfg.policy.kind, CRAMD_POLICY_STATIC);
	expect_ok("[policy]\npolicy = static\n", &cfg);
	assert_int_equal(cfg.policy.kind, CRAMD_POLICY_STATIC);
	expect_ok("[policy]\npolicy = adaptive\n", &cfg);
	assert_int_equal(cfg.policy.kind, CRAMD_POLICY_ADAPTIVE);
	expect_error("[policy]\npolicy = magic\n",
		     "t.conf:2: [policy] policy: unknown policy 'magic', "
		     "expected adaptive, static or watermark");
	expect_error("[policy]\npolicy =\n", "unknown policy ''");
	expect_error("[policy]\npolicy = Watermark\n", "unknown policy");
}

/* The adaptive and fail-safe keys: ranges and the eviction pair. */
static void test_adaptive_keys(void **state)
{
	struct cramd_config cfg;

	expect_ok("[policy]\nreserve_permille = 0\ncritical_permille = 0\nhysteresis_permille = 500\n"
		  "actuation_lag_ms = 0\nmin_rate_kib = 16777216\n", &cfg);
	assert_int_equal(cfg.policy.adaptive.reserve_permille, 0);
	assert_int_equal(cfg.policy.adaptive.critical_permille, 0);
	assert_int_equal(cfg.policy.adaptive.hysteresis_permille, 500);
	assert_int_equal(cfg.policy.adaptive.min_rate_kib, 16777216);
	expect_error("[policy]\nreserve_permille = 501\n",
		     "t.conf:2: [policy] reserve_permille: value 501 out of range 0..500");
	expect_error("[policy]\nstale_intervals = 0\n",
		     "[policy] stale_intervals: value 0 out of range 1..1000");
	expect_error("[policy]\nrecover_samples = x\n", "invalid number 'x'");
	expect_error("[policy]\nsmoothing_percent = 0\n", "out of range 1..100");
	expect_error("[policy]\nevict_window_ms = 99\n", "out of range 100..600000");
	expect_error("[policy]\nmin_gate_open_ms = 600001\n", "out of range 0..600000");
	expect_error("[global]\nreserve_permille = 10\n",
		     "t.conf:2: [global] reserve_permille: unknown key");
	expect_error("[policy]\ncritical_permille = 40\n",
		     "t.conf:2: [policy] critical_permille: value 40 must be below "
		     "evict_target_permille 40 (the default)");
	expect_error("[policy]\ncritical_permille = 5\nevict_target_permille = 5\n",
		     "t.conf:3: [policy] evict_target_permille: value 5 must be above "
		     "critical_permille 5");
	expect_error("[policy]\nactuation_lag_ms = 1\nactuation_lag_ms = 2\n",
		     "t.conf:3: [policy] actuation_lag_ms: duplicate key");
}

/*
 * The adaptive policy fills up to the reserve: eviction must start below
 * it, or the device evicts what the plan put there. In the simulator a
 * reserve of 10 with the default critical level of 10 evicted 97 MB of
 * noise-2 and 225 MB of oscillate that the oracle kept.
 */
static void test_critical_below_reserve(void **state)
{
	struct cramd_config cfg;

	expect_error("[policy]\nreserve_permille = 10\n",
		     "t.conf:2: [policy] reserve_permille: value 10 must be above "
		     "critical_permille 10 (the default)");
	expect_error("[policy]\nreserve_permille = 15\ncritical_permille = 15\n",
		     "t.conf:3: [policy] critical_permille: value 15 must be below "
		     "reserve_permille 15 (set in t.conf:2 [policy])");
	expect_ok("[policy]\nreserve_permille = 10\ncritical_permille = 9\n", &cfg);
	assert_int_equal(cfg.policy.adaptive.critical_permille, 9);
	/* 0: eviction only by the growth over the reaction time */
	expect_ok("[policy]\nreserve_permille = 5\ncritical_permille = 0\n", &cfg);
	/* the static policy does not evict at the critical level */
	expect_ok("[policy]\npolicy = static\nreserve_permille = 5\n", &cfg);
	assert_int_equal(cfg.policy.adaptive.reserve_permille, 5);
	/* per device, with the policy the device gets */
	expect_error("[policy]\npolicy = static\nreserve_permille = 5\n"
		     "[device dax0.0]\npolicy = adaptive\n",
		     "t.conf:3: [policy] reserve_permille: value 5 must be above "
		     "critical_permille 10 (the default)");
	expect_error("[device dax0.0]\nreserve_permille = 8\n",
		     "t.conf:2: [device dax0.0] reserve_permille: value 8 must be above "
		     "critical_permille 10 (the default)");
}

static void test_devices(void **state)
{
	struct cramd_config cfg;
	char text[2048];
	size_t len, i;

	expect_ok("[global]\ndevices = all\n", &cfg);
	assert_true(cfg.all_devices);
	expect_ok("[global]\ndevices = dax1.0\n", &cfg);
	assert_false(cfg.all_devices);
	assert_int_equal(cfg.n_devices, 1);
	assert_string_equal(cfg.devices[0], "dax1.0");
	expect_ok("[global]\ndevices = region0 dax10.20 region123456789\n", &cfg);
	assert_int_equal(cfg.n_devices, 3);
	assert_string_equal(cfg.devices[2], "region123456789");

	expect_error("[global]\ndevices =\n", "t.conf:2: [global] devices: empty value");
	expect_error("[global]\ndevices = foo\n",
		     "t.conf:2: [global] devices: invalid device name 'foo'");
	expect_error("[global]\ndevices = dax0\n", "invalid device name 'dax0'");
	expect_error("[global]\ndevices = dax0.\n", "invalid device name 'dax0.'");
	expect_error("[global]\ndevices = dax.0\n", "invalid device name");
	expect_error("[global]\ndevices = daxa.0\n", "invalid device name");
	expect_error("[global]\ndevices = dax0.0x\n", "invalid device name");
	expect_error("[global]\ndevices = dax-1.0\n", "invalid device name");
	expect_error("[global]\ndevices = dax01.0\n", "invalid device name");
	expect_error("[global]\ndevices = region\n", "invalid device name");
	expect_error("[global]\ndevices = region1.0\n", "invalid device name");
	expect_error("[global]\ndevices = region1234567890\n", "invalid device name");
	expect_error("[global]\ndevices = dax0.0,dax1.0\n", "invalid device name");
	expect_error("[global]\ndevices = all dax0.0\n", "'all' cannot be combined");
	expect_error("[global]\ndevices = dax0.0 all\n",
		     "'all' cannot be combined with device names");
	expect_error("[global]\ndevices = dax0.0 dax0.0\n", "device 'dax0.0' listed twice");
	expect_error("[global]\ndevices = dax0.0 averyveryveryverylongname\n",
		     "invalid device name 'averyveryveryverylongname'");

	/* Lines hold at most 255 characters: a longer list is refused. */
	len = (size_t)snprintf(text, sizeof(text), "[global]\ndevices =");
	for (i = 0; i < 40; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, " dax%zu.0", i);
	snprintf(text + len, sizeof(text) - len, "\n");
	expect_error(text, "t.conf:2: line too long");

	/* 20 names fit on one line. */
	len = (size_t)snprintf(text, sizeof(text), "[global]\ndevices =");
	for (i = 0; i < 20; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, " dax%zu.0", i);
	snprintf(text + len, sizeof(text) - len, "\n");
	expect_ok(text, &cfg);
	assert_int_equal(cfg.n_devices, 20);
	assert_string_equal(cfg.devices[19], "dax19.0");
}

static void test_wants_device(void **state)
{
	struct cramd_config cfg;

	cramd_config_init(&cfg);
	assert_true(cramd_config_wants_device(&cfg, "dax0.0", NULL));
	expect_ok("[global]\ndevices = dax1.0 region4\n", &cfg);
	assert_true(cramd_config_wants_device(&cfg, "dax1.0", "region0"));
	assert_true(cramd_config_wants_device(&cfg, "dax7.0", "region4"));
	assert_false(cramd_config_wants_device(&cfg, "dax0.0", "region0"));
	assert_false(cramd_config_wants_device(&cfg, "dax0.0", NULL));
	assert_false(cramd_config_wants_device(&cfg, "dax1.01", NULL));
}

static void test_valid_names(void **state)
{
	assert_true(cramd_config_valid_device_name("dax0.0"));
	assert_true(cramd_config_valid_device_name("dax999999999.999999999"));
	assert_true(cramd_config_valid_device_name("region0"));
	assert_false(cramd_config_valid_device_name(""));
	assert_false(cramd_config_valid_device_name("dax"));
	assert_false(cramd_config_valid_device_name("dax0.00"));
	assert_false(cramd_config_valid_device_name("dax0.0.0"));
	assert_false(cramd_config_valid_device_name("region"));
	assert_false(cramd_config_valid_device_name("region01"));
	assert_false(cramd_config_valid_device_name("Region0"));
	assert_false(cramd_config_valid_device_name("dax0.0 "));
}

static void test_structure_errors(void **state)
{
	expect_error("[global]\nfrobnicate = 1\n",
		     "t.conf:2: [global] frobnicate: unknown key");
	expect_error("[policy]\npoll_interval_ms = 100\n",
		     "t.conf:2: [policy] poll_interval_ms: unknown key");
	expect_error("[nonsense]\nx = 1\n", "t.conf:1: [nonsense]: unknown section");
	expect_error("[global]\n\n[Global]\n", "t.conf:3: [Global]: unknown section");
	expect_error("[ global ]\n", "t.conf:1: [ global ]: unknown section");
	expect_error("poll_interval_ms = 100\n",
		     "t.conf:1: poll_interval_ms: key outside of any section");
	expect_error("[global]\npoll_interval_ms = 100\npoll_interval_ms = 200\n",
		     "t.conf:3: [global] poll_interval_ms: duplicate key (first set on line 2)");
	expect_error("[policy]\nhigh_watermark_percent = 90\n[global]\n[policy]\n"
		     "high_watermark_percent = 95\n",
		     "t.conf:4: [policy]: duplicate section (first on line 1)");
	expect_error("[global]\n[global]\n", "t.conf:2: [global]: duplicate section");
	expect_error("[global]\njunk\n", "t.conf:2: syntax error");
	expect_error("[global\n", "t.conf:1: syntax error");
	expect_error("[global]\ndevices = dax0.0\n  dax1.0\n",
		     "t.conf:3: indented line: continuation lines are not supported");
	/* The first error wins, and parsing stops there. */
	expect_error("[global]\nbogus = 1\n[nope]\n", "t.conf:2: [global] bogus");
	expect_error("[global]\ngarbage\nbogus = 1\n", "t.conf:2: syntax error");
}

static void test_long_line(void **state)
{
	char text[512];

	snprintf(text, sizeof(text), "[global]\n; %0300d\n", 0);
	expect_error(text, "t.conf:2: line too long");
}

static void test_sample_files(void **state)
{
	struct cramd_config cfg;

	assert_int_equal(cramd_config_load(&cfg, CONFIGS "bad-range.conf", 0, err,
					   sizeof(err)), -EINVAL);
	assert_string_equal(err, CONFIGS "bad-range.conf:7: [policy] "
			    "high_watermark_percent: value 120 out of range 1..100");
	assert_int_equal(cramd_config_load(&cfg, CONFIGS "bad-section.conf", 0, err,
					   sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "bad-section.conf:5: [polcy]: unknown section"));
	assert_int_equal(cramd_config_load(&cfg, CONFIGS "bad-order.conf", 0, err,
					   sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "bad-order.conf:4: [policy] high_watermark_percent"));
}

static void test_missing_file(void **state)
{
	struct cramd_config cfg;

	assert_int_equal(cramd_config_load(&cfg, CONFIGS "no-such.conf", 0, err,
					   sizeof(err)), -ENOENT);
	assert_string_equal(err, CONFIGS "no-such.conf: cannot open: "
			    "No such file or directory");
	/* The defaults stay usable after a missing file. */
	assert_defaults(&cfg);
	/* A directory opens but is not read: only regular files are. */
	assert_int_equal(cramd_config_load(&cfg, CONFIGS, 0, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "a directory, not a regular file"));
}

/* A tiny error buffer truncates the message but never overflows. */
static void test_small_buffer(void **state)
{
	struct cramd_config cfg;
	struct cramd_config_text t = { "t.conf", "[x]\n", 4 };
	char small[8];

	cramd_config_init(&cfg);
	assert_int_equal(cramd_config_parse_texts(&cfg, &t, 1, small, sizeof(small)),
			 -EINVAL);
	assert_string_equal(small, "t.conf:");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_shipped_file),
		cmocka_unit_test(test_poll_interval),
		cmocka_unit_test(test_offline_keys),
		cmocka_unit_test(test_watermarks),
		cmocka_unit_test(test_low_not_below_high),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_adaptive_keys),
		cmocka_unit_test(test_critical_below_reserve),
		cmocka_unit_test(test_devices),
		cmocka_unit_test(test_wants_device),
		cmocka_unit_test(test_valid_names),
		cmocka_unit_test(test_structure_errors),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_sample_files),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_small_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
