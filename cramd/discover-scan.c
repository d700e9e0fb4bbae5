// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cram-discover's scan with libcxl and libdaxctl (76.1).
 *
 * libcxl 76.1 cannot map a region to its dax region, so a dax device is
 * tied to its CXL region by name: libcram names the region above a cram
 * device (cram_device_get_region(), by util_region_of_path()'s rule).
 * Both libraries cache what they scanned, so each scan uses fresh
 * contexts.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <cxl/libcxl.h>
#include <daxctl/libdaxctl.h>

#include "discover-scan.h"
#include "util/line.h"
#include "util/names.h"

struct region_info {
	char name[CRAMD_DEVNAME_MAX];
	char memdevs[CRAMD_MEMDEVS_MAX];
	unsigned long long serial;
	bool has_serial;
};

struct region_list {
	struct region_info *v;
	size_t n;
};

/* Library messages are details: they go to cramd's debug level. */
static void lib_log(const char *lib, const char *fn, const char *format,
		    va_list args)
{
	char msg[512];

	util_vline(msg, sizeof(msg), format, args);
	cramd_discover_log(LOG_DEBUG, "%s: %s: %s", lib, fn, msg);
}

static void cxl_log(struct cxl_ctx *ctx, int priority, const char *file,
		    int line, const char *fn, const char *format, va_list args)
{
	lib_log("libcxl", fn, format, args);
}

static void daxctl_log(struct daxctl_ctx *ctx, int priority,
		       const char *file, int line, const char *fn,
		       const char *format, va_list args)
{
	lib_log("libdaxctl", fn, format, args);
}

static int lib_priority(bool verbose)
{
	return verbose ? LOG_DEBUG : LOG_ERR;
}

struct cxl_ctx *cramd_cxl_new(bool verbose)
{
	struct cxl_ctx *ctx;
	int rc = cxl_new(&ctx);

	if (rc) {
		cramd_discover_log(LOG_WARNING, "libcxl: cannot create a context: %s",
			  strerror(rc < 0 ? -rc : rc));
		return NULL;
	}
	cxl_set_log_fn(ctx, cxl_log);
	cxl_set_log_priority(ctx, lib_priority(verbose));
	return ctx;
}

struct daxctl_ctx *cramd_daxctl_new(bool verbose)
{
	struct daxctl_ctx *ctx;
	int rc = daxctl_new(&ctx);

	if (rc) {
		cramd_discover_log(LOG_WARNING, "libdaxctl: cannot create a context: %s",
			  strerror(rc < 0 ? -rc : rc));
		return NULL;
	}
	daxctl_set_log_fn(ctx, daxctl_log);
	daxctl_set_log_priority(ctx, lib_priority(verbose));
	return ctx;
}

static void copy_name(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

static void add_memdev(struct region_info *ri, struct cxl_memdev *md)
{
	const char *name = cxl_memdev_get_devname(md);
	size_t len = strlen(ri->memdevs);
	unsigned long long serial = cxl_memdev_get_serial(md);

	snprintf(ri->memdevs + len, sizeof(ri->memdevs) - len, "%s%s",
		 len ? "," : "", name);
	if (!ri->has_serial && serial != ULLONG_MAX) {
		ri->serial = serial;
		ri->has_serial = true;
	}
}

static int add_region(struct region_list *rl, struct cxl_region *region)
{
	struct region_info *v, *ri;
	struct cxl_memdev_mapping *m;

	v = realloc(rl->v, (rl->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	rl->v = v;
	ri = &v[rl->n++];
	memset(ri, 0, sizeof(*ri));
	copy_name(ri->name, sizeof(ri->name), cxl_region_get_devname(region));
	cxl_mapping_foreach(region, m) {
		struct cxl_decoder *dec = cxl_mapping_get_decoder(m);
		struct cxl_memdev *md = dec ? cxl_decoder_get_memdev(dec) : NULL;

		if (md)
			add_memdev(ri, md);
	}
	return 0;
}

static int scan_cxl(struct region_list *rl, bool verbose)
{
	struct cxl_decoder *dec;
	struct cxl_region *region;
	struct cxl_bus *bus;
	struct cxl_ctx *ctx = cramd_cxl_new(verbose);
	int rc = 0;

	if (!ctx)
		return 0;
	cxl_bus_foreach(ctx, bus) {
		struct cxl_port *port = cxl_bus_get_port(bus);

		cxl_decoder_foreach(port, dec) {
			cxl_region_foreach(dec, region) {
				rc = add_region(rl, region);
				if (rc < 0)
					goto out;
			}
		}
	}
out:
	cxl_unref(ctx);
	return rc;
}

static struct cramd_candidate *add_candidate(struct cramd_discovery *d,
					     const char *devname)
{
	struct cramd_candidate *v, *c;

	v = realloc(d->devs, (d->n + 1) * sizeof(*v));
	if (!v)
		return NULL;
	d->devs = v;
	c = &v[d->n++];
	memset(c, 0, sizeof(*c));
	copy_name(c->devname, sizeof(c->devname), devname);
	c->node = -1;
	return c;
}

static int scan_dax(struct cram_ctx *cram, bool verbose,
		    struct cramd_discovery *d)
{
	struct daxctl_region *region;
	struct daxctl_dev *dev;
	struct daxctl_ctx *ctx = cramd_daxctl_new(verbose);
	int rc = 0;

	if (!ctx)
		return 0;
	daxctl_region_foreach(ctx, region) {
		daxctl_dev_foreach(region, dev) {
			const char *name = daxctl_dev_get_devname(dev);
			struct cramd_candidate *c;

			if (!name || !cram_device_get_by_name(cram, name)) {
				cramd_discover_log(LOG_DEBUG, "%s: not a cram device",
					  name ? name : "(unnamed)");
				continue;
			}
			c = add_candidate(d, name);
			if (!c) {
				rc = -ENOMEM;
				goto out;
			}
			c->node = daxctl_dev_get_target_node(dev);
		}
	}
out:
	daxctl_unref(ctx);
	return rc;
}

static bool find(const struct cramd_discovery *d, const char *devname)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->devs[i].devname, devname) == 0)
			return true;
	return false;
}

/* libcram is the authority on what is a cram device: add what daxctl missed. */
static int add_cram_only(struct cram_ctx *cram, struct cramd_discovery *d)
{
	struct cram_device *dev;

	cram_device_foreach(cram, dev) {
		const char *name = cram_device_get_devname(dev);
		struct cramd_candidate *c;

		if (find(d, name))
			continue;
		cramd_discover_log(LOG_DEBUG, "%s: listed by libcram only", name);
		c = add_candidate(d, name);
		if (!c)
			return -ENOMEM;
	}
	return 0;
}

static void complete(struct cram_ctx *cram, struct cramd_candidate *c,
		     const struct region_list *rl)
{
	struct cram_device *dev = cram_device_get_by_name(cram, c->devname);
	size_t i;
	int node;

	if (dev && cram_device_get_node(dev, &node) == 0)
		c->node = node;
	if (dev)
		copy_name(c->region, sizeof(c->region),
			  cram_device_get_region(dev));
	for (i = 0; i < rl->n; i++) {
		if (strcmp(rl->v[i].name, c->region) != 0)
			continue;
		memcpy(c->memdevs, rl->v[i].memdevs, sizeof(c->memdevs));
		c->serial = rl->v[i].serial;
		c->has_serial = rl->v[i].has_serial;
	}
}

static int by_name(const void *a, const void *b)
{
	const struct cramd_candidate *x = a, *y = b;

	return strverscmp(x->devname, y->devname);
}

int cramd_discover_scan(struct cram_ctx *cram, bool verbose,
			struct cramd_discovery *out)
{
	struct region_list rl = { NULL, 0 };
	size_t i;
	int rc;

	out->devs = NULL;
	out->n = 0;
	out->n_regions = 0;
	rc = scan_cxl(&rl, verbose);
	if (rc == 0)
		rc = scan_dax(cram, verbose, out);
	if (rc == 0)
		rc = add_cram_only(cram, out);
	if (rc < 0) {
		free(rl.v);
		cramd_discovery_free(out);
		return rc;
	}
	for (i = 0; i < out->n; i++)
		complete(cram, &out->devs[i], &rl);
	if (out->n > 1)
		qsort(out->devs, out->n, sizeof(out->devs[0]), by_name);
	out->n_regions = rl.n;
	free(rl.v);
	return 0;
}
