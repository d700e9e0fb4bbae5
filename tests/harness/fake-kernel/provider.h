/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fake cram provider: plays the kernel side of cram ABI v1 on a
 * umockdev testbed. It watches every cram device's cram/ files and the
 * test control file with inotify, validates and applies writes, onlines
 * and offlines the private nodes, advances the device models and rewrites
 * the telemetry files atomically.
 */
#ifndef _FK_PROVIDER_H_
#define _FK_PROVIDER_H_

#include <stdbool.h>
#include <stdint.h>

#define FK_CTL_FILE "fake-kernel.ctl"
#define FK_DEFAULT (UINT64_MAX)

struct fk_provider;

struct fk_config {
	uint32_t ratio;		/* initial sim/compress_ratio, per-mille */
	uint64_t overhead;	/* initial sim/overhead_bytes (at most the size) */
	uint64_t phys;		/* phys_capacity_bytes of a device bound later, 0: size / 2 */
	uint64_t inflow;	/* bytes/s per device, FK_DEFAULT: size / 10 */
	uint64_t evict_bw;	/* bytes/s per device, FK_DEFAULT: size / 10 */
	bool verbose;		/* log every applied write */
	bool no_threshold_uevents;	/* crossings send no CRAM_EVENT uevent */
	unsigned int critical_percent;	/* critical event at this use, % of capacity; 0: none */
	uint64_t critical_delay_ns;	/* CRAM_EVENT=critical this long after the gate closes */
	const char *latency_log;	/* NULL, or where to log responses */
};

struct fk_provider_ops {
	/* send a uevent for @devpath ("/sys/devices/..."); may be NULL */
	void (*uevent)(void *data, const char *devpath, const char *action);
	void *data;
};

/**
 * fk_provider_new - take over the cram devices of the testbed at @root
 *
 * Finds every dax device with a cram/ group, applies @cfg to it and starts
 * watching. Returns 0 or a negative errno (after printing why).
 */
int fk_provider_new(struct fk_provider **provider, const char *root,
		    const struct fk_config *cfg,
		    const struct fk_provider_ops *ops);

/** fk_provider_get_fd - the inotify descriptor to poll for input */
int fk_provider_get_fd(struct fk_provider *p);

/** fk_provider_dispatch - apply every write that inotify reported */
void fk_provider_dispatch(struct fk_provider *p);

/** fk_provider_tick - let @dt_ns pass: advance models, rewrite telemetry */
void fk_provider_tick(struct fk_provider *p, uint64_t dt_ns);

/** fk_provider_free - stop watching; with verbose, print overflow counts */
void fk_provider_free(struct fk_provider *p);

#endif /* _FK_PROVIDER_H_ */
