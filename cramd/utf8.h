/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Untrusted text: strict UTF-8 validation, and escaping for what cramd
 * logs and replies, so that no client's bytes can forge a log line or
 * make a reply invalid UTF-8. Pure (no I/O).
 */
#ifndef CRAMD_UTF8_H
#define CRAMD_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/*
 * cramd_utf8_char - the length (1 to 4) of the character at @s, of which
 * @len bytes are available, or 0 when it is not strict UTF-8: a stray or
 * missing continuation byte, an overlong form, a surrogate (U+D800 to
 * U+DFFF) or a code point above U+10FFFF.
 */
size_t cramd_utf8_char(const char *s, size_t len);

/* cramd_utf8_valid - true when all @len bytes of @s are strict UTF-8. */
bool cramd_utf8_valid(const char *s, size_t len);

/*
 * cramd_utf8_printable - true when @s is strict UTF-8 without a control
 * character or DEL: safe to log and to reply as it is.
 */
bool cramd_utf8_printable(const char *s, size_t len);

/*
 * cramd_utf8_escape - copy @len bytes of untrusted @s into @out (NUL-
 * terminated, at most @outlen bytes) as printable, valid UTF-8: a control
 * character, DEL or a byte that is not strict UTF-8 becomes \n, \t, \r or
 * \xHH, and a backslash \\. At most @max_chars characters of @s are
 * copied, and only whole ones (also when @out is full); "..." marks the
 * cut. Returns @out.
 */
char *cramd_utf8_escape(char *out, size_t outlen, const char *s, size_t len,
			size_t max_chars);

#endif
