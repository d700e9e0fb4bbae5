/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cramctl plot: a device's history drawn as SVG. */
#ifndef CRAMCTL_PLOT_SVG_H
#define CRAMCTL_PLOT_SVG_H

int cmd_plot(int argc, char **argv);

#endif
