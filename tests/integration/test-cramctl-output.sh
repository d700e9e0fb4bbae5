#!/bin/sh
# cramctl checks its output (#16 item 16): with stdout on /dev/full or
# closed, every verb (table, JSON, the daemon's verbs, monitor, --help)
# says so on stderr and exits 1 rather than 0 with the output lost. The
# action itself is still done (pause pauses). A closed stdout is checked
# outside the testbed: under umockdev, its preload library takes the free
# descriptor 1 before cramctl's main() can see it closed.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

# expect_full CMD...: CMD exits 1 and names the write error.
expect_full() {
	"$@" >/dev/full 2>"$out.err"
	cram_assert_eq $? 1 "exit status of '$*' >/dev/full"
	cram_assert_grep 'cramctl: cannot write to standard output: No space left on device' "$out.err"
}
expect_closed() {
	"$@" >&- 2>"$out.err"
	cram_assert_eq $? 1 "exit status of '$*' with stdout closed"
	cram_assert_grep 'cramctl: cannot write to standard output: Bad file descriptor' "$out.err"
}

if [ "${1:-}" = --inner ]; then
	dev=/sys/bus/dax/devices
	out=$CRAM_TESTBED/out


	# Without cramd: the sysfs verbs.
	for verb in "status" "status --json" "status -b dax0.0" "list" "list -N" "metrics" \
		"--help" "--version"; do
		# shellcheck disable=SC2086 # split on purpose
		$CRAMCTL $verb >/dev/null 2>&1 || cram_fail "'cramctl $verb' fails on /dev/null"
		# shellcheck disable=SC2086
		expect_full $CRAMCTL $verb
	done

	cram_start_cramd '[global]\npoll_interval_ms = 100\n'
	cram_wait_for 10 grep -q 'ready: managing 2 devices' "$CRAMD_LOG"
	for verb in "dump" "dump --json" "status" "status --json" "resume"; do
		# shellcheck disable=SC2086
		expect_full $CRAMCTL $verb
	done
	# The request is done even though its output is lost.
	# shellcheck disable=SC2086 # $CRAMCTL may carry a wrapper: split on purpose
	expect_full $CRAMCTL pause
	$CRAMCTL status >/dev/null 2>"$out.err"
	cram_assert_grep 'cramd is paused' "$out.err"
	# shellcheck disable=SC2086
	expect_full $CRAMCTL resume --json
	$CRAMCTL status >/dev/null 2>"$out.err"
	grep -q paused "$out.err" && cram_fail "resume was not done"
	# The daemon saw a whole request, not one written into stdout's place.
	grep -q 'refused request' "$CRAMD_LOG" && cram_fail "cramd got a garbled request"
	cram_stop_cramd

	# monitor: the first event it cannot write ends it with status 1.
	before=$(ls "$CRAM_TESTBED" | grep -c '^event')
	# shellcheck disable=SC2086
	timeout 30 $CRAMCTL monitor >/dev/full 2>"$out.err" &
	mon=$!
	cram_wait_for 30 sh -c "[ \$(ls '$CRAM_TESTBED' | grep -c '^event') -gt $before ]"
	# cramd left dax1.0 online: offlining it makes a uevent.
	echo offline >$dev/dax1.0/cram/state
	wait $mon
	cram_assert_eq $? 1 "exit status of monitor >/dev/full"
	cram_assert_grep 'cannot write to standard output: No space left on device' "$out.err"
	exit 0
fi

# Outside the testbed (the host's sysfs; no cramd at $CRAMD_SOCKET).
out=$(mktemp -d)/out
for verb in "status" "status --json" "list" "metrics" "--help" "--version"; do
	# shellcheck disable=SC2086 # split on purpose
	expect_closed $CRAMCTL $verb
done
rm -rf "${out%/out}"

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --tick-ms 20 \
	-- sh "$0" --inner
