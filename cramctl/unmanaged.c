// SPDX-License-Identifier: GPL-2.0-or-later
/* What cramd says of the devices it does not manage; see unmanaged.h. */
#include <string.h>

#include "../shared/control-protocol.h"
#include "unmanaged.h"

/* @obj's string @key, or "-". */
static const char *str(struct json_object *obj, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
		return "-";
	return json_object_get_string(v);
}

struct json_object *daemon_entry(struct json_object *daemon, const char *key, const char *name)
{
	struct json_object *list;
	size_t i, n;

	if (!daemon || !json_object_object_get_ex(daemon, key, &list) ||
	    !json_object_is_type(list, json_type_array))
		return NULL;
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(list, i);

		if (strcmp(str(e, CRAM_KEY_DEVICE), name) == 0)
			return e;
	}
	return NULL;
}

void unmanaged_annotate(struct json_object *obj, struct json_object *daemon,
			const char *devname)
{
	struct json_object *e = daemon_entry(daemon, CRAM_KEY_UNMANAGED, devname);

	if (!obj)
		return;
	if (daemon_entry(daemon, CRAM_KEY_DEVICES, devname)) {
		json_object_object_add(obj, "managed", json_object_new_boolean(true));
	} else if (e) {
		json_object_object_add(obj, "managed", json_object_new_boolean(false));
		json_object_object_add(obj, "why", json_object_new_string(str(e, CRAM_KEY_WHY)));
		json_object_object_add(obj, "reason",
				       json_object_new_string(str(e, CRAM_KEY_REASON)));
	}
}

static bool named(const char *name, int argc, char **argv, bool *seen)
{
	bool any = argc == 0;
	int i;

	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], name) == 0) {
			seen[i] = true;
			any = true;
		}
	return any;
}

void unmanaged_emit(struct json_object *daemon, struct cram_ctx *ctx, struct json_object *arr,
		    int argc, char **argv, bool *seen, bool with_devices)
{
	struct json_object *list;
	size_t i, n;

	if (!daemon || !json_object_object_get_ex(daemon, CRAM_KEY_UNMANAGED, &list) ||
	    !json_object_is_type(list, json_type_array))
		return;
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(list, i), *obj;
		const char *name = str(e, CRAM_KEY_DEVICE);

		if (!named(name, argc, argv, seen))
			continue;
		if (!with_devices && cram_device_get_by_name(ctx, name))
			continue;
		obj = json_object_new_object();
		if (!obj)
			return;
		json_object_object_add(obj, "device", json_object_new_string(name));
		json_object_object_add(obj, "managed", json_object_new_boolean(false));
		json_object_object_add(obj, "why", json_object_new_string(str(e, CRAM_KEY_WHY)));
		json_object_object_add(obj, "reason", json_object_new_string(str(e, CRAM_KEY_REASON)));
		json_object_array_add(arr, obj);
	}
}
