/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What cramd sets up and checks once at start: its libcram context with
 * libcram's messages bridged into cramd's log, and whether the kernel
 * demotes into private nodes at all.
 */
#ifndef CRAMD_STARTUP_H
#define CRAMD_STARTUP_H

#include <cram/cram.h>

/* A libcram context logging through cramd's log. Returns 0 or -errno (logged). */
int cramd_startup_cram(struct cram_ctx **out);

/* Warn once when /sys/kernel/mm/numa/demotion_enabled is not true. */
void cramd_startup_check_demotion(void);
void cramd_startup_check_provider(struct cram_ctx *cram);

#endif
