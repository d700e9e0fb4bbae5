#!/bin/sh
# The end-to-end loop: cramd onlines two devices; when dax0.0's data stops
# compressing it crosses the high watermark and cramd closes its gate,
# while dax1.0's stays open. Eviction brings dax0.0 below the low
# watermark and the gate reopens (hysteresis).
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	dev=/sys/bus/dax/devices
	log=$CRAM_TESTBED/cramd.log

	cram_start_cramd '[global]\npoll_interval_ms = 100\n[policy]\npolicy = static\nhigh_watermark_percent = 90\nlow_watermark_percent = 80\n'
	cram_wait_for 10 grep -qx online $dev/dax0.0/cram/state
	cram_wait_for 10 grep -qx online $dev/dax1.0/cram/state
	echo 1050 >$dev/dax0.0/cram/sim/compress_ratio

	cram_wait_for 15 grep -qx 1 $dev/dax0.0/cram/no_alloc
	cram_wait_for 5 grep -q 'dax0.0.*gate closed' "$log"
	cram_assert_eq "$(cram_read $dev/dax1.0/cram/no_alloc)" 0 "healthy device keeps its gate open"
	used=$(cat $dev/dax0.0/cram/phys_used_bytes)
	cap=$(cat $dev/dax0.0/cram/phys_capacity_bytes)
	[ "$used" -le "$cap" ] || cram_fail "overflow: phys used $used > capacity $cap"
	[ "$used" -ge $((cap * 90 / 100)) ] || cram_fail "gate closed below the watermark: $used"

	# Push half of the data out: below the low watermark the gate reopens.
	logical=$(cat $dev/dax0.0/cram/logical_bytes)
	echo $((logical / 2)) >$dev/dax0.0/cram/evict_bytes
	cram_wait_for 15 grep -qx 0 $dev/dax0.0/cram/no_alloc
	cram_wait_for 5 grep -q 'dax0.0.*gate opened' "$log"
	cram_stop_cramd
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --ratio 3000 \
	--inflow 33554432 --evict-bw 268435456 --tick-ms 20 -- sh "$0" --inner
