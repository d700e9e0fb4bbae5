// SPDX-License-Identifier: GPL-2.0-or-later
/* Replacing a file atomically: temporary file, fsync, rename. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "textfile.h"

/* Writes all of @data to @fd; 0 or -errno. */
static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Opens @dir as a directory; a clear message when it is none. */
static int open_dir(const char *who, const char *dir)
{
	struct stat st;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	fd = -errno;
	/* O_DIRECTORY refuses a FIFO without opening (and blocking on) it */
	if (fd == -ENOTDIR || (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))) {
		fprintf(stderr, "%s: %s: not a directory\n", who, dir);
		return -ENOTDIR;
	}
	fprintf(stderr, "%s: cannot open directory %s: %s\n", who, dir, strerror(-fd));
	return fd;
}

int textfile_replace(const char *who, const char *dir, const char *name,
		     const char *data, size_t len)
{
	char *tmp = NULL, *path = NULL;
	int dfd, fd = -1, rc = 0;

	dfd = open_dir(who, dir);
	if (dfd < 0)
		return dfd;
	/* the temporary name ends in random letters: the collector skips it */
	if (asprintf(&path, "%s/%s", dir, name) < 0) {
		path = NULL;
		rc = -ENOMEM;
	} else if (asprintf(&tmp, "%s/.%s.XXXXXX", dir, name) < 0) {
		tmp = NULL;
		rc = -ENOMEM;
	} else if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		rc = -errno;
		free(tmp);
		tmp = NULL;
	}
	if (rc < 0) {
		fprintf(stderr, "%s: cannot create a temporary file in %s: %s\n", who, dir,
			strerror(-rc));
		goto out;
	}
	/* mkstemp makes it 0600; the exporter reads it as another user */
	if (fchmod(fd, 0644) < 0 || (rc = write_all(fd, data, len)) < 0 || fsync(fd) < 0) {
		rc = rc < 0 ? rc : -errno;
		fprintf(stderr, "%s: cannot write %s: %s\n", who, tmp, strerror(-rc));
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		rc = -errno;
		fprintf(stderr, "%s: cannot write %s: %s\n", who, tmp, strerror(-rc));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		rc = -errno;
		fprintf(stderr, "%s: cannot rename %s to %s: %s\n", who, tmp, path, strerror(-rc));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	/* the rename itself survives a crash only once the directory is synced */
	if (fsync(dfd) < 0) {
		rc = -errno;
		fprintf(stderr, "%s: cannot sync %s: %s\n", who, dir, strerror(-rc));
	}
out:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(path);
	close(dfd);
	return rc;
}
