#!/bin/sh
# Adversary: unprivileged users flood the control socket (#16 item 5).
# Four uids other than root (run through setpriv) each keep 32
# connections open and reopen each one cramd closes, as fast as they can.
# One uid holds at most 4 of the 16 slots and they all together at most
# 12, so root's cramctl still succeeds every time, 10 times out of 10;
# the flood's refusals get "busy", and are logged once in a while, not
# once each. cramd keeps managing the devices throughout, and serves the
# first request after the flood though the flood's hang-ups are not yet
# handled.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev
command -v setpriv >/dev/null 2>&1 || cram_skip "setpriv (util-linux) is not installed"
[ "$(id -u)" = 0 ] || cram_skip "needs root, to run the flood as other users"

if [ "${1:-}" = --inner ]; then
	hold=$top_builddir/tests/harness/helpers/hold-connections
	send=$top_builddir/tests/harness/helpers/send-request
	out=$CRAM_TESTBED/out
	# A directory every user may traverse, so unprivileged peers can connect.
	sdir=$(mktemp -d /tmp/cramd-flood.XXXXXX)
	chmod 755 "$sdir"
	CRAMD_SOCKET=$sdir/cramd.sock
	export CRAMD_SOCKET
	flooders=
	trap 'for p in $flooders; do kill "$p" 2>/dev/null; done; rm -rf "$sdir"' EXIT

	cram_start_cramd '[global]\npoll_interval_ms = 100\n'
	cram_wait_for 10 grep -q 'ready: managing 2 devices' "$CRAMD_LOG"

	for uid in 65534 65533 65532 65531; do
		setpriv --reuid=$uid --regid=$uid --clear-groups \
			"$hold" "$CRAMD_SOCKET" 32 30 >"$out.hold.$uid" &
		flooders="$flooders $!"
	done
	for uid in 65534 65533 65532 65531; do
		cram_wait_for 10 grep -qx holding "$out.hold.$uid"
	done
	sleep 1
	# The flood is real: an unprivileged request meets "busy".
	busy=0
	for i in 1 2 3 4 5; do
		"$send" --uid 65530 "$CRAMD_SOCKET" '{"command":"status"}\n' >"$out" 2>/dev/null
		grep -q '"error":"busy' "$out" && busy=$((busy + 1))
	done
	[ $busy -gt 0 ] || cram_fail "no unprivileged request was refused: no flood"

	ok=0
	for i in 1 2 3 4 5 6 7 8 9 10; do
		if $CRAMCTL dump >"$out" 2>"$out.err" &&
			$CRAMCTL status >"$out" 2>"$out.err" &&
			! grep -q 'cramd' "$out.err"; then
			ok=$((ok + 1))
		else
			echo "attempt $i: $(cat "$out.err")" >&2
		fi
	done
	cram_assert_eq "$ok/10" "10/10" "root's cramctl during an unprivileged flood"

	# The flood ends while cramd is stopped, so that its hang-ups and the
	# next connection reach the loop together, in whatever order.
	kill -STOP "$CRAMD_PID"
	for p in $flooders; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	flooders=
	"$send" --uid 65534 "$CRAMD_SOCKET" '{"command":"status"}\n' >"$out.after" &
	after=$!
	sleep 0.5
	kill -CONT "$CRAMD_PID"
	wait $after || cram_fail "nobody is not served as the flood ends: $(cat "$out.after")"
	cram_assert_grep '"ok":true' "$out.after"
	n=$(grep -c 'control: busy: refused' "$CRAMD_LOG")
	[ "$n" -ge 1 ] || cram_fail "refusals were not logged"
	[ "$n" -le 4 ] || cram_fail "refusals logged $n times: one line per 10 s expected"
	cram_assert_grep 'busy: refused [0-9]* connection' "$CRAMD_LOG"
	# Served again as soon as the flood ends, by every user.
	"$send" --uid 65534 "$CRAMD_SOCKET" '{"command":"status"}\n' >"$out" ||
		cram_fail "nobody is not served after the flood"
	cram_assert_grep '"ok":true' "$out"
	kill -0 "$CRAMD_PID" || cram_fail "cramd died"
	cram_stop_cramd
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --ratio 3000 \
	--tick-ms 20 -- sh "$0" --inner
