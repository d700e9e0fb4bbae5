// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: cramd's reader of cram-discover's output. What it
 * accepts must print back (cramd_discovery_to_json) into text that it
 * accepts again, with the same devices.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../cramd/discover-format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cramd_discovery d, again;
	char err[256];
	char *text;
	size_t i;

	if (cramd_discovery_parse((const char *)data, size, &d, err, sizeof(err)) < 0) {
		if (!memchr(err, '\0', sizeof(err)) || !err[0])
			__builtin_trap();	/* every refusal says why */
		return 0;
	}
	text = cramd_discovery_to_json(&d);
	if (!text)
		__builtin_trap();
	if (cramd_discovery_parse(text, strlen(text), &again, err, sizeof(err)) < 0 ||
	    again.n != d.n)
		__builtin_trap();
	for (i = 0; i < d.n; i++)
		if (memcmp(&d.devs[i], &again.devs[i], sizeof(d.devs[i])))
			__builtin_trap();
	free(text);
	cramd_discovery_free(&again);
	cramd_discovery_free(&d);
	return 0;
}
