/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cramctl top: a live view of every cram device, refreshed in place. */
#ifndef CRAMCTL_TOP_H
#define CRAMCTL_TOP_H

int cmd_top(int argc, char **argv);

#endif
