/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What each control-socket command does: the handler behind control.c. */
#ifndef CRAMD_COMMANDS_H
#define CRAMD_COMMANDS_H

#include <stddef.h>

#include <json-c/json.h>

#include "history.h"
#include "manager.h"
#include "request.h"

struct cramd_commands {
	struct cramd_manager *manager;
	const struct cramd_history *history;
};

/*
 * cramd_commands_handle - a cramd_control_handler; @userdata is a
 * struct cramd_commands. Replies:
 *   status:  paused, managed, gates_closed, degraded, and "devices": [{device,
 *            node, gate, degraded}]
 *   dump:    "decisions": [{time (UTC, ISO 8601), device, action, reason}],
 *            oldest first
 *   pause, resume: paused
 *   online, offline: device
 */
int cramd_commands_handle(void *userdata, const struct cramd_request *req,
			  struct json_object *reply, char *err, size_t errlen);

#endif
