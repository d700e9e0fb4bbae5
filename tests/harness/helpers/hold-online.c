// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libhold-online.so: an LD_PRELOAD stand-in for the kernel's online of a
 * large device, which hands every page of it to the page allocator before
 * the write of "online" to cram/state returns. While the file
 * $CRAM_PIN_DIR/DEV.hold-online exists, such a write to DEV's cram/state
 * waits; then it goes through. The writer says so in
 * $CRAM_PIN_DIR/DEV.onlining (its pid) while it waits. Every other write
 * goes through.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>
#include "fd-device.h"

ssize_t write(int fd, const void *buf, size_t len)
{
	static ssize_t (*real_write)(int, const void *, size_t);
	const char *dir = getenv("CRAM_PIN_DIR");
	char dev[256], hold[300], mark[4096];
	int saved = errno;

	if (!real_write)
		real_write = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	if (!dir || len < 6 || memcmp(buf, "online", 6) != 0 ||
	    !fd_device(fd, "/cram/state", dev, sizeof(dev)))
		return real_write(fd, buf, len);
	snprintf(hold, sizeof(hold), "%s.hold-online", dev);
	if (device_marked(dir, hold)) {
		snprintf(mark, sizeof(mark), "%s/%s.onlining", dir, dev);
		mark_writer(mark);
		while (device_marked(dir, hold))
			usleep(10000);
		unlink(mark);
	}
	errno = saved;
	return real_write(fd, buf, len);
}
