/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading configuration files: which files (a file and its drop-ins), how
 * (regular files only, bounded in size, never blocking) and the line
 * grammar of cramd's INI dialect. Knows nothing of cramd's sections and
 * keys: it hands each section header and each "key = value" to callbacks.
 */
#ifndef CRAMD_CONFIG_READER_H
#define CRAMD_CONFIG_READER_H

#include <stddef.h>

/* Largest configuration file read, in bytes. */
#define CRAMD_CONFIG_FILE_MAX (1024 * 1024)
/* Longest line, in characters, not counting its line end. */
#define CRAMD_CONFIG_LINE_MAX 255

/**
 * cramd_config_read_file - read a whole configuration file into memory
 * @buf: receives the contents, NUL-terminated (free() it)
 * @len: receives their length (the contents may hold NUL bytes)
 *
 * Only a regular file of at most CRAMD_CONFIG_FILE_MAX bytes is read; a
 * FIFO, a device, a directory or a socket is refused without being read,
 * so the call never blocks. Returns 0, or a negative errno with @err
 * filled ("PATH: what is wrong").
 */
int cramd_config_read_file(const char *path, char **buf, size_t *len,
			   char *err, size_t errlen);

/**
 * cramd_config_list_dropins - the "*.conf" names of directory @dir, sorted
 *
 * Names starting with '.' are left out. Returns 0 with @names (free with
 * cramd_config_free_names()) or a negative errno: -ENOENT and -ENOTDIR
 * when @dir does not exist or is no directory.
 */
int cramd_config_list_dropins(const char *dir, char ***names, size_t *n);
void cramd_config_free_names(char **names, size_t n);

/**
 * struct cramd_ini_ops - what the line reader calls
 * @section: a "[NAME]" header; @name is not NUL-terminated
 * @key: a "key = value" line, both trimmed, the value without its comment
 * @error: a line that breaks the grammar; @what says how
 *
 * @section and @key return 0 to go on, or a negative value to stop.
 */
struct cramd_ini_ops {
	int (*section)(void *ctx, int line, const char *name, size_t len);
	int (*key)(void *ctx, int line, const char *key, const char *value);
	void (*error)(void *ctx, int line, const char *what);
};

/**
 * cramd_ini_parse - split @len bytes of @buf into lines and parse them
 *
 * The grammar, line by line (LF or CRLF line ends, an optional UTF-8 byte
 * order mark at the start): blank; a comment starting with '#' or ';';
 * "[NAME]", optionally followed by blanks and a comment; "key = value",
 * where the value may end with a comment that starts with ';' after a
 * blank. Refused: a NUL byte, a CR that does not end a line, a line
 * longer than CRAMD_CONFIG_LINE_MAX, text after a header's ']', a line
 * without '=' (so "key : value" too), and an indented line after a key (a
 * continuation line in other INI dialects). Stops at the first error.
 * Returns 0, or -EINVAL after ops->error() or a callback's refusal.
 */
int cramd_ini_parse(const char *buf, size_t len, const struct cramd_ini_ops *ops,
		    void *ctx);

#endif
