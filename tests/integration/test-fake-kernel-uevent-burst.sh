#!/bin/sh
# Issue #13: 16 devices cross their high threshold in the same tick, which
# sends 16 CRAM_EVENT uevents at once, and a few ticks later their
# critical level, 16 more. umockdev's sender aborts the fake kernel when a
# listener's socket queue is full (net.unix.max_dgram_qlen, 10 by
# default), so the fake kernel queues uevents and sends each one only when
# every listener has room for it. A listener stopped during the bursts is
# the slow reader that fills its queue every time; once it runs again it
# must get every event, each device's "high" before its "critical" (a
# device's uevent file says "critical" by the time its queued "high" goes
# out), and the fake kernel must still be there.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

n=16

if [ "${1:-}" = --inner ]; then
	dev=/sys/bus/dax/devices
	out=$CRAM_TESTBED/monitor.out
	fk=$PPID

	i=0
	while [ $i -lt $n ]; do
		echo online >$dev/dax$i.0/cram/state
		i=$((i + 1))
	done
	# the online uevents are gone before the listener below starts
	cram_wait_for 20 grep -qx "1-$n" /sys/devices/system/node/has_private_memory
	# the high threshold at 8 MiB: the first tick of the inflow crosses it;
	# the critical level (50% of 128 MiB) comes a few ticks later
	i=0
	while [ $i -lt $n ]; do
		echo 8388608 >$dev/dax$i.0/cram/high_threshold_bytes
		i=$((i + 1))
	done

	# the listener: umockdev makes it a socket CRAM_TESTBED/eventN
	before=$(ls "$CRAM_TESTBED" | grep -c '^event')
	timeout 60 $CRAMCTL monitor --count $((2 * n)) >"$out" &
	mon=$!
	cram_wait_for 30 sh -c "[ \$(ls '$CRAM_TESTBED' | grep -c '^event') -gt $before ]"
	# $mon is timeout's pid: the monitor is its child
	pids=$(pgrep -P $mon)
	trap 'kill -CONT $mon $pids 2>/dev/null' EXIT
	kill -STOP $mon $pids

	# every device fills at the same rate from the same tick on
	echo "inflow all 1073741824" >>"$CRAM_TESTBED/fake-kernel.ctl"
	cram_wait_for 10 sh -c "for f in $dev/dax*.0/cram/no_alloc; do
		grep -qx 1 \$f || exit 1; done"
	sleep 1
	kill -0 $fk 2>/dev/null || cram_fail "the fake kernel died"
	kill -CONT $mon $pids
	wait $mon || cram_fail "the monitor failed or timed out; it got $(wc -l <"$out") events"
	kill -0 $fk 2>/dev/null || cram_fail "the fake kernel died"
	i=0
	while [ $i -lt $n ]; do
		got=$(grep "\"device\": \"dax$i.0\"" "$out" | grep -o '"event": "[a-z]*"' | tr '\n' ' ')
		cram_assert_eq "$got" '"event": "high" "event": "critical" ' "dax$i.0's uevents"
		i=$((i + 1))
	done
	exit 0
fi

cram_run_testbed --devices $n --size 268435456 --phys 134217728 --inflow 0 \
	--critical-percent 50 --tick-ms 50 -- sh "$0" --inner
rc=$?
case $rc in
0) exit 0 ;;
134) cram_fail "the fake kernel aborted (SIGABRT)" ;;
*) cram_fail "the scenario failed with status $rc" ;;
esac
