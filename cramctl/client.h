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
 * Returns 0 with @reply set (check its "ok"; a refusal is read even when
 * cramd stopped reading the request), -ECONNREFUSED or -ENOENT when the
 * daemon is not running, -ETIMEDOUT (no reply within the protocol's
 * timeouts, control-protocol.h), -EPROTO for a garbled or missing reply,
 * or another -errno.
 */
int client_call(const char *command, const char *device, struct json_object **reply);

/*
 * client_call_quick - client_call() of a read-only @command (status, dump)
 * for a caller that must not wait long: the reply within @timeout_ms, and
 * -EAGAIN at once when cramd's listen backlog is full (cramd stopped),
 * where client_call() would block in connect(). Other results as
 * client_call().
 */
int client_call_quick(const char *command, int timeout_ms, struct json_object **reply);

#endif
