// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: cramd's configuration parser on in-memory files. The
 * input is split at its first form feed into a file and a drop-in, so
 * that conflicts across files are reached too.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../cramd/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *ff = memchr(text, '\f', size);
	struct cramd_config_text files[2] = {
		{ "fuzz.conf", text, ff ? (size_t)(ff - text) : size },
		{ "fuzz.conf.d/50-x.conf", ff ? ff + 1 : NULL, ff ? size - (size_t)(ff - text) - 1 : 0 },
	};
	struct cramd_config cfg;
	struct cramd_policy_params p;
	struct cramd_device_ids ids = {
		.devname = "dax0.0", .region = "region0", .memdevs = "mem0,mem1",
		.has_serial = true, .serial = 0x1a,
	};
	char err[512];
	int rc;

	if (size == 0)
		return 0;
	cramd_config_init(&cfg);
	err[0] = '\0';
	rc = cramd_config_parse_texts(&cfg, files, ff ? 2 : 1, err, sizeof(err));
	if (rc < 0 && (!err[0] || !strstr(err, "fuzz.conf")))
		__builtin_trap();	/* every error names the file */
	if (rc == 0) {
		cramd_config_policy_params(&cfg, &ids, &p);
		if (p.low_watermark_percent >= p.high_watermark_percent ||
		    p.adaptive.critical_permille >= p.adaptive.evict_target_permille)
			__builtin_trap();	/* a device's parameters are consistent */
	}
	return 0;
}
