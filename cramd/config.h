/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cramd configuration: the parsed and validated contents of cramd.conf
 * and its drop-ins, and the policy parameters of each device.
 *
 * No global state, no logging. Errors are
 * reported in a caller-supplied buffer as one line of the form
 * "FILE:LINE: [section] key: what is wrong".
 */
#ifndef CRAMD_CONFIG_H
#define CRAMD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "../shared/control-protocol.h"
#include "policy.h"

/* At most this many names in [global] devices. */
#define CRAMD_CONFIG_MAX_DEVICES 64
/* Longest accepted device name ("dax123456789.123456789"), plus NUL. */
#define CRAMD_CONFIG_NAME_MAX 24
/* A good size for the error buffer of cramd_config_load(). */
#define CRAMD_CONFIG_ERR_MAX 512

#define CRAMD_POLL_MS_DEFAULT 1000u
#define CRAMD_POLL_MS_MIN 10u
#define CRAMD_POLL_MS_MAX 60000u
#define CRAMD_OFFLINE_RETRIES_DEFAULT 5u
#define CRAMD_OFFLINE_RETRIES_MAX 20u
#define CRAMD_OFFLINE_TIMEOUT_MS_DEFAULT 5000u
#define CRAMD_OFFLINE_TIMEOUT_MS_MIN 100u
/* cramctl waits for an offline this long: the bound is part of the protocol. */
#define CRAMD_OFFLINE_TIMEOUT_MS_MAX CRAM_CONTROL_OFFLINE_TIMEOUT_MS_MAX
#define CRAMD_HIGH_PCT_DEFAULT 90u
#define CRAMD_HIGH_PCT_MIN 1u
#define CRAMD_HIGH_PCT_MAX 100u
#define CRAMD_LOW_PCT_DEFAULT 80u
#define CRAMD_LOW_PCT_MIN 0u
#define CRAMD_LOW_PCT_MAX 99u

/*
 * Keys of the adaptive policy and of the fail-safe: name, default, range.
 * Fractions of physical capacity are in per-mille (1/1000).
 */
#define CRAMD_RESERVE_PM_DEFAULT 20u		/* never planned to be used */
#define CRAMD_HYSTERESIS_PM_DEFAULT 10u		/* reopen band above reserve */
#define CRAMD_CRITICAL_PM_DEFAULT 10u		/* evict below this headroom */
#define CRAMD_EVICT_TARGET_PM_DEFAULT 40u	/* evict back up to this */
#define CRAMD_PM_MAX 500u
#define CRAMD_LAG_MS_DEFAULT 200u		/* knob write to effect */
#define CRAMD_HOLD_OPEN_MS_DEFAULT 1000u
#define CRAMD_HOLD_CLOSED_MS_DEFAULT 1000u
#define CRAMD_TIME_MS_MAX 600000u
#define CRAMD_MIN_RATE_KIB_DEFAULT 1024u	/* KiB/s; less: close gate */
#define CRAMD_MIN_RATE_KIB_MAX 16777216u	/* 16 GiB/s */
#define CRAMD_EVICT_WINDOW_MS_DEFAULT 2000u
#define CRAMD_EVICT_WINDOW_MS_MIN 100u
#define CRAMD_SMOOTHING_PCT_DEFAULT 50u
#define CRAMD_SMOOTHING_PCT_MIN 1u
#define CRAMD_SMOOTHING_PCT_MAX 100u
#define CRAMD_SAFETY_PCT_DEFAULT 50u		/* 0: utilization .. 100: safety */
#define CRAMD_NOISE_FLOOR_PM_DEFAULT 0u		/* 0: the noise is learned */
#define CRAMD_MAX_SLEEP_MS_DEFAULT 10000u
#define CRAMD_COLLAPSE_HIDDEN_PCT_DEFAULT 0u	/* 0: one reaction time */
#define CRAMD_STALE_INTERVALS_DEFAULT 3u
#define CRAMD_RECOVER_SAMPLES_DEFAULT 2u
#define CRAMD_COUNT_MAX 1000u

/* [device NAME] sections: per-device overrides of [policy] keys. */
#define CRAMD_CONFIG_MAX_OVERRIDES 16
#define CRAMD_OVERRIDE_MATCH_MAX 40

/* mode = of a [device NAME] section: cram/mode (cram ABI v2). */
enum cramd_device_mode {
	CRAMD_MODE_COMPRESSED = 0,	/* the default: demotion fills the node */
	CRAMD_MODE_PLACEMENT = 1,	/* only explicit placement reaches the node */
};

/**
 * struct cramd_device_setup - how cramd sets a device up (the [device NAME]
 *	keys that are not policy keys)
 * @mode: written to cram/mode before the device goes online
 * @migrate: written to cram/user_migrate after it is online
 */
struct cramd_device_setup {
	enum cramd_device_mode mode;
	bool migrate;
};

/**
 * struct cramd_device_override - one [device NAME] section, parsed
 * @match: "daxX.Y", "regionN", "memN" or "serial:0xHEX"
 * @set: which keys the section sets, one bit per key (see config-keys.h)
 * @params: their values; the other fields are not used
 * @claim: claim = yes: cramd moves the device to the cram provider
 * @claim_system_ram: claim_system_ram = yes: even when it is online as
 *	system RAM (kmem), which moves the live data off it
 * @setup: mode = and migrate = (set tells which the section gives)
 */
struct cramd_device_override {
	char match[CRAMD_OVERRIDE_MATCH_MAX];
	unsigned int set;
	struct cramd_policy_params params;
	bool claim;
	bool claim_system_ram;
	struct cramd_device_setup setup;
};

/* What a device is known by, for matching [device NAME] sections. */
struct cramd_device_ids {
	const char *devname;		/* "daxX.Y" */
	const char *region;		/* "regionN" or NULL */
	const char *memdevs;		/* "mem0,mem1" or NULL */
	bool has_serial;
	unsigned long long serial;
};

/**
 * struct cramd_config - everything cramd.conf can set
 * @poll_interval_ms: telemetry poll period
 * @all_devices: manage every cram device ("devices = all")
 * @n_devices: number of names in @devices when !@all_devices
 * @devices: "daxX.Y" or "regionN" names to online and manage
 * @dry_run: decide and log, but write no knob (cramctl pause/resume too)
 * @offline_on_stop: offline every managed device when cramd stops
 * @offline_retries: retries of a refused offline (EBUSY), with backoff
 * @offline_timeout_ms: bound of each offline write: the kernel retries a
 *	page it cannot move until the writer gets a signal
 * @policy: the [policy] keys; its poll_interval_ms is not used (the
 *	[global] key is @poll_interval_ms): see cramd_config_policy_params()
 * @n_overrides, @overrides: the [device NAME] sections
 */
struct cramd_config {
	unsigned int poll_interval_ms;
	bool all_devices;
	size_t n_devices;
	char devices[CRAMD_CONFIG_MAX_DEVICES][CRAMD_CONFIG_NAME_MAX];
	bool dry_run;
	bool offline_on_stop;
	unsigned int offline_retries;
	unsigned int offline_timeout_ms;
	struct cramd_policy_params policy;
	size_t n_overrides;
	struct cramd_device_override overrides[CRAMD_CONFIG_MAX_OVERRIDES];
};

/** cramd_config_init - fill @cfg with the built-in defaults. */
void cramd_config_init(struct cramd_config *cfg);

/** cramd_config_section_matches - whether [device NAME] section @o names @ids. */
bool cramd_config_section_matches(const struct cramd_device_override *o,
				  const struct cramd_device_ids *ids);

/**
 * cramd_config_device_setup - the mode and migrate of one device
 *
 * The last matching section that sets each key wins; compressed and no
 * by default. A placement mode from one section and migrate = yes from
 * another give migrate no (the kernel refuses both together; one section
 * cannot set both, see cramd_config_load()).
 */
void cramd_config_device_setup(const struct cramd_config *cfg,
			       const struct cramd_device_ids *ids,
			       struct cramd_device_setup *out);

/* "compressed" or "placement" */
const char *cramd_device_mode_name(enum cramd_device_mode mode);

/** cramd_config_default_params - the built-in [policy] defaults. */
void cramd_config_default_params(struct cramd_policy_params *p);

/**
 * cramd_config_policy_params - the policy parameters of one device
 * @ids: the device; NULL for the [policy] values alone
 * @out: [policy] (and poll_interval_ms of [global]) with every matching
 *	[device NAME] section applied, in the order they were read (a later
 *	one wins)
 *
 * The values were validated when the file was parsed, so this cannot fail.
 * Each section is consistent with [policy] on its own (checked at parse
 * time); when several match and together break a rule (low watermark
 * below high, eviction target above critical), only the last one applies.
 * Returns the number of sections that matched.
 */
size_t cramd_config_policy_params(const struct cramd_config *cfg,
				  const struct cramd_device_ids *ids,
				  struct cramd_policy_params *out);

/* cramd_config_load(): a missing @path means the defaults (and drop-ins). */
#define CRAMD_CONFIG_OPTIONAL 1u

/**
 * cramd_config_load - read and validate a configuration and its drop-ins
 * @cfg: receives the configuration; undefined on error
 * @path: the file; then every "*.conf" file of the directory "@path.d"
 *	(e.g. /etc/cramd.conf.d) is read, in lexical order: a key set in a
 *	later file wins. A missing directory is not an error.
 * @flags: CRAMD_CONFIG_OPTIONAL or 0
 *
 * Only regular files are read, each of at most 1 MiB (config-reader.h).
 * Returns 0; 1 when @path is missing and CRAMD_CONFIG_OPTIONAL was given
 * (@cfg then holds the defaults with the drop-ins applied); or a negative
 * errno with one line in @err naming the file (and line) at fault:
 * -ENOENT (and other open errors) when @path cannot be opened, -EINVAL
 * when a file is invalid.
 */
int cramd_config_load(struct cramd_config *cfg, const char *path, unsigned int flags,
		      char *err, size_t errlen);

/**
 * struct cramd_config_text - a configuration file already in memory
 * @name: the file name used in messages
 * @text, @len: its contents (may hold NUL bytes, which are errors)
 */
struct cramd_config_text {
	const char *name;
	const char *text;
	size_t len;
};

/**
 * cramd_config_parse_texts - parse @n files in this order on top of @cfg
 * @cfg: initialised with cramd_config_init(); undefined on error
 *
 * The same rules and messages as cramd_config_load(), which reads the
 * files itself. Returns 0, or -EINVAL with one line in @err.
 */
int cramd_config_parse_texts(struct cramd_config *cfg, const struct cramd_config_text *files,
			     size_t n, char *err, size_t errlen);

/** cramd_config_valid_device_name - true for "daxX.Y" and "regionN". */
bool cramd_config_valid_device_name(const char *name);

/**
 * cramd_config_wants_device - whether a device is to be managed
 * @devname: "daxX.Y"
 * @region: "regionN" above it, or NULL
 */
bool cramd_config_wants_device(const struct cramd_config *cfg,
			       const char *devname, const char *region);

/** cramd_config_policy_name - "static" or "adaptive". */
const char *cramd_config_policy_name(enum cramd_policy_kind kind);

#endif
