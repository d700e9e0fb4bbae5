// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library context: reference counting, logging, caller data, ABI
 * detection and the node/device caches.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "private.h"
#include "sysfs.h"

/* Longest log message the default log function prints. */
#define CRAM_LOG_MAX	1024

__attribute__((format(printf, 6, 0)))
static void log_stderr(struct cram_ctx *ctx, int priority, const char *file, int line,
		       const char *fn, const char *format, va_list args)
{
	char msg[CRAM_LOG_MAX];

	vsnprintf(msg, sizeof(msg), format, args);
	fprintf(stderr, "libcram: %s: %s\n", fn, msg);
}

void cram_log_msg(struct cram_ctx *ctx, int priority, const char *file, int line,
		  const char *fn, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	ctx->log_fn(ctx, priority, file, line, fn, format, args);
	va_end(args);
}

/* The priority CRAM_LOG asks for: a name or a syslog number 0..7. */
static int log_priority_from_env(struct cram_ctx *ctx)
{
	const char *env = secure_getenv("CRAM_LOG");
	int prio;

	if (!env || !*env || strcmp(env, "err") == 0)
		return LOG_ERR;
	if (strcmp(env, "info") == 0)
		return LOG_INFO;
	if (strcmp(env, "debug") == 0)
		return LOG_DEBUG;
	if (cram_parse_int(env, &prio) == 0 && prio >= LOG_EMERG && prio <= LOG_DEBUG)
		return prio;
	err(ctx, "CRAM_LOG: invalid value (want err, info, debug or 0-7), using err");
	return LOG_ERR;
}

int cram_new(struct cram_ctx **ctx)
{
	struct cram_ctx *c;

	if (!ctx)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->refcount = 1;
	c->log_fn = log_stderr;
	c->log_priority = LOG_ERR;
	c->log_priority = log_priority_from_env(c);
	dbg(c, "ctx %p created, log priority %d", (void *)c, c->log_priority);
	*ctx = c;
	return 0;
}

struct cram_ctx *cram_ref(struct cram_ctx *ctx)
{
	if (ctx)
		ctx->refcount++;
	return ctx;
}

struct cram_ctx *cram_unref(struct cram_ctx *ctx)
{
	if (!ctx)
		return NULL;
	if (--ctx->refcount > 0)
		return ctx;
	dbg(ctx, "ctx %p released", (void *)ctx);
	cram_nodes_free(ctx);
	cram_devices_free(ctx);
	free(ctx);
	return NULL;
}

void cram_set_log_fn(struct cram_ctx *ctx,
		     void (*log_fn)(struct cram_ctx *ctx, int priority,
				    const char *file, int line,
				    const char *fn, const char *format,
				    va_list args))
{
	if (!ctx)
		return;
	ctx->log_fn = log_fn ? log_fn : log_stderr;
}

int cram_get_log_priority(struct cram_ctx *ctx)
{
	return ctx ? ctx->log_priority : -EINVAL;
}

void cram_set_log_priority(struct cram_ctx *ctx, int priority)
{
	if (ctx)
		ctx->log_priority = priority;
}

void cram_set_userdata(struct cram_ctx *ctx, void *userdata)
{
	if (ctx)
		ctx->userdata = userdata;
}

void *cram_get_userdata(struct cram_ctx *ctx)
{
	return ctx ? ctx->userdata : NULL;
}

int cram_get_abi(struct cram_ctx *ctx)
{
	DIR *dir;
	int rc;

	if (!ctx)
		return -EINVAL;
	dir = opendir(CRAM_NODE_DIR);
	if (!dir) {
		rc = -errno;
		err(ctx, "%s: cannot open: %s", CRAM_NODE_DIR, strerror(-rc));
		return rc;
	}
	closedir(dir);
	if (cram_sysfs_file_exists(CRAM_NODE_DIR "/has_private_memory"))
		return CRAM_ABI_V1;
	if (cram_sysfs_file_exists(CRAM_NODE_DIR "/has_common_memory"))
		return CRAM_ABI_P3;
	return CRAM_ABI_NONE;
}

int cram_rescan(struct cram_ctx *ctx)
{
	if (!ctx)
		return -EINVAL;
	cram_nodes_free(ctx);
	cram_devices_free(ctx);
	dbg(ctx, "caches dropped");
	return 0;
}
