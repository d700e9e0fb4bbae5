// SPDX-License-Identifier: GPL-2.0-or-later
/* cramd: command line, configuration, the sd-event loop and sd_notify. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "bounded.h"
#include "control-commands.h"
#include "config.h"
#include "control-socket.h"
#include "history.h"
#include "instance-lock.h"
#include "log.h"
#include "manager.h"

#define DEFAULT_CONFIG SYSCONFDIR "/cramd.conf"

struct options {
	const char *config;
	const char *socket;
	bool explicit_config;
	bool check_config;
	bool verbose;
};

struct daemon_state {
	char status[128];
	bool ready;
	const struct options *opts;
	struct cramd_manager *manager;
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
		"  -s, --socket PATH  control socket (default %s)\n"
		"      --check-config validate the configuration and exit\n"
		"  -v, --verbose      log debug messages too\n"
		"  -V, --version      print the version and exit\n"
		"  -h, --help         print this help and exit\n"
		"\n"
		"See cramd(8) and cramd.conf(5).\n", DEFAULT_CONFIG, CRAMD_SOCKET_PATH);
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
		{ "socket", required_argument, NULL, 's' },
		{ "check-config", no_argument, NULL, OPT_CHECK },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char optname[3] = "-?";
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:s:vVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (optarg[0] == '\0')
				return bad_usage("empty file name for", "--config");
			o->config = optarg;
			o->explicit_config = true;
			break;
		case 's':
			if (optarg[0] == '\0')
				return bad_usage("empty path for", "--socket");
			o->socket = optarg;
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

/*
 * Reads the configuration file named by the options, or the built-in
 * defaults when the default file is absent, then its drop-ins
 * (the *.conf files of FILE.d). Returns 0, or -errno with one line in @err.
 */
static int read_config(const struct options *o, struct cramd_config *cfg,
		       bool *absent, char *err, size_t errlen)
{
	int rc = cramd_config_load(cfg, o->config, o->explicit_config ? 0 : CRAMD_CONFIG_OPTIONAL,
				   err, errlen);

	*absent = rc == 1;
	return rc < 0 ? rc : 0;
}

/* Returns 0 with @cfg loaded, or 1 after printing one line on stderr. */
static int load_config(const struct options *o, struct cramd_config *cfg,
		       bool *absent)
{
	char err[CRAMD_CONFIG_ERR_MAX];

	if (read_config(o, cfg, absent, err, sizeof(err)) < 0) {
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

/*
 * SIGHUP: read the configuration again. An invalid one is refused with its
 * file, line and key, and the one in force stays.
 */
static int on_hup(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	struct daemon_state *st = userdata;
	char err[CRAMD_CONFIG_ERR_MAX];
	struct cramd_config cfg;
	bool absent;

	sd_notify(0, "RELOADING=1");
	if (read_config(st->opts, &cfg, &absent, err, sizeof(err)) < 0) {
		cramd_log(LOG_ERR, "reload refused: %s; the previous configuration stays in force",
			  err);
	} else if (st->manager) {
		cramd_manager_set_config(st->manager, &cfg);
		cramd_log(LOG_NOTICE, "reloaded %s%s: poll %u ms, policy %s, devices %s%s",
			  st->opts->config, absent ? " (absent: built-in defaults)" : "",
			  cfg.poll_interval_ms, cramd_config_policy_name(cfg.policy.kind),
			  cfg.all_devices ? "all" : "as listed", cfg.dry_run ? ", dry-run" : "");
	}
	sd_notifyf(0, "READY=1\nSTATUS=%s", st->status);
	return 0;
}

/*
 * SIGTERM, SIGINT and SIGHUP come through sd-event (signalfd), blocked.
 * SIGALRM is bounded.c's, blocked as well but never given to sd-event: it
 * ends the offline writes that would otherwise block forever.
 */
static int setup_signals(sd_event *ev, sd_event_source **src, struct daemon_state *st)
{
	sigset_t mask;
	int rc;

	rc = cramd_bounded_setup();
	if (rc < 0)
		return rc;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -errno;
	rc = sd_event_add_signal(ev, &src[0], SIGTERM, on_signal, NULL);
	if (rc >= 0)
		rc = sd_event_add_signal(ev, &src[1], SIGINT, on_signal, NULL);
	if (rc >= 0)
		rc = sd_event_add_signal(ev, &src[2], SIGHUP, on_hup, st);
	return rc;
}

/*
 * The control socket is a convenience: without it cramd still protects
 * the devices, so a failure is logged and the daemon goes on.
 */
static struct cramd_control *start_control(sd_event *ev, const char *path,
					   struct cramd_commands *cmds)
{
	struct cramd_control *ctl = NULL;
	int rc;

	rc = cramd_control_new(&ctl, ev, path, cramd_commands_handle, cmds);
	if (rc < 0) {
		cramd_log(LOG_ERR, "control socket %s: %s; cramctl cannot reach cramd",
			  path, strerror(-rc));
		return NULL;
	}
	cramd_log(LOG_INFO, "control socket: %s", path);
	return ctl;
}

/*
 * Takes the instance lock in the control socket's directory, before the
 * socket or any device is touched. Returns its descriptor, or -1 after
 * logging why cramd must not run.
 */
static int lock_instance(const char *socket)
{
	char dir[4096], err[4096 + 128];
	char *slash;
	int fd;

	snprintf(dir, sizeof(dir), "%s", socket);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	fd = cramd_instance_lock(dir, err, sizeof(err));
	if (fd < 0) {
		cramd_log(LOG_ERR, "%s; not starting", err);
		return -1;
	}
	return fd;
}

static int run(const struct cramd_config *cfg, const struct options *o)
{
	static struct cramd_history history;
	struct daemon_state st = { .status = "starting", .opts = o };
	sd_event_source *sig[3] = { NULL, NULL, NULL };
	struct cramd_commands cmds = { .history = &history };
	struct cramd_control *ctl = NULL;
	struct cramd_manager *m = NULL;
	sd_event *ev = NULL;
	int lock_fd, rc;

	lock_fd = lock_instance(o->socket);
	if (lock_fd < 0)
		return 1;
	cramd_history_init(&history);
	rc = sd_event_default(&ev);
	if (rc >= 0)
		rc = setup_signals(ev, sig, &st);
	if (rc >= 0)
		rc = cramd_manager_new(&m, cfg, ev, &history, on_status, &st);
	if (rc >= 0) {
		cmds.manager = m;
		st.manager = m;
		ctl = start_control(ev, o->socket, &cmds);
		/* WATCHDOG=1 pings when the unit sets WatchdogSec=. */
		if (sd_event_set_watchdog(ev, true) < 0)
			cramd_log(LOG_WARNING, "cannot set up the systemd watchdog");
		st.ready = true;
		sd_notifyf(0, "READY=1\nSTATUS=%s", st.status);
		cramd_log(LOG_INFO, "ready: %s", st.status);
		rc = sd_event_loop(ev);
		sd_notify(0, "STOPPING=1\nSTATUS=stopping");
		if (rc >= 0 && cramd_manager_stop(m) > 0) {
			cramd_log(LOG_ERR, "stopped with devices still online: see above");
			rc = 1;
		}
	}
	if (rc < 0)
		cramd_log(LOG_ERR, "fatal: %s", strerror(-rc));
	/* This order: the manager completes the replies still pending (control-socket.h). */
	cramd_control_free(ctl);
	cramd_manager_free(m);
	for (size_t i = 0; i < 3; i++)
		sd_event_source_unref(sig[i]);
	sd_event_unref(ev);
	close(lock_fd);	/* last: the socket is gone, another cramd may start */
	return rc < 0 ? 1 : rc;
}

int main(int argc, char **argv)
{
	struct options o = { .config = DEFAULT_CONFIG, .socket = CRAMD_SOCKET_PATH };
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
		  cfg.poll_interval_ms, cramd_config_policy_name(cfg.policy.kind),
		  cfg.policy.high_watermark_percent, cfg.policy.low_watermark_percent,
		  cfg.all_devices ? "all" : "as listed");
	return run(&cfg, &o);
}
