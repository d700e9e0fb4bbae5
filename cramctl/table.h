/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cramctl's human tables, through libsmartcols as util-linux prints them:
 * the column set of a verb, -o/--output to choose columns, -n, -r, the
 * terminal width, and the column list of --help.
 */
#ifndef CRAMCTL_TABLE_H
#define CRAMCTL_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <json-c/json.h>
#include <libsmartcols/libsmartcols.h>

/* One column a verb can print. */
struct table_column {
	const char *name;	/* as in the header and in -o, upper case */
	double whint;		/* libsmartcols width hint: columns, or a fraction of the line */
	int flags;		/* SCOLS_FL_*: TRUNC or WRAP for those that give way */
	bool dflt;		/* printed when -o is not given */
	const char *help;	/* one line for --help */
};

/* The most columns a verb has. */
#define TABLE_MAX_COLUMNS 32

/* The options of a table verb. */
struct table_opts {
	const char *output;	/* -o LIST (commas, any case; "+LIST" adds to the defaults) */
	bool output_all;	/* --output-all */
	bool noheadings;	/* -n */
	bool raw;		/* -r */
};

/* The long options every table verb takes, and their short letters "o:nr". */
#define TABLE_OPT_OUTPUT_ALL 0x100
#define TABLE_LONGOPTS \
	{ "output", required_argument, NULL, 'o' }, \
	{ "output-all", no_argument, NULL, TABLE_OPT_OUTPUT_ALL }, \
	{ "noheadings", no_argument, NULL, 'n' }, \
	{ "raw", no_argument, NULL, 'r' }

/*
 * table_getopt - take getopt's @c when it is a table option, into @o.
 * Returns true when it was one.
 */
bool table_getopt(int c, const char *arg, struct table_opts *o);

/*
 * table_select - the indexes into @cols (@ncols of them) of the columns to
 * print, in order, into @ids: those -o names, all with --output-all, else
 * the defaults. An unknown or repeated name is said on stderr, naming it
 * and @verb. Returns the count, or -1.
 */
int table_select(const char *verb, const struct table_column *cols, size_t ncols,
		 const struct table_opts *o, int ids[TABLE_MAX_COLUMNS]);

/*
 * table_new - an empty table of the @n columns @ids of @cols, with -n and
 * -r of @o, fitted to the terminal (or to $COLUMNS when set, as
 * util-linux does). NULL when out of memory.
 */
struct libscols_table *table_new(const struct table_column *cols, const int *ids, size_t n,
				 const struct table_opts *o);

/*
 * table_print_json - print a table of the @n columns @cols (all of them,
 * with -n and -r of @o): a line for each object of the JSON array @arr,
 * whose cell i is its string @keys[i], or "-" when it has none. Returns
 * 0, or -1 (said on stderr) when out of memory.
 */
int table_print_json(const struct table_column *cols, size_t n, const struct table_opts *o,
		     struct json_object *arr, const char *const *keys);

/*
 * table_print_json_ids - the same with the @n columns @ids of @cols (as
 * table_select gives them); @keys is indexed as @cols.
 */
int table_print_json_ids(const struct table_column *cols, const int *ids, size_t n,
			 const struct table_opts *o, struct json_object *arr,
			 const char *const *keys);

/*
 * table_print - print @tb and free it. Returns 0, or -1 (said on stderr)
 * when out of memory.
 */
int table_print(struct libscols_table *tb);

/* table_help - the column list of --help: each name and its line. */
void table_help(FILE *f, const struct table_column *cols, size_t ncols);

/*
 * table_help_of - the same for a verb with more than one table: @which
 * (" with -N") follows "Available output columns".
 */
void table_help_of(FILE *f, const char *which, const struct table_column *cols, size_t ncols);

/* table_help_options - the lines of --help for the table options. */
void table_help_options(FILE *f);

#endif
