#!/bin/sh
# offline_timeout_ms: an offline that blocks is interrupted after the
# bound, for `cramctl offline` and on stop. A testbed file cannot block a
# write, so cramd runs with tests/harness/helpers/pin-offline.c preloaded: while
# $pins/DEV exists, writing "offline" to DEV blocks until a handled signal
# and then fails with EBUSY, as the kernel does with a page it cannot move
# (umockdev's own wrappers run with every signal blocked, so the write is
# the place to block). cramctl gets the timeout back within the bound, the
# device stays online and managed, cramd keeps answering, and once unpinned
# the same cramd offlines it; SIGTERM with offline_on_stop gives up after
# offline_retries + 1 bounded attempts and exits 1 with the device left
# online. The real kernel's case is tests/vm/part-offline-timeout.sh.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

now_ms() { date +%s%3N; }

if [ "${1:-}" = --inner ]; then
	dev=/sys/bus/dax/devices
	send=$top_builddir/tests/harness/helpers/send-request
	preload=$top_builddir/tests/harness/helpers/.libs/libpin-offline.so
	pins=$CRAM_TESTBED/pins
	out=$CRAM_TESTBED/out
	# generous: valgrind (CRAM_TEST_WRAPPER) slows cramd down
	slack=5000
	[ -e "$preload" ] || cram_fail "$preload is not built"
	mkdir -p "$pins"

	CRAMD_LOG=$CRAM_TESTBED/cramd.log
	printf '[global]\npoll_interval_ms = 100\noffline_on_stop = yes\noffline_retries = 2\noffline_timeout_ms = 400\n' \
		>"$CRAM_TESTBED/cramd.conf"
	LD_PRELOAD="$preload${LD_PRELOAD:+:$LD_PRELOAD}" CRAM_PIN_DIR=$pins \
		$CRAMD --config "$CRAM_TESTBED/cramd.conf" --socket "$CRAMD_SOCKET" 2>>"$CRAMD_LOG" &
	CRAMD_PID=$!
	cram_wait_for 10 grep -q 'ready: managing 2 devices' "$CRAMD_LOG"

	# cramctl offline of a pinned device: the timeout, within the bound
	: >"$pins/dax0.0"
	t0=$(now_ms)
	$CRAMCTL offline dax0.0 >"$out" 2>"$out.err"
	rc=$?
	t1=$(now_ms)
	toff=$((t1 - t0))
	cram_assert_eq $rc 1 "cramctl offline exit status when the write blocks"
	cram_assert_grep 'offline: cramd refused: dax0.0: offline timed out after 400 ms (a page could not be moved); left online and managed, retry later' "$out.err"
	[ $((t1 - t0)) -ge 400 ] || cram_fail "cramctl offline came back after $((t1 - t0)) ms, before the bound"
	[ $((t1 - t0)) -lt $((400 + slack)) ] || cram_fail "cramctl offline took $((t1 - t0)) ms"
	# libcram's open truncated the file: the fake kernel puts "online" back
	cram_wait_for 5 grep -qx online $dev/dax0.0/cram/state

	# cramd answers, and still manages both devices
	"$send" "$CRAMD_SOCKET" '{"command":"status"}\n' >"$out" || cram_fail "no status reply"
	cram_assert_grep '"managed":2,' "$out"
	cram_assert_grep '"device":"dax0.0"' "$out"
	$CRAMCTL status >"$out" 2>"$out.err" || cram_fail "cramctl status failed"
	grep -q cramd "$out.err" && cram_fail "cramctl status: $(cat "$out.err")"
	$CRAMCTL dump >"$out" || cram_fail "dump failed"
	cram_assert_grep 'dax0.0  *offline-failed  *dax0.0: offline timed out after 400 ms' "$out"

	# unpinned, the same cramd offlines it
	rm "$pins/dax0.0"
	$CRAMCTL offline dax0.0 >"$out" 2>&1 || cram_fail "offline after unpinning: $(cat "$out")"
	cram_assert_eq "$(cat $dev/dax0.0/cram/state)" offline "dax0.0 offlined once unpinned"

	# stop: 3 bounded attempts on the pinned dax1.0, exit status 1
	: >"$pins/dax1.0"
	t0=$(now_ms)
	kill -TERM "$CRAMD_PID"
	wait "$CRAMD_PID"
	rc=$?
	t1=$(now_ms)
	cram_assert_eq $rc 1 "exit status with a device left online"
	bound=$((3 * 400 + 100 + 200))
	[ $((t1 - t0)) -ge $((3 * 400)) ] || cram_fail "stopped after $((t1 - t0)) ms, before 3 attempts"
	[ $((t1 - t0)) -lt $((bound + slack)) ] || cram_fail "stop took $((t1 - t0)) ms (bound $bound ms)"
	cram_assert_grep 'dax1.0: offline timed out after 400 ms (a page could not be moved), retry 1 of 2 in 100 ms' "$CRAMD_LOG"
	cram_assert_grep 'dax1.0: offline timed out after 400 ms (a page could not be moved), retry 2 of 2 in 200 ms' "$CRAMD_LOG"
	cram_assert_grep 'dax1.0: still online after 3 attempts: offline timed out after 400 ms (a page could not be moved); the node is left online' "$CRAMD_LOG"
	cram_wait_for 5 grep -qx online $dev/dax1.0/cram/state
	echo "timed-out cramctl offline: $toff ms; stop: $((t1 - t0)) ms (bound $bound ms)"
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --tick-ms 20 \
	-- sh "$0" --inner
