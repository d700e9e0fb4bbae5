// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cramd's configuration keys: the table of every key (section, name,
 * range, field), the defaults, the parsing of each value into its typed
 * field, and the rules that tie keys together (low watermark below high,
 * critical level below the eviction target).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "config-parse.h"
#include "util/decimal.h"
#include "util/names.h"

enum value_kind { V_NUMBER, V_BOOL, V_POLICY, V_DEVICES, V_MODE };

/*
 * A key; @offset is into struct cramd_config ([global]), struct
 * cramd_policy_params ([policy]) or struct cramd_device_override ([device]).
 */
struct key_desc {
	enum cramd_section sec;
	const char *name;
	enum value_kind kind;
	unsigned int min;
	unsigned int max;
	size_t offset;
};

#define CFG(field) offsetof(struct cramd_config, field)
#define PAR(field) offsetof(struct cramd_policy_params, field)
#define OVR(field) offsetof(struct cramd_device_override, field)
#define ADA(field) (PAR(adaptive) + offsetof(struct cramd_adaptive, field))
#define NUM(s, n, lo, hi, off) { s, n, V_NUMBER, lo, hi, off }

_Static_assert(sizeof(enum cramd_policy_kind) == sizeof(unsigned int),
	       "policy keys are copied as unsigned int");
_Static_assert(KEY_COUNT <= 32, "struct cramd_device_override.set has a bit per key");

static const struct key_desc keys[KEY_COUNT] = {
	[KEY_POLL_INTERVAL] = NUM(SEC_GLOBAL, "poll_interval_ms", CRAMD_POLL_MS_MIN,
				  CRAMD_POLL_MS_MAX, CFG(poll_interval_ms)),
	[KEY_DEVICES] = { SEC_GLOBAL, "devices", V_DEVICES, 0, 0, 0 },
	[KEY_DRY_RUN] = { SEC_GLOBAL, "dry_run", V_BOOL, 0, 0, CFG(dry_run) },
	[KEY_OFFLINE_ON_STOP] = { SEC_GLOBAL, "offline_on_stop", V_BOOL, 0, 0,
				  CFG(offline_on_stop) },
	[KEY_OFFLINE_RETRIES] = NUM(SEC_GLOBAL, "offline_retries", 0, CRAMD_OFFLINE_RETRIES_MAX,
				    CFG(offline_retries)),
	[KEY_OFFLINE_TIMEOUT] = NUM(SEC_GLOBAL, "offline_timeout_ms", CRAMD_OFFLINE_TIMEOUT_MS_MIN,
				    CRAMD_OFFLINE_TIMEOUT_MS_MAX, CFG(offline_timeout_ms)),
	[KEY_POLICY] = { SEC_POLICY, "policy", V_POLICY, 0, 0, PAR(kind) },
	[KEY_HIGH] = NUM(SEC_POLICY, "high_watermark_percent", CRAMD_HIGH_PCT_MIN,
			 CRAMD_HIGH_PCT_MAX, PAR(high_watermark_percent)),
	[KEY_LOW] = NUM(SEC_POLICY, "low_watermark_percent", CRAMD_LOW_PCT_MIN,
			CRAMD_LOW_PCT_MAX, PAR(low_watermark_percent)),
	[KEY_STALE] = NUM(SEC_POLICY, "stale_intervals", 1, CRAMD_COUNT_MAX,
			  PAR(stale_intervals)),
	[KEY_RECOVER] = NUM(SEC_POLICY, "recover_samples", 1, CRAMD_COUNT_MAX,
			    PAR(recover_samples)),
	[KEY_RESERVE] = NUM(SEC_POLICY, "reserve_permille", 0, CRAMD_PM_MAX,
			    ADA(reserve_permille)),
	[KEY_HYSTERESIS] = NUM(SEC_POLICY, "hysteresis_permille", 0, CRAMD_PM_MAX,
			       ADA(hysteresis_permille)),
	[KEY_CRITICAL] = NUM(SEC_POLICY, "critical_permille", 0, CRAMD_PM_MAX,
			     ADA(critical_permille)),
	[KEY_EVICT_TARGET] = NUM(SEC_POLICY, "evict_target_permille", 1, CRAMD_PM_MAX,
				 ADA(evict_target_permille)),
	[KEY_LAG] = NUM(SEC_POLICY, "actuation_lag_ms", 0, CRAMD_TIME_MS_MAX,
			ADA(actuation_lag_ms)),
	[KEY_HOLD_OPEN] = NUM(SEC_POLICY, "min_gate_open_ms", 0, CRAMD_TIME_MS_MAX,
			      ADA(min_gate_open_ms)),
	[KEY_HOLD_CLOSED] = NUM(SEC_POLICY, "min_gate_closed_ms", 0, CRAMD_TIME_MS_MAX,
				ADA(min_gate_closed_ms)),
	[KEY_MIN_RATE] = NUM(SEC_POLICY, "min_rate_kib", 0, CRAMD_MIN_RATE_KIB_MAX,
			     ADA(min_rate_kib)),
	[KEY_EVICT_WINDOW] = NUM(SEC_POLICY, "evict_window_ms", CRAMD_EVICT_WINDOW_MS_MIN,
				 CRAMD_TIME_MS_MAX, ADA(evict_window_ms)),
	[KEY_SMOOTHING] = NUM(SEC_POLICY, "smoothing_percent", CRAMD_SMOOTHING_PCT_MIN,
			      CRAMD_SMOOTHING_PCT_MAX, ADA(smoothing_percent)),
	[KEY_SAFETY] = NUM(SEC_POLICY, "safety_percent", 0, 100, ADA(safety_percent)),
	[KEY_NOISE_FLOOR] = NUM(SEC_POLICY, "noise_floor_permille", 0, CRAMD_PM_MAX,
				ADA(noise_floor_permille)),
	[KEY_MAX_SLEEP] = NUM(SEC_POLICY, "max_sleep_ms", 0, CRAMD_TIME_MS_MAX,
			      ADA(max_sleep_ms)),
	[KEY_COLLAPSE_HIDDEN] = NUM(SEC_POLICY, "collapse_hidden_percent", 0, 100,
				    ADA(collapse_hidden_percent)),
	[KEY_CLAIM] = { SEC_DEVICE, "claim", V_BOOL, 0, 0, OVR(claim) },
	[KEY_CLAIM_SYSTEM_RAM] = { SEC_DEVICE, "claim_system_ram", V_BOOL, 0, 0,
				   OVR(claim_system_ram) },
	[KEY_MODE] = { SEC_DEVICE, "mode", V_MODE, 0, 0, OVR(setup.mode) },
	[KEY_MIGRATE] = { SEC_DEVICE, "migrate", V_BOOL, 0, 0, OVR(setup.migrate) },
};

void cramd_config_default_params(struct cramd_policy_params *p)
{
	*p = (struct cramd_policy_params){
		.kind = CRAMD_POLICY_ADAPTIVE,
		.poll_interval_ms = CRAMD_POLL_MS_DEFAULT,
		.high_watermark_percent = CRAMD_HIGH_PCT_DEFAULT,
		.low_watermark_percent = CRAMD_LOW_PCT_DEFAULT,
		.stale_intervals = CRAMD_STALE_INTERVALS_DEFAULT,
		.recover_samples = CRAMD_RECOVER_SAMPLES_DEFAULT,
		.adaptive = {
			.reserve_permille = CRAMD_RESERVE_PM_DEFAULT,
			.hysteresis_permille = CRAMD_HYSTERESIS_PM_DEFAULT,
			.critical_permille = CRAMD_CRITICAL_PM_DEFAULT,
			.evict_target_permille = CRAMD_EVICT_TARGET_PM_DEFAULT,
			.actuation_lag_ms = CRAMD_LAG_MS_DEFAULT,
			.min_gate_open_ms = CRAMD_HOLD_OPEN_MS_DEFAULT,
			.min_gate_closed_ms = CRAMD_HOLD_CLOSED_MS_DEFAULT,
			.min_rate_kib = CRAMD_MIN_RATE_KIB_DEFAULT,
			.evict_window_ms = CRAMD_EVICT_WINDOW_MS_DEFAULT,
			.smoothing_percent = CRAMD_SMOOTHING_PCT_DEFAULT,
			.safety_percent = CRAMD_SAFETY_PCT_DEFAULT,
			.noise_floor_permille = CRAMD_NOISE_FLOOR_PM_DEFAULT,
			.max_sleep_ms = CRAMD_MAX_SLEEP_MS_DEFAULT,
			.collapse_hidden_percent = CRAMD_COLLAPSE_HIDDEN_PCT_DEFAULT,
		},
	};
}

void cramd_config_init(struct cramd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->poll_interval_ms = CRAMD_POLL_MS_DEFAULT;
	cfg->offline_retries = CRAMD_OFFLINE_RETRIES_DEFAULT;
	cfg->offline_timeout_ms = CRAMD_OFFLINE_TIMEOUT_MS_DEFAULT;
	cfg->all_devices = true;
	cramd_config_default_params(&cfg->policy);
	cfg->policy.poll_interval_ms = 0;	/* [global] owns it */
}

const char *cramd_config_policy_name(enum cramd_policy_kind kind)
{
	switch (kind) {
	case CRAMD_POLICY_STATIC:
		return "static";
	case CRAMD_POLICY_ADAPTIVE:
		return "adaptive";
	}
	return "unknown";
}

enum cramd_key cramd_config_find_key(enum cramd_section sec, const char *name)
{
	unsigned int i;

	for (i = 0; i < KEY_COUNT; i++)
		if ((keys[i].sec == sec || (sec == SEC_DEVICE && keys[i].sec == SEC_POLICY)) &&
		    strcmp(keys[i].name, name) == 0)
			return (enum cramd_key)i;
	return KEY_COUNT;
}

const char *cramd_config_key_name(enum cramd_key key)
{
	return keys[key].name;
}

void cramd_config_copy_keys(struct cramd_policy_params *to,
			    const struct cramd_policy_params *from, unsigned int set)
{
	unsigned int i;

	for (i = KEY_POLICY; i < KEY_COUNT; i++)
		if (keys[i].sec == SEC_POLICY && (set & KEY_BIT(i)))
			memcpy((char *)to + keys[i].offset, (const char *)from + keys[i].offset,
			       sizeof(unsigned int));
}

/* Where the value of the key being set is stored, and how errors name it. */
struct setting {
	struct cramd_config_parse *ps;
	struct cramd_origin at;
	enum cramd_key key;
	void *field;
};

#define fail_value(s, ...) \
	cramd_config_fail((s)->ps, (s)->at, (s)->ps->label, keys[(s)->key].name, __VA_ARGS__)

static int set_number(const struct setting *s, const char *value)
{
	const struct key_desc *k = &keys[s->key];
	uint64_t v;
	int rc = util_parse_u64(value, &v);

	if (rc == -EINVAL && *value == '\0')
		return fail_value(s, "empty value, expected a number in %u..%u", k->min, k->max);
	if (rc == -EINVAL)
		return fail_value(s, "invalid number '%.40s', expected an unsigned decimal in %u..%u",
				  value, k->min, k->max);
	if (rc == -ERANGE || v < k->min || v > k->max)
		return fail_value(s, "value %.40s out of range %u..%u", value, k->min, k->max);
	*(unsigned int *)s->field = (unsigned int)v;
	return 0;
}

int cramd_config_parse_bool(const char *value, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(value, yes[i]) == 0 || strcmp(value, no[i]) == 0) {
			*out = strcmp(value, yes[i]) == 0;
			return 0;
		}
	}
	return -EINVAL;
}

static int set_bool(const struct setting *s, const char *value)
{
	if (cramd_config_parse_bool(value, s->field) < 0)
		return fail_value(s, "invalid value '%.40s', expected yes or no", value);
	return 0;
}

static int set_policy(const struct setting *s, const char *value)
{
	enum cramd_policy_kind *kind = s->field;

	if (strcmp(value, "static") == 0 || strcmp(value, "watermark") == 0) {
		*kind = CRAMD_POLICY_STATIC;
		return 0;
	}
	if (strcmp(value, "adaptive") == 0) {
		*kind = CRAMD_POLICY_ADAPTIVE;
		return 0;
	}
	return fail_value(s, "unknown policy '%.40s', expected adaptive, static or watermark",
			  value);
}

static int set_mode(const struct setting *s, const char *value)
{
	enum cramd_device_mode *mode = s->field;

	if (strcmp(value, CRAM_DEVMODE_COMPRESSED) == 0) {
		*mode = CRAMD_MODE_COMPRESSED;
		return 0;
	}
	if (strcmp(value, CRAM_DEVMODE_PLACEMENT) == 0) {
		*mode = CRAMD_MODE_PLACEMENT;
		return 0;
	}
	return fail_value(s, "invalid value '%.40s', expected compressed or placement", value);
}

bool cramd_config_valid_device_name(const char *name)
{
	return util_name_is(name, "region", 1) || util_name_is(name, "dax", 2);
}

static bool listed(const struct cramd_config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->n_devices; i++)
		if (strcmp(cfg->devices[i], name) == 0)
			return true;
	return false;
}

bool cramd_config_wants_device(const struct cramd_config *cfg,
			       const char *devname, const char *region)
{
	if (cfg->all_devices)
		return true;
	return listed(cfg, devname) || (region && listed(cfg, region));
}

#define BAD_NAME "invalid device name '%.*s', expected daxX.Y or regionN"

/* Adds one word of the devices list; @word is not NUL-terminated. */
static int add_device(const struct setting *s, struct cramd_config *cfg,
		      const char *word, size_t len)
{
	char name[CRAMD_CONFIG_NAME_MAX];

	if (len == 3 && strncmp(word, "all", 3) == 0)
		return fail_value(s, "'all' cannot be combined with device names");
	if (len >= sizeof(name))
		return fail_value(s, BAD_NAME, (int)(len > 40 ? 40 : len), word);
	memcpy(name, word, len);
	name[len] = '\0';
	if (!cramd_config_valid_device_name(name))
		return fail_value(s, BAD_NAME, (int)len, name);
	if (listed(cfg, name))
		return fail_value(s, "device '%s' listed twice", name);
	if (cfg->n_devices >= CRAMD_CONFIG_MAX_DEVICES)
		return fail_value(s, "more than %d devices", CRAMD_CONFIG_MAX_DEVICES);
	memcpy(cfg->devices[cfg->n_devices++], name, len + 1);
	return 0;
}

static int set_devices(const struct setting *s, const char *value)
{
	struct cramd_config *cfg = s->field;
	const char *blanks = " \t";
	const char *p = value;

	cfg->n_devices = 0;
	if (*p == '\0')
		return fail_value(s, "empty value, expected 'all' or daxX.Y/regionN names");
	cfg->all_devices = strcmp(p, "all") == 0;
	while (!cfg->all_devices && *p) {
		size_t len = strcspn(p, blanks);

		if (add_device(s, cfg, p, len) < 0)
			return -EINVAL;
		p += len;
		p += strspn(p, blanks);
	}
	return 0;
}

int cramd_config_set_key(struct cramd_config_parse *ps, int line, enum cramd_key key,
			 const char *value, struct cramd_config *cfg,
			 struct cramd_policy_params *params)
{
	const struct key_desc *k = &keys[key];
	char *base = k->sec == SEC_GLOBAL ? (char *)cfg :
		     k->sec == SEC_DEVICE ? (char *)params - OVR(params) : (char *)params;
	struct setting s = {
		.ps = ps, .at = { ps->file, line }, .key = key, .field = base + k->offset,
	};

	switch (k->kind) {
	case V_BOOL:
		return set_bool(&s, value);
	case V_POLICY:
		return set_policy(&s, value);
	case V_MODE:
		return set_mode(&s, value);
	case V_DEVICES:
		s.field = cfg;
		return set_devices(&s, value);
	case V_NUMBER:
		break;
	}
	return set_number(&s, value);
}

/*
 * The adaptive policy fills up to the reserve: eviction that starts above
 * it (critical_permille at or over reserve_permille) would push out data
 * the plan put there, on every pass that finds the device full. 0 leaves
 * eviction to the growth over the reaction time.
 */
static bool evicts_plan(enum cramd_policy_kind kind, unsigned int critical,
			unsigned int reserve)
{
	return kind == CRAMD_POLICY_ADAPTIVE && critical && critical >= reserve;
}

bool cramd_config_consistent(const struct cramd_policy_params *p)
{
	return p->low_watermark_percent < p->high_watermark_percent &&
	       p->adaptive.critical_permille < p->adaptive.evict_target_permille &&
	       !evicts_plan(p->kind, p->adaptive.critical_permille,
			    p->adaptive.reserve_permille);
}

/* A value in a scope: the number, where it was set, in which section. */
struct scoped {
	enum cramd_key key;
	unsigned int value;
	struct cramd_origin at;
	const char *section;
};

static struct scoped lookup(const struct cramd_config_scope *sc, enum cramd_key key)
{
	bool dev = sc->dev && (sc->dev->set & KEY_BIT(key));
	const struct cramd_policy_params *p = dev ? &sc->dev->params : sc->policy;
	struct scoped v = {
		.key = key, .at = dev ? sc->dev_at[key] : sc->policy_at[key],
		.section = dev ? sc->dev_label : "policy",
	};

	memcpy(&v.value, (const char *)p + keys[key].offset, sizeof(v.value));
	return v;
}

static bool later(struct cramd_origin a, struct cramd_origin b)
{
	return a.file > b.file || (a.file == b.file && a.line > b.line);
}

/* @lo must be below @hi; the error is reported where the later one was set. */
static int check_pair(struct cramd_config_parse *ps, const struct cramd_config_scope *sc,
		      enum cramd_key lo_key, enum cramd_key hi_key)
{
	struct scoped lo = lookup(sc, lo_key), hi = lookup(sc, hi_key);
	bool lo_later = later(lo.at, hi.at);
	const struct scoped *bad = lo_later ? &lo : &hi, *other = lo_later ? &hi : &lo;
	char from[CRAMD_CONFIG_ERR_MAX / 2];

	if (lo.value < hi.value)
		return 0;
	if (!other->at.file)
		snprintf(from, sizeof(from), "the default");
	else
		snprintf(from, sizeof(from), "set in %s:%d [%s]",
			 cramd_config_file_name(ps, other->at), other->at.line, other->section);
	return cramd_config_fail(ps, bad->at, bad->section, keys[bad->key].name,
				 "value %u must be %s %s %u (%s)", bad->value,
				 lo_later ? "below" : "above", keys[other->key].name,
				 other->value, from);
}

int cramd_config_check_scope(struct cramd_config_parse *ps,
			     const struct cramd_config_scope *sc)
{
	if (check_pair(ps, sc, KEY_LOW, KEY_HIGH) < 0 ||
	    check_pair(ps, sc, KEY_CRITICAL, KEY_EVICT_TARGET) < 0)
		return -EINVAL;
	if (!evicts_plan(lookup(sc, KEY_POLICY).value, lookup(sc, KEY_CRITICAL).value,
			 lookup(sc, KEY_RESERVE).value))
		return 0;
	return check_pair(ps, sc, KEY_CRITICAL, KEY_RESERVE);
}
