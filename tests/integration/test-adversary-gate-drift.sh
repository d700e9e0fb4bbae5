#!/bin/sh
# Adversary: another root process reopens a gate cramd closed (#16 item 1).
# Under the static policy a device fills with data that does not compress
# until cramd closes its gate at the high watermark; then something else
# writes no_alloc = 0, and later raises capacity_pages to the whole device.
# cramd must read each knob back on its next pass, log the difference as
# drift and write its own value again, and the device must never overflow.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	c=/sys/bus/dax/devices/dax0.0/cram
	cram_start_cramd '[global]\npoll_interval_ms = 100\n[policy]\npolicy = static\nhigh_watermark_percent = 90\nlow_watermark_percent = 80\n'
	cram_wait_for 10 grep -q 'ready: managing 2 devices' "$CRAMD_LOG"
	cap=$(cat $c/phys_capacity_bytes)
	echo 1000 >$c/sim/compress_ratio
	cram_wait_for 20 grep -qx 1 $c/no_alloc

	# no overflow while the gate is reopened behind cramd's back, 5 times
	n=0
	while [ $n -lt 5 ]; do
		echo 0 >$c/no_alloc
		i=0
		while ! grep -qx 1 $c/no_alloc; do
			used=$(cat $c/phys_used_bytes)
			[ "$used" -le "$cap" ] || cram_fail "overflow with the gate reopened: $used > $cap"
			[ $i -lt 100 ] || cram_fail "cramd did not close the reopened gate"
			sleep 0.05
			i=$((i + 1))
		done
		n=$((n + 1))
	done
	cram_wait_for 5 grep -q 'dax0.0: drift: no_alloc is 0 on the device, not 1 as cramd set it; rewriting it' "$CRAMD_LOG"
	$CRAMCTL status dax0.0 >"$CRAM_TESTBED/out" 2>&1 || cram_fail "status failed"
	grep -q 'drift' "$CRAM_TESTBED/out" && cram_fail "status still shows drift: $(cat "$CRAM_TESTBED/out")"

	# the capacity target too
	want=$(cram_read $c/capacity_pages)
	total=$(cat $c/total_pages)
	[ "$want" -lt "$total" ] || cram_fail "no capacity target under the static policy ($want of $total)"
	echo "$total" >$c/capacity_pages
	cram_wait_for 5 sh -c "[ \$(cat $c/capacity_pages) -lt $total ]"
	cram_assert_grep "dax0.0: drift: capacity_pages is $total on the device" "$CRAMD_LOG"
	used=$(cat $c/phys_used_bytes)
	[ "$used" -le "$cap" ] || cram_fail "overflow: $used > $cap"
	cram_stop_cramd
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --tick-ms 20 \
	-- sh "$0" --inner
