#!/bin/sh
# Garbage or missing telemetry: cramd logs the attribute's path, marks the
# device degraded, closes its gate (fail-safe) and keeps running; it
# recovers when the attribute is sane again.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	dev=/sys/bus/dax/devices
	log=$CRAM_TESTBED/cramd.log

	# a pass every poll interval, so that each bad value is seen at once
	cram_start_cramd '[global]\npoll_interval_ms = 100\n[policy]\nmax_sleep_ms = 0\n'
	pid=$CRAMD_PID
	cram_wait_for 10 grep -qx online $dev/dax0.0/cram/state
	cram_fk_ctl "freeze dax0.0"

	for junk in "" "-5 1 1 1 1 1 1" "1 2 3" "99999999999999999999999 1 1 1 1 1 1" "abc"; do
		n=$(grep -c 'dax0.0.*degraded' "$log")
		printf '%s\n' "$junk" >$dev/dax0.0/cram/stat
		cram_wait_for 5 grep -qx 1 $dev/dax0.0/cram/no_alloc
		cram_wait_for 5 sh -c "[ \$(grep -c 'dax0.0.*degraded' '$log') -gt $n ]"
		cram_assert_grep 'dax0.0/cram/stat' "$log"
		kill -0 $pid || cram_fail "cramd died on telemetry '$junk'"
		# Sane again: the gate reopens (usage is far below the watermark).
		printf '134217728 1048576 3145728 768 0 0 0\n' >$dev/dax0.0/cram/stat
		cram_wait_for 5 grep -qx 0 $dev/dax0.0/cram/no_alloc
	done

	# With the default schedule an idle device sleeps up to max_sleep_ms
	# (10 s): the next pass sees the attribute gone.
	cram_stop_cramd
	cram_start_cramd '[global]\npoll_interval_ms = 100\n'
	pid=$CRAMD_PID
	cram_wait_for 5 grep -qx 0 $dev/dax0.0/cram/no_alloc
	sleep 1
	rm -f "$CRAM_TESTBED/sys/bus/dax/devices/dax0.0/cram/stat"
	cram_wait_for 15 grep -qx 1 $dev/dax0.0/cram/no_alloc
	kill -0 $pid || cram_fail "cramd died on a missing attribute"
	cram_stop_cramd
	exit 0
fi

cram_run_testbed --devices 1 --size 268435456 --phys 134217728 --tick-ms 20 \
	-- sh "$0" --inner
