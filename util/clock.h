/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The monotonic clock, in the units its callers count in. */
#ifndef CRAM_UTIL_CLOCK_H
#define CRAM_UTIL_CLOCK_H

#include <stdint.h>

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t util_now_ns(void);

/* CLOCK_MONOTONIC in milliseconds. */
static inline uint64_t util_now_ms(void)
{
	return util_now_ns() / 1000000u;
}

#endif
