// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cram-discover --claim: what a name stands for. A dax device names
 * itself; a CXL region, memory device or serial stands for the regions
 * it is (or is part of), found with libcxl, and so for their dax devices.
 * When nothing matches, one message says why.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <cxl/libcxl.h>
#include <daxctl/libdaxctl.h>

#include "discover-match.h"
#include "discover-scan.h"
#include "util/messages.h"
#include "util/names.h"

static int add_target(struct cramd_targets *t, const char *region)
{
	char (*v)[REGION_MAX];
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->regions[i], region))
			return 0;
	v = realloc(t->regions, (t->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	t->regions = v;
	snprintf(v[t->n++], REGION_MAX, "%s", region);
	return 0;
}

static bool memdev_matches(struct cxl_memdev *md, const char *name)
{
	unsigned long long serial = cxl_memdev_get_serial(md);

	if (!strncmp(name, "serial:", 7))	/* ULLONG_MAX: no serial known */
		return serial != ULLONG_MAX && util_serial_matches(name, serial);
	return !strcmp(cxl_memdev_get_devname(md), name);
}

/* Does CXL region @region match @name (itself, or one of its memdevs)? */
static bool region_matches(struct cxl_region *region, const char *name)
{
	struct cxl_memdev_mapping *m;

	if (!strncmp(name, "region", 6))
		return !strcmp(cxl_region_get_devname(region), name);
	cxl_mapping_foreach(region, m) {
		struct cxl_decoder *dec = cxl_mapping_get_decoder(m);
		struct cxl_memdev *md = dec ? cxl_decoder_get_memdev(dec) : NULL;

		if (md && memdev_matches(md, name))
			return true;
	}
	return false;
}

/* The CXL regions that region, memdev or serial @name stands for. */
int cramd_find_regions(const char *name, bool verbose, struct cramd_targets *t)
{
	struct cxl_ctx *ctx = cramd_cxl_new(verbose);
	struct cxl_region *region;
	struct cxl_memdev *md;
	struct cxl_decoder *dec;
	struct cxl_bus *bus;
	int rc = 0;

	if (!ctx)
		return -ENXIO;
	cxl_memdev_foreach(ctx, md)
		if (memdev_matches(md, name))
			t->known = true;
	cxl_bus_foreach(ctx, bus) {
		cxl_decoder_foreach(cxl_bus_get_port(bus), dec) {
			cxl_region_foreach(dec, region) {
				if (!region_matches(region, name))
					continue;
				t->known = t->in_region = true;
				rc = add_target(t, cxl_region_get_devname(region));
				if (rc < 0)
					goto out;
			}
		}
	}
out:
	cxl_unref(ctx);
	return rc;
}

bool cramd_dev_named(struct daxctl_dev *dev, const char *name,
		     const struct cramd_targets *t)
{
	char region[REGION_MAX];
	const char *path;
	size_t i;

	if (!strncmp(name, "dax", 3))
		return !strcmp(daxctl_dev_get_devname(dev), name);
	path = daxctl_region_get_path(daxctl_dev_get_region(dev));
	if (!path || util_region_of_path(path, region, sizeof(region)) < 0)
		return false;
	for (i = 0; i < t->n; i++)
		if (!strcmp(t->regions[i], region))
			return true;
	return false;
}

/* Why @name matched no dax device. */
void cramd_report_no_match(const char *name, const struct cramd_targets *t)
{
	const char *what;

	if (!strncmp(name, "dax", 3))
		what = "no such dax device";
	else if (!strncmp(name, "region", 6))
		what = t->known ? "the CXL region has no dax device" : "no such CXL region";
	else if (!t->known)
		what = strncmp(name, "serial:", 7) ? "no such CXL memory device"
						   : "no CXL memory device has this serial";
	else if (!t->in_region)
		what = "the memory device is in no CXL region";
	else
		what = "the memory device's CXL region has no dax device";
	cramd_discover_log(LOG_ERR, "%s: %s; nothing claimed", name, what);
}
