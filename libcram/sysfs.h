/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sysfs access for libcram (internal). Only open/openat/pread/write/close
 * are used, so that umockdev testbeds can redirect every access (openat()
 * relative to a directory opened through them needs no redirection).
 * Attributes are named by struct cram_attr (private.h): a path
 * (CRAM_PATH()), or a name in a directory held open.
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
 * Reads the whole attribute @a into @buf as a string, in one read of a
 * freshly opened file, so that every read sees one consistent record.
 * Returns its length, or -errno: -ENOENT when missing (also in a directory
 * that was removed), -EFBIG when it does not fit in @len - 1 bytes,
 * -EINVAL when it contains a NUL byte. Logs nothing.
 */
int cram_sysfs_read(const struct cram_attr *a, char *buf, size_t len);

/* True when @path exists and can be opened. */
bool cram_sysfs_file_exists(const char *path);

/*
 * The full path of @a for a message: @a->name itself, or @a->dir and
 * @a->name joined in @buf (cut to @len bytes).
 */
const char *cram_attr_path(const struct cram_attr *a, char *buf, size_t len);

/* As cram_sysfs_read(), but logs a failure with the path. */
int cram_sysfs_read_str(struct cram_ctx *ctx, const struct cram_attr *a, char *buf,
			size_t len);

/*
 * Logs "PATH: invalid value 'VALUE': reason" for a value a parser
 * rejected with @rc, and returns @rc.
 */
int cram_sysfs_bad_value(struct cram_ctx *ctx, const struct cram_attr *a, const char *value,
			 int rc);

/* Read and parse helpers (see parse.h); a bad value is logged with its path. */
int cram_sysfs_read_u64(struct cram_ctx *ctx, const struct cram_attr *a, uint64_t *val);
int cram_sysfs_read_int(struct cram_ctx *ctx, const struct cram_attr *a, int *val);
int cram_sysfs_read_bool(struct cram_ctx *ctx, const struct cram_attr *a, bool *val);
int cram_sysfs_read_nodelist(struct cram_ctx *ctx, const struct cram_attr *a,
			     unsigned long *mask, size_t nbits);

/*
 * Writes @value plus a newline with openat(O_WRONLY | O_TRUNC), one
 * write() and close(). Returns 0 or the kernel's -errno. @value must not
 * contain a newline.
 */
int cram_sysfs_write_raw(struct cram_ctx *ctx, const struct cram_attr *a, const char *value);

/*
 * cram_sysfs_write_raw(), then reads the attribute back: -EIO when it
 * differs from @value (ignoring one trailing newline), logged with the
 * path and both values.
 */
int cram_sysfs_write(struct cram_ctx *ctx, const struct cram_attr *a, const char *value);

#endif /* _LIBCRAM_SYSFS_H_ */
