// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * placetest: the raw system calls of the placement and explicit migration
 * VM tests (part-userplace.sh), one subcommand each, every result printed
 * as key=value words for the guest script to check.
 *
 *   placetest where MB                 touch MB of anonymous memory under
 *                                      the task's policy; where it landed
 *   placetest fill NODE MB             MPOL_BIND to NODE, touch until SIGBUS
 *                                      or MB; the node's MemFree then, where
 *                                      the pages are, then one more fault
 *                                      and a move_pages onto NODE
 *   placetest mbind MODE NODES [FLAGS] mbind() and set_mempolicy() with
 *                                      MODE bind|preferred|interleave and a
 *                                      node list "a,b"; the errno of each
 *   placetest move NODE MB anon|shmem [UID]
 *                                      move_pages() of MB onto NODE (after
 *                                      dropping to UID) in order-0 pages:
 *                                      per-page statuses (counted by class,
 *                                      the odd ones by index, and as runs),
 *                                      then a write to every page and where
 *                                      the pages are after it
 *   placetest mpages NODE MB anon|shmem [UID]
 *                                      migrate_pages(0, all others, NODE)
 *   placetest fault NODE MB            MPOL_BIND to NODE, fault MB, write
 *                                      it, check the data and where it is
 *   placetest uffdcopy NODE MB         as "fault", but the pages are
 *                                      filled by UFFDIO_COPY into a range
 *                                      registered with userfaultfd
 *                                      (missing mode), not by faults
 *   placetest off NODE DST MB          fault MB bound to NODE, then move the
 *                                      first half to DST with move_pages()
 *                                      and the rest with migrate_pages()
 *   placetest movefill NODE LOW_KB     fill NODE with a policy's faults to
 *                                      LOW_KB + 12 MiB free, then move_pages()
 *                                      a 32 MiB DRAM range onto it 16 pages
 *                                      at a time until a page is refused:
 *                                      the node's least MemFree after a
 *                                      move, the pages moved while it was
 *                                      below LOW_KB, and the status and
 *                                      MemFree of the first refusal
 *   placetest migfill NODE LOW_KB      the same with migrate_pages(2): each
 *                                      16 pages are faulted on DRAM, then
 *                                      migrate_pages(0, all others, NODE)
 *                                      moves them, until one is left behind
 *   placetest thpmove NODE MB [interleave]
 *                                      move_pages() of MB onto NODE, 2 MiB
 *                                      aligned and THP left on (the system
 *                                      setting): per-page statuses against
 *                                      where each page is afterwards; with
 *                                      "interleave" the pages of the two
 *                                      halves alternate in the request
 *   placetest resident NODE MB fault|move FILE
 *                                      MB of order-0 anonymous pages put on
 *                                      NODE by faults under an mbind() to it
 *                                      (placement mode) or faulted on DRAM
 *                                      and moved with move_pages(): FILE
 *                                      (logical_bytes) read before, at once
 *                                      after, and at once after munmap(),
 *                                      with where the pages were
 *   placetest collapse NODE DST OFF [FREE_KB]
 *                                      fault 2 MiB bound to NODE as order-0
 *                                      pages, move the first OFF of them to
 *                                      DST, fill NODE in a child to about
 *                                      FREE_KB free (if given), then
 *                                      MADV_COLLAPSE: its result, NODE's
 *                                      MemFree, AnonHugePages and where the
 *                                      pages are before and after
 *   placetest ucollapse NODE DST OFF   the same, but the range's policy is
 *                                      dropped (MPOL_DEFAULT) once it is
 *                                      faulted: a range not bound to NODE
 *                                      that has pages there
 *   placetest thpfault NODE FREE_KB MB fill NODE to about FREE_KB free (0:
 *                                      not), then write MB bound to NODE
 *                                      with MADV_HUGEPAGE until SIGBUS:
 *                                      where the pages are, AnonHugePages
 *
 * Nodes are counted with move_pages(2) given no target (the query form).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>

#include "node-census.h"

#define MPOL_DEFAULT		0
#define MPOL_PREFERRED		1
#define MPOL_BIND		2
#define MPOL_INTERLEAVE		3
#define MPOL_F_STATIC_NODES	(1 << 15)
#define MPOL_F_RELATIVE_NODES	(1 << 14)
#define MPOL_MF_MOVE		(1 << 1)
#define MAX_NODES		64
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE		25
#endif

_Static_assert(MAX_NODES == CENSUS_NODES, "census counts are MAX_NODES long");

static long pagesz;

static const char *ename(int e)
{
	switch (e) {
	case 0: return "OK";
	case EINVAL: return "EINVAL";
	case EPERM: return "EPERM";
	case ENOSPC: return "ENOSPC";
	case ENODEV: return "ENODEV";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case ENOENT: return "ENOENT";
	case EBUSY: return "EBUSY";
	case EIO: return "EIO";
	case EXDEV: return "EXDEV";
	case EAGAIN: return "EAGAIN";
	default: return "OTHER";
	}
}

static long move_pages(unsigned long n, void **pages, const int *nodes, int *status)
{
	return syscall(SYS_move_pages, 0, n, pages, nodes, status, 0);
}

static int die(const char *what)
{
	printf("error=%s errno=%s\n", what, ename(errno));
	return 1;
}

/*
 * This process faults order-0 pages only from now on; 0, or 1 after
 * printing the error. prctl(PR_SET_THP_DISABLE), not madvise(
 * MADV_NOHUGEPAGE): it covers every mapping the process makes later.
 */
static int order0_only(void)
{
	if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
		return die("prctl(PR_SET_THP_DISABLE)");
	return 0;
}

static int parse_nodes(const char *s, unsigned long *mask)
{
	char *end;

	*mask = 0;
	while (*s) {
		long n = strtol(s, &end, 10);

		if (end == s || n < 0 || n >= MAX_NODES)
			return -1;
		*mask |= 1UL << n;
		s = *end == ',' ? end + 1 : end;
		if (end == s && *s)
			return -1;
	}
	return 0;
}

/* Where are the N pages at P? counts[node], and how many are not present. */
static void census(char *p, unsigned long n, unsigned long *counts, unsigned long *absent)
{
	node_census(0, (uintptr_t)p, n, pagesz, counts, absent);
}

static void print_census(const char *prefix, unsigned long *counts, unsigned long absent)
{
	int i;

	printf("%s_absent=%lu", prefix, absent);
	for (i = 0; i < MAX_NODES; i++)
		if (counts[i])
			printf(" %s_N%d=%lu", prefix, i, counts[i]);
	printf("\n");
}

static int bind_range(void *p, size_t len, int node)
{
	unsigned long mask = 1UL << node;

	return (int)syscall(SYS_mbind, p, len, MPOL_BIND, &mask, MAX_NODES + 1, 0);
}

static int cmd_where(unsigned long mb)
{
	unsigned long n = mb * 1024 * 1024 / pagesz, counts[MAX_NODES], absent, i;
	char *p = mmap(NULL, n * pagesz, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return die("mmap");
	for (i = 0; i < n; i++)
		p[i * pagesz] = (char)i;
	census(p, n, counts, &absent);
	printf("pages=%lu ", n);
	print_census("where", counts, absent);
	return 0;
}

static sigjmp_buf fault_jmp;
static volatile sig_atomic_t sigbus_code;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	sigbus_code = si->si_code;
	siglongjmp(fault_jmp, 1);
}

/*
 * Write pages *@touched .. @n - 1 of @p in turn until one gets SIGBUS (its
 * node is full; on_sigbus() must be the handler) or all are written; with
 * *@touched the pages written. Whether SIGBUS came, its si_code in
 * sigbus_code.
 */
static int fault_until_sigbus(char *p, volatile unsigned long *touched, unsigned long n)
{
	sigbus_code = 0;
	if (!sigsetjmp(fault_jmp, 1)) {
		for (; *touched < n; (*touched)++)
			p[*touched * pagesz] = 1;
	}
	return sigbus_code != 0;
}

/* Node @node's MemFree in kB, from its meminfo; -1 when unreadable. */
static long node_free_kb(int node)
{
	char path[64], line[128];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", node);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Node %*d MemFree: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/*
 * The census of a fill. A page under migration (kcompactd compacting the
 * full node) has no node for move_pages(2) until the move ends: count
 * those again once, a second later, and say how many there were as
 * @label. A page that fell back or is gone stays counted where it is.
 */
static void settled_census(char *p, unsigned long n, unsigned long *counts,
			   unsigned long *absent, const char *label)
{
	census(p, n, counts, absent);
	if (!*absent)
		return;
	printf("%s=%lu\n", label, *absent);
	sleep(1);
	census(p, n, counts, absent);
}

static int cmd_fill(int node, unsigned long mb)
{
	unsigned long n = mb * 1024 * 1024 / pagesz, counts[MAX_NODES], absent;
	volatile unsigned long touched = 0, one;
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };
	int again = 0;
	unsigned long refill = 0;
	int round;
	int st = 0, dst = node;
	char *p, *q;
	void *pg;

	p = mmap(NULL, n * pagesz, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return die("mmap");
	/*
	 * Order-0 faults only. A huge page fault on the nearly full node
	 * wakes kcompactd there, which holds free pages aside while it
	 * works: a fault then gets SIGBUS before the node is full, and the
	 * next one succeeds (again_sigbus=0 in one CI run).
	 */
	if (order0_only())
		return 1;
	if (bind_range(p, n * pagesz, node))
		return die("mbind");
	sigaction(SIGBUS, &sa, NULL);
	fault_until_sigbus(p, &touched, n);
	/* how far the node was filled: the allocator's floor, seen at once */
	printf("free_at_sigbus_kB=%ld\n", node_free_kb(node));
	printf("pages=%lu touched=%lu sigbus=%d code=%s\n", n, touched,
	       sigbus_code != 0, sigbus_code == BUS_ADRERR ? "BUS_ADRERR" : "none");
	settled_census(p, touched, counts, &absent, "fill_absent_first");
	/*
	 * While kcompactd works on the node it holds free pages of it aside
	 * for its moves (the absent pages above), and gives back those it
	 * did not use when it is done: the fault that got SIGBUS then saw a
	 * node not quite full, and the next one may succeed (again_sigbus=0
	 * in three runs on 2026-12-07). Fill what it gave
	 * back, a second later, until the settled node refuses too.
	 */
	for (round = 0; round < 5 && touched < n; round++) {
		unsigned long before = touched;

		sleep(1);
		fault_until_sigbus(p, &touched, n);
		refill += touched - before;
		if (touched == before)
			break;
	}
	printf("refill=%lu refill_rounds=%d\n", refill, round);
	/* the refill may have woken kcompactd again */
	settled_census(p, touched, counts, &absent, "fill_absent_refill");
	/* touched= above is the first fill's; this is all of it */
	printf("filled=%lu\n", touched);
	print_census("fill", counts, absent);
	/* the node is full: one more fault naming it fails the same way */
	if (touched < n) {
		one = touched;
		again = fault_until_sigbus(p, &one, touched + 1);
	}
	/* and so does a move of a DRAM page onto it */
	q = mmap(NULL, pagesz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	q[0] = 1;
	pg = q;
	if (move_pages(1, &pg, &dst, &st) < 0)
		st = -errno;
	census(q, 1, counts, &absent);
	printf("again_sigbus=%d move_status=%s ", again, st < 0 ? ename(-st) : "moved");
	print_census("movedpage", counts, absent);
	return 0;
}

static int cmd_mbind(const char *mode, const char *nodes, const char *flags)
{
	unsigned long mask;
	int m, f = 0, e1, e2;
	char *p;

	if (!strcmp(mode, "bind"))
		m = MPOL_BIND;
	else if (!strcmp(mode, "preferred"))
		m = MPOL_PREFERRED;
	else if (!strcmp(mode, "interleave"))
		m = MPOL_INTERLEAVE;
	else
		return die("mode");
	if (flags && !strcmp(flags, "static"))
		f = MPOL_F_STATIC_NODES;
	else if (flags && !strcmp(flags, "relative"))
		f = MPOL_F_RELATIVE_NODES;
	if (parse_nodes(nodes, &mask))
		return die("nodes");
	p = mmap(NULL, pagesz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	e1 = syscall(SYS_mbind, p, pagesz, m | f, &mask, MAX_NODES + 1, 0) ? errno : 0;
	e2 = syscall(SYS_set_mempolicy, m | f, &mask, MAX_NODES + 1) ? errno : 0;
	printf("mbind=%s set_mempolicy=%s\n", ename(e1), ename(e2));
	return 0;
}

/* Page i of the @n at @p all (i * 7 + 1): the pattern bad_pages() checks. */
static void fill_pattern(char *p, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		memset(p + i * pagesz, (int)(i * 7 + 1), (size_t)pagesz);
}

static char *make_range(unsigned long n, const char *kind)
{
	int shm = !strcmp(kind, "shmem");
	char *p = mmap(NULL, n * pagesz, PROT_READ | PROT_WRITE,
		       (shm ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/*
	 * Order-0 pages only, so that each status is about one page: in a
	 * transparent huge page moved to a node that is not private, the
	 * page after the head gets -EBUSY (its folio is already isolated,
	 * queued with the head) and yet moves; "thpmove" covers huge pages
	 * moved to a private node.
	 */
	if (order0_only())
		return NULL;
	fill_pattern(p, n);
	return p;
}

static unsigned long bad_pages(char *p, unsigned long n, int delta)
{
	unsigned long i, bad = 0;

	for (i = 0; i < n; i++)
		bad += p[i * pagesz] != (char)(i * 7 + 1 + delta) ||
		       p[i * pagesz + pagesz - 1] != (char)(i * 7 + 1 + delta);
	return bad;
}

static int drop_to(const char *uid)
{
	uid_t u;

	if (!uid)
		return 0;
	u = (uid_t)strtoul(uid, NULL, 10);
	if (setgroups(0, NULL) || setresgid(u, u, u) || setresuid(u, u, u))
		return die("setresuid");
	return 0;
}

/* After a move: write every page, check the data, count where they are. */
static void after_write(char *p, unsigned long n)
{
	unsigned long counts[MAX_NODES], absent, i;

	for (i = 0; i < n; i++)
		p[i * pagesz] = (char)(i * 7 + 2), p[i * pagesz + pagesz - 1] = (char)(i * 7 + 2);
	census(p, n, counts, &absent);
	printf("written_bad=%lu ", bad_pages(p, n, 1));
	print_census("written", counts, absent);
}

/*
 * The statuses that are neither NODE, -EPERM nor -ENOSPC, each as
 * " st_at_INDEX=VALUE" (at most 16 of them; 12345 is "never written"),
 * with the node the census finds that page on: "@NODE", or "@absent".
 */
/*
 * The statuses in order, as runs "VALUExCOUNT" joined by commas (at most
 * 32 runs, then "..."): " st_runs=2x1,-16x1,2x510,...".
 */
static void print_status_runs(const int *status, unsigned long n)
{
	unsigned long i, len, runs = 0;

	printf(" st_runs=");
	for (i = 0; i < n; i += len) {
		for (len = 1; i + len < n && status[i + len] == status[i]; len++)
			;
		if (runs++ == 32) {
			printf("...");
			break;
		}
		printf("%s%dx%lu", runs > 1 ? "," : "", status[i], len);
	}
}

static void print_other_statuses(void **pages, const int *status, unsigned long n, int node)
{
	unsigned long i, shown = 0;
	int where;

	for (i = 0; i < n && shown < 16; i++) {
		if (status[i] == node || status[i] == -EPERM || status[i] == -ENOSPC)
			continue;
		if (move_pages(1, &pages[i], NULL, &where) < 0)
			where = -errno;
		printf(" st_at_%lu=%d", i, status[i]);
		if (where >= 0)
			printf("@%d", where);
		else
			printf("@absent");
		shown++;
	}
}

/*
 * move_pages(2) onto the placement node NODE until it refuses a page. The
 * node is filled first with a placement policy's order-0 faults (the
 * faster way) to 12 MiB above LOW_KB, the sum of its zones' low
 * watermarks; then the moves take it down from there: past the low
 * watermark, into the allocator's slow path, if nothing stops them there.
 */
/*
 * A child that faults @max order-0 pages bound to @node and holds them
 * until @hold is closed (release_filler()). Its pid, and in @touched how
 * many pages it faulted; -1 on failure.
 */
static pid_t spawn_filler(int node, unsigned long max, int *hold, unsigned long *touched)
{
	unsigned long t = 0;
	int up[2], down[2];
	pid_t pid;
	char *f;

	if (pipe(up) || pipe(down))
		return -1;
	pid = fork();
	if (pid) {
		close(up[1]);
		close(down[0]);
		*hold = down[1];
		if (pid < 0 || read(up[0], touched, sizeof(*touched)) != sizeof(*touched))
			return -1;
		close(up[0]);
		return pid;
	}
	close(down[1]);
	f = mmap(NULL, max * pagesz, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (f == MAP_FAILED || bind_range(f, max * pagesz, node))
		_exit(1);
	for (; t < max; t++)
		f[t * pagesz] = 1;
	if (write(up[1], &t, sizeof(t)) != sizeof(t) || read(down[0], &t, 1) < 0)
		_exit(1);
	_exit(0);
}

static void release_filler(pid_t pid, int hold)
{
	close(hold);
	waitpid(pid, NULL, 0);
}

/*
 * migrate_pages(2) of the process's DRAM pages onto @node: fault the 16
 * pages at @p on DRAM first (nothing else of the process is left there
 * after the first call), then move; into @status where each one is.
 */
static long migrate_chunk(int node, char *p, unsigned long chunk, int *status)
{
	unsigned long old = ~0UL & ~(1UL << node), new = 1UL << node, j;
	void *pages[16];
	long rc;

	for (j = 0; j < chunk; j++) {
		memset(p + j * pagesz, (int)(j + 1), (size_t)pagesz);
		pages[j] = p + j * pagesz;
	}
	rc = syscall(SYS_migrate_pages, 0, MAX_NODES + 1, &old, &new);
	if (rc < 0)
		rc = -errno;
	if (move_pages(chunk, pages, NULL, status) < 0)
		return -errno;
	return rc;
}

static int cmd_movefill(int node, long low_kb, int migrate)
{
	unsigned long n = 32UL * 1024 * 1024 / pagesz, chunk = 16, i, j;
	unsigned long fill = 0, moved = 0, below = 0, touched = 0, ok;
	long free_kb = node_free_kb(node), min_kb = -1, fail_kb = -1, kb, prev, rc = 0;
	int nodes[16], status[16], fail = 0, hold = -1;
	pid_t pid = 0;
	void *pages[16];
	char *f = NULL, *p;

	if (free_kb < 0)
		return die("node meminfo");
	if (free_kb > low_kb + 12 * 1024)
		fill = (unsigned long)(free_kb - low_kb - 12 * 1024) * 1024 / pagesz;
	if (order0_only())
		return 1;
	/*
	 * migrate_pages(2) walks the whole address space at each call: the
	 * fill lives in a child, which holds it until this process is done.
	 */
	if (fill && migrate) {
		pid = spawn_filler(node, fill, &hold, &touched);
		if (pid < 0)
			return die("filler");
	} else if (fill) {
		f = mmap(NULL, fill * pagesz, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (f == MAP_FAILED)
			return die("mmap");
		if (bind_range(f, fill * pagesz, node))
			return die("mbind");
		for (; touched < fill; touched++)
			f[touched * pagesz] = 1;
	}
	if (migrate)
		p = mmap(NULL, n * pagesz, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	else
		p = make_range(n, "anon");
	if (!p || p == MAP_FAILED)
		return die("make_range");
	prev = node_free_kb(node);
	printf("low_kB=%ld free_before_kB=%ld filled_pages=%lu free_filled_kB=%ld\n",
	       low_kb, free_kb, touched, prev);
	for (i = 0; i < n && !fail; i += chunk) {
		for (j = 0; j < chunk; j++) {
			pages[j] = p + (i + j) * pagesz;
			nodes[j] = node;
			status[j] = 12345;
		}
		if (migrate) {
			rc = migrate_chunk(node, p + i * pagesz, chunk, status);
			if (rc < 0)
				fail = (int)rc;
		} else if (move_pages(chunk, pages, nodes, status) < 0) {
			fail = -errno;
		}
		kb = node_free_kb(node);
		for (ok = 0, j = 0; j < chunk; j++) {
			if (status[j] == node)
				ok++;
			else if (!fail)
				fail = status[j] < 0 ? status[j] : -EINVAL;
		}
		moved += ok;
		/* pages that arrived when the node was below its low watermark */
		if (prev < low_kb)
			below += ok;
		prev = kb;
		if (fail)
			fail_kb = kb;
		else if (min_kb < 0 || kb < min_kb)
			min_kb = kb;
	}
	printf("pages=%lu moved=%lu moved_below_low=%lu free_min_kB=%ld first_fail=%s free_at_fail_kB=%ld",
	       n, moved, below, min_kb, fail ? ename(-fail) : "none", fail_kb);
	if (migrate)
		printf(" last_rc=%ld", rc);
	printf("\n");
	if (pid > 0)
		release_filler(pid, hold);
	return 0;
}

static int cmd_move(int node, unsigned long mb, const char *kind, const char *uid)
{
	unsigned long n = mb * 1024 * 1024 / pagesz, counts[MAX_NODES], absent, i;
	unsigned long moved = 0, eperm = 0, enospc = 0, other = 0;
	char *p = make_range(n, kind);
	void **pages = calloc(n, sizeof(*pages));
	int *nodes = calloc(n, sizeof(*nodes)), *status = calloc(n, sizeof(*status));
	long rc;

	if (!p || !pages || !nodes || !status)
		return die("alloc");
	if (drop_to(uid))
		return 1;
	for (i = 0; i < n; i++) {
		pages[i] = p + i * pagesz;
		nodes[i] = node;
		status[i] = 12345;
	}
	rc = move_pages(n, pages, nodes, status);
	printf("rc=%ld errno=%s ", rc, rc < 0 ? ename(errno) : "OK");
	for (i = 0; i < n; i++) {
		if (status[i] == node)
			moved++;
		else if (status[i] == -EPERM)
			eperm++;
		else if (status[i] == -ENOSPC)
			enospc++;
		else
			other++;
	}
	printf("pages=%lu st_node=%lu st_eperm=%lu st_enospc=%lu st_other=%lu",
	       n, moved, eperm, enospc, other);
	print_other_statuses(pages, status, n, node);
	print_status_runs(status, n);
	printf("\n");
	census(p, n, counts, &absent);
	printf("data_bad=%lu ", bad_pages(p, n, 0));
	print_census("moved", counts, absent);
	after_write(p, n);
	return 0;
}

static int cmd_mpages(int node, unsigned long mb, const char *kind, const char *uid)
{
	unsigned long n = mb * 1024 * 1024 / pagesz, counts[MAX_NODES], absent;
	unsigned long old = ~0UL & ~(1UL << node), new = 1UL << node;
	char *p = make_range(n, kind);
	long rc;

	if (!p)
		return die("alloc");
	if (drop_to(uid))
		return 1;
	rc = syscall(SYS_migrate_pages, 0, MAX_NODES + 1, &old, &new);
	printf("rc=%ld errno=%s pages=%lu\n", rc, rc < 0 ? ename(errno) : "OK", n);
	census(p, n, counts, &absent);
	printf("data_bad=%lu ", bad_pages(p, n, 0));
	print_census("moved", counts, absent);
	after_write(p, n);
	return 0;
}

static int cmd_fault(int node, unsigned long mb)
{
	unsigned long n = mb * 1024 * 1024 / pagesz, counts[MAX_NODES], absent;
	char *p = mmap(NULL, n * pagesz, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return die("mmap");
	if (bind_range(p, n * pagesz, node))
		return die("mbind");
	fill_pattern(p, n);
	census(p, n, counts, &absent);
	printf("pages=%lu data_bad=%lu ", n, bad_pages(p, n, 0));
	print_census("fault", counts, absent);
	after_write(p, n);
	return 0;
}

/* The number in FILE (a sysfs attribute), or -1. */
static long long read_num(const char *file)
{
	char buf[32];
	int fd = open(file, O_RDONLY);
	ssize_t len;

	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = 0;
	return strtoll(buf, NULL, 10);
}

static int cmd_resident(int node, unsigned long mb, const char *how, const char *file)
{
	unsigned long n = mb * 1024 * 1024 / pagesz, counts[MAX_NODES], absent, i;
	int fault = !strcmp(how, "fault");
	long long l0, l1, l2;
	char *p;
	long rc = 0;

	if (order0_only())
		return 1;
	p = mmap(NULL, n * pagesz, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return die("mmap");
	if (fault && bind_range(p, n * pagesz, node))
		return die("mbind");
	/* before the faults; moved, before the move (faulted on DRAM) */
	if (fault)
		l0 = read_num(file);
	fill_pattern(p, n);
	if (!fault) {
		void **pages = calloc(n, sizeof(*pages));
		int *nodes = calloc(n, sizeof(*nodes)), *status = calloc(n, sizeof(*status));

		if (!pages || !nodes || !status)
			return die("alloc");
		l0 = read_num(file);
		for (i = 0; i < n; i++) {
			pages[i] = p + i * pagesz;
			nodes[i] = node;
		}
		rc = move_pages(n, pages, nodes, status);
	}
	l1 = read_num(file);
	census(p, n, counts, &absent);
	if (munmap(p, n * pagesz))
		return die("munmap");
	l2 = read_num(file);
	printf("how=%s rc=%ld pages=%lu on_node=%lu before=%lld after=%lld after_munmap=%lld ",
	       how, rc, n, counts[node], l0, l1, l2);
	print_census("where", counts, absent);
	return 0;
}

static int cmd_uffdcopy(int node, unsigned long mb)
{
	unsigned long n = mb * 1024 * 1024 / pagesz, counts[MAX_NODES], absent, i, copied = 0;
	char *p = mmap(NULL, n * pagesz, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *src = malloc(pagesz);
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)p, .len = n * pagesz },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	int fd, err = 0;

	if (p == MAP_FAILED || !src)
		return die("mmap");
	if (order0_only())
		return die("madvise");
	if (bind_range(p, n * pagesz, node))
		return die("mbind");
	fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return die("userfaultfd");
	if (ioctl(fd, UFFDIO_API, &api) || ioctl(fd, UFFDIO_REGISTER, &reg))
		return die("UFFDIO_REGISTER");
	for (i = 0; i < n; i++) {
		struct uffdio_copy c = {
			.dst = (uintptr_t)(p + i * pagesz), .src = (uintptr_t)src,
			.len = pagesz,
		};

		memset(src, (int)(i * 7 + 1), (size_t)pagesz);
		if (ioctl(fd, UFFDIO_COPY, &c) == 0 && c.copy == pagesz)
			copied++;
		else if (!err)
			err = errno;
	}
	census(p, n, counts, &absent);
	printf("pages=%lu copied=%lu copy_err=%s data_bad=%lu ", n, copied, ename(err),
	       bad_pages(p, n, 0));
	print_census("uffd", counts, absent);
	after_write(p, n);
	return 0;
}

static int cmd_off(int node, int dst, unsigned long mb)
{
	unsigned long n = mb * 1024 * 1024 / pagesz, half, counts[MAX_NODES], absent, i;
	unsigned long old = 1UL << node, new = 1UL << dst;
	char *p = mmap(NULL, n * pagesz, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void **pages;
	int *nodes, *status;
	long rc;

	half = n / 2;
	pages = calloc(half, sizeof(*pages));
	nodes = calloc(half, sizeof(*nodes));
	status = calloc(half, sizeof(*status));
	if (p == MAP_FAILED || !pages || !nodes || !status)
		return die("alloc");
	if (bind_range(p, n * pagesz, node))
		return die("mbind");
	fill_pattern(p, n);
	census(p, n, counts, &absent);
	print_census("before", counts, absent);
	/* the policy would refault onto NODE: the moves name DST explicitly */
	for (i = 0; i < half; i++) {
		pages[i] = p + i * pagesz;
		nodes[i] = dst;
	}
	rc = move_pages(half, pages, nodes, status);
	printf("move_rc=%ld ", rc);
	census(p, half, counts, &absent);
	print_census("moved", counts, absent);
	rc = syscall(SYS_migrate_pages, 0, MAX_NODES + 1, &old, &new);
	printf("migrate_rc=%ld ", rc);
	census(p + half * pagesz, n - half, counts, &absent);
	print_census("migrated", counts, absent);
	printf("data_bad=%lu\n", bad_pages(p, n, 0));
	return 0;
}

/* The process's AnonHugePages in kB (its smaps), -1 when unreadable. */
static long thp_kb(void)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[256];
	long kb, sum = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			sum += kb;
	fclose(f);
	return sum;
}

/*
 * move_pages() of transparent huge pages: every page of a folio queued for
 * the move must get the node as its status (it moves with the folio), and
 * a page that gets -ENOSPC must stay where it was. Counts each status
 * class against where the census finds the page afterwards:
 * st_node_off (status NODE, not on NODE) and st_enospc_on (status -ENOSPC,
 * on NODE) are the mismatches. Interleaved, a page of a queued huge page
 * follows a page of another folio queued after it.
 */
static int cmd_thpmove(int node, unsigned long mb, int interleave)
{
	unsigned long n = mb * 1024 * 1024 / pagesz, huge = 2UL << 20, i;
	unsigned long st_node = 0, st_enospc = 0, st_other = 0, node_off = 0, enospc_on = 0;
	unsigned long on_node = 0, absent = 0;
	void **pages = calloc(n, sizeof(*pages));
	int *nodes = calloc(n, sizeof(*nodes)), *status = calloc(n, sizeof(*status));
	int *where = calloc(n, sizeof(*where));
	char *m, *p;
	long rc, thp;

	m = mmap(NULL, n * pagesz + huge, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || !pages || !nodes || !status || !where)
		return die("alloc");
	p = (char *)(((uintptr_t)m + huge - 1) & ~(huge - 1));
	fill_pattern(p, n);
	thp = thp_kb();
	for (i = 0; i < n; i++) {
		pages[i] = p + (interleave ? (i % 2) * (n / 2) + i / 2 : i) * pagesz;
		nodes[i] = node;
		status[i] = 12345;
	}
	rc = move_pages(n, pages, nodes, status);
	printf("rc=%ld errno=%s pages=%lu interleave=%d thp_kb=%ld", rc,
	       rc < 0 ? ename(errno) : "OK", n, interleave, thp);
	print_status_runs(status, n);
	printf("\n");
	if (move_pages(n, pages, NULL, where) < 0)
		return die("move_pages query");
	for (i = 0; i < n; i++) {
		if (where[i] == node)
			on_node++;
		else if (where[i] < 0)
			absent++;
		if (status[i] == node) {
			st_node++;
			node_off += where[i] != node;
		} else if (status[i] == -ENOSPC) {
			st_enospc++;
			enospc_on += where[i] == node;
		} else {
			st_other++;
		}
	}
	printf("st_node=%lu st_enospc=%lu st_other=%lu st_node_off=%lu st_enospc_on=%lu on_node=%lu absent=%lu data_bad=%lu\n",
	       st_node, st_enospc, st_other, node_off, enospc_on, on_node, absent,
	       bad_pages(p, n, 0));
	return 0;
}

/*
 * cmd_collapse() fills the node in at most this many children; a round
 * runs only while MemFree is still above its target, so more rounds only
 * top up a fill that fell short (7740 kB free for a window that ended at
 * 7084 once, in three runs with four rounds)
 */
#define FILL_ROUNDS	8

/* Fold every CPU's pending vmstat deltas into the node counters (root) */
static void fold_vmstat(void)
{
	int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return;
	/* best effort: without it the reads are only less exact */
	r = write(fd, "1", 1);
	(void)r;
	close(fd);
}

/* The /proc/vmstat counters cmd_collapse() prints, as deltas */
static const char *const collapse_events[] = {
	"thp_collapse_alloc", "thp_collapse_alloc_failed", "compact_stall",
	"compact_success", "compact_fail", "pgmigrate_success",
};
#define COLLAPSE_EVENTS (sizeof(collapse_events) / sizeof(collapse_events[0]))

static void read_collapse_events(long *v)
{
	char name[64];
	long val;
	size_t i;
	FILE *f = fopen("/proc/vmstat", "re");

	for (i = 0; i < COLLAPSE_EVENTS; i++)
		v[i] = -1;
	if (!f)
		return;
	while (fscanf(f, "%63s %ld", name, &val) == 2)
		for (i = 0; i < COLLAPSE_EVENTS; i++)
			if (!strcmp(name, collapse_events[i]))
				v[i] = val;
	fclose(f);
}

/*
 * Fill @node with order-0 pages bound to it, in rounds, each in a child of
 * its own (@pid, @hold: FILL_ROUNDS each, 0 where none ran), to 8 MiB above
 * @free_kb and then to it: MemFree moves by more or less than the pages
 * faulted (per-cpu lists and counters; 4024 and 8488 kB for 6060 after two
 * rounds in two guest runs), and the later rounds top it up, each read
 * after the counters are folded. The pages faulted are added to @touched.
 * 0, or 1 after printing the error.
 */
static int fill_node(int node, long free_kb, pid_t *pid, int *hold, unsigned long *touched)
{
	unsigned long t;
	int k;

	for (k = 0; k < FILL_ROUNDS; k++) {
		long now, to = k ? free_kb : free_kb + 8192;

		fold_vmstat();
		now = node_free_kb(node);
		if (now <= to + 256)
			continue;
		if (order0_only())
			return 1;
		pid[k] = spawn_filler(node, (unsigned long)(now - to) * 1024 / pagesz,
				      &hold[k], &t);
		if (pid[k] < 0)
			return die("filler");
		*touched += t;
		if (prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0))
			return die("prctl(PR_SET_THP_DISABLE, 0)");
		sleep(1);
	}
	return 0;
}

/*
 * Last filler first: a later one inherited the earlier ones' ends of
 * their pipes, and they see the end of theirs only once it is gone.
 */
static void release_fillers(pid_t *pid, int *hold)
{
	int k;

	for (k = FILL_ROUNDS - 1; k >= 0; k--)
		if (pid[k] > 0)
			release_filler(pid[k], hold[k]);
}

/*
 * Huge page faults under a bind to the placement node @node, with the
 * node filled to about @free_kb free first (when > 0): @mb of a 2 MiB
 * aligned range with MADV_HUGEPAGE, written page by page until SIGBUS or
 * the end. Where the written pages are, the process's AnonHugePages, and
 * whether SIGBUS came: a fault the node cannot serve as a huge page gets
 * a small page there, and when none is left SIGBUS, never a page of
 * another node.
 */
static int cmd_thpfault(int node, long free_kb, unsigned long mb)
{
	unsigned long n = mb * 1024 * 1024 / pagesz, huge = 2UL << 20, counts[MAX_NODES];
	unsigned long touched = 0, absent;
	volatile unsigned long written = 0;
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };
	pid_t pid[FILL_ROUNDS] = { 0 };
	int hold[FILL_ROUNDS];
	long kb;
	char *m, *p;

	m = mmap(NULL, n * pagesz + huge, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return die("mmap");
	p = (char *)(((uintptr_t)m + huge - 1) & ~(huge - 1));
	if (madvise(p, n * pagesz, MADV_DONTFORK))
		return die("madvise(MADV_DONTFORK)");
	if (bind_range(p, n * pagesz, node))
		return die("mbind");
	if (free_kb > 0 && fill_node(node, free_kb, pid, hold, &touched))
		return 1;
	if (madvise(p, n * pagesz, MADV_HUGEPAGE))
		return die("madvise(MADV_HUGEPAGE)");
	fold_vmstat();
	kb = node_free_kb(node);
	sigaction(SIGBUS, &sa, NULL);
	fault_until_sigbus(p, &written, n);
	census(p, written, counts, &absent);
	printf("pages=%lu filled_pages=%lu free_before_kB=%ld written=%lu sigbus=%d code=%s thp_kB=%ld ",
	       n, touched, kb, written, sigbus_code != 0,
	       sigbus_code == BUS_ADRERR ? "BUS_ADRERR" : "none", thp_kb());
	print_census("fault", counts, absent);
	release_fillers(pid, hold);
	return 0;
}

/*
 * MADV_COLLAPSE of a 2 MiB range bound to the placement node @node, faulted
 * as order-0 pages (MADV_NOHUGEPAGE while faulting); first @off of them are
 * moved to @dst with move_pages(), and with @free_kb > 0 a child fills
 * @node with order-0 pages until about @free_kb is free. Where the pages
 * are before and after, the node's MemFree, the call's result and the
 * process's AnonHugePages.
 */
static int cmd_collapse(int node, int dst, unsigned long off, long free_kb,
			int unbound)
{
	unsigned long n = (2UL << 20) / pagesz, i, counts[MAX_NODES], absent;
	unsigned long touched = 0, moved = 0;
	long kb, rc, thp0, thp1, ev0[COLLAPSE_EVENTS], ev1[COLLAPSE_EVENTS];
	int hold[FILL_ROUNDS], err = 0, st, tries;
	size_t j;
	pid_t pid[FILL_ROUNDS] = { 0 };
	char *m, *p;
	void *pg;

	m = mmap(NULL, 2 * n * pagesz, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return die("mmap");
	p = (char *)(((uintptr_t)m + n * pagesz - 1) & ~(n * pagesz - 1));
	/*
	 * Not in the fillers: shared after fork() its PTEs would be read-only
	 * here, and MADV_COLLAPSE refuses a range with no writable PTE
	 * (EINVAL, in two guest runs before this).
	 */
	if (madvise(p, n * pagesz, MADV_DONTFORK))
		return die("madvise(MADV_DONTFORK)");
	if (madvise(p, n * pagesz, MADV_NOHUGEPAGE))
		return die("madvise(MADV_NOHUGEPAGE)");
	if (bind_range(p, n * pagesz, node))
		return die("mbind");
	fill_pattern(p, n);
	/* the pages stay where they are; the collapse sees no policy */
	if (unbound && syscall(SYS_mbind, p, n * pagesz, MPOL_DEFAULT, NULL, 0, 0))
		return die("mbind(MPOL_DEFAULT)");
	for (i = 0; i < off && i < n; i++) {
		pg = p + i * pagesz;
		if (move_pages(1, &pg, &dst, &st) == 0 && st == dst)
			moved++;
	}
	census(p, n, counts, &absent);
	printf("pages=%lu off=%lu moved_off=%lu ", n, off, moved);
	print_census("before", counts, absent);
	kb = node_free_kb(node);
	if (free_kb > 0 && fill_node(node, free_kb, pid, hold, &touched))
		return 1;
	/*
	 * Small pages until here (VM_NOHUGEPAGE). MADV_HUGEPAGE registers
	 * the range with khugepaged, which may collapse it first: the same
	 * choice of node, and MADV_COLLAPSE then finds a huge page.
	 */
	thp0 = thp_kb();
	if (madvise(p, n * pagesz, MADV_HUGEPAGE))
		return die("madvise(MADV_HUGEPAGE)");
	fold_vmstat();
	printf("free_start_kB=%ld filled_pages=%lu free_before_kB=%ld thp_before_kB=%ld\n",
	       kb, touched, node_free_kb(node), thp0);
	/* EAGAIN is transient: three tries, each result printed */
	read_collapse_events(ev0);
	printf("tries=");
	for (tries = 0; tries < 3; tries++) {
		rc = madvise(p, n * pagesz, MADV_COLLAPSE);
		err = rc ? errno : 0;
		printf("%s%s", tries ? "," : "", ename(err));
		if (!rc)
			break;
	}
	read_collapse_events(ev1);
	for (j = 0; j < COLLAPSE_EVENTS; j++)
		printf(" d_%s=%ld", collapse_events[j], ev1[j] - ev0[j]);
	printf(" ");
	fold_vmstat();
	kb = node_free_kb(node);
	thp1 = thp_kb();
	census(p, n, counts, &absent);
	printf("collapse=%s free_after_kB=%ld thp_after_kB=%ld data_bad=%lu ",
	       rc ? ename(err) : "OK", kb, thp1, bad_pages(p, n, 0));
	print_census("after", counts, absent);
	release_fillers(pid, hold);
	return 0;
}

int main(int argc, char **argv)
{
	pagesz = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && !strcmp(argv[1], "where"))
		return cmd_where(strtoul(argv[2], NULL, 10));
	if (argc >= 4 && !strcmp(argv[1], "fill"))
		return cmd_fill(atoi(argv[2]), strtoul(argv[3], NULL, 10));
	if (argc >= 4 && !strcmp(argv[1], "mbind"))
		return cmd_mbind(argv[2], argv[3], argc > 4 ? argv[4] : NULL);
	if (argc >= 5 && !strcmp(argv[1], "move"))
		return cmd_move(atoi(argv[2]), strtoul(argv[3], NULL, 10), argv[4],
				argc > 5 ? argv[5] : NULL);
	if (argc >= 5 && !strcmp(argv[1], "mpages"))
		return cmd_mpages(atoi(argv[2]), strtoul(argv[3], NULL, 10), argv[4],
				  argc > 5 ? argv[5] : NULL);
	if (argc >= 5 && !strcmp(argv[1], "off"))
		return cmd_off(atoi(argv[2]), atoi(argv[3]), strtoul(argv[4], NULL, 10));
	if (argc >= 4 && !strcmp(argv[1], "movefill"))
		return cmd_movefill(atoi(argv[2]), strtol(argv[3], NULL, 10), 0);
	if (argc >= 4 && !strcmp(argv[1], "migfill"))
		return cmd_movefill(atoi(argv[2]), strtol(argv[3], NULL, 10), 1);
	if (argc >= 4 && !strcmp(argv[1], "thpmove"))
		return cmd_thpmove(atoi(argv[2]), strtoul(argv[3], NULL, 10),
				   argc > 4 && !strcmp(argv[4], "interleave"));
	if (argc >= 4 && !strcmp(argv[1], "fault"))
		return cmd_fault(atoi(argv[2]), strtoul(argv[3], NULL, 10));
	if (argc >= 5 && !strcmp(argv[1], "collapse"))
		return cmd_collapse(atoi(argv[2]), atoi(argv[3]), strtoul(argv[4], NULL, 10),
				    argc > 5 ? strtol(argv[5], NULL, 10) : 0, 0);
	if (argc >= 5 && !strcmp(argv[1], "ucollapse"))
		return cmd_collapse(atoi(argv[2]), atoi(argv[3]), strtoul(argv[4], NULL, 10),
				    0, 1);
	if (argc >= 5 && !strcmp(argv[1], "thpfault"))
		return cmd_thpfault(atoi(argv[2]), strtol(argv[3], NULL, 10),
				    strtoul(argv[4], NULL, 10));
	if (argc >= 6 && !strcmp(argv[1], "resident"))
		return cmd_resident(atoi(argv[2]), strtoul(argv[3], NULL, 10), argv[4],
				    argv[5]);
	if (argc >= 4 && !strcmp(argv[1], "uffdcopy"))
		return cmd_uffdcopy(atoi(argv[2]), strtoul(argv[3], NULL, 10));
	fprintf(stderr, "usage: see the comment at the top of placetest.c\n");
	return 2;
}
