#!/bin/sh
# Hotplug: a cram device that appears is discovered and onlined per the
# configuration; one that disappears is dropped cleanly and cramd goes on.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	dev=/sys/bus/dax/devices
	ctl=$CRAM_TESTBED/fake-kernel.ctl
	echo "unplug dax1.0" >>"$ctl"
	cram_wait_for 5 sh -c "! ls $dev | grep -q dax1.0"

	cram_start_cramd '[global]\npoll_interval_ms = 100\n'
	cram_wait_for 10 grep -qx online $dev/dax0.0/cram/state
	cram_wait_for 5 grep -q 'ready: managing 1 device,' "$CRAMD_LOG"

	echo "plug dax1.0" >>"$ctl"
	cram_wait_for 10 grep -qx online $dev/dax1.0/cram/state
	cram_wait_for 5 grep -q 'dax1.0: onlined as private node 2' "$CRAMD_LOG"
	$CRAMCTL status >/dev/null 2>&1 || cram_fail "status after hot-add"
	"$top_builddir/tests/harness/helpers/send-request" "$CRAMD_SOCKET" '{"command":"status"}\n' \
		>"$CRAM_TESTBED/out"
	cram_assert_grep '"managed":2' "$CRAM_TESTBED/out"

	echo "unplug dax1.0" >>"$ctl"
	cram_wait_for 10 grep -q 'dax1.0: device is gone; no longer managed' "$CRAMD_LOG"
	"$top_builddir/tests/harness/helpers/send-request" "$CRAMD_SOCKET" '{"command":"status"}\n' \
		>"$CRAM_TESTBED/out"
	cram_assert_grep '"managed":1' "$CRAM_TESTBED/out"
	kill -0 "$CRAMD_PID" || cram_fail "cramd died on hot-remove"
	cram_stop_cramd
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --tick-ms 20 \
	-- sh "$0" --inner
