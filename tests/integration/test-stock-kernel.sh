#!/bin/sh
# A stock kernel with CXL memory but no cram provider (issue 11): cramctl
# status prints [] and exits 0, cramd serves with 0 devices, and both say
# that the running kernel has no cram provider and where to read about the
# kernel it needs, instead of only "no cram device".
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	$CRAMCTL status --json >"$CRAM_TESTBED/out" 2>"$CRAM_TESTBED/err"
	cram_assert_eq $? 0 "cramctl status exit status"
	cram_assert_eq "$(tr -d ' \n' <"$CRAM_TESTBED/out")" "[]" "cramctl status --json"
	cram_assert_grep 'the running kernel has no cram provider.*kernel-abi/README.md' \
		"$CRAM_TESTBED/err"
	$CRAMCTL list >/dev/null 2>"$CRAM_TESTBED/err" || cram_fail "cramctl list"
	cram_assert_grep 'no cram provider' "$CRAM_TESTBED/err"
	cram_start_cramd '[global]\npoll_interval_ms = 100\n'
	cram_wait_for 10 grep -q 'ready: managing 0 devices' "$CRAMD_LOG"
	cram_assert_grep 'the running kernel has no cram provider.*kernel-abi/README.md' "$CRAMD_LOG"
	cram_stop_cramd
	exit 0
fi

cram_run_testbed --devices 1 --size 268435456 --stock --bind device_dax -- sh "$0" --inner
