// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of cram-discover's output format (cramd/discover-format.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../cramd/discover-format.h"

static int parse(const char *s, struct cramd_discovery *d, char *err, size_t errlen)
{
	err[0] = '\0';
	return cramd_discovery_parse(s, strlen(s), d, err, errlen);
}

static void test_round_trip(void **state)
{
	struct cramd_candidate c[2] = {
		{ .devname = "dax0.0", .region = "region0", .node = 2,
		  .memdevs = "mem0,mem1", .serial = 0xfedcba9876543210ULL,
		  .has_serial = true },
		{ .devname = "dax1.0", .region = "", .node = -1, .memdevs = "" },
	};
	struct cramd_discovery in = { c, 2, 3 }, out;
	char err[128];
	char *text = cramd_discovery_to_json(&in);

	assert_non_null(text);
	assert_int_equal(parse(text, &out, err, sizeof(err)), 0);
	free(text);
	assert_int_equal(out.n, 2);
	assert_int_equal(out.n_regions, 3);
	assert_memory_equal(&out.devs[0], &c[0], sizeof(c[0]));
	assert_memory_equal(&out.devs[1], &c[1], sizeof(c[1]));
	assert_non_null(cramd_discovery_find(&out, "dax1.0"));
	assert_null(cramd_discovery_find(&out, "dax2.0"));
	cramd_discovery_free(&out);

	/* Unknown keys are ignored; no devices is fine. */
	assert_int_equal(parse("{\"format\":\"cram-discover\",\"version\":1,\"new\":[1],"
			       "\"cxl_regions\":0,\"devices\":[]}\n\n", &out, err, sizeof(err)), 0);
	assert_int_equal(out.n, 0);
	cramd_discovery_free(&out);
}

#define HEAD "{\"format\":\"cram-discover\",\"version\":1,\"cxl_regions\":1,\"devices\":["
#define DEV(devname, region, node, memdevs, serial) \
	"{\"devname\":" devname ",\"region\":" region ",\"node\":" node \
	",\"memdevs\":" memdevs ",\"serial\":" serial "}"
#define GOOD DEV("\"dax0.0\"", "\"region0\"", "1", "\"mem0\"", "\"0x1\"")

static void expect_bad(const char *text, const char *why)
{
	struct cramd_discovery d;
	char err[160];

	assert_int_equal(parse(text, &d, err, sizeof(err)), -EBADMSG);
	if (!strstr(err, why))
		fail_msg("'%s': error '%s' lacks '%s'", text, err, why);
	assert_int_equal(d.n, 0);
	assert_null(d.devs);
}

static void test_bad(void **state)
{
	expect_bad("", "no output");
	expect_bad("this is not JSON", "not JSON");
	expect_bad("{\"format\":", "truncated");
	expect_bad("[]", "not a JSON object");
	expect_bad(HEAD GOOD "]} trailing", "unexpected data after the JSON object");
	expect_bad(HEAD GOOD "]}{}", "unexpected data");
	expect_bad("{\"version\":1}", "format: missing");
	expect_bad("{\"format\":\"other\",\"version\":1}", "format: 'other'");
	expect_bad("{\"format\":\"cram-discover\",\"version\":\"1\"}",
		   "version: expected int, got string");
	expect_bad("{\"format\":\"cram-discover\",\"version\":2,\"devices\":[]}",
		   "version 2 is not supported");
	expect_bad("{\"format\":\"cram-discover\",\"version\":1,\"devices\":[]}",
		   "cxl_regions: missing");
	expect_bad("{\"format\":\"cram-discover\",\"version\":1,\"cxl_regions\":-1}",
		   "cxl_regions: -1 is negative");
	expect_bad("{\"format\":\"cram-discover\",\"version\":1,\"cxl_regions\":0,\"devices\":{}}",
		   "devices: expected array, got object");
	expect_bad(HEAD "1]}", "devices[0]: not an object");
	expect_bad(HEAD GOOD "," GOOD "]}", "devices[1].devname: dax0.0 listed twice");
	expect_bad(HEAD DEV("\"../x\"", "\"\"", "1", "\"\"", "null") "]}",
		   "devices[0].devname: '../x' is not a daxX.Y name");
	expect_bad(HEAD DEV("\"dax0.0000000000000000000000000000000000\"", "\"\"", "1", "\"\"",
			    "null") "]}", "devices[0].devname: longer than 31 bytes");
	expect_bad(HEAD DEV("\"dax0.0\"", "\"dax1.0\"", "1", "\"\"", "null") "]}",
		   "devices[0].region: 'dax1.0' is neither");
	expect_bad(HEAD DEV("\"dax0.0\"", "null", "1", "\"\"", "null") "]}",
		   "devices[0].region: expected string, got null");
	expect_bad(HEAD DEV("\"dax0.0\"", "\"\"", "1.5", "\"\"", "null") "]}",
		   "devices[0].node: expected int, got double");
	expect_bad(HEAD DEV("\"dax0.0\"", "\"\"", "-2", "\"\"", "null") "]}",
		   "devices[0].node: -2 is out of range");
	expect_bad(HEAD DEV("\"dax0.0\"", "\"\"", "4294967296", "\"\"", "null") "]}",
		   "out of range");
	expect_bad(HEAD DEV("\"dax0.0\"", "\"\"", "1", "\"mem0,\"", "null") "]}",
		   "devices[0].memdevs: 'mem0,' is not a list");
	expect_bad(HEAD DEV("\"dax0.0\"", "\"\"", "1", "\"mem0,,mem1\"", "null") "]}",
		   "is not a list");
	expect_bad(HEAD DEV("\"dax0.0\"", "\"\"", "1", "\"\"", "12") "]}",
		   "devices[0].serial: expected null or a \"0x\" hex string, got 12");
	expect_bad(HEAD DEV("\"dax0.0\"", "\"\"", "1", "\"\"", "\"0x\"") "]}", "serial");
	expect_bad(HEAD DEV("\"dax0.0\"", "\"\"", "1", "\"\"", "\"0x10000000000000000\"") "]}",
		   "serial");
	expect_bad(HEAD DEV("\"dax0.0\"", "\"\"", "1", "\"\"", "\"0x-1\"") "]}", "serial");
	expect_bad("{\"format\":\"cram-discover\",\"version\":1,\"cxl_regions\":0,"
		   "\"devices\":[{\"devname\":\"dax0.0\",\"region\":\"\",\"node\":1,\"memdevs\":\"\"}]}",
		   "devices[0].serial: missing");
	expect_bad("{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
		   "not JSON");
}

static void test_nul(void **state)
{
	static const char text[] = HEAD GOOD "]}\0";
	struct cramd_discovery d;
	char err[128];

	assert_int_equal(cramd_discovery_parse(text, sizeof(text), &d, err, sizeof(err)),
			 -EBADMSG);
	assert_non_null(strstr(err, "a NUL byte at offset"));
	assert_int_equal(cramd_discovery_parse(text, sizeof(text) - 2, &d, err, sizeof(err)), 0);
	assert_int_equal(d.n, 1);
	assert_true(d.devs[0].has_serial);
	assert_int_equal(d.devs[0].serial, 1);
	cramd_discovery_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_nul),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
