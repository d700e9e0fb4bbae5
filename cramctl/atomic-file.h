/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replacing a file atomically: a reader sees the old content or the new,
 * never part of it, and a crash leaves one of the two. node_exporter's
 * textfile (cramctl metrics --textfile) and cramctl plot --svg write this way.
 */
#ifndef CRAMCTL_ATOMIC_FILE_H
#define CRAMCTL_ATOMIC_FILE_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

/* The step at which atomic_file_replace() failed, for the caller's message. */
enum atomic_file_step {
	ATOMIC_FILE_DIR,	/* opening the directory (-ENOTDIR: it is none) */
	ATOMIC_FILE_CREATE,	/* creating the temporary file */
	ATOMIC_FILE_WRITE,	/* setting its mode, writing, syncing or closing it */
	ATOMIC_FILE_TARGET,	/* the file exists and is not a regular file or a symlink */
	ATOMIC_FILE_RENAME,	/* renaming it over the file */
	ATOMIC_FILE_SYNC_DIR,	/* syncing the directory after the rename */
};

struct atomic_file_failure {
	enum atomic_file_step step;
	char tmp[PATH_MAX];	/* the temporary file (removed again), "" before it is made */
};

/*
 * atomic_file_replace - make @dir/@name hold exactly @len bytes of @data
 * with permissions @mode (taken as given: no umask)
 *
 * Writes a temporary file in @dir, named ".@name.XXXXXX" (hidden, and
 * not ending in @name's suffix, so that a collector reading *.prom skips
 * it), fsyncs it, renames it over @dir/@name and fsyncs @dir. A symlink
 * at @dir/@name is replaced, its target is not written; anything else
 * but a regular file there (a directory, a FIFO, a device, a socket) is
 * refused. On failure the temporary file is removed, @dir/@name is left
 * as it was, and @why (when not NULL) says at which step. Prints nothing.
 *
 * Returns 0 or a negative errno: -ENOTDIR when @dir is not a directory,
 * -EISDIR (a directory) or -EEXIST (anything else) at ATOMIC_FILE_TARGET.
 */
int atomic_file_replace(const char *dir, const char *name, mode_t mode, const void *data,
			size_t len, struct atomic_file_failure *why);

#endif
