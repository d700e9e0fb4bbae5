// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reading and writing sysfs attributes. Reads are whole-attribute reads
 * into a bounded buffer; writes truncate, write once and are read back.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

int cram_sysfs_read_fd(int fd, char *buf, size_t len)
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

int cram_sysfs_read(const char *path, char *buf, size_t len)
{
	int fd, rc;

	if (!path || !buf || len < 2 || len > INT32_MAX)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = cram_sysfs_read_fd(fd, buf, len);
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

bool cram_sysfs_dir_exists(const char *path)
{
	DIR *dir = opendir(path);

	if (!dir)
		return false;
	closedir(dir);
	return true;
}

int cram_sysfs_read_str(struct cram_ctx *ctx, const char *path, char *buf, size_t len)
{
	return cram_sysfs_log_read(ctx, path, cram_sysfs_read(path, buf, len), len);
}

int cram_sysfs_log_read(struct cram_ctx *ctx, const char *path, int rc, size_t len)
{
	if (rc == -ENOENT)
		dbg(ctx, "%s: missing", path);
	else if (rc == -EFBIG)
		err(ctx, "%s: value longer than %zu bytes", path, len - 1);
	else if (rc == -EINVAL)
		err(ctx, "%s: value contains a NUL byte", path);
	else if (rc < 0)
		err(ctx, "%s: cannot read: %s", path, strerror(-rc));
	return rc;
}

int cram_sysfs_bad_value(struct cram_ctx *ctx, const char *path, const char *value, int rc)
{
	char quoted[CRAM_QUOTE_MAX];

	quote_value(value, quoted, sizeof(quoted));
	err(ctx, "%s: invalid value '%s': %s", path, quoted,
	    rc == -ERANGE ? "out of range" : "malformed");
	return rc;
}

int cram_sysfs_read_u64(struct cram_ctx *ctx, const char *path, uint64_t *val)
{
	char buf[CRAM_SYSFS_BUF];
	int rc = cram_sysfs_read_str(ctx, path, buf, sizeof(buf));

	if (rc < 0)
		return rc;
	rc = cram_parse_u64(buf, val);
	return rc < 0 ? cram_sysfs_bad_value(ctx, path, buf, rc) : 0;
}

int cram_sysfs_read_int(struct cram_ctx *ctx, const char *path, int *val)
{
	char buf[CRAM_SYSFS_BUF];
	int rc = cram_sysfs_read_str(ctx, path, buf, sizeof(buf));

	if (rc < 0)
		return rc;
	rc = cram_parse_int(buf, val);
	return rc < 0 ? cram_sysfs_bad_value(ctx, path, buf, rc) : 0;
}

int cram_sysfs_read_bool(struct cram_ctx *ctx, const char *path, bool *val)
{
	char buf[CRAM_SYSFS_BUF];
	int rc = cram_sysfs_read_str(ctx, path, buf, sizeof(buf));

	if (rc < 0)
		return rc;
	rc = cram_parse_bool(buf, val);
	return rc < 0 ? cram_sysfs_bad_value(ctx, path, buf, rc) : 0;
}

int cram_sysfs_read_nodelist(struct cram_ctx *ctx, const char *path, unsigned long *mask,
			     size_t nbits)
{
	char buf[CRAM_SYSFS_BUF];
	int rc = cram_sysfs_read_str(ctx, path, buf, sizeof(buf));

	if (rc < 0)
		return rc;
	rc = cram_parse_nodelist(buf, mask, nbits);
	return rc < 0 ? cram_sysfs_bad_value(ctx, path, buf, rc) : 0;
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

int cram_sysfs_write_raw(struct cram_ctx *ctx, const char *path, const char *value)
{
	char buf[CRAM_SYSFS_BUF];
	size_t len;
	int fd, rc;

	if (!path || !value)
		return -EINVAL;
	len = strlen(value);
	if (len + 2 > sizeof(buf) || memchr(value, '\n', len))
		return -EINVAL;
	memcpy(buf, value, len);
	buf[len++] = '\n';
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		dbg(ctx, "%s: cannot open for writing: %s", path, strerror(-rc));
		return rc;
	}
	rc = write_once(fd, buf, len);
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc < 0)
		dbg(ctx, "%s: writing '%s' failed: %s", path, value, strerror(-rc));
	return rc;
}

int cram_sysfs_write(struct cram_ctx *ctx, const char *path, const char *value)
{
	char back[CRAM_SYSFS_BUF], quoted[CRAM_QUOTE_MAX];
	int rc = cram_sysfs_write_raw(ctx, path, value);

	if (rc < 0)
		return rc;
	rc = cram_sysfs_read_str(ctx, path, back, sizeof(back));
	if (rc < 0)
		return rc;
	if (rc > 0 && back[rc - 1] == '\n')
		back[rc - 1] = '\0';
	if (strcmp(back, value) == 0)
		return 0;
	quote_value(back, quoted, sizeof(quoted));
	err(ctx, "%s: wrote '%s' but read back '%s'", path, value, quoted);
	return -EIO;
}
