// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cramctl top: one refresh's data, from sysfs through libcram and from
 * cramd's status and dump replies (see top-sample.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "client.h"
#include "top-sample.h"
#include "unmanaged.h"

/* Copies @s into @buf, each byte that is not printable ASCII as '?'. */
static void copy_text(char *buf, size_t len, const char *s)
{
	size_t i;

	for (i = 0; s && s[i] && i + 1 < len; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (len)
		buf[i] = '\0';
}

static const char *json_str(struct json_object *obj, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool json_true(struct json_object *obj, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(obj, key, &v) &&
	       json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

static struct top_device *find(const struct top_view *v, const char *devname)
{
	size_t i;

	for (i = 0; v && i < v->n; i++)
		if (strcmp(v->dev[i].devname, devname) == 0)
			return &v->dev[i];
	return NULL;
}

/* Fill rate, incoming ratio and time to full against @old's snapshot. */
static void derive(struct top_device *d, const struct top_device *old)
{
	const struct cram_snapshot *a = &old->snap, *b = &d->snap;
	double dt, grown, came;

	if (!old->has_snap || !d->has_snap || b->timestamp_ns <= a->timestamp_ns)
		return;
	d->has_ttf = cram_snapshot_time_to_full(a, b, &d->ttf_ns) == 0;
	/* -ESTALE: a new bind; its counters and capacity are not comparable */
	if (!d->has_ttf)
		return;
	dt = (double)(b->timestamp_ns - a->timestamp_ns) / 1e9;
	grown = (double)b->phys_used_bytes - (double)a->phys_used_bytes;
	came = (double)b->logical_bytes - (double)a->logical_bytes;
	d->fill_rate = grown / dt;
	d->has_fill_rate = true;
	if (grown > 0 && came > 0) {
		d->in_ratio = came / grown;
		d->has_in_ratio = true;
	}
}

static void read_sysfs(struct cram_device *dev, struct top_device *d)
{
	uint64_t pages;
	long page = sysconf(_SC_PAGESIZE);

	copy_text(d->devname, sizeof(d->devname), cram_device_get_devname(dev));
	copy_text(d->region, sizeof(d->region), cram_device_get_region(dev));
	d->has_node = cram_device_get_node(dev, &d->node) == 0;
	d->state = cram_device_get_state(dev);
	d->mode = cram_device_get_mode(dev);
	/* a kernel without cram/mode (ABI v1) has compressed devices only */
	if (d->mode == -ENOENT)
		d->mode = CRAM_MODE_COMPRESSED;
	d->snap.size = sizeof(d->snap);
	d->has_snap = cram_device_snapshot(dev, &d->snap) == 0;
	d->has_gate = cram_device_get_no_alloc(dev, &d->no_alloc) == 0;
	d->has_rate_limit = cram_device_get_demote_rate_limit(dev, &d->rate_limit) == 0;
	if (page <= 0)
		page = 4096;
	if (cram_device_get_capacity_pages(dev, &pages) == 0 && pages <= UINT64_MAX / page) {
		d->target_bytes = pages * page;
		d->has_target = true;
	}
	if (cram_device_get_total_pages(dev, &pages) == 0 && pages <= UINT64_MAX / page) {
		d->total_bytes = pages * page;
		d->has_total = true;
	}
	d->has_high = cram_device_get_high_threshold(dev, &d->high_threshold) == 0;
}

/* What cramd's status reply @status says of @d. */
static void read_status(struct json_object *status, struct top_device *d)
{
	struct json_object *e = daemon_entry(status, CRAM_KEY_DEVICES, d->devname), *v;

	if (e) {
		d->managed = true;
		d->degraded = json_true(e, CRAM_KEY_DEGRADED);
		copy_text(d->cramd_gate, sizeof(d->cramd_gate), json_str(e, CRAM_KEY_GATE));
		d->has_reserve = json_object_object_get_ex(e, CRAM_KEY_RESERVE, &v) &&
				 json_object_is_type(v, json_type_int) &&
				 json_object_get_int64(v) >= 0;
		if (d->has_reserve)
			d->reserve = json_object_get_uint64(v);
		return;
	}
	e = daemon_entry(status, CRAM_KEY_UNMANAGED, d->devname);
	copy_text(d->why, sizeof(d->why), e ? json_str(e, CRAM_KEY_WHY) : NULL);
}

/* The last decision of each device, from the dump reply (oldest first). */
static void read_dump(struct json_object *dump, struct top_view *v)
{
	struct json_object *list;
	size_t i, n;

	if (!json_object_object_get_ex(dump, CRAM_KEY_DECISIONS, &list) ||
	    !json_object_is_type(list, json_type_array)) {
		v->dump_failed = true;
		return;
	}
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(list, i);
		const char *name = json_str(e, CRAM_KEY_DEVICE);
		struct top_device *d = name ? find(v, name) : NULL;

		if (!d)
			continue;
		copy_text(d->last_time, sizeof(d->last_time), json_str(e, CRAM_KEY_TIME));
		copy_text(d->last_action, sizeof(d->last_action), json_str(e, CRAM_KEY_ACTION));
		copy_text(d->last_reason, sizeof(d->last_reason), json_str(e, CRAM_KEY_REASON));
	}
}

/* A query that gets a reply with "ok": true; -EPROTO for a refusal. */
static int ask(const char *command, int timeout_ms, struct json_object **reply)
{
	int rc = client_call_quick(command, timeout_ms, reply);

	if (rc == 0 && !json_true(*reply, CRAM_KEY_OK)) {
		json_object_put(*reply);
		*reply = NULL;
		rc = -EPROTO;
	}
	return rc;
}

static void ask_cramd(struct top_view *v, int timeout_ms)
{
	struct json_object *status, *dump, *list;
	size_t i;
	int rc = ask(CRAM_CMD_STATUS, timeout_ms, &status);

	v->cramd_err = rc;
	if (rc == -ENOENT || rc == -ECONNREFUSED) {
		v->cramd = TOP_CRAMD_DOWN;
		return;
	}
	if (rc == -ETIMEDOUT || rc == -EAGAIN) {
		v->cramd = TOP_CRAMD_SILENT;
		return;
	}
	if (rc < 0) {
		v->cramd = TOP_CRAMD_ERROR;
		return;
	}
	v->cramd = TOP_CRAMD_UP;
	v->paused = json_true(status, CRAM_KEY_PAUSED);
	copy_text(v->version, sizeof(v->version), json_str(status, CRAM_KEY_VERSION));
	if (json_object_object_get_ex(status, CRAM_KEY_DEVICES, &list) &&
	    json_object_is_type(list, json_type_array))
		v->managed = json_object_array_length(list);
	for (i = 0; i < v->n; i++)
		read_status(status, &v->dev[i]);
	json_object_put(status);
	if (ask(CRAM_CMD_DUMP, timeout_ms, &dump) < 0) {
		v->dump_failed = true;
		return;
	}
	read_dump(dump, v);
	json_object_put(dump);
}

int top_sample(struct cram_ctx *ctx, const struct top_view *prev, int cramd_timeout_ms,
	       struct top_view *view)
{
	struct cram_device *dev;
	size_t n = 0;

	memset(view, 0, sizeof(*view));
	cram_rescan(ctx);
	cram_device_foreach(ctx, dev)
		n++;
	view->dev = calloc(n ? n : 1, sizeof(*view->dev));
	if (!view->dev)
		return -ENOMEM;
	cram_device_foreach(ctx, dev) {
		struct top_device *d = &view->dev[view->n];
		const struct top_device *old;

		if (view->n == n)
			break;
		read_sysfs(dev, d);
		old = find(prev, d->devname);
		if (old)
			derive(d, old);
		view->n++;
	}
	ask_cramd(view, cramd_timeout_ms);
	return 0;
}

void top_view_clear(struct top_view *view)
{
	free(view->dev);
	memset(view, 0, sizeof(*view));
}
