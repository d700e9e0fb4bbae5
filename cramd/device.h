/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One managed cram device: its libcram device, its resolved policy
 * parameters and setup (mode, explicit migration), its policy state (which
 * alone holds the gate and the degraded state) and its knob writes. A
 * device in placement mode runs no policy and writes no knob. A pass reads libcram's snapshot,
 * steps the policy, writes the knobs the policy wants, and rewrites any
 * knob the kernel no longer holds at its intended value (drift). Every
 * decision becomes a record (record.h) in the history it was given.
 */
#ifndef CRAMD_DEVICE_H
#define CRAMD_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include <cram/cram.h>

#include "config.h"
#include "discover.h"
#include "history.h"
#include "policy.h"

struct cramd_device;

/* What the control socket reports of one managed device. */
struct cramd_device_info {
	const char *devname;
	int node;
	bool gate_closed;	/* as decided (the kernel's is kept equal to it) */
	bool degraded;
	bool critical;		/* the kernel's critical event holds the gate closed */
	enum cramd_device_mode mode;	/* as the kernel reported it at setup */
};

/**
 * cramd_device_new - take @c under management
 * @ctx, @cdev: libcram's context and object of the device (referenced;
 *	see cramd_device_bind())
 * @params: the device's resolved policy parameters (copied)
 * @setup: its mode and migrate (copied)
 * @history: where its records go; may be NULL
 *
 * Checks the ABI version and writes the mode of @setup while the device
 * is offline (a device online in another mode is reported and kept as it
 * is). A device online already gets its user_migrate written, and 0 is
 * returned. An offline one is left to the caller to online, and 1 is
 * returned: the write of cram/state takes as long as the kernel's online,
 * so cramd runs cramd_device_online_call() in a child (child-call.h) and
 * reports its end with cramd_device_onlined(); until then the device is
 * cramd_device_onlining() and gets no pass. Otherwise -ENOMEM, or the
 * -errno that kept it from being managed (logged): -EOPNOTSUPP for
 * mode = placement on a kernel without placement mode (cram ABI v1).
 */
int cramd_device_new(struct cramd_device **out, const struct cramd_candidate *c,
		     struct cram_ctx *ctx, struct cram_device *cdev, const struct cramd_policy_params *params,
		     const struct cramd_device_setup *setup, struct cramd_history *history);

/* The write of an online, for cramd_child_call_start(): @cdev is the struct cram_device. */
int cramd_device_online_call(void *cdev);

/*
 * cramd_device_onlined - the online of @d ended with @rc (0 or -errno)
 *
 * Logs it; once online, writes user_migrate and reads the capacity.
 * Returns @rc: below 0 the device is not to be managed.
 */
int cramd_device_onlined(struct cramd_device *d, int rc);

/* Whether @d waits for its online (see cramd_device_new()). */
bool cramd_device_onlining(const struct cramd_device *d);

void cramd_device_free(struct cramd_device *d);

/* The device's name, "daxX.Y". */
const char *cramd_device_name(const struct cramd_device *d);

/* What [device NAME] sections match on. */
void cramd_device_ids(const struct cramd_device *d, struct cramd_device_ids *ids);

/*
 * cramd_device_bind - libcram's object of the device in a fresh context
 * @ctx after a rescan, or NULL when libcram no longer lists it (its
 * abi_version cannot be read, say): then the device keeps its old object
 * (and a reference to the old context), so that its gate can still be
 * written, and its passes find it degraded.
 */
void cramd_device_bind(struct cramd_device *d, struct cram_ctx *ctx, struct cram_device *cdev);

/*
 * cramd_device_present - the device's cram/ directory still exists: a
 * device that discovery no longer lists but is present stays managed
 * (degraded), since its gate may still be written.
 */
bool cramd_device_present(const struct cramd_device *d);

/* New parameters (reload): the thresholds are written again. */
void cramd_device_set_params(struct cramd_device *d, const struct cramd_policy_params *p);

/*
 * A new setup (reload): user_migrate is written when it changed; a mode
 * that differs from the device's (online) mode is reported, not forced.
 */
void cramd_device_set_setup(struct cramd_device *d, const struct cramd_device_setup *s);

/**
 * cramd_device_pass - one pass: snapshot, policy, knobs
 * @dry_run: decide and record, write nothing
 */
void cramd_device_pass(struct cramd_device *d, bool dry_run);

/**
 * cramd_device_critical - the kernel closed @d's gate on a critical device
 *	event (CRAM_EVENT=critical)
 *
 * Recorded once at LOG_CRIT (MESSAGE_ID CRAMD_MESSAGE_ID_KERNEL_CRITICAL).
 * From then on the passes keep the gate closed, whatever the policy says,
 * until one reads phys used at or below the low watermark.
 */
void cramd_device_critical(struct cramd_device *d);

/*
 * cramd_device_due_ns - when the device's next pass is due at the latest
 * (CLOCK_MONOTONIC ns): the policy's wakeup schedule; 0 before the first
 */
uint64_t cramd_device_due_ns(const struct cramd_device *d);

/*
 * cramd_device_sleep_ns - how long its last pass let it go (ns): its
 * period, which decides how early a shared wakeup may run its pass
 */
uint64_t cramd_device_sleep_ns(const struct cramd_device *d);

/* No pass until one is asked for: @d's offline is under way. */
void cramd_device_defer(struct cramd_device *d);

/* Write every knob again on the next pass (leaving dry-run). */
void cramd_device_rewrite(struct cramd_device *d);

void cramd_device_get_info(const struct cramd_device *d, struct cramd_device_info *info);

/* What its passes sampled and decided (telemetry-history.h): the device's own. */
struct cramd_telemetry_history;
const struct cramd_telemetry_history *cramd_device_telemetry(const struct cramd_device *d);

/* A record of something that happened to the device: @action with words. */
#define cramd_device_event(d, priority, action, ...) \
	cramd_device_event_at(__FILE__, __LINE__, __func__, (d), (priority), (action), \
			      __VA_ARGS__)
__attribute__((format(printf, 7, 8)))
void cramd_device_event_at(const char *file, int line, const char *func,
			   const struct cramd_device *d, int priority, const char *action,
			   const char *format, ...);

#endif
