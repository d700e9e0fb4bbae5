#!/bin/sh
# The habits of util-linux and ndctl (issue 15): status's libsmartcols
# table (-o in any case, +LIST, --output-all, -n, -r, an unknown column,
# 80 columns), comma lists and repeated filters, a filter that matches
# nothing ([] and a warning, exit 0), cramctl help, keys left out rather
# than null, and a degraded device shown as degraded with its reason.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	out=$CRAM_TESTBED/out
	dev=/sys/bus/dax/devices

	# -o: the columns named, in their order, any case.
	$CRAMCTL status -o device,Gate,STATE >"$out" || cram_fail "status -o failed"
	cram_assert_eq "$(head -n 1 "$out" | tr -s ' ')" "DEVICE GATE STATE" "-o header"
	cram_assert_grep '^dax0\.0  *open  *offline$' "$out"
	$CRAMCTL status -o +LOGICAL >"$out" || cram_fail "status -o +LOGICAL failed"
	cram_assert_grep '^DEVICE  *REGION .* REASON  *LOGICAL$' "$out"
	$CRAMCTL status --output-all >"$out" || cram_fail "status --output-all failed"
	cram_assert_eq "$(head -n 1 "$out" | tr -s ' ')" \
		"DEVICE REGION NODE STATE MODE PHYS-TOTAL PHYS-USED LOGICAL RATIO HEADROOM GATE MANAGED REASON" \
		"--output-all header"
	$CRAMCTL status -n >"$out" || cram_fail "status -n failed"
	cram_assert_eq "$(wc -l <"$out")" 2 "-n: two rows, no header"
	grep -q DEVICE "$out" && cram_fail "-n printed the header"
	$CRAMCTL status -r -o DEVICE,REGION,NODE,STATE >"$out" || cram_fail "status -r failed"
	cram_assert_eq "$(sed -n 2p "$out")" "dax0.0 region0 1 offline" "-r row"
	cram_assert_eq "$(sed -n 1p "$out")" "DEVICE REGION NODE STATE" "-r header"

	for bad in "-o DEVICE,BOGUS" "-o device,DEVICE" "-o ," "-o DEVICE --output-all"; do
		# shellcheck disable=SC2086 # split on purpose
		$CRAMCTL status $bad >"$out" 2>"$out.err"
		cram_assert_eq $? 2 "exit status of 'status $bad'"
		[ -s "$out" ] && cram_fail "'status $bad' printed a table"
		[ -s "$out.err" ] || cram_fail "no message for 'status $bad'"
	done
	$CRAMCTL status -o DEVICE,BOGUS 2>"$out.err"
	cram_assert_grep "unknown column 'BOGUS'" "$out.err"

	# The default columns fit 80 columns, on a terminal of 80 and in a pipe.
	$CRAMCTL status >"$out" || cram_fail "status failed"
	cram_assert_fits 80 "$out"
	COLUMNS=80 $CRAMCTL status >"$out" || cram_fail "COLUMNS=80 status failed"
	cram_assert_fits 80 "$out"

	# Keys that cannot be read are left out, not null (nothing stored: no ratio).
	$CRAMCTL status --json >"$out" || cram_fail "status --json failed"
	grep -q null "$out" && cram_fail "status --json gives null: $(cat "$out")"
	$CRAMCTL list -D -N >"$out" || cram_fail "list -D -N failed"
	grep -q null "$out" && cram_fail "list gives null: $(cat "$out")"

	# Comma lists, and repeated options, as ndctl takes them.
	$CRAMCTL status -n dax0.0,dax1.0 >"$out" || cram_fail "status dax0.0,dax1.0 failed"
	cram_assert_eq "$(wc -l <"$out")" 2 "status with a comma list"
	$CRAMCTL status -n dax1.0,region0 >"$out" || cram_fail "status dax1.0,region0 failed"
	cram_assert_eq "$(wc -l <"$out")" 2 "status with a device and a region"
	$CRAMCTL status dax0.0,dax9.0 >"$out" 2>"$out.err" && cram_fail "status dax9.0 accepted"
	cram_assert_grep "no cram device or region named 'dax9.0'" "$out.err"
	$CRAMCTL status dax0.0, >"$out" 2>"$out.err" && cram_fail "status 'dax0.0,' accepted"
	cram_assert_grep "no cram device or region named ''" "$out.err"
	count() {
		$CRAMCTL list "$@" >"$out" 2>"$out.err" || cram_fail "cramctl list $* failed"
		grep -c '"device":' "$out"
	}
	cram_assert_eq "$(count -d dax0.0,dax1.0)" 2 "-d with a comma list"
	cram_assert_eq "$(count -d dax0.0,dax9.0 -d dax1.0)" 2 "comma list and repeated -d"
	cram_assert_eq "$(count -r region1,region0 -n 2)" 1 "regions ORed, node ANDed"
	cram_assert_eq "$(count -n 1,2 -s offline,online -m compressed)" 2 "lists in every filter"
	[ -s "$out.err" ] && cram_fail "a warning when the filters match: $(cat "$out.err")"
	for bad in "-d dax0.0," "-d ,dax0.0" "-d dax0.0,,dax1.0" "-n 1,abc" "-s online,sleepy" \
		"-m compressed,bogus"; do
		# shellcheck disable=SC2086 # split on purpose
		$CRAMCTL list $bad >/dev/null 2>"$out.err"
		cram_assert_eq $? 2 "exit status for 'list $bad'"
		[ -s "$out.err" ] || cram_fail "no message for 'list $bad'"
	done

	# A filter that matches nothing: [], a warning, exit 0.
	$CRAMCTL list -d dax9.0,dax8.0 >"$out" 2>"$out.err" || cram_fail "no match: exit status $?"
	cram_assert_eq "$(tr -d ' \n' <"$out")" "[]" "no match prints []"
	cram_assert_grep '^cramctl: warning: no device matches the filters$' "$out.err"
	$CRAMCTL list -N -n 7 >"$out" 2>"$out.err" || cram_fail "no node: exit status $?"
	cram_assert_eq "$(tr -d ' \n' <"$out")" "[]" "no node prints []"
	cram_assert_grep 'no node matches' "$out.err"
	$CRAMCTL list >"$out" 2>"$out.err" || cram_fail "list failed"
	[ -s "$out.err" ] && cram_fail "list without filters warns: $(cat "$out.err")"

	# help, and full usage.
	$CRAMCTL help >"$out" || cram_fail "cramctl help failed"
	cram_assert_grep '^  status ' "$out"
	cram_assert_grep '^  help ' "$out"
	$CRAMCTL help status >"$out" || cram_fail "cramctl help status failed"
	$CRAMCTL status --help >"$out.2" || cram_fail "cramctl status --help failed"
	cmp -s "$out" "$out.2" || cram_fail "help status differs from status --help"
	cram_assert_grep '^Available output columns' "$out"
	cram_assert_grep '^ \*REASON  *why ' "$out"
	cram_assert_grep '^  -o, --output LIST' "$out"
	$CRAMCTL help list >"$out" || cram_fail "cramctl help list failed"
	cram_assert_grep '^  -d, --device DEV' "$out"
	$CRAMCTL help help >/dev/null || cram_fail "cramctl help help failed"
	$CRAMCTL help bogus >/dev/null 2>&1
	cram_assert_eq $? 2 "help of an unknown command"

	# A degraded device: cramd's state and reason, not only - and closed.
	cram_start_cramd '[global]\npoll_interval_ms = 100\n'
	cram_wait_for 10 grep -qx online $dev/dax0.0/cram/state
	cram_wait_for 10 grep -qx online $dev/dax1.0/cram/state
	cram_fk_ctl "freeze dax0.0"
	echo "1 2 3" >$dev/dax0.0/cram/stat
	# at the device's next pass: up to max_sleep_ms (10 s) away
	cram_wait_for 15 grep -q 'dax0.0: degraded' "$CRAMD_LOG"
	cram_wait_for 5 grep -qx 1 $dev/dax0.0/cram/no_alloc
	$CRAMCTL status >"$out" 2>"$out.err" && cram_fail "unreadable telemetry gave exit status 0"
	cram_assert_grep '^dax0\.0  *region0  *1  *degraded  *compressed  *-  *-  *-  *closed  *telemetry invalid: cannot read cram/stat: ' "$out"
	cram_assert_grep '^dax1\.0  *region1  *2  *online  *compressed .* open$' "$out"
	# REASON gives way: truncated to fit 80 columns, whole in 200.
	COLUMNS=80 $CRAMCTL status >"$out" 2>/dev/null
	cram_assert_fits 80 "$out"
	cram_assert_grep '^dax0\.0 .* degraded .* closed  *tele' "$out"
	COLUMNS=200 $CRAMCTL status >"$out" 2>/dev/null
	cram_assert_grep '^dax0\.0 .* degraded .* closed  *telemetry invalid: cannot read cram/stat: ' "$out"
	$CRAMCTL status -r -o DEVICE,STATE,REASON dax0.0 >"$out" 2>/dev/null
	cram_assert_grep '^dax0\.0 degraded telemetry\\x20invalid:\\x20cannot\\x20read\\x20cram/stat' "$out"
	$CRAMCTL status --json >"$out" 2>/dev/null
	tr -d '\n' <"$out" | grep -q '"device": "dax0.0",[^}]*"degraded": true, *"reason": "telemetry invalid: cannot read cram/stat' ||
		cram_fail "status --json: dax0.0 not degraded with its reason: $(cat "$out")"
	tr -d '\n' <"$out" | grep -q '"device": "dax1.0",[^}]*"degraded": false' ||
		cram_fail "status --json: dax1.0 not degraded false: $(cat "$out")"
	grep -q null "$out" && cram_fail "status --json gives null: $(cat "$out")"
	cram_stop_cramd
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --tick-ms 20 \
	-- sh "$0" --inner
