// SPDX-License-Identifier: GPL-2.0-or-later
/* cramctl's JSON on standard output, in the shapes that `cxl list` gives. */
#include <errno.h>
#include <stdio.h>

#include "json-out.h"

void json_out_print(struct json_object *obj)
{
	printf("%s\n", json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
						      JSON_C_TO_STRING_SPACED |
						      JSON_C_TO_STRING_NOSLASHESCAPE));
}

void json_out_print_list(struct json_object *arr, bool human)
{
	if (human && json_object_array_length(arr) == 1)
		json_out_print(json_object_array_get_idx(arr, 0));
	else
		json_out_print(arr);
}

int json_out_splice(struct json_object *top, struct json_object *arr, const char *name, bool nest)
{
	struct json_object *obj;
	size_t i, n;
	int ret = 0;

	if (nest) {
		obj = json_object_new_object();
		if (!obj || json_object_object_add(obj, name, arr) < 0) {
			json_object_put(obj);
			json_object_put(arr);
			return -ENOMEM;
		}
		if (json_object_array_add(top, obj) < 0) {
			json_object_put(obj);
			return -ENOMEM;
		}
		return 0;
	}
	n = json_object_array_length(arr);
	for (i = 0; i < n && !ret; i++) {
		obj = json_object_get(json_object_array_get_idx(arr, i));
		if (json_object_array_add(top, obj) < 0) {
			json_object_put(obj);
			ret = -ENOMEM;
		}
	}
	json_object_put(arr);
	return ret;
}
