// SPDX-License-Identifier: GPL-2.0-or-later
/* Parser and validator of control-socket requests; see control-request.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "control-request.h"
#include "util/names.h"
#include "utf8.h"

/* How much of a client's string an error message quotes, in characters. */
#define QUOTE_CHARS 40
/* Objects and arrays nest at most this deep (json-c enforces it first). */
#define MAX_DEPTH 8

static const struct {
	const char *name;
	bool needs_device;
	bool mutates;
} commands[] = {
	[CRAMD_CMD_STATUS] = { CRAM_CMD_STATUS, false, false },
	[CRAMD_CMD_DUMP] = { CRAM_CMD_DUMP, false, false },
	[CRAMD_CMD_PAUSE] = { CRAM_CMD_PAUSE, false, true },
	[CRAMD_CMD_RESUME] = { CRAM_CMD_RESUME, false, true },
	[CRAMD_CMD_ONLINE] = { CRAM_CMD_ONLINE, true, true },
	[CRAMD_CMD_OFFLINE] = { CRAM_CMD_OFFLINE, true, true },
	[CRAMD_CMD_RELEASE] = { CRAM_CMD_RELEASE, true, true },
	[CRAMD_CMD_HISTORY] = { CRAM_CMD_HISTORY, true, false },
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

/* @s escaped for a message: printable UTF-8, at most QUOTE_CHARS characters. */
static const char *quote(char *buf, size_t len, const char *s)
{
	return cramd_utf8_escape(buf, len, s, strlen(s), QUOTE_CHARS);
}

static int parse_object(struct json_object *obj, struct cramd_request *req,
			char *err, size_t errlen)
{
	const char *command = NULL, *device = NULL;
	char q[4 * QUOTE_CHARS + 8];
	size_t i;

	json_object_object_foreach(obj, key, val) {
		if (strcmp(key, CRAM_KEY_COMMAND) == 0 || strcmp(key, CRAM_KEY_DEVICE) == 0) {
			if (!json_object_is_type(val, json_type_string))
				return fail(err, errlen, -EINVAL, "\"%s\" must be a string", key);
			if (key[0] == 'c')
				command = json_object_get_string(val);
			else
				device = json_object_get_string(val);
		} else {
			return fail(err, errlen, -EINVAL, "unknown key \"%s\"",
				    quote(q, sizeof(q), key));
		}
	}
	if (!command)
		return fail(err, errlen, -EINVAL, "missing \"" CRAM_KEY_COMMAND "\"");
	for (i = 0; i < N_COMMANDS; i++)
		if (strcmp(command, commands[i].name) == 0)
			break;
	if (i == N_COMMANDS)
		return fail(err, errlen, -EINVAL, "unknown command \"%s\"",
			    quote(q, sizeof(q), command));
	req->command = i;
	if (commands[i].needs_device && !device)
		return fail(err, errlen, -EINVAL, "command \"%s\" needs a \"device\"", command);
	if (!commands[i].needs_device && device)
		return fail(err, errlen, -EINVAL, "command \"%s\" takes no \"device\"", command);
	if (device) {
		if (strlen(device) >= sizeof(req->device) || !util_name_is(device, "dax", 2))
			return fail(err, errlen, -EINVAL, "\"device\" must be daxX.Y, not \"%s\"",
				    quote(q, sizeof(q), device));
		strcpy(req->device, device);
	}
	return 0;
}

/*
 * What json-c lets through, found on the text it has accepted: raw control
 * characters in strings, \u0000 and lone surrogates (which it decodes or
 * replaces), and keys given twice in one object (it keeps the last, and
 * cuts a key at a NUL). Keys are compared decoded, so "a" and "\u0061"
 * are the same key.
 */
struct scan {
	char text[CRAMD_REQUEST_MAX];		/* decoded keys of the open objects */
	size_t used;
	struct {
		unsigned short off, len;
	} key[CRAMD_REQUEST_MAX / 4];		/* a key takes at least 4 bytes: "":0 */
	size_t n_keys;
	size_t first_key[MAX_DEPTH + 1];	/* the first key of each open object */
	bool is_object[MAX_DEPTH + 1];
	int depth;
};

static int hex4(const char *s, unsigned int *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = s[i];
		unsigned int d = c >= '0' && c <= '9' ? c - '0' :
				 c >= 'a' && c <= 'f' ? c - 'a' + 10 :
				 c >= 'A' && c <= 'F' ? c - 'A' + 10 : 16;

		if (d == 16)
			return -1;
		*v = *v << 4 | d;
	}
	return 0;
}

static size_t put_utf8(char *out, unsigned int cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Decodes the string whose opening quote is at @s[*i] into @out (room for
 * @len bytes: the input is at least as long) and moves *i past its closing
 * quote. Returns its decoded length, or -1 with @err set.
 */
static long scan_string(const char *s, size_t len, size_t *i, char *out,
			char *err, size_t errlen)
{
	size_t p = *i + 1, o = 0;

	while (p < len && s[p] != '"') {
		unsigned char c = (unsigned char)s[p];
		unsigned int cp, lo;

		if (c < 0x20)
			return fail(err, errlen, -1, "invalid JSON: control character 0x%02x in a "
				    "string (write it as \\u%04x)", c, c);
		if (c != '\\') {
			out[o++] = s[p++];
			continue;
		}
		if (p + 1 >= len)
			return fail(err, errlen, -1, "invalid JSON: incomplete escape");
		c = (unsigned char)s[p + 1];
		if (c != 'u') {
			static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
			const char *e = memchr(from, c, sizeof(from) - 1);

			if (!e)
				return fail(err, errlen, -1, "invalid JSON: bad escape");
			out[o++] = to[e - from];
			p += 2;
			continue;
		}
		if (p + 6 > len || hex4(s + p + 2, &cp) < 0)
			return fail(err, errlen, -1, "invalid JSON: bad \\u escape");
		p += 6;
		if (cp == 0)
			return fail(err, errlen, -1, "NUL (\\u0000) in a string");
		if (cp >= 0xdc00 && cp <= 0xdfff)
			return fail(err, errlen, -1, "invalid JSON: lone surrogate \\u%04x", cp);
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (p + 6 > len || s[p] != '\\' || s[p + 1] != 'u' ||
			    hex4(s + p + 2, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
				return fail(err, errlen, -1, "invalid JSON: lone surrogate \\u%04x",
					    cp);
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			p += 6;
		}
		o += put_utf8(out + o, cp);
	}
	*i = p + 1;
	return (long)o;
}

/* A key of the innermost open object: refused when that object has it already. */
static int scan_key(struct scan *sc, const char *k, size_t len, char *err, size_t errlen)
{
	char q[4 * QUOTE_CHARS + 8];
	size_t j;

	for (j = sc->first_key[sc->depth]; j < sc->n_keys; j++)
		if (sc->key[j].len == len && memcmp(sc->text + sc->key[j].off, k, len) == 0)
			return fail(err, errlen, -EINVAL, "duplicate key \"%s\"",
				    cramd_utf8_escape(q, sizeof(q), k, len, QUOTE_CHARS));
	if (sc->n_keys == sizeof(sc->key) / sizeof(sc->key[0]) ||
	    sc->used + len > sizeof(sc->text))
		return fail(err, errlen, -EINVAL, "too many keys");
	memcpy(sc->text + sc->used, k, len);
	sc->key[sc->n_keys].off = (unsigned short)sc->used;
	sc->key[sc->n_keys].len = (unsigned short)len;
	sc->n_keys++;
	sc->used += len;
	return 0;
}

/* Runs on text json-c has parsed: its structure is known to be valid. */
static int scan_strict(const char *s, size_t len, char *err, size_t errlen)
{
	struct scan sc;
	char str[CRAMD_REQUEST_MAX];
	bool expect_key = false;
	size_t i = 0;

	memset(&sc, 0, sizeof(sc));
	sc.depth = -1;
	while (i < len) {
		char c = s[i];
		long n;

		switch (c) {
		case '{':
		case '[':
			if (sc.depth == MAX_DEPTH)
				return fail(err, errlen, -EINVAL, "invalid JSON: nested too deeply");
			sc.depth++;
			sc.is_object[sc.depth] = c == '{';
			sc.first_key[sc.depth] = sc.n_keys;
			expect_key = c == '{';
			i++;
			break;
		case '}':
		case ']':
			if (sc.depth >= 0) {
				sc.n_keys = sc.first_key[sc.depth];
				sc.used = sc.n_keys ? sc.key[sc.n_keys - 1].off +
						      sc.key[sc.n_keys - 1].len : 0;
				sc.depth--;
			}
			expect_key = false;
			i++;
			break;
		case ',':
			expect_key = sc.depth >= 0 && sc.is_object[sc.depth];
			i++;
			break;
		case '"':
			n = scan_string(s, len, &i, str, err, errlen);
			if (n < 0)
				return -EINVAL;
			if (expect_key && scan_key(&sc, str, (size_t)n, err, errlen) < 0)
				return -EINVAL;
			expect_key = false;
			break;
		default:
			i++;
		}
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
	for (used = 0; used < len;) {
		size_t n = cramd_utf8_char(buf + used, len - used);

		if (!n)
			return fail(err, errlen, -EINVAL, "invalid JSON: invalid UTF-8 at byte %zu",
				    used);
		used += n;
	}
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
		rc = scan_strict(copy, len, err, errlen);
		if (rc == 0)
			rc = parse_object(obj, req, err, errlen);
	}
	json_object_put(obj);
	json_tokener_free(tok);
	return rc;
}
