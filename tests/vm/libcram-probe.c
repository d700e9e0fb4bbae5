// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libcram-probe: libcram's discovery and allocation helpers against the
 * real kernel, for part-libcram.sh in the cram VM tests.
 *
 *   libcram-probe discover
 *	prints "abi=N private_nodes=feature:RC user_placement=feature:RC",
 *	then one line per node "node ID private=0|1 bytes=B" and one line
 *	per device "device NAME node=ID state=online|offline".
 *   libcram-probe alloc NODE PAGES
 *	cram_alloc_onnode() on NODE, touches every page, asks where each
 *	page is (cram_query_pages()) and frees it; prints
 *	"alloc node=N rc=0 pages=P on_node=K elsewhere=E free=RC vm_kb=A->B->C"
 *	or, when the allocation fails,
 *	"alloc node=N rc=-1 errno=NAME vm_kb=A->B maps=X->Y".
 *   libcram-probe place DRAM_NODE NODE
 *	maps a page on DRAM_NODE and tries to move it to NODE with each
 *	helper and with the raw syscalls; prints
 *	"place tonode=ERR move=ERR migrate=ERR mbind=ERR move_pages=ERR
 *	 page_node=N" (ERR: OK or the errno name).
 *
 *   libcram-probe thresholds DEV HIGH LOW
 *	cram_device_set_thresholds() on device DEV; prints
 *	"thresholds rc=ERR high=H low=L" with what the attributes hold after.
 *
 * Exit status: 0 when the output could be produced, 1 otherwise; the
 * verdicts are the shell's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cram/cram.h>

#define MAX_PAGES	4096
#define MPOL_BIND_	2

static const char *errname(int e)
{
	switch (e) {
	case 0: return "OK";
	case EINVAL: return "EINVAL";
	case ENODEV: return "ENODEV";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOMEM: return "ENOMEM";
	case EFAULT: return "EFAULT";
	case EIO: return "EIO";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ERANGE: return "ERANGE";
	case EBUSY: return "EBUSY";
	case EXDEV: return "EXDEV";
	default: return "OTHER";
	}
}

/* A field of /proc/self/status in kB, or -1. */
static long status_kb(const char *field)
{
	char line[256];
	size_t n = strlen(field);
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static long count_maps(void)
{
	char line[512];
	long n = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

/* A decimal number, whole, without a sign: strtoull() takes "-1" too. */
static int parse_ull(const char *s, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || end == s || *end || strchr(s, '-') ? -1 : 0;
}

static int parse_int(const char *s, int max, int *v)
{
	unsigned long long x;

	if (parse_ull(s, &x) || x > (unsigned long long)max)
		return -1;
	*v = (int)x;
	return 0;
}

static int discover(void)
{
	struct cram_ctx *ctx;
	struct cram_node *node;
	struct cram_device *dev;
	int rc = cram_new(&ctx);

	if (rc < 0) {
		fprintf(stderr, "cram_new: %s\n", strerror(-rc));
		return 1;
	}
	printf("abi=%d private_nodes=feature:%s user_placement=feature:%s\n",
	       cram_get_abi(ctx),
	       errname(-cram_has_feature(ctx, CRAM_FEATURE_PRIVATE_NODES)),
	       errname(-cram_has_feature(ctx, CRAM_FEATURE_USER_PLACEMENT)));
	cram_node_foreach(ctx, node) {
		uint64_t bytes = 0;

		cram_node_get_total_bytes(node, &bytes);
		printf("node %d private=%d bytes=%llu\n", cram_node_get_id(node),
		       cram_node_is_private(node), (unsigned long long)bytes);
	}
	cram_device_foreach(ctx, dev) {
		int nid = -1, st = cram_device_get_state(dev);

		cram_device_get_node(dev, &nid);
		printf("device %s node=%d state=%s\n", cram_device_get_devname(dev), nid,
		       st == CRAM_DEVICE_ONLINE ? "online" :
		       st == CRAM_DEVICE_OFFLINE ? "offline" : "unknown");
	}
	cram_unref(ctx);
	return 0;
}

static int alloc(int node, int npages)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), len = (size_t)npages * page;
	long vm0 = status_kb("VmSize"), maps0 = count_maps(), vm1, vm2;
	void *addrs[MAX_PAGES];
	int status[MAX_PAGES];
	int i, on = 0, rc, frc;
	char *mem;

	mem = cram_alloc_onnode(len, node);
	if (!mem) {
		int e = errno;

		printf("alloc node=%d rc=-1 errno=%s vm_kb=%ld->%ld maps=%ld->%ld\n", node,
		       errname(e), vm0, status_kb("VmSize"), maps0, count_maps());
		return 0;
	}
	vm1 = status_kb("VmSize");
	for (i = 0; i < npages; i++) {
		mem[(size_t)i * page] = (char)(i + 1);
		addrs[i] = mem + (size_t)i * page;
	}
	rc = cram_query_pages(addrs, (size_t)npages, status);
	if (rc < 0) {
		fprintf(stderr, "cram_query_pages: %s\n", strerror(-rc));
		cram_free(mem, len);
		return 1;
	}
	for (i = 0; i < npages; i++)
		on += status[i] == node;
	frc = cram_free(mem, len);
	vm2 = status_kb("VmSize");
	printf("alloc node=%d rc=0 pages=%d on_node=%d elsewhere=%d free=%d vm_kb=%ld->%ld->%ld\n",
	       node, npages, on, npages - on, frc, vm0, vm1, vm2);
	return 0;
}

/* Each way of moving a DRAM page to @node; the page must stay where it is. */
static int place(int dram, int node)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	unsigned long mask[1024 / (8 * sizeof(unsigned long))] = { 0 };
	char *mem = cram_alloc_onnode(page, dram);
	int rc_tonode, rc_move, rc_mig, e_mbind, e_mp, st = -1, where = -1;
	int tgt = node, kst = 0;
	long r;
	void *addr = mem;

	if (!mem) {
		fprintf(stderr, "cram_alloc_onnode(node %d): %s\n", dram, strerror(errno));
		return 1;
	}
	mem[0] = 1;
	rc_tonode = cram_tonode_memory(mem, page, node, CRAM_MEM_MOVE);
	r = cram_move_pages(&addr, 1, node, &st);
	rc_move = r < 0 ? (int)r : 0;
	r = cram_migrate_range(mem, page, node);
	rc_mig = r < 0 ? (int)r : 0;
	/* the kernel itself: mbind() and move_pages() naming the node */
	mask[node / (8 * sizeof(unsigned long))] |= 1UL << (node % (8 * sizeof(unsigned long)));
	errno = 0;
	r = syscall(SYS_mbind, mem, page, MPOL_BIND_, mask, 1024UL, 0U);
	e_mbind = r ? errno : 0;

	errno = 0;
	r = syscall(SYS_move_pages, 0, 1UL, &addr, &tgt, &kst, 0);
	e_mp = r < 0 ? errno : (kst < 0 ? -kst : 0);

	cram_query_pages(&addr, 1, &where);
	printf("place dram=%d node=%d tonode=%s move=%s migrate=%s mbind=%s move_pages=%s page_node=%d\n",
	       dram, node, errname(-rc_tonode), errname(-rc_move), errname(-rc_mig),
	       errname(e_mbind), errname(e_mp), where);
	cram_free(mem, page);
	return 0;
}

/* cram_device_set_thresholds() on @name, and what the device holds after. */
static int thresholds(const char *name, unsigned long long high, unsigned long long low)
{
	struct cram_ctx *ctx;
	struct cram_device *dev;
	uint64_t h = 0, l = 0;
	int rc = cram_new(&ctx);

	if (rc < 0) {
		fprintf(stderr, "cram_new: %s\n", strerror(-rc));
		return 1;
	}
	rc = -ENODEV;
	cram_device_foreach(ctx, dev) {
		if (strcmp(cram_device_get_devname(dev), name))
			continue;
		rc = cram_device_set_thresholds(dev, high, low);
		cram_device_get_high_threshold(dev, &h);
		cram_device_get_low_threshold(dev, &l);
		break;
	}
	printf("thresholds rc=%s high=%llu low=%llu\n", errname(-rc),
	       (unsigned long long)h, (unsigned long long)l);
	cram_unref(ctx);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long h, l;
	int a, b;

	if (argc == 2 && !strcmp(argv[1], "discover"))
		return discover();
	if (argc == 4 && !strcmp(argv[1], "alloc") && !parse_int(argv[2], 1023, &a) &&
	    !parse_int(argv[3], MAX_PAGES, &b) && b > 0)
		return alloc(a, b);
	if (argc == 4 && !strcmp(argv[1], "place") && !parse_int(argv[2], 1023, &a) &&
	    !parse_int(argv[3], 1023, &b))
		return place(a, b);
	if (argc == 5 && !strcmp(argv[1], "thresholds") && !parse_ull(argv[3], &h) &&
	    !parse_ull(argv[4], &l))
		return thresholds(argv[2], h, l);
	fprintf(stderr, "usage: libcram-probe discover | alloc NODE PAGES | place DRAM NODE"
		" | thresholds DEV HIGH LOW\n");
	return 1;
}
