// SPDX-License-Identifier: GPL-2.0-or-later
/* Trace file parser of the compressed-device simulator. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

#define LINE_MAX_LEN 65536
#define MAX_PHASES 1024
#define MAX_PAGES (1u << 20)
#define NS_PER_MS 1000000ULL

struct parser {
	struct sim_trace *t;
	const char *file;
	int line;
	char *err;
	size_t errlen;
};

static __attribute__((format(printf, 2, 3)))
int fail(struct parser *p, const char *fmt, ...)
{
	int n = snprintf(p->err, p->errlen, "%s:%d: ", p->file, p->line);
	va_list ap;

	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Unsigned decimal with an optional K, M or G (binary) suffix. */
static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -ERANGE;
	if (*end == 'K')
		shift = 10;
	else if (*end == 'M')
		shift = 20;
	else if (*end == 'G')
		shift = 30;
	if (shift)
		end++;
	if (*end || v > (UINT64_MAX >> shift) >> 2)
		return *end ? -EINVAL : -ERANGE;
	*out = (uint64_t)v << shift;
	return 0;
}

static int parse_ratio(const char *s, double *out)
{
	char *end;
	double v;

	if (strcmp(s, "mix") == 0) {
		*out = 0;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -EINVAL;
	v = strtod(s, &end);
	if (*end || !isfinite(v) || v < 1.0 || v > 100.0)
		return -EINVAL;
	*out = v;
	return 0;
}

/* A key=value word; @val points into @word after the '='. */
static int split(struct parser *p, char *word, char **val)
{
	char *eq = strchr(word, '=');

	if (!eq || eq == word || !eq[1])
		return fail(p, "'%.40s': expected key=value", word);
	*eq = '\0';
	*val = eq + 1;
	return 0;
}

static int size_value(struct parser *p, const char *key, const char *val,
		      uint64_t min, uint64_t *out)
{
	int rc = parse_size(val, out);

	if (rc == 0 && *out < min)
		rc = -ERANGE;
	if (rc)
		return fail(p, "%s: '%.40s' is not a size >= %llu (digits, K/M/G suffix)",
			    key, val, (unsigned long long)min);
	return 0;
}

static int ms_value(struct parser *p, const char *key, const char *val,
		    uint64_t min, uint64_t *out_ns)
{
	uint64_t ms;
	int rc = parse_size(val, &ms);

	if (rc || ms < min || ms > 86400000ULL)
		return fail(p, "%s: '%.40s' is not a time in ms from %llu to 86400000",
			    key, val, (unsigned long long)min);
	*out_ns = ms * NS_PER_MS;
	return 0;
}

static int device_key(struct parser *p, const char *key, const char *val)
{
	struct sim_trace *t = p->t;

	if (!strcmp(key, "logical"))
		return size_value(p, key, val, 128ULL << 20, &t->logical_bytes);
	if (!strcmp(key, "phys"))
		return size_value(p, key, val, 1ULL << 20, &t->phys_bytes);
	if (!strcmp(key, "evict_bw"))
		return size_value(p, key, val, SIM_PAGE, &t->evict_bw);
	return fail(p, "device: unknown key '%.40s'", key);
}

static int timing_key(struct parser *p, const char *key, const char *val)
{
	struct sim_trace *t = p->t;
	uint64_t v;

	if (!strcmp(key, "step_ms"))
		return ms_value(p, key, val, 1, &t->step_ns);
	if (!strcmp(key, "poll_ms"))
		return ms_value(p, key, val, 10, &t->poll_ns);
	if (!strcmp(key, "lag_ms"))
		return ms_value(p, key, val, 0, &t->lag_ns);
	if (!strcmp(key, "delay_ms"))
		return ms_value(p, key, val, 0, &t->delay_ns);
	if (!strcmp(key, "seed"))
		return size_value(p, key, val, 0, &t->seed);
	if (!strcmp(key, "noise_permille")) {
		if (parse_size(val, &v) || v > 100)
			return fail(p, "noise_permille: '%.40s' is not 0..100", val);
		t->noise_permille = (unsigned int)v;
		return 0;
	}
	return fail(p, "timing: unknown key '%.40s'", key);
}

static int initial_key(struct parser *p, const char *key, const char *val)
{
	struct sim_trace *t = p->t;

	if (!strcmp(key, "logical"))
		return size_value(p, key, val, 0, &t->initial_bytes);
	if (!strcmp(key, "ratio")) {
		if (parse_ratio(val, &t->initial_ratio) || t->initial_ratio == 0)
			return fail(p, "%s: '%.40s' is not a ratio from 1.0 to 100", key, val);
		return 0;
	}
	return fail(p, "initial: unknown key '%.40s'", key);
}

static int phase_key(struct parser *p, struct sim_phase *ph, const char *key,
		     const char *val)
{
	if (!strcmp(key, "duration_ms"))
		return ms_value(p, key, val, 1, &ph->duration_ns);
	if (!strcmp(key, "demand"))
		return size_value(p, key, val, 0, &ph->demand);
	if (!strcmp(key, "promote"))
		return size_value(p, key, val, 0, &ph->promote);
	if (!strcmp(key, "osc_ms"))
		return ms_value(p, key, val, 1, &ph->osc_ns);
	if (!strcmp(key, "ratio") || !strcmp(key, "ratio_end")) {
		double *dst = key[5] ? &ph->ratio_end : &ph->ratio;

		if (parse_ratio(val, dst) || (key[5] && *dst == 0))
			return fail(p, "%s: '%.40s' is not a ratio from 1.0 to 100%s",
				    key, val, key[5] ? "" : " or 'mix'");
		return 0;
	}
	return fail(p, "phase: unknown key '%.40s'", key);
}

/* key=value words after the line's first word, fed to @fn. */
static int each_pair(struct parser *p, char *rest,
		     int (*fn)(struct parser *, const char *, const char *))
{
	char *save = NULL, *w, *val;
	int rc;

	for (w = strtok_r(rest, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		rc = split(p, w, &val);
		if (rc == 0)
			rc = fn(p, w, val);
		if (rc)
			return rc;
	}
	return 0;
}

static int add_phase(struct parser *p, char *rest)
{
	struct sim_trace *t = p->t;
	struct sim_phase ph = { .ratio = 1.0, .ratio_end = -1 }, *v;
	char *save = NULL, *w, *val;
	int rc;

	if (t->n_phases >= MAX_PHASES)
		return fail(p, "more than %d phases", MAX_PHASES);
	for (w = strtok_r(rest, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		rc = split(p, w, &val);
		if (rc == 0)
			rc = phase_key(p, &ph, w, val);
		if (rc)
			return rc;
	}
	if (!ph.duration_ns)
		return fail(p, "phase: duration_ms is missing");
	if (ph.ratio_end < 0)
		ph.ratio_end = ph.ratio;
	if ((ph.ratio == 0) != (ph.ratio_end == 0) || (ph.osc_ns && ph.ratio == 0))
		return fail(p, "phase: ratio=mix cannot drift or oscillate");
	v = realloc(t->phases, (t->n_phases + 1) * sizeof(*v));
	if (!v)
		return fail(p, "out of memory");
	t->phases = v;
	t->phases[t->n_phases++] = ph;
	return 0;
}

static int add_pages(struct parser *p, char *rest)
{
	struct sim_trace *t = p->t;
	char *save = NULL, *w;
	uint64_t v;
	uint32_t *n;

	for (w = strtok_r(rest, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (parse_size(w, &v) || v < 1 || v > SIM_PAGE)
			return fail(p, "pages: '%.40s' is not a compressed size 1..4096", w);
		if (t->n_page_sizes >= MAX_PAGES)
			return fail(p, "pages: more than %u sizes", MAX_PAGES);
		if (!(t->n_page_sizes & 1023)) {
			n = realloc(t->page_sizes, (t->n_page_sizes + 1024) * sizeof(*n));
			if (!n)
				return fail(p, "out of memory");
			t->page_sizes = n;
		}
		t->page_sizes[t->n_page_sizes++] = (uint32_t)v;
	}
	return 0;
}

static int header_line(struct parser *p, const char *word, char *rest)
{
	char *save = NULL, *v = strtok_r(rest, " \t", &save);

	if (!v || strtok_r(NULL, " \t", &save))
		return fail(p, "%s: expected one value", word);
	if (!strcmp(word, "name")) {
		if (strlen(v) >= SIM_NAME_MAX)
			return fail(p, "name: longer than %d characters", SIM_NAME_MAX - 1);
		strcpy(p->t->name, v);
		return 0;
	}
	if (strcmp(v, "yes") && strcmp(v, "no"))
		return fail(p, "compressible: expected yes or no, not '%.40s'", v);
	p->t->compressible = !strcmp(v, "yes");
	return 0;
}

static int parse_line(struct parser *p, char *line)
{
	char *save = NULL, *word, *rest;

	line[strcspn(line, "#\r\n")] = '\0';
	word = strtok_r(line, " \t", &save);
	if (!word)
		return 0;
	rest = save ? save : word + strlen(word);
	if (!strcmp(word, "name") || !strcmp(word, "compressible"))
		return header_line(p, word, rest);
	if (!strcmp(word, "device"))
		return each_pair(p, rest, device_key);
	if (!strcmp(word, "timing"))
		return each_pair(p, rest, timing_key);
	if (!strcmp(word, "initial"))
		return each_pair(p, rest, initial_key);
	if (!strcmp(word, "phase"))
		return add_phase(p, rest);
	if (!strcmp(word, "pages"))
		return add_pages(p, rest);
	return fail(p, "unknown line '%.40s', expected name, compressible, device, "
		    "initial, timing, phase or pages", word);
}

static int check_trace(struct parser *p)
{
	struct sim_trace *t = p->t;
	size_t i;

	if (!t->n_phases)
		return fail(p, "no phase");
	if (t->phys_bytes > t->logical_bytes)
		return fail(p, "device: phys is larger than logical");
	if (t->initial_bytes > t->logical_bytes ||
	    (double)t->initial_bytes / t->initial_ratio > (double)t->phys_bytes)
		return fail(p, "initial: the data does not fit the device");
	if (t->step_ns > t->poll_ns)
		return fail(p, "timing: step_ms is longer than poll_ms");
	for (i = 0; i < t->n_phases; i++)
		if (t->phases[i].ratio == 0 && !t->n_page_sizes)
			return fail(p, "ratio=mix but no pages line");
	return 0;
}

static void defaults(struct sim_trace *t, const char *path)
{
	const char *base = strrchr(path, '/');

	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", base ? base + 1 : path);
	t->name[strcspn(t->name, ".")] = '\0';
	t->compressible = true;
	t->logical_bytes = 4ULL << 30;
	t->phys_bytes = 1ULL << 30;
	t->evict_bw = 512ULL << 20;
	t->step_ns = 10 * NS_PER_MS;
	t->poll_ns = 100 * NS_PER_MS;
	t->lag_ns = 50 * NS_PER_MS;
	t->delay_ns = 20 * NS_PER_MS;
	t->noise_permille = 2;
	t->seed = 1;
	t->initial_ratio = 1.0;
}

int sim_trace_load(struct sim_trace *t, const char *path, char *err,
		   size_t errlen)
{
	struct parser p = { .t = t, .file = path, .err = err, .errlen = errlen };
	char *line = malloc(LINE_MAX_LEN);
	FILE *f;
	int rc = 0;

	defaults(t, path);
	f = fopen(path, "re");
	if (!f || !line) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		free(line);
		if (f)
			fclose(f);
		return rc;
	}
	while (rc == 0 && fgets(line, LINE_MAX_LEN, f)) {
		p.line++;
		if (!strchr(line, '\n') && !feof(f))
			rc = fail(&p, "line longer than %d characters", LINE_MAX_LEN - 2);
		else
			rc = parse_line(&p, line);
	}
	if (rc == 0 && ferror(f))
		rc = fail(&p, "read error");
	if (rc == 0)
		rc = check_trace(&p);
	fclose(f);
	free(line);
	if (rc)
		sim_trace_free(t);
	return rc;
}

void sim_trace_free(struct sim_trace *t)
{
	free(t->phases);
	free(t->page_sizes);
	t->phases = NULL;
	t->page_sizes = NULL;
	t->n_phases = 0;
	t->n_page_sizes = 0;
}

uint64_t sim_trace_duration_ns(const struct sim_trace *t)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < t->n_phases; i++)
		sum += t->phases[i].duration_ns;
	return sum;
}
