#!/bin/sh
# A pmem CXL region, as QEMU 7.2 (no volatile CXL memory) gives the VM
# tests: its dax device sits under the nvdimm bridge's nd region of the same
# name (root0/nvdimm-bridge0/ndbus0/regionK/daxK.0/daxK.0), not under the
# CXL region, and only endpoint decoders have a mode. cramctl status and
# list, their JSON and --region filter, and cramd's discovery helper name
# the CXL region (and its memdev), not "-".
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	out=$CRAM_TESTBED/out
	dax=/sys/bus/dax/devices

	case $(readlink -f $dax/dax1.0) in
	*/root0/nvdimm-bridge0/ndbus0/region1/dax1.0/dax1.0) ;;
	*) cram_fail "dax1.0 is not under the nvdimm bridge: $(readlink -f $dax/dax1.0)" ;;
	esac
	[ ! -e /sys/bus/cxl/devices/decoder0.0/mode ] || cram_fail "the root decoder has a mode"

	$CRAMCTL status >"$out" || cram_fail "status failed"
	cram_assert_grep '^dax0\.0  *region0  *1  *offline ' "$out"
	cram_assert_grep '^dax1\.0  *region1  *2  *offline ' "$out"
	$CRAMCTL list -t >"$out" || cram_fail "list -t failed"
	cram_assert_grep '^dax1\.0  *region1  *2  *offline ' "$out"
	$CRAMCTL list --json >"$out" || cram_fail "list --json failed"
	cram_assert_grep '"region": *"region1"' "$out"
	$CRAMCTL list -t --region region1 >"$out" || cram_fail "list --region failed"
	cram_assert_eq "$(wc -l <"$out")" 2 "list --region region1: a header and one row"
	cram_assert_grep '^dax1\.0  *region1 ' "$out"
	$CRAMCTL status region0 >"$out" || cram_fail "status region0 failed"
	cram_assert_eq "$(wc -l <"$out")" 2 "status region0: a header and one row"

	$CRAM_DISCOVER >"$out" 2>"$out.err" || cram_fail "cram-discover failed: $(cat "$out.err")"
	python3 - "$out" <<'PY' || cram_fail "cram-discover does not name the regions: $(cat "$out")"
import json, sys
d = json.load(open(sys.argv[1]))
devs = {c["devname"]: c for c in d["devices"]}
assert devs["dax0.0"]["region"] == "region0", devs
assert devs["dax1.0"]["region"] == "region1", devs
assert devs["dax1.0"]["memdevs"] == "mem1", devs
PY
	exit 0
fi

command -v python3 >/dev/null 2>&1 || cram_skip "needs python3 to check the JSON"
cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --pmem -- sh "$0" --inner
