// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cram-discover --claim and --release: finding the dax devices a name
 * stands for (libcxl, libdaxctl) and moving each one between device_dax
 * (or kmem) and the cram provider. The device's driver link is the only
 * authority on where it is: it is read before and after every step, so
 * that another agent binding the device meanwhile (udev, an operator) is
 * noticed, and nothing is left half-bound. Which dax devices a name
 * stands for is discover-match.c's concern.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <cxl/libcxl.h>
#include <daxctl/libdaxctl.h>

#include "discover-claim.h"
#include "discover-match.h"
#include "discover-scan.h"
#include "util/messages.h"
#include "util/names.h"

#define DAX_DEVICES	"/sys/bus/dax/devices"
#define DAX_DRIVERS	"/sys/bus/dax/drivers"
#define DRIVER_MAX	64

static bool have_cram_provider(void)
{
	if (access(DAX_DRIVERS "/cram", F_OK) == 0)
		return true;
	cramd_discover_log(LOG_ERR, UTIL_MSG_NO_PROVIDER);
	return false;
}

/* The driver @devname is bound to into @out ("" when unbound); -errno. */
static int driver_of(const char *devname, char *out, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path), DAX_DEVICES "/%s/driver", devname);
	n = readlink(path, target, sizeof(target) - 1);
	out[0] = '\0';
	if (n < 0) {
		if (errno != ENOENT)
			return -errno;
		snprintf(path, sizeof(path), DAX_DEVICES "/%s", devname);
		return access(path, F_OK) == 0 ? 0 : -ENODEV;
	}
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		return -ENAMETOOLONG;
	memcpy(out, base, strlen(base) + 1);
	return 0;
}

/* Write @devname into DAX_DRIVERS/@driver/@file; 0 or -errno. */
static int driver_write(const char *driver, const char *file, const char *devname)
{
	char path[PATH_MAX];
	size_t len = strlen(devname);
	ssize_t n;
	int fd, rc;

	snprintf(path, sizeof(path), DAX_DRIVERS "/%s/%s", driver, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, devname, len);
	rc = n < 0 ? -errno : (size_t)n == len ? 0 : -EIO;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	return rc;
}

/* new_id adds the id and binds; an id added before makes it EEXIST: bind. */
static int bind_cram(const char *devname)
{
	int rc = driver_write("cram", "new_id", devname);

	if (rc == -EEXIST)
		rc = driver_write("cram", "bind", devname);
	return rc;
}

/*
 * Put unbound @dev on device_dax: libdaxctl first; where it cannot (it
 * looks for the device_dax module, and a kernel with device_dax built in
 * has none: ENOENT), through the bus as bind_cram() does. Returns 0 when
 * the device is on device_dax then, else libdaxctl's -errno.
 */
static int bind_devdax(struct daxctl_dev *dev)
{
	const char *name = daxctl_dev_get_devname(dev);
	char drv[DRIVER_MAX];
	int rc = daxctl_dev_enable_devdax(dev), wrc;

	if (driver_of(name, drv, sizeof(drv)) < 0 || drv[0])
		return !strcmp(drv, "device_dax") ? 0 : rc < 0 ? rc : -ENXIO;
	cramd_discover_log(LOG_DEBUG, "%s: libdaxctl could not bind device_dax (%s); "
			   "binding through the bus", name, strerror(rc < 0 ? -rc : ENXIO));
	wrc = driver_write("device_dax", "bind", name);
	if (wrc < 0)
		wrc = driver_write("device_dax", "new_id", name);
	if (wrc == -EEXIST)
		wrc = driver_write("device_dax", "bind", name);
	driver_of(name, drv, sizeof(drv));
	return !strcmp(drv, "device_dax") ? 0 : rc < 0 ? rc : wrc < 0 ? wrc : -ENXIO;
}

static const char *driver_label(const char *drv)
{
	return drv[0] ? drv : "no driver";
}

/* ---- system RAM (kmem) ------------------------------------------------------ */

static int online_again(struct daxctl_memory *mem, int movable)
{
	return movable == 0 ? daxctl_memory_online_no_movable(mem)
			    : daxctl_memory_online(mem);
}

/*
 * Take the memory of kmem device @dev offline, all or nothing; memory that
 * is online only with @system_ram. Returns the zone it was in for
 * online_again() (1 movable, 0 normal), 2 when none of it was online, or -1.
 */
static int offline_system_ram(struct daxctl_dev *dev, bool system_ram)
{
	const char *name = daxctl_dev_get_devname(dev);
	struct daxctl_memory *mem;
	int online, movable, rc, left, back;

	mem = daxctl_dev_get_memory(dev);
	online = mem ? daxctl_memory_is_online(mem) : -ENXIO;
	if (online < 0) {
		cramd_discover_log(LOG_ERR, "%s: cannot read the state of its memory "
				   "blocks: %s", name, strerror(-online));
		return -1;
	}
	if (online == 0)
		return 2;
	if (!system_ram) {
		cramd_discover_log(LOG_ERR, "%s: online as system RAM (kmem); not taken "
				   "without --system-ram, because taking it moves live data",
				   name);
		return -1;
	}
	movable = daxctl_memory_is_movable(mem);
	rc = daxctl_memory_offline(mem);
	left = daxctl_memory_is_online(mem);
	if (rc >= 0 && left == 0) {
		cramd_discover_log(LOG_NOTICE, "%s: took its system RAM offline (%d "
				   "memory blocks)", name, online);
		return movable == 0 ? 0 : 1;
	}
	back = online_again(mem, movable);
	cramd_discover_log(LOG_ERR, "%s: cannot take its system RAM offline (%s); %s%s",
			   name, rc < 0 ? strerror(-rc) : "memory blocks stayed online",
			   back < 0 ? "onlining it again failed too: " : "left online as system RAM",
			   back < 0 ? strerror(-back) : "");
	return -1;
}

/* ---- claim ------------------------------------------------------------------ */

/*
 * Cram did not take @dev, which is unbound: put it on device_dax so that it
 * is not left without a driver. @why says what went wrong.
 */
static void give_back(struct daxctl_dev *dev, const char *why)
{
	const char *name = daxctl_dev_get_devname(dev);
	char drv[DRIVER_MAX];
	int rc = bind_devdax(dev);

	if (driver_of(name, drv, sizeof(drv)) == 0 && !strcmp(drv, "device_dax")) {
		cramd_discover_log(LOG_ERR, "%s: the cram provider did not take it (%s); "
				   "given back to device_dax", name, why);
		return;
	}
	cramd_discover_log(LOG_ERR, "%s: the cram provider did not take it (%s), and "
			   "giving it back to device_dax failed (%s); now on %s", name, why,
			   strerror(rc < 0 ? -rc : ENXIO), driver_label(drv));
}

/* Unbind @dev from @was (device_dax or kmem); 0 or -1 after a message. */
static int unbind_from(struct daxctl_dev *dev, const char *was)
{
	const char *name = daxctl_dev_get_devname(dev);
	char drv[DRIVER_MAX];
	int rc = daxctl_dev_disable(dev);

	if (driver_of(name, drv, sizeof(drv)) == 0 && !drv[0])
		return 0;
	if (drv[0] && strcmp(drv, was))
		cramd_discover_log(LOG_ERR, "%s: driver %s took it while it was being "
				   "moved to cram; left with %s", name, drv, drv);
	else
		cramd_discover_log(LOG_ERR, "%s: cannot unbind it from %s (%s); left on %s",
				   name, was, strerror(rc < 0 ? -rc : EBUSY), driver_label(drv));
	return -1;
}

static int claim_dev(struct daxctl_dev *dev, bool system_ram)
{
	const char *name = daxctl_dev_get_devname(dev);
	char was[DRIVER_MAX], drv[DRIVER_MAX], why[128];
	int rc, movable = -1;

	rc = driver_of(name, was, sizeof(was));
	if (rc < 0) {
		cramd_discover_log(LOG_ERR, "%s: cannot read its driver: %s", name,
				   strerror(-rc));
		return -1;
	}
	if (!strcmp(was, "cram")) {
		cramd_discover_log(LOG_INFO, "%s: already bound to cram", name);
		return 0;
	}
	if (was[0] && strcmp(was, "device_dax") && strcmp(was, "kmem")) {
		cramd_discover_log(LOG_ERR, "%s: bound to driver %s, not device_dax or "
				   "kmem; not taken", name, was);
		return -1;
	}
	if (!strcmp(was, "kmem")) {
		movable = offline_system_ram(dev, system_ram);
		if (movable < 0)
			return -1;
	}
	if (was[0] && unbind_from(dev, was) < 0) {
		struct daxctl_memory *mem = daxctl_dev_get_memory(dev);

		if (movable >= 0 && movable < 2 && mem && online_again(mem, movable) < 0)
			cramd_discover_log(LOG_ERR, "%s: its memory stays offline", name);
		return -1;
	}
	rc = bind_cram(name);
	driver_of(name, drv, sizeof(drv));
	if (!drv[0] && rc == 0) {
		/* new_id binds without telling why it could not: bind does */
		rc = driver_write("cram", "bind", name);
		driver_of(name, drv, sizeof(drv));
	}
	if (!strcmp(drv, "cram")) {
		cramd_discover_log(LOG_NOTICE, "%s: bound to cram (was on %s)", name,
				   driver_label(was));
		return 0;
	}
	if (drv[0]) {
		cramd_discover_log(LOG_ERR, "%s: driver %s took it while it was being "
				   "moved to cram; left with %s", name, drv, drv);
		return -1;
	}
	snprintf(why, sizeof(why), "%s", rc < 0 ? strerror(-rc) : "it stayed unbound");
	give_back(dev, why);
	return -1;
}

int cramd_claim(const char *name, bool system_ram, bool verbose)
{
	struct cramd_targets t = { NULL, 0, false, false };
	struct daxctl_region *region;
	struct daxctl_ctx *ctx = NULL;
	struct daxctl_dev *dev;
	int matched = 0, failed = 0;

	if (!have_cram_provider())
		return -1;
	if (strncmp(name, "dax", 3) && cramd_find_regions(name, verbose, &t) < 0) {
		cramd_discover_log(LOG_ERR, "%s: cannot list the CXL regions", name);
		failed++;
	}
	if (!failed)
		ctx = cramd_daxctl_new(verbose);
	if (ctx) {
		daxctl_region_foreach(ctx, region) {
			daxctl_dev_foreach(region, dev) {
				if (!cramd_dev_named(dev, name, &t))
					continue;
				matched++;
				if (claim_dev(dev, system_ram) < 0)
					failed++;
			}
		}
		daxctl_unref(ctx);
	} else {
		failed++;
	}
	if (!matched && !failed)
		cramd_report_no_match(name, &t);
	free(t.regions);
	return matched && !failed ? 0 : -1;
}

/* ---- release ----------------------------------------------------------------- */

/* cram/state of @name is "offline"; -1 after a message otherwise. */
static int check_offline(const char *name)
{
	char path[PATH_MAX], buf[32] = "";
	ssize_t n = -1;
	int fd, err;

	snprintf(path, sizeof(path), DAX_DEVICES "/%s/cram/state", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	err = errno;
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		err = errno;
		close(fd);
	}
	if (n < 0) {
		cramd_discover_log(LOG_ERR, "%s: cannot read cram/state: %s", name,
				   strerror(err));
		return -1;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (!strcmp(buf, "offline"))
		return 0;
	if (!strcmp(buf, "online"))
		cramd_discover_log(LOG_ERR, "%s: online as a private node; offline it "
				   "first (cramctl offline %s)", name, name);
	else
		cramd_discover_log(LOG_ERR, "%s: cram/state reads '%.20s', not offline; "
				   "not released", name, buf);
	return -1;
}

static int release_dev(struct daxctl_dev *dev)
{
	const char *name = daxctl_dev_get_devname(dev);
	char drv[DRIVER_MAX];
	int rc;

	rc = driver_of(name, drv, sizeof(drv));
	if (rc == 0 && !strcmp(drv, "device_dax")) {
		cramd_discover_log(LOG_INFO, "%s: already bound to device_dax", name);
		return 0;
	}
	if (rc < 0 || strcmp(drv, "cram")) {
		cramd_discover_log(LOG_ERR, "%s: not a cram device (%s); not released",
				   name, rc < 0 ? strerror(-rc) : driver_label(drv));
		return -1;
	}
	if (check_offline(name) < 0 || unbind_from(dev, "cram") < 0)
		return -1;
	rc = bind_devdax(dev);
	driver_of(name, drv, sizeof(drv));
	if (!strcmp(drv, "device_dax")) {
		cramd_discover_log(LOG_NOTICE, "%s: given back to device_dax", name);
		return 0;
	}
	if (drv[0]) {
		cramd_discover_log(LOG_ERR, "%s: driver %s took it instead of device_dax; "
				   "left with %s", name, drv, drv);
		return -1;
	}
	/* Not left without a driver: back to cram, where it came from. */
	bind_cram(name);
	driver_of(name, drv, sizeof(drv));
	cramd_discover_log(LOG_ERR, "%s: device_dax did not take it (%s); %s", name,
			   strerror(rc < 0 ? -rc : ENXIO),
			   !strcmp(drv, "cram") ? "bound to cram again" : "left unbound");
	return -1;
}

int cramd_release(const char *name, bool verbose)
{
	struct daxctl_region *region;
	struct daxctl_ctx *ctx;
	struct daxctl_dev *dev;
	int rc = -1;
	bool found = false;

	if (!have_cram_provider())
		return -1;
	ctx = cramd_daxctl_new(verbose);
	if (!ctx)
		return -1;
	daxctl_region_foreach(ctx, region) {
		daxctl_dev_foreach(region, dev) {
			if (strcmp(daxctl_dev_get_devname(dev), name))
				continue;
			found = true;
			rc = release_dev(dev);
		}
	}
	daxctl_unref(ctx);
	if (!found)
		cramd_discover_log(LOG_ERR, "%s: no such dax device; nothing released", name);
	return rc;
}
