/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cramctl's JSON on standard output, in the shapes that `cxl list` gives. */
#ifndef CRAMCTL_JSON_OUT_H
#define CRAMCTL_JSON_OUT_H

#include <stdbool.h>

#include <json-c/json.h>

/* @obj, pretty-printed, and a newline. */
void json_out_print(struct json_object *obj);

/*
 * The array @arr of one kind of object. With @human (-u) and exactly one
 * object, the object alone, as `cxl list -u` prints it.
 */
void json_out_print_list(struct json_object *arr, bool human);

/*
 * Moves the objects of @arr into @top. With @nest (more than one kind of
 * object has results), as one object {"@name": @arr} instead, as `cxl list`
 * names its arrays. Takes over the reference to @arr. Returns 0, or -ENOMEM.
 */
int json_out_splice(struct json_object *top, struct json_object *arr, const char *name, bool nest);

#endif
