// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The fake cram provider. A testbed file cannot fail a write, so a
 * rejected write is signalled the only way left: the provider puts the
 * previous content back (a reader that reads back sees the mismatch) and
 * logs "fake-kernel: daxX.Y/cram/ATTR: rejected 'VALUE': ERRNO".
 *
 * Everything the provider itself writes into a watched directory goes
 * through a temporary file (".fk-" prefix, ignored) and rename(), so that
 * readers never see a torn value and inotify reports no IN_CLOSE_WRITE for
 * the attribute itself.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/decimal.h"

#include "binding.h"
#include "device.h"
#include "provider.h"

#define MAX_NODES	64
#define VAL_MAX		256		/* longest value the provider writes */
#define RAW_MAX		4096		/* longest write it looks at */
#define TMP_PREFIX	".fk-"
#define DAX_BUS		"/sys/bus/dax/devices"
#define NODE_DIR	"/sys/devices/system/node"
#define MEM_DIR		"/sys/devices/system/memory"
#define DEFAULT_BLOCK	(128ULL << 20)

enum fk_attr {
	A_ABI_VERSION, A_STATE, A_NODE, A_TOTAL_PAGES, A_PHYS_CAPACITY,
	A_PHYS_USED, A_LOGICAL, A_CAPACITY_PAGES, A_NO_ALLOC, A_RATE_LIMIT,
	A_EVICT, A_HIGH, A_LOW, A_DEMOTED, A_PROMOTED, A_EVICTED, A_BALLOONED,
	A_STAT, A_RATIO, A_LATENCY, A_OVERHEAD, A_MODE, A_USER_MIGRATE, A_MIGRATED,
	A_COUNT
};

struct attr_desc {
	const char *name;
	bool sim;		/* lives in cram/sim/ */
	bool writable;
	bool telemetry;		/* rewritten after every tick */
	bool v2;		/* only on an ABI v2 testbed (placement, explicit migration) */
	bool answered;		/* writes are answered (see answer_write()) */
};

static const struct attr_desc attrs[A_COUNT] = {
	[A_ABI_VERSION]		= { "abi_version", false, false, false },
	[A_STATE]		= { "state", false, true, false, false, true },
	[A_NODE]		= { "node", false, false, false },
	[A_TOTAL_PAGES]		= { "total_pages", false, false, false },
	[A_PHYS_CAPACITY]	= { "phys_capacity_bytes", false, false, false },
	[A_PHYS_USED]		= { "phys_used_bytes", false, false, true },
	[A_LOGICAL]		= { "logical_bytes", false, false, true },
	[A_CAPACITY_PAGES]	= { "capacity_pages", false, true, false },
	[A_NO_ALLOC]		= { "no_alloc", false, true, false },
	[A_RATE_LIMIT]		= { "demote_rate_limit_bytes", false, true, false },
	[A_EVICT]		= { "evict_bytes", false, true, true },
	[A_HIGH]		= { "high_threshold_bytes", false, true, false },
	[A_LOW]			= { "low_threshold_bytes", false, true, false },
	[A_DEMOTED]		= { "demoted_pages", false, false, true },
	[A_PROMOTED]		= { "promoted_pages", false, false, true },
	[A_EVICTED]		= { "evicted_pages", false, false, true },
	[A_BALLOONED]		= { "ballooned_pages", false, false, true },
	[A_STAT]		= { "stat", false, false, true },
	[A_RATIO]		= { "compress_ratio", true, true, false },
	[A_LATENCY]		= { "latency_ns", true, true, false },
	[A_OVERHEAD]		= { "overhead_bytes", true, true, false },
	[A_MODE]		= { "mode", false, true, false, true, true },
	[A_USER_MIGRATE]	= { "user_migrate", false, true, false, true, true },
	[A_MIGRATED]		= { "migrated_pages", false, false, true, true },
};

/* V2 is V1 plus has_placement_memory, cram/mode and explicit migration. */
enum node_abi { ABI_NONE, ABI_V1, ABI_P3, ABI_V2 };

struct fk_device {
	char name[NAME_MAX + 1];
	char *devpath;			/* "/sys/devices/.../daxX.Y" */
	char *uevent_base;		/* uevent file without CRAM_EVENT */
	int wd;
	int wd_sim;
	int node;
	uint64_t resource;
	uint64_t size;
	bool frozen;
	bool model_ready;		/* m needs fk_model_free() */
	uint64_t crossing_ns;		/* last unanswered threshold crossing */
	const char *crossing;		/* its CRAM_EVENT, "high" or "low" */
	uint64_t uevent_ns;		/* when its uevent went to the uevent queue */
	uint64_t critical_due_ns;	/* a critical uevent still to send, at; 0: none */
	uint64_t busy;			/* offline writes still to refuse (EBUSY) */
	struct fk_model m;
	char shown[A_COUNT][VAL_MAX];	/* what the provider last wrote */
	struct stat published[A_COUNT];	/* its file then (answered attributes) */
	char meminfo[VAL_MAX * 2];
};

struct fk_provider {
	char *root;
	struct fk_config cfg;
	struct fk_provider_ops ops;
	enum node_abi abi;
	int ifd;
	int wd_root;
	struct fk_device **devs;	/* each allocated alone: models point into them */
	size_t ndevs;
	struct fk_binding *binding;	/* the dax drivers, see binding.c */
	uint64_t nodes_online;		/* bit per online node */
	uint64_t block_size;
	off_t ctl_off;
	char ctl_line[512];
	size_t ctl_len;
	FILE *latency_log;
};

/* Does attribute @a exist on this testbed's ABI? */
static bool attr_here(const struct fk_provider *p, int a)
{
	return !attrs[a].v2 || p->abi == ABI_V2;
}

/* ---- small helpers ------------------------------------------------------- */

void fk_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("fake-kernel: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

const char *fk_errno_name(int err)
{
	switch (err) {
	case EINVAL: return "EINVAL";
	case ERANGE: return "ERANGE";
	case ENODEV: return "ENODEV";
	case EACCES: return "EACCES";
	case EBUSY: return "EBUSY";
	case ENOMEM: return "ENOMEM";
	case EEXIST: return "EEXIST";
	default: return "EIO";
	}
}

/* root + formatted path into @buf (PATH_MAX); "" when it does not fit */
static char *tb_path(struct fk_provider *p, char *buf, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static char *tb_path(struct fk_provider *p, char *buf, const char *fmt, ...)
{
	size_t n = strlen(p->root);
	va_list ap;
	int r;

	if (n >= PATH_MAX)
		return strcpy(buf, "");
	memcpy(buf, p->root, n);
	va_start(ap, fmt);
	r = vsnprintf(buf + n, PATH_MAX - n, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= PATH_MAX - n)
		buf[0] = '\0';
	return buf;
}

static char *attr_path(struct fk_provider *p, struct fk_device *d,
		       enum fk_attr a, char *buf)
{
	return tb_path(p, buf, "%s/cram/%s%s", d->devpath,
		       attrs[a].sim ? "sim/" : "", attrs[a].name);
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000ULL),
		.tv_nsec = (long)(ns % 1000000000ULL),
	};

	while (ns && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Read up to RAW_MAX - 1 bytes of @path; returns the length or -errno. */
ssize_t fk_read_raw(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < size - 1) {
		r = read(fd, buf + len, size - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';
	return (ssize_t)len;
}

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t r;

	while (len) {
		r = write(fd, buf, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		buf += r;
		len -= (size_t)r;
	}
	return 0;
}

/* Replace @path by @content atomically (temporary file + rename). */
int fk_write_atomic(const char *path, const char *content)
{
	const char *base = strrchr(path, '/');
	char tmp[PATH_MAX];
	int fd, rc;

	if (!base || snprintf(tmp, sizeof(tmp), "%.*s/" TMP_PREFIX "%s",
			      (int)(base - path), path, base + 1) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	rc = write_all(fd, content, strlen(content));
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

static void put_file(const char *path, const char *content)
{
	int rc = fk_write_atomic(path, content);

	if (rc < 0)
		fk_log("cannot write %s: %s", path, strerror(-rc));
}

static void make_link(const char *target, const char *path)
{
	if (symlink(target, path) < 0 && errno != EEXIST)
		fk_log("cannot create link %s: %s", path, strerror(errno));
}

/* Remove a directory holding only files and symlinks. */
static void remove_flat_dir(const char *path)
{
	struct dirent *de;
	DIR *dir = opendir(path);

	if (!dir)
		return;
	while ((de = readdir(dir)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			unlinkat(dirfd(dir), de->d_name, 0);
	closedir(dir);
	if (rmdir(path) < 0)
		fk_log("cannot remove %s: %s", path, strerror(errno));
}

/* Printable copy of a written value for log messages. */
static void escape(const char *raw, size_t len, char *out, size_t size)
{
	size_t o = 0, i;

	if (len && raw[len - 1] == '\n')
		len--;
	for (i = 0; i < len && o + 5 < size; i++) {
		unsigned char c = (unsigned char)raw[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", c);
	}
	out[o] = '\0';
}

/* ---- parsing of written values ------------------------------------------- */

/*
 * The value of a write: the bytes up to the first NUL (writers such as
 * libcxl write strlen + 1 bytes into a file they did not truncate), minus
 * one trailing newline.
 */
int fk_value_of(const char *raw, size_t len, char *out, size_t size)
{
	const char *nul = memchr(raw, '\0', len);

	if (nul)
		len = (size_t)(nul - raw);
	if (len && raw[len - 1] == '\n')
		len--;
	if (len >= size || memchr(raw, '\n', len))
		return -EINVAL;
	memcpy(out, raw, len);
	out[len] = '\0';
	return 0;
}

static int parse_bool(const char *s, bool *val)
{
	static const char *const yes[] = { "1", "y", "on" };
	static const char *const no[] = { "0", "n", "off" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(s, yes[i]))
			return *val = true, 0;
		if (!strcasecmp(s, no[i]))
			return *val = false, 0;
	}
	return -EINVAL;
}

/* ---- attribute contents ------------------------------------------------- */

static void show(struct fk_device *d, enum fk_attr a, char *buf, size_t size)
{
	const struct fk_model *m = &d->m;
	unsigned long long v = 0;

	switch (a) {
	case A_ABI_VERSION: v = 1; break;
	case A_STATE:
		snprintf(buf, size, "%s\n", m->online ? "online" : "offline");
		return;
	case A_NODE: v = (unsigned long long)d->node; break;
	case A_TOTAL_PAGES: v = m->total_pages; break;
	case A_PHYS_CAPACITY: v = m->phys_capacity; break;
	case A_PHYS_USED: v = m->phys_used; break;
	case A_LOGICAL: v = m->logical; break;
	case A_CAPACITY_PAGES: v = m->capacity_pages; break;
	case A_NO_ALLOC: v = m->no_alloc; break;
	case A_RATE_LIMIT: v = m->rate_limit; break;
	case A_EVICT: v = m->evict_pending; break;
	case A_HIGH: v = m->high_threshold; break;
	case A_LOW: v = m->low_threshold; break;
	case A_DEMOTED: v = m->demoted_pages; break;
	case A_PROMOTED: v = m->promoted_pages; break;
	case A_EVICTED: v = m->evicted_pages; break;
	case A_BALLOONED: v = m->ballooned_pages; break;
	case A_RATIO: v = m->ratio; break;
	case A_LATENCY: v = m->latency_ns; break;
	case A_OVERHEAD: v = m->overhead; break;
	case A_MODE:
		snprintf(buf, size, "%s\n", m->placement ? "placement" : "compressed");
		return;
	case A_USER_MIGRATE: v = m->user_migrate; break;
	case A_MIGRATED: v = m->migrated_pages; break;
	case A_STAT:
		snprintf(buf, size, "%llu %llu %llu %llu %llu %llu %llu\n",
			 (unsigned long long)m->phys_capacity,
			 (unsigned long long)m->phys_used,
			 (unsigned long long)m->logical,
			 (unsigned long long)m->demoted_pages,
			 (unsigned long long)m->promoted_pages,
			 (unsigned long long)m->evicted_pages,
			 (unsigned long long)m->ballooned_pages);
		return;
	default: break;
	}
	snprintf(buf, size, "%llu\n", v);
}

/* Write attribute @a when its content changed (or always with @force). */
static void publish(struct fk_provider *p, struct fk_device *d, enum fk_attr a,
		    bool force)
{
	char buf[VAL_MAX], path[PATH_MAX];
	int rc;

	show(d, a, buf, sizeof(buf));
	if (!force && !strcmp(buf, d->shown[a]))
		return;
	attr_path(p, d, a, path);
	rc = fk_write_atomic(path, buf);
	if (rc < 0) {
		fk_log("cannot write %s: %s", path, strerror(-rc));
		return;
	}
	memcpy(d->shown[a], buf, sizeof(buf));
	if (attrs[a].answered && stat(path, &d->published[a]) < 0)
		memset(&d->published[a], 0, sizeof(d->published[a]));
}

/* Is @a's file still the one publish() wrote, untouched by any writer? */
static bool untouched(struct fk_provider *p, struct fk_device *d, enum fk_attr a)
{
	const struct stat *was = &d->published[a];
	char path[PATH_MAX];
	struct stat now;

	return attrs[a].answered && stat(attr_path(p, d, a, path), &now) == 0 &&
	       now.st_ino == was->st_ino && now.st_mtim.tv_sec == was->st_mtim.tv_sec &&
	       now.st_mtim.tv_nsec == was->st_mtim.tv_nsec;
}

/*
 * Answer a write of an answered attribute as binding.c answers the driver
 * files: the errno name (or "") into ".fk-answer-ATTR", then the file is
 * replaced, so that tests/harness/helpers/sync-sysfs.c fails the writer's write()
 * with the kernel's errno. The writer's own close() then finds the
 * replaced file untouched, which handle_write() ignores.
 */
static void answer_write(struct fk_provider *p, struct fk_device *d, enum fk_attr a, int rc)
{
	char path[PATH_MAX];

	put_file(tb_path(p, path, "%s/cram/" FK_ANSWER_PREFIX "%s", d->devpath, attrs[a].name),
		 rc ? fk_errno_name(-rc) : "");
}

static void publish_telemetry(struct fk_provider *p, struct fk_device *d,
			      bool force)
{
	int a;

	if (d->frozen)
		return;
	for (a = 0; a < A_COUNT; a++)
		if (attrs[a].telemetry && attr_here(p, a))
			publish(p, d, (enum fk_attr)a, force);
}

static void publish_knobs(struct fk_provider *p, struct fk_device *d)
{
	int a;

	for (a = 0; a < A_COUNT; a++)
		if (attrs[a].writable && !attrs[a].telemetry && attr_here(p, a))
			publish(p, d, (enum fk_attr)a, false);
}

/* Send a "change" uevent for the dax device carrying CRAM_EVENT=@event. */
static void send_cram_event(struct fk_provider *p, struct fk_device *d,
			    const char *event)
{
	char path[PATH_MAX], *content;

	if (p->cfg.verbose)
		fk_log("%s: uevent change CRAM_EVENT=%s", d->name, event);
	if (asprintf(&content, "%sCRAM_EVENT=%s\n", d->uevent_base, event) < 0)
		return;
	put_file(tb_path(p, path, "%s/uevent", d->devpath), content);
	free(content);
	d->uevent_ns = util_now_ns();
	if (p->ops.uevent)
		p->ops.uevent(p->ops.data, d->devpath, "change");
}

/* ---- NUMA nodes and memory blocks ----------------------------------------- */

/* The kernel's node list format: "0-2,5", or "" for no node. */
static void format_nodelist(uint64_t mask, char *buf, size_t size)
{
	size_t o = 0;
	int n = 0, end;

	buf[0] = '\0';
	while (n < MAX_NODES) {
		if (!(mask & (1ULL << n))) {
			n++;
			continue;
		}
		for (end = n; end + 1 < MAX_NODES && (mask & (1ULL << (end + 1))); end++)
			;
		if (end == n)
			o += (size_t)snprintf(buf + o, size - o, "%s%d", o ? "," : "", n);
		else
			o += (size_t)snprintf(buf + o, size - o, "%s%d-%d", o ? "," : "",
					      n, end);
		if (o >= size)
			break;
		n = end + 1;
	}
}

static void put_nodelist(struct fk_provider *p, const char *file, uint64_t mask)
{
	char path[PATH_MAX], list[VAL_MAX], line[VAL_MAX + 2];

	format_nodelist(mask, list, sizeof(list));
	snprintf(line, sizeof(line), "%s\n", list);
	put_file(tb_path(p, path, NODE_DIR "/%s", file), line);
}

static int node_distance(int a, int b)
{
	if (a == b)
		return 10;
	return a == 0 || b == 0 ? 20 : 30;
}

/* node/online, has_memory, has_private_memory and every distance file */
static void update_node_lists(struct fk_provider *p)
{
	uint64_t dev_nodes = p->nodes_online & ~1ULL, placement = 0;
	bool listed = p->abi == ABI_V1 || p->abi == ABI_V2;
	char path[PATH_MAX], line[VAL_MAX * 2];
	size_t i;
	int n, m;

	put_nodelist(p, "online", p->nodes_online);
	put_nodelist(p, "has_memory", listed ? 1ULL : p->nodes_online);
	if (listed)
		put_nodelist(p, "has_private_memory", dev_nodes);
	if (p->abi == ABI_V2) {
		/* a placement node is listed in both */
		for (i = 0; i < p->ndevs; i++)
			if (p->devs[i]->m.online && p->devs[i]->m.placement)
				placement |= 1ULL << p->devs[i]->node;
		put_nodelist(p, "has_placement_memory", placement & dev_nodes);
	}
	for (n = 0; n < MAX_NODES; n++) {
		size_t o = 0;

		if (!(p->nodes_online & (1ULL << n)))
			continue;
		for (m = 0; m < MAX_NODES && o < sizeof(line) - 8; m++)
			if (p->nodes_online & (1ULL << m))
				o += (size_t)snprintf(line + o, sizeof(line) - o, "%s%d",
						      o ? " " : "", node_distance(n, m));
		snprintf(line + o, sizeof(line) - o, "\n");
		put_file(tb_path(p, path, NODE_DIR "/node%d/distance", n), line);
	}
}

static void update_meminfo(struct fk_provider *p, struct fk_device *d)
{
	const struct fk_model *m = &d->m;
	unsigned long long total = d->size / 1024;
	unsigned long long used = (m->logical + m->ballooned_pages * FK_PAGE_SIZE) / 1024;
	char buf[sizeof(d->meminfo)], path[PATH_MAX];
	int n = d->node;

	if (used > total)
		used = total;
	snprintf(buf, sizeof(buf),
		 "Node %d MemTotal:       %llu kB\nNode %d MemFree:        %llu kB\n"
		 "Node %d MemUsed:        %llu kB\nNode %d Active:         0 kB\n"
		 "Node %d Inactive:       %llu kB\nNode %d HugePages_Total:     0\n",
		 n, total, n, total - used, n, used, n, n,
		 (unsigned long long)m->logical / 1024, n);
	if (!strcmp(buf, d->meminfo))
		return;
	put_file(tb_path(p, path, NODE_DIR "/node%d/meminfo", n), buf);
	memcpy(d->meminfo, buf, sizeof(buf));
}

static void node_files(struct fk_provider *p, struct fk_device *d)
{
	char path[PATH_MAX];
	int n = d->node;

	put_file(tb_path(p, path, NODE_DIR "/node%d/cpulist", n), "\n");
	put_file(tb_path(p, path, NODE_DIR "/node%d/cpumap", n), "0\n");
	put_file(tb_path(p, path, NODE_DIR "/node%d/uevent", n), "");
	put_file(tb_path(p, path, NODE_DIR "/node%d/numastat", n),
		 "numa_hit 0\nnuma_miss 0\nnuma_foreign 0\ninterleave_hit 0\n"
		 "local_node 0\nother_node 0\n");
	put_file(tb_path(p, path, NODE_DIR "/node%d/vmstat", n), "nr_free_pages 0\n");
	make_link("../../../../bus/node", tb_path(p, path, NODE_DIR "/node%d/subsystem", n));
	d->meminfo[0] = '\0';
	update_meminfo(p, d);
}

static void block_create(struct fk_provider *p, int node, uint64_t b)
{
	char path[PATH_MAX], target[64], idx[32];
	unsigned long long blk = (unsigned long long)b;

	if (mkdir(tb_path(p, path, MEM_DIR "/memory%llu", blk), 0755) < 0 &&
	    errno != EEXIST) {
		fk_log("cannot create %s: %s", path, strerror(errno));
		return;
	}
	snprintf(idx, sizeof(idx), "%08llx\n", blk);
	put_file(tb_path(p, path, MEM_DIR "/memory%llu/phys_index", blk), idx);
	put_file(tb_path(p, path, MEM_DIR "/memory%llu/phys_device", blk), "0\n");
	put_file(tb_path(p, path, MEM_DIR "/memory%llu/state", blk), "online_movable\n");
	put_file(tb_path(p, path, MEM_DIR "/memory%llu/online", blk), "1\n");
	put_file(tb_path(p, path, MEM_DIR "/memory%llu/removable", blk), "1\n");
	put_file(tb_path(p, path, MEM_DIR "/memory%llu/valid_zones", blk), "Movable\n");
	put_file(tb_path(p, path, MEM_DIR "/memory%llu/uevent", blk), "");
	make_link("../../../../bus/memory",
		  tb_path(p, path, MEM_DIR "/memory%llu/subsystem", blk));
	snprintf(target, sizeof(target), "../../node/node%d", node);
	make_link(target, tb_path(p, path, MEM_DIR "/memory%llu/node%d", blk, node));
	snprintf(target, sizeof(target), "../../memory/memory%llu", blk);
	make_link(target, tb_path(p, path, NODE_DIR "/node%d/memory%llu", node, blk));
	snprintf(target, sizeof(target), "../../../devices/system/memory/memory%llu", blk);
	make_link(target, tb_path(p, path, "/sys/bus/memory/devices/memory%llu", blk));
}

static void block_remove(struct fk_provider *p, uint64_t b)
{
	char path[PATH_MAX];
	unsigned long long blk = (unsigned long long)b;

	unlink(tb_path(p, path, "/sys/bus/memory/devices/memory%llu", blk));
	remove_flat_dir(tb_path(p, path, MEM_DIR "/memory%llu", blk));
}

static void block_range(struct fk_provider *p, struct fk_device *d,
			uint64_t *first, uint64_t *count)
{
	*first = d->resource / p->block_size;
	*count = (d->size + p->block_size - 1) / p->block_size;
}

static void node_create(struct fk_provider *p, struct fk_device *d)
{
	char path[PATH_MAX], devpath[64], target[64];
	uint64_t first, count, b;

	snprintf(devpath, sizeof(devpath), NODE_DIR "/node%d", d->node);
	if (mkdir(tb_path(p, path, "%s", devpath), 0755) < 0 && errno != EEXIST)
		fk_log("cannot create %s: %s", path, strerror(errno));
	node_files(p, d);
	snprintf(target, sizeof(target), "../../../devices/system/node/node%d", d->node);
	make_link(target, tb_path(p, path, "/sys/bus/node/devices/node%d", d->node));
	block_range(p, d, &first, &count);
	for (b = first; b < first + count; b++)
		block_create(p, d->node, b);
	p->nodes_online |= 1ULL << d->node;
	update_node_lists(p);
	if (p->ops.uevent)
		p->ops.uevent(p->ops.data, devpath, "add");
}

static void node_remove(struct fk_provider *p, struct fk_device *d)
{
	char path[PATH_MAX], devpath[64];
	uint64_t first, count, b;

	snprintf(devpath, sizeof(devpath), NODE_DIR "/node%d", d->node);
	if (p->ops.uevent)
		p->ops.uevent(p->ops.data, devpath, "remove");
	p->nodes_online &= ~(1ULL << d->node);
	update_node_lists(p);
	block_range(p, d, &first, &count);
	for (b = first; b < first + count; b++)
		block_remove(p, b);
	unlink(tb_path(p, path, "/sys/bus/node/devices/node%d", d->node));
	remove_flat_dir(tb_path(p, path, "%s", devpath));
}

/* ---- writes --------------------------------------------------------------- */

static bool same_content(const char *raw, size_t len, const char *str)
{
	return len == strlen(str) && !memcmp(raw, str, len);
}

/* Apply value @val to knob @a; *@changed tells whether the state changed. */
static int store(struct fk_device *d, enum fk_attr a, const char *val,
		 bool *changed)
{
	uint64_t v = 0;
	bool b;
	int rc;

	*changed = false;
	if (a == A_STATE) {
		if (!strcmp(val, "online"))
			rc = fk_model_online(&d->m);
		else if (!strcmp(val, "offline") && d->m.online && d->busy > 0)
			return d->busy--, -EBUSY;	/* pages could not be moved */
		else if (!strcmp(val, "offline"))
			rc = fk_model_offline(&d->m);
		else
			return -EINVAL;
		*changed = rc > 0;
		return 0;
	}
	if (a == A_NO_ALLOC) {
		rc = parse_bool(val, &b);
		return rc < 0 ? rc : fk_model_set_no_alloc(&d->m, b);
	}
	if (a == A_MODE) {
		if (strcmp(val, "placement") && strcmp(val, "compressed"))
			return -EINVAL;
		return fk_model_set_placement(&d->m, val[0] == 'p');
	}
	rc = util_parse_u64(val, &v);	/* kstrtoull base 10 */
	if (rc < 0)
		return rc;
	switch (a) {
	case A_CAPACITY_PAGES: return fk_model_set_capacity_pages(&d->m, v);
	case A_RATE_LIMIT: return fk_model_set_rate_limit(&d->m, v);
	case A_EVICT: return fk_model_request_evict(&d->m, v);
	case A_HIGH: return fk_model_set_high_threshold(&d->m, v);
	case A_LOW: return fk_model_set_low_threshold(&d->m, v);
	case A_RATIO: return fk_model_set_ratio(&d->m, v);
	case A_LATENCY: return fk_model_set_latency(&d->m, v);
	case A_OVERHEAD: return fk_model_set_overhead(&d->m, v);
	case A_USER_MIGRATE: return fk_model_set_user_migrate(&d->m, v);
	default: return -EACCES;
	}
}

/*
 * Put @content into attribute @a unless the file changed again since the
 * provider read @raw from it (a newer write is then already queued).
 */
static void replace_if_unchanged(struct fk_provider *p, struct fk_device *d,
				 enum fk_attr a, const char *raw, size_t len)
{
	char now[RAW_MAX], path[PATH_MAX];
	ssize_t n = fk_read_raw(attr_path(p, d, a, path), now, sizeof(now));

	if (n >= 0 && (size_t)n == len && !memcmp(now, raw, len))
		publish(p, d, a, true);
}

static void state_changed(struct fk_provider *p, struct fk_device *d)
{
	if (p->cfg.verbose)
		fk_log("%s: %s", d->name, d->m.online ? "online" : "offline");
	publish_knobs(p, d);
	publish_telemetry(p, d, false);
	if (d->m.online)
		node_create(p, d);
	else
		node_remove(p, d);
	send_cram_event(p, d, d->m.online ? "online" : "offline");
}

static void reject(struct fk_provider *p, struct fk_device *d, enum fk_attr a,
		   const char *raw, size_t len, int err)
{
	char val[RAW_MAX];

	escape(raw, len, val, sizeof(val));
	fk_log("%s/cram/%s%s: rejected '%s': %s", d->name,
	       attrs[a].sim ? "sim/" : "", attrs[a].name, val, fk_errno_name(err));
	replace_if_unchanged(p, d, a, raw, len);
}

/*
 * The first knob write that changes a value after a threshold crossing:
 * "DEV EVENT ATTR NS UEVENT_NS": the time from the crossing to the write,
 * as inotify reported it, and from the start of sending the uevent (after
 * its properties went into the uevent file) to the write; without
 * uevents, both are the time from the crossing.
 */
static void log_response(struct fk_provider *p, struct fk_device *d,
			 enum fk_attr a)
{
	uint64_t now = util_now_ns();

	if (p->latency_log) {
		fprintf(p->latency_log, "%s %s %s %llu %llu\n", d->name,
			d->crossing, attrs[a].name,
			(unsigned long long)(now - d->crossing_ns),
			(unsigned long long)(now - d->uevent_ns));
		fflush(p->latency_log);
	}
	d->crossing_ns = 0;
}

/*
 * Does a process hold @path open for writing? An attribute is empty while
 * a writer is between its open(O_TRUNC) and its write(), which sysfs never
 * shows (it ignores O_TRUNC). Reading it then as a write of "" and putting
 * the old value back by rename() would send the writer's value into the
 * unlinked file; the writer's own close brings its value instead.
 */
static bool open_for_write(const char *path)
{
	char real[PATH_MAX], dir[64], link[PATH_MAX], info[96], line[128];
	struct dirent *pe, *fe;
	bool found = false;
	DIR *procs, *fds;
	ssize_t n;
	FILE *f;

	if (!realpath(path, real) || !(procs = opendir("/proc")))
		return false;
	while (!found && (pe = readdir(procs))) {
		if (pe->d_name[0] < '1' || pe->d_name[0] > '9')
			continue;
		snprintf(dir, sizeof(dir), "/proc/%.16s/fd", pe->d_name);
		fds = opendir(dir);
		while (fds && !found && (fe = readdir(fds))) {
			snprintf(line, sizeof(line), "%s/%.16s", dir, fe->d_name);
			n = readlink(line, link, sizeof(link) - 1);
			if (n <= 0)
				continue;
			link[n] = '\0';
			if (strcmp(link, real))
				continue;
			snprintf(info, sizeof(info), "/proc/%.16s/fdinfo/%.16s", pe->d_name,
				 fe->d_name);
			f = fopen(info, "r");
			while (f && fgets(line, sizeof(line), f))
				if (!strncmp(line, "flags:", 6))
					found = (strtoul(line + 6, NULL, 8) & O_ACCMODE) != O_RDONLY;
			if (f)
				fclose(f);
		}
		if (fds)
			closedir(fds);
	}
	closedir(procs);
	return found;
}

static void handle_write(struct fk_provider *p, struct fk_device *d,
			 enum fk_attr a)
{
	char raw[RAW_MAX], val[RAW_MAX], path[PATH_MAX], canon[VAL_MAX];
	ssize_t n = fk_read_raw(attr_path(p, d, a, path), raw, sizeof(raw));
	size_t len;
	bool changed = false;
	int rc;

	if (n < 0 || untouched(p, d, a) || (n == 0 && open_for_write(path)))
		return;
	len = (size_t)n;
	if (!attrs[a].writable) {
		if ((d->frozen && attrs[a].telemetry) || same_content(raw, len, d->shown[a]))
			return;
		reject(p, d, a, raw, len, EACCES);
		return;
	}
	sleep_ns(d->m.latency_ns);
	rc = fk_value_of(raw, len, val, sizeof(val));
	if (!rc)
		rc = store(d, a, val, &changed);
	if (attrs[a].answered)
		answer_write(p, d, a, rc);
	if (rc < 0) {
		reject(p, d, a, raw, len, -rc);
		return;
	}
	if (p->cfg.verbose)
		fk_log("%s/cram/%s%s = %s", d->name, attrs[a].sim ? "sim/" : "",
		       attrs[a].name, val);
	show(d, a, canon, sizeof(canon));
	if (d->crossing_ns && strcmp(canon, d->shown[a]))
		log_response(p, d, a);
	if (same_content(raw, len, canon) && !attrs[a].answered)
		memcpy(d->shown[a], canon, sizeof(canon));
	else
		replace_if_unchanged(p, d, a, raw, len);
	if (a == A_MODE)	/* placement resets user_migrate */
		publish(p, d, A_USER_MIGRATE, false);
	if (changed)
		state_changed(p, d);
	else
		publish_telemetry(p, d, false);
}

/* ---- the control file ------------------------------------------------------ */

static struct fk_device *find_device(struct fk_provider *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->ndevs; i++)
		if (!strcmp(p->devs[i]->name, name))
			return p->devs[i];
	return NULL;
}

/*
 * Hotplug: "unplug" removes the device's /sys/bus/dax/devices link and
 * sends "remove", as when the dax device goes away; "plug" puts the link
 * back and sends "add". The device directory itself stays, so its state
 * and telemetry carry on.
 */
static void hotplug(struct fk_provider *p, struct fk_device *d, bool plug)
{
	char link[PATH_MAX], target[PATH_MAX];

	tb_path(p, link, "/sys/bus/dax/devices/%s", d->name);
	if (plug) {
		/* devpath starts with "/sys/": the link is three levels below /sys */
		snprintf(target, sizeof(target), "../../..%s", d->devpath + 4);
		make_link(target, link);
	} else if (unlink(link) < 0 && errno != ENOENT) {
		fk_log("cannot remove %s: %s", link, strerror(errno));
	}
	if (p->ops.uevent)
		p->ops.uevent(p->ops.data, d->devpath, plug ? "add" : "remove");
}

static void ctl_apply(struct fk_provider *p, struct fk_device *d,
		      const char *cmd, uint64_t arg)
{
	if (!strcmp(cmd, "plug") || !strcmp(cmd, "unplug")) {
		hotplug(p, d, cmd[0] == 'p');
	} else if (!strcmp(cmd, "busy")) {
		d->busy = arg;
	} else if (!strcmp(cmd, "freeze")) {
		d->frozen = true;
	} else if (!strcmp(cmd, "thaw")) {
		d->frozen = false;
		publish_telemetry(p, d, true);
	} else if (!strcmp(cmd, "promote")) {
		fk_model_set_promote(&d->m, arg);
	} else {
		fk_model_set_inflow(&d->m, arg);
	}
	if (p->cfg.verbose)
		fk_log(FK_CTL_FILE ": %s %s", cmd, d->name);
}

/* Is "CMD DEV [ARG]" one of the known commands? Parses ARG into @v. */
static bool ctl_valid(const char *cmd, const char *dev, const char *arg,
		      const char *extra, uint64_t *v)
{
	if (!cmd || !dev || extra)
		return false;
	if (!strcmp(cmd, "inflow") || !strcmp(cmd, "busy") || !strcmp(cmd, "promote"))
		return arg && util_parse_u64(arg, v) == 0;
	return !arg && (!strcmp(cmd, "freeze") || !strcmp(cmd, "thaw") ||
			!strcmp(cmd, "plug") || !strcmp(cmd, "unplug"));
}

static void ctl_command(struct fk_provider *p, char *line)
{
	char *save = NULL, *cmd, *dev, *arg, *extra, copy[sizeof(p->ctl_line)];
	struct fk_device *d;
	uint64_t v = 0;
	size_t i;

	snprintf(copy, sizeof(copy), "%s", line);
	cmd = strtok_r(line, " \t", &save);
	if (!cmd)
		return;
	dev = strtok_r(NULL, " \t", &save);
	arg = strtok_r(NULL, " \t", &save);
	extra = strtok_r(NULL, " \t", &save);
	if (fk_binding_ctl(p->binding, cmd, dev, arg, extra))
		return;
	if (!ctl_valid(cmd, dev, arg, extra, &v)) {
		fk_log(FK_CTL_FILE ": bad command '%s' (expected freeze DEV, thaw DEV, "
		       "plug DEV, unplug DEV, busy DEV N, inflow DEV BYTES_PER_SEC, "
		       "promote DEV BYTES_PER_SEC, steal DEV DRIVER or probe-busy DEV N)",
		       copy);
		return;
	}
	if (!strcmp(dev, "all")) {
		for (i = 0; i < p->ndevs; i++)
			ctl_apply(p, p->devs[i], cmd, v);
		return;
	}
	d = find_device(p, dev);
	if (!d) {
		fk_log(FK_CTL_FILE ": no cram device '%s'", dev);
		return;
	}
	ctl_apply(p, d, cmd, v);
}

static void ctl_feed(struct fk_provider *p, const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] != '\n') {
			if (p->ctl_len < sizeof(p->ctl_line) - 1)
				p->ctl_line[p->ctl_len++] = buf[i];
			continue;
		}
		p->ctl_line[p->ctl_len] = '\0';
		if (memchr(p->ctl_line, '\0', p->ctl_len))
			fk_log(FK_CTL_FILE ": ignoring a line holding a NUL byte");
		else
			ctl_command(p, p->ctl_line);
		p->ctl_len = 0;
	}
}

static void handle_ctl(struct fk_provider *p)
{
	char path[PATH_MAX], buf[1024];
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(tb_path(p, path, "/" FK_CTL_FILE), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && st.st_size < p->ctl_off) {
		p->ctl_off = 0;		/* truncated: start over */
		p->ctl_len = 0;
	}
	while ((n = pread(fd, buf, sizeof(buf), p->ctl_off)) > 0) {
		ctl_feed(p, buf, (size_t)n);
		p->ctl_off += n;
	}
	close(fd);
	/* what a test waits for before it relies on its commands (cram_fk_ctl) */
	snprintf(buf, sizeof(buf), "%lld\n", (long long)p->ctl_off);
	fk_write_atomic(tb_path(p, path, "/" FK_CTL_FILE ".done"), buf);
}

/* ---- inotify ------------------------------------------------------------- */

static void handle_event(struct fk_provider *p, const struct inotify_event *ev)
{
	size_t i;
	int a;

	if (!ev->len || !strncmp(ev->name, TMP_PREFIX, strlen(TMP_PREFIX)))
		return;
	if (ev->wd == p->wd_root) {
		if (!strcmp(ev->name, FK_CTL_FILE))
			handle_ctl(p);
		return;
	}
	if (fk_binding_event(p->binding, ev->wd, ev->name))
		return;
	for (i = 0; i < p->ndevs; i++) {
		struct fk_device *d = p->devs[i];

		if (ev->wd != d->wd && ev->wd != d->wd_sim)
			continue;
		for (a = 0; a < A_COUNT; a++)
			if (attrs[a].sim == (ev->wd == d->wd_sim) && attr_here(p, a) &&
			    !strcmp(attrs[a].name, ev->name))
				handle_write(p, d, (enum fk_attr)a);
		return;
	}
}

/* After an inotify queue overflow, look at every attribute again. */
static void recheck_all(struct fk_provider *p)
{
	size_t i;
	int a;

	fk_log("inotify queue overflow: re-reading every attribute");
	for (i = 0; i < p->ndevs; i++)
		for (a = 0; a < A_COUNT; a++)
			if (attr_here(p, a))
				handle_write(p, p->devs[i], (enum fk_attr)a);
	handle_ctl(p);
}

void fk_provider_dispatch(struct fk_provider *p)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	ssize_t n;
	char *pos;

	for (;;) {
		n = read(p->ifd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		for (pos = buf; pos < buf + n; pos += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)pos;
			if (ev->mask & IN_Q_OVERFLOW)
				recheck_all(p);
			else if (ev->mask & IN_CLOSE_WRITE)
				handle_event(p, ev);
		}
	}
}

int fk_provider_get_fd(struct fk_provider *p)
{
	return p->ifd;
}

/* ---- ticks -------------------------------------------------------------- */

/*
 * A threshold crossing: note the time for the latency log and send the
 * uevent (unless told not to: cramd then notices by polling).
 */
static void threshold_crossed(struct fk_provider *p, struct fk_device *d,
			      const char *event)
{
	d->crossing_ns = util_now_ns();
	d->uevent_ns = d->crossing_ns;
	d->crossing = event;
	if (!p->cfg.no_threshold_uevents)
		send_cram_event(p, d, event);
}

void fk_provider_tick(struct fk_provider *p, uint64_t dt_ns)
{
	unsigned int events;
	size_t i;

	fk_provider_dispatch(p);
	for (i = 0; i < p->ndevs; i++) {
		struct fk_device *d = p->devs[i];

		if (!d->m.online)
			continue;
		events = fk_model_advance(&d->m, dt_ns);
		if (!d->frozen) {
			sleep_ns(d->m.latency_ns);
			publish_telemetry(p, d, false);
		}
		update_meminfo(p, d);
		if (events & FK_EVENT_CRITICAL) {
			/* the gate first, then the word: as the kernel's event work */
			publish(p, d, A_NO_ALLOC, false);
			d->critical_due_ns = util_now_ns() + p->cfg.critical_delay_ns;
		}
		if (d->critical_due_ns && util_now_ns() >= d->critical_due_ns) {
			d->critical_due_ns = 0;
			threshold_crossed(p, d, "critical");
		}
		if (events & FK_EVENT_HIGH)
			threshold_crossed(p, d, "high");
		if (events & FK_EVENT_LOW)
			threshold_crossed(p, d, "low");
	}
}

/* ---- setup -------------------------------------------------------------- */

/* Read a number attribute of the testbed ("0x" prefix for hex). */
static int read_number(struct fk_provider *p, const char *rel, uint64_t *val)
{
	char path[PATH_MAX], raw[VAL_MAX], *end;
	ssize_t n = fk_read_raw(tb_path(p, path, "%s", rel), raw, sizeof(raw));

	if (n < 0) {
		fk_log("cannot read %s: %s", rel, strerror((int)-n));
		return (int)n;
	}
	if (n > 0 && raw[n - 1] == '\n')
		raw[--n] = '\0';
	errno = 0;
	*val = strtoull(raw, &end, strncmp(raw, "0x", 2) ? 10 : 16);
	if (!n || *end || errno || raw[0] == '-' || raw[0] == ' ') {
		fk_log("%s: '%s' is not a number", rel, raw);
		return -EINVAL;
	}
	return 0;
}

static int read_dev_number(struct fk_provider *p, struct fk_device *d,
			   const char *attr, uint64_t *val)
{
	char rel[PATH_MAX];

	snprintf(rel, sizeof(rel), "%s/%s", d->devpath, attr);
	return read_number(p, rel, val);
}

/* Resolve the relative bus link of a dax device to its "/sys/devices/..." path. */
static int resolve_devpath(struct fk_provider *p, struct fk_device *d)
{
	char path[PATH_MAX], target[PATH_MAX], out[PATH_MAX] = DAX_BUS;
	char *save = NULL, *c;
	ssize_t n;

	n = readlink(tb_path(p, path, DAX_BUS "/%s", d->name), target, sizeof(target) - 1);
	if (n <= 0 || target[0] == '/') {
		fk_log("%s: not a relative link", path);
		return -EINVAL;
	}
	target[n] = '\0';
	for (c = strtok_r(target, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, ".."))
			*strrchr(out, '/') = '\0';
		else if (strcmp(c, ".") && strlen(out) + strlen(c) + 2 < sizeof(out))
			strcat(strcat(out, "/"), c);
		if (!out[0])
			break;
	}
	if (strncmp(out, "/sys/devices/", 13)) {
		fk_log("%s: link does not lead into /sys/devices", path);
		return -EINVAL;
	}
	d->devpath = strdup(out);
	return d->devpath ? 0 : -ENOMEM;
}

static int read_uevent_base(struct fk_provider *p, struct fk_device *d)
{
	char path[PATH_MAX], raw[RAW_MAX], *line, *save = NULL;
	size_t o = 0;
	ssize_t n;

	n = fk_read_raw(tb_path(p, path, "%s/uevent", d->devpath), raw, sizeof(raw));
	d->uevent_base = calloc(1, n > 0 ? (size_t)n + 2 : 1);
	if (!d->uevent_base)
		return -ENOMEM;
	if (n <= 0)
		return 0;
	for (line = strtok_r(raw, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "CRAM_EVENT=", 11))
			continue;
		o += (size_t)sprintf(d->uevent_base + o, "%s\n", line);
	}
	return 0;
}

static int device_watch(struct fk_provider *p, struct fk_device *d)
{
	char path[PATH_MAX];

	d->wd = inotify_add_watch(p->ifd, tb_path(p, path, "%s/cram", d->devpath),
				  IN_CLOSE_WRITE);
	if (d->wd < 0) {
		fk_log("cannot watch %s: %s", path, strerror(errno));
		return -errno;
	}
	d->wd_sim = inotify_add_watch(p->ifd, tb_path(p, path, "%s/cram/sim", d->devpath),
				      IN_CLOSE_WRITE);
	if (d->wd_sim < 0) {
		fk_log("cannot watch %s: %s", path, strerror(errno));
		return -errno;
	}
	return 0;
}

static int device_init(struct fk_provider *p, struct fk_device *d)
{
	uint64_t node, total, phys, inflow, evict_bw;
	int rc, a;

	rc = d->devpath ? 0 : resolve_devpath(p, d);
	if (!rc)
		rc = read_dev_number(p, d, "cram/node", &node);
	if (!rc)
		rc = read_dev_number(p, d, "cram/total_pages", &total);
	if (!rc)
		rc = read_dev_number(p, d, "cram/phys_capacity_bytes", &phys);
	if (!rc)
		rc = read_dev_number(p, d, "size", &d->size);
	if (!rc)
		rc = read_dev_number(p, d, "resource", &d->resource);
	if (!rc && (node < 1 || node >= MAX_NODES || !total || !d->size)) {
		fk_log("%s: unusable testbed values (node %llu, total_pages %llu, size %llu)",
		       d->name, (unsigned long long)node, (unsigned long long)total,
		       (unsigned long long)d->size);
		rc = -EINVAL;
	}
	if (!rc)
		rc = read_uevent_base(p, d);
	if (rc)
		return rc;
	d->node = (int)node;
	inflow = p->cfg.inflow == FK_DEFAULT ? d->size / 10 : p->cfg.inflow;
	evict_bw = p->cfg.evict_bw == FK_DEFAULT ? d->size / 10 : p->cfg.evict_bw;
	rc = fk_model_init(&d->m, total, phys, p->cfg.ratio, inflow, evict_bw);
	if (rc < 0)
		return rc;
	d->model_ready = true;
	/* like the kernel parameter: the default, clamped to the device */
	if (fk_model_set_overhead(&d->m, p->cfg.overhead) < 0)
		fk_model_set_overhead(&d->m, total * FK_PAGE_SIZE);
	fk_model_set_critical_percent(&d->m, p->cfg.critical_percent);
	/*
	 * Watched before its attributes (abi_version among them) appear: a
	 * writer that finds the device usable, such as a cramd whose
	 * discovery ran while the device was being bound, writes into a
	 * watched directory, or its write would go unanswered. The provider's
	 * own writes are renames, which the watch does not report.
	 */
	rc = device_watch(p, d);
	if (rc)
		return rc;
	for (a = 0; a < A_COUNT; a++)
		if (attr_here(p, a))
			publish(p, d, (enum fk_attr)a, true);
	return 0;
}

static int is_cram_device(struct fk_provider *p, const char *name)
{
	char path[PATH_MAX];

	return name[0] != '.' &&
	       access(tb_path(p, path, DAX_BUS "/%s/cram/abi_version", name), F_OK) == 0;
}

static int cmp_device(const void *a, const void *b)
{
	return strcmp((*(struct fk_device *const *)a)->name,
		      (*(struct fk_device *const *)b)->name);
}

static void device_free(struct fk_provider *p, struct fk_device *d);

static struct fk_device *device_alloc(const char *name)
{
	struct fk_device *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->wd = d->wd_sim = -1;
	snprintf(d->name, sizeof(d->name), "%s", name);
	return d;
}

static int find_devices(struct fk_provider *p)
{
	char path[PATH_MAX];
	struct fk_device **devs;
	struct dirent *de;
	DIR *dir = opendir(tb_path(p, path, DAX_BUS));

	if (!dir) {
		fk_log("cannot open %s: %s", path, strerror(errno));
		return -errno;
	}
	while ((de = readdir(dir))) {
		if (!is_cram_device(p, de->d_name) || strlen(de->d_name) > NAME_MAX)
			continue;
		devs = realloc(p->devs, (p->ndevs + 1) * sizeof(*devs));
		if (!devs)
			break;
		p->devs = devs;
		devs[p->ndevs] = device_alloc(de->d_name);
		if (!devs[p->ndevs])
			break;
		p->ndevs++;
	}
	closedir(dir);
	if (p->devs)
		qsort(p->devs, p->ndevs, sizeof(*p->devs), cmp_device);
	return 0;
}

/* ---- binding to cram and unbinding (binding.c decides) --------------------- */

void fk_provider_uevent(struct fk_provider *p, const char *devpath, const char *action)
{
	if (p->ops.uevent)
		p->ops.uevent(p->ops.data, devpath, action);
}

/* The cram/ group the probe creates: what device_init() reads first. */
static int cram_group_create(struct fk_provider *p, struct fk_device *d)
{
	uint64_t node, size, phys;
	char path[PATH_MAX], val[32];
	int rc;

	rc = read_dev_number(p, d, "target_node", &node);
	if (!rc)
		rc = read_dev_number(p, d, "size", &size);
	if (rc)
		return rc;
	if (node < MAX_NODES && (p->nodes_online & (1ULL << node)))
		return -EBUSY;		/* the node already holds memory */
	phys = p->cfg.phys ? p->cfg.phys : size / 2;
	if (mkdir(tb_path(p, path, "%s/cram", d->devpath), 0755) < 0 ||
	    mkdir(tb_path(p, path, "%s/cram/sim", d->devpath), 0755) < 0)
		return -errno;
	snprintf(val, sizeof(val), "%llu\n", (unsigned long long)node);
	put_file(attr_path(p, d, A_NODE, path), val);
	snprintf(val, sizeof(val), "%llu\n",
		 (unsigned long long)(size / p->block_size * p->block_size / FK_PAGE_SIZE));
	put_file(attr_path(p, d, A_TOTAL_PAGES, path), val);
	snprintf(val, sizeof(val), "%llu\n", (unsigned long long)phys);
	put_file(attr_path(p, d, A_PHYS_CAPACITY, path), val);
	return 0;
}

static void cram_group_remove(struct fk_provider *p, struct fk_device *d)
{
	char path[PATH_MAX];

	remove_flat_dir(tb_path(p, path, "%s/cram/sim", d->devpath));
	remove_flat_dir(tb_path(p, path, "%s/cram", d->devpath));
}

int fk_provider_cram_bind(struct fk_provider *p, const char *name)
{
	struct fk_device **devs, *d = find_device(p, name);
	int rc;

	if (d)
		return -EBUSY;
	d = device_alloc(name);
	if (!d)
		return -ENOMEM;
	rc = resolve_devpath(p, d);
	if (!rc)
		rc = cram_group_create(p, d);
	if (!rc)
		rc = device_init(p, d);
	devs = rc ? NULL : realloc(p->devs, (p->ndevs + 1) * sizeof(*devs));
	if (!rc && !devs)
		rc = -ENOMEM;
	if (rc) {
		if (rc != -EBUSY && d->devpath)
			cram_group_remove(p, d);
		device_free(p, d);
		return rc;
	}
	p->devs = devs;
	devs[p->ndevs++] = d;
	qsort(p->devs, p->ndevs, sizeof(*p->devs), cmp_device);
	return 0;
}

/*
 * As the ABI says: an unbind of an online device tries one offline; when
 * that fails (a pending "busy"), the memory stays online until reboot.
 */
void fk_provider_cram_unbind(struct fk_provider *p, const char *name)
{
	struct fk_device *d = find_device(p, name);
	size_t i;

	if (!d)
		return;
	if (d->m.online && d->busy > 0) {
		d->busy--;
		fk_log("cram: %s memory stuck online", d->name);
	} else if (d->m.online && fk_model_offline(&d->m) > 0) {
		state_changed(p, d);
	}
	if (d->wd >= 0)
		inotify_rm_watch(p->ifd, d->wd);
	if (d->wd_sim >= 0)
		inotify_rm_watch(p->ifd, d->wd_sim);
	cram_group_remove(p, d);
	for (i = 0; i < p->ndevs && p->devs[i] != d; i++)
		;
	memmove(&p->devs[i], &p->devs[i + 1], (p->ndevs - i - 1) * sizeof(*p->devs));
	p->ndevs--;
	device_free(p, d);
}

static void detect_abi(struct fk_provider *p)
{
	char path[PATH_MAX];

	if (access(tb_path(p, path, NODE_DIR "/has_placement_memory"), F_OK) == 0)
		p->abi = ABI_V2;
	else if (access(tb_path(p, path, NODE_DIR "/has_private_memory"), F_OK) == 0)
		p->abi = ABI_V1;
	else if (access(tb_path(p, path, NODE_DIR "/has_common_memory"), F_OK) == 0)
		p->abi = ABI_P3;
	else
		p->abi = ABI_NONE;
}

/* memory/block_size_bytes: hex without "0x" */
static void read_block_size(struct fk_provider *p)
{
	char path[PATH_MAX], raw[VAL_MAX], *end;
	ssize_t n = fk_read_raw(tb_path(p, path, MEM_DIR "/block_size_bytes"), raw,
			     sizeof(raw));

	p->block_size = DEFAULT_BLOCK;
	if (n <= 0)
		return;
	errno = 0;
	p->block_size = strtoull(raw, &end, 16);
	if (errno || end == raw || (*end && strcmp(end, "\n")) || !p->block_size) {
		fk_log("%s: '%.*s' is not a hex block size, using 128 MiB", path,
		       (int)strcspn(raw, "\n"), raw);
		p->block_size = DEFAULT_BLOCK;
	}
}

static int provider_setup(struct fk_provider *p)
{
	char path[PATH_MAX];
	size_t i;
	int rc;

	detect_abi(p);
	read_block_size(p);
	p->nodes_online = 1;
	p->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (p->ifd < 0) {
		fk_log("inotify_init1: %s", strerror(errno));
		return -errno;
	}
	p->wd_root = inotify_add_watch(p->ifd, p->root, IN_CLOSE_WRITE);
	put_file(tb_path(p, path, "/" FK_CTL_FILE), "");
	rc = find_devices(p);
	for (i = 0; !rc && i < p->ndevs; i++)
		rc = device_init(p, p->devs[i]);
	if (!rc)
		rc = fk_binding_new(&p->binding, p, p->root, p->ifd);
	if (!rc && !p->ndevs && !fk_binding_has_devices(p->binding)) {
		fk_log("no dax device in %s" DAX_BUS, p->root);
		rc = -ENODEV;
	}
	return rc;
}

int fk_provider_new(struct fk_provider **provider, const char *root,
		    const struct fk_config *cfg,
		    const struct fk_provider_ops *ops)
{
	struct fk_provider *p = calloc(1, sizeof(*p));
	int rc;

	if (!p)
		return -ENOMEM;
	p->ifd = -1;
	p->cfg = *cfg;
	if (ops)
		p->ops = *ops;
	p->root = strdup(root);
	rc = p->root ? 0 : -ENOMEM;
	if (!rc && cfg->latency_log) {
		p->latency_log = fopen(cfg->latency_log, "we");
		if (!p->latency_log) {
			rc = -errno;
			fk_log("cannot open %s: %s", cfg->latency_log, strerror(errno));
		}
	}
	if (!rc)
		rc = provider_setup(p);
	if (rc < 0) {
		fk_provider_free(p);
		return rc;
	}
	*provider = p;
	return 0;
}

static void device_free(struct fk_provider *p, struct fk_device *d)
{
	if (p->cfg.verbose && d->devpath)
		fk_log("%s: %llu overflow(s), peak phys_used %llu of %llu bytes",
		       d->name, (unsigned long long)d->m.overflows,
		       (unsigned long long)d->m.max_phys_used,
		       (unsigned long long)d->m.phys_capacity);
	if (d->model_ready)
		fk_model_free(&d->m);
	free(d->devpath);
	free(d->uevent_base);
	free(d);
}

void fk_provider_free(struct fk_provider *p)
{
	size_t i;

	if (!p)
		return;
	fk_binding_free(p->binding);
	for (i = 0; i < p->ndevs; i++)
		device_free(p, p->devs[i]);
	if (p->ifd >= 0)
		close(p->ifd);
	if (p->latency_log)
		fclose(p->latency_log);
	free(p->devs);
	free(p->root);
	free(p);
}
