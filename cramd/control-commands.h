/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What each control-socket command does: the handler behind control-socket.c. */
#ifndef CRAMD_CONTROL_COMMANDS_H
#define CRAMD_CONTROL_COMMANDS_H

#include <stddef.h>

#include <json-c/json.h>

#include "control-request.h"
#include "control-socket.h"
#include "history.h"
#include "manager.h"

struct cramd_commands {
	struct cramd_manager *manager;
	const struct cramd_history *history;
};

/*
 * cramd_commands_handle - a cramd_control_handler; @userdata is a
 * struct cramd_commands. Online, offline and release are answered when the manager
 * completes them (a deferred reply). Replies (keys in control-protocol.h):
 *   status:  paused, managed, gates_closed, degraded, "devices": [{device,
 *            node, gate, degraded}], and "unmanaged": [{device, why, reason}]
 *   dump:    "decisions": [{time (UTC, ISO 8601), device, action, reason}],
 *            oldest first
 *   history: device, coarse_interval_ms, "points": [{time_ms, phys_used_bytes,
 *            ...}] (control-protocol.h); an error for a device cramd does
 *            not manage
 *   pause, resume: paused
 *   online, offline, release: device
 */
void cramd_commands_handle(void *userdata, const struct cramd_request *req,
			   struct cramd_control_reply *reply);

#endif
