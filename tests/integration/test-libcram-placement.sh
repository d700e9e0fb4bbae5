#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# libcram against the fake kernel on ABI v1 and v2 testbeds (issue 10):
# feature detection, node kinds and sizes, the mode and user_migrate
# accessors with the kernel's EBUSY and EINVAL (the fake kernel answers
# those writes; tests/harness/helpers/libsync-sysfs.so makes them synchronous),
# and the placement helpers' checks. The helpers' syscalls go to the real
# kernel, which has no cram node: only the checks before them are shown
# here, the placement itself in the VM (tests/vm/part-placement-libcram.sh).
set -u
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev
PROBE="$_cram_exec $top_builddir/tests/harness/helpers/placement-probe"
EXAMPLE="$_cram_exec $top_builddir/examples/cram-placement-example"

# probe ARGS...: placement-probe with writes synchronous (quiet on stderr)
probe() {
	# shellcheck disable=SC2086 # the wrapper is split on purpose
	cram_synced $PROBE "$@" 2>>"$CRAM_TESTBED/probe.err"
}

expect() {
	_want=$1
	shift
	_got=$(probe "$@")
	[ "$_got" = "$_want" ] || cram_fail "placement-probe $*: got '$_got', want '$_want'"
}

C=/sys/bus/dax/devices/dax0.0/cram
N=/sys/devices/system/node

inner_v1() {
	expect "user_placement=EOPNOTSUPP user_migrate=EOPNOTSUPP" features
	[ ! -e $N/has_placement_memory ] || cram_fail "a v1 testbed lists placement nodes"
	expect ENOENT mode dax0.0
	expect ENOENT mode dax0.0 placement
	expect ENOENT migrate dax0.0 1
	expect ENOENT migrated dax0.0
	echo online >$C/state
	cram_wait_for 5 grep -qx 1 $N/has_private_memory
	probe nodes | grep -q '^node 1 compressed 1073741824 [0-9]*$' ||
		cram_fail "node 1 is not a compressed node of 1 GiB: $(probe nodes)"
	expect EOPNOTSUPP alloc 1 67108864
	expect "EOPNOTSUPP status 4242" move 1
	# the example finds no placement node and skips
	$EXAMPLE >"$CRAM_TESTBED/example" 2>&1
	cram_assert_eq $? 77 "cram-placement-example on v1"
	cram_assert_grep '^no placement: the kernel has no placement mode' "$CRAM_TESTBED/example"
}

inner_v2() {
	expect "user_placement=ok user_migrate=ok" features
	[ "$(cat $N/has_placement_memory)" = "" ] || cram_fail "has_placement_memory not empty"
	expect compressed mode dax0.0
	expect 0 migrate dax0.0
	expect 0 migrated dax0.0
	# bad values and the placement/user_migrate rule, offline
	expect EINVAL mode dax0.0 bogus
	expect ok migrate dax0.0 1
	expect 1 migrate dax0.0
	expect ok mode dax0.0 placement
	expect 0 migrate dax0.0
	expect EINVAL migrate dax0.0 1
	expect placement mode dax0.0
	# online in placement mode: listed as private and as placement
	echo online >$C/state
	cram_wait_for 5 grep -qx 1 $N/has_placement_memory
	grep -qx 1 $N/has_private_memory || cram_fail "a placement node is not private"
	probe nodes >"$CRAM_TESTBED/nodes"
	cram_assert_grep '^node 0 ordinary 2147483648 1073741824$' "$CRAM_TESTBED/nodes"
	cram_assert_grep '^node 1 placement 1073741824 1073741824$' "$CRAM_TESTBED/nodes"
	# the example finds the placement node; the real kernel has no node 1
	# to bind to, so the mbind fails, and the example says so (exit 1)
	if [ "$CRAM_TEST_HOST_NODE1" = 0 ]; then
		$EXAMPLE --mib 4 >"$CRAM_TESTBED/example" 2>&1
		cram_assert_eq $? 1 "cram-placement-example on a fake placement node"
		cram_assert_grep '^node 1 kind=placement total=1073741824 free=1073741824$' \
			"$CRAM_TESTBED/example"
		cram_assert_grep '^mbind node=1 error=Invalid argument$' "$CRAM_TESTBED/example"
	fi
	# mode is fixed while online; user_migrate stays 0 in placement mode
	expect EBUSY mode dax0.0 compressed
	expect EBUSY mode dax0.0 placement
	expect EINVAL migrate dax0.0 1
	expect placement mode dax0.0
	# the compressed-mode knobs refuse writes online in placement mode
	echo 1 >$C/no_alloc
	echo 0 >$C/capacity_pages
	sleep 0.3
	cram_assert_eq "$(cram_read $C/no_alloc) $(cram_read $C/capacity_pages)" "0 262144" \
		"placement mode took a compressed-mode knob"
	# no demotion reaches a placement node
	[ "$(cat $C/logical_bytes)" = 0 ] || cram_fail "data demoted into a placement node"
	# back to compressed, offline only
	echo offline >$C/state
	cram_wait_for 5 grep -qx '' $N/has_placement_memory
	expect ok mode dax0.0 compressed
	echo online >$C/state
	cram_wait_for 5 grep -qx 1 $N/has_private_memory
	[ "$(cat $N/has_placement_memory)" = "" ] || cram_fail "a compressed node listed as placement"
	probe nodes | grep -q '^node 1 compressed ' || cram_fail "node 1 is not compressed"
	# a compressed node: no mbind, and moves only with user_migrate
	expect EOPNOTSUPP alloc 1 67108864
	expect "EOPNOTSUPP status 4242" move 1
	expect ok migrate dax0.0 1
	expect 1 migrate dax0.0
	expect EOPNOTSUPP alloc 1 67108864
	# the check passes; the real kernel has no node 1 (unless the host has one)
	if [ "$CRAM_TEST_HOST_NODE1" = 0 ]; then
		expect "ENODEV status 4242" move 1
	fi
	expect ok migrate dax0.0 0
	expect "EOPNOTSUPP status 4242" move 1
}

case ${1:-} in
--inner)
	"inner_$2"
	exit 0
	;;
esac

if [ -d /sys/devices/system/node/node1 ]; then
	CRAM_TEST_HOST_NODE1=1
else
	CRAM_TEST_HOST_NODE1=0
fi
export CRAM_TEST_HOST_NODE1
for abi in v1 v2; do
	echo "=== --abi $abi"
	cram_run_testbed --abi "$abi" --tick-ms 20 -- sh "$0" --inner "$abi" ||
		cram_fail "ABI $abi"
done
