/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cramctl top: the text of one refresh, laid out for a given width; the
 * caller puts the lines on a terminal (ncurses) or prints them (batch).
 */
#ifndef CRAMCTL_TOP_RENDER_H
#define CRAMCTL_TOP_RENDER_H

#include "top-sample.h"

/* How a line should stand out. */
enum top_style {
	TOP_STYLE_PLAIN,
	TOP_STYLE_TITLE,	/* the title line */
	TOP_STYLE_DEVICE,	/* a device's first line */
	TOP_STYLE_ALERT,	/* degraded, paused, cramd missing */
};

/* Called once per line, @text at most the width given to top_render(). */
typedef void (*top_emit_fn)(void *arg, enum top_style style, const char *text);

/*
 * top_render - lay out @view for @width columns (lines are cut there; the
 * usage bar shrinks first, and goes below 40 columns) and hand each line
 * to @emit. @delay_ms is shown in the title. Returns 0 or -ENOMEM.
 */
int top_render(const struct top_view *view, int width, unsigned int delay_ms,
	       top_emit_fn emit, void *arg);

#endif
