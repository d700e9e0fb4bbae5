// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vmhog: the guest's anonymous-memory workload for the cram VM tests.
 *
 *   vmhog MB zero|random|thp SEED [WRITE_MB]
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
 *
 * Signals, each answered by one line (K counts the requests):
 *
 *   SIGUSR1  reads every page and checks it against its pattern:
 *              "verify#K pages=N bad=B"
 *   SIGUSR2  makes the mapping read-only and writable again (mprotect),
 *            adds 1 to the first 64-bit word of each of the first
 *            WRITE_MB MiB (default all) and then verifies as SIGUSR1:
 *              "write#K pages=W" and "verify#K pages=N bad=B"
 *
 *   SIGHUP   forks a child that shares the pages copy-on-write and
 *            answers the same signals, its lines prefixed with "child "
 *            (it dies with its parent): "fork#K child=PID"
 *   SIGALRM  vmsplices every page of the mapping into a pipe it keeps open
 *            and never reads: the pipe holds a reference on each page, so
 *            migration cannot move it, and takes it without a write (no
 *            write fault). Sent again, closes the pipe and lets the pages
 *            go (a child forked in between keeps its copy of the pipe):
 *              "pin#K pages=P" and "unpin#K pages=P"
 *
 *   SIGWINCH frees every other page of the mapping (the odd ones, with
 *            MADV_DONTNEED), so that the pages left are spread over the
 *            pageblocks they were in: "drop#K pages=D" (a later verify
 *            counts the dropped pages as bad: they read as zeros)
 *   SIGURG   asks for every page of the mapping to be paged out
 *            (MADV_PAGEOUT: written to swap and freed, where the kernel
 *            can): "pageout#K rc=R"
 *   SIGPWR   collapses the mapping into huge pages (MADV_COLLAPSE, which
 *            copies the small pages into a new huge page and frees them):
 *            "collapse#K rc=R"
 *
 * The other signals keep their default action (SIGTERM ends it).
 *
 * "thp" fills with pseudo-random bytes like "random", but asks for
 * transparent huge pages (MADV_HUGEPAGE) on a 2 MiB aligned mapping.
 * Built by mkinitramfs.sh against the host's liblz4.so.1 (no headers
 * needed: the one function it uses is declared below).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "hog-pattern.h"

#define HUGE_SIZE (2ul << 20)
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

int LZ4_compress_default(const char *src, char *dst, int src_size, int dst_cap);

static int parse_ulong(const char *s, unsigned long max, unsigned long *val)
{
	char *end;

	errno = 0;
	*val = strtoul(s, &end, 10);
	return s[0] < '0' || s[0] > '9' || *end || errno || *val > max ? -1 : 0;
}

static unsigned long lz4_page_bytes(const unsigned char *page, long psize, char *dst,
				    int dst_cap)
{
	int n = LZ4_compress_default((const char *)page, dst, (int)psize, dst_cap);

	return n <= 0 || n > psize ? (unsigned long)psize : (unsigned long)n;
}

/* The expected contents of page @i after @writes rewrites of it. */
static void expect_page(unsigned char *ref, long psize, int random_fill,
			unsigned long seed, unsigned long i, uint64_t writes)
{
	uint64_t w;

	if (random_fill)
		hog_fill(ref, psize, seed + i);
	else
		memset(ref, 0, psize);
	memcpy(&w, ref, 8);
	w += writes;
	memcpy(ref, &w, 8);
}

/*
 * Splice [mem, mem + len) into a new pipe @fd sized to hold all of it; the
 * pipe's buffers keep a reference on each page. Returns the pages spliced.
 */
static unsigned long pin_pages(unsigned char *mem, size_t len, long psize, int fd[2])
{
	struct iovec iov = { .iov_base = mem, .iov_len = len };
	ssize_t n;

	if (pipe(fd)) {
		perror("vmhog: pipe");
		fd[0] = fd[1] = -1;
		return 0;
	}
	if (fcntl(fd[1], F_SETPIPE_SZ, (int)len) < 0)
		perror("vmhog: F_SETPIPE_SZ (fewer pages pinned)");
	while (iov.iov_len) {
		n = vmsplice(fd[1], &iov, 1, SPLICE_F_NONBLOCK);
		if (n <= 0)
			break;
		iov.iov_base = (char *)iov.iov_base + n;
		iov.iov_len -= n;
	}
	return (len - iov.iov_len) / psize;
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
	unsigned long mb, seed, pages, i, lz4 = 0, write_mb, wpages;
	unsigned long nverify = 0, nwrite = 0, nfork = 0, npin = 0, pinned = 0;
	unsigned long ndrop = 0, npageout = 0, ncollapse = 0;
	int pin_fd[2] = { -1, -1 };
	const char *who = "";
	pid_t child;
	unsigned char *mem, *ref;
	uint64_t writes = 0;
	sigset_t sigs;
	char *dst;
	int random_fill, thp, sig;

	if (argc < 4 || argc > 5 || parse_ulong(argv[1], 4096, &mb) || !mb ||
	    (strcmp(argv[2], "zero") && strcmp(argv[2], "random") &&
	     strcmp(argv[2], "thp")) ||
	    parse_ulong(argv[3], ~0ul, &seed) ||
	    (argc == 5 && parse_ulong(argv[4], mb, &write_mb))) {
		fprintf(stderr,
			"usage: vmhog MB(1-4096) zero|random|thp SEED [WRITE_MB(0-MB)]\n");
		return 2;
	}
	if (argc == 4)
		write_mb = mb;
	thp = !strcmp(argv[2], "thp");
	random_fill = thp || !strcmp(argv[2], "random");
	pages = (mb << 20) / psize;
	wpages = (write_mb << 20) / psize;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGUSR1);
	sigaddset(&sigs, SIGUSR2);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGALRM);
	sigaddset(&sigs, SIGWINCH);
	sigaddset(&sigs, SIGURG);
	sigaddset(&sigs, SIGPWR);
	if (sigprocmask(SIG_BLOCK, &sigs, NULL))
		return 1;
	dst = malloc(2 * psize);
	ref = malloc(psize);
	if (!dst || !ref || fill_stack())
		return 1;
	if (mlockall(MCL_CURRENT))
		perror("vmhog: mlockall (other pages may move too)");
	/* one huge page more, to align the start */
	mem = mmap(NULL, pages * psize + (thp ? HUGE_SIZE : 0),
		   PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("vmhog: mmap");
		return 1;
	}
	if (thp) {
		mem = (unsigned char *)(((uintptr_t)mem + HUGE_SIZE - 1) &
					~(uintptr_t)(HUGE_SIZE - 1));
		madvise(mem, pages * psize, MADV_HUGEPAGE);
	} else {
		madvise(mem, pages * psize, MADV_NOHUGEPAGE);
	}
	for (i = 0; i < pages; i++) {
		unsigned char *page = mem + i * psize;

		if (random_fill)
			hog_fill(page, psize, seed + i);
		else
			memset(page, 0, psize);
		lz4 += lz4_page_bytes(page, psize, dst, 2 * (int)psize);
	}
	printf("ready pages=%lu lz4_bytes=%lu\n", pages, lz4);
	fflush(stdout);
	for (;;) {
		unsigned long bad = 0;

		if (sigwait(&sigs, &sig))
			continue;
		if (sig == SIGHUP) {
			child = fork();
			if (child < 0) {
				perror("vmhog: fork");
			} else if (child == 0) {
				prctl(PR_SET_PDEATHSIG, SIGKILL);
				who = "child ";
				nverify = nwrite = nfork = 0;
			} else {
				printf("fork#%lu child=%ld\n", ++nfork, (long)child);
				fflush(stdout);
			}
			continue;
		}
		if (sig == SIGALRM) {
			if (pin_fd[0] < 0) {
				pinned = pin_pages(mem, pages * psize, psize, pin_fd);
				printf("%spin#%lu pages=%lu\n", who, ++npin, pinned);
			} else {
				close(pin_fd[0]);
				close(pin_fd[1]);
				pin_fd[0] = pin_fd[1] = -1;
				printf("%sunpin#%lu pages=%lu\n", who, npin, pinned);
			}
			fflush(stdout);
			continue;
		}
		if (sig == SIGWINCH) {
			unsigned long dropped = 0;

			for (i = 1; i < pages; i += 2)
				dropped += !madvise(mem + i * psize, psize, MADV_DONTNEED);
			printf("%sdrop#%lu pages=%lu\n", who, ++ndrop, dropped);
			fflush(stdout);
			continue;
		}
		if (sig == SIGURG) {
			int rc = madvise(mem, pages * psize, MADV_PAGEOUT) ? errno : 0;

			printf("%spageout#%lu rc=%d\n", who, ++npageout, rc);
			fflush(stdout);
			continue;
		}
		if (sig == SIGPWR) {
			int rc = madvise(mem, pages * psize, MADV_COLLAPSE) ? errno : 0;

			printf("%scollapse#%lu rc=%d\n", who, ++ncollapse, rc);
			fflush(stdout);
			continue;
		}
		if (sig == SIGUSR2) {
			if (mprotect(mem, pages * psize, PROT_READ) ||
			    mprotect(mem, pages * psize, PROT_READ | PROT_WRITE))
				perror("vmhog: mprotect");
			for (i = 0; i < wpages; i++) {
				uint64_t *word = (uint64_t *)(mem + i * psize);

				*(volatile uint64_t *)word += 1;
			}
			writes++;
			printf("%swrite#%lu pages=%lu\n", who, ++nwrite, wpages);
		}
		for (i = 0; i < pages; i++) {
			expect_page(ref, psize, random_fill, seed, i, i < wpages ? writes : 0);
			if (memcmp(mem + i * psize, ref, psize))
				bad++;
		}
		printf("%sverify#%lu pages=%lu bad=%lu\n", who, ++nverify, pages, bad);
		fflush(stdout);
	}
}
