// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cramctl list: objects as JSON, like `cxl list`. Filters follow ndctl's
 * convention: values of one option are ORed (-d dax0.0 -d dax1.0), and
 * different options are ANDed (-d dax0.0 -s online). One object type
 * prints a flat array; devices and nodes together print an object with a
 * "devices" and a "nodes" array.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cram/cram.h>
#include <json-c/json.h>

#include "util/decimal.h"

#include "device.h"
#include "list.h"

#define MAX_FILTER 64

/* A repeatable option: the values given, ORed. */
struct filter {
	const char *val[MAX_FILTER];
	int n;
};

struct list_opts {
	struct filter device, region, node, state, mode;
	bool devices, nodes, human;
};

/*
 * Each value of @arg, a comma list as ndctl takes it ("dax0.0,dax1.0"),
 * checked by @check when given, into @f. The commas of @arg become NULs:
 * the values point into it.
 */
static int filter_add(struct filter *f, const char *opt, char *arg, int (*check)(const char *))
{
	char *save = NULL, *v;

	if (!*arg || arg[0] == ',' || arg[strlen(arg) - 1] == ',' || strstr(arg, ",,")) {
		fprintf(stderr, "cramctl list: %s '%s': an empty value\n", opt, arg);
		return -1;
	}
	for (v = strtok_r(arg, ",", &save); v; v = strtok_r(NULL, ",", &save)) {
		if (check && check(v) < 0)
			return -1;
		if (f->n == MAX_FILTER) {
			fprintf(stderr, "cramctl list: more than %d %s filters\n", MAX_FILTER, opt);
			return -1;
		}
		f->val[f->n++] = v;
	}
	return 0;
}

/* An empty filter matches everything; otherwise any of its values. */
static bool filter_match(const struct filter *f, const char *s)
{
	int i;

	if (f->n == 0)
		return true;
	for (i = 0; s && i < f->n; i++)
		if (strcmp(f->val[i], s) == 0)
			return true;
	return false;
}

static bool filter_match_node(const struct filter *f, bool has, int node)
{
	char buf[16];

	if (f->n == 0)
		return true;
	if (!has)
		return false;
	snprintf(buf, sizeof(buf), "%d", node);
	return filter_match(f, buf);
}

static int check_node_arg(const char *s)
{
	uint64_t v;

	if (util_parse_u64(s, &v) < 0 || v > 1023 || (s[0] == '0' && s[1])) {
		fprintf(stderr, "cramctl list: --node '%s': not a node id 0-1023\n", s);
		return -1;
	}
	return 0;
}

static int check_state_arg(const char *s)
{
	if (strcmp(s, "online") && strcmp(s, "offline")) {
		fprintf(stderr, "cramctl list: --state '%s': use online or offline\n", s);
		return -1;
	}
	return 0;
}

static int check_mode_arg(const char *s)
{
	if (strcmp(s, "compressed") && strcmp(s, "placement")) {
		fprintf(stderr, "cramctl list: --mode '%s': use compressed or placement\n", s);
		return -1;
	}
	return 0;
}

static int list_devices(struct cram_ctx *ctx, const struct list_opts *o,
			struct json_object *arr)
{
	struct cram_device *dev;
	int ret = 0;

	cram_device_foreach(ctx, dev) {
		struct device_row row;

		if (!filter_match(&o->device, cram_device_get_devname(dev)) ||
		    !filter_match(&o->region, cram_device_get_region(dev)))
			continue;
		if (device_row_read(dev, &row) < 0)
			ret = 1;
		if (!filter_match_node(&o->node, row.has_node, row.node) ||
		    !filter_match(&o->state, device_state_name(row.state)) ||
		    !filter_match(&o->mode, row.mode))
			continue;
		json_object_array_add(arr, device_row_json(&row, o->human));
	}
	return ret;
}

static int list_nodes(struct cram_ctx *ctx, const struct list_opts *o, struct json_object *arr)
{
	struct cram_node *node;
	int ret = 0;

	static const char *const kinds[] = {
		[CRAM_NODE_ORDINARY] = "ordinary", [CRAM_NODE_COMPRESSED] = "compressed",
		[CRAM_NODE_PLACEMENT] = "placement",
	};

	cram_node_foreach(ctx, node) {
		int id = cram_node_get_id(node), kind = cram_node_get_kind(node);
		struct json_object *obj;
		uint64_t total, free_bytes;

		/* --mode keeps the private nodes of that kind */
		if (!filter_match_node(&o->node, true, id) ||
		    !filter_match(&o->mode, kind >= 0 && kind <= CRAM_NODE_PLACEMENT &&
					    kind != CRAM_NODE_ORDINARY ? kinds[kind] : NULL))
			continue;
		obj = json_object_new_object();
		if (!obj)
			return 1;
		json_object_object_add(obj, "node", json_object_new_int(id));
		json_object_object_add(obj, "private",
				       json_object_new_boolean(cram_node_is_private(node)));
		if (kind >= 0 && kind <= CRAM_NODE_PLACEMENT)
			json_object_object_add(obj, "kind", json_object_new_string(kinds[kind]));
		if (cram_node_get_total_bytes(node, &total) == 0) {
			json_object_object_add(obj, "size", device_json_size(o->human, total));
			/* libcram says on stderr why a free size is missing */
			if (cram_node_get_free_bytes(node, &free_bytes) == 0)
				json_object_object_add(obj, "free",
						       device_json_size(o->human, free_bytes));
		} else {
			fprintf(stderr, "cramctl: node%d: cannot read its meminfo\n", id);
			ret = 1;
		}
		json_object_array_add(arr, obj);
	}
	return ret;
}

static void list_usage(FILE *f)
{
	fprintf(f, "usage: cramctl list [OPTIONS]\n\n"
		"Devices and nodes as JSON, as 'cxl list'. A filter takes a comma list and\n"
		"may be repeated: its values are ORed, different filters ANDed.\n\n"
		"Options:\n"
		"  -D, --devices          list devices (the default)\n"
		"  -N, --nodes            list NUMA nodes (with -D: an object of both)\n"
		"  -d, --device DEV       devices of these names (daxX.Y)\n"
		"  -r, --region REGION    devices of these CXL regions\n"
		"  -n, --node ID          devices and nodes of these node ids\n"
		"  -s, --state STATE      devices online or offline\n"
		"  -m, --mode MODE        compressed or placement devices and nodes\n"
		"  -u, --human            sizes as \"1.00 GiB (1.07 GB)\"\n"
		"  -j, --json             JSON (the only output; accepted for ndctl's habit)\n"
		"  -h, --help             this help\n\n"
		"A filter that matches nothing prints [] with a warning on stderr, and exit\n"
		"status 0. See cramctl(8).\n");
}

/* A filter matched nothing: say so on stderr, as `cxl list` does, and print []. */
static void warn_no_match(struct json_object *arr, const char *what, bool filtered)
{
	if (arr && filtered && json_object_array_length(arr) == 0)
		fprintf(stderr, "cramctl: warning: no %s matches the filters\n", what);
}

int cmd_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "devices", no_argument, NULL, 'D' },
		{ "nodes", no_argument, NULL, 'N' },
		{ "device", required_argument, NULL, 'd' },
		{ "region", required_argument, NULL, 'r' },
		{ "node", required_argument, NULL, 'n' },
		{ "state", required_argument, NULL, 's' },
		{ "mode", required_argument, NULL, 'm' },
		{ "human", no_argument, NULL, 'u' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct json_object *devs = NULL, *nodes = NULL, *out;
	struct list_opts o = { 0 };
	struct cram_ctx *ctx;
	int c, rc, ret = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "DNd:r:n:s:m:ujh", longopts, NULL)) != -1) {
		rc = 0;
		switch (c) {
		case 'D':
			o.devices = true;
			break;
		case 'N':
			o.nodes = true;
			break;
		case 'd':
			rc = filter_add(&o.device, "--device", optarg, NULL);
			break;
		case 'r':
			rc = filter_add(&o.region, "--region", optarg, NULL);
			break;
		case 'n':
			rc = filter_add(&o.node, "--node", optarg, check_node_arg);
			break;
		case 's':
			rc = filter_add(&o.state, "--state", optarg, check_state_arg);
			break;
		case 'm':
			rc = filter_add(&o.mode, "--mode", optarg, check_mode_arg);
			break;
		case 'u':
			o.human = true;
			break;
		case 'j':
			break;
		case 'h':
			list_usage(stdout);
			return 0;
		default:
			list_usage(stderr);
			return 2;
		}
		if (rc < 0)
			return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "cramctl list: unexpected argument '%s'\n", argv[optind]);
		list_usage(stderr);
		return 2;
	}
	if (!o.devices && !o.nodes)
		o.devices = true;

	rc = cram_new(&ctx);
	if (rc < 0) {
		fprintf(stderr, "cramctl: cannot create libcram context: %s\n", strerror(-rc));
		return 1;
	}
	device_warn_no_provider(ctx);
	if (o.devices) {
		devs = json_object_new_array();
		if (devs)
			ret |= list_devices(ctx, &o, devs);
	}
	if (o.nodes) {
		nodes = json_object_new_array();
		if (nodes)
			ret |= list_nodes(ctx, &o, nodes);
	}
	if ((o.devices && !devs) || (o.nodes && !nodes)) {
		fprintf(stderr, "cramctl: out of memory\n");
		json_object_put(devs);
		json_object_put(nodes);
		cram_unref(ctx);
		return 1;
	}
	warn_no_match(devs, "device", o.device.n || o.region.n || o.node.n || o.state.n ||
		      o.mode.n);
	warn_no_match(nodes, "node", o.node.n || o.mode.n);
	if (devs && nodes) {
		out = json_object_new_object();
		json_object_object_add(out, "devices", devs);
		json_object_object_add(out, "nodes", nodes);
	} else {
		out = devs ? devs : nodes;
	}
	printf("%s\n", json_object_to_json_string_ext(out, JSON_C_TO_STRING_PRETTY |
						      JSON_C_TO_STRING_SPACED |
						      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(out);
	cram_unref(ctx);
	return ret;
}
