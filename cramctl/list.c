// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cramctl list: objects as JSON, like `cxl list`. Filters follow ndctl's
 * convention: values of one option are ORed (-d dax0.0 -d dax1.0), and
 * different options are ANDed (-d dax0.0 -s online). One object type
 * prints a flat array; devices and nodes together print an object with a
 * "devices" and a "nodes" array. With -t (or -o, --output-all,
 * --noheadings, --raw) the same objects as a libsmartcols table instead,
 * as lsmem prints them: -n and -r stay ndctl's --node and --region, so
 * the table's --noheadings and --raw have no short letter here.
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
#include "json-out.h"
#include "list.h"
#include "table.h"
#include "units.h"

#define MAX_FILTER 64

/* A repeatable option: the values given, ORed. */
struct filter {
	const char *val[MAX_FILTER];
	int n;
};

struct list_opts {
	struct filter device, region, node, state, mode;
	bool devices, nodes, human, json, bytes;
	bool table;			/* -t, or any table option */
	struct table_opts tbl;
};

/* The long options of the table that have no short letter in list. */
enum { LIST_OPT_NOHEADINGS = 0x200, LIST_OPT_RAW };

/* What sysfs says of one NUMA node; a field is valid only when its has_ flag is set. */
struct node_row {
	int id;
	bool private;
	const char *kind;	/* "ordinary", "compressed", "placement"; NULL when unknown */
	bool has_size, has_free;
	uint64_t size, free;
};

enum { NODE_COL_NODE, NODE_COL_PRIVATE, NODE_COL_KIND, NODE_COL_SIZE, NODE_COL_FREE, NODE_NCOLS };

/* The default columns of the node table fit 80 columns. */
static const struct table_column node_columns[NODE_NCOLS] = {
	[NODE_COL_NODE] = { "NODE", 0, SCOLS_FL_RIGHT, true, "NUMA node id" },
	[NODE_COL_PRIVATE] = { "PRIVATE", 0, 0, true, "yes for a private node (a cram device's)" },
	[NODE_COL_KIND] = { "KIND", 0, 0, true, "ordinary, compressed or placement" },
	[NODE_COL_SIZE] = { "SIZE", 0, SCOLS_FL_RIGHT, true, "memory of the node (meminfo)" },
	[NODE_COL_FREE] = { "FREE", 0, SCOLS_FL_RIGHT, true, "free memory of the node (meminfo)" },
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

/* One line of @tb: the cells of columns @ids (@n of them) by @cell, or -1 when out of memory. */
static int table_line(struct libscols_table *tb, const int *ids, int n, const void *row,
		      bool bytes, void (*cell)(const void *, int, bool, char *, size_t))
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	char buf[128];
	int i;

	if (!ln)
		return -1;
	for (i = 0; i < n; i++) {
		cell(row, ids[i], bytes, buf, sizeof(buf));
		if (scols_line_set_data(ln, i, buf) < 0)
			return -1;
	}
	return 0;
}

static void device_cell(const void *row, int col, bool bytes, char *buf, size_t len)
{
	device_row_cell(row, col, bytes, buf, len);
}

/* Each device that passes the filters into @arr or, when @arr is NULL, into @tb. */
static int list_devices(struct cram_ctx *ctx, const struct list_opts *o, struct json_object *arr,
			struct libscols_table *tb, const int *ids, int nids, size_t *count)
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
		(*count)++;
		if (arr) {
			json_object_array_add(arr, device_row_json(&row, o->human));
		} else if (table_line(tb, ids, nids, &row, o->bytes, device_cell) < 0) {
			fprintf(stderr, "cramctl: out of memory\n");
			return 1;
		}
	}
	return ret;
}

/* The kind of @node: "ordinary", "compressed", "placement", or NULL when unknown. */
static const char *node_kind(struct cram_node *node)
{
	static const char *const kinds[] = {
		[CRAM_NODE_ORDINARY] = "ordinary", [CRAM_NODE_COMPRESSED] = "compressed",
		[CRAM_NODE_PLACEMENT] = "placement",
	};
	int kind = cram_node_get_kind(node);

	return kind >= 0 && kind <= CRAM_NODE_PLACEMENT ? kinds[kind] : NULL;
}

/* @node into @r; says on stderr what cannot be read. Returns 0, or -1 then. */
static int node_row_read(struct cram_node *node, struct node_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = cram_node_get_id(node);
	r->private = cram_node_is_private(node);
	r->kind = node_kind(node);
	r->has_size = cram_node_get_total_bytes(node, &r->size) == 0;
	if (!r->has_size) {
		fprintf(stderr, "cramctl: node%d: cannot read its meminfo\n", r->id);
		return -1;
	}
	/* libcram says on stderr why a free size is missing */
	r->has_free = cram_node_get_free_bytes(node, &r->free) == 0;
	return 0;
}

static struct json_object *node_row_json(const struct node_row *r, bool human)
{
	struct json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;
	json_object_object_add(obj, "node", json_object_new_int(r->id));
	json_object_object_add(obj, "private", json_object_new_boolean(r->private));
	if (r->kind)
		json_object_object_add(obj, "kind", json_object_new_string(r->kind));
	if (r->has_size)
		json_object_object_add(obj, "size", device_json_size(human, r->size));
	if (r->has_free)
		json_object_object_add(obj, "free", device_json_size(human, r->free));
	return obj;
}

static void node_cell(const void *row, int col, bool bytes, char *buf, size_t len)
{
	const struct node_row *r = row;
	bool has = col == NODE_COL_SIZE ? r->has_size : r->has_free;
	uint64_t v = col == NODE_COL_SIZE ? r->size : r->free;

	switch (col) {
	case NODE_COL_NODE:
		snprintf(buf, len, "%d", r->id);
		break;
	case NODE_COL_PRIVATE:
		snprintf(buf, len, "%s", r->private ? "yes" : "no");
		break;
	case NODE_COL_KIND:
		snprintf(buf, len, "%s", r->kind ? r->kind : "-");
		break;
	case NODE_COL_SIZE:
	case NODE_COL_FREE:
		units_cell(has, bytes, v, buf, len);
		break;
	default:
		buf[0] = '\0';
		break;
	}
}

/* Each node that passes the filters into @arr or, when @arr is NULL, into @tb. */
static int list_nodes(struct cram_ctx *ctx, const struct list_opts *o, struct json_object *arr,
		      struct libscols_table *tb, const int *ids, int nids, size_t *count)
{
	struct cram_node *node;
	int ret = 0;

	cram_node_foreach(ctx, node) {
		const char *kind = node_kind(node);
		struct node_row row;

		/* --mode keeps the private nodes of that kind */
		if (!filter_match_node(&o->node, true, cram_node_get_id(node)) ||
		    !filter_match(&o->mode, kind && strcmp(kind, "ordinary") ? kind : NULL))
			continue;
		if (node_row_read(node, &row) < 0)
			ret = 1;
		(*count)++;
		if (arr) {
			struct json_object *obj = node_row_json(&row, o->human);

			if (!obj)
				return 1;
			json_object_array_add(arr, obj);
		} else if (table_line(tb, ids, nids, &row, o->bytes, node_cell) < 0) {
			fprintf(stderr, "cramctl: out of memory\n");
			return 1;
		}
	}
	return ret;
}

static void list_usage(FILE *f)
{
	fprintf(f, "usage: cramctl list [OPTIONS]\n\n"
		"Devices and nodes as JSON, as 'cxl list', or as a table. A filter takes a\n"
		"comma list and may be repeated: its values are ORed, different filters ANDed.\n\n"
		"Options:\n"
		"  -D, --devices          list devices (the default)\n"
		"  -N, --nodes            list NUMA nodes (with -D: an object of both)\n"
		"  -d, --device DEV       devices of these names (daxX.Y)\n"
		"  -r, --region REGION    devices of these CXL regions\n"
		"  -n, --node ID          devices and nodes of these node ids\n"
		"  -s, --state STATE      devices online or offline\n"
		"  -m, --mode MODE        compressed or placement devices and nodes\n"
		"  -u, --human            sizes in JSON as \"512.00 MiB (536.87 MB)\"\n"
		"  -j, --json             JSON (the default; accepted for ndctl's habit)\n"
		"  -t, --table            a table instead of JSON (of -D or of -N)\n"
		"  -o, --output LIST      the table's columns (comma list; +LIST adds to the\n"
		"                         defaults); implies --table\n"
		"      --output-all       every column; implies --table\n"
		"      --noheadings       no header line; implies --table\n"
		"      --raw              raw table: no alignment, special characters escaped;\n"
		"                         implies --table\n"
		"  -b, --bytes            sizes in the table in bytes\n"
		"  -h, --help             this help\n\n"
		"A filter that matches nothing prints [] (or an empty table) with a warning\n"
		"on stderr, and exit status 0.\n");
	table_help(f, device_columns, DEVICE_NCOLS);
	table_help_of(f, " with -N", node_columns, NODE_NCOLS);
	fprintf(f, "\nSee cramctl(8).\n");
}

/* A filter matched nothing: say so on stderr, as `cxl list` does. */
static void warn_no_match(size_t count, const char *what, bool filtered)
{
	if (filtered && count == 0)
		fprintf(stderr, "cramctl: warning: no %s matches the filters\n", what);
}

/* Checks the options for a table; the column ids into @ids, their count into *@nids. */
static int list_table_select(const struct list_opts *o, int *ids, int *nids)
{
	if (o->json) {
		fprintf(stderr, "cramctl list: --json and a table exclude each other\n");
		return -1;
	}
	if (o->devices && o->nodes) {
		fprintf(stderr, "cramctl list: a table shows devices or nodes: give -D or -N\n");
		return -1;
	}
	if (o->devices)
		*nids = table_select("list", device_columns, DEVICE_NCOLS, &o->tbl, ids);
	else
		*nids = table_select("list", node_columns, NODE_NCOLS, &o->tbl, ids);
	return *nids < 0 ? -1 : 0;
}

/* Prints the table of -D or -N; the exit status. */
static int list_table(struct cram_ctx *ctx, const struct list_opts *o, const int *ids, int nids)
{
	struct libscols_table *tb;
	size_t count = 0;
	int ret;

	if (o->devices)
		tb = table_new(device_columns, ids, nids, &o->tbl);
	else
		tb = table_new(node_columns, ids, nids, &o->tbl);
	if (!tb) {
		fprintf(stderr, "cramctl: out of memory\n");
		return 1;
	}
	if (o->devices) {
		ret = list_devices(ctx, o, NULL, tb, ids, nids, &count);
		warn_no_match(count, "device", o->device.n || o->region.n || o->node.n ||
			      o->state.n || o->mode.n);
	} else {
		ret = list_nodes(ctx, o, NULL, tb, ids, nids, &count);
		warn_no_match(count, "node", o->node.n || o->mode.n);
	}
	if (table_print(tb) < 0)
		ret = 1;
	return ret;
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
		{ "table", no_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		{ "output-all", no_argument, NULL, TABLE_OPT_OUTPUT_ALL },
		{ "noheadings", no_argument, NULL, LIST_OPT_NOHEADINGS },
		{ "raw", no_argument, NULL, LIST_OPT_RAW },
		{ "bytes", no_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct json_object *devs = NULL, *nodes = NULL, *out;
	struct list_opts o = { 0 };
	int ids[TABLE_MAX_COLUMNS], nids = 0;
	size_t ndevs = 0, nnodes = 0;
	struct cram_ctx *ctx;
	int c, rc, ret = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "DNd:r:n:s:m:ujto:bh", longopts, NULL)) != -1) {
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
			o.json = true;
			break;
		case 'b':
			o.bytes = true;
			break;
		case 't':
			o.table = true;
			break;
		case 'o':
		case TABLE_OPT_OUTPUT_ALL:
			o.table = table_getopt(c, optarg, &o.tbl);
			break;
		case LIST_OPT_NOHEADINGS:
			o.table = o.tbl.noheadings = true;
			break;
		case LIST_OPT_RAW:
			o.table = o.tbl.raw = true;
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
	if (o.table && list_table_select(&o, ids, &nids) < 0)
		return 2;

	rc = cram_new(&ctx);
	if (rc < 0) {
		fprintf(stderr, "cramctl: cannot create libcram context: %s\n", strerror(-rc));
		return 1;
	}
	device_warn_no_provider(ctx);
	if (o.table) {
		ret = list_table(ctx, &o, ids, nids);
		cram_unref(ctx);
		return ret;
	}
	if (o.devices) {
		devs = json_object_new_array();
		if (devs)
			ret |= list_devices(ctx, &o, devs, NULL, NULL, 0, &ndevs);
	}
	if (o.nodes) {
		nodes = json_object_new_array();
		if (nodes)
			ret |= list_nodes(ctx, &o, nodes, NULL, NULL, 0, &nnodes);
	}
	if ((o.devices && !devs) || (o.nodes && !nodes)) {
		fprintf(stderr, "cramctl: out of memory\n");
		json_object_put(devs);
		json_object_put(nodes);
		cram_unref(ctx);
		return 1;
	}
	if (devs)
		warn_no_match(ndevs, "device", o.device.n || o.region.n || o.node.n ||
			      o.state.n || o.mode.n);
	if (nodes)
		warn_no_match(nnodes, "node", o.node.n || o.mode.n);
	if (devs && nodes) {
		/* as `cxl list`: arrays named only when both kinds have results */
		bool nest = ndevs && nnodes;

		out = json_object_new_array();
		if (!out || json_out_splice(out, devs, "devices", nest) < 0 ||
		    json_out_splice(out, nodes, "nodes", nest) < 0) {
			fprintf(stderr, "cramctl: out of memory\n");
			json_object_put(out);
			cram_unref(ctx);
			return 1;
		}
	} else {
		out = devs ? devs : nodes;
	}
	json_out_print_list(out, o.human);
	json_object_put(out);
	cram_unref(ctx);
	return ret;
}
