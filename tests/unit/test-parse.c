// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests of libcram's strict sysfs parsers, of the sysfs read/write
 * helpers on plain files, and of the snapshot arithmetic (ratio, headroom,
 * time to full).
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
#include <unistd.h>

#include <cmocka.h>

#include "parse.h"
#include "util/names.h"
#include "private.h"
#include "sysfs.h"

/* Strings every numeric parser must reject with -EINVAL. */
static const char *const garbage[] = {
	"", "\n", "-", "+1", " 1", "1 ", "1x", "0x10", "1\n\n", "\n1", "1\n2",
	"\t1", "1\t", "1.0", "1e3", "abc", "\xd9\xa1",
};

/* ---- cram_parse_u64 ------------------------------------------------------- */

static void test_u64_good(void **state)
{
	uint64_t v;

	assert_int_equal(cram_parse_u64("0", &v), 0);
	assert_true(v == 0);
	assert_int_equal(cram_parse_u64("1\n", &v), 0);
	assert_true(v == 1);
	assert_int_equal(cram_parse_u64("007", &v), 0);
	assert_true(v == 7);
	assert_int_equal(cram_parse_u64("134217728\n", &v), 0);
	assert_true(v == 134217728);
	assert_int_equal(cram_parse_u64("18446744073709551615", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(cram_parse_u64("18446744073709551615\n", &v), 0);
	assert_true(v == UINT64_MAX);
}

static void test_u64_bad(void **state)
{
	uint64_t v = 42;
	size_t i;

	for (i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		assert_int_equal(cram_parse_u64(garbage[i], &v), -EINVAL);
		assert_true(v == 42);
	}
	assert_int_equal(cram_parse_u64("-1", &v), -EINVAL);
	assert_int_equal(cram_parse_u64("-0", &v), -EINVAL);
	assert_int_equal(cram_parse_u64("18446744073709551616", &v), -ERANGE);
	assert_int_equal(cram_parse_u64("99999999999999999999999", &v), -ERANGE);
	assert_int_equal(cram_parse_u64("99999999999999999999999\n", &v), -ERANGE);
	/* Malformed wins over out of range. */
	assert_int_equal(cram_parse_u64("99999999999999999999999x", &v), -EINVAL);
	assert_true(v == 42);
	/* A NUL byte ends the string: what follows it is never seen. */
	assert_int_equal(cram_parse_u64("\0" "1", &v), -EINVAL);
	assert_int_equal(cram_parse_u64(NULL, &v), -EINVAL);
	assert_int_equal(cram_parse_u64("1", NULL), -EINVAL);
}

/* ---- cram_parse_int ------------------------------------------------------- */

static void test_int_good(void **state)
{
	int v;

	assert_int_equal(cram_parse_int("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(cram_parse_int("1\n", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(cram_parse_int("-1\n", &v), 0);
	assert_int_equal(v, -1);
	assert_int_equal(cram_parse_int("2147483647", &v), 0);
	assert_int_equal(v, INT_MAX);
	assert_int_equal(cram_parse_int("-2147483648", &v), 0);
	assert_int_equal(v, INT_MIN);
}

static void test_int_bad(void **state)
{
	int v = 42;
	size_t i;

	for (i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++)
		assert_int_equal(cram_parse_int(garbage[i], &v), -EINVAL);
	assert_int_equal(cram_parse_int("--1", &v), -EINVAL);
	assert_int_equal(cram_parse_int("-+1", &v), -EINVAL);
	assert_int_equal(cram_parse_int("- 1", &v), -EINVAL);
	assert_int_equal(cram_parse_int("2147483648", &v), -ERANGE);
	assert_int_equal(cram_parse_int("-2147483649", &v), -ERANGE);
	assert_int_equal(cram_parse_int("18446744073709551616", &v), -ERANGE);
	assert_int_equal(cram_parse_int("99999999999999999999999", &v), -ERANGE);
	assert_int_equal(v, 42);
}

/* ---- cram_parse_bool ------------------------------------------------------ */

static void test_bool(void **state)
{
	static const char *const bad[] = {
		"", "\n", "2", "01", "10", "1 ", " 1", "-1", "+1", "y", "n", "on",
		"true", "0x1", "1\n\n", "18446744073709551616",
	};
	bool v = false;
	size_t i;

	assert_int_equal(cram_parse_bool("1", &v), 0);
	assert_true(v);
	assert_int_equal(cram_parse_bool("0\n", &v), 0);
	assert_false(v);
	assert_int_equal(cram_parse_bool("1\n", &v), 0);
	assert_true(v);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(cram_parse_bool(bad[i], &v), -EINVAL);
		assert_true(v);
	}
}

/* ---- cram_parse_nodelist -------------------------------------------------- */

#define NBITS	1024

static size_t count_bits(const unsigned long *mask)
{
	size_t bit, n = 0;

	for (bit = 0; bit < NBITS; bit++)
		n += cram_bit_test(mask, bit);
	return n;
}

static void test_nodelist_good(void **state)
{
	unsigned long mask[CRAM_BITS_TO_LONGS(NBITS)];

	assert_int_equal(cram_parse_nodelist("", mask, NBITS), 0);
	assert_int_equal(count_bits(mask), 0);
	assert_int_equal(cram_parse_nodelist("\n", mask, NBITS), 0);
	assert_int_equal(count_bits(mask), 0);
	assert_int_equal(cram_parse_nodelist("0", mask, NBITS), 0);
	assert_true(cram_bit_test(mask, 0));
	assert_int_equal(count_bits(mask), 1);
	assert_int_equal(cram_parse_nodelist("0-1,4\n", mask, NBITS), 0);
	assert_true(cram_bit_test(mask, 0) && cram_bit_test(mask, 1) && cram_bit_test(mask, 4));
	assert_int_equal(count_bits(mask), 3);
	assert_int_equal(cram_parse_nodelist("3-3,63-65,1023", mask, NBITS), 0);
	assert_true(cram_bit_test(mask, 3) && cram_bit_test(mask, 64));
	assert_true(cram_bit_test(mask, 1023));
	assert_int_equal(count_bits(mask), 5);
	assert_int_equal(cram_parse_nodelist("0-1023", mask, NBITS), 0);
	assert_int_equal(count_bits(mask), NBITS);
}

static void test_nodelist_bad(void **state)
{
	static const char *const bad[] = {
		"-1", "+1", " 1", "1 ", "1,", ",1", "1,,2", "1-", "-", "1-2-3", "2-1",
		"a", "0x1", "1\n\n", "1\n,2", "1;2", "1 ,2", "1- 2", "1--2", "\n1",
	};
	unsigned long mask[CRAM_BITS_TO_LONGS(NBITS)];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(cram_parse_nodelist(bad[i], mask, NBITS), -EINVAL);
		assert_int_equal(count_bits(mask), 0);
	}
	assert_int_equal(cram_parse_nodelist("1024", mask, NBITS), -ERANGE);
	assert_int_equal(cram_parse_nodelist("0,1020-1030", mask, NBITS), -ERANGE);
	assert_int_equal(count_bits(mask), 0);
	assert_int_equal(cram_parse_nodelist("99999999999999999999999", mask, NBITS), -ERANGE);
	assert_int_equal(cram_parse_nodelist("2", mask, 2), -ERANGE);
	/* Malformed wins over out of range, wherever they are. */
	assert_int_equal(cram_parse_nodelist("5000,x", mask, NBITS), -EINVAL);
	assert_int_equal(cram_parse_nodelist(NULL, mask, NBITS), -EINVAL);
	assert_int_equal(cram_parse_nodelist("1", mask, 0), -EINVAL);
}

/* ---- cram_parse_stat ------------------------------------------------------ */

static void test_stat_good(void **state)
{
	uint64_t f[7];

	assert_int_equal(cram_parse_stat("1000 500 1500 0 0 0 0\n", f, 7), 0);
	assert_true(f[0] == 1000 && f[1] == 500 && f[2] == 1500 && f[6] == 0);
	assert_int_equal(cram_parse_stat("1 2 3 4 5 6 7", f, 7), 0);
	assert_true(f[3] == 4 && f[6] == 7);
	/* Fields a newer ABI appends are ignored, whatever their value. */
	assert_int_equal(cram_parse_stat("7 6 5 4 3 2 1 8 99999999999999999999999\n", f, 7), 0);
	assert_true(f[0] == 7 && f[6] == 1);
	assert_int_equal(cram_parse_stat("18446744073709551615 0 0 0 0 0 0\n", f, 7), 0);
	assert_true(f[0] == UINT64_MAX);
}

static void test_stat_bad(void **state)
{
	static const char *const bad[] = {
		"", "\n", "1 2 3", "1 2 3 4 5 6", "1 2 3 4 5 6\n", "12 junk", "abc",
		"-5 1 1 1 1 1 1", "+5 1 1 1 1 1 1", " 1 2 3 4 5 6 7", "1 2 3 4 5 6 7 ",
		"1  2 3 4 5 6 7", "1\t2 3 4 5 6 7", "1 2 3 4 5 6 7 x", "1 2 3 4 5 6 7\n\n",
		"1 2 3 4 5 6 7\n8", "0x1 2 3 4 5 6 7", "1,2,3,4,5,6,7",
	};
	uint64_t f[7];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cram_parse_stat(bad[i], f, 7), -EINVAL);
	assert_int_equal(cram_parse_stat("99999999999999999999999 1 1 1 1 1 1", f, 7), -ERANGE);
	assert_int_equal(cram_parse_stat("1 1 1 1 1 1 18446744073709551616\n", f, 7), -ERANGE);
	assert_int_equal(cram_parse_stat("99999999999999999999999 1 1", f, 7), -EINVAL);
	assert_int_equal(cram_parse_stat("1", NULL, 1), -EINVAL);
	assert_int_equal(cram_parse_stat("1", f, 0), -EINVAL);
}

/* ---- cram_parse_meminfo_total --------------------------------------------- */

static void test_meminfo(void **state)
{
	static const char real[] =
		"Node 1 MemTotal:         262144 kB\n"
		"Node 1 MemFree:          262144 kB\n"
		"Node 1 MemUsed:               0 kB\n";
	uint64_t b = 7;

	assert_int_equal(cram_parse_meminfo_total(real, 1, &b), 0);
	assert_true(b == 262144ULL * 1024);
	assert_int_equal(cram_parse_meminfo_total("Node 0 MemFree: 1 kB\nNode 0 MemTotal: 2 kB",
						  0, &b), 0);
	assert_true(b == 2048);
	assert_int_equal(cram_parse_meminfo_total("Node 0 MemTotal: 0 kB\n", 0, &b), 0);
	assert_true(b == 0);

	b = 7;
	assert_int_equal(cram_parse_meminfo_total(real, 0, &b), -EINVAL);
	assert_int_equal(cram_parse_meminfo_total(real, 11, &b), -EINVAL);
	assert_int_equal(cram_parse_meminfo_total("Node 10 MemTotal: 1 kB\n", 1, &b), -EINVAL);
	assert_int_equal(cram_parse_meminfo_total("", 0, &b), -EINVAL);
	assert_int_equal(cram_parse_meminfo_total("\n", 0, &b), -EINVAL);
	assert_int_equal(cram_parse_meminfo_total("Node 0 MemTotal:\n", 0, &b), -EINVAL);
	assert_int_equal(cram_parse_meminfo_total("Node 0 MemTotal:12 kB\n", 0, &b), -EINVAL);
	assert_int_equal(cram_parse_meminfo_total("Node 0 MemTotal: 12\n", 0, &b), -EINVAL);
	assert_int_equal(cram_parse_meminfo_total("Node 0 MemTotal: 12 MB\n", 0, &b), -EINVAL);
	assert_int_equal(cram_parse_meminfo_total("Node 0 MemTotal: 12x kB\n", 0, &b), -EINVAL);
	assert_int_equal(cram_parse_meminfo_total("Node 0 MemTotal: -12 kB\n", 0, &b), -EINVAL);
	assert_int_equal(cram_parse_meminfo_total("Node 0 MemTotal: 12 kBx\n", 0, &b), -EINVAL);
	assert_int_equal(cram_parse_meminfo_total(" Node 0 MemTotal: 1 kB\n", 0, &b), -EINVAL);
	assert_int_equal(cram_parse_meminfo_total("Node 0 MemTotal: 1 kB\n", -1, &b), -EINVAL);
	assert_true(b == 7);
	assert_int_equal(cram_parse_meminfo_total("Node 0 MemTotal: 18014398509481984 kB\n",
						  0, &b), -ERANGE);
	assert_int_equal(cram_parse_meminfo_total("Node 0 MemTotal: 18014398509481983 kB\n",
						  0, &b), 0);
	assert_true(b == 18014398509481983ULL * 1024);
}

/* MemFree for cram_node_get_size(): the field name is matched whole. */
static void test_meminfo_field(void **state)
{
	static const char real[] =
		"Node 2 MemTotal:         262144 kB\n"
		"Node 2 MemFree:          131072 kB\n"
		"Node 2 MemFreeX:              1 kB\n";
	uint64_t b = 7;

	assert_int_equal(cram_parse_meminfo_field(real, 2, "MemFree", &b), 0);
	assert_true(b == 131072ULL * 1024);
	assert_int_equal(cram_parse_meminfo_field(real, 2, "MemTotal", &b), 0);
	assert_true(b == 262144ULL * 1024);
	b = 7;
	assert_int_equal(cram_parse_meminfo_field(real, 1, "MemFree", &b), -EINVAL);
	assert_int_equal(cram_parse_meminfo_field(real, 2, "MemUsed", &b), -EINVAL);
	assert_int_equal(cram_parse_meminfo_field("Node 2 MemFree: 1 MB\n", 2, "MemFree", &b),
			 -EINVAL);
	assert_int_equal(cram_parse_meminfo_field(real, 2, NULL, &b), -EINVAL);
	assert_true(b == 7);
}

/* ---- cram_parse_name ------------------------------------------------------ */

static void test_name(void **state)
{
	static const char *const bad_dax[] = {
		"dax", "dax0", "dax0.", "dax.0", "dax0.0.0", "dax0.0\n", "daxa.0", "dax-1.0",
		"dax0,0", "Dax0.0", "xdax0.0", "dax 0.0", "",
	};
	unsigned int n[2] = { 9, 9 };
	size_t i;

	assert_int_equal(cram_parse_name("dax0.0", "dax", n, 2), 0);
	assert_true(n[0] == 0 && n[1] == 0);
	assert_int_equal(cram_parse_name("dax12.345", "dax", n, 2), 0);
	assert_true(n[0] == 12 && n[1] == 345);
	assert_int_equal(cram_parse_name("region7", "region", n, 1), 0);
	assert_true(n[0] == 7);
	assert_int_equal(cram_parse_name("decoder0.1", "decoder", NULL, 2), 0);
	for (i = 0; i < sizeof(bad_dax) / sizeof(bad_dax[0]); i++)
		assert_int_equal(cram_parse_name(bad_dax[i], "dax", n, 2), -EINVAL);
	assert_int_equal(cram_parse_name("dax_region0", "region", NULL, 1), -EINVAL);
	assert_int_equal(cram_parse_name("region", "region", NULL, 1), -EINVAL);
	assert_int_equal(cram_parse_name("dax4294967296.0", "dax", n, 2), -ERANGE);
}

/* ---- sysfs helpers on plain files ---------------------------------------- */

static char log_buf[512];

__attribute__((format(printf, 6, 0)))
static void capture_log(struct cram_ctx *ctx, int priority, const char *file, int line,
			const char *fn, const char *format, va_list args)
{
	vsnprintf(log_buf, sizeof(log_buf), format, args);
}

struct fixture {
	char dir[64];
	char path[128];
	struct cram_ctx *ctx;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test-parse.XXXXXX");
	if (!mkdtemp(f->dir) || cram_new(&f->ctx) < 0) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/attr", f->dir);
	cram_set_log_fn(f->ctx, capture_log);
	cram_set_log_priority(f->ctx, LOG_ERR);
	log_buf[0] = '\0';
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	unlink(f->path);
	rmdir(f->dir);
	assert_null(cram_unref(f->ctx));
	free(f);
	return 0;
}

static void put_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void region_is(const char *path, const char *want)
{
	char out[16] = "x";

	assert_int_equal(util_region_of_path(path, out, sizeof(out)), 0);
	assert_string_equal(out, want);
}

static void test_region_of_path(void **state)
{
	char out[16] = "x", tiny[7];

	(void)state;
	/* a ram region's dax region, under its CXL decoder */
	region_is("/sys/devices/platform/ACPI0017:00/root0/decoder0.0/region0/dax_region0",
		  "region0");
	region_is("/sys/devices/platform/ACPI0017:00/root0/port1/decoder1.0/region12/dax_region12/dax12.0",
		  "region12");
	region_is("//a//decoder3.1//region7//", "region7");
	/* a pmem region: the nd region under a CXL nvdimm bridge's bus */
	region_is("/sys/devices/platform/ACPI0017:00/root0/nvdimm-bridge0/ndbus0/region0/dax0.0",
		  "region0");
	/* an NFIT nd region is not a CXL region */
	assert_int_equal(util_region_of_path("/sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/region0/dax0.0",
					     out, sizeof(out)), -ENOENT);
	assert_string_equal(out, "x");
	/* "regionN" alone, or under anything else, is not enough */
	assert_int_equal(util_region_of_path("/sys/bus/cxl/devices/region0", out, sizeof(out)), -ENOENT);
	assert_int_equal(util_region_of_path("/x/decoder0/region0", out, sizeof(out)), -ENOENT);
	assert_int_equal(util_region_of_path("/x/decoder0.0/region", out, sizeof(out)), -ENOENT);
	assert_int_equal(util_region_of_path("/x/decoder0.0/regions0", out, sizeof(out)), -ENOENT);
	assert_int_equal(util_region_of_path("/x/ndbus0/region0", out, sizeof(out)), -ENOENT);
	assert_int_equal(util_region_of_path("", out, sizeof(out)), -ENOENT);
	assert_int_equal(util_region_of_path("/", out, sizeof(out)), -ENOENT);
	/* a component longer than any name looked for is not one */
	assert_int_equal(util_region_of_path("/x/decoder0.0/region0000000000000000000000000000000000000000000000000000000000000000000001",
					     out, sizeof(out)), -ENOENT);
	assert_int_equal(util_region_of_path("/x/decoder0.0/region1234", tiny, sizeof(tiny)),
			 -ENAMETOOLONG);
}

static void test_sysfs_read(void **state)
{
	struct fixture *f = *state;
	char buf[8];

	assert_int_equal(cram_sysfs_read(CRAM_PATH(f->path), buf, sizeof(buf)), -ENOENT);
	put_file(f->path, "1234\n", 5);
	assert_int_equal(cram_sysfs_read(CRAM_PATH(f->path), buf, sizeof(buf)), 5);
	assert_string_equal(buf, "1234\n");
	put_file(f->path, "1234567", 7);
	assert_int_equal(cram_sysfs_read(CRAM_PATH(f->path), buf, sizeof(buf)), 7);
	put_file(f->path, "12345678", 8);
	assert_int_equal(cram_sysfs_read(CRAM_PATH(f->path), buf, sizeof(buf)), -EFBIG);
	put_file(f->path, "1\0" "23\n", 5);
	assert_int_equal(cram_sysfs_read(CRAM_PATH(f->path), buf, sizeof(buf)), -EINVAL);
	put_file(f->path, "", 0);
	assert_int_equal(cram_sysfs_read(CRAM_PATH(f->path), buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(cram_sysfs_read(CRAM_PATH(f->dir), buf, sizeof(buf)), -EISDIR);
}

static void test_sysfs_read_u64_logs_path(void **state)
{
	struct fixture *f = *state;
	uint64_t v = 3;

	put_file(f->path, "12 junk\n", 8);
	assert_int_equal(cram_sysfs_read_u64(f->ctx, CRAM_PATH(f->path), &v), -EINVAL);
	assert_true(v == 3);
	assert_non_null(strstr(log_buf, f->path));
	assert_non_null(strstr(log_buf, "'12 junk'"));

	put_file(f->path, "1\0" "2", 3);
	assert_int_equal(cram_sysfs_read_u64(f->ctx, CRAM_PATH(f->path), &v), -EINVAL);
	assert_non_null(strstr(log_buf, "NUL"));

	put_file(f->path, "\x01\xff\n", 3);
	assert_int_equal(cram_sysfs_read_u64(f->ctx, CRAM_PATH(f->path), &v), -EINVAL);
	assert_non_null(strstr(log_buf, "'?" "?'"));

	put_file(f->path, "99999999999999999999999\n", 24);
	assert_int_equal(cram_sysfs_read_u64(f->ctx, CRAM_PATH(f->path), &v), -ERANGE);
	assert_non_null(strstr(log_buf, "out of range"));

	put_file(f->path, "42\n", 3);
	assert_int_equal(cram_sysfs_read_u64(f->ctx, CRAM_PATH(f->path), &v), 0);
	assert_true(v == 42);
}

static void test_sysfs_write(void **state)
{
	struct fixture *f = *state;
	char buf[16];

	assert_int_equal(cram_sysfs_write(f->ctx, CRAM_PATH(f->path), "1"), -ENOENT);
	put_file(f->path, "offline_movable\n", 16);
	assert_int_equal(cram_sysfs_write(f->ctx, CRAM_PATH(f->path), "online"), 0);
	/* O_TRUNC: nothing of the longer old value is left. */
	assert_int_equal(cram_sysfs_read(CRAM_PATH(f->path), buf, sizeof(buf)), 7);
	assert_string_equal(buf, "online\n");
	assert_int_equal(cram_sysfs_write_raw(f->ctx, CRAM_PATH(f->path), "1\n"), -EINVAL);
	/* /dev/null accepts the write but reads back nothing. */
	log_buf[0] = '\0';
	assert_int_equal(cram_sysfs_write(f->ctx, CRAM_PATH("/dev/null"), "5"), -EIO);
	assert_non_null(strstr(log_buf, "/dev/null"));
	assert_non_null(strstr(log_buf, "'5'"));
}

/* ---- snapshot arithmetic --------------------------------------------------- */

static void test_snapshot_math(void **state)
{
	struct cram_snapshot s = { .size = sizeof(s) };

	assert_true(cram_snapshot_ratio(&s) == 0.0);
	assert_true(cram_snapshot_headroom(&s) == 0);
	s.phys_capacity_bytes = 1000;
	s.phys_used_bytes = 500;
	s.logical_bytes = 1500;
	assert_true(cram_snapshot_ratio(&s) == 3.0);
	assert_true(cram_snapshot_headroom(&s) == 500);
	s.phys_used_bytes = 1200;
	assert_true(cram_snapshot_headroom(&s) == 0);
	/* A caller's struct too small to hold the fields. */
	s.size = offsetof(struct cram_snapshot, phys_used_bytes);
	assert_true(cram_snapshot_headroom(&s) == 0);
	assert_true(cram_snapshot_ratio(&s) == 0.0);
	assert_true(cram_snapshot_ratio(NULL) == 0.0);
	assert_true(cram_snapshot_headroom(NULL) == 0);
}

/* ---- time to full ---------------------------------------------------------- */

static void fill_snap(struct cram_snapshot *s, uint64_t t, uint64_t cap, uint64_t used)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	s->timestamp_ns = t;
	s->phys_capacity_bytes = cap;
	s->phys_used_bytes = used;
	s->demoted_pages = 100;
	s->promoted_pages = 10;
	s->evicted_pages = 5;
}

static void test_time_to_full(void **state)
{
	struct cram_snapshot a, b;
	uint64_t ns = 7;

	/* 100 bytes per second, 900 bytes left: 9 s. */
	fill_snap(&a, 1000000000, 1000, 0);
	fill_snap(&b, 2000000000, 1000, 100);
	assert_int_equal(cram_snapshot_time_to_full(&a, &b, &ns), 0);
	assert_true(ns == 9000000000ULL);
	/* No growth, and shrinking: never. */
	b.phys_used_bytes = 0;
	assert_int_equal(cram_snapshot_time_to_full(&a, &b, &ns), 0);
	assert_true(ns == CRAM_TIME_NEVER);
	a.phys_used_bytes = 500;
	b.phys_used_bytes = 400;
	assert_int_equal(cram_snapshot_time_to_full(&a, &b, &ns), 0);
	assert_true(ns == CRAM_TIME_NEVER);
	/* Full and over full: 0, whatever the rate. */
	b.phys_used_bytes = 1000;
	assert_int_equal(cram_snapshot_time_to_full(&a, &b, &ns), 0);
	assert_true(ns == 0);
	b.phys_used_bytes = 5000;
	assert_int_equal(cram_snapshot_time_to_full(&a, &b, &ns), 0);
	assert_true(ns == 0);
	/* A crawl over a huge device does not overflow: clamped to never. */
	fill_snap(&a, 1, UINT64_MAX, 0);
	fill_snap(&b, UINT64_MAX, UINT64_MAX, 1);
	assert_int_equal(cram_snapshot_time_to_full(&a, &b, &ns), 0);
	assert_true(ns == CRAM_TIME_NEVER);
	/* Big numbers that fit: 3 * 2^62 left at 2^62 bytes per ns. */
	fill_snap(&a, 10, UINT64_MAX, 0);
	fill_snap(&b, 11, UINT64_MAX, 1ULL << 62);
	assert_int_equal(cram_snapshot_time_to_full(&a, &b, &ns), 0);
	assert_true(ns == 2);
}

static void test_time_to_full_bad(void **state)
{
	struct cram_snapshot a, b;
	uint64_t ns = 7;

	fill_snap(&a, 1000, 1000, 0);
	fill_snap(&b, 1000, 1000, 100);
	/* Equal and backwards timestamps. */
	assert_int_equal(cram_snapshot_time_to_full(&a, &b, &ns), -EINVAL);
	b.timestamp_ns = 999;
	assert_int_equal(cram_snapshot_time_to_full(&a, &b, &ns), -EINVAL);
	b.timestamp_ns = 2000;
	/* Counters reset or capacity changed: another bind of the device. */
	b.demoted_pages = 99;
	assert_int_equal(cram_snapshot_time_to_full(&a, &b, &ns), -ESTALE);
	b.demoted_pages = 100;
	b.promoted_pages = 0;
	assert_int_equal(cram_snapshot_time_to_full(&a, &b, &ns), -ESTALE);
	b.promoted_pages = 10;
	b.evicted_pages = 4;
	assert_int_equal(cram_snapshot_time_to_full(&a, &b, &ns), -ESTALE);
	b.evicted_pages = 5;
	b.phys_capacity_bytes = 2000;
	assert_int_equal(cram_snapshot_time_to_full(&a, &b, &ns), -ESTALE);
	b.phys_capacity_bytes = 1000;
	/* Bad arguments. */
	b.size = offsetof(struct cram_snapshot, ballooned_pages);
	assert_int_equal(cram_snapshot_time_to_full(&a, &b, &ns), -EINVAL);
	b.size = sizeof(b);
	assert_int_equal(cram_snapshot_time_to_full(NULL, &b, &ns), -EINVAL);
	assert_int_equal(cram_snapshot_time_to_full(&a, NULL, &ns), -EINVAL);
	assert_int_equal(cram_snapshot_time_to_full(&a, &b, NULL), -EINVAL);
	assert_true(ns == 7);
	assert_int_equal(cram_snapshot_time_to_full(&a, &b, &ns), 0);
	assert_true(ns == 9000);
}

static void test_ctx(void **state)
{
	struct cram_ctx *ctx;
	int data;

	setenv("CRAM_LOG", "debug", 1);
	assert_int_equal(cram_new(&ctx), 0);
	assert_int_equal(cram_get_log_priority(ctx), LOG_DEBUG);
	cram_set_log_fn(ctx, capture_log);
	assert_ptr_equal(cram_ref(ctx), ctx);
	assert_ptr_equal(cram_unref(ctx), ctx);
	cram_set_userdata(ctx, &data);
	assert_ptr_equal(cram_get_userdata(ctx), &data);
	assert_null(cram_unref(ctx));
	setenv("CRAM_LOG", "4", 1);
	assert_int_equal(cram_new(&ctx), 0);
	assert_int_equal(cram_get_log_priority(ctx), 4);
	cram_unref(ctx);
	setenv("CRAM_LOG", "loud", 1);
	assert_int_equal(cram_new(&ctx), 0);
	assert_int_equal(cram_get_log_priority(ctx), LOG_ERR);
	cram_unref(ctx);
	unsetenv("CRAM_LOG");
	assert_null(cram_unref(NULL));
	assert_int_equal(cram_new(NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64_good),
		cmocka_unit_test(test_u64_bad),
		cmocka_unit_test(test_int_good),
		cmocka_unit_test(test_int_bad),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_nodelist_good),
		cmocka_unit_test(test_nodelist_bad),
		cmocka_unit_test(test_stat_good),
		cmocka_unit_test(test_stat_bad),
		cmocka_unit_test(test_meminfo),
		cmocka_unit_test(test_meminfo_field),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_region_of_path),
		cmocka_unit_test_setup_teardown(test_sysfs_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysfs_read_u64_logs_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysfs_write, setup, teardown),
		cmocka_unit_test(test_snapshot_math),
		cmocka_unit_test(test_time_to_full),
		cmocka_unit_test(test_time_to_full_bad),
		cmocka_unit_test(test_ctx),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
