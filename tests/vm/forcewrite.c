// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * forcewrite: forced writes (FOLL_FORCE) into another process's read-only
 * anonymous pages, for part-fence-force.sh, and the other paths to such
 * pages (process_vm_writev(2), madvise(2), KSM, userfaultfd) for
 * part-paths.sh.
 *
 *   forcewrite target MB rw|ro|thp|same SEED
 *       Maps MB MiB of private anonymous memory (2 MiB aligned; "thp" asks
 *       for transparent huge pages, the others forbid them), fills page i
 *       with the "random" pattern of SEED + i (hog-pattern.h; "same": of
 *       SEED, every page alike, for KSM), prints
 *         ready pages=N addr=0xADDR
 *       and waits for signals, each answered by one line:
 *         SIGUSR1  mprotect(PROT_READ), unless "rw" or "same": "ro#K"
 *         SIGHUP   forks a child that shares the pages and only sleeps
 *                  (it dies with its parent): "fork#K child=PID"
 *         SIGUSR2  runs the command in /tmp/fw.cmd.PID, one of
 *                    madv ADVICE FIRST COUNT  (ADVICE: collapse, pageout,
 *                                         cold, dontneed, mergeable or
 *                                         hugepage)
 *                    write FIRST COUNT   (FORCE_WORD(i) into page i, a
 *                                         plain write of the process)
 *                    wp FIRST COUNT      (userfaultfd: register the range
 *                                         for write protection, protect
 *                                         it, unprotect it)
 *                    pipe FIRST COUNT    (FORCE_WORD(i) into page i by
 *                                         read(2) from a pipe: the kernel
 *                                         writes, copying to user memory)
 *                    fan N FIRST COUNT   (forks N children at once; child
 *                                         c reads every page of the range,
 *                                         writes FORCE_WORD(i) into each
 *                                         page i with (i - FIRST) % N == c
 *                                         and checks that it sees its own
 *                                         words and the pattern elsewhere)
 *                  and prints "cmd#K CMD rc=0|ERRNO ...".
 *   forcewrite mem|poke|pvw PID ADDR FIRST COUNT
 *       Writes the 64-bit word FORCE_WORD(i) at the start of each page i in
 *       [FIRST, FIRST + COUNT) of the mapping at ADDR in PID: "mem" with a
 *       pwrite() to /proc/PID/mem, "poke" with ptrace(PTRACE_POKEDATA)
 *       after attaching, "pvw" with process_vm_writev(2) (not forced: the
 *       mapping must be writable). Prints "mem|poke|pvw pages=COUNT ok=K"
 *       (K writes that reported success).
 *   forcewrite check PID ADDR FIRST COUNT SEED [same]
 *       Reads the pages through /proc/PID/mem (what PID sees) and prints
 *         check pages=COUNT written=W intact=I bad=B
 *       W pages hold FORCE_WORD(i) then the rest of their pattern, I hold
 *       their pattern untouched, B hold anything else ("same": the
 *       pattern of SEED in every page).
 *   forcewrite nodes PID ADDR FIRST COUNT
 *       Prints "nodes nN=K ... absent=X": how many pages are on each node
 *       that has some (move_pages(2) without target nodes, which moves
 *       nothing) and how many are not present.
 *
 * libc only.
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
#include <sys/ptrace.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/userfaultfd.h>

#include "hog-pattern.h"
#include "node-census.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#define HUGE_SIZE (2ul << 20)
#define FORCE_WORD(i) (0x464f524345000000ull + (uint64_t)(i))	/* "FORCE" */

static int parse_ulong(const char *s, int base, unsigned long *val)
{
	char *end;

	errno = 0;
	*val = strtoul(s, &end, base);
	return !*s || *end || errno ? -1 : 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: forcewrite target MB rw|ro|thp|same SEED\n"
		"       forcewrite mem|poke|pvw|nodes PID ADDR FIRST COUNT\n"
		"       forcewrite check PID ADDR FIRST COUNT SEED [same]\n");
	return 2;
}

static const char *errname(int e)
{
	switch (e) {
	case 0: return "0";
	case EINVAL: return "EINVAL";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EFAULT: return "EFAULT";
	case EPERM: return "EPERM";
	case ENOSYS: return "ENOSYS";
	case EBUSY: return "EBUSY";
	case ENOENT: return "ENOENT";
	default: return "OTHER";
	}
}

/* userfaultfd write protection of [p, p + len): register, protect, unprotect */
static void cmd_wp(unsigned char *p, size_t len)
{
	struct uffdio_api api = { .api = UFFD_API,
				  .features = UFFD_FEATURE_PAGEFAULT_FLAG_WP };
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)p, .len = len },
		.mode = UFFDIO_REGISTER_MODE_WP,
	};
	struct uffdio_writeprotect wp = {
		.range = { .start = (uintptr_t)p, .len = len },
	};
	int fd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK), e[4] = { 0 };

	if (fd < 0) {
		printf(" uffd=%s", errname(errno));
		return;
	}
	if (ioctl(fd, UFFDIO_API, &api))
		e[0] = errno;
	if (!e[0] && ioctl(fd, UFFDIO_REGISTER, &reg))
		e[1] = errno;
	wp.mode = UFFDIO_WRITEPROTECT_MODE_WP;
	if (!e[0] && !e[1] && ioctl(fd, UFFDIO_WRITEPROTECT, &wp))
		e[2] = errno;
	wp.mode = 0;
	if (!e[0] && !e[1] && ioctl(fd, UFFDIO_WRITEPROTECT, &wp))
		e[3] = errno;
	/* the fd stays open: the range stays registered */
	printf(" api=%s register=%s protect=%s unprotect=%s", errname(e[0]),
	       errname(e[1]), errname(e[2]), errname(e[3]));
}

/* the kernel writes: FORCE_WORD(i) into page i through a pipe, by read(2) */
static void cmd_pipe(unsigned char *mem, unsigned long first,
		     unsigned long count, long psize)
{
	unsigned long i, ok = 0;
	int fds[2], e = 0;

	if (pipe(fds)) {
		printf(" rc=%s", errname(errno));
		return;
	}
	for (i = first; i < first + count; i++) {
		uint64_t w = FORCE_WORD(i);

		if (write(fds[1], &w, 8) != 8) {
			e = errno;
			break;
		}
		if (read(fds[0], mem + i * psize, 8) == 8)
			ok++;
		else if (!e)
			e = errno ? errno : EFAULT;
	}
	close(fds[0]);
	close(fds[1]);
	printf(" rc=%s pages=%lu ok=%lu", errname(e), count, ok);
}

/*
 * One child of "fan": bit 0 when a page read wrong before its writes, bit 1
 * when one of its own pages does not hold its word after them, bit 2 when
 * another page is not its pattern.
 */
static int fan_child(unsigned char *mem, unsigned long first,
		     unsigned long count, long psize, unsigned long c,
		     unsigned long nchild, unsigned long seed, int same)
{
	unsigned char *ref = malloc(psize);
	unsigned long i;
	int rc = 0;

	if (!ref)
		return 8;
	for (i = first; i < first + count; i++) {
		hog_fill(ref, psize, same ? seed : seed + i);
		if (memcmp(mem + i * psize, ref, psize))
			rc |= 1;
	}
	for (i = first + c; i < first + count; i += nchild) {
		uint64_t w = FORCE_WORD(i);

		memcpy(mem + i * psize, &w, 8);
	}
	for (i = first; i < first + count; i++) {
		int mine = (i - first) % nchild == c;
		uint64_t w = FORCE_WORD(i);

		hog_fill(ref, psize, same ? seed : seed + i);
		if (mine)
			memcpy(ref, &w, 8);
		if (memcmp(mem + i * psize, ref, psize))
			rc |= mine ? 2 : 4;
	}
	free(ref);
	return rc;
}

/* "fan": @nchild children share the pages and write them at once */
static void cmd_fan(unsigned char *mem, unsigned long first,
		    unsigned long count, long psize, unsigned long nchild,
		    unsigned long seed, int same)
{
	unsigned long c, started = 0, ok = 0, flags = 0;
	int go[2], status;
	char b;

	if (!nchild || nchild > 256 || pipe(go)) {
		printf(" rc=EINVAL");
		return;
	}
	for (c = 0; c < nchild; c++) {
		pid_t pid = fork();

		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			close(go[1]);
			/* until the parent closes its end: all start together */
			while (read(go[0], &b, 1) < 0 && errno == EINTR)
				;
			_exit(fan_child(mem, first, count, psize, c, nchild,
					seed, same));
		}
		if (pid < 0)
			break;
		started++;
	}
	close(go[0]);
	close(go[1]);
	while (started && wait(&status) > 0) {
		started--;
		if (WIFEXITED(status) && !WEXITSTATUS(status))
			ok++;
		else if (WIFEXITED(status))
			flags |= WEXITSTATUS(status);
		else
			flags |= 16;
	}
	printf(" rc=0 children=%lu ok=%lu fail_bits=%lu", nchild, ok, flags);
}

/* SIGUSR2: the command in /tmp/fw.cmd.PID on the mapping at @mem */
static void command(unsigned char *mem, unsigned long pages, long psize,
		    unsigned long k, unsigned long seed, int same)
{
	static const struct { const char *name; int advice; } advs[] = {
		{ "collapse", MADV_COLLAPSE }, { "pageout", MADV_PAGEOUT },
		{ "cold", MADV_COLD }, { "dontneed", MADV_DONTNEED },
		{ "mergeable", MADV_MERGEABLE }, { "hugepage", MADV_HUGEPAGE },
	};
	char path[64], verb[16] = "", arg[16] = "";
	unsigned long first = 0, count = 0, i;
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "/tmp/fw.cmd.%ld", (long)getpid());
	f = fopen(path, "r");
	if (f) {
		n = fscanf(f, "%15s", verb);
		if (n == 1 && (!strcmp(verb, "madv") || !strcmp(verb, "fan")))
			n += fscanf(f, "%15s", arg);
		n += fscanf(f, "%lu %lu", &first, &count);
		fclose(f);
	}
	printf("cmd#%lu %s%s%s", k, verb, *arg ? " " : "", arg);
	if (n < 3 || first + count > pages || !count) {
		printf(" rc=EINVAL (bad command)\n");
		return;
	}
	if (!strcmp(verb, "madv")) {
		for (i = 0; i < sizeof(advs) / sizeof(advs[0]); i++)
			if (!strcmp(arg, advs[i].name))
				break;
		if (i == sizeof(advs) / sizeof(advs[0])) {
			printf(" rc=EINVAL (advice)\n");
			return;
		}
		errno = 0;
		madvise(mem + first * psize, count * psize, advs[i].advice);
		printf(" rc=%s", errname(errno));
	} else if (!strcmp(verb, "write")) {
		for (i = first; i < first + count; i++) {
			uint64_t w = FORCE_WORD(i);

			memcpy(mem + i * psize, &w, 8);
		}
		printf(" rc=0 pages=%lu", count);
	} else if (!strcmp(verb, "wp")) {
		cmd_wp(mem + first * psize, count * psize);
	} else if (!strcmp(verb, "pipe")) {
		cmd_pipe(mem, first, count, psize);
	} else if (!strcmp(verb, "fan")) {
		cmd_fan(mem, first, count, psize, strtoul(arg, NULL, 10), seed,
			same);
	} else {
		printf(" rc=EINVAL (verb)");
	}
	printf("\n");
}

static int target(unsigned long mb, const char *mode, unsigned long seed)
{
	long psize = sysconf(_SC_PAGESIZE);
	unsigned long pages = (mb << 20) / psize, i, nro = 0, nfork = 0, ncmd = 0;
	int thp = !strcmp(mode, "thp"), same = !strcmp(mode, "same");
	int ro = strcmp(mode, "rw") && !same;
	unsigned char *mem;
	sigset_t sigs;
	pid_t child;
	int sig;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGUSR1);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGUSR2);
	if (sigprocmask(SIG_BLOCK, &sigs, NULL))
		return 1;
	mem = mmap(NULL, (mb << 20) + HUGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("forcewrite: mmap");
		return 1;
	}
	mem = (unsigned char *)(((uintptr_t)mem + HUGE_SIZE - 1) &
				~(uintptr_t)(HUGE_SIZE - 1));
	madvise(mem, mb << 20, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	for (i = 0; i < pages; i++)
		hog_fill(mem + i * psize, psize, same ? seed : seed + i);
	printf("ready pages=%lu addr=%p\n", pages, (void *)mem);
	fflush(stdout);
	for (;;) {
		if (sigwait(&sigs, &sig))
			continue;
		if (sig == SIGUSR1) {
			if (ro && mprotect(mem, mb << 20, PROT_READ))
				perror("forcewrite: mprotect");
			printf("ro#%lu\n", ++nro);
		} else if (sig == SIGHUP) {
			child = fork();
			if (child == 0) {
				prctl(PR_SET_PDEATHSIG, SIGKILL);
				for (;;)
					pause();
			}
			if (child < 0)
				perror("forcewrite: fork");
			else
				printf("fork#%lu child=%ld\n", ++nfork, (long)child);
		} else if (sig == SIGUSR2) {
			command(mem, pages, psize, ++ncmd, seed, same);
		}
		fflush(stdout);
	}
}

static int open_mem(pid_t pid, int flags)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/mem", (long)pid);
	fd = open(path, flags);
	if (fd < 0)
		perror(path);
	return fd;
}

static int write_mem(pid_t pid, uintptr_t addr, unsigned long first,
		     unsigned long count, long psize)
{
	unsigned long i, ok = 0;
	int fd = open_mem(pid, O_RDWR);

	if (fd < 0)
		return 1;
	for (i = first; i < first + count; i++) {
		uint64_t w = FORCE_WORD(i);

		if (pwrite(fd, &w, 8, (off_t)(addr + i * psize)) == 8)
			ok++;
		else
			perror("forcewrite: pwrite");
	}
	close(fd);
	printf("mem pages=%lu ok=%lu\n", count, ok);
	return ok == count ? 0 : 1;
}

static int write_poke(pid_t pid, uintptr_t addr, unsigned long first,
		      unsigned long count, long psize)
{
	unsigned long i, ok = 0;
	int status;

	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL)) {
		perror("forcewrite: PTRACE_ATTACH");
		return 1;
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status)) {
		perror("forcewrite: waitpid");
		return 1;
	}
	for (i = first; i < first + count; i++) {
		if (!ptrace(PTRACE_POKEDATA, pid, (void *)(addr + i * psize),
			    (void *)(uintptr_t)FORCE_WORD(i)))
			ok++;
		else
			perror("forcewrite: PTRACE_POKEDATA");
	}
	if (ptrace(PTRACE_DETACH, pid, NULL, NULL))
		perror("forcewrite: PTRACE_DETACH");
	printf("poke pages=%lu ok=%lu\n", count, ok);
	return ok == count ? 0 : 1;
}

static int write_pvw(pid_t pid, uintptr_t addr, unsigned long first,
		     unsigned long count, long psize)
{
	unsigned long i, ok = 0;

	for (i = first; i < first + count; i++) {
		uint64_t w = FORCE_WORD(i);
		struct iovec local = { .iov_base = &w, .iov_len = 8 };
		struct iovec remote = { .iov_base = (void *)(addr + i * psize),
					.iov_len = 8 };

		if (process_vm_writev(pid, &local, 1, &remote, 1, 0) == 8)
			ok++;
		else
			perror("forcewrite: process_vm_writev");
	}
	printf("pvw pages=%lu ok=%lu\n", count, ok);
	return ok == count ? 0 : 1;
}

static int check(pid_t pid, uintptr_t addr, unsigned long first,
		 unsigned long count, unsigned long seed, int same, long psize)
{
	unsigned char *page = malloc(psize), *ref = malloc(psize);
	unsigned long i, written = 0, intact = 0, bad = 0;
	int fd = open_mem(pid, O_RDONLY);
	uint64_t w;

	if (fd < 0 || !page || !ref)
		return 1;
	for (i = first; i < first + count; i++) {
		if (pread(fd, page, psize, (off_t)(addr + i * psize)) != psize) {
			bad++;
			continue;
		}
		hog_fill(ref, psize, same ? seed : seed + i);
		if (!memcmp(page, ref, psize)) {
			intact++;
			continue;
		}
		w = FORCE_WORD(i);
		memcpy(ref, &w, 8);
		if (!memcmp(page, ref, psize))
			written++;
		else
			bad++;
	}
	close(fd);
	printf("check pages=%lu written=%lu intact=%lu bad=%lu\n", count,
	       written, intact, bad);
	return 0;
}

static int nodes(pid_t pid, uintptr_t addr, unsigned long first,
		 unsigned long count, long psize)
{
	unsigned long n[CENSUS_NODES], absent;
	int nid;

	if (node_census(pid, addr + first * psize, count, psize, n, &absent)) {
		perror("forcewrite: move_pages");
		return 1;
	}
	printf("nodes");
	for (nid = 0; nid < CENSUS_NODES; nid++)
		if (n[nid])
			printf(" n%d=%lu", nid, n[nid]);
	printf(" absent=%lu\n", absent);
	return 0;
}

int main(int argc, char **argv)
{
	long psize = sysconf(_SC_PAGESIZE);
	unsigned long pid, addr, first, count, seed = 0, mb;

	if (argc == 5 && !strcmp(argv[1], "target")) {
		if (parse_ulong(argv[2], 10, &mb) || !mb || mb > 4096 ||
		    (strcmp(argv[3], "rw") && strcmp(argv[3], "ro") &&
		     strcmp(argv[3], "thp") && strcmp(argv[3], "same")) ||
		    parse_ulong(argv[4], 10, &seed))
			return usage();
		return target(mb, argv[3], seed);
	}
	if (argc < 6 || parse_ulong(argv[2], 10, &pid) ||
	    parse_ulong(argv[3], 16, &addr) || parse_ulong(argv[4], 10, &first) ||
	    parse_ulong(argv[5], 10, &count) || !count)
		return usage();
	if ((argc == 7 || (argc == 8 && !strcmp(argv[7], "same"))) &&
	    !strcmp(argv[1], "check") && !parse_ulong(argv[6], 10, &seed))
		return check(pid, addr, first, count, seed, argc == 8, psize);
	if (argc != 6)
		return usage();
	if (!strcmp(argv[1], "mem"))
		return write_mem(pid, addr, first, count, psize);
	if (!strcmp(argv[1], "poke"))
		return write_poke(pid, addr, first, count, psize);
	if (!strcmp(argv[1], "pvw"))
		return write_pvw(pid, addr, first, count, psize);
	if (!strcmp(argv[1], "nodes"))
		return nodes(pid, addr, first, count, psize);
	return usage();
}
