#!/bin/sh
# cramctl status shows the devices cramd knows of but does not manage,
# each with its reason (issue 11): a claim that failed (the helper's own
# words: memory online as system RAM without claim_system_ram, a region
# that does not exist), a device the operator offlined, one released to
# device_dax, a cram device that [global] devices leaves out, and a
# configured name that matches nothing; in the table and in --json, and
# when named on the command line.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	out=$CRAM_TESTBED/out
	json=$CRAM_TESTBED/status.json
	CRAMD_CONF=$CRAM_TESTBED/cramd.conf
	CRAMD_LOG=$CRAM_TESTBED/cramd.log
	sections='[device dax2.0]\nclaim = yes\n[device region7]\nclaim = yes\n[device dax3.0]\nclaim = yes\n'
	printf "[global]\npoll_interval_ms = 100\n$sections" >"$CRAMD_CONF"
	LD_PRELOAD="$CRAM_SYNC_SYSFS${LD_PRELOAD:+ $LD_PRELOAD}" \
		$CRAMD --config "$CRAMD_CONF" --socket "$CRAMD_SOCKET" 2>>"$CRAMD_LOG" &
	CRAMD_PID=$!
	cram_wait_for 20 grep -q 'ready: managing 3 devices' "$CRAMD_LOG" ||
		cram_fail "cramd did not become ready with 3 devices: $(cat "$CRAMD_LOG")"
	$CRAMCTL offline dax1.0 >/dev/null || cram_fail "offline dax1.0"
	$CRAMCTL offline --release dax3.0 >/dev/null || cram_fail "release dax3.0"

	# --json: rows of cram devices say whether cramd manages them, the
	# others are objects of their own.
	$CRAMCTL status --json >"$json" 2>"$out.err" || cram_fail "status --json: $(cat "$out.err")"
	# has NAME PATTERN...: the object of NAME (one line) matches every PATTERN
	has() {
		_o=$(awk -v name="$1" '/^  \{/ { buf = ""; next }
			/^  \}/ { if (index(buf, "\"device\": \"" name "\",")) print buf; next }
			{ sub(/^ +/, ""); buf = buf $0 " " }' "$json")
		_n=$1
		shift
		for _p in "$@"; do
			printf '%s\n' "$_o" | grep -q -e "$_p" ||
				cram_fail "$_n: '$_p' not in: $_o (of $(cat "$json"))"
		done
	}
	has dax0.0 '"managed": true'
	has dax1.0 '"managed": false' '"why": "offline"' '"reason": "offlined by the operator'
	has dax2.0 '"managed": false' '"why": "claim-failed"' \
		'"reason": "claim failed: dax2.0: online as system RAM (kmem); not taken without --system-ram'
	has region7 '"managed": false' '"why": "claim-failed"' \
		'"reason": "claim failed: region7: no such CXL region; nothing claimed"'
	has dax3.0 '"managed": false' '"why": "released"'

	# The table: a NOT-MANAGED section after the devices.
	$CRAMCTL status >"$out" 2>"$out.err" || cram_fail "status: $(cat "$out.err")"
	cram_assert_grep '^NOT-MANAGED  *WHY  *REASON$' "$out"
	cram_assert_grep '^dax1.0  *offline  *offlined by the operator' "$out"
	cram_assert_grep '^dax3.0  *released  *given back to device_dax' "$out"
	cram_assert_grep '^region7  *claim-failed  *claim failed: region7: no such CXL region' "$out"
	sed -n '/^NOT-MANAGED/,$p' "$out" | grep -q '^dax0.0' && cram_fail "dax0.0 listed as not managed"
	# Named on the command line: a configured name is found.
	$CRAMCTL status region7 >"$out" 2>"$out.err" || cram_fail "status region7: $(cat "$out.err")"
	cram_assert_grep '^region7  *claim-failed' "$out"
	$CRAMCTL status --json region7 >"$json" || cram_fail "status --json region7"
	has region7 '"why": "claim-failed"'
	grep -q dax0.0 "$json" && cram_fail "status region7 lists dax0.0"

	# [global] devices: a cram device it leaves out, a name that matches nothing.
	printf "[global]\npoll_interval_ms = 100\ndevices = dax1.0 region9\n$sections" >"$CRAMD_CONF"
	kill -HUP "$CRAMD_PID"
	cram_wait_for 10 grep -q 'dax0.0: no longer configured' "$CRAMD_LOG"
	cram_wait_for 10 sh -c "$CRAMCTL status --json >'$json' 2>/dev/null && grep -q region9 '$json'"
	has dax0.0 '"why": "not-configured"'
	has region9 '"why": "not-found"'

	# Without cramd: no "managed" key, as before.
	cram_stop_cramd
	$CRAMCTL status --json >"$json" 2>/dev/null
	grep -q '"managed"' "$json" && cram_fail "managed without cramd: $(cat "$json")"
	exit 0
fi

cram_run_testbed --devices 4 --size 268435456 --phys 134217728 \
	--bind cram,cram,kmem-online,device_dax -- sh "$0" --inner
