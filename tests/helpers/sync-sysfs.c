// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libsync-sysfs.so: an LD_PRELOAD module that makes the fake kernel's
 * binding files as synchronous as the kernel's. A kernel has bound or
 * unbound a device (or offlined a memory block) when the write returns,
 * and fails the write with the errno; libdaxctl relies on that and reads
 * the driver link back at once. The fake kernel answers after inotify
 * tells it of the close (tests/fake-kernel/binding.h): it puts the errno
 * name into ".fk-answer-FILE" and then replaces FILE. So a close() of a
 * descriptor written to /sys/bus/dax/drivers/DRIVER/{new_id,remove_id,
 * bind,unbind} or /sys/devices/system/memory/memoryN/state waits (at most
 * 10 s) until FILE was replaced, and fails with the answer's errno.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ANSWER_PREFIX ".fk-answer-"

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* Is @path (of a descriptor) a file the fake kernel answers? */
static bool answered(const char *path)
{
	static const char *const files[] = { "/new_id", "/remove_id", "/bind", "/unbind" };
	const char *drivers = strstr(path, "/sys/bus/dax/drivers/");
	size_t i;

	if (drivers && !strchr(drivers + 21, '/'))
		return false;
	for (i = 0; drivers && i < sizeof(files) / sizeof(files[0]); i++)
		if (ends_with(path, files[i]))
			return true;
	return strstr(path, "/sys/devices/system/memory/memory") && ends_with(path, "/state");
}

static int errno_of(const char *name)
{
	static const struct { const char *name; int err; } map[] = {
		{ "EINVAL", EINVAL }, { "ERANGE", ERANGE }, { "ENODEV", ENODEV },
		{ "EACCES", EACCES }, { "EBUSY", EBUSY }, { "ENOMEM", ENOMEM },
		{ "EEXIST", EEXIST },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strncmp(name, map[i].name, strlen(map[i].name)))
			return map[i].err;
	return EIO;
}

int close(int fd)
{
	static int (*real_close)(int);
	char link[64], path[PATH_MAX], ans[PATH_MAX], buf[32] = "";
	struct timespec tick = { 0, 5 * 1000 * 1000 };
	struct stat before, now;
	const char *base;
	int flags, rc, i, afd;
	ssize_t n;

	if (!real_close)
		real_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
	flags = fcntl(fd, F_GETFL);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = flags < 0 || (flags & O_ACCMODE) == O_RDONLY ? -1 :
	    readlink(link, path, sizeof(path) - 1);
	if (n <= 0 || fstat(fd, &before) < 0)
		return real_close(fd);
	path[n] = '\0';
	/* nothing written yet: a shell closes the descriptor it dup2()ed */
	if (!answered(path) || before.st_size == 0)
		return real_close(fd);
	rc = real_close(fd);
	for (i = 0; i < 2000; i++) {
		if (stat(path, &now) == 0 && now.st_ino != before.st_ino)
			break;
		nanosleep(&tick, NULL);
	}
	base = strrchr(path, '/');
	snprintf(ans, sizeof(ans), "%.*s/" ANSWER_PREFIX "%s", (int)(base - path), path,
		 base + 1);
	afd = open(ans, O_RDONLY | O_CLOEXEC);
	if (afd < 0)
		return rc;
	n = read(afd, buf, sizeof(buf) - 1);
	real_close(afd);
	if (rc == 0 && n > 0) {
		errno = errno_of(buf);
		return -1;
	}
	return rc;
}
