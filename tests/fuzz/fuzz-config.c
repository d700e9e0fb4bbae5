// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: cramd's configuration parser, fed through a memory stream. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../cramd/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cramd_config cfg;
	char err[512];
	FILE *f;
	int rc;

	if (size == 0)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	cramd_config_init(&cfg);
	err[0] = '\0';
	rc = cramd_config_parse_file(&cfg, f, "fuzz.conf", err, sizeof(err));
	fclose(f);
	if (rc < 0 && (!err[0] || !strstr(err, "fuzz.conf")))
		__builtin_trap();	/* every error names the file */
	return 0;
}
