// SPDX-License-Identifier: GPL-2.0-or-later
/* cramd: command line, configuration, the sd-event loop and sd_notify. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "config.h"
#include "log.h"
#include "manager.h"

#define DEFAULT_CONFIG SYSCONFDIR "/cramd.conf"

struct options {
	const char *config;
	bool explicit_config;
	bool check_config;
	bool verbose;
};

struct daemon_state {
	char status[128];
	bool ready;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: cramd [-c|--config FILE] [--check-config] [-v|--verbose]\n"
		"             [-V|--version] [-h|--help]\n"
		"\n"
		"Manage CXL compressed-RAM devices as private memory nodes.\n"
		"\n"
		"  -c, --config FILE  configuration file (default %s)\n"
		"      --check-config validate the configuration and exit\n"
		"  -v, --verbose      log debug messages too\n"
		"  -V, --version      print the version and exit\n"
		"  -h, --help         print this help and exit\n"
		"\n"
		"See cramd(8) and cramd.conf(5).\n", DEFAULT_CONFIG);
}

/* One line: "cramd: PROBLEM 'WHAT'; try 'cramd --help'". */
static int bad_usage(const char *problem, const char *what)
{
	fprintf(stderr, "cramd: %s '%s'; try 'cramd --help'\n", problem, what);
	return -1;
}

/* Returns 0 to run, 1 to exit successfully, -1 on bad usage. */
static int parse_args(int argc, char **argv, struct options *o)
{
	enum { OPT_CHECK = 256 };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, OPT_CHECK },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char optname[3] = "-?";
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:vVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (optarg[0] == '\0')
				return bad_usage("empty file name for", "--config");
			o->config = optarg;
			o->explicit_config = true;
			break;
		case OPT_CHECK:
			o->check_config = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'V':
			printf("cramd %s\n", PACKAGE_VERSION);
			return 1;
		case 'h':
			usage(stdout);
			return 1;
		case ':':
			return bad_usage("missing argument for option",
					 argv[optind - 1]);
		default:
			if (optopt) {
				optname[1] = (char)optopt;
				return bad_usage("unknown option", optname);
			}
			return bad_usage("unknown option", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return bad_usage("unexpected argument", argv[optind]);
	return 0;
}

/* Returns 0 with @cfg loaded, or 1 after printing one line on stderr. */
static int load_config(const struct options *o, struct cramd_config *cfg,
		       bool *absent)
{
	char err[CRAMD_CONFIG_ERR_MAX];
	int rc = cramd_config_load(cfg, o->config, err, sizeof(err));

	*absent = false;
	if (rc == -ENOENT && !o->explicit_config) {
		cramd_config_init(cfg);
		*absent = true;
		return 0;
	}
	if (rc < 0) {
		fprintf(stderr, "cramd: %s\n", err);
		return 1;
	}
	return 0;
}

static void on_status(const struct cramd_counts *c, void *userdata)
{
	struct daemon_state *st = userdata;
	char status[sizeof(st->status)];

	snprintf(status, sizeof(status),
		 "managing %zu device%s, %zu gate%s closed, %zu degraded",
		 c->managed, c->managed == 1 ? "" : "s", c->gates_closed,
		 c->gates_closed == 1 ? "" : "s", c->degraded);
	if (strcmp(status, st->status) == 0)
		return;
	memcpy(st->status, status, sizeof(status));
	if (st->ready)
		sd_notifyf(0, "STATUS=%s", status);
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si,
		     void *userdata)
{
	cramd_log(LOG_INFO, "received SIG%s, exiting",
		  sigabbrev_np((int)si->ssi_signo));
	return sd_event_exit(sd_event_source_get_event(s), 0);
}

static int setup_signals(sd_event *ev, sd_event_source **term,
			 sd_event_source **intr)
{
	sigset_t mask;
	int rc;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -errno;
	rc = sd_event_add_signal(ev, term, SIGTERM, on_signal, NULL);
	if (rc >= 0)
		rc = sd_event_add_signal(ev, intr, SIGINT, on_signal, NULL);
	return rc;
}

static int run(const struct cramd_config *cfg)
{
	struct daemon_state st = { .status = "starting" };
	sd_event_source *term = NULL, *intr = NULL;
	struct cramd_manager *m = NULL;
	sd_event *ev = NULL;
	int rc;

	rc = sd_event_default(&ev);
	if (rc >= 0)
		rc = setup_signals(ev, &term, &intr);
	if (rc >= 0)
		rc = cramd_manager_new(&m, cfg, ev, on_status, &st);
	if (rc >= 0) {
		st.ready = true;
		sd_notifyf(0, "READY=1\nSTATUS=%s", st.status);
		cramd_log(LOG_INFO, "ready: %s", st.status);
		rc = sd_event_loop(ev);
		sd_notify(0, "STOPPING=1\nSTATUS=stopping");
	}
	if (rc < 0)
		cramd_log(LOG_ERR, "fatal: %s", strerror(-rc));
	cramd_manager_free(m);
	sd_event_source_unref(term);
	sd_event_source_unref(intr);
	sd_event_unref(ev);
	return rc < 0 ? 1 : rc;
}

int main(int argc, char **argv)
{
	struct options o = { .config = DEFAULT_CONFIG };
	struct cramd_config cfg;
	bool absent;
	int rc;

	rc = parse_args(argc, argv, &o);
	if (rc)
		return rc < 0 ? 1 : 0;
	if (load_config(&o, &cfg, &absent))
		return 1;
	if (o.check_config) {
		printf("cramd: %s: ok%s\n", o.config,
		       absent ? " (absent: built-in defaults)" : "");
		return 0;
	}
	cramd_log_init(o.verbose);
	cramd_log(LOG_INFO, "cramd %s starting: config %s%s, poll %u ms, "
		  "policy %s %u%%/%u%%, devices %s", PACKAGE_VERSION, o.config,
		  absent ? " (absent: built-in defaults)" : "",
		  cfg.poll_interval_ms, cramd_config_policy_name(cfg.policy),
		  cfg.high_watermark_percent, cfg.low_watermark_percent,
		  cfg.all_devices ? "all" : "as listed");
	return run(&cfg);
}
