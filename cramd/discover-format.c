// SPDX-License-Identifier: GPL-2.0-or-later
/* The candidate list and cram-discover's output format (discover-format.h). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "discover-format.h"
#include "util/names.h"

void cramd_discovery_free(struct cramd_discovery *d)
{
	free(d->devs);
	d->devs = NULL;
	d->n = 0;
	d->n_regions = 0;
}

const struct cramd_candidate *
cramd_discovery_find(const struct cramd_discovery *d, const char *devname)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->devs[i].devname, devname) == 0)
			return &d->devs[i];
	return NULL;
}

/* ---- writing ----------------------------------------------------------------- */

static int add(json_object *obj, const char *key, json_object *val)
{
	if (!val || json_object_object_add(obj, key, val) < 0) {
		json_object_put(val);
		return -ENOMEM;
	}
	return 0;
}

static json_object *candidate_to_json(const struct cramd_candidate *c)
{
	json_object *o = json_object_new_object();
	char serial[32];
	int rc;

	if (!o)
		return NULL;
	snprintf(serial, sizeof(serial), "0x%llx", c->serial);
	rc = add(o, "devname", json_object_new_string(c->devname));
	if (rc == 0)
		rc = add(o, "region", json_object_new_string(c->region));
	if (rc == 0)
		rc = add(o, "node", json_object_new_int(c->node));
	if (rc == 0)
		rc = add(o, "memdevs", json_object_new_string(c->memdevs));
	if (rc == 0 && c->has_serial)
		rc = add(o, "serial", json_object_new_string(serial));
	else if (rc == 0)
		rc = json_object_object_add(o, "serial", NULL) < 0 ? -ENOMEM : 0;
	if (rc < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

char *cramd_discovery_to_json(const struct cramd_discovery *d)
{
	json_object *o = json_object_new_object();
	json_object *devs = json_object_new_array();
	char *text = NULL;
	size_t i;
	int rc;

	if (!o || !devs) {
		json_object_put(o);
		json_object_put(devs);
		return NULL;
	}
	for (i = 0; i < d->n; i++)
		if (json_object_array_add(devs, candidate_to_json(&d->devs[i])) < 0)
			break;
	rc = i == d->n ? 0 : -ENOMEM;
	if (rc == 0)
		rc = add(o, "format", json_object_new_string(CRAMD_DISCOVER_FORMAT));
	if (rc == 0)
		rc = add(o, "version", json_object_new_int(CRAMD_DISCOVER_VERSION));
	if (rc == 0)
		rc = add(o, "cxl_regions", json_object_new_int64((int64_t)d->n_regions));
	if (rc == 0)
		rc = add(o, "devices", devs);
	else
		json_object_put(devs);
	if (rc == 0) {
		const char *s = json_object_to_json_string_ext(o,
				JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
				JSON_C_TO_STRING_NOSLASHESCAPE);
		size_t len = s ? strlen(s) : 0;

		text = s ? malloc(len + 2) : NULL;
		if (text) {
			memcpy(text, s, len);
			text[len] = '\n';
			text[len + 1] = '\0';
		}
	}
	json_object_put(o);
	return text;
}

/* ---- reading ----------------------------------------------------------------- */

static __attribute__((format(printf, 3, 4)))
int bad(char *err, size_t errlen, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	vsnprintf(err, errlen, format, ap);
	va_end(ap);
	return -EBADMSG;
}

/* The member @key of @obj, of type @type. */
static int member(json_object *obj, const char *key, json_type type,
		  json_object **val, const char *where, char *err, size_t errlen)
{
	*val = NULL;
	if (!json_object_object_get_ex(obj, key, val))
		return bad(err, errlen, "%s%s: missing", where, key);
	if (!json_object_is_type(*val, type))
		return bad(err, errlen, "%s%s: expected %s, got %s", where, key,
			   json_type_to_name(type),
			   json_type_to_name(json_object_get_type(*val)));
	return 0;
}

static int get_string(json_object *obj, const char *key, char *dst, size_t size,
		      const char *where, char *err, size_t errlen)
{
	json_object *v;
	const char *s;
	int rc = member(obj, key, json_type_string, &v, where, err, errlen);

	if (rc < 0)
		return rc;
	s = json_object_get_string(v);
	if ((size_t)json_object_get_string_len(v) >= size || strlen(s) >= size)
		return bad(err, errlen, "%s%s: longer than %zu bytes", where, key,
			   size - 1);
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

/* "mem0,mem1": memory device names joined by ','. */
static bool valid_memdevs(const char *s)
{
	char name[CRAMD_MEMDEVS_MAX];

	while (*s) {
		size_t n = strcspn(s, ",");

		if (n == 0 || n >= sizeof(name))
			return false;
		memcpy(name, s, n);
		name[n] = '\0';
		if (!util_name_is(name, "mem", 1))
			return false;
		s += n;
		if (*s == ',' && *++s == '\0')
			return false;
	}
	return true;
}

static int parse_serial(const char *s, unsigned long long *serial)
{
	size_t n = strlen(s);
	char *end;

	if (n < 3 || n > 18 || s[0] != '0' || s[1] != 'x' ||
	    strspn(s + 2, "0123456789abcdefABCDEF") != n - 2)
		return -EINVAL;
	errno = 0;
	*serial = strtoull(s + 2, &end, 16);
	return errno || *end ? -EINVAL : 0;
}

static int parse_candidate(json_object *o, size_t i, struct cramd_candidate *c,
			   char *err, size_t errlen)
{
	char where[48];
	json_object *v;
	int64_t node;
	int rc;

	snprintf(where, sizeof(where), "devices[%zu].", i);
	if (!json_object_is_type(o, json_type_object))
		return bad(err, errlen, "devices[%zu]: not an object", i);
	memset(c, 0, sizeof(*c));
	rc = get_string(o, "devname", c->devname, sizeof(c->devname), where, err, errlen);
	if (rc == 0 && !util_name_is(c->devname, "dax", 2))
		rc = bad(err, errlen, "%sdevname: '%s' is not a daxX.Y name",
			 where, c->devname);
	if (rc == 0)
		rc = get_string(o, "region", c->region, sizeof(c->region), where,
				err, errlen);
	if (rc == 0 && c->region[0] && !util_name_is(c->region, "region", 1))
		rc = bad(err, errlen, "%sregion: '%s' is neither \"\" nor a regionN name",
			 where, c->region);
	if (rc == 0)
		rc = member(o, "node", json_type_int, &v, where, err, errlen);
	if (rc == 0) {
		node = json_object_get_int64(v);
		if (node < -1 || node > INT_MAX)
			rc = bad(err, errlen, "%snode: %" PRId64 " is out of range",
				 where, node);
		c->node = (int)node;
	}
	if (rc == 0)
		rc = get_string(o, "memdevs", c->memdevs, sizeof(c->memdevs), where,
				err, errlen);
	if (rc == 0 && !valid_memdevs(c->memdevs))
		rc = bad(err, errlen, "%smemdevs: '%s' is not a list of memN names",
			 where, c->memdevs);
	if (rc == 0 && !json_object_object_get_ex(o, "serial", &v))
		rc = bad(err, errlen, "%sserial: missing", where);
	if (rc == 0 && v) {
		if (!json_object_is_type(v, json_type_string) ||
		    parse_serial(json_object_get_string(v), &c->serial) < 0)
			rc = bad(err, errlen, "%sserial: expected null or a \"0x\" hex string, got %s",
				 where, json_object_to_json_string(v));
		c->has_serial = true;
	}
	return rc;
}

static int parse_object(json_object *root, struct cramd_discovery *out,
			char *err, size_t errlen)
{
	json_object *v, *devs;
	const char *format;
	size_t i, n;
	int64_t regions;
	int rc;

	if (!json_object_is_type(root, json_type_object))
		return bad(err, errlen, "not a JSON object");
	rc = member(root, "format", json_type_string, &v, "", err, errlen);
	if (rc < 0)
		return rc;
	format = json_object_get_string(v);
	if (strcmp(format, CRAMD_DISCOVER_FORMAT) != 0)
		return bad(err, errlen, "format: '%s', expected '%s'", format,
			   CRAMD_DISCOVER_FORMAT);
	rc = member(root, "version", json_type_int, &v, "", err, errlen);
	if (rc < 0)
		return rc;
	if (json_object_get_int64(v) != CRAMD_DISCOVER_VERSION)
		return bad(err, errlen, "version %" PRId64 " is not supported (expected %d)",
			   json_object_get_int64(v), CRAMD_DISCOVER_VERSION);
	rc = member(root, "cxl_regions", json_type_int, &v, "", err, errlen);
	if (rc < 0)
		return rc;
	regions = json_object_get_int64(v);
	if (regions < 0)
		return bad(err, errlen, "cxl_regions: %" PRId64 " is negative", regions);
	rc = member(root, "devices", json_type_array, &devs, "", err, errlen);
	if (rc < 0)
		return rc;
	n = json_object_array_length(devs);
	out->devs = n ? calloc(n, sizeof(*out->devs)) : NULL;
	if (n && !out->devs)
		return -ENOMEM;
	out->n_regions = (size_t)regions;
	for (i = 0; i < n; i++) {
		struct cramd_candidate *c = &out->devs[i];

		rc = parse_candidate(json_object_array_get_idx(devs, i), i, c,
				     err, errlen);
		if (rc < 0)
			return rc;
		if (cramd_discovery_find(out, c->devname))
			return bad(err, errlen, "devices[%zu].devname: %s listed twice",
				   i, c->devname);
		out->n++;
	}
	return 0;
}

int cramd_discovery_parse(const char *text, size_t len,
			  struct cramd_discovery *out, char *err, size_t errlen)
{
	struct json_tokener *tok;
	json_object *root;
	enum json_tokener_error jerr;
	size_t end;
	int rc;

	out->devs = NULL;
	out->n = 0;
	out->n_regions = 0;
	if (len == 0)
		return bad(err, errlen, "no output");
	if (memchr(text, '\0', len))
		return bad(err, errlen, "a NUL byte at offset %zu",
			   (size_t)((const char *)memchr(text, '\0', len) - text));
	if (len > INT_MAX)
		return bad(err, errlen, "too long");
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	root = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (jerr == json_tokener_continue || (!root && jerr == json_tokener_success))
		return bad(err, errlen, "truncated JSON after %zu bytes", len);
	if (jerr != json_tokener_success) {
		json_object_put(root);
		return bad(err, errlen, "not JSON: %s at offset %zu",
			   json_tokener_error_desc(jerr), end);
	}
	while (end < len && strchr(" \t\r\n", text[end]))
		end++;
	if (end < len) {
		json_object_put(root);
		return bad(err, errlen, "unexpected data after the JSON object at offset %zu",
			   end);
	}
	rc = parse_object(root, out, err, errlen);
	json_object_put(root);
	if (rc < 0)
		cramd_discovery_free(out);
	return rc;
}
