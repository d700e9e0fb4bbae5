#!/bin/sh
# A device the wakeup schedule leaves asleep (max_sleep_ms) whose gate
# another root process closes: cramd finds it at its next pass and, since
# it must find it closed twice (the kernel's critical uevent may reach it
# after the pass that read the gate), looks again one poll interval later,
# not one sleep later. The write comes just after a pass, so that the
# next is a whole sleep away.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

# points: how many samples cramd's history holds for dax0.0
points() {
	$CRAMCTL history --json dax0.0 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'
}

if [ "${1:-}" = --inner ]; then
	c=/sys/bus/dax/devices/dax0.0/cram
	cram_start_cramd '[global]\npoll_interval_ms = 100\ndevices = dax0.0\n[policy]\nmax_sleep_ms = 6000\n'
	cram_wait_for 10 grep -q 'ready: managing 1 device' "$CRAMD_LOG"
	cram_wait_for 5 grep -qx 0 $c/no_alloc
	# idle: once no pass comes for a second, the passes are max_sleep_ms
	# apart; the write comes just after the next one
	i=0
	n=$(points)
	sleep 1
	while [ "$(points)" != "$n" ]; do
		[ $i -lt 20 ] || cram_fail "cramd still polls the idle device after 20 s"
		n=$(points)
		sleep 1
		i=$((i + 1))
	done
	i=0
	while [ "$(points)" = "$n" ]; do
		[ $i -lt 100 ] || cram_fail "no pass in 10 s with max_sleep_ms = 6000"
		sleep 0.1
		i=$((i + 1))
	done
	echo 1 >$c/no_alloc
	t0=$(date +%s%N)
	cram_wait_for 20 grep -qx 0 $c/no_alloc
	ms=$((($(date +%s%N) - t0) / 1000000))
	cram_assert_grep 'dax0.0: drift: no_alloc is 1 on the device, not 0' "$CRAMD_LOG"
	# found at the next pass (6000 ms), confirmed a poll later: not 12000
	[ $ms -lt 9000 ] || cram_fail "the gate was reopened ${ms} ms after the write"
	echo "gate reopened ${ms} ms after the write (max_sleep_ms 6000, poll 100 ms)"
	cram_stop_cramd
	exit 0
fi

cram_run_testbed --devices 1 --size 268435456 --phys 134217728 --inflow 0 --tick-ms 20 \
	-- sh "$0" --inner
