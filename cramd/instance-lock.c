// SPDX-License-Identifier: GPL-2.0-or-later
/* One cramd at a time: the instance lock; see instance-lock.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "instance-lock.h"

/* The pid the holder wrote, or 0 when there is none (yet). */
/* The lock's descriptor, for a forked child to let go of (see the header). */
static int lock_fd = -1;

static long holder_pid(int fd)
{
	char buf[24];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	char *end;
	long pid;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	pid = strtol(buf, &end, 10);
	return end != buf && (*end == '\n' || !*end) && pid > 0 ? pid : 0;
}

int cramd_instance_lock(const char *dir, char *err, size_t errlen)
{
	char path[4096], pid[24];
	struct stat st;
	int fd, n, rc;

	if ((size_t)snprintf(path, sizeof(path), "%s/" CRAMD_LOCK_NAME, dir) >= sizeof(path)) {
		snprintf(err, errlen, "runtime directory name too long: %s", dir);
		return -ENAMETOOLONG;
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		rc = -errno;
		snprintf(err, errlen, "cannot create the runtime directory %s: %s", dir,
			 strerror(-rc));
		return rc;
	}
	/* O_NONBLOCK: a FIFO planted there must not hang the start. */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, 0644);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot open the instance lock %s: %s", path, strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(err, errlen, "the instance lock %s is not a regular file", path);
		return -EINVAL;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		long holder;

		rc = -errno;
		if (rc != -EWOULDBLOCK) {
			snprintf(err, errlen, "cannot lock %s: %s", path, strerror(-rc));
			close(fd);
			return rc;
		}
		holder = holder_pid(fd);
		if (holder)
			snprintf(err, errlen, "another cramd is running (pid %ld): it holds %s",
				 holder, path);
		else
			snprintf(err, errlen, "another cramd is running: it holds %s", path);
		close(fd);
		return -EWOULDBLOCK;
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
		rc = -errno;
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(rc ? -rc : EIO));
		close(fd);
		return rc ? rc : -EIO;
	}
	lock_fd = fd;
	return fd;
}

void cramd_instance_lock_drop_in_child(void)
{
	if (lock_fd >= 0)
		close(lock_fd);
	lock_fd = -1;
}
