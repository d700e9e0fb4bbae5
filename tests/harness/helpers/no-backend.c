// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libno-backend.so: an LD_PRELOAD stand-in for a cram device that no
 * backend drives, which a testbed file cannot play: the kernel fails reads
 * of its physical telemetry (cram/phys_capacity_bytes, phys_used_bytes and
 * stat) with ENODATA (kernel-abi/ABI/testing/sysfs-bus-dax-cram). While the
 * file $CRAM_NOBACKEND_DIR/DEV exists, a pread() of one of DEV's does so.
 * libcram reads every attribute with pread(). Every other read goes through.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/types.h>
#include "fd-device.h"

static const char *const telemetry[] = {
	"/cram/phys_capacity_bytes", "/cram/phys_used_bytes", "/cram/stat",
};

/* True when @fd is a telemetry attribute of a device marked backendless. */
static bool backendless(int fd)
{
	const char *dir = getenv("CRAM_NOBACKEND_DIR");
	size_t i;

	for (i = 0; i < sizeof(telemetry) / sizeof(telemetry[0]); i++)
		if (fd_device_marked(fd, telemetry[i], dir))
			return true;
	return false;
}

typedef ssize_t (*pread_fn)(int, void *, size_t, off_t);

static ssize_t fail_or(pread_fn *real, const char *name, int fd, void *buf,
		       size_t len, off_t off)
{
	if (!*real)
		*real = (pread_fn)dlsym(RTLD_NEXT, name);
	if (backendless(fd)) {
		errno = ENODATA;
		return -1;
	}
	return (*real)(fd, buf, len, off);
}

ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
	static pread_fn real;

	return fail_or(&real, "pread", fd, buf, len, off);
}

ssize_t pread64(int fd, void *buf, size_t len, off_t off)
{
	static pread_fn real;

	return fail_or(&real, "pread64", fd, buf, len, off);
}
