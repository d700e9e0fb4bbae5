// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Loading cramd's configuration: the file and its drop-ins, in order, in
 * one pass each. The line reader (config-reader.c) hands every section
 * header and "key = value" to the handlers here, which know cramd's
 * sections and pass keys to config-keys.c and config-device.c. Parsing
 * stops at the first error; that error is the one reported, naming its
 * file and line. No global state: everything lives in the load.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config-parse.h"
#include "config-reader.h"

static const char *const sections[] = { "global", "policy" };
#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

const char *cramd_config_file_name(const struct cramd_config_parse *ps,
				   struct cramd_origin at)
{
	return at.file ? ps->names[at.file - 1] : "(built in)";
}

int cramd_config_fail(struct cramd_config_parse *ps, struct cramd_origin at,
		      const char *section, const char *key, const char *fmt, ...)
{
	const char *file = cramd_config_file_name(ps, at);
	size_t n;
	int len;
	va_list ap;

	if (ps->failed)
		return -EINVAL;
	ps->failed = true;
	if (section && key)
		len = snprintf(ps->err, ps->errlen, "%s:%d: [%s] %s: ", file, at.line, section, key);
	else if (section)
		len = snprintf(ps->err, ps->errlen, "%s:%d: [%s]: ", file, at.line, section);
	else if (key)
		len = snprintf(ps->err, ps->errlen, "%s:%d: %s: ", file, at.line, key);
	else
		len = snprintf(ps->err, ps->errlen, "%s:%d: ", file, at.line);
	n = len < 0 ? 0 : (size_t)len;
	if (n >= ps->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* The line reader found a line it cannot parse. */
static void on_error(void *ctx, int line, const char *what)
{
	struct cramd_config_parse *ps = ctx;

	cramd_config_fail(ps, (struct cramd_origin){ ps->file, line }, NULL, NULL, "%s", what);
}

static int on_section(void *ctx, int line, const char *name, size_t len)
{
	struct cramd_config_parse *ps = ctx;
	struct cramd_origin here = { ps->file, line };
	unsigned int i;

	if (len >= 7 && strncmp(name, "device ", 7) == 0)
		return cramd_config_begin_device(ps, line, name + 7, len - 7);
	for (i = 0; i < N_SECTIONS; i++)
		if (strlen(sections[i]) == len && strncmp(sections[i], name, len) == 0)
			break;
	if (i == N_SECTIONS)
		return cramd_config_fail(ps, here, NULL, NULL,
					 "[%.*s]: unknown section, expected [global], [policy] "
					 "or [device NAME]", (int)(len > 40 ? 40 : len), name);
	if (ps->section_line[i])
		return cramd_config_fail(ps, here, sections[i], NULL,
					 "duplicate section (first on line %d)",
					 ps->section_line[i]);
	ps->section_line[i] = line;
	ps->sec = i == 0 ? SEC_GLOBAL : SEC_POLICY;
	snprintf(ps->label, sizeof(ps->label), "%s", sections[i]);
	return 0;
}

static int on_key(void *ctx, int line, const char *name, const char *value)
{
	struct cramd_config_parse *ps = ctx;
	struct cramd_origin here = { ps->file, line };
	enum cramd_key key;

	if (ps->sec == SEC_NONE)
		return cramd_config_fail(ps, here, NULL, name, "key outside of any section");
	if (ps->sec == SEC_DEVICE)
		return cramd_config_device_key(ps, line, name, value);
	key = cramd_config_find_key(ps->sec, name);
	if (key == KEY_COUNT)
		return cramd_config_fail(ps, here, ps->label, name, "unknown key");
	if (ps->key_at[key].file == ps->file)
		return cramd_config_fail(ps, here, ps->label, name,
					 "duplicate key (first set on line %d)",
					 ps->key_at[key].line);
	if (cramd_config_set_key(ps, line, key, value, ps->cfg, &ps->cfg->policy) < 0)
		return -EINVAL;
	ps->key_at[key] = here;
	return 0;
}

static const struct cramd_ini_ops ops = {
	.section = on_section, .key = on_key, .error = on_error,
};

/* Parses the next file of the load, then checks what it left. */
static int parse_next(struct cramd_config_parse *ps, const char *text, size_t len)
{
	struct cramd_config_scope sc = { .policy = &ps->cfg->policy, .policy_at = ps->key_at };

	ps->file++;
	ps->sec = SEC_NONE;
	ps->section_line[0] = ps->section_line[1] = 0;
	if (cramd_ini_parse(text, len, &ops, ps) < 0)
		return -EINVAL;
	if (cramd_config_check_scope(ps, &sc) < 0)
		return -EINVAL;
	return cramd_config_check_devices(ps);
}

/* The load's state is too large for a small stack frame: it is allocated. */
static struct cramd_config_parse *begin(struct cramd_config *cfg, const char *const *names,
					char *err, size_t errlen)
{
	struct cramd_config_parse *ps = calloc(1, sizeof(*ps));

	if (!ps) {
		snprintf(err, errlen, "cannot read the configuration: %s", strerror(ENOMEM));
		return NULL;
	}
	if (errlen)
		err[0] = '\0';
	ps->cfg = cfg;
	ps->names = names;
	ps->err = err;
	ps->errlen = errlen;
	return ps;
}

int cramd_config_parse_texts(struct cramd_config *cfg, const struct cramd_config_text *files,
			     size_t n, char *err, size_t errlen)
{
	const char **names = calloc(n ? n : 1, sizeof(*names));
	struct cramd_config_parse *ps;
	size_t i;
	int rc = 0;

	if (!names) {
		snprintf(err, errlen, "cannot read the configuration: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		names[i] = files[i].name;
	ps = begin(cfg, names, err, errlen);
	if (!ps)
		rc = -ENOMEM;
	for (i = 0; i < n && rc == 0; i++)
		rc = parse_next(ps, files[i].text, files[i].len);
	free(ps);
	free(names);
	return rc;
}

/* Reads file number ps->file + 1 (its name is in ps->names) and parses it. */
static int load_file(struct cramd_config_parse *ps)
{
	const char *path = ps->names[ps->file];
	char *text;
	size_t len;
	int rc = cramd_config_read_file(path, &text, &len, ps->err, ps->errlen);

	if (rc < 0)
		return rc;
	rc = parse_next(ps, text, len);
	free(text);
	return rc;
}

/* The paths of the configuration and its drop-ins, in reading order. */
static int list_files(const char *path, char ***paths, size_t *n, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	char **names;
	size_t i, m;
	int rc;

	*paths = NULL;
	*n = 0;
	if (snprintf(dir, sizeof(dir), "%s.d", path) >= (int)sizeof(dir)) {
		snprintf(err, errlen, "%s.d: path too long", path);
		return -ENAMETOOLONG;
	}
	rc = cramd_config_list_dropins(dir, &names, &m);
	if (rc == -ENOENT || rc == -ENOTDIR)
		rc = 0, m = 0, names = NULL;
	if (rc < 0) {
		snprintf(err, errlen, "%s: cannot read: %s", dir, strerror(-rc));
		return rc;
	}
	*paths = calloc(m + 1, sizeof(**paths));
	rc = *paths ? 0 : -ENOMEM;
	for (i = 0; i <= m && rc == 0; i++) {
		if (i == 0)
			(*paths)[0] = strdup(path);
		else if (asprintf(&(*paths)[i], "%s/%s", dir, names[i - 1]) < 0)
			(*paths)[i] = NULL;
		rc = (*paths)[i] ? 0 : -ENOMEM;
		*n = i + 1;
	}
	cramd_config_free_names(names, m);
	if (rc < 0)
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(-rc));
	return rc;
}

int cramd_config_load(struct cramd_config *cfg, const char *path, unsigned int flags,
		      char *err, size_t errlen)
{
	struct cramd_config_parse *ps = NULL;
	char **paths;
	size_t n;
	int rc, absent = 0;

	cramd_config_init(cfg);
	rc = list_files(path, &paths, &n, err, errlen);
	if (rc == 0) {
		ps = begin(cfg, (const char *const *)paths, err, errlen);
		rc = ps ? 0 : -ENOMEM;
	}
	if (rc == 0) {
		rc = load_file(ps);
		if (rc == -ENOENT && (flags & CRAMD_CONFIG_OPTIONAL)) {
			cramd_config_init(cfg);
			if (errlen)
				err[0] = '\0';
			ps->file++;
			absent = 1;
			rc = 0;
		}
	}
	while (rc == 0 && ps->file < n)
		rc = load_file(ps);
	free(ps);
	cramd_config_free_names(paths, n);
	return rc < 0 ? rc : absent;
}
