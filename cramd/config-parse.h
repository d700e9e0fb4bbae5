/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the configuration parser (config.c, config-keys.c,
 * config-device.c; not for other callers): the state of one load, the
 * key table and the error messages.
 */
#ifndef CRAMD_CONFIG_PARSE_H
#define CRAMD_CONFIG_PARSE_H

#include "config.h"

enum cramd_key {
	KEY_POLL_INTERVAL,
	KEY_DEVICES,
	KEY_DRY_RUN,
	KEY_OFFLINE_ON_STOP,
	KEY_OFFLINE_RETRIES,
	KEY_OFFLINE_TIMEOUT,
	KEY_POLICY,		/* the first [policy] key */
	KEY_HIGH,
	KEY_LOW,
	KEY_STALE,
	KEY_RECOVER,
	KEY_RESERVE,
	KEY_HYSTERESIS,
	KEY_CRITICAL,
	KEY_EVICT_TARGET,
	KEY_LAG,
	KEY_HOLD_OPEN,
	KEY_HOLD_CLOSED,
	KEY_MIN_RATE,
	KEY_EVICT_WINDOW,
	KEY_SMOOTHING,
	KEY_SAFETY,
	KEY_NOISE_FLOOR,
	KEY_MAX_SLEEP,
	KEY_COLLAPSE_HIDDEN,
	KEY_CLAIM,		/* [device NAME] only */
	KEY_CLAIM_SYSTEM_RAM,
	KEY_MODE,
	KEY_MIGRATE,
	KEY_COUNT,
};

/* The bit of a [policy] or [device] key in struct cramd_device_override.set. */
#define KEY_BIT(key) (1u << (key))

enum cramd_section { SEC_NONE, SEC_GLOBAL, SEC_POLICY, SEC_DEVICE };

/* Where a value was set: @file is 1 + its index in the load, 0 = default. */
struct cramd_origin {
	unsigned int file;
	int line;
};

/**
 * struct cramd_config_parse - one load: the files read so far, in order,
 *	and where every value came from, for messages that name an earlier
 *	file (lives only as long as the load)
 * @names: the name of every file of the load, in order
 * @file: the number (1 + index in @names) of the file being parsed
 * @sec, @dev, @label: the current section; @dev indexes cfg->overrides
 * @section_line: where [global] and [policy] began in this file, or 0
 * @key_at: where each [global] and [policy] value was set
 * @dev_at: the same for each [device NAME] section's keys
 * @dev_line: where each [device NAME] section began, last
 */
struct cramd_config_parse {
	struct cramd_config *cfg;
	char *err;
	size_t errlen;
	bool failed;
	const char *const *names;
	unsigned int file;
	enum cramd_section sec;
	size_t dev;
	char label[CRAMD_OVERRIDE_MATCH_MAX + 8];
	int section_line[2];	/* [global], [policy] */
	struct cramd_origin key_at[KEY_COUNT];
	struct cramd_origin dev_at[CRAMD_CONFIG_MAX_OVERRIDES][KEY_COUNT];
	struct cramd_origin dev_line[CRAMD_CONFIG_MAX_OVERRIDES];
};

/*
 * Records the first error as "FILE:LINE: [section] key: message", with
 * FILE the file of @at; @section and @key may be NULL. Returns -EINVAL.
 */
__attribute__((format(printf, 5, 6)))
int cramd_config_fail(struct cramd_config_parse *ps, struct cramd_origin at,
		      const char *section, const char *key, const char *fmt, ...);

/* The name of the file of @at (a file of this load). */
const char *cramd_config_file_name(const struct cramd_config_parse *ps,
				   struct cramd_origin at);

/*
 * The key named @name in section @sec, or KEY_COUNT: [device NAME] takes
 * [policy]'s keys and its own (claim, claim_system_ram, mode, migrate).
 */
enum cramd_key cramd_config_find_key(enum cramd_section sec, const char *name);

/* The name of @key. */
const char *cramd_config_key_name(enum cramd_key key);

/*
 * Parses @value of @key on line @line into @cfg ([global] keys) or
 * @params ([policy] keys; for [device]-only keys @params must be the
 * params of a struct cramd_device_override, whose field is set).
 * Returns 0, or -EINVAL after cramd_config_fail().
 */
int cramd_config_set_key(struct cramd_config_parse *ps, int line, enum cramd_key key,
			 const char *value, struct cramd_config *cfg,
			 struct cramd_policy_params *params);

/* Copies the [policy] keys of @set from @from to @to. */
void cramd_config_copy_keys(struct cramd_policy_params *to,
			    const struct cramd_policy_params *from, unsigned int set);

/*
 * One scope of values to check for consistency: [policy] alone, or a
 * [device NAME] section on top of it.
 */
struct cramd_config_scope {
	const struct cramd_policy_params *policy;
	const struct cramd_origin *policy_at;
	const struct cramd_device_override *dev;	/* NULL for [policy] */
	const struct cramd_origin *dev_at;
	const char *dev_label;
};

/*
 * Low below high, critical below the eviction target and, under the adaptive
 * policy, below the reserve unless 0. Returns 0 or -EINVAL.
 */
int cramd_config_check_scope(struct cramd_config_parse *ps,
			     const struct cramd_config_scope *sc);

/* True when @p keeps the rules of cramd_config_check_scope(). */
bool cramd_config_consistent(const struct cramd_policy_params *p);

/* A [device NAME] header (@name, @len: NAME). Returns 0 or -EINVAL. */
int cramd_config_begin_device(struct cramd_config_parse *ps, int line, const char *name,
			      size_t len);

/* yes/no, true/false, on/off, 1/0 into @out; -EINVAL for anything else. */
int cramd_config_parse_bool(const char *value, bool *out);

/* A key in the current [device NAME] section. Returns 0 or -EINVAL. */
int cramd_config_device_key(struct cramd_config_parse *ps, int line, const char *name,
			    const char *value);

/* After each file: every [device NAME] section is consistent. */
int cramd_config_check_devices(struct cramd_config_parse *ps);

#endif
