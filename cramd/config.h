/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cramd configuration: the parsed and validated contents of cramd.conf.
 *
 * Pure data and validation: no global state, no logging. Errors are
 * reported in a caller-supplied buffer as one line of the form
 * "FILE:LINE: [section] key: what is wrong".
 */
#ifndef CRAMD_CONFIG_H
#define CRAMD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* At most this many names in [global] devices. */
#define CRAMD_CONFIG_MAX_DEVICES 64
/* Longest accepted device name ("dax123456789.123456789"), plus NUL. */
#define CRAMD_CONFIG_NAME_MAX 24
/* A good size for the error buffer of cramd_config_load(). */
#define CRAMD_CONFIG_ERR_MAX 512

#define CRAMD_POLL_MS_DEFAULT 1000u
#define CRAMD_POLL_MS_MIN 10u
#define CRAMD_POLL_MS_MAX 60000u
#define CRAMD_HIGH_PCT_DEFAULT 90u
#define CRAMD_HIGH_PCT_MIN 1u
#define CRAMD_HIGH_PCT_MAX 100u
#define CRAMD_LOW_PCT_DEFAULT 80u
#define CRAMD_LOW_PCT_MIN 0u
#define CRAMD_LOW_PCT_MAX 99u

enum cramd_policy_kind {
	CRAMD_POLICY_WATERMARK = 0,
};

/**
 * struct cramd_config - everything cramd.conf can set
 * @poll_interval_ms: telemetry poll period
 * @all_devices: manage every cram device ("devices = all")
 * @n_devices: number of names in @devices when !@all_devices
 * @devices: "daxX.Y" or "regionN" names to online and manage
 * @policy: the gate policy
 * @high_watermark_percent: close the gate at or above this use
 * @low_watermark_percent: reopen the gate at or below this use
 */
struct cramd_config {
	unsigned int poll_interval_ms;
	bool all_devices;
	size_t n_devices;
	char devices[CRAMD_CONFIG_MAX_DEVICES][CRAMD_CONFIG_NAME_MAX];
	enum cramd_policy_kind policy;
	unsigned int high_watermark_percent;
	unsigned int low_watermark_percent;
};

/** cramd_config_init - fill @cfg with the built-in defaults. */
void cramd_config_init(struct cramd_config *cfg);

/**
 * cramd_config_parse_file - parse an already open configuration stream
 * @cfg: initialised with cramd_config_init(); updated key by key
 * @f: the stream
 * @name: the file name used in error messages
 * @err: receives one line (no trailing newline) on error
 *
 * Returns 0, or -EINVAL with @err filled. @cfg is undefined on error.
 */
int cramd_config_parse_file(struct cramd_config *cfg, FILE *f,
			    const char *name, char *err, size_t errlen);

/**
 * cramd_config_load - read and validate the configuration file @path
 *
 * Starts from the defaults. Returns 0, or a negative errno with @err
 * filled: -ENOENT (and other open errors) when the file cannot be
 * opened, -EINVAL when it is invalid. A caller that treats a missing
 * file as "use the defaults" checks for -ENOENT; @cfg then holds the
 * defaults.
 */
int cramd_config_load(struct cramd_config *cfg, const char *path,
		      char *err, size_t errlen);

/** cramd_config_valid_device_name - true for "daxX.Y" and "regionN". */
bool cramd_config_valid_device_name(const char *name);

/**
 * cramd_config_wants_device - whether a device is to be managed
 * @devname: "daxX.Y"
 * @region: "regionN" above it, or NULL
 */
bool cramd_config_wants_device(const struct cramd_config *cfg,
			       const char *devname, const char *region);

/** cramd_config_policy_name - "watermark". */
const char *cramd_config_policy_name(enum cramd_policy_kind kind);

#endif
