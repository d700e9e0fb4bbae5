/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The "random" pattern of vmhog's pages, written once for vmhog (which
 * fills and verifies them) and scrubscan (which recognises them in a
 * device's memory): page i of a hog started with SEED holds the xorshift64
 * words that follow HOG_MUL * (SEED + i) + HOG_ADD, and vmhog may change
 * only the first word later.
 */
#ifndef CRAM_VM_HOG_PATTERN_H
#define CRAM_VM_HOG_PATTERN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define HOG_MUL 2654435761ull
#define HOG_ADD 88172645463325252ull

static inline uint64_t hog_step(uint64_t x)
{
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

/* The page (@len bytes at @p) of key @key, SEED + i. */
static inline void hog_fill(unsigned char *p, size_t len, uint64_t key)
{
	uint64_t x = key * HOG_MUL + HOG_ADD;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		x = hog_step(x);
		memcpy(p + i, &x, 8);
	}
}

#endif
