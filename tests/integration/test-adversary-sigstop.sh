#!/bin/sh
# Adversary: cramd stopped (SIGSTOP) during a fast fill with data that does
# not compress (#16 item 2). Whatever the policy, cramd must leave the
# device with kernel-side limits that are safe without it: a capacity
# target that 1:1 data cannot fill past the reserve. Physical use is
# sampled all the while cramd is stopped and must never exceed capacity.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	c=/sys/bus/dax/devices/dax0.0/cram
	policy=$2
	cram_start_cramd "[global]\npoll_interval_ms = 100\n[policy]\npolicy = $policy\n"
	cram_wait_for 10 grep -q 'ready: managing 1 device' "$CRAMD_LOG"
	cap=$(cat $c/phys_capacity_bytes)
	echo 1000 >$c/sim/compress_ratio
	echo "inflow dax0.0 67108864" >>"$CRAM_TESTBED/fake-kernel.ctl"
	cram_wait_for 20 sh -c "[ \$(cat $c/phys_used_bytes) -ge $((cap / 3)) ]"
	kill -STOP "$CRAMD_PID"
	max=0
	i=0
	while [ $i -lt 50 ]; do
		used=$(cat $c/phys_used_bytes)
		[ "$used" -gt "$max" ] && max=$used
		[ "$used" -le "$cap" ] || { kill -CONT "$CRAMD_PID"; cram_fail "$policy: overflow while cramd was stopped: $used > $cap"; }
		sleep 0.1
		i=$((i + 1))
	done
	kill -CONT "$CRAMD_PID"
	echo "$policy: highest physical use while stopped: $((max * 100 / cap))% of capacity"
	[ "$max" -ge $((cap / 2)) ] || cram_fail "$policy: the fill stalled at $max of $cap: nothing was tested"
	cram_stop_cramd
	exit 0
fi

for policy in static adaptive; do
	cram_run_testbed --devices 1 --size 268435456 --phys 134217728 --tick-ms 20 \
		-- sh "$0" --inner $policy || exit 1
done
exit 0
