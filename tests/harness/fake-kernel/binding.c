// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The fake kernel's dax drivers (see binding.h): which driver each dax
 * device is bound to, the drivers' id lists, and the memory blocks of
 * kmem devices. Follows drivers/dax/bus.c of 6.12: new_id adds an id and
 * attaches the device when it is unbound (a failed probe is not the
 * writer's error), remove_id drops it, bind attaches a device the driver
 * matches (an id, or kmem by type: CXL regions are kmem regions) and
 * unbind detaches one bound to this driver; cram matches by id only.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binding.h"

#define DAX_BUS		"/sys/bus/dax/devices"
#define DAX_DRIVERS	"/sys/bus/dax/drivers"
#define MEM_DIR		"/sys/devices/system/memory"
#define MAX_IDS		64
#define RAW_MAX		4096
#define NAME_LEN	32

enum { D_DEVICE_DAX, D_KMEM, D_CRAM, D_COUNT };
static const char *const drv_names[D_COUNT] = { "device_dax", "kmem", "cram" };

struct fk_driver {
	bool present;
	int wd;
	char ids[MAX_IDS][NAME_LEN];
	size_t nids;
};

struct fk_dax {
	char name[NAME_LEN];
	char *devpath;			/* "/sys/devices/.../daxX.Y" */
	int driver;			/* D_*, or -1 when unbound */
	int steal;			/* D_* that takes it before another driver's next new_id/bind */
	uint64_t probe_busy;		/* cram probes still to fail */
	uint64_t mem_busy;		/* memory block offlines still to fail */
	int node;
};

struct fk_block {
	int wd;
	size_t dev;			/* index into devs */
	unsigned long long index;
	bool online;
};

struct fk_binding {
	struct fk_provider *p;
	char *root;
	int ifd;
	struct fk_driver drv[D_COUNT];
	struct fk_dax *devs;
	size_t n;
	struct fk_block *blocks;
	size_t nblocks;
};

/* root + formatted path into @buf (PATH_MAX) */
static char *tb(struct fk_binding *b, char *buf, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static char *tb(struct fk_binding *b, char *buf, const char *fmt, ...)
{
	size_t n = strlen(b->root);
	va_list ap;

	snprintf(buf, PATH_MAX, "%s", b->root);
	va_start(ap, fmt);
	if (n < PATH_MAX)
		vsnprintf(buf + n, PATH_MAX - n, fmt, ap);
	va_end(ap);
	return buf;
}

static struct fk_dax *find_dax(struct fk_binding *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (!strcmp(b->devs[i].name, name))
			return &b->devs[i];
	return NULL;
}

static int driver_index(const char *name)
{
	int i;

	for (i = 0; i < D_COUNT; i++)
		if (!strcmp(drv_names[i], name))
			return i;
	return -1;
}

/* "daxX.Y" as the kernel's do_id_store() accepts it */
static bool valid_id(const char *s)
{
	unsigned int region, id;
	char canon[NAME_LEN];

	if (sscanf(s, "dax%u.%u", &region, &id) != 2)
		return false;
	snprintf(canon, sizeof(canon), "dax%u.%u", region, id);
	return !strcmp(canon, s);
}

static bool has_id(const struct fk_driver *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->nids; i++)
		if (!strcmp(d->ids[i], name))
			return true;
	return false;
}

/* Does the node of @x hold memory: a kmem block online on it? */
static bool node_holds_memory(struct fk_binding *b, int node)
{
	size_t i;

	for (i = 0; i < b->nblocks; i++)
		if (b->blocks[i].online && b->devs[b->blocks[i].dev].node == node)
			return true;
	return false;
}

/* ---- the driver link ------------------------------------------------------- */

/* The device's uevent with its DRIVER= line for @drv (none when -1). */
static void rewrite_uevent(struct fk_binding *b, struct fk_dax *x, int drv)
{
	char path[PATH_MAX], raw[RAW_MAX], out[RAW_MAX + 64], *line, *save = NULL;
	size_t o = 0;

	if (fk_read_raw(tb(b, path, "%s/uevent", x->devpath), raw, sizeof(raw)) < 0)
		return;
	out[0] = '\0';
	for (line = strtok_r(raw, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "DRIVER=", 7) && strncmp(line, "CRAM_EVENT=", 11))
			o += (size_t)snprintf(out + o, sizeof(out) - o, "%s\n", line);
	if (drv >= 0)
		snprintf(out + o, sizeof(out) - o, "DRIVER=%s\n", drv_names[drv]);
	fk_write_atomic(path, out);
}

static void set_driver(struct fk_binding *b, struct fk_dax *x, int drv)
{
	char path[PATH_MAX], target[PATH_MAX] = "";
	const char *c;

	if (x->driver >= 0) {
		unlink(tb(b, path, "%s/driver", x->devpath));
		unlink(tb(b, path, DAX_DRIVERS "/%s/%s", drv_names[x->driver], x->name));
	}
	if (drv >= 0) {
		/* one "../" for every component of the path below /sys */
		for (c = x->devpath + 4; *c; c++)
			if (*c == '/')
				strcat(target, "../");
		strcat(target, "bus/dax/drivers/");
		strcat(target, drv_names[drv]);
		if (symlink(target, tb(b, path, "%s/driver", x->devpath)) < 0)
			fk_log("cannot create %s: %s", path, strerror(errno));
		snprintf(target, sizeof(target), "../../../..%s", x->devpath + 4);
		if (symlink(target, tb(b, path, DAX_DRIVERS "/%s/%s", drv_names[drv], x->name)) < 0)
			fk_log("cannot create %s: %s", path, strerror(errno));
	}
	rewrite_uevent(b, x, drv);
	x->driver = drv;
}

static int probe(struct fk_binding *b, struct fk_dax *x, int drv)
{
	int rc = 0;

	if (drv == D_CRAM && x->probe_busy > 0) {
		x->probe_busy--;
		rc = -EBUSY;
	} else if (drv == D_CRAM && node_holds_memory(b, x->node)) {
		rc = -EBUSY;
	}
	if (!rc) {
		set_driver(b, x, drv);
		if (drv == D_CRAM)
			rc = fk_provider_cram_bind(b->p, x->name);
		if (rc)
			set_driver(b, x, -1);
	}
	if (rc) {
		fk_log("%s: probe of %s failed with error %d", drv_names[drv], x->name, rc);
		return rc;
	}
	fk_log("%s: bound to %s", x->name, drv_names[drv]);
	fk_provider_uevent(b->p, x->devpath, "bind");
	return 0;
}

static void unbind(struct fk_binding *b, struct fk_dax *x)
{
	int was = x->driver;
	size_t i;

	if (was == D_CRAM)
		fk_provider_cram_unbind(b->p, x->name);
	for (i = 0; was == D_KMEM && i < b->nblocks; i++)
		if (b->blocks[i].online && &b->devs[b->blocks[i].dev] == x) {
			fk_log("kmem: %s: memory stays online until reboot", x->name);
			break;
		}
	set_driver(b, x, -1);
	fk_log("%s: unbound from %s", x->name, drv_names[was]);
	fk_provider_uevent(b->p, x->devpath, "unbind");
}

/* ---- writes to the drivers' files -------------------------------------------- */

static int apply(struct fk_binding *b, int drv, const char *file, const char *val)
{
	struct fk_driver *d = &b->drv[drv];
	struct fk_dax *x = find_dax(b, val);
	size_t i;

	if (x && x->driver < 0 && x->steal >= 0 && drv != x->steal &&
	    (!strcmp(file, "new_id") || !strcmp(file, "bind"))) {
		fk_log("%s: %s takes it first (as udev or another tool would)", x->name,
		       drv_names[x->steal]);
		probe(b, x, x->steal);
		x->steal = -1;
	}
	if (!strcmp(file, "new_id") || !strcmp(file, "remove_id")) {
		if (!valid_id(val))
			return -EINVAL;
		for (i = 0; i < d->nids && strcmp(d->ids[i], val); i++)
			;
		if (file[0] == 'r') {
			if (i < d->nids)
				memmove(d->ids[i], d->ids[i + 1], (d->nids-- - i - 1) * NAME_LEN);
			return 0;
		}
		if (i == d->nids && d->nids == MAX_IDS)
			return -ENOMEM;
		if (i == d->nids && strlen(val) >= NAME_LEN)
			return -EINVAL;
		if (i == d->nids)
			memcpy(d->ids[d->nids++], val, strlen(val) + 1);
		if (x && x->driver < 0)
			probe(b, x, drv);	/* driver_attach(): its error is not returned */
		return 0;
	}
	if (!strcmp(file, "bind")) {
		if (!x || !(has_id(d, val) || drv == D_KMEM))
			return -ENODEV;
		if (x->driver >= 0)
			return -EBUSY;
		return probe(b, x, drv);
	}
	if (!strcmp(file, "unbind")) {
		if (!x || x->driver != drv)
			return -ENODEV;
		unbind(b, x);
		return 0;
	}
	return -EACCES;
}

/* Put the answer next to @dir/@file (below the root), then replace @file by @content. */
static void answer(struct fk_binding *b, const char *dir, const char *file,
		   int rc, const char *content)
{
	char path[PATH_MAX];

	fk_write_atomic(tb(b, path, "%s/" FK_ANSWER_PREFIX "%s", dir, file),
			rc ? fk_errno_name(-rc) : "");
	fk_write_atomic(tb(b, path, "%s/%s", dir, file), content);
}

static void driver_write(struct fk_binding *b, int drv, const char *file)
{
	char dir[64], path[PATH_MAX], raw[RAW_MAX], val[RAW_MAX];
	ssize_t n;
	int rc;

	snprintf(dir, sizeof(dir), DAX_DRIVERS "/%s", drv_names[drv]);
	n = fk_read_raw(tb(b, path, "%s/%s", dir, file), raw, sizeof(raw));
	if (n <= 0)
		return;		/* nothing written (an open with O_TRUNC) */
	rc = fk_value_of(raw, (size_t)n, val, sizeof(val));
	if (!rc)
		rc = apply(b, drv, file, val);
	if (rc)
		fk_log("%s/%s: rejected '%.64s': %s", drv_names[drv], file,
		       rc == -EINVAL ? "(not a device name)" : val, fk_errno_name(-rc));
	answer(b, dir, file, rc, "");
}

/* ---- memory blocks of kmem devices ------------------------------------------ */

static void block_write(struct fk_binding *b, struct fk_block *blk)
{
	struct fk_dax *x = &b->devs[blk->dev];
	char dir[64], path[PATH_MAX], raw[RAW_MAX], val[RAW_MAX];
	bool was = blk->online;
	ssize_t n;
	int rc;

	snprintf(dir, sizeof(dir), MEM_DIR "/memory%llu", blk->index);
	n = fk_read_raw(tb(b, path, "%s/state", dir), raw, sizeof(raw));
	if (n <= 0)
		return;
	rc = fk_value_of(raw, (size_t)n, val, sizeof(val));
	if (!rc && !strcmp(val, "offline")) {
		if (blk->online && x->mem_busy > 0) {
			x->mem_busy--;
			rc = -EBUSY;
		} else {
			blk->online = false;
		}
	} else if (!rc && (!strcmp(val, "online") || !strcmp(val, "online_movable") ||
			   !strcmp(val, "online_kernel"))) {
		blk->online = true;
	} else {
		rc = -EINVAL;
	}
	if (rc)
		fk_log("memory%llu/state: rejected '%.16s': %s", blk->index, val,
		       fk_errno_name(-rc));
	else if (blk->online != was)	/* (a writer's last close shows the state again) */
		fk_log("memory%llu (%s): %s", blk->index, x->name,
		       blk->online ? "online" : "offline");
	fk_write_atomic(tb(b, path, "%s/online", dir), blk->online ? "1\n" : "0\n");
	answer(b, dir, "state", rc, blk->online ? "online\n" : "offline\n");
}

bool fk_binding_event(struct fk_binding *b, int wd, const char *name)
{
	static const char *const files[] = { "new_id", "remove_id", "bind", "unbind" };
	size_t i, f;

	if (!b)
		return false;
	for (i = 0; i < D_COUNT; i++) {
		if (!b->drv[i].present || b->drv[i].wd != wd)
			continue;
		for (f = 0; f < sizeof(files) / sizeof(files[0]); f++)
			if (!strcmp(name, files[f]))
				driver_write(b, (int)i, files[f]);
		return true;
	}
	for (i = 0; i < b->nblocks; i++) {
		if (b->blocks[i].wd != wd)
			continue;
		if (!strcmp(name, "state"))
			block_write(b, &b->blocks[i]);
		return true;
	}
	return false;
}

/* ---- control commands --------------------------------------------------------- */

static bool parse_count(const char *s, uint64_t *v)
{
	if (!s || !*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 18)
		return false;
	*v = strtoull(s, NULL, 10);
	return true;
}

bool fk_binding_ctl(struct fk_binding *b, const char *cmd, const char *dev,
		    const char *arg, const char *extra)
{
	struct fk_dax *x = b && dev ? find_dax(b, dev) : NULL;
	uint64_t v;
	int drv;

	if (!cmd || !b)
		return false;
	if (!strcmp(cmd, "steal")) {
		drv = arg ? driver_index(arg) : -1;
		if (!x || drv < 0 || extra || !b->drv[drv].present)
			fk_log("fake-kernel.ctl: expected 'steal DEV DRIVER' with a dax "
			       "device and one of the testbed's drivers");
		else
			x->steal = drv;
		return true;
	}
	if (!strcmp(cmd, "probe-busy")) {
		if (!x || !parse_count(arg, &v) || extra)
			fk_log("fake-kernel.ctl: expected 'probe-busy DEV N' with a dax device");
		else
			x->probe_busy = v;
		return true;
	}
	if (!strcmp(cmd, "busy") && x && x->driver != D_CRAM && parse_count(arg, &v) && !extra) {
		x->mem_busy = v;
		return true;
	}
	return false;
}

/* ---- setup -------------------------------------------------------------------- */

static unsigned long long read_value(struct fk_binding *b, const char *rel, int base)
{
	char path[PATH_MAX], raw[64];

	if (fk_read_raw(tb(b, path, "%s", rel), raw, sizeof(raw)) <= 0)
		return 0;
	return strtoull(raw, NULL, base);
}

static int add_block(struct fk_binding *b, size_t dev, unsigned long long index)
{
	char path[PATH_MAX], raw[64];
	struct fk_block *v;
	int wd;

	if (fk_read_raw(tb(b, path, MEM_DIR "/memory%llu/state", index), raw, sizeof(raw)) < 0)
		return 0;
	wd = inotify_add_watch(b->ifd, tb(b, path, MEM_DIR "/memory%llu", index),
			       IN_CLOSE_WRITE);
	v = realloc(b->blocks, (b->nblocks + 1) * sizeof(*v));
	if (wd < 0 || !v) {
		fk_log("cannot watch %s: %s", path, strerror(v ? errno : ENOMEM));
		if (v)
			b->blocks = v;
		return -ENOMEM;
	}
	b->blocks = v;
	v[b->nblocks++] = (struct fk_block){ wd, dev, index, !strncmp(raw, "online", 6) };
	return 0;
}

/* Device @name of DAX_BUS: its sysfs path, driver, node and memory blocks. */
static int add_dax(struct fk_binding *b, const char *real_root, const char *name)
{
	char path[PATH_MAX], *real, link[PATH_MAX];
	unsigned long long block, first, count, i;
	struct fk_dax *x, *v;
	ssize_t n;

	real = realpath(tb(b, path, DAX_BUS "/%s", name), NULL);
	if (!real || strncmp(real, real_root, strlen(real_root)) ||
	    strncmp(real + strlen(real_root), "/sys/devices/", 13) || strlen(name) >= NAME_LEN) {
		free(real);
		return 0;
	}
	v = realloc(b->devs, (b->n + 1) * sizeof(*v));
	if (!v) {
		free(real);
		return -ENOMEM;
	}
	b->devs = v;
	x = &v[b->n++];
	*x = (struct fk_dax){ .driver = -1, .steal = -1 };
	memcpy(x->name, name, strlen(name) + 1);	/* shorter than NAME_LEN, see above */
	x->devpath = strdup(real + strlen(real_root));
	free(real);
	if (!x->devpath)
		return -ENOMEM;
	n = readlink(tb(b, path, "%s/driver", x->devpath), link, sizeof(link) - 1);
	if (n > 0) {
		link[n] = '\0';
		x->driver = driver_index(strrchr(link, '/') ? strrchr(link, '/') + 1 : link);
	}
	snprintf(path, sizeof(path), "%s/target_node", x->devpath);
	x->node = (int)read_value(b, path, 10);
	block = read_value(b, MEM_DIR "/block_size_bytes", 16);
	snprintf(path, sizeof(path), "%s/resource", x->devpath);
	first = block ? read_value(b, path, 16) / block : 0;
	snprintf(path, sizeof(path), "%s/size", x->devpath);
	count = block ? read_value(b, path, 10) / block : 0;
	for (i = first; i < first + count; i++)
		if (add_block(b, b->n - 1, i) < 0)
			return -ENOMEM;
	return 0;
}

static int setup(struct fk_binding *b)
{
	char path[PATH_MAX], *real_root;
	struct dirent *de;
	struct stat st;
	DIR *dir;
	int i, rc = 0;

	for (i = 0; i < D_COUNT; i++) {
		if (stat(tb(b, path, DAX_DRIVERS "/%s", drv_names[i]), &st) < 0)
			continue;
		b->drv[i].present = true;
		b->drv[i].wd = inotify_add_watch(b->ifd, path, IN_CLOSE_WRITE);
		if (b->drv[i].wd < 0) {
			fk_log("cannot watch %s: %s", path, strerror(errno));
			return -errno;
		}
	}
	real_root = realpath(b->root, NULL);
	dir = opendir(tb(b, path, DAX_BUS));
	if (!real_root || !dir) {
		free(real_root);
		if (dir)
			closedir(dir);
		return 0;
	}
	while (!rc && (de = readdir(dir)))
		if (de->d_name[0] != '.')
			rc = add_dax(b, real_root, de->d_name);
	closedir(dir);
	free(real_root);
	return rc;
}

int fk_binding_new(struct fk_binding **binding, struct fk_provider *p,
		   const char *root, int ifd)
{
	struct fk_binding *b = calloc(1, sizeof(*b));
	int rc;

	if (!b)
		return -ENOMEM;
	b->p = p;
	b->ifd = ifd;
	b->root = strdup(root);
	rc = b->root ? setup(b) : -ENOMEM;
	if (rc) {
		fk_binding_free(b);
		return rc;
	}
	*binding = b;
	return 0;
}

bool fk_binding_has_devices(const struct fk_binding *b)
{
	return b && b->n > 0;
}

void fk_binding_free(struct fk_binding *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->n; i++)
		free(b->devs[i].devpath);
	free(b->devs);
	free(b->blocks);
	free(b->root);
	free(b);
}
