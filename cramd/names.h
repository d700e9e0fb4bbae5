/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The syntax of kernel device names cramd accepts from outside (config
 * files, control-socket requests): one rule for every input.
 */
#ifndef CRAMD_NAMES_H
#define CRAMD_NAMES_H

#include <stdbool.h>

/*
 * cramd_name_is - true when @name is @prefix followed by @numbers decimal
 * numbers joined by '.', each of 1..9 digits without a leading zero:
 * ("dax", 2) accepts "dax0.0", ("region", 1) "region12", ("mem", 1) "mem3".
 */
bool cramd_name_is(const char *name, const char *prefix, unsigned int numbers);

#endif
