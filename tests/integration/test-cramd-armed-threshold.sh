#!/bin/sh
# Wakeups that follow risk (max_sleep_ms): cramd leaves an idle device for
# seconds, its high threshold armed just above its use. Another root
# process lifts the rate limit and data floods in far faster than the
# planned wakeup: the armed threshold's uevent wakes cramd at once, which
# puts the rate limit back, long before its next pass was due.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	d=/sys/bus/dax/devices/dax0.0/cram
	log=$CRAM_TESTBED/cramd.log

	cram_start_cramd '[global]\npoll_interval_ms = 1000\n[policy]\nmax_sleep_ms = 60000\n'
	cram_wait_for 10 grep -qx online $d/state
	cap=$(cat $d/phys_capacity_bytes)
	# idle: the policy's arm point replaces the 90% watermark
	cram_wait_for 10 sh -c "[ \$(cat $d/high_threshold_bytes) -lt $((cap * 80 / 100)) ]"
	sleep 2
	passes=$(grep -c 'dax0.0' "$log")
	sleep 3
	[ "$(grep -c 'dax0.0' "$log")" -eq "$passes" ] || cram_fail "an idle device was not left alone"
	# the adversary: no rate limit, incompressible data at 1 GiB/s
	echo 1000 >$d/sim/compress_ratio
	echo 0 >$d/demote_rate_limit_bytes
	echo "inflow dax0.0 1073741824" >>"$CRAM_TESTBED/fake-kernel.ctl"
	start=$(date +%s%N)
	cram_wait_for 5 grep -q 'dax0.0.*CRAM_EVENT=high' "$log"
	cram_wait_for 5 sh -c "[ \$(cat $d/demote_rate_limit_bytes) -ne 0 ] ||
		grep -qx 1 $d/no_alloc"
	took=$((($(date +%s%N) - start) / 1000000))
	[ "$took" -lt 10000 ] || cram_fail "caught after $took ms, not before the planned wakeup"
	[ "$(grep -c 'dax0.0' "$log")" -gt "$passes" ] || cram_fail "no pass after the crossing"
	for i in 1 2 3 4 5 6 7 8 9 10; do
		used=$(cat $d/phys_used_bytes)
		[ "$used" -le "$cap" ] || cram_fail "overflow: phys used $used > capacity $cap"
		sleep 0.1
	done
	cram_stop_cramd
	exit 0
fi

cram_run_testbed --devices 1 --size 268435456 --phys 134217728 --ratio 3000 \
	--inflow 0 --tick-ms 10 -- sh "$0" --inner
