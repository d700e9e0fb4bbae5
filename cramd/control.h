/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cramd's control socket (default /run/cramd/cramd.sock): a stream socket
 * on the sd-event loop. Each connection carries one JSON request line and
 * gets one JSON reply line: {"ok": true, ...} or {"ok": false, "error":
 * "..."}. Any local user may ask; only root (SO_PEERCRED) may change
 * anything. Oversized, malformed or slow requests get an error or are
 * dropped; they never block the daemon.
 */
#ifndef CRAMD_CONTROL_H
#define CRAMD_CONTROL_H

#include <stddef.h>

#include <json-c/json.h>
#include <systemd/sd-event.h>

#include "request.h"

#define CRAMD_SOCKET_PATH RUNSTATEDIR "/cramd/cramd.sock"
/* A client must send its request within this time. */
#define CRAMD_CONTROL_TIMEOUT_USEC (2 * 1000 * 1000)
/* Connections served at once; more are answered "busy" and closed. */
#define CRAMD_CONTROL_MAX_CLIENTS 16

/*
 * Handles one valid, permitted request: adds its results to @reply and
 * returns 0, or returns -errno with a one-line reason in @err.
 */
typedef int (*cramd_control_handler)(void *userdata, const struct cramd_request *req,
				     struct json_object *reply, char *err, size_t errlen);

struct cramd_control;

/*
 * cramd_control_new - listen on @path
 *
 * A stale socket at @path is replaced; any other file there is an error.
 * The socket is made connectable by every local user (mode 0666): the
 * peer's uid decides what it may do. Returns 0 or -errno.
 */
int cramd_control_new(struct cramd_control **out, sd_event *ev, const char *path,
		      cramd_control_handler handler, void *userdata);

/* cramd_control_free - close every connection and remove the socket. */
void cramd_control_free(struct cramd_control *c);

#endif
