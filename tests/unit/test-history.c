// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of cramd/history.c: the ring of recent decision records reads
 * back oldest first, drops the oldest once full, and takes the memory that
 * cramd(8) states, all of it from the start.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../cramd/history.h"

static struct cramd_history *new_history(void)
{
	struct cramd_history *h = malloc(sizeof(*h));

	assert_non_null(h);
	memset(h, 0xa5, sizeof(*h));
	cramd_history_init(h);
	return h;
}

static void add(struct cramd_history *h, uint64_t n)
{
	struct cramd_record r;

	memset(&r, 0, sizeof(r));
	r.realtime_usec = n;
	r.node = -1;
	cramd_history_add(h, &r);
}

/* Initialised over garbage, it holds nothing and every byte is written. */
static void test_init(void **state)
{
	struct cramd_history *h = new_history();
	const unsigned char *b = (const unsigned char *)h;
	size_t i;

	(void)state;
	assert_int_equal(h->count, 0);
	for (i = 0; i < sizeof(*h); i++)
		if (b[i])
			fail_msg("byte %zu of the ring is 0x%02x after init", i, b[i]);
	free(h);
}

static void test_order(void **state)
{
	struct cramd_history *h = new_history();
	uint64_t i;

	(void)state;
	for (i = 1; i <= 3; i++)
		add(h, i);
	assert_int_equal(h->count, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(cramd_history_get(h, i)->realtime_usec, i + 1);
	free(h);
}

/* Full, it keeps the last CRAMD_HISTORY_MAX, oldest first. */
static void test_wrap(void **state)
{
	struct cramd_history *h = new_history();
	uint64_t i, n = CRAMD_HISTORY_MAX + 10;

	(void)state;
	for (i = 1; i <= n; i++)
		add(h, i);
	assert_int_equal(h->count, CRAMD_HISTORY_MAX);
	assert_int_equal(cramd_history_get(h, 0)->realtime_usec, 11);
	assert_int_equal(cramd_history_get(h, CRAMD_HISTORY_MAX - 1)->realtime_usec, n);
	free(h);
}

/* What cramd(8) states the ring takes, on 64-bit systems. */
static void test_size(void **state)
{
	(void)state;
	if (sizeof(size_t) != 8)
		skip();
	assert_int_equal(CRAMD_HISTORY_MAX, 256);
	assert_int_equal(sizeof(struct cramd_history), 81936);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
