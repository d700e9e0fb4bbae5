#!/bin/sh
# cramctl monitor prints device uevents as JSON lines; cramctl metrics
# prints the Prometheus exposition of every device and of cramd.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	dev=/sys/bus/dax/devices
	out=$CRAM_TESTBED/out

	# umockdev turns each uevent listener into a socket CRAM_TESTBED/eventN:
	# wait for the monitor's before making events (it may start slowly, as
	# under valgrind), and never wait forever for the events.
	before=$(ls "$CRAM_TESTBED" | grep -c '^event')
	timeout 60 $CRAMCTL monitor --count 2 >"$out.mon" &
	mon=$!
	cram_wait_for 30 sh -c "[ \$(ls '$CRAM_TESTBED' | grep -c '^event') -gt $before ]"
	echo online >$dev/dax0.0/cram/state
	cram_wait_for 5 grep -qx 1 /sys/devices/system/node/has_private_memory
	echo offline >$dev/dax0.0/cram/state
	wait $mon || cram_fail "monitor failed"
	cram_assert_grep '"action": "change", "device": "dax0.0", "event": "online"' "$out.mon"
	cram_assert_grep '"event": "offline"' "$out.mon"
	cram_assert_eq "$(wc -l <"$out.mon")" 2 "--count 2 stops after two events"

	echo online >$dev/dax1.0/cram/state
	cram_wait_for 5 grep -qx 2 /sys/devices/system/node/has_private_memory
	$CRAMCTL metrics >"$out" || cram_fail "metrics failed"
	cram_assert_grep '^# TYPE cram_device_phys_used_bytes gauge$' "$out"
	cram_assert_grep '^# TYPE cram_device_demoted_bytes_total counter$' "$out"
	cram_assert_grep '^cram_device_online{device="dax1.0",region="region1",node="2",mode="compressed"} 1$' "$out"
	cram_assert_grep '^cram_device_online{device="dax0.0",region="region0",node="1",mode="compressed"} 0$' "$out"
	cram_assert_grep '^cram_device_phys_capacity_bytes{device="dax1.0",region="region1",node="2",mode="compressed"} 134217728$' "$out"
	cram_assert_grep '^cramd_up 0$' "$out"
	# Every sample line is NAME{LABELS} NUMBER.
	grep -v '^#' "$out" | grep -Ev '^[a-z_]+(\{[^}]*\})? -?[0-9.e+]+$' &&
		cram_fail "malformed sample lines"

	for bad in "monitor --count 0" "monitor --count x" "monitor --source netlink" \
		"monitor extra" "metrics extra" "metrics --bogus"; do
		# shellcheck disable=SC2086 # split on purpose
		$CRAMCTL $bad >/dev/null 2>&1
		cram_assert_eq $? 2 "exit status of 'cramctl $bad'"
	done
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --tick-ms 20 \
	-- sh "$0" --inner
