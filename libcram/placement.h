/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which nodes userspace placement may target (internal to libcram).
 */
#ifndef _LIBCRAM_PLACEMENT_H_
#define _LIBCRAM_PLACEMENT_H_

/* What a helper wants to do with the target node. */
enum cram_placement_use {
	CRAM_PLACE_BIND,	/* a memory policy: mbind() */
	CRAM_PLACE_MOVE,	/* moving pages there: move_pages() */
};

/*
 * Checks that @use may target @node, from the node lists of
 * /sys/devices/system/node (and for a move into a compressed node, its
 * device's cram/user_migrate), without a context and without logging.
 * Ordinary and placement nodes (ABI v2) pass for every use; a compressed
 * node passes for CRAM_PLACE_MOVE while its device's user_migrate is 1.
 * Returns 0, -EINVAL (id out of range, or a malformed node list), -ERANGE
 * (a node list naming an id >= 1024), -ENODEV (no such node with memory),
 * -EOPNOTSUPP (a private node that userspace cannot reach for @use; or
 * no has_memory at all, a kernel without NUMA), or
 * another -errno when a node list cannot be read.
 */
int cram_placement_check(int node, enum cram_placement_use use);

/*
 * Nodes that passed for every use are remembered for the life of the
 * process (the check reads two to four sysfs files). A placement syscall that fails
 * on a remembered node calls cram_placement_recheck() with its -errno:
 * it forgets the node, checks again, and returns the check's error, or
 * @rc when the node still passes. cram_placement_forget_all() is for tests.
 */
int cram_placement_recheck(int node, enum cram_placement_use use, int rc);
void cram_placement_forget(int node);
void cram_placement_forget_all(void);

#endif /* _LIBCRAM_PLACEMENT_H_ */
