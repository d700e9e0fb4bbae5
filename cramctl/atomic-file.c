// SPDX-License-Identifier: GPL-2.0-or-later
/* Replacing a file atomically: temporary file, fsync, rename; see atomic-file.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic-file.h"

/* Writes all of @data to @fd; 0 or -errno. */
static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Opens @dir as a directory: -ENOTDIR when it is none, without blocking on a FIFO. */
static int open_dir(const char *dir)
{
	struct stat st;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	fd = -errno;
	/* O_DIRECTORY refuses a FIFO without opening (and blocking on) it */
	if (fd != -ENOTDIR && stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
		fd = -ENOTDIR;
	return fd;
}

/* Writes @data into the new file @fd with @mode; 0 or -errno. */
static int fill(int fd, mode_t mode, const void *data, size_t len)
{
	int rc;

	/* mkstemp makes it 0600, whatever the reader needs */
	if (fchmod(fd, mode) < 0)
		return -errno;
	rc = write_all(fd, data, len);
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	return rc;
}

/* 0 when @dfd/@name is a regular file, a symlink or absent; else -EISDIR or -EEXIST. */
static int check_target(int dfd, const char *name)
{
	struct stat st;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode))
		return 0;
	return S_ISDIR(st.st_mode) ? -EISDIR : -EEXIST;
}

int atomic_file_replace(const char *dir, const char *name, mode_t mode, const void *data,
			size_t len, struct atomic_file_failure *why)
{
	struct atomic_file_failure own;
	const char *base;
	int dfd, fd, rc;
	size_t n;

	if (!why)
		why = &own;
	why->tmp[0] = '\0';
	why->step = ATOMIC_FILE_DIR;
	if (!*name || strchr(name, '/'))
		return -EINVAL;
	dfd = open_dir(dir);
	if (dfd < 0)
		return dfd;
	why->step = ATOMIC_FILE_CREATE;
	n = (size_t)snprintf(why->tmp, sizeof(why->tmp), "%s/.%s.XXXXXX", dir, name);
	if (n >= sizeof(why->tmp)) {
		why->tmp[0] = '\0';
		close(dfd);
		return -ENAMETOOLONG;
	}
	base = why->tmp + n - strlen(name) - 8;		/* ".@name.XXXXXX" */
	fd = mkostemp(why->tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		why->tmp[0] = '\0';
		close(dfd);
		return rc;
	}
	why->step = ATOMIC_FILE_WRITE;
	rc = fill(fd, mode, data, len);
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0) {
		why->step = ATOMIC_FILE_TARGET;
		rc = check_target(dfd, name);
	}
	if (rc == 0) {
		why->step = ATOMIC_FILE_RENAME;
		if (renameat(dfd, base, dfd, name) < 0)
			rc = -errno;
	}
	if (rc < 0) {
		unlinkat(dfd, base, 0);
		close(dfd);
		return rc;
	}
	/* the rename itself survives a crash only once the directory is synced */
	why->step = ATOMIC_FILE_SYNC_DIR;
	if (fsync(dfd) < 0)
		rc = -errno;
	close(dfd);
	return rc;
}
