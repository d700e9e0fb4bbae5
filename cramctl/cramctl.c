// SPDX-License-Identifier: GPL-2.0-or-later
/* cramctl: the operator's view of cram devices and private nodes. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "history.h"
#include "list.h"
#include "metrics.h"
#include "monitor.h"
#include "plot-svg.h"
#include "status.h"
#include "top.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
};

static int cmd_help(int argc, char **argv);

static const struct command commands[] = {
	{ "status", cmd_status, "show every cram device: state, physical use, ratio, gate" },
	{ "list", cmd_list, "list devices and nodes as JSON or a table, with filters" },
	{ "online", cmd_online, "online a device as a private node (asks cramd)" },
	{ "offline", cmd_offline, "offline a device (asks cramd)" },
	{ "pause", cmd_pause, "dry-run: cramd decides and logs but writes no knob" },
	{ "resume", cmd_resume, "apply decisions again after pause" },
	{ "dump", cmd_dump, "recent decisions of cramd with their reasons" },
	{ "monitor", cmd_monitor, "print device events as JSON lines until interrupted" },
	{ "metrics", cmd_metrics, "Prometheus text exposition of every device" },
	{ "help", cmd_help, "this list, or the full usage of one command: help COMMAND" },
	{ "top", cmd_top, "live view of every device, refreshed in place" },
	{ "history", cmd_history, "a device's telemetry and decisions over the last hour" },
	{ "plot", cmd_plot, "draw a device's history as SVG" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: cramctl [--version] [--help] COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n'cramctl COMMAND --help' or 'cramctl help COMMAND' gives its options. "
		"See cramctl(8).\n");
}

/* help [COMMAND]: the list of commands, or the --help of one. */
static int cmd_help(int argc, char **argv)
{
	char *args[] = { NULL, "--help", NULL };
	size_t i;

	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0 && commands[i].run != cmd_help) {
			args[0] = argv[1];
			return commands[i].run(2, args);
		} else if (strcmp(argv[1], commands[i].name) == 0) {
			usage(stdout);
			return 0;
		}
	fprintf(stderr, "cramctl: help: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}

/*
 * A closed standard descriptor would be taken by the next open() or
 * socket(), and output meant for stdout would go there: hold each with
 * /dev/null. Returns true when stdout was closed.
 */
static bool hold_std_fds(void)
{
	bool stdout_closed = false;
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (fd == 1)
			stdout_closed = true;
		if (open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd)
			_exit(1);
	}
	return stdout_closed;
}

/*
 * Output that did not reach stdout is an error (a full disk, a closed
 * stdout): say so and exit 1, so that a script does not take lost output
 * for a result.
 */
static int check_stdout(bool closed, int rc)
{
	int err = 0;

	if (closed)
		err = EBADF;
	else if (fflush(stdout) != 0 || ferror(stdout))
		err = errno ? errno : EIO;
	if (fclose(stdout) != 0 && !err)
		err = errno ? errno : EIO;
	if (!err)
		return rc;
	fprintf(stderr, "cramctl: cannot write to standard output: %s\n", strerror(err));
	return rc ? rc : 1;
}

static int run(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("cramctl %s\n", PACKAGE_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "cramctl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}

int main(int argc, char **argv)
{
	bool stdout_closed = hold_std_fds();
	int rc = run(argc, argv);

	return check_stdout(stdout_closed, rc);
}
