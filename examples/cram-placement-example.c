// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The upstream RFC's first example (private memory nodes, cover letter),
 * done with libcram on a node in placement mode (cram ABI v2):
 *
 *     mbind(buf, len, mode, private_node, ...);
 *     buf[0] = 0xdeadbeef;            faults onto the private node
 *     buf2 = malloc(4096);            can never land on the private node
 *     move_pages(0, 1, &buf, &private_node, NULL, ...);   explicit migration
 *
 *   cram-placement-example [--node N] [--mib MIB]
 *
 * It finds a placement node (or takes --node), binds a MIB MiB buffer to
 * it with cram_tonode_memory() (mbind), writes every page, and asks with
 * cram_query_pages() (a move_pages() query) where every page is. Then it
 * mallocs and writes as much memory without any policy and counts how
 * many of those pages are on the node (none may be), and finally moves a
 * range of ordinary memory there with cram_move_pages(). One line per
 * step, for people and for tests/vm/part-placement-libcram.sh:
 *
 *   node N kind=placement total=BYTES free=BYTES
 *   mbind node=N pages=P on_node=P elsewhere=0
 *   malloc pages=P on_node=0
 *   move node=N pages=M moved=M on_node=M
 *   result ok
 *
 * Exit status 0 when every page is where it must be, 1 when not (or on an
 * error, printed with its errno), 77 when there is no placement node (a
 * kernel without ABI v2, or no device in placement mode).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cram/cram.h>

#define SKIP 77
/* pages moved explicitly in the last step */
#define MOVE_PAGES 256

/* The first placement node, or -1. Prints its size. */
static int find_placement(int want)
{
	struct cram_node *node;
	struct cram_ctx *ctx;
	uint64_t total = 0, free_bytes = 0;
	int rc, found = -1;

	rc = cram_new(&ctx);
	if (rc < 0) {
		fprintf(stderr, "cram_new: %s\n", strerror(-rc));
		return -1;
	}
	rc = cram_has_feature(ctx, CRAM_FEATURE_USER_PLACEMENT);
	if (rc < 0) {
		printf("no placement: the kernel has no placement mode (%s)\n", strerror(-rc));
		cram_unref(ctx);
		return want;
	}
	cram_node_foreach(ctx, node) {
		int id = cram_node_get_id(node);

		if (cram_node_get_kind(node) != CRAM_NODE_PLACEMENT || (want >= 0 && id != want))
			continue;
		found = id;
		if (cram_node_get_size(node, &total, &free_bytes) == 0)
			printf("node %d kind=placement total=%" PRIu64 " free=%" PRIu64 "\n", id,
			       total, free_bytes);
		break;
	}
	if (found < 0 && want >= 0)
		printf("node %d is not a placement node: trying it anyway\n", want);
	else if (found < 0)
		printf("no placement node online (cramd.conf: [device NAME] mode = placement)\n");
	cram_unref(ctx);
	return found >= 0 ? found : want;
}

/* Pages of [mem, mem + len) and where they are: counts those on @node. */
static long count_on(char *mem, size_t len, int node, long *elsewhere)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), n = len / page, i;
	void **pages = calloc(n, sizeof(*pages));
	int *status = calloc(n, sizeof(*status));
	long on = -1;

	if (pages && status) {
		for (i = 0; i < n; i++)
			pages[i] = mem + i * page;
		if (cram_query_pages(pages, n, status) == 0) {
			on = 0;
			*elsewhere = 0;
			for (i = 0; i < n; i++) {
				on += status[i] == node;
				*elsewhere += status[i] != node;
			}
		} else {
			perror("cram_query_pages");
		}
	}
	free(pages);
	free(status);
	return on;
}

static void touch(char *mem, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), i;

	for (i = 0; i < len; i += page)
		*(unsigned int *)(mem + i) = 0xdeadbeef;
}

/* mbind a buffer to @node and fault it there. Returns 0 when every page is. */
static int step_mbind(int node, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	long on, elsewhere = 0;
	char *buf;
	int rc;

	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("mmap");
		return -1;
	}
	rc = cram_tonode_memory(buf, len, node, 0);		/* mbind(MPOL_BIND) */
	if (rc < 0) {
		printf("mbind node=%d error=%s\n", node, strerror(-rc));
		munmap(buf, len);
		return -1;
	}
	touch(buf, len);				/* faults onto the node */
	on = count_on(buf, len, node, &elsewhere);
	printf("mbind node=%d pages=%zu on_node=%ld elsewhere=%ld\n", node, len / page, on,
	       elsewhere);
	munmap(buf, len);
	return on == (long)(len / page) && elsewhere == 0 ? 0 : -1;
}

/* malloc'd memory, written: none of it may be on @node. */
static int step_malloc(int node, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	long on, elsewhere = 0;
	char *buf2;

	if (posix_memalign((void **)&buf2, page, len)) {
		perror("posix_memalign");
		return -1;
	}
	touch(buf2, len);
	on = count_on(buf2, len, node, &elsewhere);
	printf("malloc pages=%zu on_node=%ld\n", len / page, on);
	free(buf2);
	return on == 0 ? 0 : -1;
}

/* Ordinary memory moved to @node with move_pages(). */
static int step_move(int node)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), len = MOVE_PAGES * page, i;
	void *pages[MOVE_PAGES];
	int status[MOVE_PAGES];
	long missed, on, elsewhere = 0;
	char *buf;

	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("mmap");
		return -1;
	}
	touch(buf, len);
	for (i = 0; i < MOVE_PAGES; i++)
		pages[i] = buf + i * page;
	missed = cram_move_pages(pages, MOVE_PAGES, node, status);
	if (missed < 0) {
		printf("move node=%d error=%s\n", node, strerror((int)-missed));
		munmap(buf, len);
		return -1;
	}
	on = count_on(buf, len, node, &elsewhere);
	printf("move node=%d pages=%d moved=%ld on_node=%ld\n", node, MOVE_PAGES,
	       MOVE_PAGES - missed, on);
	munmap(buf, len);
	return missed == 0 && on == MOVE_PAGES ? 0 : -1;
}

int main(int argc, char **argv)
{
	size_t mib = 64;
	int i, node = -1, bad = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--node") && i + 1 < argc) {
			node = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--mib") && i + 1 < argc) {
			mib = strtoul(argv[++i], NULL, 10);
		} else {
			fprintf(stderr, "usage: %s [--node N] [--mib MIB]\n", argv[0]);
			return 2;
		}
	}
	if (mib == 0 || mib > 65536) {
		fprintf(stderr, "--mib: 1 to 65536\n");
		return 2;
	}
	node = find_placement(node);
	if (node < 0)
		return SKIP;
	bad |= step_mbind(node, mib << 20);
	bad |= step_malloc(node, mib << 20);
	bad |= step_move(node);
	printf("result %s\n", bad ? "FAIL" : "ok");
	return bad ? 1 : 0;
}
