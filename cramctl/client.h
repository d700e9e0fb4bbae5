/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cramctl's side of cramd's control socket. */
#ifndef CRAMCTL_CLIENT_H
#define CRAMCTL_CLIENT_H

#include <json-c/json.h>

/* The socket: $CRAMD_SOCKET, or cramd's default path. */
const char *client_socket_path(void);

/*
 * client_call - send {"command": @command[, "device": @device]} to cramd
 * and read its reply into @reply
 * @device: NULL for commands that take none
 *
 * Returns 0 with @reply set (check its "ok"), -ECONNREFUSED or -ENOENT
 * when the daemon is not running, -ETIMEDOUT (no reply within 5 s; for
 * online and offline, which wait for the kernel, within cramd's longest
 * offline_timeout_ms plus 15 s), -EPROTO for a garbled reply, or another
 * -errno.
 */
int client_call(const char *command, const char *device, struct json_object **reply);

#endif
