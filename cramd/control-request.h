/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Requests on cramd's control socket: one JSON object per connection,
 * e.g. {"command": "online", "device": "dax0.0"}. This is the pure
 * parser and validator (no I/O), shared with its unit and fuzz tests.
 */
#ifndef CRAMD_CONTROL_REQUEST_H
#define CRAMD_CONTROL_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "../shared/control-protocol.h"

/* Longest request accepted, newline included; longer ones are refused. */
#define CRAMD_REQUEST_MAX CRAM_CONTROL_REQUEST_MAX
#define CRAMD_REQUEST_DEVNAME_MAX CRAM_CONTROL_DEVICE_MAX

enum cramd_command {
	CRAMD_CMD_STATUS,	/* daemon state and every managed device */
	CRAMD_CMD_DUMP,		/* recent decisions with their reasons */
	CRAMD_CMD_PAUSE,	/* dry-run: decide and log, write no knob */
	CRAMD_CMD_RESUME,	/* leave dry-run */
	CRAMD_CMD_ONLINE,	/* online one device (needs "device") */
	CRAMD_CMD_OFFLINE,	/* offline one device (needs "device") */
	CRAMD_CMD_RELEASE,	/* offline it, give it back to device_dax ("device") */
	CRAMD_CMD_HISTORY,	/* a device's telemetry history ("device") */
};

struct cramd_request {
	enum cramd_command command;
	char device[CRAMD_REQUEST_DEVNAME_MAX];	/* "" when not given */
};

/*
 * cramd_request_parse - parse and validate one request
 * @buf, @len: the bytes received (need not be NUL-terminated; a single
 *             trailing newline is allowed)
 * @err: on failure, a one-line reason for the client
 *
 * Rejects: empty or oversized input, bytes after the object, invalid JSON,
 * input that is not strict UTF-8 (overlong forms, surrogates), a raw
 * control character in a string, a \u escape that decodes to NUL or to a
 * lone surrogate, a key given twice in any object, a non-object, a missing
 * or unknown "command", unknown keys, values of the wrong type, a "device"
 * that is not daxX.Y, and a device given to a command that takes none or
 * missing where one is needed. @err is printable, valid UTF-8 (the
 * client's text in it is escaped, see utf8.h), safe to log and to reply.
 * Returns 0 or -EINVAL (-E2BIG for oversized input).
 */
int cramd_request_parse(const char *buf, size_t len, struct cramd_request *req,
			char *err, size_t errlen);

/* cramd_request_mutates - true when @cmd changes state (root only). */
bool cramd_request_mutates(enum cramd_command cmd);

/* cramd_command_name - "status", "online", ... */
const char *cramd_command_name(enum cramd_command cmd);

#endif
