// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the control-socket request parser (cramd/control-request.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../cramd/control-request.h"
#include "../../cramd/utf8.h"

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
	assert_int_equal(parse("{\"command\":\"release\",\"device\":\"dax0.0\"}", &req, err,
			       sizeof(err)), 0);
	assert_int_equal(req.command, CRAMD_CMD_RELEASE);
	assert_true(cramd_request_mutates(req.command));
	assert_int_equal(parse("{\"command\":\"release\"}", &req, err, sizeof(err)), -EINVAL);
	assert_int_equal(parse("{\"command\":\"release\",\"device\":\"region0\"}", &req, err,
			       sizeof(err)), -EINVAL);
	/* history reads: any peer may ask, for one device */
	assert_int_equal(parse("{\"command\":\"history\",\"device\":\"dax0.0\"}", &req, err,
			       sizeof(err)), 0);
	assert_int_equal(req.command, CRAMD_CMD_HISTORY);
	assert_string_equal(req.device, "dax0.0");
	assert_false(cramd_request_mutates(req.command));
	assert_int_equal(parse("{\"command\":\"history\"}", &req, err, sizeof(err)), -EINVAL);
	assert_int_equal(parse("{\"command\":\"history\",\"device\":\"../x\"}", &req, err,
			       sizeof(err)), -EINVAL);
	assert_int_equal(parse("{\"command\":\"pause\"}", &req, err, sizeof(err)), 0);
	assert_true(cramd_request_mutates(req.command));
	assert_int_equal(parse("{\"command\":\"resume\"}", &req, err, sizeof(err)), 0);
	/* Escapes that decode to what is expected are fine, as are other objects' keys. */
	assert_int_equal(parse("{\"comm\\u0061nd\":\"st\\u0061tus\"}", &req, err, sizeof(err)), 0);
	assert_int_equal(req.command, CRAMD_CMD_STATUS);
	assert_string_equal(cramd_command_name(CRAMD_CMD_RESUME), "resume");
}

/* @s is printable, strict UTF-8: safe to log and to put in a reply. */
static void assert_safe(const char *s)
{
	if (!cramd_utf8_printable(s, strlen(s)))
		fail_msg("not printable UTF-8: '%s'", s);
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
	{ "{\"command\":\"st\\u0000atus\"}", "NUL" },
	/* #16 item 7: NUL after decoding, in any string. */
	{ "{\"command\":\"dump\\u0000junk\"}", "NUL" },
	{ "{\"command\":\"offline\",\"device\":\"dax1.0\\u0000../../junk\"}", "NUL" },
	{ "{\"command\\u0000x\":\"status\"}", "NUL" },
	{ "{\"command\":\"status\",\"x\":{\"y\":[\"\\u0000\"]}}", "NUL" },
	/* #16 item 8: a key given twice, at any level, however it is spelt. */
	{ "{\"command\":\"status\",\"command\":\"pause\"}", "duplicate key \"command\"" },
	{ "{\"command\":\"status\",\"comm\\u0061nd\":\"pause\"}", "duplicate key" },
	{ "{\"device\":\"dax0.0\",\"command\":\"online\",\"device\":\"dax1.0\"}",
	  "duplicate key \"device\"" },
	{ "{\"command\":\"status\",\"x\":[{\"a\":1,\"b\":{},\"a\":2}]}", "duplicate key \"a\"" },
	/* #16 item 10: strict UTF-8, raw and escaped. */
	{ "{\"command\":\"\xc0\xaf\"}", "invalid UTF-8" },
	{ "{\"command\":\"\xe0\x80\xaf\"}", "invalid UTF-8" },
	{ "{\"command\":\"\xed\xa0\x80\"}", "invalid UTF-8" },
	{ "{\"command\":\"\xf4\x90\x80\x80\"}", "invalid UTF-8" },
	{ "{\"command\":\"\xe2\x82\"}", "invalid UTF-8" },
	{ "{\"command\":\"\\ud800\"}", "surrogate" },
	{ "{\"command\":\"\\udc00x\"}", "surrogate" },
	{ "{\"command\":\"\\ud800\\u0041\"}", "surrogate" },
	/* A raw control character, which json-c lets through. */
	{ "{\"command\":\"sta\ntus\"}", "control character" },
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
		assert_safe(err);
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

/* #16 items 9 and 10: what a request puts in an error is escaped and whole. */
static void test_error_text(void **state)
{
	static char in[1024];
	struct cramd_request req;
	char err[256];
	int n;

	/* A newline cannot forge a log line. */
	assert_int_equal(parse("{\"command\":\"x\\nMar 1 cramd: FORGED\"}", &req, err,
			       sizeof(err)), -EINVAL);
	assert_null(strchr(err, '\n'));
	assert_non_null(strstr(err, "x\\nMar 1"));
	assert_safe(err);
	assert_int_equal(parse("{\"command\":\"\\u001b[31m\\u007f\\t\\r\\\\\"}", &req, err,
			       sizeof(err)), -EINVAL);
	assert_safe(err);
	assert_non_null(strstr(err, "\\x1b[31m\\x7f\\t\\r\\\\"));
	/* 50 two-byte characters: cut at 40 whole ones, then "...". */
	n = snprintf(in, sizeof(in), "{\"command\":\"");
	for (int i = 0; i < 50; i++)
		n += snprintf(in + n, sizeof(in) - n, "\xc3\xa9");
	snprintf(in + n, sizeof(in) - n, "\"}");
	assert_int_equal(parse(in, &req, err, sizeof(err)), -EINVAL);
	assert_safe(err);
	assert_non_null(strstr(err, "\xc3\xa9...\""));
	/* Escaped characters count too: a valid pair decodes to one. */
	n = snprintf(in, sizeof(in), "{\"device\":\"");
	for (int i = 0; i < 50; i++)
		n += snprintf(in + n, sizeof(in) - n, "\\ud83d\\ude00");
	snprintf(in + n, sizeof(in) - n, "\",\"command\":\"online\"}");
	assert_int_equal(parse(in, &req, err, sizeof(err)), -EINVAL);
	assert_safe(err);
	assert_non_null(strstr(err, "\xf0\x9f\x98\x80...\""));
	/* Unknown keys are quoted the same way. */
	assert_int_equal(parse("{\"command\":\"status\",\"\\u0007\":1}", &req, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "unknown key \"\\x07\""));
}

static void test_utf8(void **state)
{
	char out[16];

	assert_int_equal(cramd_utf8_char("a", 1), 1);
	assert_int_equal(cramd_utf8_char("\xc3\xa9", 2), 2);
	assert_int_equal(cramd_utf8_char("\xc3\xa9", 1), 0);
	assert_int_equal(cramd_utf8_char("\xef\xbf\xbf", 3), 3);
	assert_int_equal(cramd_utf8_char("\xf4\x8f\xbf\xbf", 4), 4);
	assert_int_equal(cramd_utf8_char("\xc1\xbf", 2), 0);
	assert_int_equal(cramd_utf8_char("\xf0\x8f\xbf\xbf", 4), 0);
	assert_int_equal(cramd_utf8_char("\xed\xbf\xbf", 3), 0);
	assert_int_equal(cramd_utf8_char("\x80", 1), 0);
	assert_int_equal(cramd_utf8_char("\xff", 1), 0);
	/* Invalid bytes are escaped; a full buffer never cuts a character. */
	cramd_utf8_escape(out, sizeof(out), "a\xff\xc3", 3, 40);
	assert_string_equal(out, "a\\xff\\xc3");
	cramd_utf8_escape(out, sizeof(out), "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", 12, 40);
	assert_string_equal(out, "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac");
	cramd_utf8_escape(out, 12, "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", 12, 40);
	assert_string_equal(out, "\xe2\x82\xac\xe2\x82\xac...");
	cramd_utf8_escape(out, 3, "abc", 3, 40);
	assert_string_equal(out, "");
	cramd_utf8_escape(out, sizeof(out), "abc", 3, 2);
	assert_string_equal(out, "ab...");
	assert_true(cramd_utf8_printable("a\\b \xc3\xa9", 6));
	assert_false(cramd_utf8_printable("a\tb", 3));
	assert_false(cramd_utf8_printable("\x7f", 1));
	assert_false(cramd_utf8_printable("\xc3", 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_nul_and_size),
		cmocka_unit_test(test_error_text),
		cmocka_unit_test(test_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
