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

enum cramd_key {
	KEY_POLL_INTERVAL,
	KEY_DEVICES,
	KEY_DRY_RUN,
	KEY_OFFLINE_ON_STOP,
	KEY_OFFLINE_RETRIES,
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
	int section_line[2];	/* where each of sections[] began, 0 if not */
	int key_line[KEY_COUNT];	/* where each key was set, 0 if not */
};

/* A key; numeric keys have a range and the offset of their field. */
struct key_desc {
	const char *section;
	const char *name;
	unsigned int min;
	unsigned int max;
	size_t offset;
};

static const char *const sections[] = { "global", "policy" };

void cramd_config_init(struct cramd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->poll_interval_ms = CRAMD_POLL_MS_DEFAULT;
	cfg->offline_retries = CRAMD_OFFLINE_RETRIES_DEFAULT;
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
	fail_at(st, (st)->line, keys[key].section, keys[key].name, __VA_ARGS__)

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

/* Digits without a leading zero (except "0"), 1..9 of them; returns length. */
static size_t number_len(const char *s)
{
	size_t n = strspn(s, "0123456789");

	if (n == 0 || n > 9 || (n > 1 && s[0] == '0'))
		return 0;
	return n;
}

bool cramd_config_valid_device_name(const char *name)
{
	size_t n;

	if (strncmp(name, "region", 6) == 0) {
		n = number_len(name + 6);
		return n && name[6 + n] == '\0';
	}
	if (strncmp(name, "dax", 3) != 0)
		return false;
	n = number_len(name + 3);
	if (!n || name[3 + n] != '.')
		return false;
	name += 3 + n + 1;
	n = number_len(name);
	return n && name[n] == '\0';
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

	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (strlen(sections[i]) == len &&
		    strncmp(sections[i], name, len) == 0)
			return (int)i;
	return -1;
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
		fail_at(st, ll, "policy", keys[KEY_LOW].name,
			"value %u must be below high_watermark_percent %u%s",
			cfg->low_watermark_percent,
			cfg->high_watermark_percent, hl ? "" : " (the default)");
	else
		fail_at(st, hl, "policy", keys[KEY_HIGH].name,
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
		fail_at(st, tl, "policy", keys[KEY_EVICT_TARGET].name,
			"value %u must be above critical_permille %u%s",
			a->evict_target_permille, a->critical_permille,
			cl ? "" : " (the default)");
	else
		fail_at(st, cl, "policy", keys[KEY_CRITICAL].name,
			"value %u must be below evict_target_permille %u%s",
			a->critical_permille, a->evict_target_permille,
			tl ? "" : " (the default)");
}

int cramd_config_parse_file(struct cramd_config *cfg, FILE *f,
			    const char *name, char *err, size_t errlen)
{
	struct parse_state st = {
		.cfg = cfg, .f = f, .file = name, .err = err, .errlen = errlen,
	};
	int rc;

	if (errlen)
		err[0] = '\0';
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

bool cramd_config_wants_device(const struct cramd_config *cfg,
			       const char *devname, const char *region)
{
	if (cfg->all_devices)
		return true;
	return listed(cfg, devname) || (region && listed(cfg, region));
}
