#!/bin/sh
# Nothing blocks cramd's loop: the kernel's online of a large device takes
# as long as handing its memory to the page allocator, and the write of
# "online" to cram/state returns only then (played by
# tests/harness/helpers/hold-online.c, until the test lets it end). While
# `cramctl online` of dax0.0 waits for such a write, dax1.0 fills with data
# that does not compress: its gate must still close at the high
# watermark, it must never overflow, the control socket must answer and
# the watchdog pings (sd_notify, received by notify-recv) must keep
# coming. dax0.0 gets no pass before it is online. cramctl gets its
# answer once the write ends, and dax0.0 is managed from then on. A stop
# during such an online waits for it, and a failed online leaves the
# device unmanaged, with the reason.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	dev=/sys/bus/dax/devices
	out=$CRAM_TESTBED/out
	cram_preload hold-online
	cram_notify_listen
	CRAMD_LOG=$CRAM_TESTBED/cramd.log
	# dax0.0 is not configured: only `cramctl online` brings it up
	printf '[global]\npoll_interval_ms = 100\ndevices = dax1.0\noffline_on_stop = yes\n[policy]\npolicy = static\nhigh_watermark_percent = 90\nlow_watermark_percent = 80\n' \
		>"$CRAM_TESTBED/cramd.conf"
	start() {
		NOTIFY_SOCKET=$NOTIFY_SOCK WATCHDOG_USEC=400000 \
			LD_PRELOAD="$preload${LD_PRELOAD:+:$LD_PRELOAD}" CRAM_PIN_DIR=$pins \
			$CRAMD --config "$CRAM_TESTBED/cramd.conf" --socket "$CRAMD_SOCKET" \
			2>>"$CRAMD_LOG" &
		CRAMD_PID=$!
	}
	# cramd up, then `cramctl online dax0.0`, whose write takes until the hold ends
	start_and_online() {
		start
		cram_wait_for 10 grep -q 'ready: managing 1 device' "$CRAMD_LOG"
		cram_assert_eq "$(cat $dev/dax0.0/cram/state)" offline "dax0.0 before cramctl online"
		: >"$pins/dax0.0.hold-online"
		$CRAMCTL online dax0.0 >"$out" 2>"$out.err" &
		ctl=$!
		cram_wait_for 10 test -s "$pins/dax0.0.onlining" ||
			cram_fail "the online write did not start: $(tail -3 "$CRAMD_LOG")"
	}
	start_and_online
	writer=$(cat "$pins/dax0.0.onlining")
	[ "$writer" != "$CRAMD_PID" ] || cram_fail "cramd writes the online itself, in its loop"
	pings=$(grep -c '^WATCHDOG=1' "$NOTIFY_OUT")

	# meanwhile dax1.0 fills: cramd must close its gate in time
	cram_fill_until_closed dax1.0 "during the online"
	kill -0 $ctl 2>/dev/null || cram_fail "cramctl online returned before the write ended: $(cat "$out.err")"
	kill -0 "$writer" 2>/dev/null || cram_fail "the online write ended early"
	cram_wait_for 5 sh -c "[ \$(grep -c '^WATCHDOG=1' '$NOTIFY_OUT') -ge $((pings + 5)) ]" ||
		cram_fail "the watchdog was not pinged during the online"
	"$top_builddir/tests/harness/helpers/send-request" "$CRAMD_SOCKET" '{"command":"status"}\n' >"$out.status" ||
		cram_fail "no status reply during the online"
	cram_assert_grep '"device":"dax1.0","node":2,"gate":"closed"' "$out.status"
	# no pass, so no knob written, before it is online
	cram_assert_eq "$(cat $dev/dax0.0/cram/high_threshold_bytes)" 0 "dax0.0's high threshold during its online"
	# a second online of it waits for the same write; an offline is refused meanwhile
	$CRAMCTL online dax0.0 >"$out.2" 2>"$out.2.err" &
	ctl2=$!
	$CRAMCTL offline dax0.0 >/dev/null 2>"$out.off.err" &&
		cram_fail "cramctl offline during the online succeeded"
	cram_assert_grep 'an online is under way' "$out.off.err"

	# the write ends: both get their answer, and dax0.0 is managed
	rm "$pins/dax0.0.hold-online"
	wait $ctl || cram_fail "cramctl online failed: $(cat "$out.err"); $(tail -3 "$CRAMD_LOG")"
	wait $ctl2 || cram_fail "the second cramctl online failed: $(cat "$out.2.err")"
	cram_assert_eq "$(cat $dev/dax0.0/cram/state)" online "dax0.0 after its online"
	cram_assert_grep 'dax0.0: onlined as private node 1' "$CRAMD_LOG"
	cram_wait_for 5 sh -c "[ \$(cat $dev/dax0.0/cram/high_threshold_bytes) != 0 ]" ||
		cram_fail "dax0.0 got no pass after its online"
	$CRAMCTL status >"$out" 2>&1
	cram_assert_grep '^dax0.0 ' "$out"
	cram_stop_cramd

	# a stop while an online is under way waits for it, and then offlines
	# the device as every managed one (offline_on_stop = yes)
	printf '[global]\npoll_interval_ms = 100\ndevices = dax1.0\noffline_on_stop = yes\n' >"$CRAM_TESTBED/cramd.conf"
	: >"$CRAMD_LOG"
	start_and_online
	kill -TERM "$CRAMD_PID"
	sleep 0.5
	kill -0 "$CRAMD_PID" 2>/dev/null || cram_fail "cramd exited with an online under way"
	rm "$pins/dax0.0.hold-online"
	wait "$CRAMD_PID"
	cram_assert_eq $? 0 "cramd's exit status after a stop during an online"
	wait $ctl
	cram_assert_grep 'dax0.0: onlined as private node 1' "$CRAMD_LOG"
	cram_assert_grep 'dax0.0: offlined on stop' "$CRAMD_LOG"
	wait $NOTIFY_PID
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --tick-ms 20 \
	-- sh "$0" --inner
