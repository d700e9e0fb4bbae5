/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cramctl status: what cramd says of the devices it does not manage (the
 * "unmanaged" list of its status reply), next to the rows read from sysfs.
 */
#ifndef CRAMCTL_UNMANAGED_H
#define CRAMCTL_UNMANAGED_H

#include <stdbool.h>

#include <cram/cram.h>
#include <json-c/json.h>

/*
 * daemon_entry - the object of array @key ("devices", "unmanaged") of
 * cramd's status reply @daemon whose "device" is @name, or NULL (also
 * when @daemon is NULL).
 */
struct json_object *daemon_entry(struct json_object *daemon, const char *key, const char *name);

/*
 * unmanaged_annotate - add "managed" (and, when false, "why" and
 * "reason") to @obj, the JSON object of cram device @devname, from
 * cramd's status reply @daemon; nothing without cramd (@daemon NULL) or
 * while an operation on the device is under way.
 */
void unmanaged_annotate(struct json_object *obj, struct json_object *daemon,
			const char *devname);

/*
 * unmanaged_emit - the devices cramd does not manage, those of the
 * @argc names in @argv (all when @argc is 0; a name found is marked in
 * @seen): append an object {device, managed: false, why, reason} to @arr
 * for each, but for the cram devices of @ctx (annotated in their rows)
 * unless @with_devices.
 */
void unmanaged_emit(struct json_object *daemon, struct cram_ctx *ctx, struct json_object *arr,
		    int argc, char **argv, bool *seen, bool with_devices);

#endif
