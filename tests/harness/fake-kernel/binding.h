/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fake kernel's dax drivers: device_dax, kmem and cram (absent on a
 * "stock" testbed) with their new_id, remove_id, bind and unbind files,
 * and the memory blocks of kmem devices. The provider (provider.c) owns
 * the inotify descriptor and hands binding.c the events and control
 * commands that are not its own; binding.c asks the provider to start or
 * stop playing a device as it binds to or unbinds from cram.
 *
 * A testbed file cannot fail a write. Every write to a driver file or a
 * memory block's state is answered: the fake kernel first puts the errno
 * name of a rejected write ("" when accepted) into ".fk-answer-FILE" next
 * to it, then replaces FILE (an empty file for the driver files, the
 * block's state for state), so that tests/harness/helpers/sync-sysfs.c can make
 * the writer wait for the answer and fail its write() with that errno, as
 * the kernel does.
 */
#ifndef _FK_BINDING_H_
#define _FK_BINDING_H_

#include <stdbool.h>
#include <sys/types.h>

#define FK_ANSWER_PREFIX ".fk-answer-"

struct fk_binding;
struct fk_provider;

/* Find the dax devices of the testbed at @root and watch the drivers' files on @ifd. */
int fk_binding_new(struct fk_binding **binding, struct fk_provider *p,
		   const char *root, int ifd);
bool fk_binding_has_devices(const struct fk_binding *b);
/* An inotify event (IN_CLOSE_WRITE of @name in watch @wd): true when it was binding's. */
bool fk_binding_event(struct fk_binding *b, int wd, const char *name);
/*
 * A control command: "steal DEV DRIVER" (when a write to another driver's
 * new_id or bind finds DEV unbound, DRIVER takes it first, as udev or
 * another tool racing the writer would), "probe-busy
 * DEV N" (the next N cram probes of DEV fail with EBUSY, as when its node
 * holds memory), and "busy DEV N" for a device that is not a cram device
 * (the next N offlines of its memory blocks fail with EBUSY). True when it
 * was binding's.
 */
bool fk_binding_ctl(struct fk_binding *b, const char *cmd, const char *dev,
		    const char *arg, const char *extra);
void fk_binding_free(struct fk_binding *b);

/* ---- what provider.c offers binding.c ---- */

/* Play dax device @name, just bound to cram: its cram/ group appears. -EBUSY when its node holds memory. */
int fk_provider_cram_bind(struct fk_provider *p, const char *name);
/* Stop playing @name, unbound from cram: offline it first (it may stay stuck online). */
void fk_provider_cram_unbind(struct fk_provider *p, const char *name);
void fk_provider_uevent(struct fk_provider *p, const char *devpath, const char *action);

void fk_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *fk_errno_name(int err);
ssize_t fk_read_raw(const char *path, char *buf, size_t size);
int fk_write_atomic(const char *path, const char *content);
int fk_value_of(const char *raw, size_t len, char *out, size_t size);

#endif /* _FK_BINDING_H_ */
