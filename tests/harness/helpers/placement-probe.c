// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * placement-probe: libcram's ABI v2 calls from the command line, for the
 * integration tests (test-libcram-placement.sh). Each command prints one
 * line per result; an error prints the errno's name (EBUSY, EINVAL, ...).
 *
 *   placement-probe features            user_placement=NAME user_migrate=NAME
 *   placement-probe nodes               node ID KIND TOTAL FREE (bytes)
 *   placement-probe mode DEV [MODE]     the mode, or set MODE and print ok
 *   placement-probe migrate DEV [0|1]   user_migrate, or set it and print ok
 *   placement-probe migrated DEV        migrated_pages
 *   placement-probe alloc NODE BYTES    cram_alloc_onnode(): ok, or the errno
 *                                       and whether the mapping went
 *   placement-probe move NODE           cram_move_pages() of one page
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cram/cram.h>

static const char *name_of(int err)
{
	switch (err < 0 ? -err : err) {
	case 0: return "ok";
	case EINVAL: return "EINVAL";
	case EBUSY: return "EBUSY";
	case ENOENT: return "ENOENT";
	case ENODEV: return "ENODEV";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ERANGE: return "ERANGE";
	case EIO: return "EIO";
	case EPERM: return "EPERM";
	case ENOMEM: return "ENOMEM";
	default: return "other";
	}
}

static const char *const kinds[] = { "ordinary", "compressed", "placement" };

static int cmd_nodes(struct cram_ctx *ctx)
{
	struct cram_node *node;
	uint64_t total, free_bytes;
	int rc, kind;

	cram_node_foreach(ctx, node) {
		kind = cram_node_get_kind(node);
		rc = cram_node_get_size(node, &total, &free_bytes);
		if (kind < 0 || kind > 2 || rc < 0) {
			printf("node %d %s\n", cram_node_get_id(node), name_of(rc < 0 ? rc : kind));
			continue;
		}
		printf("node %d %s %" PRIu64 " %" PRIu64 "\n", cram_node_get_id(node),
		       kinds[kind], total, free_bytes);
	}
	return 0;
}

static int cmd_device(struct cram_ctx *ctx, int argc, char **argv)
{
	struct cram_device *dev = cram_device_get_by_name(ctx, argv[2]);
	uint64_t v;
	bool b;
	int rc;

	if (!dev) {
		printf("no device %s\n", argv[2]);
		return 1;
	}
	if (!strcmp(argv[1], "mode") && argc == 3) {
		rc = cram_device_get_mode(dev);
		puts(rc < 0 ? name_of(rc) : rc == CRAM_MODE_PLACEMENT ? "placement" : "compressed");
	} else if (!strcmp(argv[1], "mode")) {
		rc = cram_device_set_mode(dev, !strcmp(argv[3], "placement") ? CRAM_MODE_PLACEMENT :
					  !strcmp(argv[3], "compressed") ? CRAM_MODE_COMPRESSED :
					  (enum cram_device_mode)9);
		puts(name_of(rc));
	} else if (!strcmp(argv[1], "migrate") && argc == 3) {
		rc = cram_device_get_user_migrate(dev, &b);
		puts(rc < 0 ? name_of(rc) : b ? "1" : "0");
	} else if (!strcmp(argv[1], "migrate")) {
		puts(name_of(cram_device_set_user_migrate(dev, !strcmp(argv[3], "1"))));
	} else {
		rc = cram_device_get_migrated_pages(dev, &v);
		if (rc < 0)
			puts(name_of(rc));
		else
			printf("%" PRIu64 "\n", v);
	}
	return 0;
}

static int cmd_alloc(int node, size_t bytes)
{
	void *p = cram_alloc_onnode(bytes, node);
	int err = errno;

	if (p) {
		puts("ok");
		return cram_free(p, bytes) < 0;
	}
	printf("%s\n", name_of(err));
	return 0;
}

static int cmd_move(int node)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char *mem = cram_alloc_onnode(page, 0);
	void *addr = mem;
	int status = 4242;
	long rc;

	if (!mem)
		return 1;
	mem[0] = 1;
	rc = cram_move_pages(&addr, 1, node, &status);
	printf("%s status %d\n", rc < 0 ? name_of((int)rc) : "ok", status);
	return cram_free(mem, page) < 0;
}

int main(int argc, char **argv)
{
	struct cram_ctx *ctx;
	int rc = 2;

	if (argc < 2 || cram_new(&ctx) < 0)
		return 2;
	if (!strcmp(argv[1], "features")) {
		printf("user_placement=%s user_migrate=%s\n",
		       name_of(cram_has_feature(ctx, CRAM_FEATURE_USER_PLACEMENT)),
		       name_of(cram_has_feature(ctx, CRAM_FEATURE_USER_MIGRATE)));
		rc = 0;
	} else if (!strcmp(argv[1], "nodes")) {
		rc = cmd_nodes(ctx);
	} else if ((!strcmp(argv[1], "mode") || !strcmp(argv[1], "migrate") ||
		    !strcmp(argv[1], "migrated")) && argc >= 3 && argc <= 4) {
		rc = cmd_device(ctx, argc, argv);
	} else if (!strcmp(argv[1], "alloc") && argc == 4) {
		rc = cmd_alloc(atoi(argv[2]), (size_t)strtoull(argv[3], NULL, 10));
	} else if (!strcmp(argv[1], "move") && argc == 3) {
		rc = cmd_move(atoi(argv[2]));
	} else {
		fprintf(stderr, "placement-probe: bad arguments\n");
	}
	cram_unref(ctx);
	return rc;
}
