// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cram-alloc-example: allocate memory on a private node (or, where the
 * kernel does not let userspace place memory there, on an ordinary node)
 * and print where each page landed, as move_pages() reports it.
 *
 *   cram-alloc-example [PAGES]     (default 8, at most 4096)
 *
 * Exit status: 0 when every page landed on the chosen node, 1 on an
 * error, 77 when this kernel cannot place memory on any node.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cram/cram.h>

#define MAX_PAGES	4096

/* The first node that is (@want_private) or is not private, or -1. */
static int pick_node(struct cram_ctx *ctx, bool want_private)
{
	struct cram_node *node;

	cram_node_foreach(ctx, node)
		if (cram_node_is_private(node) == want_private)
			return cram_node_get_id(node);
	return -1;
}

/* The node to allocate on: a private one when userspace can reach it. */
static int choose_node(struct cram_ctx *ctx)
{
	int priv = pick_node(ctx, true), node = pick_node(ctx, false);

	if (priv >= 0 && cram_has_feature(ctx, CRAM_FEATURE_USER_PLACEMENT) == 0)
		return priv;
	if (priv >= 0)
		printf("note: node %d is private, and this kernel does not let userspace place "
		       "memory on private nodes; using node %d\n", priv, node < 0 ? 0 : node);
	else
		printf("note: no private node on this system; using node %d\n",
		       node < 0 ? 0 : node);
	return node < 0 ? 0 : node;
}

static int parse_pages(int argc, char **argv, size_t *pages)
{
	char *end;
	unsigned long v;

	*pages = 8;
	if (argc < 2)
		return 0;
	errno = 0;
	v = strtoul(argv[1], &end, 10);
	if (argc > 2 || errno || end == argv[1] || *end || argv[1][0] == '-' ||
	    v == 0 || v > MAX_PAGES) {
		fprintf(stderr, "usage: %s [PAGES]  (PAGES: 1 to %d)\n", argv[0], MAX_PAGES);
		return -1;
	}
	*pages = v;
	return 0;
}

/* Touches every page, asks where they are and prints it. Returns pages elsewhere. */
static size_t touch_and_report(char *mem, size_t npages, size_t page, int node)
{
	void *addrs[MAX_PAGES];
	int status[MAX_PAGES];
	size_t i, wrong = 0;
	int rc;

	for (i = 0; i < npages; i++) {
		mem[i * page] = (char)i;
		addrs[i] = mem + i * page;
	}
	rc = cram_query_pages(addrs, npages, status);
	if (rc < 0) {
		fprintf(stderr, "cram_query_pages: %s\n", strerror(-rc));
		return npages;
	}
	for (i = 0; i < npages; i++) {
		if (status[i] >= 0)
			printf("page %zu at %p: node %d\n", i, addrs[i], status[i]);
		else
			printf("page %zu at %p: %s\n", i, addrs[i], strerror(-status[i]));
		wrong += status[i] != node;
	}
	return wrong;
}

int main(int argc, char **argv)
{
	size_t npages, page = (size_t)sysconf(_SC_PAGESIZE), wrong;
	struct cram_ctx *ctx;
	int node, rc;
	char *mem;

	if (parse_pages(argc, argv, &npages) < 0)
		return 1;
	rc = cram_new(&ctx);
	if (rc < 0) {
		fprintf(stderr, "cram_new: %s\n", strerror(-rc));
		return 1;
	}
	node = choose_node(ctx);
	cram_unref(ctx);
	mem = cram_alloc_onnode(npages * page, node);
	if (!mem) {
		rc = errno;
		fprintf(stderr, "cram_alloc_onnode(%zu pages, node %d): %s\n", npages, node,
			strerror(rc));
		return rc == EOPNOTSUPP || rc == ENOSYS ? 77 : 1;
	}
	wrong = touch_and_report(mem, npages, page, node);
	cram_free(mem, npages * page);
	printf("%zu of %zu pages on node %d\n", npages - wrong, npages, node);
	return wrong ? 1 : 0;
}
