/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cramctl metrics: Prometheus text exposition of every cram device. */
#ifndef CRAMCTL_METRICS_H
#define CRAMCTL_METRICS_H

int cmd_metrics(int argc, char **argv);

#endif
