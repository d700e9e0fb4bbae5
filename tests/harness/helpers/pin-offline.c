// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libpin-offline.so: an LD_PRELOAD stand-in for the kernel's offline of a
 * device with a page that cannot be moved, which a testbed file cannot
 * play. While the file $CRAM_PIN_DIR/DEV exists, a write of "offline" to
 * DEV's cram/state blocks until the writer gets a signal it handles (the
 * kernel retries the migration until signal_pending(), which a blocked
 * signal does not make true) and then fails with EBUSY, writing nothing,
 * as the cram driver does after its rollback. Every other write, and
 * every write once the file is gone, goes through.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fd-device.h"

/* True when @fd is DEV/cram/state, @buf says "offline" and DEV is pinned. */
static bool pinned(int fd, const void *buf, size_t len)
{
	if (len < 7 || memcmp(buf, "offline", 7) != 0)
		return false;
	return fd_device_marked(fd, "/cram/state", getenv("CRAM_PIN_DIR"));
}

ssize_t write(int fd, const void *buf, size_t len)
{
	static ssize_t (*real_write)(int, const void *, size_t);

	if (!real_write)
		real_write = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	if (pinned(fd, buf, len)) {
		pause();
		errno = EBUSY;
		return -1;
	}
	return real_write(fd, buf, len);
}
