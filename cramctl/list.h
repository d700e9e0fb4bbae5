/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cramctl list: cram devices and NUMA nodes as JSON, with ndctl-style filters. */
#ifndef CRAMCTL_LIST_H
#define CRAMCTL_LIST_H

int cmd_list(int argc, char **argv);

#endif
