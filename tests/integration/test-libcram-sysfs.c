// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libcram on a umockdev testbed (tests/harness/testbed/mktestbed.sh): discovery
 * for one private-node ABI variant, typed getters and setters, and
 * garbage in every attribute it reads, which must give -EINVAL or -ERANGE
 * and a message naming the file, never a crash.
 *
 *   UMOCKDEV_DIR=TESTBED umockdev-wrapper test-libcram-sysfs v1|v2|p3|none

 *
 * v2 is v1 plus placement mode and explicit migration (has_placement_memory,
 * cram/mode, cram/user_migrate, cram/migrated_pages).
 *
 * The testbed holds one device, dax0.0 (node 1, offline). Run by
 * test-libcram-testbed.sh, which builds the testbed. CRAM_TEST_HOST_NODE1
 * set to 1 says that the real kernel has a node 1.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

#include "../harness/helpers/maps.h"
#include "parse.h"
#include "placement.h"
#include "private.h"
#include "sysfs.h"

#define NODE_DIR	"/sys/devices/system/node"
#define CRAM_DIR	"/sys/bus/dax/devices/dax0.0/cram"

static enum cram_abi abi;
static bool v2;		/* the v1 form plus ABI v2's placement mode */
static bool host_node1;
static char log_buf[1024];

__attribute__((format(printf, 6, 0)))
static void capture_log(struct cram_ctx *ctx, int priority, const char *file, int line,
			const char *fn, const char *format, va_list args)
{
	vsnprintf(log_buf, sizeof(log_buf), format, args);
}

/* Replaces the content of the testbed file @path (O_TRUNC, as sysfs). */
static void put(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	size_t len = strlen(value);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, value, len), (ssize_t)len);
	close(fd);
}

static void get(const char *path, char *buf, size_t len)
{
	assert_true(cram_sysfs_read(CRAM_PATH(path), buf, len) >= 0);
}

static int setup(void **state)
{
	struct cram_ctx *ctx;

	if (cram_new(&ctx) < 0)
		return -1;
	cram_set_log_fn(ctx, capture_log);
	cram_set_log_priority(ctx, LOG_ERR);
	cram_placement_forget_all();
	*state = ctx;
	return 0;
}

static int teardown(void **state)
{
	assert_null(cram_unref(*state));
	return 0;
}

static struct cram_device *the_device(struct cram_ctx *ctx)
{
	struct cram_device *dev;

	cram_rescan(ctx);
	dev = cram_device_get_first(ctx);
	assert_non_null(dev);
	assert_null(cram_device_get_next(dev));
	return dev;
}

/* ---- discovery ------------------------------------------------------------- */

static void test_abi(void **state)
{
	struct cram_ctx *ctx = *state;

	assert_int_equal(cram_get_abi(ctx), abi);
	assert_int_equal(cram_has_feature(ctx, CRAM_FEATURE_PRIVATE_NODES),
			 abi == CRAM_ABI_NONE ? -EOPNOTSUPP : 0);
	assert_int_equal(cram_has_feature(ctx, CRAM_FEATURE_USER_PLACEMENT), v2 ? 0 : -EOPNOTSUPP);
	assert_int_equal(cram_has_feature(ctx, CRAM_FEATURE_USER_MIGRATE), v2 ? 0 : -EOPNOTSUPP);
	assert_int_equal(cram_has_feature(ctx, (enum cram_feature)5), -EINVAL);
	/* the testbed's kernel has the provider (a stock one: test-stock-kernel.sh) */
	assert_int_equal(cram_has_feature(ctx, CRAM_FEATURE_PROVIDER), 0);
}

static void test_nodes_offline(void **state)
{
	struct cram_ctx *ctx = *state;
	struct cram_node *node = cram_node_get_first(ctx);
	uint64_t bytes = 0;

	assert_non_null(node);
	assert_int_equal(cram_node_get_id(node), 0);
	assert_false(cram_node_is_private(node));
	assert_int_equal(cram_node_get_kind(node), CRAM_NODE_ORDINARY);
	assert_int_equal(cram_node_get_total_bytes(node, &bytes), 0);
	assert_true(bytes == 2097152ULL * 1024);
	assert_null(cram_node_get_next(node));
}

/* Total and free bytes, as numa_node_size64() gives them, from one read. */
static void test_node_sizes(void **state)
{
	struct cram_node *node = cram_node_get_first(*state);
	uint64_t total = 0, free_bytes = 0, f2 = 0;

	assert_non_null(node);
	assert_int_equal(cram_node_get_size(node, &total, &free_bytes), 0);
	assert_true(total == 2097152ULL * 1024 && free_bytes == 1048576ULL * 1024);
	assert_int_equal(cram_node_get_free_bytes(node, &f2), 0);
	assert_true(f2 == free_bytes);
	assert_int_equal(cram_node_get_size(node, NULL, NULL), 0);
	assert_int_equal(cram_node_get_size(NULL, &total, &free_bytes), -EINVAL);
	assert_int_equal(cram_node_get_free_bytes(node, NULL), -EINVAL);
	assert_int_equal(cram_node_get_kind(NULL), -EINVAL);
}

/* Lists node 1 as the fake kernel does when dax0.0 goes online. */
static void node1_online(void)
{
	if (abi == CRAM_ABI_V1)
		put(NODE_DIR "/has_private_memory", "1\n");
	else
		put(NODE_DIR "/has_memory", "0-1\n");
}

static void node1_offline(void)
{
	if (abi == CRAM_ABI_V1)
		put(NODE_DIR "/has_private_memory", "\n");
	if (v2)
		put(NODE_DIR "/has_placement_memory", "\n");
	put(NODE_DIR "/has_memory", "0\n");
}

/* ABI v2: node 1 online in placement mode (listed as private too). */
static void node1_placement(void)
{
	node1_online();
	put(NODE_DIR "/has_placement_memory", "1\n");
}

static void test_nodes_online(void **state)
{
	struct cram_ctx *ctx = *state;
	struct cram_node *node;
	int seen = 0;

	node1_online();
	cram_rescan(ctx);
	cram_node_foreach(ctx, node) {
		assert_int_equal(cram_node_get_id(node), seen);
		assert_ptr_equal(cram_node_get_ctx(node), ctx);
		assert_int_equal(cram_node_is_private(node), seen == 1 && abi != CRAM_ABI_NONE);
		assert_int_equal(cram_node_get_kind(node),
				 seen == 1 && abi != CRAM_ABI_NONE ? CRAM_NODE_COMPRESSED :
								     CRAM_NODE_ORDINARY);
		seen++;
	}
	assert_int_equal(seen, 2);
	if (v2) {
		node1_placement();
		cram_rescan(ctx);
		node = cram_node_get_next(cram_node_get_first(ctx));
		assert_non_null(node);
		assert_int_equal(cram_node_get_kind(node), CRAM_NODE_PLACEMENT);
		assert_true(cram_node_is_private(node));
	}
	node1_offline();
}

/* A call on node 1 fails with errno @err and maps nothing. */
static void assert_alloc_node1_fails(int err)
{
	uint64_t before = mapped_bytes();

	errno = 0;
	assert_null(cram_alloc_onnode(64 << 20, 1));
	assert_int_equal(errno, err);
	assert_true(mapped_bytes() < before + (64 << 20));
}

static void test_placement_private(void **state)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char *mem = cram_alloc_onnode(page, 0);
	void *addr = mem;
	int status = 42;

	assert_non_null(mem);
	mem[0] = 1;
	node1_online();
	if (abi != CRAM_ABI_NONE) {
		/* Refused before any syscall: private nodes are out of reach. */
		assert_alloc_node1_fails(EOPNOTSUPP);
		assert_int_equal(cram_tonode_memory(mem, page, 1, 0), -EOPNOTSUPP);
		assert_int_equal(cram_move_pages(&addr, 1, 1, &status), -EOPNOTSUPP);
		assert_int_equal(errno, EOPNOTSUPP);
		assert_int_equal(status, 42);
		assert_int_equal(cram_migrate_range(mem, page, 1), -EOPNOTSUPP);
	} else if (!host_node1) {
		/*
		 * An ordinary node 1 passes the check, but the real kernel
		 * has none: mbind() fails after mmap(), and the mapping goes.
		 */
		assert_alloc_node1_fails(EINVAL);
		assert_int_equal(cram_move_pages(&addr, 1, 1, &status), -ENODEV);
	}
	node1_offline();
	cram_placement_forget_all();
	/* Node 1 is gone: no such node. */
	assert_alloc_node1_fails(ENODEV);
	assert_int_equal(cram_free(mem, page), 0);
}

/*
 * ABI v2. A placement node passes libcram's checks, and the syscalls go
 * to the real kernel, which has no node 1 (unless the host has one: then
 * only the checks are shown). A compressed node stays out of reach of
 * mbind(); moves reach it only while its device's user_migrate is 1.
 */
static void test_placement_v2(void **state)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char *mem;
	void *addr;
	int status = 42;

	if (!v2)
		skip();
	mem = cram_alloc_onnode(page, 0);
	assert_non_null(mem);
	mem[0] = 1;
	addr = mem;
	node1_placement();
	if (!host_node1) {
		/* Checked, mapped, refused by the kernel: nothing stays mapped. */
		assert_alloc_node1_fails(EINVAL);
		assert_int_equal(cram_tonode_memory(mem, page, 1, 0), -EINVAL);
		assert_int_equal(cram_move_pages(&addr, 1, 1, &status), -ENODEV);
		assert_int_equal(errno, ENODEV);
	}
	/* The kernel refused: the node was checked again, and is still fine. */
	node1_offline();
	cram_placement_forget_all();
	node1_online();			/* back in compressed mode */
	assert_alloc_node1_fails(EOPNOTSUPP);
	assert_int_equal(cram_tonode_memory(mem, page, 1, 0), -EOPNOTSUPP);
	status = 42;
	assert_int_equal(cram_move_pages(&addr, 1, 1, &status), -EOPNOTSUPP);
	assert_int_equal(status, 42);
	assert_int_equal(cram_migrate_range(mem, page, 1), -EOPNOTSUPP);
	/* user_migrate opens moves (not mbind) into the compressed node */
	put(CRAM_DIR "/user_migrate", "1\n");
	assert_alloc_node1_fails(EOPNOTSUPP);
	assert_int_equal(cram_tonode_memory(mem, page, 1, 0), -EOPNOTSUPP);
	if (!host_node1) {
		assert_int_equal(cram_move_pages(&addr, 1, 1, &status), -ENODEV);
		assert_int_equal(cram_migrate_range(mem, page, 1), -ENODEV);
	}
	/* garbage in user_migrate keeps the node closed */
	put(CRAM_DIR "/user_migrate", "yes\n");
	assert_int_equal(cram_move_pages(&addr, 1, 1, &status), -EOPNOTSUPP);
	put(CRAM_DIR "/user_migrate", "0\n");
	assert_int_equal(cram_move_pages(&addr, 1, 1, &status), -EOPNOTSUPP);
	node1_offline();
	cram_placement_forget_all();
	assert_int_equal(cram_free(mem, page), 0);
}

static void test_device(void **state)
{
	struct cram_ctx *ctx = *state;
	struct cram_device *dev = the_device(ctx);
	struct cram_snapshot snap = { .size = sizeof(snap) };
	uint64_t v = 0;
	bool b = true;
	int node = -1;

	assert_string_equal(cram_device_get_devname(dev), "dax0.0");
	assert_string_equal(cram_device_get_region(dev), "region0");
	assert_string_equal(cram_device_get_path(dev), CRAM_DIR);
	assert_ptr_equal(cram_device_get_by_name(ctx, "dax0.0"), dev);
	assert_null(cram_device_get_by_name(ctx, "dax9.0"));
	assert_ptr_equal(cram_device_get_ctx(dev), ctx);
	assert_int_equal(cram_device_get_state(dev), CRAM_DEVICE_OFFLINE);
	assert_int_equal(cram_device_get_node(dev, &node), 0);
	assert_int_equal(node, 1);
	assert_int_equal(cram_device_get_abi_version(dev, &v), 0);
	assert_true(v == 1);
	assert_int_equal(cram_device_get_total_pages(dev, &v), 0);
	assert_true(v == 262144);
	assert_int_equal(cram_device_get_phys_capacity(dev, &v), 0);
	assert_true(v == 536870912);
	assert_int_equal(cram_device_get_no_alloc(dev, &b), 0);
	assert_false(b);
	assert_int_equal(cram_device_snapshot(dev, &snap), 0);
	assert_true(snap.phys_capacity_bytes == 536870912 && snap.timestamp_ns > 0);
	/* ABI v2 attributes: absent before v2 */
	b = true;
	v = 7;
	assert_int_equal(cram_device_get_mode(dev), v2 ? CRAM_MODE_COMPRESSED : -ENOENT);
	assert_int_equal(cram_device_get_user_migrate(dev, &b), v2 ? 0 : -ENOENT);
	assert_true(v2 ? !b : b);
	assert_int_equal(cram_device_get_migrated_pages(dev, &v), v2 ? 0 : -ENOENT);
	assert_true(v2 ? v == 0 : v == 7);
	assert_int_equal(cram_device_get_mode(NULL), -EINVAL);
	assert_int_equal(cram_device_get_user_migrate(dev, NULL), -EINVAL);
}

/* Every setter writes its knob; a testbed file reads back what was written. */
static void test_setters(void **state)
{
	struct cram_device *dev = the_device(*state);
	char buf[64];

	assert_int_equal(cram_device_set_state(dev, CRAM_DEVICE_ONLINE), 0);
	get(CRAM_DIR "/state", buf, sizeof(buf));
	assert_string_equal(buf, "online\n");
	assert_int_equal(cram_device_set_state(dev, CRAM_DEVICE_OFFLINE), 0);
	assert_int_equal(cram_device_set_state(dev, (enum cram_device_state)7), -EINVAL);
	assert_int_equal(cram_device_set_capacity_pages(dev, 1000), 0);
	get(CRAM_DIR "/capacity_pages", buf, sizeof(buf));
	assert_string_equal(buf, "1000\n");
	assert_int_equal(cram_device_set_capacity_pages(dev, 262144), 0);
	assert_int_equal(cram_device_set_no_alloc(dev, true), 0);
	get(CRAM_DIR "/no_alloc", buf, sizeof(buf));
	assert_string_equal(buf, "1\n");
	assert_int_equal(cram_device_set_no_alloc(dev, false), 0);
	assert_int_equal(cram_device_set_demote_rate_limit(dev, 4096), 0);
	assert_int_equal(cram_device_set_demote_rate_limit(dev, UINT64_MAX), -ERANGE);
	assert_int_equal(cram_device_set_demote_rate_limit(dev, 0), 0);
	assert_int_equal(cram_device_request_evict(dev, 0), 0);
	assert_int_equal(cram_device_set_thresholds(dev, 2000, 1000), 0);
	get(CRAM_DIR "/high_threshold_bytes", buf, sizeof(buf));
	assert_string_equal(buf, "2000\n");
	assert_int_equal(cram_device_set_thresholds(dev, 10, 20), -EINVAL);
	assert_int_equal(cram_device_set_thresholds(dev, 0, 0), 0);
	assert_int_equal(cram_device_set_mode(dev, (enum cram_device_mode)7), -EINVAL);
	if (!v2) {
		/* No such attribute: the kernel has no placement mode. */
		assert_int_equal(cram_device_set_mode(dev, CRAM_MODE_PLACEMENT), -ENOENT);
		assert_int_equal(cram_device_set_user_migrate(dev, true), -ENOENT);
		return;
	}
	assert_int_equal(cram_device_set_mode(dev, CRAM_MODE_PLACEMENT), 0);
	get(CRAM_DIR "/mode", buf, sizeof(buf));
	assert_string_equal(buf, "placement\n");
	assert_int_equal(cram_device_get_mode(dev), CRAM_MODE_PLACEMENT);
	assert_int_equal(cram_device_set_mode(dev, CRAM_MODE_COMPRESSED), 0);
	get(CRAM_DIR "/mode", buf, sizeof(buf));
	assert_string_equal(buf, "compressed\n");
	assert_int_equal(cram_device_set_user_migrate(dev, true), 0);
	get(CRAM_DIR "/user_migrate", buf, sizeof(buf));
	assert_string_equal(buf, "1\n");
	assert_int_equal(cram_device_set_user_migrate(dev, false), 0);
}

/* ---- garbage ----------------------------------------------------------------- */

struct garbage {
	const char *value;
	size_t len;	/* bytes of @value, NUL bytes included */
	int u64;	/* expected from a u64 attribute */
	int node;	/* from cram/node, an int in 0..1023 */
};

/* Bad values of every class, for single-value attributes. */
#define G(v, u64, node)	{ v, sizeof(v) - 1, u64, node }
static const struct garbage garbage[] = {
	G("", -EINVAL, -EINVAL),
	G("\n", -EINVAL, -EINVAL),
	G("-1\n", -EINVAL, -ERANGE),
	G("-0\n", -EINVAL, 0),
	G("18446744073709551616\n", -ERANGE, -ERANGE),
	G("99999999999999999999999999\n", -ERANGE, -ERANGE),
	G("4096\n", 0, -ERANGE),
	G("abc\n", -EINVAL, -EINVAL),
	G("12junk\n", -EINVAL, -EINVAL),
	G("12 junk\n", -EINVAL, -EINVAL),
	G(" 12\n", -EINVAL, -EINVAL),
	G("+12\n", -EINVAL, -EINVAL),
	G("0x10\n", -EINVAL, -EINVAL),
	G("1\n\n", -EINVAL, -EINVAL),
	G("1\0" "2\n", -EINVAL, -EINVAL),
};

static int read_attr(struct cram_device *dev, const char *name)
{
	static const struct {
		const char *name;
		int (*fn)(struct cram_device *, uint64_t *);
	} u64s[] = {
		{ "abi_version", cram_device_get_abi_version },
		{ "total_pages", cram_device_get_total_pages },
		{ "phys_capacity_bytes", cram_device_get_phys_capacity },
		{ "phys_used_bytes", cram_device_get_phys_used },
		{ "logical_bytes", cram_device_get_logical },
		{ "capacity_pages", cram_device_get_capacity_pages },
		{ "demote_rate_limit_bytes", cram_device_get_demote_rate_limit },
		{ "evict_bytes", cram_device_get_evict_pending },
		{ "high_threshold_bytes", cram_device_get_high_threshold },
		{ "low_threshold_bytes", cram_device_get_low_threshold },
	};
	uint64_t v = 77;
	bool b = true;
	size_t i;
	int rc, n = 77;

	if (strcmp(name, "node") == 0) {
		rc = cram_device_get_node(dev, &n);
		assert_true(rc == 0 || n == 77);
		return rc;
	}
	if (strcmp(name, "no_alloc") == 0) {
		rc = cram_device_get_no_alloc(dev, &b);
		assert_true(rc == 0 || b);
		return rc;
	}
	if (strcmp(name, "state") == 0) {
		rc = cram_device_get_state(dev);
		return rc > 0 ? 0 : rc;
	}
	if (strcmp(name, "mode") == 0) {
		rc = cram_device_get_mode(dev);
		return rc > 0 ? 0 : rc;
	}
	if (strcmp(name, "user_migrate") == 0) {
		rc = cram_device_get_user_migrate(dev, &b);
		assert_true(rc == 0 || b);
		return rc;
	}
	if (strcmp(name, "migrated_pages") == 0) {
		rc = cram_device_get_migrated_pages(dev, &v);
		assert_true(rc == 0 || v == 77);
		return rc;
	}
	for (i = 0; i < sizeof(u64s) / sizeof(u64s[0]); i++) {
		if (strcmp(name, u64s[i].name) == 0) {
			rc = u64s[i].fn(dev, &v);
			assert_true(rc == 0 || v == 77);
			return rc;
		}
	}
	fail_msg("no getter for %s", name);
	return 0;
}

static int expected(const char *name, const struct garbage *g)
{
	if (strcmp(name, "node") == 0)
		return g->node;
	if (strcmp(name, "no_alloc") == 0 || strcmp(name, "state") == 0 ||
	    strcmp(name, "mode") == 0 || strcmp(name, "user_migrate") == 0)
		return -EINVAL;
	return g->u64;
}

/* Writes every garbage value into attribute @name, reads it, restores it. */
static void garbage_attr(struct cram_device *dev, const char *name)
{
	char path[256], orig[64];
	size_t i;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", CRAM_DIR, name);
	get(path, orig, sizeof(orig));
	for (i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		int fd = open(path, O_WRONLY | O_TRUNC);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, garbage[i].value, garbage[i].len),
				 (ssize_t)garbage[i].len);
		close(fd);
		log_buf[0] = '\0';
		rc = read_attr(dev, name);
		if (rc != expected(name, &garbage[i]))
			fail_msg("%s = '%s': got %d, want %d", name, garbage[i].value, rc,
				 expected(name, &garbage[i]));
		if (rc < 0 && !strstr(log_buf, path))
			fail_msg("%s = '%s': message '%s' does not name the file", name,
				 garbage[i].value, log_buf);
	}
	put(path, orig);
	assert_int_equal(read_attr(dev, name), 0);
}

static void test_garbage_attrs(void **state)
{
	static const char *const names[] = {
		"abi_version", "state", "node", "total_pages", "phys_capacity_bytes",
		"phys_used_bytes", "logical_bytes", "capacity_pages", "no_alloc",
		"demote_rate_limit_bytes", "evict_bytes", "high_threshold_bytes",
		"low_threshold_bytes",
	};
	struct cram_device *dev = the_device(*state);
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		garbage_attr(dev, names[i]);
	if (v2) {
		garbage_attr(dev, "mode");
		garbage_attr(dev, "user_migrate");
		garbage_attr(dev, "migrated_pages");
	}
}

static void test_garbage_stat(void **state)
{
	static const struct {
		const char *value;
		int rc;
	} bad[] = {
		{ "", -EINVAL }, { "\n", -EINVAL }, { "1 2 3 4 5 6\n", -EINVAL },
		{ "-1 0 0 0 0 0 0\n", -EINVAL }, { "1 2 3 4 5 6 -7\n", -EINVAL },
		{ "18446744073709551616 0 0 0 0 0 0\n", -ERANGE },
		{ "0 0 0 0 0 0 99999999999999999999999\n", -ERANGE },
		{ "abc\n", -EINVAL }, { "1 2 3 4 5 6 7junk\n", -EINVAL },
		{ "1 2 3 4 5 6 7 junk\n", -EINVAL }, { "1  2 3 4 5 6 7\n", -EINVAL },
		{ "0x1 2 3 4 5 6 7\n", -EINVAL }, { "1 2 3 4 5 6 7\n\n", -EINVAL },
	};
	struct cram_device *dev = the_device(*state);
	struct cram_snapshot snap;
	char orig[128];
	size_t i;

	get(CRAM_DIR "/stat", orig, sizeof(orig));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&snap, 0xa5, sizeof(snap));
		snap.size = sizeof(snap);
		put(CRAM_DIR "/stat", bad[i].value);
		log_buf[0] = '\0';
		assert_int_equal(cram_device_snapshot(dev, &snap), bad[i].rc);
		assert_true(snap.timestamp_ns == 0xa5a5a5a5a5a5a5a5ULL);
		assert_non_null(strstr(log_buf, CRAM_DIR "/stat"));
	}
	/* Appended fields of a newer ABI are fine. */
	put(CRAM_DIR "/stat", "1 2 3 4 5 6 7 8 9\n");
	assert_int_equal(cram_device_snapshot(dev, &snap), 0);
	assert_true(snap.phys_capacity_bytes == 1 && snap.ballooned_pages == 7);
	put(CRAM_DIR "/stat", orig);
}

/*
 * Every snapshot reads cram/stat afresh: rewritten in place, replaced by a
 * new file or removed, a snapshot never returns a stale value. rename()
 * and unlink() go to the testbed directly: umockdev redirects only open()
 * and friends.
 */
static void tb_replace(const char *name, const char *value)
{
	char path[512], tmp[sizeof(path) + 8];

	snprintf(path, sizeof(path), "%s%s/%s", getenv("UMOCKDEV_DIR"), CRAM_DIR, name);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	if (value) {
		int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, value, strlen(value)), (ssize_t)strlen(value));
		close(fd);
		assert_int_equal(rename(tmp, path), 0);
	} else {
		assert_int_equal(unlink(path), 0);
	}
}

static void test_stat_read_afresh(void **state)
{
	struct cram_device *dev = the_device(*state);
	struct cram_snapshot snap = { .size = sizeof(snap) };
	char orig[128];

	get(CRAM_DIR "/stat", orig, sizeof(orig));
	put(CRAM_DIR "/stat", "10 1 0 0 0 0 0\n");
	assert_int_equal(cram_device_snapshot(dev, &snap), 0);
	assert_true(snap.phys_capacity_bytes == 10);
	/* rewritten in place, as sysfs regenerates it: read afresh */
	put(CRAM_DIR "/stat", "20 2 0 0 0 0 0\n");
	assert_int_equal(cram_device_snapshot(dev, &snap), 0);
	assert_true(snap.phys_capacity_bytes == 20 && snap.phys_used_bytes == 2);
	/* a new file in its place */
	tb_replace("stat", "30 3 0 0 0 0 0\n");
	assert_int_equal(cram_device_snapshot(dev, &snap), 0);
	assert_true(snap.phys_capacity_bytes == 30 && snap.phys_used_bytes == 3);
	/* gone: an error naming the file, then back */
	tb_replace("stat", NULL);
	log_buf[0] = '\0';
	assert_int_equal(cram_device_snapshot(dev, &snap), -ENOENT);
	tb_replace("stat", "40 4 0 0 0 0 0\n");
	assert_int_equal(cram_device_snapshot(dev, &snap), 0);
	assert_true(snap.phys_capacity_bytes == 40);
	put(CRAM_DIR "/stat", orig);
}

/*
 * Unbinding removes a device's cram/ directory and binding makes a new
 * one. Here the attributes move to a directory beside it (which becomes
 * the new one), so that the directory a device object holds is gone for
 * good. As tb_replace(), on the testbed directly.
 */
static void tb_unbind(void)
{
	char dir[512], saved[sizeof(dir) + 8], from[sizeof(dir) + 256], to[sizeof(saved) + 256];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s%s", getenv("UMOCKDEV_DIR"), CRAM_DIR);
	snprintf(saved, sizeof(saved), "%s.saved", dir);
	assert_int_equal(mkdir(saved, 0755), 0);
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(from, sizeof(from), "%s/%s", dir, de->d_name);
		snprintf(to, sizeof(to), "%s/%s", saved, de->d_name);
		assert_int_equal(rename(from, to), 0);
	}
	closedir(d);
	assert_int_equal(rmdir(dir), 0);
}

static void tb_rebind(void)
{
	char dir[512], saved[sizeof(dir) + 8];

	snprintf(dir, sizeof(dir), "%s%s", getenv("UMOCKDEV_DIR"), CRAM_DIR);
	snprintf(saved, sizeof(saved), "%s.saved", dir);
	assert_int_equal(rename(saved, dir), 0);
}

/*
 * A device whose cram/ directory went away reads and writes -ENOENT,
 * named by the attribute's path, and stores nothing. Bound again, it is a
 * new device: the old object does not read the new bind, a rescan finds it.
 */
static void test_device_gone(void **state)
{
	struct cram_ctx *ctx = *state;
	struct cram_device *dev = the_device(ctx);
	struct cram_snapshot snap;
	uint64_t v = 7;
	bool b = true;
	int node = 7;

	assert_int_equal(cram_device_get_state(dev), CRAM_DEVICE_OFFLINE);
	tb_unbind();
	cram_set_log_priority(ctx, LOG_DEBUG);
	memset(&snap, 0xa5, sizeof(snap));
	snap.size = sizeof(snap);
	log_buf[0] = '\0';
	assert_int_equal(cram_device_snapshot(dev, &snap), -ENOENT);
	assert_true(snap.timestamp_ns == 0xa5a5a5a5a5a5a5a5ULL);
	assert_non_null(strstr(log_buf, CRAM_DIR "/stat"));
	assert_int_equal(cram_device_get_state(dev), -ENOENT);
	assert_int_equal(cram_device_get_node(dev, &node), -ENOENT);
	assert_int_equal(cram_device_get_total_pages(dev, &v), -ENOENT);
	assert_int_equal(cram_device_get_no_alloc(dev, &b), -ENOENT);
	assert_true(node == 7 && v == 7 && b);
	log_buf[0] = '\0';
	assert_int_equal(cram_device_set_no_alloc(dev, true), -ENOENT);
	assert_non_null(strstr(log_buf, CRAM_DIR "/no_alloc"));
	assert_int_equal(cram_device_request_evict(dev, 0), -ENOENT);
	assert_int_equal(cram_device_set_thresholds(dev, 0, 0), -ENOENT);
	assert_string_equal(cram_device_get_path(dev), CRAM_DIR);
	cram_set_log_priority(ctx, LOG_ERR);

	tb_rebind();
	put(CRAM_DIR "/total_pages", "1000\n");
	assert_int_equal(cram_device_get_total_pages(dev, &v), -ENOENT);
	assert_true(v == 7);
	dev = the_device(ctx);
	assert_int_equal(cram_device_get_total_pages(dev, &v), 0);
	assert_true(v == 1000);
	assert_int_equal(cram_device_get_state(dev), CRAM_DEVICE_OFFLINE);
	put(CRAM_DIR "/total_pages", "262144\n");
}

/* Bad node lists: the scan fails (no nodes) and placement is refused. */
static void garbage_nodelist(struct cram_ctx *ctx, const char *name)
{
	static const struct {
		const char *value;
		int rc;
	} bad[] = {
		{ "-1\n", -EINVAL }, { "abc\n", -EINVAL }, { "0-\n", -EINVAL },
		{ "1-0\n", -EINVAL }, { "0,\n", -EINVAL }, { "0 junk\n", -EINVAL },
		{ "0\n\n", -EINVAL }, { "1024\n", -ERANGE },
		{ "99999999999999999999999\n", -ERANGE }, { "0,5000\n", -ERANGE },
	};
	unsigned long mask[CRAM_BITS_TO_LONGS(CRAM_MAX_NODES)];
	char path[128], orig[64];
	size_t i;

	snprintf(path, sizeof(path), "%s/%s", NODE_DIR, name);
	get(path, orig, sizeof(orig));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put(path, bad[i].value);
		log_buf[0] = '\0';
		assert_int_equal(cram_sysfs_read_nodelist(ctx, CRAM_PATH(path), mask, CRAM_MAX_NODES),
				 bad[i].rc);
		assert_non_null(strstr(log_buf, path));
		cram_rescan(ctx);
		assert_null(cram_node_get_first(ctx));
		cram_placement_forget_all();
		errno = 0;
		assert_null(cram_alloc_onnode(4096, 0));
		assert_int_equal(errno, -bad[i].rc);
	}
	put(path, orig);
	cram_rescan(ctx);
	assert_non_null(cram_node_get_first(ctx));
}

/*
 * A bad has_placement_memory: the scan fails, and no private node passes
 * the placement check (ordinary nodes do: the list is not read for them).
 */
static void garbage_placement_list(struct cram_ctx *ctx)
{
	char orig[64];

	get(NODE_DIR "/has_placement_memory", orig, sizeof(orig));
	node1_online();
	put(NODE_DIR "/has_placement_memory", "1 junk\n");
	log_buf[0] = '\0';
	cram_rescan(ctx);
	assert_null(cram_node_get_first(ctx));
	assert_non_null(strstr(log_buf, "cannot list NUMA nodes"));
	cram_placement_forget_all();
	assert_alloc_node1_fails(EINVAL);
	put(NODE_DIR "/has_placement_memory", "1024\n");
	assert_alloc_node1_fails(ERANGE);
	node1_offline();
	put(NODE_DIR "/has_placement_memory", orig);
	cram_rescan(ctx);
	assert_non_null(cram_node_get_first(ctx));
}

static void test_garbage_nodelists(void **state)
{
	garbage_nodelist(*state, "has_memory");
	if (abi == CRAM_ABI_V1)
		garbage_nodelist(*state, "has_private_memory");
	if (v2)
		garbage_placement_list(*state);
	if (abi == CRAM_ABI_P3)
		garbage_nodelist(*state, "has_common_memory");
}

static void test_garbage_meminfo(void **state)
{
	static const struct {
		const char *value;
		int rc;
	} bad[] = {
		{ "", -EINVAL }, { "Node 0 MemTotal: -1 kB\n", -EINVAL },
		{ "Node 0 MemTotal: abc kB\n", -EINVAL }, { "Node 0 MemTotal: 12 kB junk\n", -EINVAL },
		{ "Node 0 MemTotal: 99999999999999999999999 kB\n", -ERANGE },
		{ "Node 0 MemTotal: 18014398509481984 kB\n", -ERANGE },
		{ "Node 1 MemTotal: 12 kB\n", -EINVAL },
	};
	struct cram_ctx *ctx = *state;
	struct cram_node *node = cram_node_get_first(ctx);
	char orig[512];
	uint64_t bytes = 7;
	size_t i;

	assert_non_null(node);
	get(NODE_DIR "/node0/meminfo", orig, sizeof(orig));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put(NODE_DIR "/node0/meminfo", bad[i].value);
		log_buf[0] = '\0';
		assert_int_equal(cram_node_get_total_bytes(node, &bytes), bad[i].rc);
		assert_true(bytes == 7);
		assert_non_null(strstr(log_buf, NODE_DIR "/node0/meminfo"));
	}
	/* MemFree: missing or bad, nothing is stored */
	put(NODE_DIR "/node0/meminfo", "Node 0 MemTotal: 8 kB\n");
	assert_int_equal(cram_node_get_size(node, &bytes, NULL), -EINVAL);
	assert_true(bytes == 7);
	assert_non_null(strstr(log_buf, "MemFree"));
	put(NODE_DIR "/node0/meminfo", "Node 0 MemTotal: 8 kB\nNode 0 MemFree: x kB\n");
	assert_int_equal(cram_node_get_free_bytes(node, &bytes), -EINVAL);
	assert_true(bytes == 7);
	put(NODE_DIR "/node0/meminfo", orig);
}

/* A device whose abi_version is garbage is skipped at discovery. */
static void test_garbage_abi_version_skips(void **state)
{
	struct cram_ctx *ctx = *state;

	put(CRAM_DIR "/abi_version", "1x\n");
	cram_rescan(ctx);
	assert_null(cram_device_get_first(ctx));
	assert_non_null(strstr(log_buf, "abi_version"));
	put(CRAM_DIR "/abi_version", "2\n");
	cram_rescan(ctx);
	assert_null(cram_device_get_first(ctx));
	put(CRAM_DIR "/abi_version", "1\n");
	cram_rescan(ctx);
	assert_non_null(cram_device_get_first(ctx));
}

static int parse_abi(const char *s)
{
	if (strcmp(s, "v1") == 0 || strcmp(s, "v2") == 0)
		return CRAM_ABI_V1;
	if (strcmp(s, "p3") == 0)
		return CRAM_ABI_P3;
	if (strcmp(s, "none") == 0)
		return CRAM_ABI_NONE;
	return -1;
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		T(test_abi),
		T(test_nodes_offline),
		T(test_node_sizes),
		T(test_nodes_online),
		T(test_placement_private),
		T(test_placement_v2),
		T(test_device),
		T(test_setters),
		T(test_garbage_attrs),
		T(test_garbage_stat),
		T(test_stat_read_afresh),
		T(test_device_gone),
		T(test_garbage_nodelists),
		T(test_garbage_meminfo),
		T(test_garbage_abi_version_skips),
	};
	const char *host = getenv("CRAM_TEST_HOST_NODE1");
	int a = argc == 2 ? parse_abi(argv[1]) : -1;

	if (a < 0 || !getenv("UMOCKDEV_DIR")) {
		fprintf(stderr, "usage: UMOCKDEV_DIR=TESTBED umockdev-wrapper %s v1|v2|p3|none\n",
			argv[0]);
		return 2;
	}
	abi = (enum cram_abi)a;
	v2 = strcmp(argv[1], "v2") == 0;
	host_node1 = host && strcmp(host, "1") == 0;
	return cmocka_run_group_tests_name(argv[1], tests, NULL, NULL);
}
