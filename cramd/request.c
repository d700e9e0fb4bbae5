// SPDX-License-Identifier: GPL-2.0-or-later
/* Parser and validator of control-socket requests; see request.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "names.h"
#include "request.h"

static const struct {
	const char *name;
	bool needs_device;
	bool mutates;
} commands[] = {
	[CRAMD_CMD_STATUS] = { "status", false, false },
	[CRAMD_CMD_DUMP] = { "dump", false, false },
	[CRAMD_CMD_PAUSE] = { "pause", false, true },
	[CRAMD_CMD_RESUME] = { "resume", false, true },
	[CRAMD_CMD_ONLINE] = { "online", true, true },
	[CRAMD_CMD_OFFLINE] = { "offline", true, true },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

const char *cramd_command_name(enum cramd_command cmd)
{
	return (size_t)cmd < N_COMMANDS ? commands[cmd].name : "?";
}

bool cramd_request_mutates(enum cramd_command cmd)
{
	return (size_t)cmd < N_COMMANDS && commands[cmd].mutates;
}

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

static int parse_object(struct json_object *obj, struct cramd_request *req,
			char *err, size_t errlen)
{
	const char *command = NULL, *device = NULL;
	size_t i;

	json_object_object_foreach(obj, key, val) {
		if (strcmp(key, "command") == 0 || strcmp(key, "device") == 0) {
			if (!json_object_is_type(val, json_type_string))
				return fail(err, errlen, -EINVAL, "\"%s\" must be a string", key);
			if (key[0] == 'c')
				command = json_object_get_string(val);
			else
				device = json_object_get_string(val);
		} else {
			return fail(err, errlen, -EINVAL, "unknown key \"%.40s\"", key);
		}
	}
	if (!command)
		return fail(err, errlen, -EINVAL, "missing \"command\"");
	for (i = 0; i < N_COMMANDS; i++)
		if (strcmp(command, commands[i].name) == 0)
			break;
	if (i == N_COMMANDS)
		return fail(err, errlen, -EINVAL, "unknown command \"%.40s\"", command);
	req->command = i;
	if (commands[i].needs_device && !device)
		return fail(err, errlen, -EINVAL, "command \"%s\" needs a \"device\"", command);
	if (!commands[i].needs_device && device)
		return fail(err, errlen, -EINVAL, "command \"%s\" takes no \"device\"", command);
	if (device) {
		if (strlen(device) >= sizeof(req->device) || !cramd_name_is(device, "dax", 2))
			return fail(err, errlen, -EINVAL, "\"device\" must be daxX.Y, not \"%.40s\"",
				    device);
		strcpy(req->device, device);
	}
	return 0;
}

int cramd_request_parse(const char *buf, size_t len, struct cramd_request *req,
			char *err, size_t errlen)
{
	char copy[CRAMD_REQUEST_MAX + 1];
	struct json_tokener *tok;
	struct json_object *obj;
	size_t used;
	int rc;

	memset(req, 0, sizeof(*req));
	if (len > CRAMD_REQUEST_MAX)
		return fail(err, errlen, -E2BIG, "request longer than %d bytes", CRAMD_REQUEST_MAX);
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len == 0)
		return fail(err, errlen, -EINVAL, "empty request");
	if (memchr(buf, '\0', len))
		return fail(err, errlen, -EINVAL, "NUL byte in request");
	tok = json_tokener_new_ex(8);
	if (!tok)
		return fail(err, errlen, -ENOMEM, "out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	/* The terminating NUL tells the tokener that a bare number has ended. */
	memcpy(copy, buf, len);
	copy[len] = '\0';
	obj = json_tokener_parse_ex(tok, copy, (int)len + 1);
	used = json_tokener_get_parse_end(tok);
	if (used == len + 1)
		used = len;
	if (!obj && json_tokener_get_error(tok) == json_tokener_success) {
		rc = fail(err, errlen, -EINVAL, "request must be a JSON object");	/* null */
	} else if (!obj) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		rc = fail(err, errlen, -EINVAL, "invalid JSON: %s",
			  e == json_tokener_continue ? "incomplete" :
			  json_tokener_error_desc(e));
	} else if (used != len) {
		rc = fail(err, errlen, -EINVAL, "trailing bytes after the JSON object");
	} else if (!json_object_is_type(obj, json_type_object)) {
		rc = fail(err, errlen, -EINVAL, "request must be a JSON object");
	} else {
		rc = parse_object(obj, req, err, errlen);
	}
	json_object_put(obj);
	json_tokener_free(tok);
	return rc;
}
