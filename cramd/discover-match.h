/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cram-discover --claim: the dax devices a name stands for
 * (discover-match.c), for discover-claim.c. Linked only into the
 * cram-discover helper.
 */
#ifndef CRAMD_DISCOVER_MATCH_H
#define CRAMD_DISCOVER_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#include <daxctl/libdaxctl.h>

#define REGION_MAX	32

/* The CXL regions a name stands for, and what it matched on the way. */
struct cramd_targets {
	char (*regions)[REGION_MAX];
	size_t n;
	bool known;		/* the memdev, serial or region exists */
	bool in_region;		/* ... and is part of a region */
};

/*
 * The CXL regions that region, memdev or serial @name stands for, added
 * to @t (its regions array is the caller's to free). 0 or -errno.
 */
int cramd_find_regions(const char *name, bool verbose, struct cramd_targets *t);

/* Whether dax device @dev is one @name stands for (itself, or in @t's regions). */
bool cramd_dev_named(struct daxctl_dev *dev, const char *name,
		     const struct cramd_targets *t);

/* Says why @name matched no dax device. */
void cramd_report_no_match(const char *name, const struct cramd_targets *t);

#endif
