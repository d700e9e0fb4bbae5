#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cramd and placement mode (issue 10): on an ABI v2 kernel, [device] mode =
# placement is written before online, and such a node runs no policy (no
# knob written) but is reported by cramd and cramctl; migrate = yes
# enables user_migrate after online, and a reload turns it off again; a
# device online in the other mode is reported, not forced. On a v1
# kernel, mode = placement keeps the device offline with a clear error.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

dev=/sys/bus/dax/devices
N=/sys/devices/system/node

inner_v2() {
	send=$top_builddir/tests/harness/helpers/send-request
	out=$CRAM_TESTBED/out
	cram_start_cramd '[global]\npoll_interval_ms = 100\n[device dax0.0]\nmode = placement\n[device region1]\nmigrate = yes\n'
	cram_wait_for 10 grep -qx online $dev/dax0.0/cram/state
	cram_wait_for 10 grep -qx online $dev/dax1.0/cram/state
	cram_assert_eq "$(cat $dev/dax0.0/cram/mode)" placement "dax0.0 mode"
	cram_assert_eq "$(cat $dev/dax1.0/cram/mode)" compressed "dax1.0 mode"
	cram_wait_for 5 grep -qx 1 $N/has_placement_memory
	cram_wait_for 5 grep -qx 1-2 $N/has_private_memory
	cram_wait_for 5 grep -qx 1 $dev/dax1.0/cram/user_migrate
	cram_assert_grep 'dax0.0: mode set to placement' "$CRAMD_LOG"
	# the state reads online once the online's write is done; cramd logs
	# the online when it has seen its child finish, a little later
	cram_wait_for 10 grep -q 'dax0.0: onlined as private node 1 in placement mode' "$CRAMD_LOG"
	cram_assert_grep 'dax1.0: explicit migration into node 2 allowed' "$CRAMD_LOG"
	# dax1.0 runs the policy (thresholds written); dax0.0 gets no knob write
	cram_wait_for 5 sh -c "! grep -qx 0 $dev/dax1.0/cram/high_threshold_bytes"
	sleep 0.5
	cram_assert_eq "$(cram_read $dev/dax0.0/cram/high_threshold_bytes)" 0 "no policy on a placement node"
	cram_assert_eq "$(cat $dev/dax0.0/cram/logical_bytes)" 0 "nothing demoted into placement"
	# cramd reports it: mode in the status reply, no gate for placement
	"$send" "$CRAMD_SOCKET" '{"command":"status"}\n' >"$out" || cram_fail "no status reply"
	grep -q '"device": *"dax0.0", *"node": *1, *"degraded": *false, *"mode": *"placement"' "$out" ||
		cram_fail "status reply without dax0.0 in placement mode: $(cat "$out")"
	grep -q '"device": *"dax1.0", *"node": *2, *"gate": *"[a-z]*", *"degraded": *false, *"mode": *"compressed"' "$out" ||
		cram_fail "status reply without dax1.0 in compressed mode: $(cat "$out")"
	# cramctl status, list and metrics show the mode
	$CRAMCTL status >"$out" || cram_fail "cramctl status failed"
	cram_assert_grep '^dax0\.0  *region0  *1  *online  *placement ' "$out"
	cram_assert_grep '^dax1\.0  *region1  *2  *online  *compressed ' "$out"
	$CRAMCTL status --json dax0.0 >"$out" || cram_fail "cramctl status --json failed"
	cram_assert_grep '"mode": "placement"' "$out"
	$CRAMCTL list -D -N >"$out" || cram_fail "cramctl list failed"
	cram_assert_grep '"mode": "placement"' "$out"
	cram_assert_grep '"kind": "placement"' "$out"
	cram_assert_grep '"kind": "compressed"' "$out"
	cram_assert_grep '"kind": "ordinary"' "$out"
	cram_assert_grep '"free": 268435456' "$out"
	$CRAMCTL list -m placement >"$out" || cram_fail "cramctl list -m failed"
	cram_assert_grep '"device": "dax0.0"' "$out"
	grep -q dax1.0 "$out" && cram_fail "list -m placement printed dax1.0"
	$CRAMCTL list -N --mode compressed >"$out" || cram_fail "cramctl list -N --mode failed"
	cram_assert_eq "$(grep -c '"node"' "$out")" 1 "one compressed node"
	cram_assert_grep '"node": 2' "$out"
	$CRAMCTL list --mode Placement >/dev/null 2>&1
	cram_assert_eq $? 2 "a bad --mode is a usage error"
	$CRAMCTL metrics >"$out" || cram_fail "cramctl metrics failed"
	cram_assert_grep '^cram_device_online{device="dax0.0",region="region0",node="1",mode="placement"} 1$' "$out"
	cram_assert_grep '^cram_device_online{device="dax1.0",region="region1",node="2",mode="compressed"} 1$' "$out"
	# a reload without migrate turns explicit migration off again
	printf '[global]\npoll_interval_ms = 100\n[device dax0.0]\nmode = placement\n' >"$CRAMD_CONF"
	kill -HUP "$CRAMD_PID"
	cram_wait_for 5 grep -qx 0 $dev/dax1.0/cram/user_migrate
	cram_stop_cramd

	# The configuration asks for compressed, but dax0.0 is online in
	# placement mode: said clearly, not forced (the mode stays).
	cram_start_cramd '[global]\npoll_interval_ms = 100\n[device dax0.0]\nmode = compressed\n'
	cram_wait_for 5 grep -q 'dax0.0: online in placement mode, but the configuration asks for mode = compressed; left as it is' "$CRAMD_LOG"
	cram_assert_eq "$(cat $dev/dax0.0/cram/mode)" placement "online mode not forced"
	cram_assert_eq "$(cat $dev/dax0.0/cram/state)" online "placement node left online"
	cram_stop_cramd
}

inner_v1() {
	cram_start_cramd '[global]\npoll_interval_ms = 100\n[device dax0.0]\nmode = placement\n[device dax1.0]\nmigrate = yes\n'
	cram_wait_for 10 grep -qx online $dev/dax1.0/cram/state
	cram_wait_for 5 grep -q 'dax0.0: mode = placement, but the kernel has no placement mode (no .*/mode: cram ABI v1); not onlined, not managed' "$CRAMD_LOG"
	cram_wait_for 5 grep -q 'dax1.0: migrate = yes, but the kernel has no explicit migration' "$CRAMD_LOG"
	sleep 0.3
	cram_assert_eq "$(cat $dev/dax0.0/cram/state)" offline "v1: placement device not onlined"
	cram_assert_eq "$(cat $N/has_private_memory)" 2 "v1: only dax1.0's node"
	cram_stop_cramd
}

if [ "${1:-}" = --inner ]; then
	"inner_$2"
	exit 0
fi

for abi in v1 v2; do
	echo "=== --abi $abi"
	cram_run_testbed --abi "$abi" --devices 2 --size 268435456 --phys 134217728 \
		--tick-ms 20 -- sh "$0" --inner "$abi" || cram_fail "ABI $abi"
done
