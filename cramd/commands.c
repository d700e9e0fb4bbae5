// SPDX-License-Identifier: GPL-2.0-or-later
/* What each control-socket command does; see commands.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"

static void add_status(struct cramd_commands *c, struct json_object *reply)
{
	struct json_object *devs = json_object_new_array();
	struct cramd_counts counts;
	size_t i, n = cramd_manager_device_count(c->manager);

	cramd_manager_get_counts(c->manager, &counts);
	json_object_object_add(reply, "version", json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(reply, "paused",
			       json_object_new_boolean(cramd_manager_paused(c->manager)));
	json_object_object_add(reply, "managed", json_object_new_uint64(counts.managed));
	json_object_object_add(reply, "gates_closed", json_object_new_uint64(counts.gates_closed));
	json_object_object_add(reply, "degraded", json_object_new_uint64(counts.degraded));
	for (i = 0; devs && i < n; i++) {
		struct json_object *d = json_object_new_object();
		struct cramd_device_info info;

		if (!d)
			break;
		cramd_manager_device_info(c->manager, i, &info);
		json_object_object_add(d, "device", json_object_new_string(info.devname));
		json_object_object_add(d, "node", json_object_new_int(info.node));
		json_object_object_add(d, "gate",
				       json_object_new_string(info.gate_closed ? "closed" : "open"));
		json_object_object_add(d, "degraded", json_object_new_boolean(info.degraded));
		json_object_array_add(devs, d);
	}
	json_object_object_add(reply, "devices", devs);
}

static void add_dump(struct cramd_commands *c, struct json_object *reply)
{
	struct json_object *list = json_object_new_array();
	size_t i;

	for (i = 0; list && i < c->history->count; i++) {
		const struct cramd_record *r = cramd_history_get(c->history, i);
		struct json_object *d = json_object_new_object();
		time_t t = (time_t)(r->realtime_usec / 1000000);
		char when[32], msg[CRAMD_REASON_MAX + 128];
		struct tm tm;

		if (!d)
			break;
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		json_object_object_add(d, "time", json_object_new_string(when));
		json_object_object_add(d, "device", json_object_new_string(r->device));
		json_object_object_add(d, "action", json_object_new_string(r->action));
		if (r->kind <= CRAMD_REC_RECOVERED)
			json_object_object_add(d, "cause",
					       json_object_new_string(cramd_cause_name(r->cause)));
		json_object_object_add(d, "reason",
				       json_object_new_string(cramd_record_message(r, msg,
										   sizeof(msg))));
		json_object_array_add(list, d);
	}
	json_object_object_add(reply, "decisions", list);
}

/*
 * The manager's online and offline complete through a callback, possibly
 * later from the loop. Until the control socket can send a reply later,
 * an offline under way when the call returns is waited for here, and an
 * online (waiting for its discovery) is answered at once: its outcome is
 * logged.
 */
struct op_result {
	bool done, orphaned;
	int rc;
	char err[256];
};

static void op_done(void *userdata, int rc, const char *err)
{
	struct op_result *res = userdata;

	if (res->orphaned) {
		free(res);
		return;
	}
	res->done = true;
	res->rc = rc;
	if (rc)
		snprintf(res->err, sizeof(res->err), "%s", err ? err : strerror(-rc));
}

static int run_op(struct cramd_commands *c, const struct cramd_request *req, char *err,
		  size_t errlen)
{
	struct op_result *res = calloc(1, sizeof(*res));
	int rc;

	if (!res) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (req->command == CRAMD_CMD_ONLINE)
		cramd_manager_online(c->manager, req->device, op_done, res);
	else
		cramd_manager_offline(c->manager, req->device, op_done, res);
	if (!res->done)
		cramd_manager_settle(c->manager);
	if (!res->done) {
		res->orphaned = true;
		return 0;
	}
	rc = res->rc;
	if (rc)
		snprintf(err, errlen, "%s", res->err);
	free(res);
	return rc;
}

int cramd_commands_handle(void *userdata, const struct cramd_request *req,
			  struct json_object *reply, char *err, size_t errlen)
{
	struct cramd_commands *c = userdata;
	int rc = 0;

	switch (req->command) {
	case CRAMD_CMD_STATUS:
		add_status(c, reply);
		break;
	case CRAMD_CMD_DUMP:
		add_dump(c, reply);
		break;
	case CRAMD_CMD_PAUSE:
	case CRAMD_CMD_RESUME:
		cramd_manager_set_paused(c->manager, req->command == CRAMD_CMD_PAUSE);
		json_object_object_add(reply, "paused",
				       json_object_new_boolean(cramd_manager_paused(c->manager)));
		break;
	case CRAMD_CMD_ONLINE:
	case CRAMD_CMD_OFFLINE:
		rc = run_op(c, req, err, errlen);
		if (rc == 0)
			json_object_object_add(reply, "device",
					       json_object_new_string(req->device));
		break;
	default:
		snprintf(err, errlen, "unsupported command");
		rc = -EINVAL;
	}
	return rc;
}
