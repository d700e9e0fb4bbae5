/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One cramd at a time: an exclusive flock(2) on cramd.lock in cramd's
 * runtime directory (the control socket's directory, /run/cramd by
 * default), which holds the holder's pid. It is taken before the control
 * socket or any device is touched and held until cramd exits; the kernel
 * releases it when the holder dies, even by SIGKILL, so a restart works.
 * The file itself stays: removing it would let two instances lock two
 * different files.
 */
#ifndef CRAMD_INSTANCE_LOCK_H
#define CRAMD_INSTANCE_LOCK_H

#include <stddef.h>

#define CRAMD_LOCK_NAME "cramd.lock"

/*
 * cramd_instance_lock - become the one cramd of @dir
 *
 * Creates @dir (mode 0755) when missing, opens @dir/cramd.lock (a regular
 * file; not through a symlink), takes the lock without waiting and writes
 * the pid in it. Returns the lock's descriptor, to keep open until exit;
 * -EWOULDBLOCK when another cramd holds it, with @err naming its pid; or
 * another -errno with @err set.
 */
int cramd_instance_lock(const char *dir, char *err, size_t errlen);

/*
 * cramd_instance_lock_drop_in_child - for a child that cramd forks and
 * that may outlive it (an offline write bounded by offline_timeout_ms):
 * close its copy of the lock, which would otherwise keep the lock held
 * after cramd is killed and refuse the restart.
 */
void cramd_instance_lock_drop_in_child(void);

#endif
