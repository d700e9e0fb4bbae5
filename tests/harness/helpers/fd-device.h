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

/* The path @fd was opened by, in @path (@len bytes); false when unknown. */
static inline bool fd_path(int fd, char *path, size_t len)
{
	char link[64];
	ssize_t r;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	r = readlink(link, path, len - 1);
	if (r < 0)
		return false;
	path[r] = '\0';
	return true;
}

/*
 * The device DEV of @fd when it is the attribute DEV@suffix (e.g.
 * "/cram/state"; with a suffix ending in '/', any attribute below it),
 * in @dev (@len bytes); false otherwise.
 */
static inline bool fd_device(int fd, const char *suffix, char *dev, size_t len)
{
	char path[4096], *at, *name;
	size_t sl = strlen(suffix);

	if (!fd_path(fd, path, sizeof(path)))
		return false;
	if (sl && suffix[sl - 1] == '/') {
		/* DEV@suffix then the attribute's name: the last component */
		name = strrchr(path, '/');
		if (!name || !name[1] || (size_t)(name - path) < sl - 1)
			return false;
		at = name - (sl - 1);
		if (strncmp(at, suffix, sl - 1) != 0)
			return false;
	} else {
		size_t n = strlen(path);

		if (n <= sl || strcmp(path + n - sl, suffix) != 0)
			return false;
		at = path + n - sl;
	}
	*at = '\0';
	name = strrchr(path, '/');
	if (!name)
		return false;
	snprintf(dev, len, "%s", name + 1);
	return true;
}

/* True when the file @dir/@dev exists: the test marked device @dev. */
static inline bool device_marked(const char *dir, const char *dev)
{
	char mark[4096];

	snprintf(mark, sizeof(mark), "%s/%s", dir, dev);
	return access(mark, F_OK) == 0;
}

/*
 * True when @fd is the attribute DEV@suffix and the file @dir/DEV exists:
 * the test marked DEV.
 */
static inline bool fd_device_marked(int fd, const char *suffix, const char *dir)
{
	char dev[256];

	return dir && fd_device(fd, suffix, dev, sizeof(dev)) && device_marked(dir, dev);
}

/*
 * The calling process's pid into the file @path: a writer the helper holds
 * says so there, for the test to find (and signal) it.
 */
static inline void mark_writer(const char *path)
{
	FILE *f = fopen(path, "we");

	if (f) {
		fprintf(f, "%d\n", (int)getpid());
		fclose(f);
	}
}

#endif
