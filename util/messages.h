/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Messages that more than one program prints, written once. */
#ifndef CRAM_UTIL_MESSAGES_H
#define CRAM_UTIL_MESSAGES_H

/* A stock kernel lists dax devices but has no cram provider to bind them to. */
#define UTIL_MSG_NO_PROVIDER \
	"the running kernel has no cram provider (no /sys/bus/dax/drivers/cram); " \
	"see kernel-abi/README.md for the kernel it needs"

#endif
