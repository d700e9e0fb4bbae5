#!/bin/sh
# Nothing blocks cramd's loop: while `cramctl offline` of one device is
# stuck on a page that cannot move (offline_timeout_ms = 60000, played by
# tests/harness/helpers/pin-offline.c as in test-cramd-offline-timeout.sh), both
# devices fill with data that does not compress. The driver holds the
# device being offlined for the whole write, so a knob write to it would
# wait as long (pin-offline.c plays that too): cramd must leave that device
# alone until the offline ends. The other device's gate must still close
# at the high watermark, it must never overflow, and the watchdog pings
# (sd_notify, received by tests/harness/helpers/notify-recv.c) must keep
# coming. cramctl gets its answer once the write ends; here a SIGALRM to
# the write's process ends it early, as the bound would, and the device
# the offline held back gets its pass at once.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	dev=/sys/bus/dax/devices
	out=$CRAM_TESTBED/out
	cram_preload pin-offline
	cram_notify_listen
	CRAMD_LOG=$CRAM_TESTBED/cramd.log
	printf '[global]\npoll_interval_ms = 100\noffline_timeout_ms = 60000\n[policy]\npolicy = static\nhigh_watermark_percent = 90\nlow_watermark_percent = 80\n' \
		>"$CRAM_TESTBED/cramd.conf"
	NOTIFY_SOCKET=$NOTIFY_SOCK WATCHDOG_USEC=400000 \
		LD_PRELOAD="$preload${LD_PRELOAD:+:$LD_PRELOAD}" CRAM_PIN_DIR=$pins \
		$CRAMD --config "$CRAM_TESTBED/cramd.conf" --socket "$CRAMD_SOCKET" 2>>"$CRAMD_LOG" &
	CRAMD_PID=$!
	cram_wait_for 10 grep -q 'ready: managing 2 devices' "$CRAMD_LOG"

	# dax0.0's offline blocks, for up to a minute
	: >"$pins/dax0.0"
	$CRAMCTL offline dax0.0 >"$out" 2>"$out.err" &
	ctl=$!
	sleep 0.5
	pings=$(grep -c '^WATCHDOG=1' "$NOTIFY_OUT")

	# meanwhile both fill: cramd must close dax1.0's gate in time, and
	# would close dax0.0's if a pass ran there
	echo 1000 >$dev/dax0.0/cram/sim/compress_ratio
	cram_fill_until_closed dax1.0 "during the offline"
	kill -0 $ctl 2>/dev/null || cram_fail "cramctl offline returned before the write ended: $(cat "$out.err")"
	# the write's process: cramd's child that is not the discovery helper
	writer_of() {
		for p in $(pgrep -P "$CRAMD_PID"); do
			grep -q cram-discover "/proc/$p/cmdline" 2>/dev/null || echo "$p"
		done | head -1
	}
	cram_wait_for 10 sh -c "[ -n \"\$(for p in \$(pgrep -P $CRAMD_PID); do grep -q cram-discover /proc/\$p/cmdline || echo \$p; done)\" ]"
	writer=$(writer_of)
	kill -0 "$writer" 2>/dev/null || cram_fail "the offline write ended early"
	# the watchdog was pinged all along (every 200 ms for WatchdogSec=0.4s)
	cram_wait_for 5 sh -c "[ \$(grep -c '^WATCHDOG=1' '$NOTIFY_OUT') -ge $((pings + 5)) ]"
	"$top_builddir/tests/harness/helpers/send-request" "$CRAMD_SOCKET" '{"command":"status"}\n' >"$out.status" ||
		cram_fail "no status reply during the offline"
	cram_assert_grep '"device":"dax1.0","node":2,"gate":"closed"' "$out.status"

	# the write ends (as the bound would end it): cramctl gets the refusal
	kill -ALRM "$writer"
	wait $ctl
	cram_assert_eq $? 1 "cramctl offline exit status when the write was ended"
	cram_assert_grep 'dax0.0: offline timed out after 60000 ms' "$out.err"
	cram_wait_for 5 grep -qx online $dev/dax0.0/cram/state
	cram_wait_for 5 grep -qx 1 $dev/dax0.0/cram/no_alloc ||
		cram_fail "dax0.0's gate did not close after the failed offline: $(tail -3 "$CRAMD_LOG")"
	rm "$pins/dax0.0"
	cram_stop_cramd

	# kill -9 while an offline write is stuck: the write's process lives on,
	# but it must not hold the instance lock, or the restart (systemd's
	# Restart=on-failure) is refused until the write ends (#16 item 4)
	LD_PRELOAD="$preload${LD_PRELOAD:+:$LD_PRELOAD}" CRAM_PIN_DIR=$pins \
		$CRAMD --config "$CRAM_TESTBED/cramd.conf" --socket "$CRAMD_SOCKET" \
		2>"$CRAMD_LOG.2" &
	CRAMD_PID=$!
	cram_wait_for 10 grep -q 'ready: managing 2 devices' "$CRAMD_LOG.2"
	: >"$pins/dax0.0"
	$CRAMCTL offline dax0.0 >/dev/null 2>&1 &
	ctl=$!
	cram_wait_for 10 sh -c "[ -n \"\$(for p in \$(pgrep -P $CRAMD_PID); do grep -q cram-discover /proc/\$p/cmdline || echo \$p; done)\" ]"
	writer=$(writer_of)
	kill -KILL "$CRAMD_PID"
	wait "$CRAMD_PID" 2>/dev/null
	kill -0 "$writer" 2>/dev/null || cram_fail "the offline write ended with cramd"
	: >"$CRAMD_LOG"
	cram_start_cramd '[global]\npoll_interval_ms = 100\n'
	cram_wait_for 10 grep -q 'ready: managing' "$CRAMD_LOG" ||
		cram_fail "no restart while the old offline write is stuck: $(tail -3 "$CRAMD_LOG")"
	kill -ALRM "$writer" 2>/dev/null
	rm "$pins/dax0.0"
	wait $ctl
	cram_stop_cramd
	wait $NOTIFY_PID
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --tick-ms 20 \
	-- sh "$0" --inner
