// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cram-discover: the discovery helper of cramd. Lists the cram devices
 * with libcram, libcxl and libdaxctl and prints them on stdout in the
 * format of discover-format.h. Its messages go to stderr, one per line,
 * each prefixed with its syslog priority as "<N>" (sd-daemon(3) style),
 * which cramd relays to its log. Exit status 0, or 1 on failure.
 *
 * With --claim NAME it binds the dax devices NAME stands for to the cram
 * provider, with --release DEV it gives cram device DEV back to device_dax
 * (discover-claim.h); it prints nothing on stdout then.
 *
 * A separate program so that cramd does not map libcxl, libdaxctl and
 * what they pull in (libkmod, libcrypto): they live only as long as one
 * discovery.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "discover-claim.h"
#include "discover-format.h"
#include "discover-scan.h"
#include "util/names.h"

static int max_priority = LOG_INFO;

static void vlog(int priority, const char *format, va_list args)
{
	char msg[1024];
	size_t len;

	if (priority > max_priority)
		return;
	vsnprintf(msg, sizeof(msg), format, args);
	len = strlen(msg);
	while (len && msg[len - 1] == '\n')
		msg[--len] = '\0';
	/* One message, one line. */
	for (char *p = msg; (p = strchr(p, '\n')); )
		*p = ' ';
	fprintf(stderr, "<%d>%s\n", priority, msg);
}

void cramd_discover_log(int priority, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	vlog(priority, format, ap);
	va_end(ap);
}

static void cram_log(struct cram_ctx *ctx, int priority, const char *file,
		     int line, const char *fn, const char *format, va_list args)
{
	char msg[900];

	vsnprintf(msg, sizeof(msg), format, args);
	cramd_discover_log(priority, "libcram: %s: %s", fn, msg);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: cram-discover [--verbose]\n"
		"       cram-discover --claim NAME [--system-ram] [--verbose]\n"
		"       cram-discover --release daxX.Y [--verbose]\n"
		"List the cram devices for cramd: one JSON object on stdout\n"
		"(\"format\": \"%s\", \"version\": %d), messages on stderr.\n"
		"\n"
		"  -c, --claim NAME  bind the dax devices of NAME (daxX.Y, regionN, memN\n"
		"                    or serial:0xHEX) to the cram provider\n"
		"      --system-ram  with --claim: also take a device online as system\n"
		"                    RAM (kmem), offlining its memory first\n"
		"  -r, --release DEV give offline cram device DEV back to device_dax\n"
		"  -v, --verbose     also print the libraries' debug messages\n"
		"  -h, --help        show this help\n"
		"  -V, --version     show the version\n",
		CRAMD_DISCOVER_FORMAT, CRAMD_DISCOVER_VERSION);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "claim", required_argument, NULL, 'c' },
		{ "release", required_argument, NULL, 'r' },
		{ "system-ram", no_argument, NULL, 'S' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cramd_discovery d;
	struct cram_ctx *cram;
	const char *claim = NULL, *release = NULL;
	bool verbose = false, system_ram = false;
	char *text;
	int c, rc;

	while ((c = getopt_long(argc, argv, "c:r:vhV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			claim = optarg;
			break;
		case 'r':
			release = optarg;
			break;
		case 'S':
			system_ram = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("cram-discover %s (output format version %d)\n",
			       PACKAGE_VERSION, CRAMD_DISCOVER_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "cram-discover: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (claim && release) {
		fprintf(stderr, "cram-discover: --claim and --release exclude each other\n");
		return 2;
	}
	if (system_ram && !claim) {
		fprintf(stderr, "cram-discover: --system-ram goes with --claim\n");
		return 2;
	}
	if (claim && !util_device_match_valid(claim)) {
		fprintf(stderr, "cram-discover: --claim '%.40s': expected daxX.Y, regionN, "
			"memN or serial:0xHEX\n", claim);
		return 2;
	}
	if (release && !util_name_is(release, "dax", 2)) {
		fprintf(stderr, "cram-discover: --release '%.40s': expected daxX.Y\n",
			release);
		return 2;
	}
	max_priority = verbose ? LOG_DEBUG : LOG_INFO;
	if (claim)
		return cramd_claim(claim, system_ram, verbose) < 0 ? 1 : 0;
	if (release)
		return cramd_release(release, verbose) < 0 ? 1 : 0;
	rc = cram_new(&cram);
	if (rc < 0) {
		cramd_discover_log(LOG_ERR, "libcram: cannot create a context: %s",
				   strerror(-rc));
		return 1;
	}
	cram_set_log_fn(cram, cram_log);
	cram_set_log_priority(cram, verbose ? LOG_DEBUG : LOG_WARNING);
	rc = cramd_discover_scan(cram, verbose, &d);
	cram_unref(cram);
	if (rc < 0) {
		cramd_discover_log(LOG_ERR, "discovery failed: %s", strerror(-rc));
		return 1;
	}
	text = cramd_discovery_to_json(&d);
	cramd_discovery_free(&d);
	if (!text) {
		cramd_discover_log(LOG_ERR, "cannot format the output: %s",
				   strerror(ENOMEM));
		return 1;
	}
	fputs(text, stdout);
	free(text);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cramd_discover_log(LOG_ERR, "cannot write the output: %s",
				   strerror(errno));
		return 1;
	}
	return 0;
}
