// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of cramd's configuration against hostile input: text after a
 * section header, CR line ends, NUL bytes, the line length limit,
 * "key : value", conflicts across drop-ins, and files that are not
 * regular (FIFO, /dev/zero, a directory) or too large.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../cramd/config.h"
#include "../../cramd/config-reader.h"

static char err[CRAMD_CONFIG_ERR_MAX];

/* Parses the @n texts as the files "a.conf", "b.conf", ... */
static int parse_n(const char *const *texts, const size_t *lens, size_t n,
		   struct cramd_config *cfg)
{
	static const char *const names[] = { "a.conf", "b.conf", "c.conf" };
	struct cramd_config_text files[3];
	size_t i;

	assert_true(n <= 3);
	for (i = 0; i < n; i++)
		files[i] = (struct cramd_config_text){
			names[i], texts[i], lens ? lens[i] : strlen(texts[i]),
		};
	cramd_config_init(cfg);
	return cramd_config_parse_texts(cfg, files, n, err, sizeof(err));
}

/* The @len bytes of @text must be refused with an error starting with @msg. */
static void expect_error_len(const char *text, size_t len, const char *msg)
{
	struct cramd_config cfg;

	if (parse_n(&text, &len, 1, &cfg) != -EINVAL)
		fail_msg("accepted: '%s'", text);
	if (strncmp(err, msg, strlen(msg)) != 0)
		fail_msg("for '%s': error '%s' does not start with '%s'", text, err, msg);
	assert_null(strchr(err, '\n'));
}

static void expect_error(const char *text, const char *msg)
{
	expect_error_len(text, strlen(text), msg);
}

static void expect_ok(const char *text, struct cramd_config *cfg)
{
	if (parse_n(&text, NULL, 1, cfg) != 0)
		fail_msg("refused '%s': %s", text, err);
}

/* #16 item 11: nothing after a header's ']' is ignored silently. */
static void test_text_after_header(void **state)
{
	struct cramd_config cfg;

	expect_error("[policy] high_watermark_percent = 50\n",
		     "a.conf:1: syntax error: text after the section header's ']'");
	expect_error("[global]\n[policy]]\n", "a.conf:2: syntax error: text after");
	expect_error("[global]x\n", "a.conf:1: syntax error: text after");
	expect_error("[device dax0.0] low_watermark_percent = 10\n", "a.conf:1: syntax error");
	/* Blanks and a comment may follow. */
	expect_ok("[global]  \n[policy] ; the policy\nhigh_watermark_percent = 95 ; high\n",
		  &cfg);
	assert_int_equal(cfg.policy.high_watermark_percent, 95);
	expect_ok("[policy]\t# a comment\nlow_watermark_percent = 70\n", &cfg);
	assert_int_equal(cfg.policy.low_watermark_percent, 70);
}

/* #16 item 11: CR-only line ends; CRLF stays accepted. */
static void test_line_ends(void **state)
{
	struct cramd_config cfg;

	expect_error("[policy]\rhigh_watermark_percent = 50\rlow_watermark_percent = 40\r",
		     "a.conf:1: carriage return inside a line");
	expect_error("[global]\npoll_interval_ms = 100\r200\n",
		     "a.conf:2: carriage return inside a line");
	expect_error("[global]\r", "a.conf:1: carriage return");
	expect_ok("[global]\r\npoll_interval_ms = 300\r\n\r\n[policy]\r\npolicy = static\r\n",
		  &cfg);
	assert_int_equal(cfg.poll_interval_ms, 300);
	assert_int_equal(cfg.policy.kind, CRAMD_POLICY_STATIC);
	/* A last line without a line end. */
	expect_ok("[global]\npoll_interval_ms = 400", &cfg);
	assert_int_equal(cfg.poll_interval_ms, 400);
}

/* #16 item 12: a NUL byte is an error at its own line. */
static void test_nul_byte(void **state)
{
	static const char a[] = "[global]\npoll_interval_ms = 100\0junk = 1\n[policy]\n";
	static const char b[] = "[global]\n\n\n# x\0\npoll_interval_ms = 100\n";
	static const char c[] = "\0";

	expect_error_len(a, sizeof(a) - 1, "a.conf:2: NUL byte in the line");
	expect_error_len(b, sizeof(b) - 1, "a.conf:4: NUL byte in the line");
	expect_error_len(c, 1, "a.conf:1: NUL byte");
}

/* #16 item 14: one limit, CRAMD_CONFIG_LINE_MAX characters, exactly. */
static void test_line_limit(void **state)
{
	char text[CRAMD_CONFIG_LINE_MAX + 64];
	char msg[64];
	struct cramd_config cfg;
	int n = snprintf(text, sizeof(text), "[global]\n# ");

	memset(text + n, 'x', CRAMD_CONFIG_LINE_MAX - 2);
	strcpy(text + n + CRAMD_CONFIG_LINE_MAX - 2, "\n");
	expect_ok(text, &cfg);
	/* The same with CRLF: the line end does not count. */
	strcpy(text + n + CRAMD_CONFIG_LINE_MAX - 2, "\r\n");
	expect_ok(text, &cfg);
	strcpy(text + n + CRAMD_CONFIG_LINE_MAX - 2, "x\n");
	snprintf(msg, sizeof(msg), "a.conf:2: line too long (more than %d characters)",
		 CRAMD_CONFIG_LINE_MAX);
	expect_error(text, msg);
	assert_int_equal(CRAMD_CONFIG_LINE_MAX, 255);	/* as cramd.conf(5) says */
}

/* #16 item 14: only "key = value" is documented, so "key : value" is refused. */
static void test_colon(void **state)
{
	expect_error("[global]\npoll_interval_ms : 100\n",
		     "a.conf:2: syntax error: expected key = value ('key : value' is not supported)");
	expect_error("[global]\npoll_interval_ms: 100\n", "a.conf:2: syntax error: expected key");
	expect_error("[global]\n= 100\n", "a.conf:2: syntax error: no key before '='");
	/* A colon in a value is the value's business. */
	expect_error("[global]\ndevices = dax0.0:1\n",
		     "a.conf:2: [global] devices: invalid device name 'dax0.0:1'");
}

/* #16 item 15: a conflict names the file and line of the other value. */
static void test_conflict_names_origin(void **state)
{
	const char *two[] = {
		"[policy]\nlow_watermark_percent = 50\nhigh_watermark_percent = 60\n",
		"[policy]\nlow_watermark_percent = 70\n",
	};
	const char *dev[] = {
		"[device dax0.0]\nlow_watermark_percent = 85\n",
		"[global]\n[policy]\nhigh_watermark_percent = 84\n",
	};
	const char *three[] = {
		"[policy]\ncritical_permille = 15\n",
		"[global]\ndry_run = yes\n",
		"[policy]\nevict_target_permille = 12\n",
	};
	struct cramd_config cfg;

	assert_int_equal(parse_n(two, NULL, 2, &cfg), -EINVAL);
	assert_string_equal(err, "b.conf:2: [policy] low_watermark_percent: value 70 must be "
			    "below high_watermark_percent 60 (set in a.conf:3 [policy])");
	/* A [device] section of an earlier file, broken by a later [policy]. */
	assert_int_equal(parse_n(dev, NULL, 2, &cfg), -EINVAL);
	assert_string_equal(err, "b.conf:3: [policy] high_watermark_percent: value 84 must be "
			    "above low_watermark_percent 85 (set in a.conf:2 [device dax0.0])");
	assert_int_equal(parse_n(three, NULL, 3, &cfg), -EINVAL);
	assert_string_equal(err, "c.conf:2: [policy] evict_target_permille: value 12 must be "
			    "above critical_permille 15 (set in a.conf:2 [policy])");
	/* Only a default is called the default. */
	expect_error("[policy]\nlow_watermark_percent = 95\n",
		     "a.conf:2: [policy] low_watermark_percent: value 95 must be below "
		     "high_watermark_percent 90 (the default)");
}

/* Every message has the form FILE:LINE: [section] key: what is wrong. */
static void test_message_form(void **state)
{
	expect_error("[device dax0.0]\nhigh_watermark_percent = 7x\n",
		     "a.conf:2: [device dax0.0] high_watermark_percent: invalid number '7x'");
	expect_error("[global]\n\ndry_run = perhaps\n",
		     "a.conf:3: [global] dry_run: invalid value 'perhaps'");
	expect_error("[policy]\n[global]\n[policy]\n",
		     "a.conf:3: [policy]: duplicate section (first on line 1)");
}

/* A scratch directory with a configuration "c.conf" and drop-ins "c.conf.d". */
static char dir[64];

static int make_dir(void **state)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(dir, sizeof(dir), "/tmp/cramd-hostile-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/c.conf", dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs("[global]\npoll_interval_ms = 200\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/c.conf.d", dir);
	return mkdir(path, 0755);
}

static int remove_dir(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Loads c.conf; must fail with an error containing @name and @what. */
static void expect_load_error(const char *name, const char *what)
{
	struct cramd_config cfg;
	char path[PATH_MAX], where[PATH_MAX + 8];

	snprintf(path, sizeof(path), "%s/c.conf", dir);
	if (cramd_config_load(&cfg, path, 0, err, sizeof(err)) >= 0)
		fail_msg("%s was accepted", name);
	snprintf(where, sizeof(where), "%s/c.conf.d/%s: ", dir, name);
	if (!strstr(err, where) || !strstr(err, what))
		fail_msg("error '%s' lacks '%s' or '%s'", err, where, what);
}

static void dropin_path(char *path, size_t size, const char *name)
{
	snprintf(path, size, "%s/c.conf.d/%s", dir, name);
}

/* #16 item 13: a FIFO is never opened for a blocking read. */
static void test_fifo(void **state)
{
	char path[PATH_MAX];

	dropin_path(path, sizeof(path), "50-fifo.conf");
	assert_int_equal(mkfifo(path, 0644), 0);
	expect_load_error("50-fifo.conf", "a FIFO, not a regular file");
	unlink(path);
}

/* #16 item 13: a symlink to /dev/zero is refused, not read forever. */
static void test_dev_zero(void **state)
{
	char path[PATH_MAX];

	dropin_path(path, sizeof(path), "50-zero.conf");
	assert_int_equal(symlink("/dev/zero", path), 0);
	expect_load_error("50-zero.conf", "a character device, not a regular file");
	unlink(path);
}

static void test_directory(void **state)
{
	char path[PATH_MAX];

	dropin_path(path, sizeof(path), "x.conf");
	assert_int_equal(mkdir(path, 0755), 0);
	expect_load_error("x.conf", "a directory, not a regular file");
	rmdir(path);
}

/* #16 item 13: at most 1 MiB; exactly 1 MiB of comments is read. */
static void test_huge_file(void **state)
{
	char path[PATH_MAX];
	struct cramd_config cfg;
	char *line = malloc(CRAMD_CONFIG_FILE_MAX);
	size_t i;
	FILE *f;

	assert_non_null(line);
	for (i = 0; i < CRAMD_CONFIG_FILE_MAX; i++)
		line[i] = i % 64 == 63 ? '\n' : '#';
	dropin_path(path, sizeof(path), "50-big.conf");
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(line, 1, CRAMD_CONFIG_FILE_MAX, f), CRAMD_CONFIG_FILE_MAX);
	fclose(f);
	snprintf(line, PATH_MAX, "%s/c.conf", dir);
	if (cramd_config_load(&cfg, line, 0, err, sizeof(err)) != 0)
		fail_msg("1 MiB refused: %s", err);
	assert_int_equal(cfg.poll_interval_ms, 200);
	f = fopen(path, "a");
	assert_non_null(f);
	fputc('\n', f);
	fclose(f);
	expect_load_error("50-big.conf", "larger than 1048576 bytes (1 MiB)");
	unlink(path);
	free(line);
}

/* A later drop-in wins; a missing file with CRAMD_CONFIG_OPTIONAL gives 1. */
static void test_dropins_apply(void **state)
{
	char path[PATH_MAX];
	struct cramd_config cfg;
	FILE *f;

	dropin_path(path, sizeof(path), "10-a.conf");
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[global]\npoll_interval_ms = 300\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/c.conf", dir);
	assert_int_equal(cramd_config_load(&cfg, path, 0, err, sizeof(err)), 0);
	assert_int_equal(cfg.poll_interval_ms, 300);
	snprintf(path, sizeof(path), "%s/none.conf", dir);
	assert_int_equal(cramd_config_load(&cfg, path, 0, err, sizeof(err)), -ENOENT);
	assert_int_equal(cramd_config_load(&cfg, path, CRAMD_CONFIG_OPTIONAL, err,
					   sizeof(err)), 1);
	assert_int_equal(cfg.poll_interval_ms, 1000);
	dropin_path(path, sizeof(path), "10-a.conf");
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_after_header),
		cmocka_unit_test(test_line_ends),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_line_limit),
		cmocka_unit_test(test_colon),
		cmocka_unit_test(test_conflict_names_origin),
		cmocka_unit_test(test_message_form),
		cmocka_unit_test(test_fifo),
		cmocka_unit_test(test_dev_zero),
		cmocka_unit_test(test_directory),
		cmocka_unit_test(test_huge_file),
		cmocka_unit_test(test_dropins_apply),
	};

	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
