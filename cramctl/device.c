// SPDX-License-Identifier: GPL-2.0-or-later
/* What cramctl knows of one cram device, its JSON form and its table cells. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../shared/control-protocol.h"
#include "util/messages.h"

#include "device.h"
#include "units.h"

const char *device_state_name(int state)
{
	switch (state) {
	case CRAM_DEVICE_ONLINE:
		return "online";
	case CRAM_DEVICE_OFFLINE:
		return "offline";
	default:
		return NULL;
	}
}

int device_row_read(struct cram_device *dev, struct device_row *row)
{
	const char *name = cram_device_get_devname(dev);
	int rc, ret = 0;

	memset(row, 0, sizeof(*row));
	row->devname = name;
	row->region = cram_device_get_region(dev);

	rc = cram_device_get_node(dev, &row->node);
	row->has_node = rc == 0;
	row->state = cram_device_get_state(dev);
	row->snap.size = sizeof(row->snap);
	rc = cram_device_snapshot(dev, &row->snap);
	row->has_snap = rc == 0;
	row->snap_err = rc;
	if (rc < 0) {
		fprintf(stderr, "cramctl: %s: cannot read telemetry %s/stat: %s\n",
			name, cram_device_get_path(dev), strerror(-rc));
		ret = -1;
	}
	rc = cram_device_get_no_alloc(dev, &row->no_alloc);
	row->has_gate = rc == 0;
	/* a kernel without cram/mode (ABI v1) has compressed devices only */
	rc = cram_device_get_mode(dev);
	row->mode = rc == CRAM_MODE_PLACEMENT ? CRAM_DEVMODE_PLACEMENT :
		    rc == CRAM_MODE_COMPRESSED || rc == -ENOENT ? CRAM_DEVMODE_COMPRESSED : NULL;
	if (!row->mode) {
		fprintf(stderr, "cramctl: %s: cannot read %s/mode: %s\n", name,
			cram_device_get_path(dev), strerror(-rc));
		ret = -1;
	}
	if (!row->has_node || row->state < 0 || !row->has_gate) {
		fprintf(stderr, "cramctl: %s: cannot read some attributes under %s\n",
			name, cram_device_get_path(dev));
		ret = -1;
	}
	return ret;
}

struct json_object *device_json_size(bool human, uint64_t v)
{
	char buf[64];

	if (!human || !units_long(v, buf, sizeof(buf)))
		return json_object_new_uint64(v);
	return json_object_new_string(buf);
}

struct json_object *device_row_json(const struct device_row *r, bool human)
{
	struct json_object *obj = json_object_new_object();
	const char *state = device_state_name(r->state);

	if (!obj)
		return NULL;
	json_object_object_add(obj, "device", json_object_new_string(r->devname));
	if (r->region)
		json_object_object_add(obj, "region", json_object_new_string(r->region));
	if (r->has_node)
		json_object_object_add(obj, "node", json_object_new_int(r->node));
	if (state)
		json_object_object_add(obj, "state", json_object_new_string(state));
	if (r->mode)
		json_object_object_add(obj, "mode", json_object_new_string(r->mode));
	if (r->has_snap) {
		double q = cram_snapshot_ratio(&r->snap);
		char buf[32];

		json_object_object_add(obj, "phys_capacity",
				       device_json_size(human, r->snap.phys_capacity_bytes));
		json_object_object_add(obj, "phys_used", device_json_size(human, r->snap.phys_used_bytes));
		json_object_object_add(obj, "logical", device_json_size(human, r->snap.logical_bytes));
		/* no ratio before anything is stored: left out, not null */
		snprintf(buf, sizeof(buf), "%.2f", q);
		if (q > 0.0)
			json_object_object_add(obj, "ratio", json_object_new_double_s(q, buf));
		json_object_object_add(obj, "headroom",
				       device_json_size(human, cram_snapshot_headroom(&r->snap)));
	}
	if (r->has_gate)
		json_object_object_add(obj, "gate",
				       json_object_new_string(r->no_alloc ? "closed" : "open"));
	return obj;
}

/* The default columns of status and list fit 80 columns: test-cramctl-table.sh checks it. */
const struct table_column device_columns[DEVICE_NCOLS] = {
	[DEVICE_COL_DEVICE] = { "DEVICE", 0, 0, true, "device name (daxX.Y)" },
	[DEVICE_COL_REGION] = { "REGION", 0, 0, true, "CXL region of the device" },
	[DEVICE_COL_NODE] = { "NODE", 0, SCOLS_FL_RIGHT, true, "private NUMA node" },
	[DEVICE_COL_STATE] = { "STATE", 0, 0, true, "online or offline" },
	[DEVICE_COL_MODE] = { "MODE", 0, 0, true, "compressed or placement" },
	[DEVICE_COL_PHYS_TOTAL] = { "PHYS-TOTAL", 0, SCOLS_FL_RIGHT, true, "physical capacity" },
	[DEVICE_COL_PHYS_USED] = { "PHYS-USED", 0, SCOLS_FL_RIGHT, true, "physical memory in use" },
	[DEVICE_COL_LOGICAL] = { "LOGICAL", 0, SCOLS_FL_RIGHT, false, "data stored, uncompressed" },
	[DEVICE_COL_RATIO] = { "RATIO", 0, SCOLS_FL_RIGHT, true,
			       "compression ratio, logical/physical" },
	[DEVICE_COL_HEADROOM] = { "HEADROOM", 0, SCOLS_FL_RIGHT, false, "physical capacity left" },
	[DEVICE_COL_GATE] = { "GATE", 0, 0, true, "allocation gate (no_alloc): open or closed" },
};

void device_row_cell(const struct device_row *r, int col, bool bytes, char *buf, size_t len)
{
	const char *state = device_state_name(r->state);
	double q;

	switch (col) {
	case DEVICE_COL_DEVICE:
		snprintf(buf, len, "%s", r->devname);
		break;
	case DEVICE_COL_REGION:
		snprintf(buf, len, "%s", r->region ? r->region : "-");
		break;
	case DEVICE_COL_NODE:
		if (r->has_node)
			snprintf(buf, len, "%d", r->node);
		else
			snprintf(buf, len, "-");
		break;
	case DEVICE_COL_STATE:
		snprintf(buf, len, "%s", state ? state : "-");
		break;
	case DEVICE_COL_MODE:
		snprintf(buf, len, "%s", r->mode ? r->mode : "-");
		break;
	case DEVICE_COL_PHYS_TOTAL:
		units_cell(r->has_snap, bytes, r->snap.phys_capacity_bytes, buf, len);
		break;
	case DEVICE_COL_PHYS_USED:
		units_cell(r->has_snap, bytes, r->snap.phys_used_bytes, buf, len);
		break;
	case DEVICE_COL_LOGICAL:
		units_cell(r->has_snap, bytes, r->snap.logical_bytes, buf, len);
		break;
	case DEVICE_COL_HEADROOM:
		units_cell(r->has_snap, bytes, cram_snapshot_headroom(&r->snap), buf, len);
		break;
	case DEVICE_COL_RATIO:
		q = r->has_snap ? cram_snapshot_ratio(&r->snap) : 0.0;
		if (q > 0.0)
			snprintf(buf, len, "%.2f", q);
		else
			snprintf(buf, len, "-");
		break;
	case DEVICE_COL_GATE:
		snprintf(buf, len, "%s", !r->has_gate ? "-" : r->no_alloc ?
			 CRAM_GATE_CLOSED : CRAM_GATE_OPEN);
		break;
	default:
		buf[0] = '\0';
		break;
	}
}

void device_warn_no_provider(struct cram_ctx *ctx)
{
	if (!cram_device_get_first(ctx) &&
	    cram_has_feature(ctx, CRAM_FEATURE_PROVIDER) == -EOPNOTSUPP)
		fprintf(stderr, "cramctl: " UTIL_MSG_NO_PROVIDER "\n");
}
