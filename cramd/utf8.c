// SPDX-License-Identifier: GPL-2.0-or-later
/* Strict UTF-8 validation and escaping of untrusted text; see utf8.h. */
#include <stdio.h>
#include <string.h>

#include "utf8.h"

size_t cramd_utf8_char(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned int cp, min;
	size_t n, i;

	if (len == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;	/* a continuation byte, 0xc0/0xc1 (overlong) or 0xf5+ */
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

bool cramd_utf8_valid(const char *s, size_t len)
{
	while (len) {
		size_t n = cramd_utf8_char(s, len);

		if (!n)
			return false;
		s += n;
		len -= n;
	}
	return true;
}

bool cramd_utf8_printable(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return cramd_utf8_valid(s, len);
}

char *cramd_utf8_escape(char *out, size_t outlen, const char *s, size_t len,
			size_t max_chars)
{
	size_t o = 0, chars = 0;

	if (!outlen)
		return out;
	while (len) {
		size_t n = cramd_utf8_char(s, len);
		unsigned char c = (unsigned char)s[0];
		char esc[8];
		const char *piece = esc;
		size_t plen;

		if (chars == max_chars)
			break;
		if (n == 1 && c == '\\') {
			piece = "\\\\";
		} else if (n == 1 && c == '\n') {
			piece = "\\n";
		} else if (n == 1 && c == '\t') {
			piece = "\\t";
		} else if (n == 1 && c == '\r') {
			piece = "\\r";
		} else if (n == 0 || (n == 1 && (c < 0x20 || c == 0x7f))) {
			snprintf(esc, sizeof(esc), "\\x%02x", c);
			n = 1;
		} else {
			piece = s;	/* a printable character, copied whole */
		}
		plen = piece == s ? n : strlen(piece);
		/* Room for this character and, should it be the last, "..." and the NUL. */
		if (o + plen + 4 > outlen)
			break;
		memcpy(out + o, piece, plen);
		o += plen;
		s += n;
		len -= n;
		chars++;
	}
	if (len && o + 4 <= outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}
