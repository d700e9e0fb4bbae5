// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of cramctl/units.c: the long size form of JSON with -u starts at
 * 5000 KiB, switches from MiB to GiB at 2 GiB, rounds hundredths half up as
 * `cxl list -u` does, and does not overflow for the largest size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../cramctl/units.h"

static void test_long_threshold(void **state)
{
	char buf[64] = "untouched";

	(void)state;
	assert_false(units_long(0, buf, sizeof(buf)));
	assert_false(units_long(UNITS_LONG_MIN - 1, buf, sizeof(buf)));
	assert_string_equal(buf, "untouched");
	assert_true(units_long(UNITS_LONG_MIN, buf, sizeof(buf)));
	assert_string_equal(buf, "4.88 MiB (5.12 MB)");
}

static void test_long_units(void **state)
{
	char buf[64];

	(void)state;
	assert_true(units_long(128ULL << 20, buf, sizeof(buf)));
	assert_string_equal(buf, "128.00 MiB (134.22 MB)");
	assert_true(units_long((2ULL << 30) - 4096, buf, sizeof(buf)));
	assert_string_equal(buf, "2048.00 MiB (2147.48 MB)");
	assert_true(units_long(2ULL << 30, buf, sizeof(buf)));
	assert_string_equal(buf, "2.00 GiB (2.15 GB)");
	/* no TiB: cxl list keeps GiB */
	assert_true(units_long(1ULL << 40, buf, sizeof(buf)));
	assert_string_equal(buf, "1024.00 GiB (1099.51 GB)");
}

static void test_long_rounding(void **state)
{
	char buf[64];

	(void)state;
	/* 5 MiB + 0.005 MiB is half a hundredth: rounds up */
	assert_true(units_long((5ULL << 20) + 5243, buf, sizeof(buf)));
	assert_string_equal(buf, "5.01 MiB (5.25 MB)");
	assert_true(units_long((5ULL << 20) + 5242, buf, sizeof(buf)));
	assert_string_equal(buf, "5.00 MiB (5.25 MB)");
}

static void test_long_largest(void **state)
{
	char buf[64];

	(void)state;
	assert_true(units_long(UINT64_MAX, buf, sizeof(buf)));
	assert_non_null(strstr(buf, " GiB ("));
	assert_non_null(strstr(buf, " GB)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_long_threshold),
		cmocka_unit_test(test_long_units),
		cmocka_unit_test(test_long_rounding),
		cmocka_unit_test(test_long_largest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
