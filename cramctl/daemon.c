// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cramctl verbs served by cramd over its control socket: pause, resume,
 * online, offline (--release) and dump. Exit status: 0 done, 1 cramd refused or
 * failed, 2 usage, 3 cramd is not running.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "../shared/control-protocol.h"
#include "client.h"
#include "daemon.h"
#include "json-out.h"
#include "table.h"

struct verb_opts {
	bool json;
	bool can_release;	/* in: the verb takes --release */
	bool release;
};

/* Parses the options every daemon verb takes; returns the index of the first operand. */
static int verb_getopt(int argc, char **argv, const char *usage, struct verb_opts *o)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "human", no_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ "release", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, o->can_release ? "juhr" : "juh", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 'u':
			break;
		case 'r':
			if (!o->can_release) {
				fprintf(stderr, "cramctl: unrecognized option '--release'\n"
					"usage: cramctl %s\n", usage);
				return -2;
			}
			o->release = true;
			break;
		case 'h':
			printf("usage: cramctl %s\n", usage);
			return -1;
		default:
			fprintf(stderr, "usage: cramctl %s\n", usage);
			return -2;
		}
	}
	return optind;
}

/*
 * Sends {"command": @command[, "device": @device]} and returns the exit
 * status; on success *@reply holds the reply (caller puts it).
 */
static int call(const char *command, const char *device, struct json_object **reply)
{
	struct json_object *ok, *err;
	int rc = client_call(command, device, reply);

	if (rc == -ENOENT || rc == -ECONNREFUSED) {
		fprintf(stderr, "cramctl: cramd is not running (no socket at %s)\n",
			client_socket_path());
		return CRAMCTL_EXIT_NO_DAEMON;
	}
	if (rc < 0) {
		fprintf(stderr, "cramctl: %s: talking to cramd at %s: %s\n", command,
			client_socket_path(), strerror(-rc));
		return 1;
	}
	if (!json_object_object_get_ex(*reply, CRAM_KEY_OK, &ok) || !json_object_get_boolean(ok)) {
		json_object_object_get_ex(*reply, CRAM_KEY_ERROR, &err);
		fprintf(stderr, "cramctl: %s: cramd refused: %s\n", command,
			err ? json_object_get_string(err) : "no reason given");
		json_object_put(*reply);
		*reply = NULL;
		return 1;
	}
	return 0;
}

/* A verb with no operand whose reply needs no more than "done". */
static int simple_verb(int argc, char **argv, const char *command, const char *done)
{
	struct json_object *reply;
	struct verb_opts o = { 0 };
	int i = verb_getopt(argc, argv, command, &o), rc;

	if (i < 0)
		return i == -1 ? 0 : 2;
	if (i < argc) {
		fprintf(stderr, "cramctl %s: unexpected argument '%s'\n", command, argv[i]);
		return 2;
	}
	rc = call(command, NULL, &reply);
	if (rc)
		return rc;
	if (o.json)
		json_out_print(reply);
	else
		printf("%s\n", done);
	json_object_put(reply);
	return 0;
}

int cmd_pause(int argc, char **argv)
{
	return simple_verb(argc, argv, CRAM_CMD_PAUSE,
			   "cramd paused: decisions are logged, no knob is written");
}

int cmd_resume(int argc, char **argv)
{
	return simple_verb(argc, argv, CRAM_CMD_RESUME, "cramd resumed: decisions are applied");
}

/* online DEVICE, offline [--release] DEVICE */
static int device_verb(int argc, char **argv, const char *command, bool can_release)
{
	char usage[64];
	struct json_object *reply;
	struct verb_opts o = { .can_release = can_release };
	int i, rc;

	snprintf(usage, sizeof(usage), "%s [-j|--json]%s DEVICE", command,
		 can_release ? " [-r|--release]" : "");
	i = verb_getopt(argc, argv, usage, &o);
	if (i < 0)
		return i == -1 ? 0 : 2;
	if (argc - i != 1) {
		fprintf(stderr, "usage: cramctl %s\n", usage);
		return 2;
	}
	rc = call(o.release ? CRAM_CMD_RELEASE : command, argv[i], &reply);
	if (rc)
		return rc;
	if (o.json)
		json_out_print(reply);
	else if (o.release)
		printf("%s: offline, released to device_dax\n", argv[i]);
	else
		printf("%s: %s\n", argv[i], command);
	json_object_put(reply);
	return 0;
}

int cmd_online(int argc, char **argv)
{
	return device_verb(argc, argv, CRAM_CMD_ONLINE, false);
}

int cmd_offline(int argc, char **argv)
{
	return device_verb(argc, argv, CRAM_CMD_OFFLINE, true);
}

/* The columns of dump's table: the reason wraps on a terminal rather than being cut. */
static const struct table_column dump_columns[] = {
	{ "TIME", 0, 0, true, "when cramd decided (UTC, ISO 8601)" },
	{ "DEVICE", 0, 0, true, "the device it decided for" },
	{ "ACTION", 0, 0, true, "what cramd did or saw, as its journal names it" },
	{ "REASON", 0.5, SCOLS_FL_WRAP, true, "why, with the numbers it used" },
};

#define DUMP_NCOLUMNS (sizeof(dump_columns) / sizeof(dump_columns[0]))

#define DUMP_USAGE "dump [-j|--json] [-o|--output LIST] [--output-all] [-n|--noheadings] " \
		   "[-r|--raw]"

static void dump_usage(FILE *f)
{
	fprintf(f, "usage: cramctl " DUMP_USAGE "\n\n"
		"cramd's recent decisions, oldest first, as a table or as JSON.\n\n"
		"Options:\n"
		"  -j, --json         JSON array of objects (time, device, action, reason)\n");
	table_help_options(f);
	fprintf(f, "  -h, --help         this help\n");
	table_help(f, dump_columns, DUMP_NCOLUMNS);
	fprintf(f, "\nSee cramctl(8).\n");
}

int cmd_dump(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "human", no_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		TABLE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static const char *const keys[] = {
		CRAM_KEY_TIME, CRAM_KEY_DEVICE, CRAM_KEY_ACTION, CRAM_KEY_REASON,
	};
	struct json_object *reply, *list;
	struct table_opts t = { 0 };
	int ids[TABLE_MAX_COLUMNS], nids = 0;
	bool json = false;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "juho:nr", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'u':
			break;
		case 'h':
			dump_usage(stdout);
			return 0;
		default:
			if (table_getopt(c, optarg, &t))
				break;
			dump_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "cramctl dump: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (json && (t.output || t.output_all || t.noheadings || t.raw)) {
		fprintf(stderr, "cramctl dump: --json and the table options exclude each other\n");
		return 2;
	}
	if (!json) {
		nids = table_select("dump", dump_columns, DUMP_NCOLUMNS, &t, ids);
		if (nids < 0)
			return 2;
	}
	rc = call(CRAM_CMD_DUMP, NULL, &reply);
	if (rc)
		return rc;
	if (!json_object_object_get_ex(reply, CRAM_KEY_DECISIONS, &list) ||
	    !json_object_is_type(list, json_type_array)) {
		fprintf(stderr, "cramctl: dump: cramd's reply has no decisions\n");
		json_object_put(reply);
		return 1;
	}
	if (json)
		json_out_print(list);
	else if (table_print_json_ids(dump_columns, ids, nids, &t, list, keys) < 0)
		rc = 1;
	json_object_put(reply);
	return rc;
}

int daemon_call(const char *command, const char *device, struct json_object **reply)
{
	return call(command, device, reply);
}
