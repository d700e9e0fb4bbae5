#!/bin/sh
# cramctl status against the testbed: table, --json, filters, human units,
# and unreadable attributes shown as "-" with exit status 1.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	out=$CRAM_TESTBED/out
	dev=/sys/bus/dax/devices

	# The default columns (LOGICAL and HEADROOM left to -o, REASON added:
	# 80 columns); the columns of old with -o.
	$CRAMCTL status >"$out" || cram_fail "status failed"
	cram_assert_grep '^DEVICE  *REGION  *NODE  *STATE  *MODE  *PHYS-TOTAL  *PHYS-USED  *RATIO  *GATE  *REASON$' "$out"
	cram_assert_grep '^dax0\.0  *region0  *1  *offline ' "$out"
	cram_assert_grep '^dax1\.0  *region1  *2  *offline ' "$out"
	cram_assert_eq "$(wc -l <"$out")" 3 "one header and two rows"
	old=DEVICE,REGION,NODE,STATE,MODE,PHYS-TOTAL,PHYS-USED,LOGICAL,RATIO,HEADROOM,GATE
	$CRAMCTL status -o $old >"$out" || cram_fail "status -o failed"
	cram_assert_grep '^DEVICE  *REGION  *NODE  *STATE  *MODE  *PHYS-TOTAL  *PHYS-USED  *LOGICAL  *RATIO  *HEADROOM  *GATE$' "$out"
	cram_assert_grep '^dax0\.0  *region0  *1  *offline ' "$out"
	cram_assert_grep '^dax1\.0  *region1  *2  *offline ' "$out"
	cram_assert_eq "$(wc -l <"$out")" 3 "one header and two rows"

	$CRAMCTL status --json >"$out" || cram_fail "status --json failed"
	cram_assert_grep '"device": "dax0.0"' "$out"
	cram_assert_grep '"region": "region1"' "$out"
	cram_assert_grep '"phys_capacity": 134217728' "$out"
	cram_assert_grep '"state": "offline"' "$out"
	cram_assert_grep '"gate": "open"' "$out"
	head -n 1 "$out" | grep -q '^\[' || cram_fail "JSON output is not an array"

	$CRAMCTL status --json -u dax1.0 >"$out" || cram_fail "status --json -u failed"
	cram_assert_grep '"phys_capacity": "128.00 MiB (134.22 MB)"' "$out"
	grep -q dax0.0 "$out" && cram_fail "filter dax1.0 also printed dax0.0"
	head -n 1 "$out" | grep -q '^{' || cram_fail "one device with -u is not an object, as in cxl list -u"

	$CRAMCTL status region0 >"$out" || cram_fail "status region0 failed"
	cram_assert_eq "$(wc -l <"$out")" 2 "region filter keeps one row"

	echo online >$dev/dax0.0/cram/state
	cram_wait_for 5 sh -c "$CRAMCTL status dax0.0 | grep -q ' online '"
	cram_wait_for 5 sh -c "$CRAMCTL status --bytes dax0.0 | grep -Eq ' [1-9][0-9]+ +[0-9.]+ '"

	if $CRAMCTL status dax9.0 >"$out" 2>"$out.err"; then
		cram_fail "unknown device accepted"
	fi
	cram_assert_grep "no cram device or region named 'dax9.0'" "$out.err"

	cram_fk_ctl "freeze dax1.0"
	echo "12 junk" >$dev/dax1.0/cram/stat
	if $CRAMCTL status -o $old >"$out" 2>"$out.err"; then
		cram_fail "garbage telemetry gave exit status 0"
	fi
	cram_assert_grep '^dax1\.0  *region1  *2  *offline  *compressed  *-  *-  *-  *-  *-' "$out"
	# By default the row says why its numbers are missing.
	$CRAMCTL status >"$out" 2>/dev/null
	cram_assert_grep '^dax1\.0  *region1  *2  *offline  *compressed  *-  *-  *-  *open  *cannot read cram/stat: ' "$out"
	cram_assert_grep 'dax1.0.*cram/stat' "$out.err"

	$CRAMCTL status --bogus >/dev/null 2>&1
	cram_assert_eq $? 2 "unknown option is a usage error"
	$CRAMCTL frobnicate >/dev/null 2>&1
	cram_assert_eq $? 2 "unknown command is a usage error"
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --tick-ms 20 \
	-- sh "$0" --inner
