// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What the running kernel supports: private nodes at all, whether
 * userspace placement and explicit migration can reach them (ABI v2,
 * has_placement_memory) and the cram provider.
 */
#include <errno.h>

#include "private.h"
#include "sysfs.h"

int cram_has_feature(struct cram_ctx *ctx, enum cram_feature feature)
{
	int abi;

	if (!ctx)
		return -EINVAL;
	if (feature == CRAM_FEATURE_PROVIDER)
		return cram_sysfs_file_exists(CRAM_DAX_DRIVERS_DIR "/cram") ? 0 : -EOPNOTSUPP;
	if (feature != CRAM_FEATURE_PRIVATE_NODES && feature != CRAM_FEATURE_USER_PLACEMENT &&
	    feature != CRAM_FEATURE_USER_MIGRATE)
		return -EINVAL;
	abi = cram_get_abi(ctx);
	if (abi < 0)
		return abi;
	switch (feature) {
	case CRAM_FEATURE_PRIVATE_NODES:
		return abi == CRAM_ABI_NONE ? -EOPNOTSUPP : 0;
	case CRAM_FEATURE_USER_PLACEMENT:
	case CRAM_FEATURE_USER_MIGRATE:
		/*
		 * cram ABI v1 and P3 both fail mbind(), set_mempolicy() and
		 * move_pages() naming a private node. ABI v2 brings placement
		 * mode and explicit migration together; has_placement_memory
		 * (present even when it lists no node) is its mark.
		 */
		if (abi == CRAM_ABI_NONE)
			return -EOPNOTSUPP;
		return cram_sysfs_file_exists(CRAM_PLACEMENT_LIST) ? 0 : -EOPNOTSUPP;
	case CRAM_FEATURE_PROVIDER:
		break;
	}
	return -EINVAL;
}
