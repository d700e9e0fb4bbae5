#!/bin/sh
# cramctl list: JSON objects with ndctl-style filters (OR within an
# option, AND across options), nodes with their private flag, bad filters.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	out=$CRAM_TESTBED/out
	echo online >/sys/bus/dax/devices/dax1.0/cram/state
	cram_wait_for 5 grep -qx 2 /sys/devices/system/node/has_private_memory

	# count ARGS...: how many devices `cramctl list ARGS` prints.
	count() {
		$CRAMCTL list "$@" >"$out" || cram_fail "cramctl list $* failed"
		grep -c '"device":' "$out"
	}
	cram_assert_eq "$(count)" 2 "all devices"
	cram_assert_eq "$(count -d dax0.0 -d dax1.0)" 2 "OR within --device"
	cram_assert_eq "$(count -d dax0.0 -s online)" 0 "AND across --device and --state"
	cram_assert_eq "$(tr -d ' \n' <"$out")" "[]" "nothing matched: an empty array"
	cram_assert_eq "$(count -s online)" 1 "--state online"
	cram_assert_grep '"device": "dax1.0"' "$out"
	cram_assert_eq "$(count -r region1 -r region0 -s offline)" 1 "regions ORed, state ANDed"
	cram_assert_grep '"device": "dax0.0"' "$out"
	cram_assert_eq "$(count -n 2)" 1 "--node"
	cram_assert_eq "$(count --device dax9.0)" 0 "unknown device matches nothing"

	$CRAMCTL list -N >"$out" || cram_fail "list -N failed"
	cram_assert_grep '"node": 0' "$out"
	tr -d '\n ' <"$out" | grep -q '"node":2,"private":true' || cram_fail "node 2 not private: $(cat "$out")"
	tr -d '\n ' <"$out" | grep -q '"node":0,"private":false' || cram_fail "node 0 private: $(cat "$out")"
	$CRAMCTL list -D -N -n 2 -u >"$out" || cram_fail "list -D -N failed"
	cram_assert_grep '"devices": \[' "$out"
	cram_assert_grep '"nodes": \[' "$out"
	cram_assert_grep '"phys_capacity": "' "$out"

	for bad in "-n abc" "-n -1" "-n +1" "-n 01" "-n 1024" "-s sleepy" "--bogus" "extra"; do
		# shellcheck disable=SC2086 # split on purpose
		$CRAMCTL list $bad >/dev/null 2>"$out.err"
		cram_assert_eq $? 2 "exit status for 'list $bad'"
		[ -s "$out.err" ] || cram_fail "no message for 'list $bad'"
	done
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --tick-ms 20 \
	-- sh "$0" --inner
