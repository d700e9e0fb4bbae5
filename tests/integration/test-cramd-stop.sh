#!/bin/sh
# offline_on_stop: cramd offlines its devices when it stops, retries a
# refused offline with backoff, and reports (exit status 1) a device that
# stays online; by default the nodes stay online.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	dev=/sys/bus/dax/devices
	ctl=$CRAM_TESTBED/fake-kernel.ctl
	# The kernel refuses an offline in the write itself; the testbed's
	# state file is answered that way only for a synced writer. Without
	# it, cramd's read-back can overtake the fake kernel's refusal on a
	# loaded machine and take a refused offline for done.
	LD_PRELOAD="$CRAM_SYNC_SYSFS${LD_PRELOAD:+ $LD_PRELOAD}"
	export LD_PRELOAD

	# Two refusals, then success: both devices end offline, exit 0.
	cram_start_cramd '[global]\npoll_interval_ms = 100\noffline_on_stop = yes\n'
	cram_wait_for 10 grep -q 'ready: managing 2 devices' "$CRAMD_LOG"
	echo "busy dax1.0 2" >>"$ctl"
	sleep 0.2
	cram_stop_cramd
	cram_assert_eq "$(cat $dev/dax0.0/cram/state)" offline "dax0.0 offlined on stop"
	cram_assert_eq "$(cat $dev/dax1.0/cram/state)" offline "dax1.0 offlined on stop"
	cram_assert_grep 'dax1.0: offline refused .*retry 1 of 5 in 100 ms' "$CRAMD_LOG"
	cram_assert_grep 'dax1.0: offline refused .*retry 2 of 5 in 200 ms' "$CRAMD_LOG"
	cram_assert_grep 'dax1.0: offlined on stop' "$CRAMD_LOG"

	# Always refused: reported, node stays online, exit status 1.
	: >"$CRAMD_LOG"
	cram_start_cramd '[global]\npoll_interval_ms = 100\noffline_on_stop = yes\noffline_retries = 2\n'
	cram_wait_for 10 grep -q 'ready: managing 2 devices' "$CRAMD_LOG"
	echo "busy dax0.0 100" >>"$ctl"
	sleep 0.2
	kill -TERM "$CRAMD_PID"
	wait "$CRAMD_PID"
	cram_assert_eq $? 1 "exit status with a device left online"
	cram_assert_eq "$(cat $dev/dax0.0/cram/state)" online "refused device stays online"
	cram_assert_eq "$(cat $dev/dax1.0/cram/state)" offline "the other is offlined"
	cram_assert_grep 'dax0.0: still online after 3 attempts' "$CRAMD_LOG"
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --tick-ms 20 \
	-- sh "$0" --inner
