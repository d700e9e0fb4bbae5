// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Placing memory on a node: allocation, mbind() over a range, and page
 * moves through move_pages(). Every helper validates its arguments and
 * the target node before any syscall, and fails closed: nothing it
 * mapped stays mapped on error, and errno holds the returned error.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <numaif.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "parse.h"
#include "placement.h"
#include "private.h"

#define NODE_LONGS	CRAM_BITS_TO_LONGS(CRAM_MAX_NODES)
/* Pages handed to one move_pages() call by the range helpers. */
#define MOVE_CHUNK	512

/* Sets errno to -@rc and returns @rc (a negative errno). */
static long fail(long rc)
{
	errno = (int)-rc;
	return rc;
}

/* Rounds @len up to whole pages; false on overflow. */
static bool page_round(size_t len, size_t *out)
{
	size_t page = cram_page_size();

	if (len > SIZE_MAX - (page - 1))
		return false;
	*out = (len + page - 1) & ~(page - 1);
	return true;
}

static bool page_aligned(const void *addr)
{
	return ((uintptr_t)addr & (cram_page_size() - 1)) == 0;
}

/* A page aligned range [addr, addr + len) that neither is empty nor wraps. */
static int check_range(const void *addr, size_t len, size_t *rounded)
{
	if (!addr || !len || !page_aligned(addr))
		return -EINVAL;
	if (!page_round(len, rounded) || (uintptr_t)addr > UINTPTR_MAX - *rounded)
		return -EINVAL;
	return 0;
}

static int check_pages(void **pages, size_t count, const int *status)
{
	size_t i;

	if (!pages || !status || !count || count > LONG_MAX)
		return -EINVAL;
	for (i = 0; i < count; i++)
		if (!pages[i] || !page_aligned(pages[i]))
			return -EINVAL;
	return 0;
}

/* mbind(MPOL_BIND) of a range to the single node @node. Returns 0 or -errno. */
static int bind_range(void *addr, size_t len, int node, unsigned int mf)
{
	unsigned long mask[NODE_LONGS] = { 0 };

	cram_bit_set(mask, (size_t)node);
	if (mbind(addr, len, MPOL_BIND, mask, CRAM_MAX_NODES + 1, mf) < 0)
		return -errno;
	return 0;
}

void *cram_alloc_onnode(size_t size, int node)
{
	size_t len;
	void *p;
	int rc;

	if (!size) {
		errno = EINVAL;
		return NULL;
	}
	/* No mapping can be larger than PTRDIFF_MAX: refuse it before mmap(). */
	if (size > PTRDIFF_MAX || !page_round(size, &len)) {
		errno = ENOMEM;
		return NULL;
	}
	rc = cram_placement_check(node, CRAM_PLACE_BIND);
	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	rc = bind_range(p, len, node, 0);
	if (rc == -EINVAL)
		rc = cram_placement_recheck(node, CRAM_PLACE_BIND, rc);
	if (rc < 0) {
		munmap(p, len);
		errno = -rc;
		return NULL;
	}
	return p;
}

int cram_free(void *ptr, size_t size)
{
	size_t len;

	if (!ptr)
		return 0;
	if (check_range(ptr, size, &len) < 0)
		return (int)fail(-EINVAL);
	if (munmap(ptr, len) < 0)
		return -errno;
	return 0;
}

int cram_tonode_memory(void *addr, size_t len, int node, unsigned int flags)
{
	unsigned int mf = 0;
	size_t rounded;
	int rc;

	if (flags & ~(CRAM_MEM_MOVE | CRAM_MEM_STRICT))
		return (int)fail(-EINVAL);
	rc = check_range(addr, len, &rounded);
	if (rc == 0)
		rc = cram_placement_check(node, CRAM_PLACE_BIND);
	if (rc < 0)
		return (int)fail(rc);
	if (flags & CRAM_MEM_MOVE)
		mf |= MPOL_MF_MOVE;
	if (flags & CRAM_MEM_STRICT)
		mf |= MPOL_MF_STRICT;
	rc = bind_range(addr, rounded, node, mf);
	if (rc == -EINVAL)
		rc = cram_placement_recheck(node, CRAM_PLACE_BIND, rc);
	return rc < 0 ? (int)fail(rc) : 0;
}

/*
 * One move_pages() call on @count (<= MOVE_CHUNK) pages: to @node, or a
 * query when @node < 0. Returns 0 or -errno; @status holds the results.
 */
static int move_chunk(void **pages, size_t count, int node, int *status)
{
	int nodes[MOVE_CHUNK];
	size_t i;

	for (i = 0; i < count; i++)
		nodes[i] = node;
	if (move_pages(0, count, pages, node < 0 ? NULL : nodes, status, MPOL_MF_MOVE) < 0)
		return -errno;
	return 0;
}

/* Moves or queries @count pages in chunks; returns pages not on @node or -errno. */
static long move_all(void **pages, size_t count, int node, int *status)
{
	long missed = 0;
	size_t done, i, n;
	int rc;

	for (done = 0; done < count; done += n) {
		n = count - done < MOVE_CHUNK ? count - done : MOVE_CHUNK;
		rc = move_chunk(pages + done, n, node, status + done);
		if (rc < 0)
			return rc;
		for (i = done; i < done + n; i++)
			missed += status[i] != node;
	}
	return missed;
}

long cram_move_pages(void **pages, size_t count, int node, int *status)
{
	long rc = check_pages(pages, count, status);

	if (rc == 0)
		rc = cram_placement_check(node, CRAM_PLACE_MOVE);
	if (rc == 0)
		rc = move_all(pages, count, node, status);
	if (rc == -ENODEV)
		rc = cram_placement_recheck(node, CRAM_PLACE_MOVE, (int)rc);
	return rc < 0 ? fail(rc) : rc;
}

int cram_query_pages(void **pages, size_t count, int *status)
{
	long rc = check_pages(pages, count, status);

	if (rc == 0)
		rc = move_all(pages, count, -1, status);
	return rc < 0 ? (int)fail(rc) : 0;
}

long cram_migrate_range(void *addr, size_t len, int node)
{
	void *pages[MOVE_CHUNK];
	int status[MOVE_CHUNK];
	size_t rounded, npages, done, i, n, page = cram_page_size();
	long rc, missed = 0;

	rc = check_range(addr, len, &rounded);
	if (rc == 0)
		rc = cram_placement_check(node, CRAM_PLACE_MOVE);
	if (rc < 0)
		return fail(rc);
	npages = rounded / page;
	for (done = 0; done < npages; done += n) {
		n = npages - done < MOVE_CHUNK ? npages - done : MOVE_CHUNK;
		for (i = 0; i < n; i++)
			pages[i] = (char *)addr + (done + i) * page;
		rc = move_chunk(pages, n, node, status);
		if (rc == -ENODEV)
			rc = cram_placement_recheck(node, CRAM_PLACE_MOVE, (int)rc);
		if (rc < 0)
			return fail(rc);
		for (i = 0; i < n; i++)
			missed += status[i] != node && status[i] != -ENOENT;
	}
	return missed;
}
