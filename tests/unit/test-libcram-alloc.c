// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libcram's allocation and placement helpers on the machine's own kernel
 * (no umockdev): memory lands on node 0, as move_pages() and
 * get_mempolicy() confirm; bad arguments and missing nodes fail with the
 * documented errno before any syscall, and nothing is left mapped.
 */
#include <errno.h>
#include <numaif.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include <cram/cram.h>

#include "../harness/helpers/maps.h"

#define NPAGES	16
/* Big enough that valgrind's own mappings cannot hide a leftover one. */
#define BIG	(64 << 20)

static size_t page;
/* A node id with no node directory on this machine. */
static int absent_node = -1;

static int find_absent_node(void)
{
	char path[64];
	int id;

	for (id = 1023; id > 0; id--) {
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d", id);
		if (access(path, F_OK) < 0)
			return id;
	}
	return -1;
}

/* Every page of @mem, queried; asserts all are on @node. */
static void assert_on_node(char *mem, size_t npages, int node)
{
	void *addrs[NPAGES * 4];
	int status[NPAGES * 4];
	size_t i;

	assert_true(npages <= NPAGES * 4);
	for (i = 0; i < npages; i++)
		addrs[i] = mem + i * page;
	assert_int_equal(cram_query_pages(addrs, npages, status), 0);
	for (i = 0; i < npages; i++)
		assert_int_equal(status[i], node);
}

/* The policy get_mempolicy() reports for @addr is MPOL_BIND to @node alone. */
static void assert_bound(void *addr, int node)
{
	unsigned long mask[1024 / (8 * sizeof(unsigned long))] = { 0 };
	int mode = -1;

	assert_int_equal(get_mempolicy(&mode, mask, 1024, addr, MPOL_F_ADDR), 0);
	assert_int_equal(mode, MPOL_BIND);
	assert_true(mask[0] == 1UL << node);
}

static void touch(char *mem, size_t npages)
{
	size_t i;

	for (i = 0; i < npages; i++)
		mem[i * page] = (char)(i + 1);
}

static void test_alloc_node0(void **state)
{
	char *mem = cram_alloc_onnode(NPAGES * page - 1, 0);
	int status, node = -1;
	void *addr;

	assert_non_null(mem);
	assert_bound(mem, 0);
	touch(mem, NPAGES);
	assert_on_node(mem, NPAGES, 0);
	/* get_mempolicy(MPOL_F_NODE | MPOL_F_ADDR) agrees with move_pages(). */
	assert_int_equal(get_mempolicy(&node, NULL, 0, mem, MPOL_F_NODE | MPOL_F_ADDR), 0);
	assert_int_equal(node, 0);
	assert_int_equal(cram_free(mem, NPAGES * page - 1), 0);
	/* The range is gone. */
	addr = mem;
	assert_int_equal(cram_query_pages(&addr, 1, &status), 0);
	assert_int_equal(status, -EFAULT);
}

static void test_alloc_free_unmaps(void **state)
{
	uint64_t before = mapped_bytes();
	char *mem = cram_alloc_onnode(BIG, 0);

	assert_non_null(mem);
	assert_true(mapped_bytes() >= before + BIG);
	assert_int_equal(cram_free(mem, BIG), 0);
	assert_true(mapped_bytes() < before + BIG);
}

/* cram_alloc_onnode() must fail with @err in errno and leave nothing mapped. */
#define assert_alloc_fails(size, node, err)					\
	do {									\
		uint64_t before_ = mapped_bytes();				\
		errno = 0;							\
		assert_null(cram_alloc_onnode(size, node));			\
		assert_int_equal(errno, err);					\
		assert_true(mapped_bytes() < before_ + BIG);			\
	} while (0)

static void test_alloc_bad(void **state)
{
	assert_alloc_fails(0, 0, EINVAL);
	assert_alloc_fails(BIG, -1, EINVAL);
	assert_alloc_fails(BIG, 1024, EINVAL);
	assert_alloc_fails(BIG, 1 << 30, EINVAL);
	assert_alloc_fails(SIZE_MAX, 0, ENOMEM);
	assert_alloc_fails(SIZE_MAX - page, 0, ENOMEM);
	if (absent_node < 0)
		skip();
	assert_alloc_fails(BIG, absent_node, ENODEV);
}

static void test_free_bad(void **state)
{
	char *mem = cram_alloc_onnode(2 * page, 0);

	assert_non_null(mem);
	assert_int_equal(cram_free(NULL, 5), 0);
	errno = 0;
	assert_int_equal(cram_free(mem + 1, page), -EINVAL);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(cram_free(mem, 0), -EINVAL);
	assert_int_equal(cram_free(mem, SIZE_MAX), -EINVAL);
	/* Still mapped and usable after the refused calls. */
	touch(mem, 2);
	assert_int_equal(cram_free(mem, 2 * page), 0);
}

static char *map_pages(size_t npages)
{
	char *mem = mmap(NULL, npages * page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(mem != MAP_FAILED);
	return mem;
}

static void test_tonode(void **state)
{
	char *mem = map_pages(NPAGES);

	touch(mem, NPAGES / 2);
	assert_int_equal(cram_tonode_memory(mem, NPAGES * page, 0,
					    CRAM_MEM_MOVE | CRAM_MEM_STRICT), 0);
	assert_bound(mem, 0);
	assert_bound(mem + (NPAGES - 1) * page, 0);
	touch(mem, NPAGES);
	assert_on_node(mem, NPAGES, 0);
	/* A length that is not a page multiple covers the partial page. */
	assert_int_equal(cram_tonode_memory(mem, 1, 0, 0), 0);
	assert_int_equal(munmap(mem, NPAGES * page), 0);
}

#define assert_errno(call, err)							\
	do {									\
		errno = 0;							\
		assert_int_equal(call, -(err));					\
		assert_int_equal(errno, err);					\
	} while (0)

static void test_tonode_bad(void **state)
{
	char *mem = map_pages(NPAGES);

	assert_errno(cram_tonode_memory(mem + 1, page, 0, 0), EINVAL);
	assert_errno(cram_tonode_memory(mem + page / 2, page, 0, 0), EINVAL);
	assert_errno(cram_tonode_memory(mem, 0, 0, 0), EINVAL);
	assert_errno(cram_tonode_memory(NULL, page, 0, 0), EINVAL);
	assert_errno(cram_tonode_memory(mem, page, -1, 0), EINVAL);
	assert_errno(cram_tonode_memory(mem, page, 1024, 0), EINVAL);
	assert_errno(cram_tonode_memory(mem, page, 0, 1u << 7), EINVAL);
	assert_errno(cram_tonode_memory(mem, SIZE_MAX, 0, 0), EINVAL);
	assert_errno(cram_tonode_memory((void *)(UINTPTR_MAX & ~(page - 1)), 2 * page, 0, 0),
		     EINVAL);
	if (absent_node >= 0)
		assert_errno(cram_tonode_memory(mem, page, absent_node, 0), ENODEV);
	/* Nothing changed the policy of the range. */
	{
		int mode = -1;

		assert_int_equal(get_mempolicy(&mode, NULL, 0, mem, MPOL_F_ADDR), 0);
		assert_int_equal(mode, MPOL_DEFAULT);
	}
	assert_int_equal(munmap(mem, NPAGES * page), 0);
	/* The kernel's own error for a range that is not mapped. */
	assert_errno(cram_tonode_memory(mem, page, 0, 0), EFAULT);
}

static void test_move_pages(void **state)
{
	char *mem = map_pages(4);
	void *addrs[4];
	int status[4], i;

	touch(mem, 3);
	for (i = 0; i < 4; i++)
		addrs[i] = mem + (size_t)i * page;
	/* Page 3 was never touched: not present, so not on node 0. */
	assert_int_equal(cram_move_pages(addrs, 4, 0, status), 1);
	for (i = 0; i < 3; i++)
		assert_int_equal(status[i], 0);
	assert_int_equal(status[3], -ENOENT);
	assert_int_equal(cram_query_pages(addrs, 4, status), 0);
	assert_int_equal(status[0], 0);
	assert_int_equal(status[3], -ENOENT);
	assert_int_equal(cram_migrate_range(mem, 4 * page, 0), 0);
	assert_int_equal(cram_migrate_range(mem, 1, 0), 0);
	assert_int_equal(munmap(mem, 4 * page), 0);
	/* Unmapped pages: a per-page error, not a call error. */
	assert_int_equal(cram_move_pages(addrs, 2, 0, status), 2);
	assert_int_equal(status[0], -EFAULT);
	assert_int_equal(cram_migrate_range(mem, 2 * page, 0), 2);
}

static void test_move_pages_bad(void **state)
{
	char *mem = map_pages(2);
	void *addrs[2] = { mem, mem + page + 8 };
	int status[2] = { 42, 42 };

	assert_errno(cram_move_pages(addrs, 2, 0, status), EINVAL);
	assert_errno(cram_query_pages(addrs, 2, status), EINVAL);
	addrs[1] = NULL;
	assert_errno(cram_move_pages(addrs, 2, 0, status), EINVAL);
	addrs[1] = mem + page;
	assert_errno(cram_move_pages(addrs, 0, 0, status), EINVAL);
	assert_errno(cram_move_pages(NULL, 2, 0, status), EINVAL);
	assert_errno(cram_move_pages(addrs, 2, 0, NULL), EINVAL);
	assert_errno(cram_query_pages(addrs, 2, NULL), EINVAL);
	assert_errno(cram_move_pages(addrs, 2, -3, status), EINVAL);
	/* Nothing reached the kernel: status untouched. */
	assert_int_equal(status[0], 42);
	assert_errno(cram_migrate_range(mem + 1, page, 0), EINVAL);
	assert_errno(cram_migrate_range(mem, 0, 0), EINVAL);
	if (absent_node >= 0) {
		assert_errno(cram_move_pages(addrs, 2, absent_node, status), ENODEV);
		assert_errno(cram_migrate_range(mem, page, absent_node), ENODEV);
	}
	assert_int_equal(status[0], 42);
	assert_int_equal(munmap(mem, 2 * page), 0);
}

static void test_features(void **state)
{
	struct cram_ctx *ctx;
	int abi;

	assert_int_equal(cram_new(&ctx), 0);
	abi = cram_get_abi(ctx);
	assert_true(abi >= 0);
	assert_int_equal(cram_has_feature(ctx, CRAM_FEATURE_PRIVATE_NODES),
			 abi == CRAM_ABI_NONE ? -EOPNOTSUPP : 0);
	assert_int_equal(cram_has_feature(ctx, CRAM_FEATURE_USER_PLACEMENT), -EOPNOTSUPP);
	assert_int_equal(cram_has_feature(ctx, (enum cram_feature)0), -EINVAL);
	assert_int_equal(cram_has_feature(ctx, (enum cram_feature)99), -EINVAL);
	assert_int_equal(cram_has_feature(NULL, CRAM_FEATURE_PRIVATE_NODES), -EINVAL);
	cram_unref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_node0),
		cmocka_unit_test(test_alloc_free_unmaps),
		cmocka_unit_test(test_alloc_bad),
		cmocka_unit_test(test_free_bad),
		cmocka_unit_test(test_tonode),
		cmocka_unit_test(test_tonode_bad),
		cmocka_unit_test(test_move_pages),
		cmocka_unit_test(test_move_pages_bad),
		cmocka_unit_test(test_features),
	};
	char *probe;

	page = (size_t)sysconf(_SC_PAGESIZE);
	absent_node = find_absent_node();
	/* A kernel without NUMA or with mbind() filtered cannot run these. */
	probe = cram_alloc_onnode(page, 0);
	if (!probe) {
		fprintf(stderr, "SKIP: cram_alloc_onnode(node 0): %s\n", strerror(errno));
		return 77;
	}
	cram_free(probe, page);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
