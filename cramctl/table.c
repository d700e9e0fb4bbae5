// SPDX-License-Identifier: GPL-2.0-or-later
/* cramctl's human tables through libsmartcols; see table.h. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/decimal.h"

#include "table.h"

bool table_getopt(int c, const char *arg, struct table_opts *o)
{
	switch (c) {
	case 'o':
		o->output = arg;
		return true;
	case TABLE_OPT_OUTPUT_ALL:
		o->output_all = true;
		return true;
	case 'n':
		o->noheadings = true;
		return true;
	case 'r':
		o->raw = true;
		return true;
	default:
		return false;
	}
}

static int column_id(const struct table_column *cols, size_t ncols, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ncols; i++)
		if (strlen(cols[i].name) == len && strncasecmp(cols[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

static int add_id(const char *verb, const struct table_column *cols, int ids[], int n, int id)
{
	int i;

	for (i = 0; i < n; i++)
		if (ids[i] == id) {
			fprintf(stderr, "cramctl %s: column '%s' named twice\n", verb,
				cols[id].name);
			return -1;
		}
	if (n == TABLE_MAX_COLUMNS) {
		fprintf(stderr, "cramctl %s: more than %d columns\n", verb, TABLE_MAX_COLUMNS);
		return -1;
	}
	ids[n] = id;
	return n + 1;
}

int table_select(const char *verb, const struct table_column *cols, size_t ncols,
		 const struct table_opts *o, int ids[TABLE_MAX_COLUMNS])
{
	const char *p = o->output;
	int n = 0;
	size_t i;

	if (o->output_all && p) {
		fprintf(stderr, "cramctl %s: --output and --output-all exclude each other\n",
			verb);
		return -1;
	}
	if (!p || *p == '+')
		for (i = 0; i < ncols && n >= 0; i++)
			if (o->output_all || cols[i].dflt)
				n = add_id(verb, cols, ids, n, (int)i);
	if (p && *p == '+')
		p++;
	while (p && n >= 0) {
		size_t len = strcspn(p, ",");
		int id = column_id(cols, ncols, p, len);

		if (id < 0) {
			fprintf(stderr, "cramctl %s: unknown column '%.*s' (see cramctl %s "
				"--help)\n", verb, (int)len, p, verb);
			return -1;
		}
		n = add_id(verb, cols, ids, n, id);
		p = p[len] ? p + len + 1 : NULL;
	}
	return n;
}

/* $COLUMNS, as util-linux reads it: a width that holds even when not on a terminal. */
static size_t env_columns(void)
{
	const char *s = getenv("COLUMNS");
	uint64_t v;

	if (!s || util_parse_u64(s, &v) < 0 || v == 0 || v > 100000)
		return 0;
	return (size_t)v;
}

struct libscols_table *table_new(const struct table_column *cols, const int *ids, size_t n,
				 const struct table_opts *o)
{
	struct libscols_table *tb = scols_new_table();
	size_t i, width = env_columns();

	if (!tb)
		return NULL;
	scols_table_enable_noheadings(tb, o->noheadings);
	scols_table_enable_raw(tb, o->raw);
	if (width) {
		scols_table_set_termforce(tb, SCOLS_TERMFORCE_ALWAYS);
		scols_table_set_termwidth(tb, width);
	}
	for (i = 0; i < n; i++) {
		const struct table_column *c = &cols[ids[i]];

		if (!scols_table_new_column(tb, c->name, c->whint, c->flags)) {
			scols_unref_table(tb);
			return NULL;
		}
	}
	return tb;
}

/* @buf line by line to stdout, without the blanks that pad an empty last column. */
static void print_trimmed(const char *buf, size_t len)
{
	while (len) {
		const char *nl = memchr(buf, '\n', len);
		size_t line = nl ? (size_t)(nl - buf) : len, end = line;

		while (end && buf[end - 1] == ' ')
			end--;
		fwrite(buf, 1, end, stdout);
		if (nl) {
			putchar('\n');
			line++;
		}
		buf += line;
		len -= line;
	}
}

int table_print(struct libscols_table *tb)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	/* raw output keeps its separators: an empty last field is still a field */
	if (scols_table_is_raw(tb)) {
		rc = scols_print_table(tb);
	} else {
		rc = scols_print_table_to_string(tb, &buf);
		if (rc == 0 && buf) {
			len = strlen(buf);
			print_trimmed(buf, len);
			if (len && buf[len - 1] != '\n')
				putchar('\n');
		}
		free(buf);
	}
	scols_unref_table(tb);
	if (rc < 0) {
		fprintf(stderr, "cramctl: cannot print the table: out of memory\n");
		return -1;
	}
	return 0;
}

void table_help(FILE *f, const struct table_column *cols, size_t ncols)
{
	table_help_of(f, "", cols, ncols);
}

void table_help_of(FILE *f, const char *which, const struct table_column *cols, size_t ncols)
{
	size_t i;

	fprintf(f, "\nAvailable output columns%s (* printed by default):\n", which);
	for (i = 0; i < ncols; i++)
		fprintf(f, " %c%-11s %s\n", cols[i].dflt ? '*' : ' ', cols[i].name, cols[i].help);
}

void table_help_options(FILE *f)
{
	fprintf(f, "  -o, --output LIST  the columns to print (comma list; +LIST adds to the "
		"defaults)\n"
		"      --output-all   print every column\n"
		"  -n, --noheadings   no header line\n"
		"  -r, --raw          raw output: no alignment, special characters escaped\n");
}

/* A line of @tb for each object of @arr; see table_print_json_ids. */
static int add_json(struct libscols_table *tb, struct json_object *arr, const char *const *keys,
		    const int *ids, size_t n)
{
	size_t i, k, len = json_object_array_length(arr);

	for (i = 0; i < len; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i), *v;
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		if (!ln)
			return -1;
		for (k = 0; k < n; k++) {
			bool has = json_object_object_get_ex(e, keys[ids[k]], &v) &&
				   json_object_is_type(v, json_type_string);

			if (scols_line_set_data(ln, k, has ? json_object_get_string(v) : "-") < 0)
				return -1;
		}
	}
	return 0;
}

int table_print_json_ids(const struct table_column *cols, const int *ids, size_t n,
			 const struct table_opts *o, struct json_object *arr,
			 const char *const *keys)
{
	struct libscols_table *tb = table_new(cols, ids, n, o);

	if (!tb || add_json(tb, arr, keys, ids, n) < 0) {
		scols_unref_table(tb);
		fprintf(stderr, "cramctl: cannot print the table: out of memory\n");
		return -1;
	}
	return table_print(tb);
}

int table_print_json(const struct table_column *cols, size_t n, const struct table_opts *o,
		     struct json_object *arr, const char *const *keys)
{
	int ids[TABLE_MAX_COLUMNS];
	size_t i;

	for (i = 0; i < n && i < TABLE_MAX_COLUMNS; i++)
		ids[i] = (int)i;
	return table_print_json_ids(cols, ids, i, o, arr, keys);
}
