// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cram-alloc-bench: cram_alloc_onnode() + first touch + cram_free()
 * against numa_alloc_onnode() + first touch + numa_free() on one node,
 * interleaved in one run (the order alternates every round), and prints
 * the median of the per-round time ratios cram / libnuma.
 *
 *   cram-alloc-bench [SIZE_BYTES [ROUNDS [NODE]]]
 *   (defaults: 4194304 bytes, 301 rounds, node 0)
 */
#include <errno.h>
#include <numa.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cram/cram.h>

#include "util/clock.h"

struct opts {
	size_t size;
	size_t rounds;
	int node;
};

static void touch(char *mem, size_t size, size_t page)
{
	size_t off;

	for (off = 0; off < size; off += page)
		mem[off] = 1;
}

/* One cram round; returns its duration in ns, or 0 on failure. */
static uint64_t run_cram(size_t size, int node, size_t page)
{
	uint64_t t0 = util_now_ns();
	char *mem = cram_alloc_onnode(size, node);

	if (!mem) {
		fprintf(stderr, "cram_alloc_onnode: %s\n", strerror(errno));
		return 0;
	}
	touch(mem, size, page);
	cram_free(mem, size);
	return util_now_ns() - t0;
}

static uint64_t run_numa(size_t size, int node, size_t page)
{
	uint64_t t0 = util_now_ns();
	char *mem = numa_alloc_onnode(size, node);

	if (!mem) {
		fprintf(stderr, "numa_alloc_onnode: failed\n");
		return 0;
	}
	touch(mem, size, page);
	numa_free(mem, size);
	return util_now_ns() - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Parses a decimal argument from @min to @max. */
static int parse_arg(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] < '0' || s[0] > '9' || *out < min || *out > max) {
		fprintf(stderr, "cram-alloc-bench: invalid argument '%s' (%lu to %lu)\n", s, min,
			max);
		return -1;
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	unsigned long v[3] = { 4ul << 20, 301, 0 };

	if (argc > 4) {
		fprintf(stderr, "usage: %s [SIZE_BYTES [ROUNDS [NODE]]]\n", argv[0]);
		return -1;
	}
	if ((argc > 1 && parse_arg(argv[1], 1, 1ul << 40, &v[0]) < 0) ||
	    (argc > 2 && parse_arg(argv[2], 1, 1000000, &v[1]) < 0) ||
	    (argc > 3 && parse_arg(argv[3], 0, 1023, &v[2]) < 0))
		return -1;
	o->size = v[0];
	o->rounds = v[1];
	o->node = (int)v[2];
	return 0;
}

int main(int argc, char **argv)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), i;
	double *ratio, *tc, *tn;
	struct opts o;
	int rc = 1;

	if (parse_opts(argc, argv, &o) < 0)
		return 2;
	if (numa_available() < 0) {
		fprintf(stderr, "cram-alloc-bench: libnuma says NUMA is not available\n");
		return 1;
	}
	ratio = calloc(o.rounds, sizeof(*ratio));
	tc = calloc(o.rounds, sizeof(*tc));
	tn = calloc(o.rounds, sizeof(*tn));
	if (!ratio || !tc || !tn)
		goto out;
	/* One warm-up round of each. */
	if (!run_cram(o.size, o.node, page) || !run_numa(o.size, o.node, page))
		goto out;
	for (i = 0; i < o.rounds; i++) {
		uint64_t c, n;

		if (i % 2) {
			n = run_numa(o.size, o.node, page);
			c = run_cram(o.size, o.node, page);
		} else {
			c = run_cram(o.size, o.node, page);
			n = run_numa(o.size, o.node, page);
		}
		if (!c || !n)
			goto out;
		tc[i] = (double)c;
		tn[i] = (double)n;
		ratio[i] = (double)c / (double)n;
	}
	printf("size %zu bytes, node %d, %zu rounds\n", o.size, o.node, o.rounds);
	printf("median cram_alloc_onnode+touch+free: %.1f us\n", median(tc, o.rounds) / 1e3);
	printf("median numa_alloc_onnode+touch+free: %.1f us\n", median(tn, o.rounds) / 1e3);
	printf("median ratio cram/numa: %.3f (target <= 1.05)\n", median(ratio, o.rounds));
	rc = 0;
out:
	free(ratio);
	free(tc);
	free(tn);
	return rc;
}
