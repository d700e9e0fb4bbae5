// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cramd configuration parser, on top of inih.
 *
 * inih (as packaged) calls the handler without a line number and only for
 * key = value lines, so the file is fed to it through our own reader that
 * counts lines, checks section headers as they go by, and refuses lines
 * inih would silently split or join (over-long lines, continuations).
 * Parsing stops at the first error; that error is the one reported.
 */
#include <dirent.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "names.h"

enum cramd_key {
	KEY_POLL_INTERVAL,
	KEY_DEVICES,
	KEY_DRY_RUN,
	KEY_OFFLINE_ON_STOP,
	KEY_OFFLINE_RETRIES,
	KEY_OFFLINE_TIMEOUT,
	KEY_POLICY,
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
	KEY_COUNT,
};

static const char *const sections[] = { "global", "policy" };
#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

struct parse_state {
	struct cramd_config *cfg;
	FILE *f;
	const char *file;
	char *err;
	size_t errlen;
	int line;		/* line number of the last line read */
	int err_line;		/* line of the first error, 0 if none */
	int read_errno;		/* errno of a failed read, 0 if none */
	bool after_key;		/* a key was seen since the last header */
	int section_line[N_SECTIONS];	/* where each of sections[] began, 0 if not */
	int key_line[KEY_COUNT];	/* where each key was set, 0 if not */
	size_t first_override;	/* overrides[] from here on began in this file */
	struct cramd_device_override *cur;	/* in a [device NAME] section */
	char cur_label[CRAMD_OVERRIDE_MATCH_MAX + 8];	/* "device NAME" */
	unsigned int file_no;	/* tells the files of one load apart */
	const char *check_section;	/* section named by check_*() messages */
};

/* A key; numeric keys have a range and the offset of their field. */
struct key_desc {
	const char *section;
	const char *name;
	unsigned int min;
	unsigned int max;
	size_t offset;
};


void cramd_config_init(struct cramd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->poll_interval_ms = CRAMD_POLL_MS_DEFAULT;
	cfg->offline_retries = CRAMD_OFFLINE_RETRIES_DEFAULT;
	cfg->offline_timeout_ms = CRAMD_OFFLINE_TIMEOUT_MS_DEFAULT;
	cfg->all_devices = true;
	cfg->policy = CRAMD_POLICY_ADAPTIVE;
	cfg->high_watermark_percent = CRAMD_HIGH_PCT_DEFAULT;
	cfg->low_watermark_percent = CRAMD_LOW_PCT_DEFAULT;
	cfg->stale_intervals = CRAMD_STALE_INTERVALS_DEFAULT;
	cfg->recover_samples = CRAMD_RECOVER_SAMPLES_DEFAULT;
	cfg->adaptive = (struct cramd_adaptive){
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
	};
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

/* Record the first error as "FILE:LINE: [section] key: message". */
static __attribute__((format(printf, 5, 6)))
int fail_at(struct parse_state *st, int line, const char *section,
	    const char *key, const char *fmt, ...)
{
	size_t n;
	int len;
	va_list ap;

	if (st->err_line)
		return 0;
	st->err_line = line;
	if (section && key)
		len = snprintf(st->err, st->errlen, "%s:%d: [%s] %s: ",
			       st->file, line, section, key);
	else if (key)
		len = snprintf(st->err, st->errlen, "%s:%d: %s: ",
			       st->file, line, key);
	else
		len = snprintf(st->err, st->errlen, "%s:%d: ", st->file, line);
	n = len < 0 ? 0 : (size_t)len;
	if (n >= st->errlen)
		return 0;
	va_start(ap, fmt);
	vsnprintf(st->err + n, st->errlen - n, fmt, ap);
	va_end(ap);
	return 0;
}

/*
 * Strict unsigned decimal: digits only, no sign, no blanks, no empty
 * string. Returns 0, -EINVAL or -ERANGE.
 */
static int parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return -EINVAL;
	for (; *s; s++) {
		unsigned int d;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		d = (unsigned int)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

#define CFG(field) offsetof(struct cramd_config, field)
#define ADA(field) (CFG(adaptive) + offsetof(struct cramd_adaptive, field))
#define NO_FIELD ((size_t)-1)

static const struct key_desc keys[KEY_COUNT] = {
	[KEY_POLL_INTERVAL] = { "global", "poll_interval_ms", CRAMD_POLL_MS_MIN,
				CRAMD_POLL_MS_MAX, CFG(poll_interval_ms) },
	[KEY_DEVICES] = { "global", "devices", 0, 0, NO_FIELD },
	[KEY_DRY_RUN] = { "global", "dry_run", 0, 0, CFG(dry_run) },
	[KEY_OFFLINE_ON_STOP] = { "global", "offline_on_stop", 0, 0, CFG(offline_on_stop) },
	[KEY_OFFLINE_RETRIES] = { "global", "offline_retries", 0, CRAMD_OFFLINE_RETRIES_MAX,
				  CFG(offline_retries) },
	[KEY_OFFLINE_TIMEOUT] = { "global", "offline_timeout_ms", CRAMD_OFFLINE_TIMEOUT_MS_MIN,
				  CRAMD_OFFLINE_TIMEOUT_MS_MAX, CFG(offline_timeout_ms) },
	[KEY_POLICY] = { "policy", "policy", 0, 0, NO_FIELD },
	[KEY_HIGH] = { "policy", "high_watermark_percent", CRAMD_HIGH_PCT_MIN,
		       CRAMD_HIGH_PCT_MAX, CFG(high_watermark_percent) },
	[KEY_LOW] = { "policy", "low_watermark_percent", CRAMD_LOW_PCT_MIN,
		      CRAMD_LOW_PCT_MAX, CFG(low_watermark_percent) },
	[KEY_STALE] = { "policy", "stale_intervals", 1, CRAMD_COUNT_MAX,
			CFG(stale_intervals) },
	[KEY_RECOVER] = { "policy", "recover_samples", 1, CRAMD_COUNT_MAX,
			  CFG(recover_samples) },
	[KEY_RESERVE] = { "policy", "reserve_permille", 0, CRAMD_PM_MAX,
			  ADA(reserve_permille) },
	[KEY_HYSTERESIS] = { "policy", "hysteresis_permille", 0, CRAMD_PM_MAX,
			     ADA(hysteresis_permille) },
	[KEY_CRITICAL] = { "policy", "critical_permille", 0, CRAMD_PM_MAX,
			   ADA(critical_permille) },
	[KEY_EVICT_TARGET] = { "policy", "evict_target_permille", 1,
			       CRAMD_PM_MAX, ADA(evict_target_permille) },
	[KEY_LAG] = { "policy", "actuation_lag_ms", 0, CRAMD_TIME_MS_MAX,
		      ADA(actuation_lag_ms) },
	[KEY_HOLD_OPEN] = { "policy", "min_gate_open_ms", 0, CRAMD_TIME_MS_MAX,
			    ADA(min_gate_open_ms) },
	[KEY_HOLD_CLOSED] = { "policy", "min_gate_closed_ms", 0,
			      CRAMD_TIME_MS_MAX, ADA(min_gate_closed_ms) },
	[KEY_MIN_RATE] = { "policy", "min_rate_kib", 0, CRAMD_MIN_RATE_KIB_MAX,
			   ADA(min_rate_kib) },
	[KEY_EVICT_WINDOW] = { "policy", "evict_window_ms",
			       CRAMD_EVICT_WINDOW_MS_MIN, CRAMD_TIME_MS_MAX,
			       ADA(evict_window_ms) },
	[KEY_SMOOTHING] = { "policy", "smoothing_percent",
			    CRAMD_SMOOTHING_PCT_MIN, CRAMD_SMOOTHING_PCT_MAX,
			    ADA(smoothing_percent) },
};

/* An error about the value of @key on the current line. */
#define fail_key(st, key, ...) \
	fail_at(st, (st)->line, (st)->cur ? (st)->cur_label : keys[key].section, \
		keys[key].name, __VA_ARGS__)

static int parse_ranged(struct parse_state *st, enum cramd_key key,
			const char *value, unsigned int min, unsigned int max,
			unsigned int *out)
{
	uint64_t v;
	int rc;

	rc = parse_u64(value, &v);
	if (rc == -EINVAL && *value == '\0')
		return fail_key(st, key, "empty value, expected a number in %u..%u",
				min, max);
	if (rc == -EINVAL)
		return fail_key(st, key,
				"invalid number '%.40s', expected an unsigned decimal in %u..%u",
				value, min, max);
	if (rc == -ERANGE || v < min || v > max)
		return fail_key(st, key, "value %.40s out of range %u..%u",
				value, min, max);
	*out = (unsigned int)v;
	return 1;
}

/* Any numeric key: range and field come from keys[]. */
static int set_number(struct parse_state *st, enum cramd_key key,
		      const char *value)
{
	const struct key_desc *k = &keys[key];
	unsigned int *field = (unsigned int *)((char *)st->cfg + k->offset);

	return parse_ranged(st, key, value, k->min, k->max, field);
}

/* A boolean key: yes/no, true/false, on/off, 1/0. */
static int set_bool(struct parse_state *st, enum cramd_key key,
		    const char *value)
{
	bool *field = (bool *)((char *)st->cfg + keys[key].offset);
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(value, yes[i]) == 0 || strcmp(value, no[i]) == 0) {
			*field = strcmp(value, yes[i]) == 0;
			return 1;
		}
	}
	return fail_key(st, key, "invalid value '%.40s', expected yes or no", value);
}

static int set_policy(struct parse_state *st, enum cramd_key key,
		      const char *value)
{
	if (strcmp(value, "static") == 0 || strcmp(value, "watermark") == 0) {
		st->cfg->policy = CRAMD_POLICY_STATIC;
		return 1;
	}
	if (strcmp(value, "adaptive") == 0) {
		st->cfg->policy = CRAMD_POLICY_ADAPTIVE;
		return 1;
	}
	return fail_key(st, key,
			"unknown policy '%.40s', expected adaptive, static or watermark",
			value);
}

bool cramd_config_valid_device_name(const char *name)
{
	return cramd_name_is(name, "region", 1) || cramd_name_is(name, "dax", 2);
}

static bool listed(const struct cramd_config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->n_devices; i++)
		if (strcmp(cfg->devices[i], name) == 0)
			return true;
	return false;
}

#define BAD_NAME "invalid device name '%.*s', expected daxX.Y or regionN"

/* Add one word of the devices list; @word is not NUL-terminated. */
static int add_device(struct parse_state *st, enum cramd_key key,
		      const char *word, size_t len)
{
	struct cramd_config *cfg = st->cfg;
	char name[CRAMD_CONFIG_NAME_MAX];

	if (len == 3 && strncmp(word, "all", 3) == 0)
		return fail_key(st, key,
				"'all' cannot be combined with device names");
	if (len >= sizeof(name))
		return fail_key(st, key, BAD_NAME, (int)(len > 40 ? 40 : len),
				word);
	memcpy(name, word, len);
	name[len] = '\0';
	if (!cramd_config_valid_device_name(name))
		return fail_key(st, key, BAD_NAME, (int)len, name);
	if (listed(cfg, name))
		return fail_key(st, key, "device '%s' listed twice", name);
	if (cfg->n_devices >= CRAMD_CONFIG_MAX_DEVICES)
		return fail_key(st, key, "more than %d devices",
				CRAMD_CONFIG_MAX_DEVICES);
	memcpy(cfg->devices[cfg->n_devices++], name, len + 1);
	return 1;
}

static int set_devices(struct parse_state *st, enum cramd_key key,
		       const char *value)
{
	const char *blanks = " \t";
	const char *p = value + strspn(value, blanks);

	st->cfg->n_devices = 0;
	if (*p == '\0')
		return fail_key(st, key,
				"empty value, expected 'all' or daxX.Y/regionN names");
	if (strcmp(p, "all") == 0) {
		st->cfg->all_devices = true;
		return 1;
	}
	st->cfg->all_devices = false;
	while (*p) {
		size_t len = strcspn(p, blanks);

		if (!add_device(st, key, p, len))
			return 0;
		p += len;
		p += strspn(p, blanks);
	}
	return 1;
}

static int (*setter_of(enum cramd_key key))(struct parse_state *,
					     enum cramd_key, const char *)
{
	if (key == KEY_DEVICES)
		return set_devices;
	if (key == KEY_POLICY)
		return set_policy;
	if (key == KEY_DRY_RUN || key == KEY_OFFLINE_ON_STOP)
		return set_bool;
	return set_number;
}

/*
 * A key in a [device NAME] section: any [policy] key, validated on a
 * scratch copy of the configuration and kept as text for
 * cramd_config_for_device().
 */
static int override_key(struct parse_state *st, const char *section, const char *name,
			const char *value)
{
	struct cramd_device_override *o = st->cur;
	struct cramd_config scratch = *st->cfg;
	struct cramd_config *real = st->cfg;
	size_t j;
	int i, rc;

	for (i = 0; i < KEY_COUNT; i++)
		if (strcmp(keys[i].section, "policy") == 0 && strcmp(name, keys[i].name) == 0)
			break;
	if (i == KEY_COUNT)
		return fail_at(st, st->line, section, name,
			       "unknown key (a device section takes [policy] keys)");
	for (j = 0; j < o->n_kv; j++)
		if (o->kv[j].key == (unsigned int)i && o->kv[j].file_no == st->file_no)
			return fail_at(st, st->line, section, name,
				       "duplicate key (first set on line %d)", o->kv[j].line);
	if (strlen(value) >= CRAMD_OVERRIDE_VALUE_MAX)
		return fail_at(st, st->line, section, name, "value too long");
	st->cfg = &scratch;
	rc = setter_of((enum cramd_key)i)(st, (enum cramd_key)i, value);
	st->cfg = real;
	if (!rc)
		return 0;
	for (j = 0; j < o->n_kv && o->kv[j].key != (unsigned int)i; j++)
		;
	if (j == CRAMD_OVERRIDE_MAX_KEYS)
		return fail_at(st, st->line, section, name, "too many keys in one section");
	if (j == o->n_kv)
		o->n_kv++;
	o->kv[j].key = (unsigned int)i;
	o->kv[j].line = st->line;
	o->kv[j].file_no = st->file_no;
	snprintf(o->kv[j].value, sizeof(o->kv[j].value), "%s", value);
	return 1;
}

static int handler(void *user, const char *section, const char *name,
		   const char *value)
{
	struct parse_state *st = user;
	int i;

	if (st->err_line)
		return 0;
	if (section[0] == '\0')
		return fail_at(st, st->line, NULL, name,
			       "key outside of any section");
	if (st->cur)
		return override_key(st, section, name, value);
	for (i = 0; i < KEY_COUNT; i++)
		if (strcmp(section, keys[i].section) == 0 &&
		    strcmp(name, keys[i].name) == 0)
			break;
	if (i == KEY_COUNT)
		return fail_at(st, st->line, section, name, "unknown key");
	if (st->key_line[i])
		return fail_at(st, st->line, section, name,
			       "duplicate key (first set on line %d)",
			       st->key_line[i]);
	st->key_line[i] = st->line;
	return setter_of((enum cramd_key)i)(st, (enum cramd_key)i, value);
}

/* The index of section @name in sections[], or -1. */
static int section_index(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < N_SECTIONS; i++)
		if (strlen(sections[i]) == len &&
		    strncmp(sections[i], name, len) == 0)
			return (int)i;
	return -1;
}

/* "daxX.Y", "regionN", "memN" or "serial:0xHEX" */
static bool valid_match(const char *m)
{
	size_t n;

	if (strncmp(m, "serial:0x", 9) == 0) {
		n = strspn(m + 9, "0123456789abcdefABCDEF");
		return n > 0 && n <= 16 && m[9 + n] == '\0';
	}
	return cramd_name_is(m, "mem", 1) || cramd_config_valid_device_name(m);
}

/*
 * A [device NAME] header. A section of an earlier file is continued (its
 * keys are overridden); the same section twice in one file is an error.
 */
static bool begin_override(struct parse_state *st, const char *name, size_t len)
{
	struct cramd_config *cfg = st->cfg;
	char match[CRAMD_OVERRIDE_MATCH_MAX];
	size_t i;

	if (len == 0 || len >= sizeof(match)) {
		fail_at(st, st->line, NULL, NULL, "[device %.*s]: expected [device daxX.Y], "
			"[device regionN], [device memN] or [device serial:0xHEX]",
			(int)(len > 40 ? 40 : len), name);
		return false;
	}
	memcpy(match, name, len);
	match[len] = '\0';
	if (!valid_match(match)) {
		fail_at(st, st->line, NULL, NULL, "[device %s]: expected [device daxX.Y], "
			"[device regionN], [device memN] or [device serial:0xHEX]", match);
		return false;
	}
	for (i = 0; i < cfg->n_overrides; i++) {
		if (strcmp(cfg->overrides[i].match, match))
			continue;
		if (i >= st->first_override) {
			fail_at(st, st->line, NULL, NULL,
				"[device %s]: duplicate section (first on line %d)", match,
				cfg->overrides[i].line);
			return false;
		}
		st->cur = &cfg->overrides[i];
		st->cur->line = st->line;
		snprintf(st->cur_label, sizeof(st->cur_label), "device %s", match);
		return true;
	}
	if (cfg->n_overrides == CRAMD_CONFIG_MAX_OVERRIDES) {
		fail_at(st, st->line, NULL, NULL, "[device %s]: more than %d device sections",
			match, CRAMD_CONFIG_MAX_OVERRIDES);
		return false;
	}
	st->cur = &cfg->overrides[cfg->n_overrides++];
	memset(st->cur, 0, sizeof(*st->cur));
	memcpy(st->cur->match, match, len + 1);
	st->cur->line = st->line;
	snprintf(st->cur_label, sizeof(st->cur_label), "device %s", match);
	return true;
}

/* Look at one complete line before inih does. Returns false on error. */
static bool check_line(struct parse_state *st, const char *line)
{
	const char *p = line + strspn(line, " \t");
	const char *end;
	int sec;

	if (st->line == 1 && strncmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	if (*p == '\0' || *p == '\n' || *p == '\r' || *p == ';' || *p == '#')
		return true;
	if (p > line && st->after_key) {
		fail_at(st, st->line, NULL, NULL,
			"indented line: continuation lines are not supported");
		return false;
	}
	if (*p != '[') {
		st->after_key = true;
		return true;
	}
	st->after_key = false;
	end = strchr(p, ']');
	if (!end)		/* inih reports it as a syntax error */
		return true;
	p++;
	st->cur = NULL;
	if (strncmp(p, "device ", 7) == 0)
		return begin_override(st, p + 7, (size_t)(end - p - 7));
	sec = section_index(p, (size_t)(end - p));
	if (sec < 0) {
		fail_at(st, st->line, NULL, NULL,
			"[%.*s]: unknown section, expected [global] or [policy]",
			(int)(end - p > 40 ? 40 : end - p), p);
		return false;
	}
	if (st->section_line[sec]) {
		fail_at(st, st->line, NULL, NULL,
			"[%s]: duplicate section (first on line %d)", sections[sec],
			st->section_line[sec]);
		return false;
	}
	st->section_line[sec] = st->line;
	return true;
}

/* fgets-like reader for inih: counts lines and vets them. */
static char *reader(char *buf, int num, void *stream)
{
	struct parse_state *st = stream;
	size_t len;

	if (st->err_line)
		return NULL;
	errno = 0;
	if (!fgets(buf, num, st->f)) {
		if (ferror(st->f))
			st->read_errno = errno ? errno : EIO;
		return NULL;
	}
	st->line++;
	len = strlen(buf);
	if (len + 1 >= (size_t)num && buf[len - 1] != '\n' && !feof(st->f)) {
		fail_at(st, st->line, NULL, NULL,
			"line too long (more than %d characters)", num - 3);
		return NULL;
	}
	if (!check_line(st, buf))
		return NULL;
	return buf;
}

/* After the whole file: low must stay below high. */
static void check_watermarks(struct parse_state *st)
{
	const struct cramd_config *cfg = st->cfg;
	int hl = st->key_line[KEY_HIGH], ll = st->key_line[KEY_LOW];

	if (cfg->low_watermark_percent < cfg->high_watermark_percent)
		return;
	if (ll > hl)
		fail_at(st, ll, st->check_section, keys[KEY_LOW].name,
			"value %u must be below high_watermark_percent %u%s",
			cfg->low_watermark_percent,
			cfg->high_watermark_percent, hl ? "" : " (the default)");
	else
		fail_at(st, hl, st->check_section, keys[KEY_HIGH].name,
			"value %u must be above low_watermark_percent %u%s",
			cfg->high_watermark_percent,
			cfg->low_watermark_percent, ll ? "" : " (the default)");
}

/* After the whole file: eviction must restore more than the critical level. */
static void check_eviction(struct parse_state *st)
{
	const struct cramd_adaptive *a = &st->cfg->adaptive;
	int tl = st->key_line[KEY_EVICT_TARGET], cl = st->key_line[KEY_CRITICAL];

	if (a->evict_target_permille > a->critical_permille)
		return;
	if (tl > cl)
		fail_at(st, tl, st->check_section, keys[KEY_EVICT_TARGET].name,
			"value %u must be above critical_permille %u%s",
			a->evict_target_permille, a->critical_permille,
			cl ? "" : " (the default)");
	else
		fail_at(st, cl, st->check_section, keys[KEY_CRITICAL].name,
			"value %u must be below evict_target_permille %u%s",
			a->critical_permille, a->evict_target_permille,
			tl ? "" : " (the default)");
}

/* Applies the keys of @o to @out (values were validated when parsed). */
static void apply_override(const struct cramd_device_override *o, struct cramd_config *out,
			   int *key_line)
{
	struct parse_state st = { .cfg = out, .check_section = "policy" };
	char err[8];
	size_t j;

	st.err = err;
	st.errlen = sizeof(err);
	for (j = 0; j < o->n_kv; j++) {
		setter_of((enum cramd_key)o->kv[j].key)(&st, (enum cramd_key)o->kv[j].key,
							o->kv[j].value);
		if (key_line)
			key_line[o->kv[j].key] = o->kv[j].line;
	}
}

/* Each device section must give a consistent configuration on its own. */
static void check_overrides(struct parse_state *st)
{
	char section[CRAMD_OVERRIDE_MATCH_MAX + 16];
	size_t i;

	for (i = st->first_override; i < st->cfg->n_overrides && !st->err_line; i++) {
		const struct cramd_device_override *o = &st->cfg->overrides[i];
		struct cramd_config resolved = *st->cfg;
		struct parse_state chk = *st;

		memset(chk.key_line, 0, sizeof(chk.key_line));
		apply_override(o, &resolved, chk.key_line);
		snprintf(section, sizeof(section), "device %s", o->match);
		chk.cfg = &resolved;
		chk.check_section = section;
		check_watermarks(&chk);
		if (!chk.err_line)
			check_eviction(&chk);
		st->err_line = chk.err_line;
	}
}

static bool override_matches(const struct cramd_device_override *o,
			     const struct cramd_device_ids *ids)
{
	const char *m = o->match;
	size_t len;

	if (strncmp(m, "serial:", 7) == 0)
		return ids->has_serial && strtoull(m + 7, NULL, 16) == ids->serial;
	if (strncmp(m, "mem", 3) == 0 && ids->memdevs) {
		const char *p = ids->memdevs;

		len = strlen(m);
		while ((p = strstr(p, m))) {
			if ((p == ids->memdevs || p[-1] == ',') && (p[len] == ',' || !p[len]))
				return true;
			p += len;
		}
		return false;
	}
	return strcmp(m, ids->devname) == 0 || (ids->region && strcmp(m, ids->region) == 0);
}

static bool consistent(const struct cramd_config *c)
{
	return c->low_watermark_percent < c->high_watermark_percent &&
	       c->adaptive.evict_target_permille > c->adaptive.critical_permille;
}

size_t cramd_config_for_device(const struct cramd_config *cfg,
			       const struct cramd_device_ids *ids,
			       struct cramd_config *out)
{
	const struct cramd_device_override *last = NULL;
	size_t i, n = 0;

	*out = *cfg;
	for (i = 0; i < cfg->n_overrides; i++) {
		if (override_matches(&cfg->overrides[i], ids)) {
			last = &cfg->overrides[i];
			apply_override(last, out, NULL);
			n++;
		}
	}
	/* Each section was checked on its own; a mix may not hold together. */
	if (last && !consistent(out)) {
		*out = *cfg;
		apply_override(last, out, NULL);
	}
	return n;
}

int cramd_config_parse_file(struct cramd_config *cfg, FILE *f,
			    const char *name, char *err, size_t errlen)
{
	struct parse_state st = {
		.cfg = cfg, .f = f, .file = name, .err = err, .errlen = errlen,
		.first_override = cfg->n_overrides, .check_section = "policy",
	};
	static unsigned int files_parsed;
	int rc;

	if (errlen)
		err[0] = '\0';
	st.file_no = ++files_parsed;
	rc = ini_parse_stream(reader, &st, handler, &st);
	if (rc > 0 && (!st.err_line || rc < st.err_line)) {
		st.err_line = 0;
		fail_at(&st, rc, NULL, NULL,
			"syntax error, expected [section] or key = value");
	} else if (rc < 0 && !st.err_line) {
		snprintf(err, errlen, "%s: cannot parse: %s", name,
			 strerror(rc == -2 ? ENOMEM : EIO));
		return -EINVAL;
	}
	if (!st.err_line && st.read_errno) {
		snprintf(err, errlen, "%s: read error: %s", name,
			 strerror(st.read_errno));
		return -EINVAL;
	}
	if (!st.err_line)
		check_watermarks(&st);
	if (!st.err_line)
		check_eviction(&st);
	if (!st.err_line)
		check_overrides(&st);
	return st.err_line ? -EINVAL : 0;
}

int cramd_config_load(struct cramd_config *cfg, const char *path,
		      char *err, size_t errlen)
{
	FILE *f;
	int rc;

	cramd_config_init(cfg);
	f = fopen(path, "re");
	if (!f) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 strerror(errno));
		return rc;
	}
	rc = cramd_config_parse_file(cfg, f, path, err, errlen);
	fclose(f);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_dropin_name(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len > 5 && strcmp(name + len - 5, ".conf") == 0;
}

/* The sorted *.conf names of @dir; -ENOENT when it does not exist. */
static int list_dropins(const char *dir, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cap = 0;

	*names = NULL;
	*n = 0;
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (!is_dropin_name(e->d_name))
			continue;
		if (*n == cap) {
			char **v = realloc(*names, (cap ? cap * 2 : 8) * sizeof(*v));

			if (!v)
				break;
			*names = v;
			cap = cap ? cap * 2 : 8;
		}
		(*names)[*n] = strdup(e->d_name);
		if (!(*names)[*n])
			break;
		(*n)++;
	}
	closedir(d);
	if (e) {
		while (*n)
			free((*names)[--(*n)]);
		free(*names);
		*names = NULL;
		return -ENOMEM;
	}
	qsort(*names, *n, sizeof(**names), cmp_names);
	return 0;
}

int cramd_config_load_dropins(struct cramd_config *cfg, const char *path,
			      char *err, size_t errlen)
{
	char dir[PATH_MAX], file[PATH_MAX + 256];
	char **names;
	size_t i, n;
	int rc;

	if (snprintf(dir, sizeof(dir), "%s.d", path) >= (int)sizeof(dir)) {
		snprintf(err, errlen, "%s.d: path too long", path);
		return -ENAMETOOLONG;
	}
	rc = list_dropins(dir, &names, &n);
	if (rc == -ENOENT || rc == -ENOTDIR)
		return 0;
	if (rc < 0) {
		snprintf(err, errlen, "%s: cannot read: %s", dir, strerror(-rc));
		return rc;
	}
	for (i = 0; i < n && rc == 0; i++) {
		FILE *f;

		snprintf(file, sizeof(file), "%s/%s", dir, names[i]);
		f = fopen(file, "re");
		if (!f) {
			rc = -errno;
			snprintf(err, errlen, "%s: cannot open: %s", file, strerror(errno));
			break;
		}
		rc = cramd_config_parse_file(cfg, f, file, err, errlen);
		fclose(f);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* The policy's view of @c. */
static void params_of(const struct cramd_config *c, struct cramd_policy_params *p)
{
	*p = (struct cramd_policy_params){
		.kind = c->policy,
		.poll_interval_ms = c->poll_interval_ms,
		.high_watermark_percent = c->high_watermark_percent,
		.low_watermark_percent = c->low_watermark_percent,
		.stale_intervals = c->stale_intervals,
		.recover_samples = c->recover_samples,
		.adaptive = c->adaptive,
	};
}

void cramd_config_default_params(struct cramd_policy_params *p)
{
	struct cramd_config c;

	cramd_config_init(&c);
	params_of(&c, p);
}

size_t cramd_config_policy_params(const struct cramd_config *cfg,
				  const struct cramd_device_ids *ids,
				  struct cramd_policy_params *out)
{
	struct cramd_config c;
	size_t n = 0;

	if (ids)
		n = cramd_config_for_device(cfg, ids, &c);
	params_of(ids ? &c : cfg, out);
	return n;
}

bool cramd_config_wants_device(const struct cramd_config *cfg,
			       const char *devname, const char *region)
{
	if (cfg->all_devices)
		return true;
	return listed(cfg, devname) || (region && listed(cfg, region));
}
