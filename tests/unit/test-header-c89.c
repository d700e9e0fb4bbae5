/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <cram/cram.h> for application developers: it compiles as C89 with
 * -pedantic (this file is built with -std=c89 -pedantic -Werror), and its
 * version macros name the package's version (CRAM_TEST_PACKAGE_VERSION,
 * given on the command line).
 */
#include <stdio.h>
#include <string.h>
#include <cram/cram.h>

#if CRAM_VERSION != CRAM_VERSION_NUMBER(CRAM_VERSION_MAJOR, CRAM_VERSION_MINOR, \
					CRAM_VERSION_MICRO)
#error "CRAM_VERSION does not match its parts"
#endif
#if !CRAM_CHECK_VERSION(CRAM_VERSION_MAJOR, CRAM_VERSION_MINOR, CRAM_VERSION_MICRO) || \
	!CRAM_CHECK_VERSION(0, 0, 0) || \
	CRAM_CHECK_VERSION(CRAM_VERSION_MAJOR, CRAM_VERSION_MINOR, CRAM_VERSION_MICRO + 1) || \
	CRAM_CHECK_VERSION(CRAM_VERSION_MAJOR + 1, 0, 0)
#error "CRAM_CHECK_VERSION is wrong"
#endif

int main(void)
{
	char v[64];

	sprintf(v, "%d.%d.%d", CRAM_VERSION_MAJOR, CRAM_VERSION_MINOR, CRAM_VERSION_MICRO);
	if (strcmp(v, CRAM_TEST_PACKAGE_VERSION) != 0) {
		fprintf(stderr, "cram.h says %s, the package is %s\n", v,
			CRAM_TEST_PACKAGE_VERSION);
		return 1;
	}
	return 0;
}
