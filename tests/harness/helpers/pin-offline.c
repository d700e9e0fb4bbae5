// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libpin-offline.so: an LD_PRELOAD stand-in for the kernel's offline of a
 * device with a page that cannot be moved, which a testbed file cannot
 * play. While the file $CRAM_PIN_DIR/DEV exists, a write of "offline" to
 * DEV's cram/state blocks until the writer gets a signal it handles (the
 * kernel retries the migration until signal_pending(), which a blocked
 * signal does not make true) and then fails with EBUSY, writing nothing,
 * as the cram driver does after its rollback.
 *
 * The driver holds the device for the whole offline write: a write to any
 * other attribute of DEV's cram/ waits until the offline ends. The
 * blocked writer says so in $CRAM_PIN_DIR/DEV.offlining (its pid), and a
 * write to DEV/cram/ATTR waits while that process lives there. Every
 * other write goes through.
 */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>
#include "fd-device.h"

/*
 * True when @fd is DEV/cram/state, @buf says "offline" and DEV is pinned;
 * DEV in @dev (@dlen bytes).
 */
static bool pinned(int fd, const void *buf, size_t len, char *dev, size_t dlen)
{
	const char *dir = getenv("CRAM_PIN_DIR");

	if (len < 7 || memcmp(buf, "offline", 7) != 0 || !dir)
		return false;
	return fd_device(fd, "/cram/state", dev, dlen) && device_marked(dir, dev);
}

static void holding_path(char *buf, size_t len, const char *dev)
{
	snprintf(buf, len, "%s/%s.offlining", getenv("CRAM_PIN_DIR"), dev);
}

/* True while @fd is an attribute of a device whose offline write is held. */
static bool held(int fd)
{
	char dev[256], mark[4096];
	FILE *f;
	int pid = 0;

	if (!getenv("CRAM_PIN_DIR") || !fd_device(fd, "/cram/", dev, sizeof(dev)))
		return false;
	holding_path(mark, sizeof(mark), dev);
	f = fopen(mark, "re");
	if (!f)
		return false;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	return pid > 0 && pid != getpid() && kill(pid, 0) == 0;
}

ssize_t write(int fd, const void *buf, size_t len)
{
	static ssize_t (*real_write)(int, const void *, size_t);
	char dev[256], mark[4096];

	if (!real_write)
		real_write = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	if (pinned(fd, buf, len, dev, sizeof(dev))) {
		holding_path(mark, sizeof(mark), dev);
		mark_writer(mark);
		pause();
		unlink(mark);
		errno = EBUSY;
		return -1;
	}
	while (held(fd))
		usleep(10000);
	return real_write(fd, buf, len);
}
