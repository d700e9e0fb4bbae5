#!/bin/sh
# Restart safety: after kill -9, a new cramd adopts the online private
# nodes as it finds them, offlines nothing, and keeps a closed gate
# closed while fresh telemetry says it must stay closed.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	dev=/sys/bus/dax/devices
	conf='[global]\npoll_interval_ms = 100\n[policy]\npolicy = static\n'
	cram_start_cramd "$conf"
	cram_wait_for 10 grep -qx online $dev/dax0.0/cram/state
	cram_wait_for 10 grep -qx online $dev/dax1.0/cram/state
	echo 1050 >$dev/dax0.0/cram/sim/compress_ratio
	cram_wait_for 20 grep -qx 1 $dev/dax0.0/cram/no_alloc

	kill -KILL "$CRAMD_PID"
	wait "$CRAMD_PID" 2>/dev/null
	: >"$CRAMD_LOG"
	cram_start_cramd "$conf"
	cram_wait_for 10 grep -q 'ready:' "$CRAMD_LOG"
	cram_assert_grep 'dax0.0: already online (node 1)' "$CRAMD_LOG"
	cram_assert_grep 'dax1.0: already online (node 2)' "$CRAMD_LOG"
	sleep 1
	cram_assert_eq "$(cat $dev/dax0.0/cram/state)" online "dax0.0 kept online"
	cram_assert_eq "$(cat $dev/dax1.0/cram/state)" online "dax1.0 kept online"
	cram_assert_eq "$(cram_read $dev/dax0.0/cram/no_alloc)" 1 "closed gate stays closed"
	cram_assert_eq "$(cram_read $dev/dax1.0/cram/no_alloc)" 0 "open gate stays open"
	grep -q 'dax0.0: gate opened' "$CRAMD_LOG" && cram_fail "gate was opened after restart"
	cram_assert_eq "$(cat /sys/devices/system/node/has_private_memory)" 1-2 "private nodes"
	cram_stop_cramd
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --ratio 3000 \
	--inflow 33554432 --tick-ms 20 -- sh "$0" --inner
