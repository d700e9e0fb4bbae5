/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcram internals shared by its source files: the context, sysfs
 * locations and the log macros.
 */
#ifndef _LIBCRAM_PRIVATE_H_
#define _LIBCRAM_PRIVATE_H_

#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <syslog.h>

#include <cram/cram.h>

/* Paths of cram ABI v1 (kernel-abi/ABI/testing/). */
#define CRAM_NODE_DIR		"/sys/devices/system/node"
#define CRAM_DAX_DIR		"/sys/bus/dax/devices"
#define CRAM_DAX_DRIVERS_DIR	"/sys/bus/dax/drivers"
#define CRAM_GROUP		"cram"
/* ABI v2: the placement-mode private nodes; its existence marks ABI v2. */
#define CRAM_PLACEMENT_LIST	CRAM_NODE_DIR "/has_placement_memory"

/*
 * Where an attribute is: @name in the directory open as @dirfd, whose
 * path @dir is only for messages (a device's cram/ directory), or the
 * path @name itself when @dirfd is AT_FDCWD and @dir NULL (CRAM_PATH()).
 */
struct cram_attr {
	int dirfd;
	const char *dir;
	const char *name;
};

#define CRAM_PATH(path)	(&(const struct cram_attr){ AT_FDCWD, NULL, (path) })

/* The cram ABI major version this library speaks. */
#define CRAM_ABI_MAJOR		1
/* Node ids are below MAX_NUMNODES, at most 1 << NODES_SHIFT (10). */
#define CRAM_MAX_NODES		1024
/* Fields of cram/stat in ABI v1. */
#define CRAM_STAT_FIELDS	7

typedef void (*cram_log_fn_t)(struct cram_ctx *ctx, int priority, const char *file, int line,
			      const char *fn, const char *format, va_list args);

struct cram_ctx {
	int refcount;
	cram_log_fn_t log_fn;
	int log_priority;
	void *userdata;
	/* Caches filled on the first iteration, dropped by cram_rescan(). */
	bool nodes_scanned;
	bool devices_scanned;
	struct cram_node *nodes;
	struct cram_device *devices;
};

void cram_log_msg(struct cram_ctx *ctx, int priority, const char *file, int line,
		  const char *fn, const char *format, ...)
	__attribute__((format(printf, 6, 7)));

#define cram_log_cond(ctx, prio, ...)						\
	do {									\
		if ((ctx)->log_priority >= (prio))				\
			cram_log_msg(ctx, prio, __FILE__, __LINE__,		\
				     __func__, __VA_ARGS__);			\
	} while (0)

/* Messages carry no trailing newline; the default log function adds it. */
#define err(ctx, ...)	cram_log_cond(ctx, LOG_ERR, __VA_ARGS__)
#define info(ctx, ...)	cram_log_cond(ctx, LOG_INFO, __VA_ARGS__)
#define dbg(ctx, ...)	cram_log_cond(ctx, LOG_DEBUG, __VA_ARGS__)

/* node.c and device.c: drop the cached lists. */
void cram_nodes_free(struct cram_ctx *ctx);
void cram_devices_free(struct cram_ctx *ctx);

/*
 * device.c: attribute @name of the device's cram/ directory, which the
 * device holds open from its discovery until it is freed.
 */
struct cram_attr cram_device_attr(struct cram_device *dev, const char *name);

#endif /* _LIBCRAM_PRIVATE_H_ */
