// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vmhog: the guest's anonymous-memory workload for the cram VM tests.
 *
 *   vmhog MB zero|random SEED
 *
 * Maps MB MiB of private anonymous memory (no THP), fills every page with
 * zeros or with pseudo-random bytes from SEED, prints one line
 *
 *   ready pages=N lz4_bytes=B
 *
 * where B is the sum over the pages of the lz4 (block format, default
 * acceleration) size of each page, capped at the page size (a page that
 * does not compress is stored raw), and then sleeps until a signal. Its
 * other pages (stack, heap, libraries) are locked first, so that reclaim
 * moves only the filled pages and their lz4 size is all that moves.
 * Built by mkinitramfs.sh against the host's liblz4.so.1 (no headers
 * needed: the one function it uses is declared below).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LZ4_compress_default(const char *src, char *dst, int src_size, int dst_cap);

static int parse_ulong(const char *s, unsigned long max, unsigned long *val)
{
	char *end;

	errno = 0;
	*val = strtoul(s, &end, 10);
	return s[0] < '0' || s[0] > '9' || *end || errno || *val > max ? -1 : 0;
}

static void fill_random(unsigned char *p, size_t len, uint64_t seed)
{
	uint64_t x = seed * 2654435761u + 88172645463325252ull;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(p + i, &x, 8);
	}
}

static unsigned long lz4_page_bytes(const unsigned char *page, long psize, char *dst,
				    int dst_cap)
{
	int n = LZ4_compress_default((const char *)page, dst, (int)psize, dst_cap);

	return n <= 0 || n > psize ? (unsigned long)psize : (unsigned long)n;
}

/* Touch the stack this program will use, before it is locked. */
static int fill_stack(void)
{
	volatile char buf[64 * 1024];

	memset((char *)buf, 1, sizeof(buf));
	return buf[0] != 1;
}

int main(int argc, char **argv)
{
	long psize = sysconf(_SC_PAGESIZE);
	unsigned long mb, seed, pages, i, lz4 = 0;
	unsigned char *mem;
	char *dst;
	int random_fill;

	if (argc != 4 || parse_ulong(argv[1], 4096, &mb) || !mb ||
	    (strcmp(argv[2], "zero") && strcmp(argv[2], "random")) ||
	    parse_ulong(argv[3], ~0ul, &seed)) {
		fprintf(stderr, "usage: vmhog MB(1-4096) zero|random SEED\n");
		return 2;
	}
	random_fill = !strcmp(argv[2], "random");
	pages = (mb << 20) / psize;
	dst = malloc(2 * psize);
	if (!dst || fill_stack())
		return 1;
	if (mlockall(MCL_CURRENT))
		perror("vmhog: mlockall (other pages may move too)");
	mem = mmap(NULL, pages * psize, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("vmhog: mmap");
		return 1;
	}
	madvise(mem, pages * psize, MADV_NOHUGEPAGE);
	for (i = 0; i < pages; i++) {
		unsigned char *page = mem + i * psize;

		if (random_fill)
			fill_random(page, psize, seed + i);
		else
			memset(page, 0, psize);
		lz4 += lz4_page_bytes(page, psize, dst, 2 * (int)psize);
	}
	printf("ready pages=%lu lz4_bytes=%lu\n", pages, lz4);
	fflush(stdout);
	for (;;)
		pause();
}
