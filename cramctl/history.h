/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cramctl history: one device's telemetry and decisions over time, from cramd. */
#ifndef CRAMCTL_HISTORY_H
#define CRAMCTL_HISTORY_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

int cmd_history(int argc, char **argv);

/*
 * history_fetch - ask cramd for @device's history
 *
 * Returns 0 with *@reply (put it) and *@points, its array of points
 * (control-protocol.h, CRAM_CMD_HISTORY), or an exit status (message
 * printed): 1 refused or malformed, 3 cramd not running.
 */
int history_fetch(const char *device, struct json_object **reply, struct json_object **points);

/* A point's @key as a number; false when the point leaves it out. */
bool history_u64(struct json_object *point, const char *key, uint64_t *v);

/* A point's flag @key (gate_changed, degraded, dry_run): false when left out. */
bool history_flag(struct json_object *point, const char *key);

#endif
