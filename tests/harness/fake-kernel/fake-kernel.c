// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cram-fake-kernel [options] -- COMMAND [ARGS...]
 *
 * Runs COMMAND against a umockdev testbed that holds simulated compressed
 * CXL devices, and plays the kernel's cram provider until COMMAND exits.
 * It must itself run under umockdev-wrapper; COMMAND inherits the preload,
 * UMOCKDEV_DIR and CRAM_TESTBED (the testbed's root directory). The exit
 * status is COMMAND's, or 128 + the signal that killed it.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib-unix.h>
#include <umockdev.h>

#include "util/decimal.h"

#include "device.h"
#include "provider.h"
#include "uevent-queue.h"

#define PROG		"cram-fake-kernel"
#define BLOCK_SIZE	(128ULL << 20)
#define KILL_DELAY_S	5

struct options {
	uint64_t devices;
	uint64_t size;
	uint64_t phys;		/* 0: mktestbed's default (size / 2) */
	const char *abi;
	const char *bind;	/* mktestbed's --bind list, NULL: all cram */
	bool stock;		/* no cram driver */
	bool pmem;		/* pmem regions through the nvdimm bridge */
	struct fk_config cfg;
	uint64_t tick_ms;
	char **command;
};

struct fake_kernel {
	struct options opt;
	GMainLoop *loop;
	UMockdevTestbed *tb;
	struct fk_uevent_queue *uevents;
	struct fk_provider *provider;
	GPid child;
	int wait_status;
	bool child_done;
	gint64 last_tick_us;
	guint kill_timer;
};

struct forward {
	struct fake_kernel *fk;
	int sig;
};

static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2 };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [options] -- COMMAND [ARGS...]\n"
		"Run COMMAND on a umockdev testbed of simulated compressed CXL devices.\n"
		"Must run under umockdev-wrapper.\n"
		"  --devices N            cram devices (default 1)\n"
		"  --size BYTES           logical size per device, a multiple of 128 MiB\n"
		"                         (default 1073741824)\n"
		"  --phys BYTES           physical capacity per device (default size / 2)\n"
		"  --abi v1|v2|p3|none    private-node discovery files (default v1; v2 adds\n"
		"                         placement mode and explicit migration)\n"
		"  --bind DRIVER[,...]    driver of device K: the K-th of cram, device_dax,\n"
		"                         kmem, kmem-online or none (default cram)\n"
		"  --stock                a kernel without the cram provider\n"
		"  --pmem                 pmem regions, their dax devices under the nvdimm\n"
		"                         bridge (QEMU 7.2, which has no volatile CXL memory)\n"
		"  --ratio PERMILLE       initial sim/compress_ratio (default 3000)\n"
		"  --overhead BYTES       initial sim/overhead_bytes of each device\n"
		"                         (default 0; at most the device's size)\n"
		"  --inflow BYTES_PER_SEC demotion demand per device (default size / 10)\n"
		"  --evict-bw BYTES_PER_SEC eviction bandwidth (default size / 10)\n"
		"  --tick-ms MS           simulation step (default 50)\n"
		"  --verbose              log every applied write\n"
		"  --no-threshold-uevents send no CRAM_EVENT=high/low/critical uevents\n"
		"  --critical-percent PCT the device raises a critical event at this\n"
		"                         physical use (percent of its capacity): the\n"
		"                         gate closes at once, no_alloc reads 1 and\n"
		"                         CRAM_EVENT=critical follows (default 0: never)\n"
		"  --critical-delay-ms MS CRAM_EVENT=critical comes this long after the\n"
		"                         gate closed (default 0), as a uevent that\n"
		"                         udev is slow to deliver would\n"
		"  --latency-log FILE     log \"DEV EVENT ATTR NS\": time from each\n"
		"                         threshold crossing to the first knob write\n"
		"                         that changes a value\n");
}

/* strict unsigned decimal in [min, max] */
static int parse_opt_u64(const char *opt, const char *s, uint64_t min,
			 uint64_t max, uint64_t *val)
{
	uint64_t v = 0;

	if (util_parse_u64(s, &v) < 0 || v < min || v > max) {
		fprintf(stderr, PROG ": --%s '%s': expected a number from %llu to %llu\n",
			opt, s, (unsigned long long)min, (unsigned long long)max);
		return -EINVAL;
	}
	*val = v;
	return 0;
}

static int parse_one(struct options *o, int c, const char *arg)
{
	uint64_t v = 0;
	int rc = 0;

	switch (c) {
	case 'd': rc = parse_opt_u64("devices", arg, 1, 32, &o->devices); break;
	case 's': rc = parse_opt_u64("size", arg, BLOCK_SIZE, 1ULL << 50, &o->size); break;
	case 'p': rc = parse_opt_u64("phys", arg, 1, 1ULL << 50, &o->phys); break;
	case 'i': rc = parse_opt_u64("inflow", arg, 0, 1ULL << 50, &o->cfg.inflow); break;
	case 'e': rc = parse_opt_u64("evict-bw", arg, 0, 1ULL << 50, &o->cfg.evict_bw); break;
	case 'o': rc = parse_opt_u64("overhead", arg, 0, 1ULL << 50, &o->cfg.overhead); break;
	case 't': rc = parse_opt_u64("tick-ms", arg, 1, 10000, &o->tick_ms); break;
	case 'r':
		rc = parse_opt_u64("ratio", arg, FK_RATIO_MIN, FK_RATIO_MAX, &v);
		o->cfg.ratio = (uint32_t)v;
		break;
	case 'a':
		o->abi = arg;
		if (strcmp(arg, "v1") && strcmp(arg, "v2") && strcmp(arg, "p3") &&
		    strcmp(arg, "none")) {
			fprintf(stderr, PROG ": --abi '%s': expected v1, v2, p3 or none\n", arg);
			rc = -EINVAL;
		}
		break;
	case 'b':
		o->bind = arg;
		if (strspn(arg, "abcdefghijklmnopqrstuvwxyz_-,") != strlen(arg)) {
			fprintf(stderr, PROG ": --bind '%s': expected a list of driver names\n", arg);
			rc = -EINVAL;
		}
		break;
	case 'S': o->stock = true; break;
	case 'P': o->pmem = true; break;
	case 'v': o->cfg.verbose = true; break;
	case 'U': o->cfg.no_threshold_uevents = true; break;
	case 'C':
		rc = parse_opt_u64("critical-percent", arg, 0, 100, &v);
		o->cfg.critical_percent = (unsigned int)v;
		break;
	case 'D':
		rc = parse_opt_u64("critical-delay-ms", arg, 0, 60000, &v);
		o->cfg.critical_delay_ns = v * 1000000;
		break;
	case 'L': o->cfg.latency_log = arg; break;
	default: rc = -EINVAL; break;
	}
	return rc;
}

/* Returns 0, 1 after --help, or -EINVAL on a usage error. */
static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "devices", required_argument, NULL, 'd' },
		{ "size", required_argument, NULL, 's' },
		{ "phys", required_argument, NULL, 'p' },
		{ "abi", required_argument, NULL, 'a' },
		{ "bind", required_argument, NULL, 'b' },
		{ "stock", no_argument, NULL, 'S' },
		{ "pmem", no_argument, NULL, 'P' },
		{ "ratio", required_argument, NULL, 'r' },
		{ "overhead", required_argument, NULL, 'o' },
		{ "inflow", required_argument, NULL, 'i' },
		{ "evict-bw", required_argument, NULL, 'e' },
		{ "tick-ms", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "no-threshold-uevents", no_argument, NULL, 'U' },
		{ "critical-percent", required_argument, NULL, 'C' },
		{ "critical-delay-ms", required_argument, NULL, 'D' },
		{ "latency-log", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct options){
		.devices = 1, .size = 1ULL << 30, .abi = "v1", .tick_ms = 50,
		.cfg = { .ratio = 3000, .inflow = FK_DEFAULT, .evict_bw = FK_DEFAULT },
	};
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 1;
		}
		if (parse_one(o, c, optarg) < 0)
			return -EINVAL;
	}
	if (o->size % BLOCK_SIZE) {
		fprintf(stderr, PROG ": --size %llu: not a multiple of 128 MiB\n",
			(unsigned long long)o->size);
		return -EINVAL;
	}
	if (optind >= argc) {
		fprintf(stderr, PROG ": no COMMAND given\n");
		return -EINVAL;
	}
	o->command = argv + optind;
	return 0;
}

/* ---- the testbed ------------------------------------------------------------ */

static int build_testbed(struct options *o, const char *root)
{
	const char *script = g_getenv("CRAM_TESTBED_SCRIPT");
	char devices[24], size[24], phys[24];
	const char *argv[18];
	GError *error = NULL;
	int status, n = 0;

	if (!script || !*script)
		script = TESTBED_SCRIPT;
	snprintf(devices, sizeof(devices), "%llu", (unsigned long long)o->devices);
	snprintf(size, sizeof(size), "%llu", (unsigned long long)o->size);
	snprintf(phys, sizeof(phys), "%llu", (unsigned long long)o->phys);
	argv[n++] = "/bin/sh";
	argv[n++] = script;
	argv[n++] = root;
	argv[n++] = "--devices";
	argv[n++] = devices;
	argv[n++] = "--size";
	argv[n++] = size;
	argv[n++] = "--abi";
	argv[n++] = o->abi;
	if (o->phys) {
		argv[n++] = "--phys";
		argv[n++] = phys;
	}
	if (o->bind) {
		argv[n++] = "--bind";
		argv[n++] = o->bind;
	}
	if (o->stock)
		argv[n++] = "--stock";
	if (o->pmem)
		argv[n++] = "--pmem";
	argv[n] = NULL;
	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN,
			  NULL, NULL, NULL, NULL, &status, &error)) {
		fprintf(stderr, PROG ": cannot run %s: %s\n", script, error->message);
		g_error_free(error);
		return -ENOEXEC;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, PROG ": %s failed\n", script);
		return -EIO;
	}
	return 0;
}

static void send_uevent(void *data, const char *devpath, const char *action)
{
	struct fake_kernel *fk = data;

	fk_uevent_queue_push(fk->uevents, devpath, action);
}

/* ---- main loop callbacks ------------------------------------------------------- */

static gboolean on_inotify(gint fd, GIOCondition cond, gpointer data)
{
	struct fake_kernel *fk = data;

	fk_provider_dispatch(fk->provider);
	return G_SOURCE_CONTINUE;
}

static gboolean on_tick(gpointer data)
{
	struct fake_kernel *fk = data;
	gint64 now = g_get_monotonic_time();

	fk_provider_tick(fk->provider, (uint64_t)(now - fk->last_tick_us) * 1000);
	fk->last_tick_us = now;
	return G_SOURCE_CONTINUE;
}

static void on_child_exit(GPid pid, gint status, gpointer data)
{
	struct fake_kernel *fk = data;

	fk->wait_status = status;
	fk->child_done = true;
	g_spawn_close_pid(pid);
	g_main_loop_quit(fk->loop);
}

static gboolean on_kill_timer(gpointer data)
{
	struct fake_kernel *fk = data;

	fprintf(stderr, PROG ": COMMAND did not exit, killing it\n");
	kill(-fk->child, SIGKILL);
	fk->kill_timer = 0;
	return G_SOURCE_REMOVE;
}

static gboolean on_signal(gpointer data)
{
	struct forward *fw = data;
	struct fake_kernel *fk = fw->fk;

	if (fk->child_done)
		return G_SOURCE_CONTINUE;
	kill(-fk->child, fw->sig);
	if ((fw->sig == SIGTERM || fw->sig == SIGINT || fw->sig == SIGHUP) &&
	    !fk->kill_timer)
		fk->kill_timer = g_timeout_add_seconds(KILL_DELAY_S, on_kill_timer, fk);
	return G_SOURCE_CONTINUE;
}

/* ---- running COMMAND ----------------------------------------------------------- */

/* COMMAND leads a process group of its own, so that the fake kernel can
 * signal everything it started, and clean up what it left behind. */
static void child_setup(gpointer data)
{
	setpgid(0, 0);
}

static int start_command(struct fake_kernel *fk)
{
	GError *error = NULL;

	/* orphans of COMMAND become our children, see reap_leftovers() */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	fflush(NULL);
	if (!g_spawn_async(NULL, fk->opt.command, NULL,
			   G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
			   G_SPAWN_CHILD_INHERITS_STDIN, child_setup, NULL, &fk->child,
			   &error)) {
		fprintf(stderr, PROG ": cannot run %s: %s\n", fk->opt.command[0],
			error->message);
		g_error_free(error);
		return -ENOEXEC;
	}
	setpgid(fk->child, fk->child);
	return 0;
}

/* Collect exited orphans of COMMAND (the fake kernel is their subreaper). */
static void reap_zombies(struct fake_kernel *fk)
{
	while (waitpid(-fk->child, NULL, WNOHANG) > 0)
		;
}

/*
 * Processes COMMAND left running (a daemon started in the background by a
 * test that failed) would outlive the testbed: terminate them, and kill
 * them after KILL_DELAY_S.
 */
static void reap_leftovers(struct fake_kernel *fk)
{
	int i;

	reap_zombies(fk);
	if (kill(-fk->child, SIGTERM) < 0)
		return;
	fprintf(stderr, PROG ": terminating processes COMMAND left running\n");
	for (i = 0; i < KILL_DELAY_S * 100; i++) {
		g_usleep(10000);
		reap_zombies(fk);
		if (kill(-fk->child, 0) < 0)
			return;
	}
	kill(-fk->child, SIGKILL);
	reap_zombies(fk);
}

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

static int run(struct fake_kernel *fk)
{
	struct forward fw[sizeof(forwarded) / sizeof(forwarded[0])];
	guint ids[sizeof(fw) / sizeof(fw[0]) + 3];
	size_t i, n = 0;

	if (start_command(fk) < 0)
		return 127;
	fk->loop = g_main_loop_new(NULL, FALSE);
	fk->last_tick_us = g_get_monotonic_time();
	ids[n++] = g_unix_fd_add(fk_provider_get_fd(fk->provider), G_IO_IN, on_inotify, fk);
	ids[n++] = g_timeout_add((guint)fk->opt.tick_ms, on_tick, fk);
	ids[n++] = g_child_watch_add(fk->child, on_child_exit, fk);
	for (i = 0; i < sizeof(fw) / sizeof(fw[0]); i++) {
		fw[i] = (struct forward){ .fk = fk, .sig = forwarded[i] };
		ids[n++] = g_unix_signal_add(forwarded[i], on_signal, &fw[i]);
	}
	g_main_loop_run(fk->loop);
	if (fk->kill_timer)
		g_source_remove(fk->kill_timer);
	for (i = 0; i < n; i++)
		if (i != 2)	/* the child watch removed itself */
			g_source_remove(ids[i]);
	g_main_loop_unref(fk->loop);
	reap_leftovers(fk);
	return exit_code(fk->wait_status);
}

/*
 * umockdev_in_mock_environment() of umockdev 0.17 looks for a path with a
 * directory in LD_PRELOAD, which umockdev-wrapper does not use.
 */
static bool in_umockdev_wrapper(void)
{
	const char *preload = g_getenv("LD_PRELOAD");

	return preload && strstr(preload, "libumockdev-preload");
}

static int setup(struct fake_kernel *fk)
{
	struct fk_provider_ops ops = { .uevent = send_uevent, .data = fk };
	char *root;
	int rc;

	if (!in_umockdev_wrapper()) {
		fprintf(stderr, PROG ": must run under umockdev-wrapper\n");
		return -EPERM;
	}
	fk->tb = umockdev_testbed_new();
	fk->uevents = fk_uevent_queue_new(fk->tb);
	root = umockdev_testbed_get_root_dir(fk->tb);
	rc = build_testbed(&fk->opt, root);
	if (!rc) {
		g_setenv("CRAM_TESTBED", root, TRUE);
		fk->opt.cfg.phys = fk->opt.phys;
		rc = fk_provider_new(&fk->provider, root, &fk->opt.cfg, &ops);
	}
	g_free(root);
	return rc;
}

int main(int argc, char **argv)
{
	struct fake_kernel fk = { 0 };
	int rc;

	rc = parse_options(argc, argv, &fk.opt);
	if (rc) {
		if (rc < 0)
			usage(stderr);
		return rc < 0 ? 2 : 0;
	}
	rc = setup(&fk);
	if (!rc)
		rc = run(&fk);
	else
		rc = 1;
	fk_provider_free(fk.provider);
	fk_uevent_queue_free(fk.uevents);
	if (fk.tb)
		g_object_unref(fk.tb);
	return rc;
}
