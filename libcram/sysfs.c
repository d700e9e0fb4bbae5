// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reading and writing sysfs attributes. Reads are whole-attribute reads
 * into a bounded buffer; writes truncate, write once and are read back.
 * Messages name an attribute by its full path, built only when one is due.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"
#include "sysfs.h"

/* Longest excerpt of a bad value quoted in a log message. */
#define CRAM_QUOTE_MAX	40

/*
 * Copies @in into @out for a log message: one trailing newline dropped,
 * control and non-ASCII bytes shown as '?', long values cut with "...".
 */
static void quote_value(const char *in, char *out, size_t len)
{
	size_t n = strlen(in), i;

	if (n && in[n - 1] == '\n')
		n--;
	for (i = 0; i < n && i < len - 4; i++) {
		unsigned char c = (unsigned char)in[i];

		out[i] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	if (i < n) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
}

/*
 * Reads from offset 0 until EOF or until @len bytes are in @buf, with
 * pread() so that a descriptor kept open reads the attribute afresh (sysfs
 * regenerates an attribute on a read at offset 0). A short read is the end:
 * sysfs returns a whole attribute in one read, and a regular file (a
 * testbed's) is short only at its end. Returns bytes or -errno.
 */
static ssize_t read_all(int fd, char *buf, size_t len)
{
	size_t n = 0;

	while (n < len) {
		size_t want = len - n;
		ssize_t r = pread(fd, buf + n, want, (off_t)n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		n += (size_t)r;
		if ((size_t)r < want)
			break;
	}
	return (ssize_t)n;
}

/* As cram_sysfs_read(), from an open descriptor, from offset 0. */
static int read_fd(int fd, char *buf, size_t len)
{
	ssize_t n;

	if (fd < 0 || !buf || len < 2 || len > INT32_MAX)
		return -EINVAL;
	/* one byte more than fits tells a value that is too long */
	n = read_all(fd, buf, len);
	if (n < 0)
		return (int)n;
	if (n == (ssize_t)len)
		return -EFBIG;
	buf[n] = '\0';
	if (memchr(buf, '\0', (size_t)n))
		return -EINVAL;
	return (int)n;
}

int cram_sysfs_read(const struct cram_attr *a, char *buf, size_t len)
{
	int fd, rc;

	if (!a || !a->name || !buf || len < 2 || len > INT32_MAX)
		return -EINVAL;
	fd = openat(a->dirfd, a->name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = read_fd(fd, buf, len);
	close(fd);
	return rc;
}

bool cram_sysfs_file_exists(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno != ENOENT && errno != ENOTDIR;
	close(fd);
	return true;
}

const char *cram_attr_path(const struct cram_attr *a, char *buf, size_t len)
{
	if (!a->dir)
		return a->name;
	snprintf(buf, len, "%s/%s", a->dir, a->name);
	return buf;
}

/* Logs the failure @rc of a read of @a into a buffer of @len bytes; returns @rc. */
static int log_read(struct cram_ctx *ctx, const struct cram_attr *a, int rc, size_t len)
{
	char buf[PATH_MAX];

	if (rc >= 0)
		return rc;
	if (rc == -ENOENT)
		dbg(ctx, "%s: missing", cram_attr_path(a, buf, sizeof(buf)));
	else if (rc == -EFBIG)
		err(ctx, "%s: value longer than %zu bytes", cram_attr_path(a, buf, sizeof(buf)),
		    len - 1);
	else if (rc == -EINVAL)
		err(ctx, "%s: value contains a NUL byte", cram_attr_path(a, buf, sizeof(buf)));
	else
		err(ctx, "%s: cannot read: %s", cram_attr_path(a, buf, sizeof(buf)),
		    strerror(-rc));
	return rc;
}

int cram_sysfs_read_str(struct cram_ctx *ctx, const struct cram_attr *a, char *buf, size_t len)
{
	return log_read(ctx, a, cram_sysfs_read(a, buf, len), len);
}

int cram_sysfs_bad_value(struct cram_ctx *ctx, const struct cram_attr *a, const char *value,
			 int rc)
{
	char quoted[CRAM_QUOTE_MAX], buf[PATH_MAX];

	quote_value(value, quoted, sizeof(quoted));
	err(ctx, "%s: invalid value '%s': %s", cram_attr_path(a, buf, sizeof(buf)), quoted,
	    rc == -ERANGE ? "out of range" : "malformed");
	return rc;
}

int cram_sysfs_read_u64(struct cram_ctx *ctx, const struct cram_attr *a, uint64_t *val)
{
	char buf[CRAM_SYSFS_BUF];
	int rc = cram_sysfs_read_str(ctx, a, buf, sizeof(buf));

	if (rc < 0)
		return rc;
	rc = cram_parse_u64(buf, val);
	return rc < 0 ? cram_sysfs_bad_value(ctx, a, buf, rc) : 0;
}

int cram_sysfs_read_int(struct cram_ctx *ctx, const struct cram_attr *a, int *val)
{
	char buf[CRAM_SYSFS_BUF];
	int rc = cram_sysfs_read_str(ctx, a, buf, sizeof(buf));

	if (rc < 0)
		return rc;
	rc = cram_parse_int(buf, val);
	return rc < 0 ? cram_sysfs_bad_value(ctx, a, buf, rc) : 0;
}

int cram_sysfs_read_bool(struct cram_ctx *ctx, const struct cram_attr *a, bool *val)
{
	char buf[CRAM_SYSFS_BUF];
	int rc = cram_sysfs_read_str(ctx, a, buf, sizeof(buf));

	if (rc < 0)
		return rc;
	rc = cram_parse_bool(buf, val);
	return rc < 0 ? cram_sysfs_bad_value(ctx, a, buf, rc) : 0;
}

int cram_sysfs_read_nodelist(struct cram_ctx *ctx, const struct cram_attr *a,
			     unsigned long *mask, size_t nbits)
{
	char buf[CRAM_SYSFS_BUF];
	int rc = cram_sysfs_read_str(ctx, a, buf, sizeof(buf));

	if (rc < 0)
		return rc;
	rc = cram_parse_nodelist(buf, mask, nbits);
	return rc < 0 ? cram_sysfs_bad_value(ctx, a, buf, rc) : 0;
}

/* One write() of @len bytes, retried on EINTR. Returns 0 or -errno. */
static int write_once(int fd, const char *buf, size_t len)
{
	ssize_t w;

	do
		w = write(fd, buf, len);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		return -errno;
	return (size_t)w == len ? 0 : -EIO;
}

int cram_sysfs_write_raw(struct cram_ctx *ctx, const struct cram_attr *a, const char *value)
{
	char buf[CRAM_SYSFS_BUF], path[PATH_MAX];
	size_t len;
	int fd, rc;

	if (!a || !a->name || !value)
		return -EINVAL;
	len = strlen(value);
	if (len + 2 > sizeof(buf) || memchr(value, '\n', len))
		return -EINVAL;
	memcpy(buf, value, len);
	buf[len++] = '\n';
	fd = openat(a->dirfd, a->name, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		dbg(ctx, "%s: cannot open for writing: %s", cram_attr_path(a, path, sizeof(path)),
		    strerror(-rc));
		return rc;
	}
	rc = write_once(fd, buf, len);
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc < 0)
		dbg(ctx, "%s: writing '%s' failed: %s", cram_attr_path(a, path, sizeof(path)),
		    value, strerror(-rc));
	return rc;
}

int cram_sysfs_write(struct cram_ctx *ctx, const struct cram_attr *a, const char *value)
{
	char back[CRAM_SYSFS_BUF], quoted[CRAM_QUOTE_MAX], path[PATH_MAX];
	int rc = cram_sysfs_write_raw(ctx, a, value);

	if (rc < 0)
		return rc;
	rc = cram_sysfs_read_str(ctx, a, back, sizeof(back));
	if (rc < 0)
		return rc;
	if (rc > 0 && back[rc - 1] == '\n')
		back[rc - 1] = '\0';
	if (strcmp(back, value) == 0)
		return 0;
	quote_value(back, quoted, sizeof(quoted));
	err(ctx, "%s: wrote '%s' but read back '%s'", cram_attr_path(a, path, sizeof(path)), value,
	    quoted);
	return -EIO;
}
