// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: cramd's control-socket request parser, through the
 * decoding of strings (\u escapes, surrogates) and the duplicate-key scan.
 * Use it with tests/fuzz/request.dict (scripts/fuzz.sh does).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../cramd/control-request.h"
#include "../../cramd/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cramd_request req;
	char err[256];
	size_t len;

	if (cramd_request_parse((const char *)data, size, &req, err, sizeof(err)) == 0) {
		/* A parsed request is always well formed. */
		len = strnlen(req.device, sizeof(req.device));
		if (len >= sizeof(req.device) || !cramd_command_name(req.command) ||
		    (len && strncmp(req.device, "dax", 3)))
			__builtin_trap();
		return 0;
	}
	/* Every refusal says why, in printable UTF-8 (it is logged and replied). */
	len = strnlen(err, sizeof(err));
	if (len == sizeof(err) || len == 0 || !cramd_utf8_printable(err, len))
		__builtin_trap();
	return 0;
}
