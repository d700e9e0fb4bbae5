#!/bin/sh
# The testbed is real enough for the real libraries: daxctl, cxl and numactl
# (libdaxctl, libcxl, libnuma) enumerate the simulated devices under
# umockdev. The tree has relative links only, no "\n"-only uevent file, and
# the discovery files that --abi asks for.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

nodes=/sys/devices/system/node

check_tree() {
	cd "$CRAM_TESTBED" || cram_fail "cannot enter $CRAM_TESTBED"
	abs=$(find sys dev -type l -lname '/*' | head -n 1)
	[ -z "$abs" ] || cram_fail "absolute symlink $abs"
	broken=$(find sys -type l ! -exec test -e {} \; -print | head -n 1)
	[ -z "$broken" ] || cram_fail "dangling symlink $broken"
	bare=$(find sys -name uevent -type f -size 1c -exec grep -lx '' {} + | head -n 1)
	[ -z "$bare" ] || cram_fail "$bare is a bare newline"
	cd / || exit 1
}

check_daxctl() {
	out=$CRAM_TESTBED/daxctl.out
	daxctl list -D -R >"$out" || cram_fail "daxctl list failed"
	cram_assert_grep '"chardev":"dax0.0"' "$out"
	cram_assert_grep '"chardev":"dax1.0"' "$out"
	cram_assert_grep '"target_node":2' "$out"
	cram_assert_grep '"size":268435456' "$out"
	cram_assert_grep 'region1.*dax_region1' "$out"
}

check_cxl() {
	out=$CRAM_TESTBED/cxl.out
	cxl list -R -M >"$out" || cram_fail "cxl list -R -M failed"
	cram_assert_grep '"memdev":"mem1"' "$out"
	cram_assert_grep '"region":"region1"' "$out"
	cram_assert_grep '"decode_state":"commit"' "$out"
	cram_assert_eq "$(grep -c '"ram_size":268435456' "$out")" 2 "two 256 MiB memdevs"
	cxl list -E -D -P >"$out" || cram_fail "cxl list -E -D -P failed"
	cram_assert_grep '"endpoint":"endpoint3"' "$out"
	cram_assert_grep '"host":"mem1"' "$out"
	cram_assert_grep '"decoder":"decoder3.0"' "$out"
	cram_assert_grep '"mode":"ram"' "$out"
}

check_numactl() {
	out=$CRAM_TESTBED/numactl.out
	numactl -H >"$out" || cram_fail "numactl -H failed"
	cram_assert_grep '^available: 1 nodes (0)$' "$out"
	cram_assert_grep '^node 0 cpus: 0 1$' "$out"
	echo online >/sys/bus/dax/devices/dax1.0/cram/state
	cram_wait_for 5 grep -qx 2 $nodes/has_private_memory
	numactl -H >"$out" || cram_fail "numactl -H failed"
	cram_assert_grep '^available: 2 nodes (0,2)$' "$out"
	cram_assert_grep '^node 2 size: 256 MB$' "$out"
}

inner_v1() {
	check_tree
	cram_assert_eq "$(cat /sys/bus/dax/devices/dax0.0/cram/state)" offline "initial state"
	cram_assert_eq "$(cat $nodes/has_private_memory)" "" "has_private_memory at start"
	cram_assert_eq "$(readlink /sys/bus/dax/devices/dax1.0/driver)" \
		../../../../../../../../bus/dax/drivers/cram "dax1.0 bound to cram"
	cram_assert_eq "$(cat /sys/kernel/mm/numa/demotion_enabled)" false "demotion_enabled"
	cram_assert_eq "$(cat /sys/devices/system/cpu/online)" 0-1 "cpu/online"
	ls /sys/devices/system/memory/memory0/node0 >/dev/null ||
		cram_fail "DRAM block memory0 is not on node 0"
	if command -v daxctl >/dev/null; then check_daxctl; else echo "SKIP: no daxctl"; fi
	if command -v cxl >/dev/null; then check_cxl; else echo "SKIP: no cxl"; fi
	if command -v numactl >/dev/null; then check_numactl; else echo "SKIP: no numactl"; fi
	exit 0
}

inner_p3() {
	[ ! -e $nodes/has_private_memory ] || cram_fail "p3 testbed has has_private_memory"
	cram_assert_eq "$(cat $nodes/has_common_memory)" 0 "has_common_memory"
	echo online >/sys/bus/dax/devices/dax0.0/cram/state
	cram_wait_for 5 grep -qx 0-1 $nodes/has_memory
	cram_assert_eq "$(cat $nodes/has_common_memory)" 0 "has_common_memory after online"
	exit 0
}

inner_none() {
	[ ! -e $nodes/has_private_memory ] || cram_fail "none testbed has has_private_memory"
	[ ! -e $nodes/has_common_memory ] || cram_fail "none testbed has has_common_memory"
	exit 0
}

case ${1:-} in
--inner-v1) inner_v1 ;;
--inner-p3) inner_p3 ;;
--inner-none) inner_none ;;
esac

cram_run_testbed --devices 2 --size 268435456 --tick-ms 20 -- sh "$0" --inner-v1 ||
	cram_fail "v1 testbed"
cram_run_testbed --abi p3 --tick-ms 20 -- sh "$0" --inner-p3 || cram_fail "p3 testbed"
cram_run_testbed --abi none -- sh "$0" --inner-none || cram_fail "none testbed"

# Bad options are refused with a message naming them.
err=$(mktemp)
trap 'rm -f "$err"' EXIT
for bad in "--devices 0" "--size 1000" "--abi v3" "--ratio 999" "--tick-ms x"; do
	# shellcheck disable=SC2086
	cram_run_testbed $bad -- true 2>"$err"
	cram_assert_eq $? 2 "exit status for $bad"
	cram_assert_grep "${bad%% *}" "$err"
done
(
	CRAM_TESTBED_SCRIPT=/nonexistent
	export CRAM_TESTBED_SCRIPT
	cram_run_testbed -- true
) 2>"$err"
cram_assert_eq $? 1 "exit status with a broken testbed script"
exit 0
