// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * <cram/cram.h> compiles as C++98 with -pedantic (this file is built with
 * -std=c++98 -pedantic -Werror) and links from C++: the declarations are
 * extern "C".
 */
#include <cram/cram.h>

int main()
{
	struct cram_ctx *ctx = 0;
	enum cram_feature f = CRAM_FEATURE_PRIVATE_NODES;

	// no context: the library answers -EINVAL without touching sysfs
	return cram_has_feature(ctx, f) < 0 ? 0 : 1;
}
