#!/bin/sh
# cramctl dump's table takes the options of status's (libsmartcols): -o
# in any case, +LIST, --output-all, -n, -r, an unknown column refused;
# --json prints the decisions as before and excludes the table options.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	out=$CRAM_TESTBED/out
	cram_start_cramd '[global]\npoll_interval_ms = 100\n'
	cram_wait_for 10 grep -qx online /sys/bus/dax/devices/dax1.0/cram/state
	cram_wait_for 10 sh -c "$CRAMCTL dump -n -o device | grep -q dax1.0"

	# the default: TIME DEVICE ACTION REASON, one row per decision
	$CRAMCTL dump >"$out" || cram_fail "dump failed"
	cram_assert_eq "$(head -n 1 "$out" | tr -s ' ')" "TIME DEVICE ACTION REASON" "dump header"
	$CRAMCTL dump --json >"$out.json" || cram_fail "dump --json failed"
	n=$(grep -c '"action":' "$out.json")
	[ "$n" -ge 2 ] || cram_fail "fewer than 2 decisions: $(cat "$out.json")"
	# cramd may decide again between two dumps: the rows lie between the
	# decisions of a JSON dump before and one after, and none is a header
	$CRAMCTL dump --noheadings -o DEVICE >"$out" || cram_fail "dump -o DEVICE failed"
	n2=$($CRAMCTL dump --json | grep -c '"action":')
	rows=$(grep -c . "$out")
	[ "$rows" -ge "$n" ] && [ "$rows" -le "$n2" ] ||
		cram_fail "dump -n: $rows rows, not one per decision ($n before, $n2 after)"
	cram_assert_grep '^dax[01]\.0$' "$out"
	if grep -qv '^dax[01]\.0$' "$out"; then
		cram_fail "dump -n: a row that is not a device: $(grep -v '^dax[01]\.0$' "$out" | head -n 1)"
	fi
	# -o: in its order, any case; --output-all; -r
	$CRAMCTL dump -o action,Time >"$out" || cram_fail "dump -o failed"
	cram_assert_eq "$(head -n 1 "$out" | tr -s ' ')" "ACTION TIME" "dump -o header"
	cram_assert_grep '^[a-z-]*  *20[0-9-]*T[0-9:]*Z$' "$out"
	$CRAMCTL dump --output-all -n >"$out" || cram_fail "dump --output-all failed"
	$CRAMCTL dump -r -o TIME,DEVICE,REASON >"$out" || cram_fail "dump -r failed"
	cram_assert_grep '^20[0-9-]*T[0-9:]*Z dax[01]\.0 [^ ]*\\x20' "$out"
	# the JSON is cramd's decisions, as before
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert isinstance(d, list) and all(set(e) == {"time","device","action","reason"} for e in d)' "$out.json" ||
		cram_fail "dump --json is not an array of decisions"

	for bad in "-o BOGUS" "-o time,TIME" "-j -o TIME" "--json -n" "-o TIME --output-all" "extra"; do
		# shellcheck disable=SC2086 # split on purpose
		$CRAMCTL dump $bad >"$out" 2>"$out.err"
		cram_assert_eq $? 2 "exit status of 'dump $bad'"
		[ -s "$out" ] && cram_fail "'dump $bad' printed: $(cat "$out")"
		[ -s "$out.err" ] || cram_fail "no message for 'dump $bad'"
	done
	$CRAMCTL dump -o BOGUS 2>"$out.err"
	cram_assert_grep "unknown column 'BOGUS'" "$out.err"
	$CRAMCTL help dump >"$out" || cram_fail "help dump failed"
	cram_assert_grep '^Available output columns' "$out"
	cram_stop_cramd

	# without cramd: the usual exit status 3, options checked first
	$CRAMCTL dump -o BOGUS >/dev/null 2>&1
	cram_assert_eq $? 2 "a bad column without cramd"
	$CRAMCTL dump -n >/dev/null 2>&1
	cram_assert_eq $? 3 "dump without cramd"
	exit 0
fi

cram_run_testbed --devices 2 --tick-ms 20 -- sh "$0" --inner
