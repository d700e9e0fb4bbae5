#!/bin/sh
# cramd's discovery runs in the cram-discover helper ($CRAMD_DISCOVER).
# The helper prints a versioned JSON list. A first discovery that fails
# (missing helper) stops cramd with a clear message and status 1; a later
# one that fails (helper missing, exit 1, a signal, garbage, a malformed
# field, a hang past the 10 s timeout) is logged clearly, and cramd keeps
# running and keeps its devices; a working helper then discovers again.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	dev=/sys/bus/dax/devices
	real=$CRAMD_DISCOVER

	# The helper on its own (under $CRAM_TEST_WRAPPER): the JSON list.
	$CRAM_DISCOVER >"$CRAM_TESTBED/list.json" 2>"$CRAM_TESTBED/list.err" ||
		cram_fail "cram-discover failed: $(cat "$CRAM_TESTBED/list.err")"
	cram_assert_grep '"format": "cram-discover"' "$CRAM_TESTBED/list.json"
	cram_assert_grep '"version": 1' "$CRAM_TESTBED/list.json"
	cram_assert_grep '"devname": "dax1.0"' "$CRAM_TESTBED/list.json"
	cram_assert_grep '"region": "region1"' "$CRAM_TESTBED/list.json"
	$CRAM_DISCOVER --bogus >/dev/null 2>&1
	cram_assert_eq $? 2 "cram-discover exit status on bad usage"

	# No helper at start: cramd stops, saying which program is missing.
	CRAMD_DISCOVER=$CRAM_TESTBED/no-such-helper
	cram_start_cramd '[global]\npoll_interval_ms = 100\ndevices = all\n'
	wait "$CRAMD_PID"
	cram_assert_eq $? 1 "cramd exit status without its helper"
	cram_assert_grep "discovery: cannot run $CRAM_TESTBED/no-such-helper: No such file or directory" \
		"$CRAMD_LOG"
	cram_assert_grep 'fatal:' "$CRAMD_LOG"
	cram_assert_eq "$(cat $dev/dax0.0/cram/state)" offline "nothing onlined without discovery"
	: >"$CRAMD_LOG"

	# A helper whose behaviour the test switches with a mode file.
	helper=$CRAM_TESTBED/discover.sh
	mode=$CRAM_TESTBED/discover.mode
	cat >"$helper" <<-SCRIPT
	#!/bin/sh
	case \$(cat "$mode") in
	ok) exec "$real" "\$@" ;;
	exit1) echo '<3>simulated failure' >&2; echo 'not a priority line' >&2; exit 1 ;;
	signal) kill -SEGV \$\$ ;;
	garbage) echo 'this is not JSON' ;;
	badnode) echo '{"format":"cram-discover","version":1,"cxl_regions":0,"devices":[{"devname":"dax0.0","region":"","node":"x","memdevs":"","serial":null}]}' ;;
	version9) echo '{"format":"cram-discover","version":9,"devices":[]}' ;;
	hang) exec sleep 60 ;;
	esac
	SCRIPT
	chmod +x "$helper"
	echo ok >"$mode"
	CRAMD_DISCOVER=$helper
	cram_start_cramd '[global]\npoll_interval_ms = 100\ndevices = all\n'
	cram_wait_for 10 grep -qx online $dev/dax0.0/cram/state
	cram_wait_for 10 grep -qx online $dev/dax1.0/cram/state
	cram_wait_for 5 grep -q 'ready:' "$CRAMD_LOG"
	cram_assert_grep 'found dax1.0: region region1, node [0-9]*, memdev mem1, serial 0x' "$CRAMD_LOG"
	cram_assert_grep 'discovery: 2 cram devices, 2 CXL regions' "$CRAMD_LOG"

	# reload_fails PATTERN: a reload's discovery fails with a log line
	# matching PATTERN; cramd runs on and manages both devices.
	reload_fails() {
		kill -HUP "$CRAMD_PID"
		cram_wait_for "${2:-10}" grep -q -e "$1" "$CRAMD_LOG"
		sleep 0.3
		kill -0 "$CRAMD_PID" || cram_fail "cramd died after: $1"
		$CRAMCTL status >"$CRAM_TESTBED/status" 2>&1 ||
			cram_fail "cramctl status failed after: $1"
		cram_assert_grep dax0.0 "$CRAM_TESTBED/status"
		cram_assert_grep dax1.0 "$CRAM_TESTBED/status"
		if grep -q 'no longer managed' "$CRAMD_LOG"; then
			cram_fail "a device was dropped after: $1"
		fi
	}

	mv "$helper" "$helper.away"
	reload_fails "discovery: cannot run $helper: No such file or directory"
	mv "$helper.away" "$helper"
	echo exit1 >"$mode"
	reload_fails "discovery: $helper failed with exit status 1"
	cram_assert_grep 'cram-discover: simulated failure' "$CRAMD_LOG"
	cram_assert_grep 'cram-discover: not a priority line' "$CRAMD_LOG"
	echo signal >"$mode"
	reload_fails "discovery: $helper was killed by signal 11"
	echo garbage >"$mode"
	reload_fails "discovery: malformed output from $helper: not JSON"
	echo badnode >"$mode"
	reload_fails "malformed output from $helper: devices\[0\]\.node: expected int, got string"
	echo version9 >"$mode"
	reload_fails "malformed output from $helper: version 9 is not supported (expected 1)"
	echo hang >"$mode"
	reload_fails "discovery: $helper did not finish within 10 s; killed" 30

	# The helper works again: the next discovery succeeds.
	echo ok >"$mode"
	n=$(grep -c 'discovery: 2 cram devices' "$CRAMD_LOG")
	kill -HUP "$CRAMD_PID"
	cram_wait_for 10 sh -c "[ \$(grep -c 'discovery: 2 cram devices' '$CRAMD_LOG') -gt $n ]"
	cram_stop_cramd
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --tick-ms 20 \
	-- sh "$0" --inner
