// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * NUMA nodes with memory, from /sys/devices/system/node, and which of
 * them are private (cram ABI v1 has_private_memory, or the P3 form).
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
	bool is_private;
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
	rc = cram_sysfs_read_nodelist(ctx, path, mask, CRAM_MAX_NODES);
	if (rc == -ENOENT)
		err(ctx, "%s: missing", path);
	return rc;
}

/*
 * Fills @all with the nodes that have memory (private ones included) and
 * @priv with the private ones. Returns the detected ABI or -errno.
 */
static int read_node_masks(struct cram_ctx *ctx, unsigned long *all, unsigned long *priv)
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
	if (abi == CRAM_ABI_NONE)
		return abi;
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
	unsigned long all[NODE_LONGS], priv[NODE_LONGS];
	struct cram_node **tail = &ctx->nodes;
	int abi, id;

	abi = read_node_masks(ctx, all, priv);
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
		node->is_private = cram_bit_test(priv, (size_t)id);
		*tail = node;
		tail = &node->next;
		dbg(ctx, "node%d%s", id, node->is_private ? " (private)" : "");
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
	return node ? node->is_private : false;
}

int cram_node_get_total_bytes(struct cram_node *node, uint64_t *bytes)
{
	char path[128], buf[CRAM_SYSFS_BUF];
	struct cram_ctx *ctx;
	int rc;

	if (!node || !bytes)
		return -EINVAL;
	ctx = node->ctx;
	snprintf(path, sizeof(path), "%s/node%d/meminfo", CRAM_NODE_DIR, node->id);
	rc = cram_sysfs_read_str(ctx, path, buf, sizeof(buf));
	if (rc < 0)
		return rc;
	rc = cram_parse_meminfo_total(buf, node->id, bytes);
	if (rc < 0)
		err(ctx, "%s: no valid 'Node %d MemTotal: N kB' line (%s)", path, node->id,
		    rc == -ERANGE ? "out of range" : "malformed");
	return rc;
}
