/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replacing a file atomically, as node_exporter's textfile collector needs:
 * a reader sees the old content or the new, never part of it.
 */
#ifndef CRAMCTL_TEXTFILE_H
#define CRAMCTL_TEXTFILE_H

#include <stddef.h>

/*
 * textfile_replace - make @dir/@name hold exactly @len bytes of @data
 *
 * Writes a temporary file in @dir (mkstemp(), mode 0644, a name that does
 * not end in .prom), fsyncs it, renames it over @dir/@name and fsyncs
 * @dir. On failure the temporary file is removed and @dir/@name is left
 * as it was. Errors are reported on stderr, prefixed with @who.
 *
 * Returns 0 or a negative errno (-ENOTDIR when @dir is not a directory).
 */
int textfile_replace(const char *who, const char *dir, const char *name,
		     const char *data, size_t len);

#endif
