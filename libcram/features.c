// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What the running kernel supports: private nodes at all, and whether
 * userspace placement can reach them (sysfs-devices-node-private).
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "placement.h"
#include "private.h"
#include "sysfs.h"

#define NODE_LONGS	CRAM_BITS_TO_LONGS(CRAM_MAX_NODES)

int cram_has_feature(struct cram_ctx *ctx, enum cram_feature feature)
{
	int abi;

	if (!ctx)
		return -EINVAL;
	if (feature == CRAM_FEATURE_PROVIDER)
		return cram_sysfs_file_exists(CRAM_DAX_DRIVERS_DIR "/cram") ? 0 : -EOPNOTSUPP;
	if (feature != CRAM_FEATURE_PRIVATE_NODES && feature != CRAM_FEATURE_USER_PLACEMENT)
		return -EINVAL;
	abi = cram_get_abi(ctx);
	if (abi < 0)
		return abi;
	switch (feature) {
	case CRAM_FEATURE_PRIVATE_NODES:
		return abi == CRAM_ABI_NONE ? -EOPNOTSUPP : 0;
	case CRAM_FEATURE_USER_PLACEMENT:
		/*
		 * cram ABI v1 and P3 both fail mbind(), set_mempolicy() and
		 * move_pages() naming a private node; without private nodes
		 * there is nothing to reach.
		 */
		return -EOPNOTSUPP;
	case CRAM_FEATURE_PROVIDER:
		break;
	}
	return -EINVAL;
}

/* Reads the node list @name of the node directory into @mask, silently. */
static int read_list(const char *name, unsigned long *mask)
{
	char path[96], buf[CRAM_SYSFS_BUF];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", CRAM_NODE_DIR, name);
	rc = cram_sysfs_read(path, buf, sizeof(buf));
	if (rc < 0)
		return rc;
	return cram_parse_nodelist(buf, mask, CRAM_MAX_NODES);
}

/*
 * Fills @priv with the private nodes: has_private_memory (v1), or
 * has_memory minus has_common_memory (P3), or none.
 */
static int read_private(const unsigned long *mem, unsigned long *priv)
{
	unsigned long common[NODE_LONGS];
	size_t i;
	int rc;

	rc = read_list("has_private_memory", priv);
	if (rc != -ENOENT)
		return rc;
	rc = read_list("has_common_memory", common);
	if (rc == -ENOENT) {
		memset(priv, 0, NODE_LONGS * sizeof(*priv));
		return 0;
	}
	if (rc < 0)
		return rc;
	for (i = 0; i < NODE_LONGS; i++)
		priv[i] = mem[i] & ~common[i];
	return 0;
}

/*
 * Nodes that passed the check. A stale bit cannot place memory where it
 * must not go: the kernel itself refuses private and missing nodes, and
 * the helpers then call cram_placement_forget() and check again.
 */
static _Atomic unsigned long placement_ok[NODE_LONGS];

static bool cached_ok(int node)
{
	unsigned long bit = 1UL << ((size_t)node % CRAM_BITS_PER_LONG);

	return atomic_load_explicit(&placement_ok[(size_t)node / CRAM_BITS_PER_LONG],
				    memory_order_relaxed) & bit;
}

void cram_placement_forget(int node)
{
	unsigned long bit;

	if (node < 0 || node >= CRAM_MAX_NODES)
		return;
	bit = 1UL << ((size_t)node % CRAM_BITS_PER_LONG);
	atomic_fetch_and_explicit(&placement_ok[(size_t)node / CRAM_BITS_PER_LONG], ~bit,
				  memory_order_relaxed);
}

void cram_placement_forget_all(void)
{
	size_t i;

	for (i = 0; i < NODE_LONGS; i++)
		atomic_store_explicit(&placement_ok[i], 0, memory_order_relaxed);
}

static int check_sysfs(int node)
{
	unsigned long mem[NODE_LONGS], priv[NODE_LONGS];
	int rc;

	rc = read_list("has_memory", mem);
	/* No node directory: a kernel without NUMA cannot place at all. */
	if (rc == -ENOENT)
		return -EOPNOTSUPP;
	if (rc == 0)
		rc = read_private(mem, priv);
	if (rc < 0)
		return rc;
	if (cram_bit_test(priv, (size_t)node))
		return -EOPNOTSUPP;
	return cram_bit_test(mem, (size_t)node) ? 0 : -ENODEV;
}

int cram_placement_check(int node)
{
	unsigned long bit;
	int rc;

	if (node < 0 || node >= CRAM_MAX_NODES)
		return -EINVAL;
	if (cached_ok(node))
		return 0;
	rc = check_sysfs(node);
	if (rc == 0) {
		bit = 1UL << ((size_t)node % CRAM_BITS_PER_LONG);
		atomic_fetch_or_explicit(&placement_ok[(size_t)node / CRAM_BITS_PER_LONG], bit,
					 memory_order_relaxed);
	}
	return rc;
}

int cram_placement_recheck(int node, int rc)
{
	int now;

	cram_placement_forget(node);
	now = cram_placement_check(node);
	return now < 0 ? now : rc;
}
