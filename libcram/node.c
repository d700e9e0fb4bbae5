// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * NUMA nodes with memory, from /sys/devices/system/node, which of them
 * are private (cram ABI v1 has_private_memory, or the P3 form) and of
 * those which are in placement mode (ABI v2 has_placement_memory), and
 * their sizes from nodeN/meminfo.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "private.h"
#include "sysfs.h"

#define NODE_LONGS	CRAM_BITS_TO_LONGS(CRAM_MAX_NODES)

struct cram_node {
	struct cram_ctx *ctx;
	struct cram_node *next;
	int id;
	enum cram_node_kind kind;
};

void cram_nodes_free(struct cram_ctx *ctx)
{
	struct cram_node *node, *next;

	for (node = ctx->nodes; node; node = next) {
		next = node->next;
		free(node);
	}
	ctx->nodes = NULL;
	ctx->nodes_scanned = false;
}

/* Reads node list @name of the node directory into @mask. */
static int read_nodelist(struct cram_ctx *ctx, const char *name, unsigned long *mask)
{
	char path[128];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", CRAM_NODE_DIR, name);
	rc = cram_sysfs_read_nodelist(ctx, CRAM_PATH(path), mask, CRAM_MAX_NODES);
	if (rc == -ENOENT)
		err(ctx, "%s: missing", path);
	return rc;
}

/*
 * Fills @placement with the placement-mode nodes: has_placement_memory,
 * which only an ABI v2 kernel has (none without it).
 */
static int read_placement(struct cram_ctx *ctx, unsigned long *placement)
{
	char path[128];
	int rc;

	snprintf(path, sizeof(path), "%s/has_placement_memory", CRAM_NODE_DIR);
	rc = cram_sysfs_read_nodelist(ctx, CRAM_PATH(path), placement, CRAM_MAX_NODES);
	if (rc == -ENOENT) {
		memset(placement, 0, NODE_LONGS * sizeof(*placement));
		return 0;
	}
	return rc;
}

/*
 * Fills @all with the nodes that have memory (private ones included),
 * @priv with the private ones and @placement with the private ones in
 * placement mode. Returns the detected ABI or -errno.
 */
static int read_node_masks(struct cram_ctx *ctx, unsigned long *all, unsigned long *priv,
			   unsigned long *placement)
{
	unsigned long other[NODE_LONGS];
	int abi, rc;
	size_t i;

	abi = cram_get_abi(ctx);
	if (abi < 0)
		return abi;
	rc = read_nodelist(ctx, "has_memory", all);
	if (rc < 0)
		return rc;
	memset(priv, 0, NODE_LONGS * sizeof(*priv));
	memset(placement, 0, NODE_LONGS * sizeof(*placement));
	if (abi == CRAM_ABI_NONE)
		return abi;
	if (abi == CRAM_ABI_V1) {
		rc = read_placement(ctx, placement);
		if (rc < 0)
			return rc;
	}
	rc = read_nodelist(ctx, abi == CRAM_ABI_V1 ? "has_private_memory" : "has_common_memory",
			   other);
	if (rc < 0)
		return rc;
	for (i = 0; i < NODE_LONGS; i++) {
		if (abi == CRAM_ABI_V1) {
			/* V1: private nodes are listed apart from has_memory. */
			priv[i] = other[i];
			all[i] |= other[i];
		} else {
			/* P3: private = has_memory minus has_common_memory. */
			priv[i] = all[i] & ~other[i];
		}
	}
	return abi;
}

static int scan_nodes(struct cram_ctx *ctx)
{
	unsigned long all[NODE_LONGS], priv[NODE_LONGS], placement[NODE_LONGS];
	static const char *const kinds[] = { "", " (compressed)", " (placement)" };
	struct cram_node **tail = &ctx->nodes;
	int abi, id;

	abi = read_node_masks(ctx, all, priv, placement);
	if (abi < 0)
		return abi;
	dbg(ctx, "private-node ABI %d", abi);
	for (id = 0; id < CRAM_MAX_NODES; id++) {
		struct cram_node *node;

		if (!cram_bit_test(all, (size_t)id))
			continue;
		node = calloc(1, sizeof(*node));
		if (!node)
			return -ENOMEM;
		node->ctx = ctx;
		node->id = id;
		node->kind = CRAM_NODE_ORDINARY;
		/* A placement node is listed as private too; one that is not is ignored. */
		if (cram_bit_test(priv, (size_t)id))
			node->kind = cram_bit_test(placement, (size_t)id) ? CRAM_NODE_PLACEMENT :
									    CRAM_NODE_COMPRESSED;
		*tail = node;
		tail = &node->next;
		dbg(ctx, "node%d%s", id, kinds[node->kind]);
	}
	return 0;
}

struct cram_node *cram_node_get_first(struct cram_ctx *ctx)
{
	int rc;

	if (!ctx)
		return NULL;
	if (!ctx->nodes_scanned) {
		rc = scan_nodes(ctx);
		if (rc < 0) {
			err(ctx, "cannot list NUMA nodes: %s", strerror(-rc));
			cram_nodes_free(ctx);
		}
		/* Even a failed scan is cached: cram_rescan() retries. */
		ctx->nodes_scanned = true;
	}
	return ctx->nodes;
}

struct cram_node *cram_node_get_next(struct cram_node *node)
{
	return node ? node->next : NULL;
}

struct cram_ctx *cram_node_get_ctx(struct cram_node *node)
{
	return node ? node->ctx : NULL;
}

int cram_node_get_id(struct cram_node *node)
{
	return node ? node->id : -EINVAL;
}

bool cram_node_is_private(struct cram_node *node)
{
	return node ? node->kind != CRAM_NODE_ORDINARY : false;
}

int cram_node_get_kind(struct cram_node *node)
{
	return node ? (int)node->kind : -EINVAL;
}

/* Parses field @field of meminfo @buf (read from @path); logs a failure. */
static int meminfo_field(struct cram_node *node, const char *path, const char *buf,
			 const char *field, uint64_t *bytes)
{
	int rc = cram_parse_meminfo_field(buf, node->id, field, bytes);

	if (rc < 0)
		err(node->ctx, "%s: no valid 'Node %d %s: N kB' line (%s)", path, node->id,
		    field, rc == -ERANGE ? "out of range" : "malformed");
	return rc;
}

int cram_node_get_size(struct cram_node *node, uint64_t *total, uint64_t *free_bytes)
{
	char path[128], buf[CRAM_SYSFS_BUF];
	uint64_t t, f;
	int rc;

	if (!node)
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/node%d/meminfo", CRAM_NODE_DIR, node->id);
	rc = cram_sysfs_read_str(node->ctx, CRAM_PATH(path), buf, sizeof(buf));
	if (rc < 0)
		return rc;
	rc = meminfo_field(node, path, buf, "MemTotal", &t);
	if (rc == 0)
		rc = meminfo_field(node, path, buf, "MemFree", &f);
	if (rc < 0)
		return rc;
	if (total)
		*total = t;
	if (free_bytes)
		*free_bytes = f;
	return 0;
}

int cram_node_get_total_bytes(struct cram_node *node, uint64_t *bytes)
{
	char path[128], buf[CRAM_SYSFS_BUF];
	int rc;

	if (!node || !bytes)
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/node%d/meminfo", CRAM_NODE_DIR, node->id);
	rc = cram_sysfs_read_str(node->ctx, CRAM_PATH(path), buf, sizeof(buf));
	return rc < 0 ? rc : meminfo_field(node, path, buf, "MemTotal", bytes);
}

int cram_node_get_free_bytes(struct cram_node *node, uint64_t *bytes)
{
	if (!bytes)
		return -EINVAL;
	return cram_node_get_size(node, NULL, bytes);
}
