/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sysfs access for libcram (internal). Only open/pread/write/close/fstat
 * and opendir are used, so that umockdev testbeds can redirect every access.
 */
#ifndef _LIBCRAM_SYSFS_H_
#define _LIBCRAM_SYSFS_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "private.h"

/* A sysfs attribute holds at most one page. */
#define CRAM_SYSFS_BUF	4096

/*
 * Reads the whole attribute at @path into @buf as a string. Returns its
 * length, or -errno: -ENOENT when missing, -EFBIG when it does not fit in
 * @len - 1 bytes, -EINVAL when it contains a NUL byte. Logs nothing.
 */
int cram_sysfs_read(const char *path, char *buf, size_t len);

/*
 * As cram_sysfs_read(), from an open descriptor, always from offset 0:
 * the way to re-read an attribute that is kept open.
 */
int cram_sysfs_read_fd(int fd, char *buf, size_t len);

/* True when @path exists and can be opened (a file) or listed (a dir). */
bool cram_sysfs_file_exists(const char *path);
bool cram_sysfs_dir_exists(const char *path);

/* As cram_sysfs_read(), but logs a failure with the path. */
int cram_sysfs_read_str(struct cram_ctx *ctx, const char *path, char *buf, size_t len);

/*
 * Logs the failure @rc of a read of @path into a buffer of @len bytes, as
 * cram_sysfs_read_str() does, and returns @rc.
 */
int cram_sysfs_log_read(struct cram_ctx *ctx, const char *path, int rc, size_t len);

/*
 * Logs "PATH: invalid value 'VALUE': reason" for a value a parser
 * rejected with @rc, and returns @rc.
 */
int cram_sysfs_bad_value(struct cram_ctx *ctx, const char *path, const char *value, int rc);

/* Read and parse helpers (see parse.h); a bad value is logged with its path. */
int cram_sysfs_read_u64(struct cram_ctx *ctx, const char *path, uint64_t *val);
int cram_sysfs_read_int(struct cram_ctx *ctx, const char *path, int *val);
int cram_sysfs_read_bool(struct cram_ctx *ctx, const char *path, bool *val);
int cram_sysfs_read_nodelist(struct cram_ctx *ctx, const char *path, unsigned long *mask,
			     size_t nbits);

/*
 * Writes @value plus a newline with open(O_WRONLY | O_TRUNC), one write()
 * and close(). Returns 0 or the kernel's -errno. @value must not contain
 * a newline.
 */
int cram_sysfs_write_raw(struct cram_ctx *ctx, const char *path, const char *value);

/*
 * cram_sysfs_write_raw(), then reads the attribute back: -EIO when it
 * differs from @value (ignoring one trailing newline), logged with the
 * path and both values.
 */
int cram_sysfs_write(struct cram_ctx *ctx, const char *path, const char *value);

#endif /* _LIBCRAM_SYSFS_H_ */
