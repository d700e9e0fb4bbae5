/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The grammar of kernel device names (daxX.Y, regionN, memN, decoderX.Y)
 * and of the names a user gives to pick a device (those, or serial:0xHEX):
 * one rule for libcram, cramd, cram-discover and cramctl.
 */
#ifndef CRAM_UTIL_NAMES_H
#define CRAM_UTIL_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/*
 * util_name_parse - @name is @prefix followed by @n decimal numbers joined
 * by '.', as sysfs names them: ("dax", 2) for "dax0.1", ("region", 1) for
 * "region3". The numbers go to @nums (may be NULL). Returns 0, -EINVAL, or
 * -ERANGE for a well-formed number past UINT_MAX.
 */
int util_name_parse(const char *name, const char *prefix, unsigned int *nums, size_t n);

/*
 * util_name_is - the same grammar as accepted from outside (configuration
 * files, requests, argv): each number 1..9 digits, without a leading zero.
 */
bool util_name_is(const char *name, const char *prefix, unsigned int n);

/*
 * util_region_of_path - the CXL region that sysfs path @path lies under: a
 * "regionN" component directly under a CXL decoder ("decoderX.Y/regionN",
 * a ram region's), or an nd region under the nvdimm bus of a CXL nvdimm
 * bridge ("nvdimm-bridgeN/ndbusM/regionN", a pmem region's: the kernel
 * names the nd region after the CXL region it stands for). An nd region of
 * another bus (NFIT) is not a CXL region. Copies the last such component
 * to @out. Returns 0, -ENOENT when @path has none, or -ENAMETOOLONG when
 * it does not fit @len.
 */
int util_region_of_path(const char *path, char *out, size_t len);

/* A device name as a user may give it: daxX.Y, regionN, memN or serial:0xHEX. */
bool util_device_match_valid(const char *name);

/* True when @match ("serial:0xHEX", valid) names @serial. */
bool util_serial_matches(const char *match, unsigned long long serial);

#endif
