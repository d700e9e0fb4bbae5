#!/bin/sh
# cramctl list as a table (libsmartcols, as lsmem prints one): -t with the
# default columns (80 columns wide), -o in any case and +LIST,
# --output-all, --noheadings, --raw, --bytes, the node table of -N, the
# filters as in JSON, a filter that matches nothing (a warning, exit 0),
# and the usage errors (a table with --json, with -D and -N, a bad
# column). The JSON output is unchanged (test-cramctl-list.sh), and keeps
# one shape per query where cxl list varies.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev
command -v python3 >/dev/null 2>&1 || cram_skip "needs python3 to check the JSON"

if [ "${1:-}" = --inner ]; then
	out=$CRAM_TESTBED/out

	# the default: JSON, as before
	$CRAMCTL list >"$out" || cram_fail "list failed"
	cram_assert_eq "$(head -c 1 "$out")" "[" "list without a table option prints JSON"

	# -t: the default columns, one row per device, within 80 columns
	$CRAMCTL list -t >"$out" || cram_fail "list -t failed"
	cram_assert_eq "$(head -n 1 "$out" | tr -s ' ')" \
		"DEVICE REGION NODE STATE MODE PHYS-TOTAL PHYS-USED RATIO GATE" "list -t header"
	cram_assert_grep '^dax0\.0  *region0  *1  *offline  *compressed  *128M  *0B  *-  *open$' "$out"
	cram_assert_eq "$(wc -l <"$out")" 3 "list -t: a header and two rows"
	cram_assert_fits 80 "$out"
	COLUMNS=80 $CRAMCTL list -t >"$out" || cram_fail "COLUMNS=80 list -t failed"
	cram_assert_fits 80 "$out"
	$CRAMCTL list --output-all >"$out" || cram_fail "list --output-all failed"
	cram_assert_eq "$(head -n 1 "$out" | tr -s ' ')" \
		"DEVICE REGION NODE STATE MODE PHYS-TOTAL PHYS-USED LOGICAL RATIO HEADROOM GATE" \
		"--output-all header"

	# -o implies the table; any case, in its order; +LIST adds; --bytes
	$CRAMCTL list -o device,Gate,STATE >"$out" || cram_fail "list -o failed"
	cram_assert_eq "$(head -n 1 "$out" | tr -s ' ')" "DEVICE GATE STATE" "list -o header"
	$CRAMCTL list -o +logical >"$out" || cram_fail "list -o +logical failed"
	cram_assert_grep '^DEVICE .* GATE  *LOGICAL$' "$out"
	$CRAMCTL list --bytes -o DEVICE,PHYS-TOTAL,HEADROOM -d dax1.0 >"$out" || cram_fail "list --bytes failed"
	cram_assert_grep '^dax1\.0  *134217728  *134217728$' "$out"

	# --noheadings, --raw (no short letters: -n and -r are --node and --region)
	$CRAMCTL list --noheadings >"$out" || cram_fail "list --noheadings failed"
	cram_assert_eq "$(wc -l <"$out")" 2 "--noheadings: two rows"
	grep -q DEVICE "$out" && cram_fail "--noheadings printed the header"
	$CRAMCTL list --raw -o DEVICE,REGION,NODE,STATE -n 2 >"$out" || cram_fail "list --raw failed"
	cram_assert_eq "$(cat "$out")" "DEVICE REGION NODE STATE
dax1.0 region1 2 offline" "--raw with -n 2"

	# the filters work as in JSON
	$CRAMCTL list -t -r region0 -s offline -m compressed >"$out" || cram_fail "filtered table failed"
	cram_assert_eq "$(sed 1d "$out" | cut -d' ' -f1)" dax0.0 "filtered table rows"
	$CRAMCTL list -t -d dax9.0 >"$out" 2>"$out.err" || cram_fail "no match: exit status $?"
	cram_assert_grep '^cramctl: warning: no device matches the filters$' "$out.err"
	grep -q dax "$out" && cram_fail "a table of no match has rows"

	# the node table
	$CRAMCTL list -N -t >"$out" || cram_fail "list -N -t failed"
	cram_assert_eq "$(head -n 1 "$out" | tr -s ' ')" "NODE PRIVATE KIND SIZE FREE" "node table header"
	cram_assert_grep '^ *0  *no  *ordinary  *[0-9.]*[KMGT]  *[0-9.]*[KMGT]$' "$out"
	cram_assert_fits 80 "$out"
	$CRAMCTL list -N --raw --noheadings --bytes -o node,size >"$out" || cram_fail "node --raw failed"
	size=$($CRAMCTL list -N | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["size"])')
	cram_assert_eq "$(cat "$out")" "0 $size" "node size in bytes, as in JSON"
	$CRAMCTL list -N -n 7 --noheadings >"$out" 2>"$out.err" || cram_fail "no node: exit status $?"
	cram_assert_grep 'no node matches' "$out.err"

	# JSON in the shapes of `cxl list` (cramctl(8), JSON and cxl list): one
	# object alone with -u, sizes under 5000 KiB stay numbers with -u, and
	# -D -N names its arrays only when both kinds have results
	$CRAMCTL list -u -d dax0.0 >"$out" || cram_fail "list -u -d dax0.0 failed"
	python3 - "$out" <<'PY' || cram_fail "list -u of one device: $(cat "$out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert isinstance(d, dict) and d["device"] == "dax0.0", d
assert d["phys_used"] == 0 and d["phys_capacity"] == "128.00 MiB (134.22 MB)", d
PY
	$CRAMCTL list -d dax0.0 >"$out" || cram_fail "list -d dax0.0 failed"
	python3 - "$out" <<'PY' || cram_fail "list of one device without -u: $(cat "$out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert isinstance(d, list) and len(d) == 1 and d[0]["phys_capacity"] == 134217728, d
PY
	$CRAMCTL list -u >"$out" || cram_fail "list -u failed"
	python3 - "$out" <<'PY' || cram_fail "list -u of two devices: $(cat "$out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert isinstance(d, list) and len(d) == 2, d
PY
	$CRAMCTL list -D -N -d dax9.0 >"$out" 2>"$out.err" || cram_fail "list -D -N -d dax9.0 failed"
	python3 - "$out" <<'PY' || cram_fail "list -D -N with no device: $(cat "$out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert isinstance(d, list) and len(d) >= 1 and all("node" in n for n in d), d
PY
	$CRAMCTL list -D -N -d dax0.0 >"$out" || cram_fail "list -D -N -d dax0.0 failed"
	python3 - "$out" <<'PY' || cram_fail "list -D -N with both kinds: $(cat "$out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert isinstance(d, list) and len(d) == 2, d
assert list(d[0]) == ["devices"] and d[0]["devices"][0]["device"] == "dax0.0", d
assert list(d[1]) == ["nodes"] and len(d[1]["nodes"]) >= 1, d
PY

	# usage errors: exit 2, a message, no table
	for bad in "-t -j" "-o DEVICE --json" "-t -D -N" "-o bogus" "-N -o DEVICE" \
		"-o DEVICE,device" "--output-all -o DEVICE"; do
		# shellcheck disable=SC2086 # split on purpose
		$CRAMCTL list $bad >"$out" 2>"$out.err"
		cram_assert_eq $? 2 "exit status of 'list $bad'"
		[ -s "$out" ] && cram_fail "'list $bad' printed: $(cat "$out")"
		[ -s "$out.err" ] || cram_fail "no message for 'list $bad'"
	done
	$CRAMCTL list -N -o DEVICE 2>"$out.err"
	cram_assert_grep "unknown column 'DEVICE'" "$out.err"
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --tick-ms 20 -- sh "$0" --inner
