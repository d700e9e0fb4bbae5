#!/bin/sh
# `cramctl offline DEVICE --release` (issue 11): cramd offlines the device
# and gives it back to device_dax; it then leaves it alone, claims
# included (a [device NAME] section with claim = yes names it), through
# dax "add" uevents and reloads, until `cramctl online DEVICE` claims it
# back. Refusals are clear: an unknown device, a name that is no dax
# device, an unprivileged peer, a release while an offline is under way,
# a release of a released device, and a release that the kernel's dax
# bus spoils (another driver takes the device): the helper's reason
# reaches cramctl and the device stays offline. A kernel with device_dax
# built in (libdaxctl cannot bind it) gets its device back all the same.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	dev=/sys/bus/dax/devices
	ctl=$CRAM_TESTBED/fake-kernel.ctl
	out=$CRAM_TESTBED/out
	send=$top_builddir/tests/harness/helpers/send-request
	pin=$top_builddir/tests/harness/helpers/.libs/libpin-offline.so
	pins=$CRAM_TESTBED/pins
	[ -e "$pin" ] || cram_fail "$pin is not built"
	mkdir -p "$pins"
	# A directory every user may traverse, so an unprivileged peer can connect.
	sdir=$(mktemp -d /tmp/cramd-release.XXXXXX)
	chmod 755 "$sdir"
	CRAMD_SOCKET=$sdir/cramd.sock
	export CRAMD_SOCKET
	trap 'rm -rf "$sdir"' EXIT
	CRAMD_CONF=$CRAM_TESTBED/cramd.conf
	CRAMD_LOG=$CRAM_TESTBED/cramd.log
	conf='[global]\npoll_interval_ms = 100\noffline_timeout_ms = 60000\n[device dax0.0]\nclaim = yes\n'
	# shellcheck disable=SC2059 # the configuration is a printf format
	printf "$conf" >"$CRAMD_CONF"
	LD_PRELOAD="$CRAM_SYNC_SYSFS $pin${LD_PRELOAD:+ $LD_PRELOAD}" CRAM_PIN_DIR=$pins \
		$CRAMD --config "$CRAMD_CONF" --socket "$CRAMD_SOCKET" 2>>"$CRAMD_LOG" &
	CRAMD_PID=$!
	cram_wait_for 20 grep -q 'ready: managing 2 devices' "$CRAMD_LOG" ||
		cram_fail "cramd did not become ready: $(cat "$CRAMD_LOG")"
	cram_assert_eq "$(cram_driver dax0.0)" cram "dax0.0 claimed at start"

	# Bad input: no such device, not a dax device name, an unprivileged peer.
	$CRAMCTL offline --release dax9.0 >"$out" 2>"$out.err"
	cram_assert_eq $? 1 "release of an unknown device"
	cram_assert_grep 'cramctl: release: cramd refused: no cram device dax9.0' "$out.err"
	$CRAMCTL offline --release region0 >"$out" 2>"$out.err"
	cram_assert_eq $? 1 "release of a region name"
	cram_assert_grep '"device" must be daxX.Y' "$out.err"
	$CRAMCTL online --release dax0.0 >"$out" 2>"$out.err"
	cram_assert_eq $? 2 "online takes no --release"
	"$send" --uid 65534 "$CRAMD_SOCKET" '{"command":"release","device":"dax0.0"}\n' >"$out"
	cram_assert_grep '"ok":false.*permission denied' "$out"
	cram_assert_eq "$(cat $dev/dax0.0/cram/state)" online "nobody could not release"
	cram_assert_eq "$(cram_driver dax0.0)" cram "nobody could not release (driver)"

	# A release while an offline of the same device is under way is refused.
	: >"$pins/dax1.0"
	$CRAMCTL offline dax1.0 >/dev/null 2>"$out.off" &
	off=$!
	cram_wait_for 10 sh -c "[ -n \"\$(for p in \$(pgrep -P $CRAMD_PID); do grep -q cram-discover /proc/\$p/cmdline || echo \$p; done)\" ]"
	$CRAMCTL offline --release dax1.0 >"$out" 2>"$out.err"
	cram_assert_eq $? 1 "release while an offline is under way"
	cram_assert_grep 'dax1.0: an offline is under way; try again when it is done' "$out.err"
	for p in $(pgrep -P "$CRAMD_PID"); do
		grep -q cram-discover "/proc/$p/cmdline" 2>/dev/null || kill -ALRM "$p"
	done
	wait $off
	cram_assert_eq $? 1 "the pinned offline failed"
	rm "$pins/dax1.0"
	# The pinned write wrote nothing, but a testbed file was truncated
	# when cramd opened it: the fake kernel rejects the empty write and
	# puts "online" back after the close, which a read can overtake.
	cram_wait_for 10 grep -qx online $dev/dax1.0/cram/state
	cram_assert_eq "$(cat $dev/dax1.0/cram/state)" online "dax1.0 stays online"

	# The release: offline, then device_dax; cramctl says so.
	$CRAMCTL offline --release dax0.0 >"$out" 2>"$out.err" ||
		cram_fail "release failed: $(cat "$out.err")"
	cram_assert_grep '^dax0.0: offline, released to device_dax$' "$out"
	cram_assert_eq "$(cram_driver dax0.0)" device_dax "dax0.0 released"
	cram_assert_grep 'dax0.0: released to device_dax on request' "$CRAMD_LOG"
	"$send" "$CRAMD_SOCKET" '{"command":"status"}\n' >"$out"
	cram_assert_grep '"managed":1,' "$out"

	# Not claimed back: not on a dax "add" uevent (dax1.0 goes and comes
	# back, as a region created at run time would), not on a reload.
	runs() { grep -c 'discovery: .* cram device' "$CRAMD_LOG"; }
	echo "unplug dax1.0" >>"$ctl"
	cram_wait_for 10 grep -q 'dax1.0: device is gone; no longer managed' "$CRAMD_LOG"
	n=$(runs)
	echo "plug dax1.0" >>"$ctl"
	cram_wait_for 10 sh -c "[ \$(grep -c 'discovery: .* cram device' '$CRAMD_LOG') -gt $n ]"
	cram_wait_for 10 sh -c "'$send' '$CRAMD_SOCKET' '{\"command\":\"status\"}\\n' | grep -q '\"managed\":1,.*dax1.0'"
	n=$(runs)
	kill -HUP "$CRAMD_PID"
	cram_wait_for 10 grep -q 'reloaded' "$CRAMD_LOG"
	cram_wait_for 10 sh -c "[ \$(grep -c 'discovery: .* cram device' '$CRAMD_LOG') -gt $n ]"
	sleep 0.5
	cram_assert_eq "$(cram_driver dax0.0)" device_dax "a released device is not claimed again"
	[ "$(grep -c 'dax0.0: claiming it for the cram provider' "$CRAMD_LOG")" = 1 ] ||
		cram_fail "dax0.0 claimed more than once: $(grep claiming "$CRAMD_LOG")"

	# Released already: said so.
	$CRAMCTL offline --release dax0.0 >"$out" 2>"$out.err"
	cram_assert_eq $? 1 "release of a released device"
	cram_assert_grep "dax0.0: released already (on device_dax); 'cramctl online dax0.0' takes it back" "$out.err"

	# cramctl online claims it back and manages it again.
	$CRAMCTL online dax0.0 >"$out" 2>"$out.err" || cram_fail "online of a released device: $(cat "$out.err")"
	cram_assert_eq "$(cram_driver dax0.0)" cram "dax0.0 claimed back"
	cram_assert_eq "$(cat $dev/dax0.0/cram/state)" online "dax0.0 online again"
	"$send" "$CRAMD_SOCKET" '{"command":"status"}\n' >"$out"
	cram_assert_grep '"managed":2,' "$out"

	# A release that another driver spoils: the helper's reason reaches
	# cramctl, and the device is left offline with that driver.
	echo "steal dax1.0 kmem" >>"$ctl"
	sleep 0.2
	$CRAMCTL offline --release dax1.0 >"$out" 2>"$out.err"
	cram_assert_eq $? 1 "a spoiled release"
	cram_assert_grep 'dax1.0: offline, but not released: dax1.0: driver kmem took it instead of device_dax; left with kmem' "$out.err"
	cram_assert_eq "$(cram_driver dax1.0)" kmem "dax1.0 left with kmem"
	"$send" "$CRAMD_SOCKET" '{"command":"status"}\n' >"$out"
	grep -q '"device":"dax1.0","why":"released"' "$out" &&
		cram_fail "a release that failed is shown as released: $(cat "$out")"

	# A kernel with device_dax built in has no /sys/module/device_dax, and
	# libdaxctl, looking for the module, cannot bind device_dax (ENOENT):
	# the release binds it through the bus.
	rm -rf "$CRAM_TESTBED/sys/module/device_dax"
	$CRAMCTL offline --release dax0.0 >"$out" 2>"$out.err" ||
		cram_fail "release with device_dax built in: $(cat "$out.err")"
	cram_assert_eq "$(cram_driver dax0.0)" device_dax "dax0.0 released with device_dax built in"

	# cramd is stopped with the released device left on device_dax.
	cram_stop_cramd
	cram_assert_eq "$(cram_driver dax0.0)" device_dax "dax0.0 stays released after cramd stops"
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --bind device_dax,cram \
	-- sh "$0" --inner
