// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: cramd's control-socket request parser. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../cramd/request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cramd_request req;
	char err[256];

	if (cramd_request_parse((const char *)data, size, &req, err, sizeof(err)) == 0) {
		/* A parsed request is always well formed. */
		if (strlen(req.device) >= sizeof(req.device) || !cramd_command_name(req.command))
			__builtin_trap();
	} else if (!memchr(err, '\0', sizeof(err)) || !err[0]) {
		__builtin_trap();	/* every refusal says why */
	}
	return 0;
}
