#!/bin/sh
# cramd claims what the configuration names (issue 11): a fresh region's
# dax device on device_dax, named by a [device NAME] section with
# claim = yes, is moved to the cram provider, onlined and managed, with no
# manual sysfs write. One online as system RAM (kmem) is refused without
# claim_system_ram = yes, with one clear line, and cramd keeps serving the
# others; a device that no section claims is left alone.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	# dax0.0 by its region, dax1.0 by name but online as system RAM,
	# dax2.0 claimed by nobody
	region=region0
	CRAMD_CONF=$CRAM_TESTBED/cramd.conf
	CRAMD_LOG=$CRAM_TESTBED/cramd.log
	printf '[global]\npoll_interval_ms = 100\n[device %s]\nclaim = yes\n[device dax1.0]\nclaim = yes\n' \
		"$region" >"$CRAMD_CONF"
	# the helper that cramd runs inherits the synchronous binding files
	LD_PRELOAD="$CRAM_SYNC_SYSFS${LD_PRELOAD:+ $LD_PRELOAD}" \
		$CRAMD --config "$CRAMD_CONF" --socket "$CRAMD_SOCKET" 2>>"$CRAMD_LOG" &
	CRAMD_PID=$!
	cram_wait_for 20 grep -q 'ready: managing 1 device' "$CRAMD_LOG" ||
		cram_fail "cramd did not become ready managing one device: $(cat "$CRAMD_LOG")"
	cram_assert_eq "$(cram_driver dax0.0)" cram "dax0.0 claimed"
	cram_assert_eq "$(cat /sys/bus/dax/devices/dax0.0/cram/state)" online "dax0.0 onlined"
	cram_assert_grep "$region: claimed for the cram provider" "$CRAMD_LOG"
	cram_assert_eq "$(cram_driver dax1.0)" kmem "dax1.0 stays system RAM"
	cram_assert_grep 'dax1.0: online as system RAM (kmem); not taken without --system-ram' "$CRAMD_LOG"
	cram_assert_grep 'dax1.0: not claimed' "$CRAMD_LOG"
	cram_assert_eq "$(cram_driver dax2.0)" device_dax "dax2.0 left alone"
	$CRAMCTL status --json >"$CRAM_TESTBED/status" || cram_fail "cramctl status"
	cram_assert_grep '"dax0.0"' "$CRAM_TESTBED/status"
	# the key that allows moving live data: a reload claims it
	printf '[global]\npoll_interval_ms = 100\n[device %s]\nclaim = yes\n[device dax1.0]\nclaim = yes\nclaim_system_ram = yes\n' \
		"$region" >"$CRAMD_CONF"
	kill -HUP "$CRAMD_PID"
	cram_wait_for 20 grep -q 'dax1.0: onlined as private node' "$CRAMD_LOG" ||
		cram_fail "dax1.0 not claimed with claim_system_ram: $(tail -5 "$CRAMD_LOG")"
	cram_assert_eq "$(cram_driver dax1.0)" cram "dax1.0 claimed with claim_system_ram"
	cram_stop_cramd
	exit 0
fi

cram_run_testbed --devices 3 --size 268435456 --phys 134217728 \
	--bind device_dax,kmem-online,device_dax -- sh "$0" --inner
