// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * scrubscan: reads a device's memory through its device_dax character
 * device and counts the pages that still hold vmhog's data, for the VM test
 * of what a private node leaves behind (part-scrub.sh).
 *
 *   scrubscan scan DEV                 count the pages of DEV (/dev/daxX.Y)
 *                                      that hold a vmhog "random" page
 *   scrubscan plant DEV SEED N FIRST   write N such pages (vmhog seed SEED)
 *                                      from page FIRST of DEV, as a control
 *
 * vmhog fills page i of a hog started with SEED with xorshift64 words from
 * a start that is a known function of SEED + i (hog-pattern.h), and may
 * only change the first word later. A page whose second to fourth words
 * follow that chain is such a page, and undoing the first two steps from
 * its second word gives SEED + i. "scan" prints
 *
 *   pages=N stale=S stale_bK=C ...
 *
 * where K is (SEED + i) / 1000000: part-scrub.sh gives each path it tests
 * its own million of seeds, so that a count says which path left data.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hog-pattern.h"

#define BUCKET 1000000ull
#define MAX_BUCKETS 64
#define DAX_ALIGN (2ul << 20)

static uint64_t undo_shl(uint64_t y, int s)
{
	uint64_t x = y;
	int i;

	for (i = 0; i < 64 / s + 1; i++)
		x = y ^ (x << s);
	return x;
}

static uint64_t undo_shr(uint64_t y, int s)
{
	uint64_t x = y;
	int i;

	for (i = 0; i < 64 / s + 1; i++)
		x = y ^ (x >> s);
	return x;
}

static uint64_t unstep(uint64_t x)
{
	return undo_shl(undo_shr(undo_shl(x, 17), 7), 13);
}

/* The inverse of odd @a modulo 2^64 (Newton's iteration). */
static uint64_t inverse(uint64_t a)
{
	uint64_t x = a;
	int i;

	for (i = 0; i < 6; i++)
		x *= 2 - a * x;
	return x;
}

/* SEED + i of a vmhog page, or -1 when @p is not one. */
static int64_t hog_key(const unsigned char *p)
{
	uint64_t w[4];

	memcpy(w, p, sizeof(w));
	if (!w[1] || w[2] != hog_step(w[1]) || w[3] != hog_step(w[2]))
		return -1;
	return (int64_t)((unstep(unstep(w[1])) - HOG_ADD) * inverse(HOG_MUL));
}

static long dev_size(const char *dev)
{
	char path[256];
	long size = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/dax/devices/%s/size", strrchr(dev, '/') + 1);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &size) != 1)
		size = -1;
	fclose(f);
	return size;
}

int main(int argc, char **argv)
{
	long psize = sysconf(_SC_PAGESIZE), size, pages, i, n = 0, first = 0;
	unsigned long counts[MAX_BUCKETS] = { 0 }, stale = 0, seed = 0;
	unsigned char *mem;
	int fd, b;

	if (argc < 3 || !strrchr(argv[2], '/') ||
	    !((!strcmp(argv[1], "scan") && argc == 3) ||
	      (!strcmp(argv[1], "plant") && argc == 6))) {
		fprintf(stderr, "usage: scrubscan scan DEV | plant DEV SEED N FIRST\n");
		return 2;
	}
	size = dev_size(argv[2]);
	if (size <= 0 || size % DAX_ALIGN) {
		fprintf(stderr, "scrubscan: %s: no size, or not in 2 MiB units\n", argv[2]);
		return 1;
	}
	pages = size / psize;
	if (argc == 6) {
		seed = strtoul(argv[3], NULL, 10);
		n = strtol(argv[4], NULL, 10);
		first = strtol(argv[5], NULL, 10);
	}
	if (n < 0 || first < 0 || first > pages - n) {
		fprintf(stderr, "scrubscan: N or FIRST out of range (%ld pages)\n", pages);
		return 2;
	}
	fd = open(argv[2], O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[2]);
		return 1;
	}
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (mem == MAP_FAILED) {
		perror("scrubscan: mmap");
		return 1;
	}
	if (!strcmp(argv[1], "plant")) {
		for (i = 0; i < n; i++)
			hog_fill(mem + (first + i) * psize, psize, seed + i);
		printf("planted=%ld first=%ld\n", n, first);
		return 0;
	}
	for (i = 0; i < pages; i++) {
		int64_t key = hog_key(mem + i * psize);

		if (key < 0)
			continue;
		stale++;
		b = (uint64_t)key / BUCKET < MAX_BUCKETS ? (int)((uint64_t)key / BUCKET) :
			MAX_BUCKETS - 1;
		counts[b]++;
	}
	printf("pages=%ld stale=%lu", pages, stale);
	for (b = 0; b < MAX_BUCKETS; b++)
		if (counts[b])
			printf(" stale_b%d=%lu", b, counts[b]);
	printf("\n");
	return 0;
}
