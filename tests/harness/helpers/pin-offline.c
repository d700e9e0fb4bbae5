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
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STATE_SUFFIX "/cram/state"

/* True when @fd is DEV/cram/state, @buf says "offline" and DEV is pinned. */
static bool pinned(int fd, const void *buf, size_t len)
{
	const char *dir = getenv("CRAM_PIN_DIR");
	char link[64], path[4096], pin[4096];
	size_t n, sl = strlen(STATE_SUFFIX);
	const char *dev;
	ssize_t r;

	if (!dir || len < 7 || memcmp(buf, "offline", 7) != 0)
		return false;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	r = readlink(link, path, sizeof(path) - 1);
	if (r < 0)
		return false;
	path[r] = '\0';
	n = (size_t)r;
	if (n <= sl || strcmp(path + n - sl, STATE_SUFFIX) != 0)
		return false;
	path[n - sl] = '\0';
	dev = strrchr(path, '/');
	if (!dev)
		return false;
	snprintf(pin, sizeof(pin), "%s/%s", dir, dev + 1);
	return access(pin, F_OK) == 0;
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
