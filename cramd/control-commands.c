// SPDX-License-Identifier: GPL-2.0-or-later
/* What each control-socket command does; see control-commands.h. */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <time.h>

#include "control-commands.h"
#include "telemetry-history.h"

/*
 * The longest a history point is written out (keys, punctuation, 20
 * digits per number), with the reply's frame: a full history fits.
 */
#define HISTORY_POINT_JSON_MAX 512
_Static_assert(CRAMD_TH_POINTS_MAX <= CRAM_HISTORY_POINTS_MAX, "the protocol's bound");
_Static_assert((CRAM_HISTORY_POINTS_MAX + 1) * HISTORY_POINT_JSON_MAX < CRAM_CONTROL_REPLY_MAX,
	       "a full history fits in a reply");

static void add_unmanaged(void *userdata, const char *device, const char *why,
			  const char *reason)
{
	struct json_object *list = userdata, *d = json_object_new_object();

	if (!d)
		return;
	json_object_object_add(d, CRAM_KEY_DEVICE, json_object_new_string(device));
	json_object_object_add(d, CRAM_KEY_WHY, json_object_new_string(why));
	json_object_object_add(d, CRAM_KEY_REASON, json_object_new_string(reason));
	json_object_array_add(list, d);
}

static void add_u64(struct json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

/*
 * The reserve level of @s in bytes: the physical use at which the policy
 * acts, as the sample recorded it. The one conversion: history points and
 * the status reply both give it, so that cramctl plot and top agree.
 */
static uint64_t sample_reserve_bytes(const struct cramd_th_sample *s)
{
	return s->phys_capacity / 1000 * s->reserve_permille +
	       s->phys_capacity % 1000 * s->reserve_permille / 1000;
}

/* @devname's reserve level of its newest history point into @d; none before a sample. */
static void add_reserve(struct cramd_commands *c, const char *devname, struct json_object *d)
{
	const struct cramd_telemetry_history *h =
		cramd_manager_device_telemetry(c->manager, devname);
	struct cramd_th_sample s;
	size_t n = h ? cramd_th_count(h) : 0;

	if (!n)
		return;
	cramd_th_get(h, n - 1, &s);
	if (!(s.flags & CRAMD_TH_NO_DATA))
		add_u64(d, CRAM_KEY_RESERVE, sample_reserve_bytes(&s));
}

static void add_status(struct cramd_commands *c, struct json_object *reply)
{
	struct json_object *unmanaged = json_object_new_array();

	struct json_object *devs = json_object_new_array();
	struct cramd_counts counts;
	size_t i, n = cramd_manager_device_count(c->manager);

	cramd_manager_get_counts(c->manager, &counts);
	json_object_object_add(reply, CRAM_KEY_VERSION, json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(reply, CRAM_KEY_PAUSED,
			       json_object_new_boolean(cramd_manager_paused(c->manager)));
	json_object_object_add(reply, CRAM_KEY_MANAGED, json_object_new_uint64(counts.managed));
	json_object_object_add(reply, CRAM_KEY_GATES_CLOSED, json_object_new_uint64(counts.gates_closed));
	json_object_object_add(reply, CRAM_KEY_DEGRADED, json_object_new_uint64(counts.degraded));
	for (i = 0; devs && i < n; i++) {
		struct json_object *d = json_object_new_object();
		struct cramd_device_info info;

		if (!d)
			break;
		cramd_manager_device_info(c->manager, i, &info);
		json_object_object_add(d, CRAM_KEY_DEVICE, json_object_new_string(info.devname));
		json_object_object_add(d, CRAM_KEY_NODE, json_object_new_int(info.node));
		if (info.mode != CRAMD_MODE_PLACEMENT)
			json_object_object_add(d, CRAM_KEY_GATE,
					       json_object_new_string(info.gate_closed ?
								      CRAM_GATE_CLOSED :
								      CRAM_GATE_OPEN));
		json_object_object_add(d, CRAM_KEY_DEGRADED, json_object_new_boolean(info.degraded));
		json_object_object_add(d, CRAM_KEY_MODE,
				       json_object_new_string(cramd_device_mode_name(info.mode)));
		json_object_object_add(d, CRAM_KEY_CRITICAL, json_object_new_boolean(info.critical));
		/* last: clients read the keys before it in this order */
		add_reserve(c, info.devname, d);
		json_object_array_add(devs, d);
	}
	json_object_object_add(reply, CRAM_KEY_DEVICES, devs);
	if (unmanaged)
		cramd_manager_foreach_unmanaged(c->manager, add_unmanaged, unmanaged);
	json_object_object_add(reply, CRAM_KEY_UNMANAGED, unmanaged);
}

/* Written from the typed decision records, as the journal lines are. */
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
		json_object_object_add(d, CRAM_KEY_TIME, json_object_new_string(when));
		json_object_object_add(d, CRAM_KEY_DEVICE, json_object_new_string(r->device));
		json_object_object_add(d, CRAM_KEY_ACTION, json_object_new_string(r->action));
		json_object_object_add(d, CRAM_KEY_REASON,
				       json_object_new_string(cramd_record_message(r, msg,
										   sizeof(msg))));
		json_object_array_add(list, d);
	}
	json_object_object_add(reply, CRAM_KEY_DECISIONS, list);
}

static struct json_object *history_point(const struct cramd_th_sample *s)
{
	struct json_object *p = json_object_new_object();

	if (!p)
		return NULL;
	add_u64(p, CRAM_KEY_TIME_MS, s->realtime_ms);
	if (!(s->flags & CRAMD_TH_NO_DATA)) {
		add_u64(p, CRAM_KEY_PHYS_USED, s->phys_used);
		add_u64(p, CRAM_KEY_PHYS_CAPACITY, s->phys_capacity);
		add_u64(p, CRAM_KEY_RESERVE, sample_reserve_bytes(s));
		add_u64(p, CRAM_KEY_LOGICAL, s->logical);
	}
	json_object_object_add(p, CRAM_KEY_GATE, json_object_new_string(
		s->flags & CRAMD_TH_GATE_CLOSED ? CRAM_GATE_CLOSED : CRAM_GATE_OPEN));
	if (s->rate_limit)
		add_u64(p, CRAM_KEY_RATE_LIMIT, s->rate_limit);
	if (s->capacity_target)
		add_u64(p, CRAM_KEY_CAPACITY_TARGET, s->capacity_target);
	if (s->flags & CRAMD_TH_GATE_CHANGED)
		json_object_object_add(p, CRAM_KEY_GATE_CHANGED, json_object_new_boolean(true));
	if (s->flags & CRAMD_TH_EVICT)
		add_u64(p, CRAM_KEY_EVICT, s->evict_bytes);
	if (s->flags & CRAMD_TH_DEGRADED)
		json_object_object_add(p, CRAM_KEY_DEGRADED, json_object_new_boolean(true));
	if (s->flags & CRAMD_TH_DRY_RUN)
		json_object_object_add(p, CRAM_KEY_DRY_RUN, json_object_new_boolean(true));
	return p;
}

/* Returns 0, or -ENOENT when cramd manages no device of that name. */
static int add_history(struct cramd_commands *c, const char *device, struct json_object *reply)
{
	const struct cramd_telemetry_history *h =
		cramd_manager_device_telemetry(c->manager, device);
	struct json_object *list;
	size_t i, n;

	if (!h)
		return -ENOENT;
	list = json_object_new_array();
	n = cramd_th_count(h);
	json_object_object_add(reply, CRAM_KEY_DEVICE, json_object_new_string(device));
	add_u64(reply, CRAM_KEY_COARSE_INTERVAL_MS, CRAMD_TH_COARSE_MS);
	for (i = 0; list && i < n; i++) {
		struct cramd_th_sample s;
		struct json_object *p;

		cramd_th_get(h, i, &s);
		p = history_point(&s);
		if (!p)
			break;
		json_object_array_add(list, p);
	}
	json_object_object_add(reply, CRAM_KEY_POINTS, list);
	return 0;
}

/* The manager's completion of an online, offline or release: the deferred reply. */
static void op_done(void *reply, int rc, const char *err)
{
	cramd_control_reply_done(reply, rc, err);
}

void cramd_commands_handle(void *userdata, const struct cramd_request *req,
			   struct cramd_control_reply *r)
{
	struct cramd_commands *c = userdata;
	struct json_object *reply = cramd_control_reply_object(r);

	if (!reply) {
		cramd_control_reply_done(r, -ENOMEM, NULL);
		return;
	}
	switch (req->command) {
	case CRAMD_CMD_STATUS:
		add_status(c, reply);
		break;
	case CRAMD_CMD_DUMP:
		add_dump(c, reply);
		break;
	case CRAMD_CMD_HISTORY:
		if (add_history(c, req->device, reply) < 0) {
			char err[CRAMD_REQUEST_DEVNAME_MAX + 64];

			snprintf(err, sizeof(err), "%s: cramd manages no such device", req->device);
			cramd_control_reply_done(r, -ENOENT, err);
			return;
		}
		break;
	case CRAMD_CMD_PAUSE:
	case CRAMD_CMD_RESUME:
		cramd_manager_set_paused(c->manager, req->command == CRAMD_CMD_PAUSE);
		json_object_object_add(reply, CRAM_KEY_PAUSED,
				       json_object_new_boolean(cramd_manager_paused(c->manager)));
		break;
	case CRAMD_CMD_ONLINE:
	case CRAMD_CMD_OFFLINE:
	case CRAMD_CMD_RELEASE:
		/* Answered when the manager is done, maybe after this returns. */
		json_object_object_add(reply, CRAM_KEY_DEVICE, json_object_new_string(req->device));
		if (req->command == CRAMD_CMD_ONLINE)
			cramd_manager_online(c->manager, req->device, op_done, r);
		else if (req->command == CRAMD_CMD_OFFLINE)
			cramd_manager_offline(c->manager, req->device, op_done, r);
		else
			cramd_manager_release(c->manager, req->device, op_done, r);
		return;
	default:
		cramd_control_reply_done(r, -EINVAL, "unsupported command");
		return;
	}
	cramd_control_reply_done(r, 0, NULL);
}
