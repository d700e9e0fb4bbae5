/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What cramctl knows of one cram device: everything read from sysfs
 * through libcram at one moment, its JSON form and its table columns
 * (shared by the verbs).
 */
#ifndef CRAMCTL_DEVICE_H
#define CRAMCTL_DEVICE_H

#include <stdbool.h>

#include <cram/cram.h>
#include <json-c/json.h>

#include "table.h"

/* One device; a field is valid only when its has_ flag is set. */
struct device_row {
	const char *devname;
	const char *region;
	int node;
	bool has_node;
	int state;		/* enum cram_device_state, or -errno */
	struct cram_snapshot snap;
	bool has_snap;
	int snap_err;		/* -errno of the telemetry read when !has_snap */
	bool no_alloc;
	bool has_gate;
	const char *mode;	/* "compressed", "placement"; NULL when unreadable */
};

/* "online", "offline", or NULL for an unreadable state. */
const char *device_state_name(int state);

/*
 * Reads @dev into @row. Unreadable attributes are reported on stderr with
 * their path and leave their has_ flag false. Returns 0, or -1 when
 * anything was unreadable.
 */
int device_row_read(struct cram_device *dev, struct device_row *row);

/*
 * The JSON object of @row, following `cxl list`: lower-case keys, sizes in
 * bytes, or strings in human units with @human. Unreadable fields are
 * left out. NULL when out of memory.
 */
struct json_object *device_row_json(const struct device_row *row, bool human);

/*
 * The table columns of what sysfs says of a device, as status and list
 * print them; a verb's own columns follow these.
 */
enum device_col {
	DEVICE_COL_DEVICE, DEVICE_COL_REGION, DEVICE_COL_NODE, DEVICE_COL_STATE, DEVICE_COL_MODE,
	DEVICE_COL_PHYS_TOTAL, DEVICE_COL_PHYS_USED, DEVICE_COL_LOGICAL, DEVICE_COL_RATIO,
	DEVICE_COL_HEADROOM, DEVICE_COL_GATE,
	DEVICE_NCOLS
};

extern const struct table_column device_columns[DEVICE_NCOLS];

/*
 * The cell of column @col of @row into @buf: "-" for what cannot be read,
 * sizes in short IEC units, or in bytes with @bytes.
 */
void device_row_cell(const struct device_row *row, int col, bool bytes, char *buf, size_t len);

/* A size in bytes; with @human, from UNITS_LONG_MIN on, as a string in cxl list's long form. */
struct json_object *device_json_size(bool human, uint64_t v);

/*
 * device_warn_no_provider - with no cram device listed, say on stderr when
 * the reason is a kernel without the cram provider (a stock kernel), so
 * that an empty list does not pass for "no device yet".
 */
void device_warn_no_provider(struct cram_ctx *ctx);

#endif
