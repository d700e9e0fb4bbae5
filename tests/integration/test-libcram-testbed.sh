#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs tests/integration/test-libcram-sysfs under umockdev-wrapper on a fresh
# testbed (tests/harness/testbed/mktestbed.sh) for each private-node ABI variant:
# v1 (has_private_memory), v2 (v1 plus has_placement_memory and the cram/
# group's placement-mode attributes), p3 (has_common_memory) and none.
set -u
. "$top_srcdir/tests/integration/lib.sh"
command -v umockdev-wrapper >/dev/null 2>&1 ||
	cram_skip "umockdev-wrapper is not installed (Debian: umockdev)"
prog=$top_builddir/tests/integration/test-libcram-sysfs
[ -x "$prog" ] || cram_fail "$prog is not built"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-libcram.XXXXXX") || cram_fail "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
# Whether the real kernel has a node 1 (read before /sys is redirected).
if [ -d /sys/devices/system/node/node1 ]; then
	CRAM_TEST_HOST_NODE1=1
else
	CRAM_TEST_HOST_NODE1=0
fi
export CRAM_TEST_HOST_NODE1

rc=0
for abi in v1 v2 p3 none; do
	mkdir "$tmp/$abi" || cram_fail "mkdir $tmp/$abi"
	sh "$top_srcdir/tests/harness/testbed/mktestbed.sh" "$tmp/$abi" --abi "$abi" ||
		cram_fail "mktestbed.sh --abi $abi failed"
	echo "=== --abi $abi"
	# The wrapper (valgrind) is split on blanks on purpose.
	# shellcheck disable=SC2086
	UMOCKDEV_DIR=$tmp/$abi umockdev-wrapper $CRAM_TEST_WRAPPER "$prog" "$abi" || {
		echo "FAIL: --abi $abi" >&2
		rc=1
	}
done
exit $rc
