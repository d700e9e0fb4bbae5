#!/bin/sh
# The control loop in real time: cramd (adaptive, the default policy)
# against the fake kernel while the device's compressibility collapses
# from 3:1 to 1.05:1 under full demotion pressure. The device must never
# overflow (phys used > phys capacity): the fake kernel counts overflows
# and prints the count at exit. cramd throttles (rate limit, capacity
# target) and logs every decision with its reason.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	c=/sys/bus/dax/devices/dax0.0/cram
	log=$CRAM_TESTBED/cramd.log

	# Like cram_start_cramd, with --verbose: routine decisions log at debug.
	printf '[global]\npoll_interval_ms = 100\n' >"$CRAM_TESTBED/cramd.conf"
	$CRAMD --verbose --config "$CRAM_TESTBED/cramd.conf" --socket "$CRAMD_SOCKET" 2>>"$log" &
	CRAMD_PID=$!
	cram_wait_for 10 grep -qx online $c/state
	cap=$(cat $c/phys_capacity_bytes)
	# Fill a third of the physical capacity with 3:1 data, then collapse.
	cram_wait_for 20 sh -c "[ \$(cat $c/phys_used_bytes) -ge $((cap / 3)) ]"
	echo 1050 >$c/sim/compress_ratio
	i=0
	while [ $i -lt 40 ]; do
		used=$(cat $c/phys_used_bytes)
		[ "$used" -le "$cap" ] || cram_fail "overflow: phys used $used > capacity $cap"
		sleep 0.1
		i=$((i + 1))
	done
	# Nearly full, but within the capacity, and demotion throttled by the
	# rate limit and the capacity target (the gate may or may not close).
	[ "$used" -ge $((cap * 90 / 100)) ] || cram_fail "capacity left unused: $used of $cap"
	rate=$(cram_read $c/demote_rate_limit_bytes)
	[ "$rate" -gt 0 ] && [ "$rate" -lt 134217728 ] ||
		cram_fail "demotion not throttled: rate limit $rate"
	[ "$(cram_read $c/capacity_pages)" -lt "$(cat $c/total_pages)" ] || cram_fail "no capacity target"
	cram_assert_grep 'dax0.0: budget .* KiB.*: gate stays open' "$log"
	cram_stop_cramd
	exit 0
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
cram_run_testbed --devices 1 --size 1073741824 --phys 268435456 --ratio 3000 \
	--inflow 134217728 --evict-bw 134217728 --tick-ms 20 --verbose \
	-- sh "$0" --inner 2>"$out"
rc=$?
if [ $rc -ne 0 ] || ! grep -q '^fake-kernel: dax0.0: 0 overflow(s)' "$out"; then
	grep -v '^fake-kernel: dax0.0/cram/' "$out" | tail -n 30 >&2
	cram_fail "exit status $rc, or the device overflowed"
fi
exit 0
