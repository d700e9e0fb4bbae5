// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Which nodes userspace placement may target, read from the node lists of
 * /sys/devices/system/node and, for explicit migration into a compressed
 * node, from its device's cram/user_migrate (sysfs-devices-node-private,
 * sysfs-bus-dax-cram). No context, no logging: the allocation helpers
 * need neither.
 */
#include <dirent.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "placement.h"
#include "private.h"
#include "sysfs.h"

#define NODE_LONGS	CRAM_BITS_TO_LONGS(CRAM_MAX_NODES)

/* Reads the node list @name of the node directory into @mask, silently. */
static int read_list(const char *name, unsigned long *mask)
{
	char path[96], buf[CRAM_SYSFS_BUF];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", CRAM_NODE_DIR, name);
	rc = cram_sysfs_read(CRAM_PATH(path), buf, sizeof(buf));
	if (rc < 0)
		return rc;
	return cram_parse_nodelist(buf, mask, CRAM_MAX_NODES);
}

/* As read_list(), but a missing list is an empty one. */
static int read_list_or_none(const char *name, unsigned long *mask)
{
	int rc = read_list(name, mask);

	if (rc == -ENOENT) {
		memset(mask, 0, NODE_LONGS * sizeof(*mask));
		return 0;
	}
	return rc;
}

/*
 * Fills @priv with the private nodes: has_private_memory (v1, v2), or
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

/* Reads a small attribute of dax device @dev's cram/ group, silently. */
static int read_cram_attr(const char *dev, const char *attr, char *buf, size_t len)
{
	char path[CRAM_SYSFS_BUF];
	int n = snprintf(path, sizeof(path), "%s/%s/%s/%s", CRAM_DAX_DIR, dev, CRAM_GROUP,
			 attr);

	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	return cram_sysfs_read(CRAM_PATH(path), buf, len);
}

/*
 * Does the cram device whose node is @node let move_pages() and
 * migrate_pages() into it (ABI v2 cram/user_migrate = 1)? A device whose
 * attributes cannot be read or parsed does not.
 */
static bool user_migrate_on(int node)
{
	char buf[64];
	struct dirent *de;
	bool found = false, on = false, val;
	int id;
	DIR *dir = opendir(CRAM_DAX_DIR);

	if (!dir)
		return false;
	while (!found && (de = readdir(dir))) {
		if (de->d_name[0] == '.' ||
		    read_cram_attr(de->d_name, "node", buf, sizeof(buf)) < 0 ||
		    cram_parse_int(buf, &id) < 0 || id != node)
			continue;
		found = true;
		on = read_cram_attr(de->d_name, "user_migrate", buf, sizeof(buf)) >= 0 &&
		     cram_parse_bool(buf, &val) == 0 && val;
	}
	closedir(dir);
	return on;
}

/*
 * Nodes that passed the check for every use (ordinary and placement
 * nodes). A stale bit cannot place memory where it must not go: the
 * kernel itself refuses compressed and missing nodes, and the helpers
 * then call cram_placement_recheck() and check again. A compressed node
 * open to moves is never remembered: its user_migrate may change at any
 * time, so it is read for every call.
 */
static _Atomic unsigned long placement_ok[NODE_LONGS];

static unsigned long node_bit(int node)
{
	return 1UL << ((size_t)node % CRAM_BITS_PER_LONG);
}

static bool cached_ok(int node)
{
	return atomic_load_explicit(&placement_ok[(size_t)node / CRAM_BITS_PER_LONG],
				    memory_order_relaxed) & node_bit(node);
}

void cram_placement_forget(int node)
{
	if (node < 0 || node >= CRAM_MAX_NODES)
		return;
	atomic_fetch_and_explicit(&placement_ok[(size_t)node / CRAM_BITS_PER_LONG],
				  ~node_bit(node), memory_order_relaxed);
}

void cram_placement_forget_all(void)
{
	size_t i;

	for (i = 0; i < NODE_LONGS; i++)
		atomic_store_explicit(&placement_ok[i], 0, memory_order_relaxed);
}

/* 0: valid for every use; 1: valid for this move only; or -errno. */
static int check_sysfs(int node, enum cram_placement_use use)
{
	unsigned long mem[NODE_LONGS], priv[NODE_LONGS], placement[NODE_LONGS];
	int rc;

	rc = read_list("has_memory", mem);
	/* No node directory: a kernel without NUMA cannot place at all. */
	if (rc == -ENOENT)
		return -EOPNOTSUPP;
	if (rc == 0)
		rc = read_private(mem, priv);
	if (rc < 0)
		return rc;
	if (!cram_bit_test(priv, (size_t)node))
		return cram_bit_test(mem, (size_t)node) ? 0 : -ENODEV;
	/* A private node: only ABI v2 lets userspace reach one. */
	rc = read_list_or_none("has_placement_memory", placement);
	if (rc < 0)
		return rc;
	if (cram_bit_test(placement, (size_t)node))
		return 0;
	if (use == CRAM_PLACE_MOVE && user_migrate_on(node))
		return 1;
	return -EOPNOTSUPP;
}

int cram_placement_check(int node, enum cram_placement_use use)
{
	int rc;

	if (node < 0 || node >= CRAM_MAX_NODES)
		return -EINVAL;
	if (cached_ok(node))
		return 0;
	rc = check_sysfs(node, use);
	if (rc == 0)
		atomic_fetch_or_explicit(&placement_ok[(size_t)node / CRAM_BITS_PER_LONG],
					 node_bit(node), memory_order_relaxed);
	return rc < 0 ? rc : 0;
}

int cram_placement_recheck(int node, enum cram_placement_use use, int rc)
{
	int now;

	cram_placement_forget(node);
	now = cram_placement_check(node, use);
	return now < 0 ? now : rc;
}
