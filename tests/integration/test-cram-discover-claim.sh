#!/bin/sh
# cram-discover --claim NAME moves the dax devices NAME stands for (daxX.Y,
# regionN, memN, serial:0xHEX) from device_dax, or from kmem with
# --system-ram, to the cram provider; --release gives an offline cram
# device back to device_dax. Every refusal and race gets one clear message,
# exit status 1, and leaves the device bound to a driver.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

# run EXPECTED_STATUS ARGS...: cram-discover ARGS, stderr in $err
run() {
	_want=$1
	shift
	err=$CRAM_TESTBED/err
	cram_synced $CRAM_DISCOVER "$@" >"$CRAM_TESTBED/out" 2>"$err"
	_rc=$?
	cram_assert_eq "$_rc" "$_want" "exit status of cram-discover $*: $(cat "$err")"
	[ ! -s "$CRAM_TESTBED/out" ] || cram_fail "cram-discover $* wrote on stdout"
}

# blocks STATE DEV: every memory block of DEV (node N) is in STATE
blocks() {
	_n=$(cat "/sys/bus/dax/devices/$2/target_node")
	for _b in /sys/devices/system/node/node"$_n"/memory*; do
		cram_assert_eq "$(cat "$_b/state")" "$1" "state of $_b of $2"
	done
}

stock() {
	run 1 --claim dax0.0
	cram_assert_grep '^<3>the running kernel has no cram provider .*kernel-abi/README.md' "$err"
	cram_assert_eq "$(cram_driver dax0.0)" device_dax "dax0.0 stays on device_dax"
	run 1 --release dax0.0
	cram_assert_grep 'no cram provider.*kernel-abi/README.md' "$err"
	exit 0
}

inner() {
	ctl=$CRAM_TESTBED/fake-kernel.ctl

	# By dax name, region, memdev and serial, from device_dax.
	run 0 --claim dax0.0
	cram_assert_grep '^<5>dax0.0: bound to cram (was on device_dax)$' "$err"
	cram_assert_eq "$(cram_driver dax0.0)" cram "dax0.0 claimed by name"
	cram_assert_eq "$(cat /sys/bus/dax/devices/dax0.0/cram/state)" offline "a claimed device is offline"
	run 0 --claim region1
	cram_assert_grep '^<5>dax1.0: bound to cram (was on device_dax)$' "$err"
	cram_assert_eq "$(cram_driver dax1.0)" cram "dax1.0 claimed by region"
	run 0 --claim mem2
	cram_assert_eq "$(cram_driver dax2.0)" cram "dax2.0 claimed by memdev"
	run 0 --claim serial:0x4
	cram_assert_eq "$(cram_driver dax3.0)" cram "dax3.0 claimed by serial"
	# The rest of the system is untouched, and discovery sees them.
	cram_assert_eq "$(cram_driver dax5.0)" kmem "dax5.0 untouched"
	$CRAM_DISCOVER >"$CRAM_TESTBED/list.json" 2>/dev/null || cram_fail "discovery failed"
	cram_assert_grep '"devname": "dax3.0"' "$CRAM_TESTBED/list.json"

	# Already a cram device: nothing to do.
	run 0 --claim dax4.0
	cram_assert_grep '^<6>dax4.0: already bound to cram$' "$err"

	# Names that match nothing.
	run 1 --claim region9
	cram_assert_grep '^<3>region9: no such CXL region; nothing claimed$' "$err"
	run 1 --claim dax9.0
	cram_assert_grep '^<3>dax9.0: no such dax device; nothing claimed$' "$err"
	run 1 --claim mem9
	cram_assert_grep '^<3>mem9: no such CXL memory device; nothing claimed$' "$err"
	run 1 --claim serial:0x99
	cram_assert_grep '^<3>serial:0x99: no CXL memory device has this serial' "$err"
	run 2 --claim region
	run 2 --system-ram
	run 2 --release region0

	# System RAM: refused without --system-ram; an offline that fails
	# leaves it online; with the key and a working offline it is taken.
	run 1 --claim dax5.0
	cram_assert_grep '^<3>dax5.0: online as system RAM (kmem); not taken without --system-ram' "$err"
	cram_assert_eq "$(cram_driver dax5.0)" kmem "dax5.0 stays kmem"
	blocks online dax5.0
	echo "busy dax5.0 1" >>"$ctl"
	sleep 0.2
	run 1 --claim region5 --system-ram
	cram_assert_grep '^<3>dax5.0: cannot take its system RAM offline (Device or resource busy); left online as system RAM$' "$err"
	cram_assert_eq "$(cram_driver dax5.0)" kmem "dax5.0 stays kmem after a failed offline"
	blocks online dax5.0
	run 0 --claim dax5.0 --system-ram
	cram_assert_grep '^<5>dax5.0: took its system RAM offline (2 memory blocks)$' "$err"
	cram_assert_grep '^<5>dax5.0: bound to cram (was on kmem)$' "$err"
	cram_assert_eq "$(cram_driver dax5.0)" cram "dax5.0 taken with --system-ram"
	blocks offline dax5.0

	# kmem with its memory offline moves no data: no key needed.
	run 0 --claim dax7.0
	cram_assert_grep '^<5>dax7.0: bound to cram (was on kmem)$' "$err"
	cram_assert_eq "$(cram_driver dax7.0)" cram "dax7.0 (kmem, offline) claimed"

	# Release: an offline device goes back to device_dax; an online one
	# is refused.
	run 0 --release dax0.0
	cram_assert_grep '^<5>dax0.0: given back to device_dax$' "$err"
	cram_assert_eq "$(cram_driver dax0.0)" device_dax "dax0.0 released"
	[ ! -e /sys/bus/dax/devices/dax0.0/cram ] || cram_fail "dax0.0 kept its cram/ group"
	echo online >/sys/bus/dax/devices/dax1.0/cram/state
	cram_wait_for 5 grep -qx online /sys/bus/dax/devices/dax1.0/cram/state
	run 1 --release dax1.0
	cram_assert_grep '^<3>dax1.0: online as a private node; offline it first (cramctl offline dax1.0)$' "$err"
	cram_assert_eq "$(cram_driver dax1.0)" cram "an online device stays cram"
	cram_assert_eq "$(cat /sys/bus/dax/devices/dax1.0/cram/state)" online "and online"
	run 1 --release dax6.0
	cram_assert_grep '^<3>dax6.0: not a cram device (no driver); not released$' "$err"

	# A claim again after a release (the id was removed on release).
	run 0 --claim dax0.0
	cram_assert_eq "$(cram_driver dax0.0)" cram "dax0.0 claimed again"
	run 0 --release dax0.0

	# Races: another agent binds the device while it moves: left with it.
	echo "steal dax0.0 device_dax" >>"$ctl"
	sleep 0.2
	run 1 --claim dax0.0
	cram_assert_grep '^<3>dax0.0: driver device_dax took it while it was being moved to cram; left with device_dax$' "$err"
	cram_assert_eq "$(cram_driver dax0.0)" device_dax "dax0.0 left with the other driver"
	# The cram provider refuses it: it goes back to device_dax.
	echo "probe-busy dax0.0 2" >>"$ctl"
	sleep 0.2
	run 1 --claim dax0.0
	cram_assert_grep '^<3>dax0.0: the cram provider did not take it (Device or resource busy); given back to device_dax$' "$err"
	cram_assert_eq "$(cram_driver dax0.0)" device_dax "dax0.0 given back"
	# An unbound device is claimed too.
	run 0 --claim dax6.0
	cram_assert_grep '^<5>dax6.0: bound to cram (was on no driver)$' "$err"

	# The fake kernel's unbind of an online device (the ABI): it offlines
	# first; when that fails the memory stays online, and the node keeps
	# it, so that cram refuses the device (EBUSY) until reboot.
	nodes=/sys/devices/system/node
	echo online >/sys/bus/dax/devices/dax5.0/cram/state
	cram_wait_for 5 test -d $nodes/node6
	echo dax5.0 | cram_synced dd of=/sys/bus/dax/drivers/cram/unbind status=none ||
		cram_fail "unbind of an online device failed"
	cram_assert_eq "$(cram_driver dax5.0)" none "dax5.0 unbound"
	[ ! -d $nodes/node6 ] || cram_fail "node6 stayed after an unbind that could offline"
	echo "busy dax1.0 1" >>"$ctl"
	sleep 0.2
	echo dax1.0 | cram_synced dd of=/sys/bus/dax/drivers/cram/unbind status=none ||
		cram_fail "unbind of a device stuck online failed"
	cram_assert_eq "$(cram_driver dax1.0)" none "dax1.0 unbound though stuck online"
	[ -d $nodes/node2 ] || cram_fail "node2 went away though its memory is stuck online"
	run 1 --claim dax1.0
	cram_assert_grep '^<3>dax1.0: the cram provider did not take it (Device or resource busy); given back to device_dax$' "$err"
	cram_assert_eq "$(cram_driver dax1.0)" device_dax "dax1.0 given back to device_dax"
	exit 0
}

case ${1:-} in
--inner) inner ;;
--stock) stock ;;
esac

cram_run_testbed --devices 8 --size 268435456 --phys 134217728 \
	--bind device_dax,device_dax,device_dax,device_dax,cram,kmem-online,none,kmem \
	-- sh "$0" --inner || exit 1
cram_run_testbed --devices 1 --size 268435456 --stock --bind device_dax \
	-- sh "$0" --stock
