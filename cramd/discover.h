/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cramd discovery: which compressed devices exist, and what is above and
 * behind each of them (CXL region, memory devices, NUMA node).
 *
 * The work is done by the cram-discover helper program (libcxl and
 * libdaxctl, see discover-scan.h), so that cramd itself does not map those
 * libraries and what they pull in; cramd runs it and reads its output
 * (discover-format.h).
 */
#ifndef CRAMD_DISCOVER_H
#define CRAMD_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>

#include <systemd/sd-event.h>

#include "../shared/control-protocol.h"

#define CRAMD_DEVNAME_MAX 32
#define CRAMD_MEMDEVS_MAX 64

/**
 * struct cramd_candidate - one cram device found by discovery
 * @devname: the dax device, "daxX.Y"
 * @region: the CXL region above it, "regionN", or "" when there is none
 * @node: the NUMA node it onlines into, -1 when unknown
 * @memdevs: the CXL memory devices of the region ("mem0,mem1"), or ""
 * @serial: serial number of the first memory device
 * @has_serial: @serial is known
 */
struct cramd_candidate {
	char devname[CRAMD_DEVNAME_MAX];
	char region[CRAMD_DEVNAME_MAX];
	int node;
	char memdevs[CRAMD_MEMDEVS_MAX];
	unsigned long long serial;
	bool has_serial;
};

/**
 * struct cramd_discovery - the result of one discovery
 * @devs: the candidates, sorted by device name
 * @n: how many
 * @n_regions: how many CXL regions libcxl listed
 */
struct cramd_discovery {
	struct cramd_candidate *devs;
	size_t n;
	size_t n_regions;
};

/* The helper, unless $CRAMD_DISCOVER names another program. */
#ifndef CRAMD_DISCOVER_PATH
#define CRAMD_DISCOVER_PATH "/usr/libexec/cram/cram-discover"
#endif
/* How long the helper may take, and how much it may print on stdout. */
/* (cramctl waits for an online accordingly: the bound is part of the protocol.) */
#define CRAMD_DISCOVER_TIMEOUT_MS CRAM_CONTROL_DISCOVERY_TIMEOUT_MS
#define CRAMD_DISCOVER_MAX_OUTPUT (256 * 1024)

struct cramd_discover_run;

/*
 * The result of a discovery: 0 with @d filled (the callback may take its
 * devs, setting d->devs to NULL; otherwise they are freed after it), or
 * -ENOMEM, -ETIMEDOUT, -EIO (the helper failed or was killed by a signal),
 * -EMSGSIZE (too much output) or -EBADMSG (malformed output) with @d empty.
 * Every failure is logged already.
 */
typedef void (*cramd_discover_fn)(int rc, struct cramd_discovery *d,
				  void *userdata);

/**
 * cramd_discover_start - list the cram devices of the system, beside @ev
 *
 * Runs the cram-discover helper ($CRAMD_DISCOVER, or CRAMD_DISCOVER_PATH)
 * with stdin on /dev/null, reads its stdout (at most
 * CRAMD_DISCOVER_MAX_OUTPUT bytes, within CRAMD_DISCOVER_TIMEOUT_MS, after
 * which it is killed) and relays its stderr lines to the log, all from
 * event sources of @ev; @done is called from the loop once, after which
 * the run is gone. Every candidate is logged. SIGCHLD is blocked (sd-event
 * needs it so). The caller rescans libcram when it takes the result.
 * Returns 0 with *@out set, or the errno of a helper that cannot be run
 * (-ENOENT, -EACCES, ...; then @done is never called).
 */
int cramd_discover_start(sd_event *ev, cramd_discover_fn done, void *userdata,
			 struct cramd_discover_run **out);

/* The longest name a claim takes, NUL included ("serial:0x" and 16 digits). */
#define CRAMD_CLAIM_NAME_MAX 40
/* A claim of system RAM migrates its live data away first: it may take long. */
#define CRAMD_CLAIM_SYSTEM_RAM_TIMEOUT_MS 120000

/**
 * cramd_claim_start - move the device(s) @name names to the cram provider
 * @name: as a [device NAME] section names it: daxX.Y, regionN, memN or
 *	serial:0xHEX
 * @system_ram: also take a device online as system RAM (kmem)
 *
 * Runs the helper as "cram-discover --claim NAME [--system-ram]" beside
 * @ev, as cramd_discover_start() runs a discovery, and relays its messages
 * at their own priorities. @done gets 0 when every device it names is now
 * bound to cram, else -EIO (or -ETIMEDOUT, -ENOMEM), with @d empty; the
 * caller rediscovers. Returns 0 with *@out set, or -errno (@done is then
 * never called).
 */
int cramd_claim_start(sd_event *ev, const char *name, bool system_ram,
		      cramd_discover_fn done, void *userdata,
		      struct cramd_discover_run **out);

/**
 * cramd_release_start - give offline cram device @name ("daxX.Y") back to
 * device_dax: "cram-discover --release NAME", run as cramd_claim_start()
 * runs a claim, with the same results.
 */
int cramd_release_start(sd_event *ev, const char *name, cramd_discover_fn done,
			void *userdata, struct cramd_discover_run **out);

/* The longest helper message cramd_discover_error() keeps, NUL included. */
#define CRAMD_HELPER_ERROR_MAX 200

/*
 * cramd_discover_error - the last message of priority LOG_ERR or worse
 * that a claim or release printed (why it failed), "" when none. Valid
 * until the run is gone, so also in its @done.
 */
const char *cramd_discover_error(const struct cramd_discover_run *run);

/*
 * cramd_discover_finish - for a loop that is ending: wait for the helper
 * (at most its timeout, then kill it) and call @done as the loop would.
 */
void cramd_discover_finish(struct cramd_discover_run *run);

/** cramd_discover_cancel - kill and reap the helper; @done is not called. */
void cramd_discover_cancel(struct cramd_discover_run *run);

void cramd_discovery_free(struct cramd_discovery *d);

/** cramd_discovery_find - the candidate named @devname, or NULL. */
const struct cramd_candidate *
cramd_discovery_find(const struct cramd_discovery *d, const char *devname);

#endif
