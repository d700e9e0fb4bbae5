// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cram devices: dax devices bound to the cram driver, recognised by their
 * cram/ attribute group, and their typed getters and setters (cram ABI v1,
 * sysfs-bus-dax-cram). A device holds its cram/ directory open from its
 * discovery until it is freed and opens each attribute relative to it:
 * a daemon polling many devices pays no path walk through sysfs per read.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parse.h"
#include "private.h"
#include "sysfs.h"
#include "util/names.h"

struct cram_device {
	struct cram_ctx *ctx;
	struct cram_device *next;
	unsigned int num[2];	/* X and Y of daxX.Y, for ordering */
	char *devname;
	char *region;
	char *path;
	int dirfd;		/* path, open O_PATH */
};

static void device_free(struct cram_device *dev)
{
	if (dev->dirfd >= 0)
		close(dev->dirfd);
	free(dev->devname);
	free(dev->region);
	free(dev->path);
	free(dev);
}

void cram_devices_free(struct cram_ctx *ctx)
{
	struct cram_device *dev, *next;

	for (dev = ctx->devices; dev; dev = next) {
		next = dev->next;
		device_free(dev);
	}
	ctx->devices = NULL;
	ctx->devices_scanned = false;
}

/*
 * Sets dev->region to the CXL region above the device's real sysfs path,
 * by the one rule of util_region_of_path(). Returns 0 or -ENOMEM; no
 * region is not an error.
 */
static int find_region(struct cram_device *dev)
{
	char link[PATH_MAX], real[PATH_MAX], region[64];

	snprintf(link, sizeof(link), "%s/%s", CRAM_DAX_DIR, dev->devname);
	if (!realpath(link, real)) {
		dbg(dev->ctx, "%s: cannot resolve: %s", link, strerror(errno));
		return 0;
	}
	if (util_region_of_path(real, region, sizeof(region)) < 0)
		return 0;
	dev->region = strdup(region);
	return dev->region ? 0 : -ENOMEM;
}

/* True when @dev's cram/ group speaks our ABI major. */
static bool cram_group_usable(struct cram_device *dev)
{
	struct cram_attr a = cram_device_attr(dev, "abi_version");
	uint64_t version;

	if (cram_sysfs_read_u64(dev->ctx, &a, &version) < 0) {
		err(dev->ctx, "%s: skipped: no valid abi_version", dev->path);
		return false;
	}
	if (version != CRAM_ABI_MAJOR) {
		err(dev->ctx, "%s: skipped: cram ABI version %" PRIu64 ", libcram knows %d",
		    dev->path, version, CRAM_ABI_MAJOR);
		return false;
	}
	return true;
}

static bool device_before(const struct cram_device *a, const struct cram_device *b)
{
	return a->num[0] < b->num[0] || (a->num[0] == b->num[0] && a->num[1] < b->num[1]);
}

static void device_insert(struct cram_ctx *ctx, struct cram_device *dev)
{
	struct cram_device **pos = &ctx->devices;

	while (*pos && device_before(*pos, dev))
		pos = &(*pos)->next;
	dev->next = *pos;
	*pos = dev;
}

/* Adds the dax device @name when it is a cram device. Returns 0 or -ENOMEM. */
static int add_device(struct cram_ctx *ctx, const char *name)
{
	struct cram_device *dev;
	unsigned int num[2];

	if (cram_parse_name(name, "dax", num, 2) < 0) {
		dbg(ctx, "%s/%s: not a dax device name, skipped", CRAM_DAX_DIR, name);
		return 0;
	}
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->ctx = ctx;
	dev->dirfd = -1;
	memcpy(dev->num, num, sizeof(num));
	if (asprintf(&dev->path, "%s/%s/%s", CRAM_DAX_DIR, name, CRAM_GROUP) < 0) {
		dev->path = NULL;
		device_free(dev);
		return -ENOMEM;
	}
	dev->dirfd = open(dev->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dev->dirfd < 0 && errno != ENOENT && errno != ENOTDIR)
		err(ctx, "%s: skipped: cannot open: %s", dev->path, strerror(errno));
	if (dev->dirfd < 0 || !cram_group_usable(dev)) {
		dbg(ctx, "%s: skipped", name);
		device_free(dev);
		return 0;
	}
	dev->devname = strdup(name);
	if (!dev->devname || find_region(dev) < 0) {
		device_free(dev);
		return -ENOMEM;
	}
	device_insert(ctx, dev);
	dbg(ctx, "%s: cram device, region %s", name, dev->region ? dev->region : "(none)");
	return 0;
}

static int scan_devices(struct cram_ctx *ctx)
{
	struct dirent *de;
	DIR *dir;
	int rc = 0;

	dir = opendir(CRAM_DAX_DIR);
	if (!dir) {
		rc = -errno;
		if (rc != -ENOENT)
			return rc;
		dbg(ctx, "%s: missing, no dax devices", CRAM_DAX_DIR);
		return 0;
	}
	while (rc == 0 && (de = readdir(dir)) != NULL) {
		if (de->d_name[0] != '.')
			rc = add_device(ctx, de->d_name);
	}
	closedir(dir);
	return rc;
}

struct cram_device *cram_device_get_first(struct cram_ctx *ctx)
{
	int rc;

	if (!ctx)
		return NULL;
	if (!ctx->devices_scanned) {
		rc = scan_devices(ctx);
		if (rc < 0) {
			err(ctx, "cannot list %s: %s", CRAM_DAX_DIR, strerror(-rc));
			cram_devices_free(ctx);
		}
		/* Even a failed scan is cached: cram_rescan() retries. */
		ctx->devices_scanned = true;
	}
	return ctx->devices;
}

struct cram_device *cram_device_get_next(struct cram_device *dev)
{
	return dev ? dev->next : NULL;
}

struct cram_ctx *cram_device_get_ctx(struct cram_device *dev)
{
	return dev ? dev->ctx : NULL;
}

const char *cram_device_get_devname(struct cram_device *dev)
{
	return dev ? dev->devname : NULL;
}

const char *cram_device_get_region(struct cram_device *dev)
{
	return dev ? dev->region : NULL;
}

const char *cram_device_get_path(struct cram_device *dev)
{
	return dev ? dev->path : NULL;
}

struct cram_attr cram_device_attr(struct cram_device *dev, const char *name)
{
	struct cram_attr a = { dev->dirfd, dev->path, name };

	return a;
}

struct cram_device *cram_device_get_by_name(struct cram_ctx *ctx, const char *devname)
{
	struct cram_device *dev;

	if (!ctx || !devname)
		return NULL;
	cram_device_foreach(ctx, dev)
		if (strcmp(dev->devname, devname) == 0)
			return dev;
	return NULL;
}

/* ---- attributes ----------------------------------------------------------- */

static int read_u64_attr(struct cram_device *dev, const char *attr, uint64_t *val)
{
	struct cram_attr a;

	if (!dev || !val)
		return -EINVAL;
	a = cram_device_attr(dev, attr);
	return cram_sysfs_read_u64(dev->ctx, &a, val);
}

static int write_attr(struct cram_device *dev, const char *attr, const char *value)
{
	struct cram_attr a;

	if (!dev)
		return -EINVAL;
	a = cram_device_attr(dev, attr);
	return cram_sysfs_write(dev->ctx, &a, value);
}

static int write_u64_attr(struct cram_device *dev, const char *attr, uint64_t val)
{
	char value[24];

	snprintf(value, sizeof(value), "%" PRIu64, val);
	return write_attr(dev, attr, value);
}

/*
 * Reads attribute @attr, which holds one of the @n @words (and a newline):
 * returns the word's index, or -errno (-EINVAL for any other content).
 */
static int read_word_attr(struct cram_device *dev, const char *attr,
			  const char *const *words, int n)
{
	char buf[CRAM_SYSFS_BUF];
	struct cram_attr a;
	size_t len;
	int rc, i;

	if (!dev)
		return -EINVAL;
	a = cram_device_attr(dev, attr);
	rc = cram_sysfs_read_str(dev->ctx, &a, buf, sizeof(buf));
	if (rc < 0)
		return rc;
	len = (size_t)rc;
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	for (i = 0; i < n; i++)
		if (strcmp(buf, words[i]) == 0)
			return i;
	return cram_sysfs_bad_value(dev->ctx, &a, buf, -EINVAL);
}

/* Indexed by enum cram_device_state and enum cram_device_mode. */
static const char *const state_words[] = { "offline", "online" };
static const char *const mode_words[] = { "compressed", "placement" };

int cram_device_get_state(struct cram_device *dev)
{
	return read_word_attr(dev, "state", state_words, 2);
}

/* Writes word @i of the @n @words into attribute @attr; -EINVAL when out of range. */
static int write_word_attr(struct cram_device *dev, const char *attr,
			   const char *const *words, int n, int i)
{
	if (i < 0 || i >= n)
		return -EINVAL;
	return write_attr(dev, attr, words[i]);
}

int cram_device_set_state(struct cram_device *dev, enum cram_device_state state)
{
	return write_word_attr(dev, "state", state_words, 2, (int)state);
}

int cram_device_get_node(struct cram_device *dev, int *val)
{
	char path[PATH_MAX];
	struct cram_attr a;
	int rc, node;

	if (!dev || !val)
		return -EINVAL;
	a = cram_device_attr(dev, "node");
	rc = cram_sysfs_read_int(dev->ctx, &a, &node);
	if (rc < 0)
		return rc;
	if (node < 0 || node >= CRAM_MAX_NODES) {
		err(dev->ctx, "%s: node id %d out of range 0-%d",
		    cram_attr_path(&a, path, sizeof(path)), node, CRAM_MAX_NODES - 1);
		return -ERANGE;
	}
	*val = node;
	return 0;
}

int cram_device_get_abi_version(struct cram_device *dev, uint64_t *val)
{
	return read_u64_attr(dev, "abi_version", val);
}

int cram_device_get_total_pages(struct cram_device *dev, uint64_t *val)
{
	return read_u64_attr(dev, "total_pages", val);
}

int cram_device_get_phys_capacity(struct cram_device *dev, uint64_t *val)
{
	return read_u64_attr(dev, "phys_capacity_bytes", val);
}

int cram_device_get_phys_used(struct cram_device *dev, uint64_t *val)
{
	return read_u64_attr(dev, "phys_used_bytes", val);
}

int cram_device_get_logical(struct cram_device *dev, uint64_t *val)
{
	return read_u64_attr(dev, "logical_bytes", val);
}

int cram_device_get_capacity_pages(struct cram_device *dev, uint64_t *val)
{
	return read_u64_attr(dev, "capacity_pages", val);
}

static int read_bool_attr(struct cram_device *dev, const char *attr, bool *val)
{
	struct cram_attr a;

	if (!dev || !val)
		return -EINVAL;
	a = cram_device_attr(dev, attr);
	return cram_sysfs_read_bool(dev->ctx, &a, val);
}

int cram_device_get_no_alloc(struct cram_device *dev, bool *val)
{
	return read_bool_attr(dev, "no_alloc", val);
}

int cram_device_get_demote_rate_limit(struct cram_device *dev, uint64_t *val)
{
	return read_u64_attr(dev, "demote_rate_limit_bytes", val);
}

int cram_device_get_evict_pending(struct cram_device *dev, uint64_t *val)
{
	return read_u64_attr(dev, "evict_bytes", val);
}

int cram_device_get_high_threshold(struct cram_device *dev, uint64_t *val)
{
	return read_u64_attr(dev, "high_threshold_bytes", val);
}

int cram_device_get_low_threshold(struct cram_device *dev, uint64_t *val)
{
	return read_u64_attr(dev, "low_threshold_bytes", val);
}

int cram_device_set_capacity_pages(struct cram_device *dev, uint64_t val)
{
	return write_u64_attr(dev, "capacity_pages", val);
}

int cram_device_set_no_alloc(struct cram_device *dev, bool val)
{
	return write_attr(dev, "no_alloc", val ? "1" : "0");
}

int cram_device_set_demote_rate_limit(struct cram_device *dev, uint64_t val)
{
	/* The ABI range is 0..2^63-1; refuse early what the kernel would. */
	if (val > INT64_MAX)
		return -ERANGE;
	return write_u64_attr(dev, "demote_rate_limit_bytes", val);
}

/*
 * evict_bytes reads back the bytes still pending, which the provider may
 * already have reduced: the read-back value must not exceed the request.
 */
int cram_device_request_evict(struct cram_device *dev, uint64_t bytes)
{
	char path[PATH_MAX], value[24];
	struct cram_attr a;
	uint64_t pending;
	int rc;

	if (!dev)
		return -EINVAL;
	a = cram_device_attr(dev, "evict_bytes");
	snprintf(value, sizeof(value), "%" PRIu64, bytes);
	rc = cram_sysfs_write_raw(dev->ctx, &a, value);
	if (rc == 0)
		rc = cram_sysfs_read_u64(dev->ctx, &a, &pending);
	if (rc < 0)
		return rc;
	if (pending > bytes) {
		err(dev->ctx, "%s: wrote '%s' but read back %" PRIu64 " pending",
		    cram_attr_path(&a, path, sizeof(path)), value, pending);
		return -EIO;
	}
	return 0;
}

/*
 * The kernel keeps low <= high at every write, so the order of the two
 * writes depends on where the current low threshold is. High first, which
 * keeps it unless the low in force is above the new high: the kernel
 * refuses that with EINVAL, and only then is the low read, to tell it
 * from a high beyond the capacity, and written first. A caller that
 * re-arms every pass reads nothing.
 */
int cram_device_set_thresholds(struct cram_device *dev, uint64_t high, uint64_t low)
{
	uint64_t cur_low;
	int rc;

	if (!dev || (high && low && low > high))
		return -EINVAL;
	rc = write_u64_attr(dev, "high_threshold_bytes", high);
	if (rc == -EINVAL && high) {
		if (cram_device_get_low_threshold(dev, &cur_low) < 0 || cur_low <= high)
			return rc;
		rc = write_u64_attr(dev, "low_threshold_bytes", low);
		return rc < 0 ? rc : write_u64_attr(dev, "high_threshold_bytes", high);
	}
	return rc < 0 ? rc : write_u64_attr(dev, "low_threshold_bytes", low);
}

/* ---- ABI v2: the node's mode and explicit migration ------------------------ */

int cram_device_get_mode(struct cram_device *dev)
{
	return read_word_attr(dev, "mode", mode_words, 2);
}

int cram_device_set_mode(struct cram_device *dev, enum cram_device_mode mode)
{
	return write_word_attr(dev, "mode", mode_words, 2, (int)mode);
}

int cram_device_get_user_migrate(struct cram_device *dev, bool *val)
{
	return read_bool_attr(dev, "user_migrate", val);
}

int cram_device_set_user_migrate(struct cram_device *dev, bool val)
{
	return write_attr(dev, "user_migrate", val ? "1" : "0");
}

int cram_device_get_migrated_pages(struct cram_device *dev, uint64_t *val)
{
	return read_u64_attr(dev, "migrated_pages", val);
}
