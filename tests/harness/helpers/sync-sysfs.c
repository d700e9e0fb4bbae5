// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libsync-sysfs.so: an LD_PRELOAD module that makes the fake kernel's
 * binding files as synchronous as the kernel's. A kernel has bound or
 * unbound a device (or offlined a memory block) when the write returns,
 * and fails the write with the errno; libdaxctl relies on that and reads
 * the driver link back at once. The fake kernel answers after inotify
 * tells it of the close (tests/harness/fake-kernel/binding.h): it puts the errno
 * name into ".fk-answer-FILE" and then replaces FILE. So a write() to
 * /sys/bus/dax/drivers/DRIVER/{new_id,remove_id,bind,unbind} or
 * /sys/devices/system/memory/memoryN/state, a cram device's cram/state (and,
 * on an ABI v2 testbed, its cram/mode or cram/user_migrate) hands the fake kernel the data
 * at once (opening and closing FILE once more makes inotify report the
 * write), waits (at most 10 s) until FILE was replaced, and fails with the
 * answer's errno. The writer's own close() comes later and finds FILE
 * replaced: the fake kernel sees nothing new then.
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
	if (strstr(path, "/sys/devices/") &&
	    (ends_with(path, "/cram/state") || ends_with(path, "/cram/mode") ||
	     ends_with(path, "/cram/user_migrate")))
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

ssize_t write(int fd, const void *buf, size_t len)
{
	static ssize_t (*real_write)(int, const void *, size_t);
	char link[64], path[PATH_MAX], ans[PATH_MAX], answer[32] = "";
	struct timespec tick = { 0, 5 * 1000 * 1000 };
	struct stat before, now;
	const char *base;
	int flags, i, kick, afd;
	ssize_t n, done;

	if (!real_write)
		real_write = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	flags = fcntl(fd, F_GETFL);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = flags < 0 || (flags & O_ACCMODE) == O_RDONLY ? -1 :
	    readlink(link, path, sizeof(path) - 1);
	if (n <= 0 || fstat(fd, &before) < 0)
		return real_write(fd, buf, len);
	path[n] = '\0';
	if (!answered(path))
		return real_write(fd, buf, len);
	done = real_write(fd, buf, len);
	if (done <= 0)
		return done;
	kick = open(path, O_WRONLY | O_CLOEXEC);
	if (kick >= 0)
		close(kick);
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
		return done;
	n = read(afd, answer, sizeof(answer) - 1);
	close(afd);
	if (n > 0) {
		errno = errno_of(answer);
		return -1;
	}
	return done;
}
