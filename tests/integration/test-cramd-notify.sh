#!/bin/sh
# cramd speaks the sd_notify protocol: READY=1 (with a STATUS line) once
# the first discovery and onlining are done, WATCHDOG=1 pings when the
# service has a watchdog, STOPPING=1 on SIGTERM.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	sock=$CRAM_TESTBED/notify.sock
	msgs=$CRAM_TESTBED/notify.out
	"$top_builddir/tests/harness/helpers/notify-recv" "$sock" 20 >"$msgs" &
	recv=$!
	cram_wait_for 5 test -S "$sock"
	export NOTIFY_SOCKET="$sock"
	# As systemd does for WatchdogSec=0.4s: cramd must ping twice as often.
	export WATCHDOG_USEC=400000
	cram_start_cramd '[global]\npoll_interval_ms = 100\n'
	cram_wait_for 10 grep -q '^READY=1' "$msgs"
	# READY comes only after onlining.
	cram_assert_eq "$(cat /sys/bus/dax/devices/dax1.0/cram/state)" online "state at READY"
	cram_assert_grep '^STATUS=.*2 devices' "$msgs"
	cram_wait_for 5 sh -c "[ \$(grep -c '^WATCHDOG=1' '$msgs') -ge 3 ]"
	cram_stop_cramd
	wait $recv || cram_fail "no STOPPING=1 from cramd"
	cram_assert_grep '^STOPPING=1' "$msgs"
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --tick-ms 20 \
	-- sh "$0" --inner
