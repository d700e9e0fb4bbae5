#!/bin/sh
# The control socket end to end: cramctl status/dump/pause/resume/online/
# offline against the real cramd; dry-run writes no knob; only root may
# change anything; malformed, oversized and silent clients get an error
# or are dropped and the daemon keeps serving.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	dev=/sys/bus/dax/devices
	send=$top_builddir/tests/harness/helpers/send-request
	out=$CRAM_TESTBED/out
	# A directory every user may traverse, so an unprivileged peer can connect.
	sdir=$(mktemp -d /tmp/cramd-ctl.XXXXXX)
	chmod 755 "$sdir"
	CRAMD_SOCKET=$sdir/cramd.sock
	export CRAMD_SOCKET
	trap 'rm -rf "$sdir"' EXIT

	cram_start_cramd '[global]\npoll_interval_ms = 100\n[policy]\npolicy = static\n'
	cram_wait_for 10 test -S "$CRAMD_SOCKET"
	cram_wait_for 10 grep -qx online $dev/dax0.0/cram/state
	cram_wait_for 10 grep -qx online $dev/dax1.0/cram/state
	# the onlines' records: cramd is ready once it has seen them end
	cram_wait_for 10 grep -q 'ready: managing 2 devices' "$CRAMD_LOG"

	$CRAMCTL status >"$out" 2>"$out.err" || cram_fail "status failed"
	grep -q "not running" "$out.err" && cram_fail "status says cramd is not running"
	$CRAMCTL dump >"$out" || cram_fail "dump failed"
	cram_assert_grep '^TIME  *DEVICE  *ACTION  *REASON' "$out"
	cram_assert_grep 'dax1.0  *online  *dax1.0: onlined as private node 2' "$out"
	$CRAMCTL dump --json >"$out" || cram_fail "dump --json failed"
	cram_assert_grep '"action": "online"' "$out"

	# Paused: the policy decides but no knob is written.
	$CRAMCTL pause >"$out" || cram_fail "pause failed"
	$CRAMCTL status >/dev/null 2>"$out.err"
	cram_assert_grep 'paused' "$out.err"
	# Demotion pressure starts only now, with data that does not compress.
	# The capacity target written before the pause could stop the fill
	# short of the watermark (raising it is a write): the operator lifts it.
	cat $dev/dax0.0/cram/total_pages >$dev/dax0.0/cram/capacity_pages
	echo 1050 >$dev/dax0.0/cram/sim/compress_ratio
	echo "inflow dax0.0 33554432" >>"$CRAM_TESTBED/fake-kernel.ctl"
	cram_wait_for 20 grep -q 'dax0.0: dry-run, not applied: .*closing gate' "$CRAMD_LOG"
	cram_assert_eq "$(cram_read $dev/dax0.0/cram/no_alloc)" 0 "no knob written while paused"
	cram_assert_eq "$(cram_read $dev/dax0.0/cram/capacity_pages)" "$(cat $dev/dax0.0/cram/total_pages)" \
		"capacity target not rewritten while paused"
	$CRAMCTL resume >"$out" || cram_fail "resume failed"
	cram_wait_for 5 grep -qx 1 $dev/dax0.0/cram/no_alloc

	# offline / online by the operator; rediscovery does not undo it.
	$CRAMCTL offline dax1.0 >"$out" || cram_fail "offline failed: $(cat "$out")"
	cram_assert_eq "$(cat $dev/dax1.0/cram/state)" offline "state after cramctl offline"
	cram_wait_for 5 grep -qx 1 /sys/devices/system/node/has_private_memory
	sleep 0.5
	cram_assert_eq "$(cat $dev/dax1.0/cram/state)" offline "cramd left dax1.0 offline"
	$CRAMCTL offline dax7.0 >/dev/null 2>"$out.err"
	cram_assert_eq $? 1 "offline of a missing device"
	cram_assert_grep 'no cram device dax7.0' "$out.err"
	$CRAMCTL online dax1.0 >"$out" || cram_fail "online failed"
	cram_wait_for 5 grep -qx online $dev/dax1.0/cram/state

	# Unprivileged peers may read, not change.
	"$send" --uid 65534 "$CRAMD_SOCKET" '{"command":"status"}\n' >"$out" ||
		cram_fail "nobody cannot read status"
	cram_assert_grep '"ok":true' "$out"
	"$send" --uid 65534 "$CRAMD_SOCKET" '{"command":"history","device":"dax0.0"}\n' >"$out" ||
		cram_fail "nobody cannot read a history"
	cram_assert_grep '"points":\[{"time_ms":[0-9].*"ok":true' "$out"
	"$send" --uid 65534 "$CRAMD_SOCKET" '{"command":"pause"}\n' >"$out"
	cram_assert_grep '"ok":false.*permission denied' "$out"
	"$send" --uid 65534 "$CRAMD_SOCKET" '{"command":"offline","device":"dax0.0"}\n' >"$out"
	cram_assert_grep 'permission denied' "$out"
	cram_assert_eq "$(cat $dev/dax0.0/cram/state)" online "nobody could not offline"

	# Malformed requests get an error reply.
	for req in 'garbage\n' '{}\n' '{"command":"reboot"}\n' '[1,2]\n' \
		'{"command":"online"}\n' '{"command":"status","x":1}\n' '\x00\x01\x02\n' \
		'\n' '{\n' '"status"\n' 'null\n' '42\n' '{"command":7}\n' \
		'{"command":null}\n' '{"command":"STATUS"}\n' '{"command":"status"} {}\n' \
		'{"command":"online","device":"region0"}\n' \
		'{"command":"online","device":"../dax0.0"}\n' \
		'{"command":"offline","device":"dax0.0 "}\n' \
		'{"command":"dump","device":"dax0.0"}\n' "{'command':'status'}\\n" \
		'{"command":"\xff"}\n' '{"command":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]}\n'; do
		"$send" "$CRAMD_SOCKET" "$req" >"$out" || cram_fail "no reply to '$req'"
		cram_assert_grep '"ok":false,"error":' "$out"
	done
	# Oversized: refused without waiting for a newline.
	big=$(head -c 5000 /dev/zero | tr '\0' 'x')
	"$send" "$CRAMD_SOCKET" "$big" >"$out"
	cram_assert_grep 'longer than 4096' "$out"
	# Silent client: dropped after the timeout, while others are served.
	"$send" --delay-ms 3000 "$CRAMD_SOCKET" '{"command":"status"}\n' >"$out" &
	slow=$!
	$CRAMCTL status >/dev/null 2>&1 || cram_fail "status blocked by a silent client"
	wait $slow
	cram_assert_eq $? 1 "silent client is dropped without a reply"
	cram_wait_for 5 grep -q 'no request within' "$CRAMD_LOG"

	kill -0 "$CRAMD_PID" || cram_fail "cramd died"
	cram_stop_cramd
	[ -e "$CRAMD_SOCKET" ] && cram_fail "socket left behind after stop"
	$CRAMCTL pause >/dev/null 2>"$out.err"
	cram_assert_eq $? 3 "exit status when cramd is not running"
	$CRAMCTL status >/dev/null 2>"$out.err" || cram_fail "status needs the daemon"
	cram_assert_grep 'cramd is not running' "$out.err"
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --ratio 3000 \
	--inflow 1048576 --tick-ms 20 -- sh "$0" --inner
