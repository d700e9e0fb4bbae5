/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which nodes userspace placement may target (internal to libcram).
 */
#ifndef _LIBCRAM_PLACEMENT_H_
#define _LIBCRAM_PLACEMENT_H_

/*
 * Checks that mbind()/move_pages() may target @node, from the node lists
 * of /sys/devices/system/node, without a context and without logging.
 * Returns 0, -EINVAL (id out of range, or a malformed node list), -ERANGE
 * (a node list naming an id >= 1024), -ENODEV (no such node with memory),
 * -EOPNOTSUPP (a private node: userspace placement cannot reach it; or
 * no has_memory at all, a kernel without NUMA), or
 * another -errno when a node list cannot be read.
 */
int cram_placement_check(int node);

/*
 * Nodes that passed are remembered for the life of the process (the
 * check reads two or three sysfs files). A placement syscall that fails
 * on a remembered node calls cram_placement_recheck() with its -errno:
 * it forgets the node, checks again, and returns the check's error, or
 * @rc when the node still passes. cram_placement_forget_all() is for tests.
 */
int cram_placement_recheck(int node, int rc);
void cram_placement_forget(int node);
void cram_placement_forget_all(void);

#endif /* _LIBCRAM_PLACEMENT_H_ */
