/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cramctl monitor: cram device events as JSON lines. */
#ifndef CRAMCTL_MONITOR_H
#define CRAMCTL_MONITOR_H

int cmd_monitor(int argc, char **argv);

#endif
