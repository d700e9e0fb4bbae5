// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the control-socket request parser (cramd/request.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../cramd/request.h"

static int parse(const char *s, struct cramd_request *req, char *err, size_t errlen)
{
	return cramd_request_parse(s, strlen(s), req, err, errlen);
}

static void test_good(void **state)
{
	struct cramd_request req;
	char err[128];

	assert_int_equal(parse("{\"command\":\"status\"}", &req, err, sizeof(err)), 0);
	assert_int_equal(req.command, CRAMD_CMD_STATUS);
	assert_string_equal(req.device, "");
	assert_false(cramd_request_mutates(req.command));

	assert_int_equal(parse(" { \"command\" : \"dump\" }\n", &req, err, sizeof(err)), 0);
	assert_int_equal(req.command, CRAMD_CMD_DUMP);

	assert_int_equal(parse("{\"device\":\"dax12.3\",\"command\":\"online\"}", &req, err,
			       sizeof(err)), 0);
	assert_int_equal(req.command, CRAMD_CMD_ONLINE);
	assert_string_equal(req.device, "dax12.3");
	assert_true(cramd_request_mutates(req.command));

	assert_int_equal(parse("{\"command\":\"offline\",\"device\":\"dax0.0\"}", &req, err,
			       sizeof(err)), 0);
	assert_int_equal(parse("{\"command\":\"pause\"}", &req, err, sizeof(err)), 0);
	assert_true(cramd_request_mutates(req.command));
	assert_int_equal(parse("{\"command\":\"resume\"}", &req, err, sizeof(err)), 0);
	assert_string_equal(cramd_command_name(CRAMD_CMD_RESUME), "resume");
}

/* Each malformed request, with a word its error message must contain. */
static const struct {
	const char *in;
	const char *why;
} bad[] = {
	{ "", "empty" },
	{ "\n", "empty" },
	{ "{", "invalid JSON" },
	{ "{\"command\":\"status\"", "invalid JSON" },
	{ "}", "invalid JSON" },
	{ "nonsense", "invalid JSON" },
	{ "[\"status\"]", "JSON object" },
	{ "\"status\"", "JSON object" },
	{ "42", "JSON object" },
	{ "null", "JSON object" },
	{ "{}", "missing" },
	{ "{\"command\":\"status\"} {}", "JSON" },
	{ "{\"command\":\"status\"}x", "JSON" },
	{ "{\"command\":\"reboot\"}", "unknown command" },
	{ "{\"command\":\"STATUS\"}", "unknown command" },
	{ "{\"command\":\"\"}", "unknown command" },
	{ "{\"command\":7}", "must be a string" },
	{ "{\"command\":null}", "must be a string" },
	{ "{\"command\":[\"status\"]}", "must be a string" },
	{ "{\"command\":\"status\",\"extra\":1}", "unknown key" },
	{ "{\"command\":\"status\",\"device\":\"dax0.0\"}", "takes no" },
	{ "{\"command\":\"online\"}", "needs" },
	{ "{\"command\":\"online\",\"device\":\"\"}", "daxX.Y" },
	{ "{\"command\":\"online\",\"device\":\"dax0\"}", "daxX.Y" },
	{ "{\"command\":\"online\",\"device\":\"dax0.0 \"}", "daxX.Y" },
	{ "{\"command\":\"online\",\"device\":\"dax00.0\"}", "daxX.Y" },
	{ "{\"command\":\"online\",\"device\":\"../dax0.0\"}", "daxX.Y" },
	{ "{\"command\":\"online\",\"device\":\"region0\"}", "daxX.Y" },
	{ "{\"command\":\"online\",\"device\":\"dax9999999999.0\"}", "daxX.Y" },
	{ "{\"command\":\"online\",\"device\":3}", "must be a string" },
	{ "{'command':'status'}", "invalid JSON" },
	{ "{\"command\":\"st\\u0000atus\"}", "unknown command" },
	{ "{\"command\":\"\xff\"}", "invalid JSON" },
};

static void test_bad(void **state)
{
	struct cramd_request req;
	char err[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (parse(bad[i].in, &req, err, sizeof(err)) != -EINVAL || !strstr(err, bad[i].why))
			fail_msg("request '%s': expected -EINVAL with '%s', got '%s'",
				 bad[i].in, bad[i].why, err);
	}
}

static void test_nul_and_size(void **state)
{
	static char big[CRAMD_REQUEST_MAX + 2];
	struct cramd_request req;
	char err[128];

	assert_int_equal(cramd_request_parse("{\"command\":\0\"status\"}", 22, &req, err,
					     sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "NUL"));
	memset(big, ' ', sizeof(big));
	assert_int_equal(cramd_request_parse(big, sizeof(big), &req, err, sizeof(err)), -E2BIG);
	/* Exactly the limit, padded with spaces, is parsed. */
	memcpy(big, "{\"command\":\"dump\"}", 18);
	assert_int_equal(cramd_request_parse(big, CRAMD_REQUEST_MAX, &req, err, sizeof(err)), 0);
	/* Deep nesting is refused, not recursed into. */
	assert_int_equal(parse("{\"command\":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]}", &req, err,
			       sizeof(err)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_nul_and_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
