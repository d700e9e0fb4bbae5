/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cramctl status: one row per cram device, read from sysfs through libcram. */
#ifndef CRAMCTL_STATUS_H
#define CRAMCTL_STATUS_H

int cmd_status(int argc, char **argv);

#endif
