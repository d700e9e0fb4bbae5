/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * For the LD_PRELOAD helpers that play the kernel for one device: which
 * cram device an open attribute belongs to.
 */
#ifndef CRAM_HELPERS_FD_DEVICE_H
#define CRAM_HELPERS_FD_DEVICE_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/*
 * True when @fd is the attribute DEV@suffix (e.g. "/cram/state") and the
 * file @dir/DEV exists: the test marked DEV.
 */
static inline bool fd_device_marked(int fd, const char *suffix, const char *dir)
{
	char link[64], path[4096], mark[4096];
	size_t n, sl = strlen(suffix);
	const char *dev;
	ssize_t r;

	if (!dir)
		return false;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	r = readlink(link, path, sizeof(path) - 1);
	if (r < 0)
		return false;
	path[r] = '\0';
	n = (size_t)r;
	if (n <= sl || strcmp(path + n - sl, suffix) != 0)
		return false;
	path[n - sl] = '\0';
	dev = strrchr(path, '/');
	if (!dev)
		return false;
	snprintf(mark, sizeof(mark), "%s/%s", dir, dev + 1);
	return access(mark, F_OK) == 0;
}

#endif
