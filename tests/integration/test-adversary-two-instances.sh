#!/bin/sh
# Adversary: a second cramd (#16 item 4). While one cramd runs, a second
# one with the same runtime directory exits 1 naming the first one's pid,
# before it touches the socket or a device: the first keeps its socket
# (the same inode) and keeps serving, and the second's exit removes
# nothing. After kill -9 the lock is free: a new cramd starts, replaces
# the stale socket, serves, and removes the socket when it stops.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	dev=/sys/bus/dax/devices
	out=$CRAM_TESTBED/out
	lock=$CRAM_TESTBED/cramd.lock
	conf='[global]\npoll_interval_ms = 100\n[policy]\npolicy = static\n'

	cram_start_cramd "$conf"
	first=$CRAMD_PID
	cram_wait_for 10 grep -q 'ready:' "$CRAMD_LOG"
	cram_wait_for 10 test -S "$CRAMD_SOCKET"
	inode=$(stat -c %i "$CRAMD_SOCKET")
	cram_assert_eq "$(cat "$lock")" "$first" "the lock names the running cramd"

	# The second instance: refused, with the first one's pid.
	$CRAMD --config "$CRAMD_CONF" --socket "$CRAMD_SOCKET" >"$out" 2>"$out.err"
	cram_assert_eq $? 1 "exit status of a second cramd"
	cram_assert_grep "another cramd is running (pid $first): it holds $lock" "$out.err"
	grep -q 'ready:\|online\|control socket:' "$out.err" &&
		cram_fail "the second cramd went on: $(cat "$out.err")"
	cram_assert_eq "$(stat -c %i "$CRAMD_SOCKET")" "$inode" "the first cramd's socket stays"
	cram_assert_eq "$(cat "$lock")" "$first" "the lock still names the first cramd"
	# A second one with -c only (same default socket as given here) is refused the same way.
	for i in 1 2 3; do
		$CRAMD --config "$CRAMD_CONF" --socket "$CRAMD_SOCKET" 2>/dev/null &&
			cram_fail "second cramd #$i started"
	done
	kill -0 "$first" || cram_fail "the first cramd died"
	$CRAMCTL dump >"$out" 2>"$out.err" || cram_fail "the first cramd does not serve: $(cat "$out.err")"
	cram_assert_eq "$(stat -c %i "$CRAMD_SOCKET")" "$inode" "the socket is still the first one's"

	# kill -9: the kernel drops the lock; the stale socket is replaced.
	kill -KILL "$first"
	wait "$first" 2>/dev/null
	[ -S "$CRAMD_SOCKET" ] || cram_fail "kill -9 left no socket behind (test premise)"
	$CRAMCTL dump >/dev/null 2>&1
	cram_assert_eq $? 3 "the stale socket refuses connections"
	: >"$CRAMD_LOG"
	cram_start_cramd "$conf"
	cram_wait_for 10 grep -q 'ready:' "$CRAMD_LOG"
	cram_assert_eq "$(cat "$lock")" "$CRAMD_PID" "the lock names the new cramd"
	$CRAMCTL dump >"$out" 2>"$out.err" || cram_fail "the restarted cramd does not serve: $(cat "$out.err")"
	cram_assert_eq "$(cat $dev/dax0.0/cram/state)" online "dax0.0 online"
	cram_stop_cramd
	[ -e "$CRAMD_SOCKET" ] && cram_fail "socket left behind by the lock holder"
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --ratio 3000 \
	--tick-ms 20 -- sh "$0" --inner
