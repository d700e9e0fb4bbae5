// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cramctl top: a live view of every cram device, refreshed in place with
 * ncurses (resizing, keys and a terminal restored on every exit come with
 * it), or printed frame after frame in batch mode. The data comes from
 * top-sample.c, its layout from top-render.c; this file runs the loop:
 * options, the screen, keys and signals.
 */
#include <curses.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cram/cram.h>

#include "util/clock.h"
#include "util/decimal.h"

#include "top.h"
#include "top-render.h"
#include "top-sample.h"

#define DELAY_MS_DEFAULT 1000u
#define DELAY_MS_MIN 100u
#define DELAY_MS_MAX 3600000u
#define BATCH_WIDTH 80

struct top_opts {
	unsigned int delay_ms;
	uint64_t iterations;	/* 0: until q or a signal */
	bool batch;
};

/* What ended a wait. */
enum wake { WAKE_TIMER, WAKE_REFRESH, WAKE_RESIZE, WAKE_QUIT };

/*
 * SECONDS: digits with at most three decimals ("2", "0.5"), within
 * DELAY_MS_MIN..DELAY_MS_MAX. Returns 0 or -EINVAL.
 */
static int parse_delay(const char *s, unsigned int *ms)
{
	const char *p = s;
	uint64_t whole, frac = 0;
	bool overflow = false;
	int digits = 0;

	if (!util_scan_u64(&p, &whole, &overflow) || overflow)
		return -EINVAL;
	if (*p == '.') {
		for (p++; util_is_digit(*p) && digits < 3; p++, digits++)
			frac = frac * 10 + (uint64_t)(*p - '0');
		if (!digits)
			return -EINVAL;
		for (; digits < 3; digits++)
			frac *= 10;
	}
	if (*p || whole > DELAY_MS_MAX / 1000 || whole * 1000 + frac < DELAY_MS_MIN ||
	    whole * 1000 + frac > DELAY_MS_MAX)
		return -EINVAL;
	*ms = (unsigned int)(whole * 1000 + frac);
	return 0;
}

static void top_usage(FILE *f)
{
	fprintf(f, "usage: cramctl top [-d|--delay SECONDS] [-n|--iterations N] [-b|--batch]\n"
		"\n"
		"  -d, --delay SECONDS    refresh every SECONDS (0.1..3600, default 1)\n"
		"  -n, --iterations N     exit after N refreshes\n"
		"  -b, --batch            print each refresh as plain text (the default when\n"
		"                         standard output is not a terminal)\n"
		"\n"
		"keys: q quits, space refreshes now. See cramctl(8).\n");
}

/* Returns -1 to exit 0 (--help), -2 for a usage error, or 0. */
static int parse_opts(int argc, char **argv, struct top_opts *o)
{
	static const struct option longopts[] = {
		{ "delay", required_argument, NULL, 'd' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "batch", no_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->delay_ms = DELAY_MS_DEFAULT;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:n:bh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (parse_delay(optarg, &o->delay_ms) == 0)
				break;
			fprintf(stderr, "cramctl top: invalid delay '%s': seconds from 0.1 to %u, "
				"at most three decimals\n", optarg, DELAY_MS_MAX / 1000);
			return -2;
		case 'n':
			if (util_parse_u64(optarg, &o->iterations) == 0 && o->iterations > 0)
				break;
			fprintf(stderr, "cramctl top: invalid number of iterations '%s': "
				"a whole number from 1\n", optarg);
			return -2;
		case 'b':
			o->batch = true;
			break;
		case 'h':
			top_usage(stdout);
			return -1;
		default:
			top_usage(stderr);
			return -2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "cramctl top: unexpected argument '%s'\n", argv[optind]);
		top_usage(stderr);
		return -2;
	}
	return 0;
}

/* Lines of a frame on the ncurses screen: those past its last row are counted, not drawn. */
struct screen_frame {
	int row;
};

static void screen_emit(void *arg, enum top_style style, const char *text)
{
	struct screen_frame *f = arg;
	int attr = style == TOP_STYLE_TITLE ? A_REVERSE :
		   style == TOP_STYLE_PLAIN ? A_NORMAL : A_BOLD;

	if (f->row < LINES) {
		attron(attr);
		mvaddnstr(f->row, 0, text, COLS);
		attroff(attr);
	}
	f->row++;
}

static int draw_screen(const struct top_view *v, const struct top_opts *o)
{
	struct screen_frame f = { 0 };
	int rc;

	erase();
	rc = top_render(v, COLS, o->delay_ms, screen_emit, &f);
	if (f.row > LINES && LINES > 0) {
		move(LINES - 1, 0);
		clrtoeol();
		attron(A_BOLD);
		mvaddnstr(LINES - 1, 0, "(more below: enlarge the terminal)", COLS);
		attroff(A_BOLD);
	}
	refresh();
	return rc;
}

static void batch_emit(void *arg, enum top_style style, const char *text)
{
	printf("%s\n", text);
}

static int draw_batch(const struct top_view *v, const struct top_opts *o, bool first)
{
	struct winsize ws;
	int width = BATCH_WIDTH, rc;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col)
		width = ws.ws_col;
	if (!first)
		printf("\n");
	rc = top_render(v, width, o->delay_ms, batch_emit, NULL);
	if (fflush(stdout) != 0)
		return -errno;
	return rc;
}

/* ncurses learns the new size from the terminal (SIGWINCH is ours, see run()). */
static void screen_resize(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		resizeterm(ws.ws_row, ws.ws_col);
}

/* Keys waiting on the screen. */
static enum wake read_keys(void)
{
	enum wake w = WAKE_TIMER;
	int ch;

	while ((ch = getch()) != ERR) {
		if (ch == 'q' || ch == 'Q')
			return WAKE_QUIT;
		if (ch == ' ')
			w = WAKE_REFRESH;
		else if (ch == KEY_RESIZE && w == WAKE_TIMER)
			w = WAKE_RESIZE;
	}
	return w;
}

/*
 * Waits until @deadline_ms for a signal on @sfd, or a key when @keys:
 * SIGWINCH resizes, SIGINT, SIGTERM and SIGHUP quit, as does a terminal
 * that went away.
 */
static enum wake wait_event(int sfd, bool keys, uint64_t deadline_ms)
{
	struct pollfd pfd[2] = {
		{ .fd = sfd, .events = POLLIN },
		{ .fd = STDIN_FILENO, .events = POLLIN },
	};

	for (;;) {
		uint64_t now = util_now_ms();
		struct signalfd_siginfo si;
		int rc;

		if (now >= deadline_ms)
			return WAKE_TIMER;
		rc = poll(pfd, keys ? 2 : 1, (int)(deadline_ms - now));
		if (rc < 0 && errno != EINTR)
			return WAKE_QUIT;
		if (rc <= 0)
			continue;
		if (pfd[0].revents & POLLIN) {
			if (read(sfd, &si, sizeof(si)) != sizeof(si))
				return WAKE_QUIT;
			if (si.ssi_signo != SIGWINCH)
				return WAKE_QUIT;
			if (keys)
				return WAKE_RESIZE;
		}
		if (keys && (pfd[1].revents & (POLLHUP | POLLERR | POLLNVAL)))
			return WAKE_QUIT;
		if (keys && (pfd[1].revents & POLLIN)) {
			enum wake w = read_keys();

			if (w != WAKE_TIMER)
				return w;
		}
	}
}

/* A query to cramd waits half the delay, within 0.1..1 s, so a stopped cramd slows nothing. */
static int cramd_timeout_ms(const struct top_opts *o)
{
	unsigned int t = o->delay_ms / 2;

	return t < 100 ? 100 : t > 1000 ? 1000 : (int)t;
}

static int loop(struct cram_ctx *ctx, int sfd, const struct top_opts *o)
{
	struct top_view prev = { 0 }, cur;
	uint64_t done = 0, deadline = 0;
	enum wake w = WAKE_TIMER;
	int rc = 0;

	for (;;) {
		if (w != WAKE_RESIZE) {
			rc = top_sample(ctx, done ? &prev : NULL, cramd_timeout_ms(o), &cur);
			if (rc < 0)
				break;
			top_view_clear(&prev);
			prev = cur;
			deadline = util_now_ms() + o->delay_ms;
			done++;
		} else {
			screen_resize();
		}
		rc = o->batch ? draw_batch(&prev, o, done == 1) : draw_screen(&prev, o);
		if (rc < 0 || (o->iterations && done >= o->iterations))
			break;
		w = wait_event(sfd, !o->batch, deadline);
		if (w == WAKE_QUIT)
			break;
	}
	top_view_clear(&prev);
	return rc;
}

static int run(struct cram_ctx *ctx, const struct top_opts *o)
{
	struct signalfd_siginfo si;
	sigset_t mask, old;
	SCREEN *screen = NULL;
	int sfd, rc;

	/* The signals come through a descriptor, so that no handler runs inside ncurses. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGWINCH);
	if (sigprocmask(SIG_BLOCK, &mask, &old) < 0)
		return -errno;
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		rc = -errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		return rc;
	}
	if (!o->batch) {
		screen = newterm(NULL, stdout, stdin);
		if (!screen) {
			fprintf(stderr, "cramctl top: cannot drive the terminal (TERM=%s); "
				"try --batch\n", getenv("TERM") ? getenv("TERM") : "");
			close(sfd);
			sigprocmask(SIG_SETMASK, &old, NULL);
			return -ENOTTY;
		}
		cbreak();
		noecho();
		nodelay(stdscr, TRUE);
		keypad(stdscr, TRUE);
		curs_set(0);
	}
	rc = loop(ctx, sfd, o);
	if (screen) {
		endwin();
		delscreen(screen);
	}
	/* a SIGINT that came after the last wait must not kill us when unblocked */
	while (read(sfd, &si, sizeof(si)) == sizeof(si))
		;
	close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

int cmd_top(int argc, char **argv)
{
	struct top_opts o = { 0 };
	struct cram_ctx *ctx;
	int rc = parse_opts(argc, argv, &o);

	if (rc < 0)
		return rc == -1 ? 0 : 2;
	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO))
		o.batch = true;
	rc = cram_new(&ctx);
	if (rc < 0) {
		fprintf(stderr, "cramctl: cannot create libcram context: %s\n", strerror(-rc));
		return 1;
	}
	/* libcram's messages would scribble over the screen */
	if (!o.batch)
		cram_set_log_priority(ctx, 0);
	rc = run(ctx, &o);
	cram_unref(ctx);
	if (rc == -ENOTTY)
		return 1;
	if (rc < 0) {
		fprintf(stderr, "cramctl top: %s\n", strerror(-rc));
		return 1;
	}
	return 0;
}
