/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcram: private memory nodes and CXL compressed-RAM devices.
 *
 * Every sysfs path and value format used here is defined by cram ABI v1
 * and its v2 additions (placement mode, explicit migration), kernel-abi/ABI/
 * in the source tree. Functions returning int return 0 (or
 * a non-negative value) on success and a negative errno on failure.
 */
#ifndef _CRAM_CRAM_H_
#define _CRAM_CRAM_H_

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cram/version.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The version of libcram this header belongs to: CRAM_VERSION_MAJOR,
 * CRAM_VERSION_MINOR and CRAM_VERSION_MICRO come from <cram/version.h>,
 * which configure makes from the package's version. CRAM_VERSION compares
 * as a number: #if CRAM_VERSION >= CRAM_VERSION_NUMBER(0, 2, 0).
 */
#define CRAM_VERSION_NUMBER(major, minor, micro) \
	(((major) << 16) | ((minor) << 8) | (micro))
#define CRAM_VERSION \
	CRAM_VERSION_NUMBER(CRAM_VERSION_MAJOR, CRAM_VERSION_MINOR, CRAM_VERSION_MICRO)
/* True when this header is version major.minor.micro or later. */
#define CRAM_CHECK_VERSION(major, minor, micro) \
	(CRAM_VERSION >= CRAM_VERSION_NUMBER(major, minor, micro))

struct cram_ctx;
struct cram_node;
struct cram_device;

/* ---- context ---------------------------------------------------------- */

/**
 * cram_new - create a library context
 * @ctx: where the new context is stored
 *
 * The context starts with a reference count of 1 and a log priority
 * taken from the CRAM_LOG environment variable ("err", "info", "debug"
 * or a syslog number; default "err"). It scans nodes and devices lazily,
 * on the first iteration, and caches them until cram_unref() frees it.
 *
 * Returns 0, or -ENOMEM.
 */
int cram_new(struct cram_ctx **ctx);

/** cram_ref - take a reference on @ctx; returns @ctx. */
struct cram_ctx *cram_ref(struct cram_ctx *ctx);

/**
 * cram_unref - drop a reference on @ctx
 *
 * Frees the context, its nodes and devices when the last reference goes.
 * Returns NULL in that case, @ctx otherwise. NULL is accepted.
 */
struct cram_ctx *cram_unref(struct cram_ctx *ctx);

/**
 * cram_set_log_fn - route library log messages
 * @log_fn: called with the context, a syslog priority, the source file,
 *          line and function, and a printf format; NULL restores the
 *          default, which prints "libcram: FUNCTION: message" to stderr.
 */
void cram_set_log_fn(struct cram_ctx *ctx,
		     void (*log_fn)(struct cram_ctx *ctx, int priority,
				    const char *file, int line,
				    const char *fn, const char *format,
				    va_list args));
/** cram_get_log_priority - the current log priority (a syslog level). */
int cram_get_log_priority(struct cram_ctx *ctx);
/** cram_set_log_priority - log messages up to @priority (syslog level). */
void cram_set_log_priority(struct cram_ctx *ctx, int priority);
/** cram_set_userdata - attach caller data to @ctx. */
void cram_set_userdata(struct cram_ctx *ctx, void *userdata);
/** cram_get_userdata - caller data attached with cram_set_userdata(). */
void *cram_get_userdata(struct cram_ctx *ctx);

/**
 * enum cram_abi - which form of the private-node ABI the kernel speaks
 * @CRAM_ABI_NONE: no private nodes (stock kernel)
 * @CRAM_ABI_V1: cram ABI v1 / RFC V4: has_private_memory; also the form
 *	of an ABI v2 kernel, which adds placement mode and explicit
 *	migration (see CRAM_FEATURE_USER_PLACEMENT)
 * @CRAM_ABI_P3: upstream P3: has_memory minus has_common_memory
 */
enum cram_abi {
	CRAM_ABI_NONE = 0,
	CRAM_ABI_V1 = 1,
	CRAM_ABI_P3 = 3
};

/**
 * cram_get_abi - detect the private-node ABI of the running kernel
 *
 * Returns an enum cram_abi value (>= 0), or a negative errno when the node
 * directory cannot be read.
 */
int cram_get_abi(struct cram_ctx *ctx);

/**
 * cram_rescan - forget cached nodes and devices
 *
 * The next iteration reads sysfs again. Objects obtained before the call
 * must not be used after it. Returns 0.
 */
int cram_rescan(struct cram_ctx *ctx);

/* ---- nodes ------------------------------------------------------------ */

/** cram_node_get_first - first NUMA node with memory, or NULL. */
struct cram_node *cram_node_get_first(struct cram_ctx *ctx);
/** cram_node_get_next - the node after @node, or NULL. */
struct cram_node *cram_node_get_next(struct cram_node *node);
/** cram_node_get_ctx - the context @node belongs to. */
struct cram_ctx *cram_node_get_ctx(struct cram_node *node);
/** cram_node_get_id - the NUMA node id. */
int cram_node_get_id(struct cram_node *node);
/** cram_node_is_private - true when the node holds private memory. */
bool cram_node_is_private(struct cram_node *node);
/**
 * cram_node_get_total_bytes - MemTotal of the node from nodeN/meminfo
 * @bytes: where the value is stored
 *
 * Returns 0, -ENOENT when meminfo is missing, -EINVAL when it is garbage.
 */
int cram_node_get_total_bytes(struct cram_node *node, uint64_t *bytes);

/**
 * enum cram_node_kind - what a node's memory is for
 * @CRAM_NODE_ORDINARY: a node every allocation may use (DRAM, CXL memory
 *	onlined as system RAM)
 * @CRAM_NODE_COMPRESSED: a private node that only demotion fills (and,
 *	on ABI v2 kernels, explicit migration when its device allows it);
 *	every private node of a kernel without ABI v2 is of this kind
 * @CRAM_NODE_PLACEMENT: a private node in placement mode (ABI v2): only
 *	explicit requests (mbind(), set_mempolicy(), move_pages(),
 *	migrate_pages() naming it alone) reach its memory
 */
enum cram_node_kind {
	CRAM_NODE_ORDINARY = 0,
	CRAM_NODE_COMPRESSED = 1,
	CRAM_NODE_PLACEMENT = 2
};

/**
 * cram_node_get_kind - the kind of @node, as listed when the nodes were
 * scanned (cram_rescan() scans again)
 *
 * Returns an enum cram_node_kind value (>= 0), or -EINVAL for NULL.
 */
int cram_node_get_kind(struct cram_node *node);

/**
 * cram_node_get_size - MemTotal and MemFree of the node, from one read of
 * nodeN/meminfo (libnuma's numa_node_size64() is the model)
 * @total: where the total is stored, or NULL
 * @free_bytes: where the free bytes are stored, or NULL
 *
 * Nothing is stored unless both values parse. Returns 0, -ENOENT when
 * meminfo is missing (the node went offline), -EINVAL when it is garbage
 * or @node is NULL, -ERANGE when a value does not fit.
 */
int cram_node_get_size(struct cram_node *node, uint64_t *total, uint64_t *free_bytes);

/** cram_node_get_free_bytes - MemFree of the node; as cram_node_get_size(). */
int cram_node_get_free_bytes(struct cram_node *node, uint64_t *bytes);

#define cram_node_foreach(ctx, node)					\
	for (node = cram_node_get_first(ctx); node != NULL;		\
	     node = cram_node_get_next(node))

/* ---- devices ---------------------------------------------------------- */

/*
 * A device holds its cram/ directory open (O_PATH, close-on-exec) from the
 * scan that found it until its context frees it (cram_rescan(), or the
 * last cram_unref()), and its getters, setters and snapshots open each
 * attribute relative to it. Once the device is unbound or removed, they
 * fail with -ENOENT, also after it is bound again: that bind is a new
 * device, which cram_rescan() finds.
 */

/** cram_device_get_first - first dax device bound to the cram driver. */
struct cram_device *cram_device_get_first(struct cram_ctx *ctx);
/** cram_device_get_next - the device after @dev, or NULL. */
struct cram_device *cram_device_get_next(struct cram_device *dev);
/** cram_device_get_ctx - the context @dev belongs to. */
struct cram_ctx *cram_device_get_ctx(struct cram_device *dev);
/** cram_device_get_devname - the dax device name, "daxX.Y". */
const char *cram_device_get_devname(struct cram_device *dev);
/**
 * cram_device_get_region - the CXL region above the dax device
 *
 * Returns "regionN", or NULL when the device does not sit under a CXL
 * region (for example an hmem or pmem dax device).
 */
const char *cram_device_get_region(struct cram_device *dev);
/** cram_device_get_path - the sysfs directory of the device's cram/ group. */
const char *cram_device_get_path(struct cram_device *dev);
/** cram_device_get_by_name - look a device up by "daxX.Y"; NULL if absent. */
struct cram_device *cram_device_get_by_name(struct cram_ctx *ctx,
					    const char *devname);

#define cram_device_foreach(ctx, dev)					\
	for (dev = cram_device_get_first(ctx); dev != NULL;		\
	     dev = cram_device_get_next(dev))

enum cram_device_state {
	CRAM_DEVICE_OFFLINE = 0,
	CRAM_DEVICE_ONLINE = 1
};

/**
 * cram_device_get_state - read cram/state
 *
 * Returns CRAM_DEVICE_OFFLINE or CRAM_DEVICE_ONLINE, or a negative errno:
 * -ENOENT when the attribute is missing, -EINVAL when it holds anything
 * else.
 */
int cram_device_get_state(struct cram_device *dev);
/**
 * cram_device_set_state - write cram/state and read it back
 *
 * Returns 0, the kernel's -errno (-EBUSY leaves the node as it was), or
 * -EIO when the value read back differs from the one written.
 */
int cram_device_set_state(struct cram_device *dev,
			  enum cram_device_state state);

/*
 * Typed getters: each reads one attribute of cram/ and stores it in @val.
 * They return 0, -ENOENT (attribute missing, or the device went away),
 * -EINVAL (empty, not a decimal number, trailing junk) or -ERANGE (does
 * not fit).
 */
int cram_device_get_node(struct cram_device *dev, int *val);
int cram_device_get_abi_version(struct cram_device *dev, uint64_t *val);
int cram_device_get_total_pages(struct cram_device *dev, uint64_t *val);
int cram_device_get_phys_capacity(struct cram_device *dev, uint64_t *val);
int cram_device_get_phys_used(struct cram_device *dev, uint64_t *val);
int cram_device_get_logical(struct cram_device *dev, uint64_t *val);
int cram_device_get_capacity_pages(struct cram_device *dev, uint64_t *val);
int cram_device_get_no_alloc(struct cram_device *dev, bool *val);
int cram_device_get_demote_rate_limit(struct cram_device *dev, uint64_t *val);
int cram_device_get_evict_pending(struct cram_device *dev, uint64_t *val);
int cram_device_get_high_threshold(struct cram_device *dev, uint64_t *val);
int cram_device_get_low_threshold(struct cram_device *dev, uint64_t *val);

/*
 * Typed setters: each writes one knob with O_WRONLY|O_TRUNC and reads it
 * back. They return 0, the kernel's -errno, or -EIO when the read-back
 * value differs.
 */
int cram_device_set_capacity_pages(struct cram_device *dev, uint64_t val);
int cram_device_set_no_alloc(struct cram_device *dev, bool val);
int cram_device_set_demote_rate_limit(struct cram_device *dev, uint64_t val);
int cram_device_request_evict(struct cram_device *dev, uint64_t bytes);
int cram_device_set_thresholds(struct cram_device *dev, uint64_t high,
			       uint64_t low);

/**
 * enum cram_device_mode - what the device's node is for (cram/mode, ABI v2)
 * @CRAM_MODE_COMPRESSED: compressed memory filled by demotion (the
 *	default, and the only mode of a kernel without ABI v2)
 * @CRAM_MODE_PLACEMENT: memory that only explicit placement reaches
 */
enum cram_device_mode {
	CRAM_MODE_COMPRESSED = 0,
	CRAM_MODE_PLACEMENT = 1
};

/**
 * cram_device_get_mode - read cram/mode
 *
 * Returns CRAM_MODE_COMPRESSED or CRAM_MODE_PLACEMENT, or a negative
 * errno: -ENOENT when the attribute is missing (a kernel without ABI v2:
 * every device is compressed there), -EINVAL when it holds anything else.
 */
int cram_device_get_mode(struct cram_device *dev);

/**
 * cram_device_set_mode - write cram/mode and read it back
 *
 * Only an offline device changes mode. Setting placement also clears
 * user_migrate. Returns 0, -EINVAL for an unknown @mode, the kernel's
 * -errno (-EBUSY while the device is online or going on- or offline,
 * -ENOENT on a kernel without ABI v2), or -EIO when the value read back
 * differs.
 */
int cram_device_set_mode(struct cram_device *dev, enum cram_device_mode mode);

/**
 * cram_device_get_user_migrate - read cram/user_migrate (ABI v2): whether
 * move_pages(2) and migrate_pages(2) may move pages into the device's
 * compressed node
 *
 * Returns 0, -ENOENT (missing), -EINVAL (not 0 or 1).
 */
int cram_device_get_user_migrate(struct cram_device *dev, bool *val);

/**
 * cram_device_set_user_migrate - write cram/user_migrate and read it back
 *
 * Writable online and offline. Returns 0, the kernel's -errno (-EINVAL
 * when enabling it on a device in placement mode, -ENOENT on a kernel
 * without ABI v2), or -EIO when the value read back differs.
 */
int cram_device_set_user_migrate(struct cram_device *dev, bool val);

/**
 * cram_device_get_migrated_pages - read cram/migrated_pages (ABI v2): the
 * pages explicit migration moved into the node since the device was bound
 *
 * Returns 0, -ENOENT, -EINVAL or -ERANGE as the typed getters above.
 */
int cram_device_get_migrated_pages(struct cram_device *dev, uint64_t *val);

/* ---- telemetry snapshots ---------------------------------------------- */

/**
 * struct cram_snapshot - all telemetry of a device at one instant
 * @size: set by the caller to sizeof(struct cram_snapshot); fields past
 *        @size are not written, so newer libraries stay compatible
 * @timestamp_ns: CLOCK_MONOTONIC time of the read
 *
 * The byte and page fields come from one read of cram/stat.
 */
struct cram_snapshot {
	size_t size;
	uint64_t timestamp_ns;
	uint64_t phys_capacity_bytes;
	uint64_t phys_used_bytes;
	uint64_t logical_bytes;
	uint64_t demoted_pages;
	uint64_t promoted_pages;
	uint64_t evicted_pages;
	uint64_t ballooned_pages;
};

/**
 * cram_device_snapshot - read all telemetry of @dev at once
 * @snap: filled in up to @snap->size bytes
 *
 * Each call opens cram/stat relative to the device's cram/ directory,
 * reads it once and closes it, so that it is one consistent record.
 *
 * Returns 0, -EINVAL when @snap->size is too small or cram/stat is
 * malformed (too few fields, non-numeric, junk), -ERANGE on overflow,
 * -ENOENT when cram/stat is missing or the device went away.
 */
int cram_device_snapshot(struct cram_device *dev, struct cram_snapshot *snap);

/**
 * cram_snapshot_ratio - compression ratio logical / physical used
 *
 * Returns 0.0 when nothing is stored (physical used is 0).
 */
double cram_snapshot_ratio(const struct cram_snapshot *snap);

/**
 * cram_snapshot_headroom - physical bytes still free on the device
 *
 * Returns phys_capacity - phys_used, or 0 when the device is over full.
 */
uint64_t cram_snapshot_headroom(const struct cram_snapshot *snap);

/**
 * cram_page_size - the size in bytes of the pages that the page counters
 * of struct cram_snapshot (demoted_pages, promoted_pages, evicted_pages,
 * ballooned_pages) and the *_pages attributes count: the kernel's base
 * page size
 */
size_t cram_page_size(void);

/**
 * CRAM_TIME_NEVER - cram_snapshot_time_to_full() result when the device
 * does not fill at the current rate (no growth, or shrinking)
 */
#define CRAM_TIME_NEVER UINT64_MAX

/**
 * cram_snapshot_time_to_full - time until the device runs out of backing
 * @older: a snapshot of the device
 * @newer: a later snapshot of the same device
 * @ns: where the time is stored, in nanoseconds from @newer's timestamp
 *
 * Extrapolates the physical fill rate between the two snapshots. Stores 0
 * when @newer is already full or over full, CRAM_TIME_NEVER when usage
 * did not grow (or the result does not fit 64 bits).
 *
 * Returns 0; -EINVAL for a NULL argument, a @size too small for the
 * fields, or when @newer is not later than @older (equal or backwards
 * timestamps); -ESTALE when the two snapshots do not describe one bind of
 * the device (a monotonic page counter went backwards, or the physical
 * capacity changed): take a new pair.
 */
int cram_snapshot_time_to_full(const struct cram_snapshot *older,
			       const struct cram_snapshot *newer,
			       uint64_t *ns);

/* ---- features --------------------------------------------------------- */

/**
 * enum cram_feature - what the running kernel supports
 * @CRAM_FEATURE_PRIVATE_NODES: the kernel has private memory nodes
 *	(cram ABI v1 or the P3 form)
 * @CRAM_FEATURE_USER_PLACEMENT: userspace placement (mbind(),
 *	set_mempolicy(), move_pages(), migrate_pages()) can target a private
 *	node in placement mode (cram ABI v2: the kernel lists such nodes in
 *	has_placement_memory); neither cram ABI v1 nor P3 allows it
 * @CRAM_FEATURE_PROVIDER: the running kernel has the cram dax provider
 *	driver (/sys/bus/dax/drivers/cram), so a dax device can become a cram
 *	device; a stock kernel has not
 * @CRAM_FEATURE_USER_MIGRATE: explicit migration (move_pages(),
 *	migrate_pages()) into a compressed node whose device has
 *	user_migrate set (cram ABI v2)
 */
enum cram_feature {
	CRAM_FEATURE_PRIVATE_NODES = 1,
	CRAM_FEATURE_USER_PLACEMENT = 2,
	CRAM_FEATURE_PROVIDER = 3,
	CRAM_FEATURE_USER_MIGRATE = 4
};

/**
 * cram_has_feature - ask whether the running kernel supports @feature
 *
 * Returns 0 when it does, -EOPNOTSUPP when it does not, -EINVAL for a
 * NULL context or an unknown feature, or the -errno of cram_get_abi().
 */
int cram_has_feature(struct cram_ctx *ctx, enum cram_feature feature);

/* ---- allocation and placement ----------------------------------------- */

/*
 * These helpers need no context. They fail closed: on any error nothing
 * they mapped is left mapped, and they return NULL or -errno with errno
 * set to the same error. Before any mapping or placement syscall they
 * validate their arguments and the target node, which must be a node
 * with memory that userspace placement can reach:
 *   -EINVAL      zero length, misaligned address, node id < 0 or >= 1024,
 *                unknown flags, a node list in sysfs that is malformed;
 *   -ERANGE      a node list in sysfs naming an id that does not fit;
 *   -ENODEV      no node @node with memory exists;
 *   -EOPNOTSUPP  @node is private and userspace placement cannot reach
 *                it: a compressed node (except for the moves below), or
 *                any private node of a kernel without ABI v2 (v1, P3).
 * Ordinary nodes (node 0 of any machine) and placement nodes (ABI v2,
 * CRAM_NODE_PLACEMENT) are valid targets of all of them. A compressed node
 * is a valid target of cram_move_pages() and cram_migrate_range() only
 * while its device's user_migrate is set (cram_device_set_user_migrate());
 * pages the kernel refuses then get a per-page status (-EPERM for a page
 * that is not anonymous, -ENOSPC while the device's gate is closed, its
 * capacity reached or its demotion rate budget spent).
 */

/**
 * cram_alloc_onnode - map @size bytes bound to node @node
 *
 * Anonymous private memory, rounded up to whole pages, with an MPOL_BIND
 * policy on @node: pages are allocated there at first touch, never
 * elsewhere. Unlike numa_alloc_onnode(), a failed mbind() is an error.
 * Returns the mapping, or NULL with errno set (see above; ENOMEM when the
 * mapping fails or @size exceeds PTRDIFF_MAX).
 */
void *cram_alloc_onnode(size_t size, int node);

/**
 * cram_free - unmap memory from cram_alloc_onnode()
 * @size: the size given to cram_alloc_onnode()
 *
 * Returns 0 (also for NULL @ptr), or -EINVAL (errno set) when @ptr is not
 * page aligned or @size is 0.
 */
int cram_free(void *ptr, size_t size);

/* Flags of cram_tonode_memory(). */
#define CRAM_MEM_MOVE	(1u << 0)	/* move pages already present (MPOL_MF_MOVE) */
#define CRAM_MEM_STRICT	(1u << 1)	/* -EIO when a present page stays elsewhere */

/**
 * cram_tonode_memory - bind an existing range to node @node (mbind())
 * @addr: page aligned start
 * @len: length in bytes (> 0), rounded up to whole pages
 * @flags: CRAM_MEM_MOVE, CRAM_MEM_STRICT or 0
 *
 * Sets an MPOL_BIND policy on the range. Returns 0 or -errno (errno set):
 * the validation errors above, or the kernel's (-EFAULT for a range that
 * is not mapped, -EIO with CRAM_MEM_STRICT).
 */
int cram_tonode_memory(void *addr, size_t len, int node, unsigned int flags);

/**
 * cram_move_pages - move pages of this process to node @node
 * @pages: @count page aligned addresses
 * @status: @count results: the node each page is on afterwards, or a
 *          negative errno for that page (-ENOENT: not present, -EBUSY,
 *          -EFAULT, ...)
 *
 * Returns the number of pages that are not on @node afterwards (0 when
 * every page moved; pages not present count too), or -errno (errno set).
 */
long cram_move_pages(void **pages, size_t count, int node, int *status);

/**
 * cram_query_pages - where pages of this process are (move_pages() query)
 * @pages: @count page aligned addresses
 * @status: @count results: a node id, or a negative errno for that page
 *          (-ENOENT when the page is not present)
 *
 * Returns 0, or -EINVAL (errno set) for bad arguments, or the kernel's
 * -errno.
 */
int cram_query_pages(void **pages, size_t count, int *status);

/**
 * cram_migrate_range - move every present page of a range to node @node
 * @addr: page aligned start
 * @len: length in bytes (> 0), rounded up to whole pages
 *
 * Uses move_pages(); the range's memory policy is left as it is. Pages
 * that are not present are skipped. Returns the number of present pages
 * that could not be moved (0 when all moved), or -errno (errno set).
 */
long cram_migrate_range(void *addr, size_t len, int node);

#ifdef __cplusplus
}
#endif

#endif /* _CRAM_CRAM_H_ */
