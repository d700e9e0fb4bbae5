/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cramd's control socket (CRAM_CONTROL_SOCKET_PATH, see
 * shared/control-protocol.h): a stream socket on the sd-event loop. Each
 * connection carries one JSON request line and gets one JSON reply line.
 * Any local user may ask; only root (SO_PEERCRED) may change anything.
 *
 * Fair to every user: CRAMD_CONTROL_MAX_CLIENTS connections are served at
 * once, of which one uid other than root holds at most
 * CRAMD_CONTROL_MAX_PER_UID and all of them together at most
 * CRAMD_CONTROL_MAX_CLIENTS - CRAMD_CONTROL_ROOT_RESERVED: no unprivileged
 * user can lock root out. Others are answered "busy".
 *
 * No reply is lost: after a reply (an answer, or a refusal: busy, too
 * long, malformed) cramd shuts down its side for writing and reads the
 * client's remaining input until it closes, for at most
 * CRAM_CONTROL_REQUEST_TIMEOUT_MS, so the client reads the reason instead
 * of a reset. Nothing blocks the daemon.
 */
#ifndef CRAMD_CONTROL_SOCKET_H
#define CRAMD_CONTROL_SOCKET_H

#include <stddef.h>

#include <json-c/json.h>
#include <systemd/sd-event.h>

#include "control-request.h"

#define CRAMD_SOCKET_PATH CRAM_CONTROL_SOCKET_PATH
/* Connections served at once, by every uid together. */
#define CRAMD_CONTROL_MAX_CLIENTS 16
/* Of those, how many only root may take. */
#define CRAMD_CONTROL_ROOT_RESERVED 4
/* How many one uid other than root may hold. */
#define CRAMD_CONTROL_MAX_PER_UID 4
/* Refused connections kept open to deliver their reply; more are closed at once. */
#define CRAMD_CONTROL_MAX_REFUSED 64

/*
 * One request being answered. The handler receives it, may add its
 * results to cramd_control_reply_object(), and must call
 * cramd_control_reply_done() exactly once: before it returns, or later from
 * the event loop (a deferred reply, as for online and offline). The slot
 * stays valid until then, whatever the client does: when the client has
 * gone, or the control socket has been freed, the reply is dropped and
 * the slot freed by cramd_control_reply_done(). A client whose request is
 * pending is not read from until its reply.
 */
struct cramd_control_reply;

/*
 * Handles one valid, permitted request @req (valid during the call only).
 */
typedef void (*cramd_control_handler)(void *userdata, const struct cramd_request *req,
				      struct cramd_control_reply *reply);

/*
 * cramd_control_reply_object - the reply being built ({"ok": true} is
 * added on success); NULL when out of memory (the reply is then an error).
 */
struct json_object *cramd_control_reply_object(struct cramd_control_reply *reply);

/*
 * cramd_control_reply_done - complete @reply: rc == 0 sends the object
 * with "ok": true; rc < 0 discards it and sends "ok": false with @err (one
 * line, escaped before it is sent or logged; strerror(-rc) when NULL).
 * Frees @reply. Call it exactly once.
 */
void cramd_control_reply_done(struct cramd_control_reply *reply, int rc, const char *err);

struct cramd_control;

/*
 * cramd_control_new - listen on @path
 *
 * The caller holds cramd's instance lock (instance-lock.h): only then is a
 * socket at @path, left by an instance that died, replaced; any other file
 * there is an error. The socket is made connectable by every local user
 * (mode 0666): the peer's uid decides what it may do. Returns 0 or -errno.
 */
int cramd_control_new(struct cramd_control **out, sd_event *ev, const char *path,
		      cramd_control_handler handler, void *userdata);

/*
 * cramd_control_free - close every connection and remove the socket.
 *
 * Safe with replies pending: their connections are closed and their slots
 * stay allocated until cramd_control_reply_done(), which then only frees
 * them. So whatever completes them (the manager) must still call done for
 * each: cramd frees the control socket first, then the manager, whose
 * cramd_manager_free() completes what is still running.
 */
void cramd_control_free(struct cramd_control *c);

#endif
