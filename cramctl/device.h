/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What cramctl knows of one cram device: everything read from sysfs
 * through libcram at one moment, and its JSON form (shared by the verbs).
 */
#ifndef CRAMCTL_DEVICE_H
#define CRAMCTL_DEVICE_H

#include <stdbool.h>

#include <cram/cram.h>
#include <json-c/json.h>

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

/* A size in bytes, or in human units (a string) with @human. */
struct json_object *device_json_size(bool human, uint64_t v);

/*
 * device_warn_no_provider - with no cram device listed, say on stderr when
 * the reason is a kernel without the cram provider (a stock kernel), so
 * that an empty list does not pass for "no device yet".
 */
void device_warn_no_provider(struct cram_ctx *ctx);

#endif
