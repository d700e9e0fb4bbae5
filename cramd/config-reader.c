// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading configuration files safely and splitting them into the lines of
 * cramd's INI dialect; see config-reader.h. A file is opened without
 * blocking, checked to be a regular file of bounded size and read whole,
 * so that a FIFO, /dev/zero or a huge file can neither stall nor spin the
 * daemon; the grammar is then checked on the bytes read.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config-reader.h"

static const char *file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a plain file";
}

/* Reads up to @max + 1 bytes of @fd: one more than allowed tells "too big". */
static int read_all(int fd, char *buf, size_t max, size_t *len)
{
	size_t n = 0;

	while (n <= max) {
		ssize_t r = read(fd, buf + n, max + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*len = n;
	return 0;
}

int cramd_config_read_file(const char *path, char **buf, size_t *len,
			   char *err, size_t errlen)
{
	struct stat st;
	char *b = NULL;
	int fd, rc;

	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot stat: %s", path, strerror(-rc));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		snprintf(err, errlen, "%s: %s, not a regular file: only regular files are read",
			 path, file_kind(st.st_mode));
		goto out;
	}
	rc = -EFBIG;
	if (st.st_size > CRAMD_CONFIG_FILE_MAX)
		goto too_big;
	b = malloc(CRAMD_CONFIG_FILE_MAX + 2);
	if (!b) {
		rc = -ENOMEM;
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(ENOMEM));
		goto out;
	}
	rc = read_all(fd, b, CRAMD_CONFIG_FILE_MAX, len);
	if (rc < 0) {
		snprintf(err, errlen, "%s: read error: %s", path, strerror(-rc));
		goto out;
	}
	rc = -EFBIG;
	if (*len > CRAMD_CONFIG_FILE_MAX)	/* it grew while being read */
		goto too_big;
	b[*len] = '\0';
	*buf = b;
	b = NULL;
	rc = 0;
	goto out;
too_big:
	snprintf(err, errlen, "%s: larger than %d bytes (1 MiB): not read", path,
		 CRAMD_CONFIG_FILE_MAX);
	*len = 0;
out:
	free(b);
	close(fd);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_dropin_name(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len > 5 && strcmp(name + len - 5, ".conf") == 0;
}

void cramd_config_free_names(char **names, size_t n)
{
	while (n)
		free(names[--n]);
	free(names);
}

int cramd_config_list_dropins(const char *dir, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cap = 0;

	*names = NULL;
	*n = 0;
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (!is_dropin_name(e->d_name))
			continue;
		if (*n == cap) {
			char **v = realloc(*names, (cap ? cap * 2 : 8) * sizeof(*v));

			if (!v)
				break;
			*names = v;
			cap = cap ? cap * 2 : 8;
		}
		(*names)[*n] = strdup(e->d_name);
		if (!(*names)[*n])
			break;
		(*n)++;
	}
	closedir(d);
	if (e) {
		cramd_config_free_names(*names, *n);
		*names = NULL;
		*n = 0;
		return -ENOMEM;
	}
	if (*n)
		qsort(*names, *n, sizeof(**names), cmp_names);
	return 0;
}

#define BLANKS " \t"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Cuts trailing blanks off the @len bytes at @s. */
static size_t rtrim(const char *s, size_t len)
{
	while (len && is_blank(s[len - 1]))
		len--;
	return len;
}

/* Where the comment of a value starts: ';' after a blank, or the end. */
static char *value_end(char *v)
{
	char *p;

	for (p = v; *p; p++)
		if (*p == ';' && p > v && is_blank(p[-1]))
			return p;
	return p;
}

struct line_state {
	const struct cramd_ini_ops *ops;
	void *ctx;
	int line;
	bool after_key;		/* a key was seen since the last header */
};

static int fail(struct line_state *ls, const char *what)
{
	ls->ops->error(ls->ctx, ls->line, what);
	return -EINVAL;
}

static int header_line(struct line_state *ls, char *p)
{
	char *close = strchr(p, ']');
	char *rest;

	ls->after_key = false;
	if (!close)
		return fail(ls, "syntax error: '[' without ']', expected [section]");
	rest = close + 1 + strspn(close + 1, BLANKS);
	if (*rest && *rest != ';' && *rest != '#')
		return fail(ls, "syntax error: text after the section header's ']'");
	return ls->ops->section(ls->ctx, ls->line, p + 1, (size_t)(close - p - 1)) < 0 ?
	       -EINVAL : 0;
}

static int key_line(struct line_state *ls, char *p)
{
	char *eq = strchr(p, '=');
	char *value;
	size_t klen;

	if (!eq && strchr(p, ':'))
		return fail(ls, "syntax error: expected key = value ('key : value' is not "
			    "supported)");
	if (!eq)
		return fail(ls, "syntax error, expected [section] or key = value");
	klen = rtrim(p, (size_t)(eq - p));
	if (klen == 0)
		return fail(ls, "syntax error: no key before '='");
	p[klen] = '\0';
	value = eq + 1 + strspn(eq + 1, BLANKS);
	value[rtrim(value, (size_t)(value_end(value) - value))] = '\0';
	ls->after_key = true;
	return ls->ops->key(ls->ctx, ls->line, p, value) < 0 ? -EINVAL : 0;
}

/* One line, NUL-terminated, its line end removed. */
static int parse_line(struct line_state *ls, char *text)
{
	char *p = text + strspn(text, BLANKS);

	if (*p == '\0' || *p == ';' || *p == '#')
		return 0;
	if (p > text && ls->after_key)
		return fail(ls, "indented line: continuation lines are not supported");
	if (*p == '[')
		return header_line(ls, p);
	return key_line(ls, p);
}

int cramd_ini_parse(const char *buf, size_t len, const struct cramd_ini_ops *ops,
		    void *ctx)
{
	struct line_state ls = { .ops = ops, .ctx = ctx, .line = 1 };
	const char *p = buf, *end = buf + len;
	char text[CRAMD_CONFIG_LINE_MAX + 1];

	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	for (; p < end; ls.line++) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((eol ? eol : end) - p);
		int rc;

		if (eol && n && p[n - 1] == '\r')
			n--;
		if (memchr(p, '\0', n))
			return fail(&ls, "NUL byte in the line");
		if (memchr(p, '\r', n))
			return fail(&ls, "carriage return inside a line: only LF or CRLF "
				    "line ends are supported");
		if (n > CRAMD_CONFIG_LINE_MAX) {
			char what[64];

			snprintf(what, sizeof(what), "line too long (more than %d characters)",
				 CRAMD_CONFIG_LINE_MAX);
			return fail(&ls, what);
		}
		memcpy(text, p, n);
		text[n] = '\0';
		rc = parse_line(&ls, text);
		if (rc < 0)
			return rc;
		if (!eol)
			break;
		p = eol + 1;
	}
	return 0;
}
