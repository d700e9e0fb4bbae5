// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cram-bench: every trace against static, adaptive and the oracle, in
 * virtual time. See tests/sim/README.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../../cramd/config.h"
#include "run.h"
#include "trace.h"

#define PROG "cram-bench"
#define MAX_TRACES 256
#define N_POLICIES 3
#define UTIL_TARGET 0.95		/* compressible traces */
#define UTIL_TARGET_OTHER 0.90		/* the others */
#define FLAPS_TARGET 5.0		/* gate changes per 100 s */

struct options {
	const char *files[MAX_TRACES];
	size_t n_files;
	bool json;
	bool shipped;
	bool check;
	struct cramd_policy_params policy;	/* --config's, when sim.policy */
	struct sim_options sim;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [--json] [--trace FILE]... [--no-shipped] [--config FILE] [--check]\n"
		"Run every trace against the static and adaptive policies of cramd and\n"
		"an oracle, in virtual time, and print what each achieved.\n"
		"  --trace FILE   run this trace file too (repeatable)\n"
		"  --no-shipped   only the --trace files, not those in %s\n"
		"  --json         one JSON object instead of the table\n"
		"  --config FILE  run cramd's policies with the [policy] section of this\n"
		"                 cramd.conf (and FILE.d/*.conf), as cramd reads it; the\n"
		"                 trace sets the poll interval, and both policies run\n"
		"  --max-sleep-ms N  run cramd's policies with [policy] max_sleep_ms = N\n"
		"  --check        exit 1 unless adaptive meets its targets: no overflow,\n"
		"                 >= 95%% of the oracle's capacity on compressible traces,\n"
		"                 >= 90%% on the others, <= 5 gate changes per 100 s\n"
		"  --help         this text\n", TRACE_DIR);
}

static int add_file(struct options *o, const char *path)
{
	char *copy;

	if (o->n_files >= MAX_TRACES) {
		fprintf(stderr, PROG ": more than %d traces\n", MAX_TRACES);
		return -E2BIG;
	}
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	o->files[o->n_files++] = copy;
	return 0;
}

static int is_trace(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return n > 6 && strcmp(e->d_name + n - 6, ".trace") == 0;
}

static int add_shipped(struct options *o)
{
	struct dirent **list;
	char path[4096];
	int i, n = scandir(TRACE_DIR, &list, is_trace, alphasort), rc = 0;

	if (n < 0) {
		fprintf(stderr, PROG ": %s: %s\n", TRACE_DIR, strerror(errno));
		return -errno;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", TRACE_DIR, list[i]->d_name);
		if (rc == 0)
			rc = add_file(o, path);
		free(list[i]);
	}
	free(list);
	return rc;
}

/* A time in ms, 0..600000 (the configuration key's range). */
static int parse_ms(const char *s, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > 600000) {
		fprintf(stderr, PROG ": --max-sleep-ms: '%s' is not 0..600000\n", s);
		return -1;
	}
	*out = v;
	return 0;
}

/*
 * The [policy] of a cramd configuration, read and checked by cramd's own
 * parser, so that a file cramd would refuse is refused here too, with
 * its message.
 */
static int load_config(const char *path, struct options *o)
{
	struct cramd_config *cfg = malloc(sizeof(*cfg));
	char err[CRAMD_CONFIG_ERR_MAX];
	int rc;

	if (!cfg) {
		fprintf(stderr, PROG ": %s\n", strerror(ENOMEM));
		return -1;
	}
	rc = cramd_config_load(cfg, path, 0, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, PROG ": --config: %s\n", err);
	else
		cramd_config_policy_params(cfg, NULL, &o->policy);
	free(cfg);
	if (rc < 0)
		return -1;
	o->sim.policy = &o->policy;
	return 0;
}

/* Returns 0, 1 after --help, or -1 on a usage error. */
static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "trace", required_argument, NULL, 't' },
		{ "no-shipped", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "check", no_argument, NULL, 'c' },
		{ "max-sleep-ms", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->shipped = true;
	o->sim.max_sleep_ms = -1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (add_file(o, optarg) < 0)
				return -1;
			break;
		case 'n': o->shipped = false; break;
		case 'j': o->json = true; break;
		case 'c': o->check = true; break;
		case 's':
			if (parse_ms(optarg, &o->sim.max_sleep_ms) < 0)
				return -1;
			break;
		case 'f':
			if (load_config(optarg, o) < 0)
				return -1;
			break;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

/* ---- output ------------------------------------------------------------------ */

static void print_header(void)
{
	printf("%-20s %-9s %-5s %9s %14s %8s %6s %14s %10s %8s\n", "TRACE", "POLICY",
	       "COMPR", "OVERFLOWS", "MIN-HEADROOM", "UTIL", "FLAPS", "EVICTED",
	       "FLAPS/100S", "PASSES/S");
}

static void print_row(const struct sim_result *r)
{
	printf("%-20s %-9s %-5s %9" PRIu64 " %14" PRId64 " %7.1f%% %6" PRIu64
	       " %14" PRIu64 " %10.1f %8.2f\n", r->trace, r->policy,
	       r->compressible ? "yes" : "no", r->overflows, r->min_headroom,
	       100 * r->util, r->gate_flaps, r->evicted_bytes, r->flaps_per_100s,
	       r->passes_per_s);
}

static json_object *result_json(const struct sim_result *r)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "trace", json_object_new_string(r->trace));
	json_object_object_add(o, "policy", json_object_new_string(r->policy));
	json_object_object_add(o, "compressible",
			       json_object_new_boolean(r->compressible));
	json_object_object_add(o, "overflows",
			       json_object_new_int64((int64_t)r->overflows));
	json_object_object_add(o, "min_headroom_bytes",
			       json_object_new_int64(r->min_headroom));
	json_object_object_add(o, "utilization_vs_oracle",
			       json_object_new_double(r->util));
	json_object_object_add(o, "gate_flaps",
			       json_object_new_int64((int64_t)r->gate_flaps));
	json_object_object_add(o, "evicted_bytes",
			       json_object_new_int64((int64_t)r->evicted_bytes));
	json_object_object_add(o, "gate_flaps_per_100s",
			       json_object_new_double(r->flaps_per_100s));
	json_object_object_add(o, "passes_per_s",
			       json_object_new_double(r->passes_per_s));
	return o;
}

/* Worst case per policy over all traces. */
struct worst {
	uint64_t overflows;
	int64_t min_headroom;
	bool have_headroom, have_util;
	char headroom_trace[SIM_NAME_MAX];
	double util;
	char util_trace[SIM_NAME_MAX];
	bool missed;		/* a target of --check missed on some trace */
};

static void track_worst(struct worst *w, const struct sim_result *r)
{
	w->overflows += r->overflows;
	if (r->util < (r->compressible ? UTIL_TARGET : UTIL_TARGET_OTHER) ||
	    r->flaps_per_100s > FLAPS_TARGET)
		w->missed = true;
	if (!w->have_headroom || r->min_headroom < w->min_headroom) {
		w->min_headroom = r->min_headroom;
		snprintf(w->headroom_trace, sizeof(w->headroom_trace), "%s", r->trace);
		w->have_headroom = true;
	}
	if (r->compressible && (!w->have_util || r->util < w->util)) {
		w->util = r->util;
		snprintf(w->util_trace, sizeof(w->util_trace), "%s", r->trace);
		w->have_util = true;
	}
}

static void print_summary(const struct worst *w)
{
	int p;

	printf("worst case:");
	for (p = 0; p < N_POLICIES - 1; p++) {
		printf("%s %s: %" PRIu64 " overflows, min headroom %" PRId64
		       " bytes (%s), ", p ? ";" : "",
		       sim_policy_name((enum sim_policy)p), w[p].overflows,
		       w[p].min_headroom, w[p].have_headroom ? w[p].headroom_trace : "-");
		if (w[p].have_util)
			printf("utilization %.1f%% (%s)", 100 * w[p].util, w[p].util_trace);
		else
			printf("utilization n/a (no compressible trace)");
	}
	printf("\n");
}

static bool meets_targets(const struct worst *adaptive)
{
	return adaptive->overflows == 0 && !adaptive->missed;
}

/* ---- running ------------------------------------------------------------------- */

static int run_trace(const char *path, const struct options *o, json_object *arr,
		     struct worst *w)
{
	struct sim_result r[N_POLICIES];
	struct sim_trace t;
	char err[SIM_ERR_MAX];
	int p, rc = sim_trace_load(&t, path, err, sizeof(err));

	if (rc < 0) {
		fprintf(stderr, PROG ": %s\n", err);
		return rc;
	}
	for (p = 0; p < N_POLICIES && rc == 0; p++)
		rc = sim_run(&t, (enum sim_policy)p, &o->sim, &r[p]);
	for (p = 0; p < N_POLICIES && rc == 0; p++) {
		r[p].util = r[SIM_ORACLE].avg_logical > 0 ?
			    r[p].avg_logical / r[SIM_ORACLE].avg_logical : 1;
		if (p != SIM_ORACLE)
			track_worst(&w[p], &r[p]);
		if (o->json)
			json_object_array_add(arr, result_json(&r[p]));
		else
			print_row(&r[p]);
	}
	if (rc < 0)
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(-rc));
	sim_trace_free(&t);
	return rc;
}

static int run_all(const struct options *o)
{
	struct worst w[N_POLICIES] = { { 0 } };
	json_object *root = json_object_new_object();
	json_object *arr = json_object_new_array();
	size_t i;
	int rc = 0;

	json_object_object_add(root, "results", arr);
	if (!o->json)
		print_header();
	for (i = 0; i < o->n_files && rc == 0; i++)
		rc = run_trace(o->files[i], o, arr, w);
	if (rc == 0 && o->json)
		printf("%s\n", json_object_to_json_string_ext(root,
				JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
	else if (rc == 0)
		print_summary(w);
	json_object_put(root);
	if (rc < 0)
		return 2;
	if (o->check && !meets_targets(&w[SIM_ADAPTIVE])) {
		fprintf(stderr, PROG ": adaptive misses its targets\n");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = { .n_files = 0 };
	size_t i;
	int rc = parse_args(argc, argv, &o);

	if (rc == 0 && o.shipped)
		rc = add_shipped(&o) < 0 ? -1 : 0;
	if (rc == 0 && !o.n_files) {
		fprintf(stderr, PROG ": no trace to run\n");
		rc = -1;
	}
	if (rc == 0)
		rc = run_all(&o);
	else
		rc = rc > 0 ? 0 : 2;
	for (i = 0; i < o.n_files; i++)
		free((char *)o.files[i]);
	return rc;
}
