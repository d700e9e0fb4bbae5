#!/bin/sh
# Adversary: hostile requests and lost replies (#16 items 6 to 10).
# - \u0000 in a device name or a verb is refused, and nothing is done;
# - a key given twice is refused (json-c alone keeps the last one);
# - a verb with an escaped newline or ESC cannot forge a log line;
# - every reply, and the log, stay valid UTF-8 whatever the request;
# - cramctl reads the real reason when cramd refuses before reading the
#   whole request: "request longer than 4096 bytes", or "busy", never
#   "Broken pipe";
# - a client that goes away while its offline is pending costs nothing:
#   the offline completes, its reply is dropped, cramd keeps serving.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

utf8_ok() { iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1; }

if [ "${1:-}" = --inner ]; then
	dev=/sys/bus/dax/devices
	send=$top_builddir/tests/harness/helpers/send-request
	hold=$top_builddir/tests/harness/helpers/hold-connections
	preload=$top_builddir/tests/harness/helpers/.libs/libpin-offline.so
	pins=$CRAM_TESTBED/pins
	out=$CRAM_TESTBED/out
	mkdir -p "$pins"
	[ -e "$preload" ] || cram_fail "$preload is not built"

	CRAMD_LOG=$CRAM_TESTBED/cramd.log
	printf '[global]\npoll_interval_ms = 100\noffline_timeout_ms = 2000\n' >"$CRAM_TESTBED/cramd.conf"
	LD_PRELOAD="$preload${LD_PRELOAD:+:$LD_PRELOAD}" CRAM_PIN_DIR=$pins \
		$CRAMD --config "$CRAM_TESTBED/cramd.conf" --socket "$CRAMD_SOCKET" 2>>"$CRAMD_LOG" &
	CRAMD_PID=$!
	cram_wait_for 10 grep -q 'ready: managing 2 devices' "$CRAMD_LOG"

	# Item 7: NUL after decoding.
	"$send" "$CRAMD_SOCKET" '{"command":"offline","device":"dax1.0\\u0000../../junk"}\n' >"$out"
	cram_assert_grep '"ok":false,"error":"NUL (\\\\u0000) in a string"' "$out"
	"$send" "$CRAMD_SOCKET" '{"command":"dump\\u0000junk"}\n' >"$out"
	cram_assert_grep '"ok":false,"error":"NUL' "$out"
	"$send" "$CRAMD_SOCKET" '{"command":"pause","device\\u0000":"x"}\n' >"$out"
	cram_assert_grep '"ok":false,"error":"NUL' "$out"
	sleep 0.3
	cram_assert_eq "$(cat $dev/dax1.0/cram/state)" online "dax1.0 was not offlined"

	# Item 8: duplicate keys, plain or escaped, at any level.
	for req in '{"command":"status","command":"pause"}\n' \
		'{"command":"status","comm\\u0061nd":"pause"}\n' \
		'{"command":"offline","device":"dax0.0","device":"dax1.0"}\n'; do
		"$send" "$CRAMD_SOCKET" "$req" >"$out" || cram_fail "no reply to $req"
		cram_assert_grep '"ok":false,"error":"duplicate key' "$out"
	done
	"$send" "$CRAMD_SOCKET" '{"command":"status"}\n' >"$out"
	cram_assert_grep '"paused":false' "$out"
	cram_assert_eq "$(cat $dev/dax1.0/cram/state)" online "dax1.0 still online"

	# Item 9: no forged log line; control characters are escaped.
	"$send" "$CRAMD_SOCKET" '{"command":"x\\nFORGED: cramd: gate opened\\r\\u001b[2J"}\n' >"$out"
	cram_assert_grep '"ok":false,"error":"unknown command \\"x\\\\nFORGED' "$out"
	cram_wait_for 5 grep -q 'unknown command "x\\nFORGED: cramd: gate opened\\r\\x1b\[2J"' "$CRAMD_LOG"
	grep -q '^FORGED' "$CRAMD_LOG" && cram_fail "a request forged a log line"
	grep -q "$(printf '\033')" "$CRAMD_LOG" && cram_fail "an ESC reached the log"

	# Item 10: replies are valid UTF-8, whatever came in.
	long=$(printf '\\xc3\\xa9%.0s' $(seq 60))
	for req in '{"command":"\xc0\xaf"}\n' '{"command":"\xed\xa0\x80"}\n' \
		'{"command":"\\ud800"}\n' '{"command":"\\udfff\\ud800"}\n' \
		'{"command":"\xf4\x90\x80\x80"}\n' '{"command":"\xff\xfe"}\n' \
		"{\"command\":\"$long\"}\\n" "{\"command\":\"online\",\"device\":\"$long\"}\\n" \
		"{\"command\":\"status\",\"$long\":1}\\n" \
		'{"command":"\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00"}\n'; do
		"$send" "$CRAMD_SOCKET" "$req" >"$out" || cram_fail "no reply to $req"
		cram_assert_grep '"ok":false,"error":' "$out"
		utf8_ok "$out" || cram_fail "reply to $req is not UTF-8: $(od -c "$out" | head -5)"
	done
	utf8_ok "$CRAMD_LOG" || cram_fail "cramd's log is not valid UTF-8"

	# Item 6: cramctl reads the reason of a refusal it could not finish sending.
	big=$(head -c 6000 /dev/zero | tr '\0' 'd')
	for _ in 1 2 3 4 5; do
		$CRAMCTL online "$big" >"$out" 2>"$out.err"
		cram_assert_eq $? 1 "exit status of an over-long request"
		cram_assert_grep 'online: cramd refused: request longer than 4096 bytes' "$out.err"
	done
	# Busy: root's own connections fill every slot (root has no per-uid limit).
	"$hold" "$CRAMD_SOCKET" 16 8 >"$out.hold" &
	holder=$!
	cram_wait_for 10 grep -qx holding "$out.hold"
	busy=0
	for _ in 1 2 3 4 5; do
		if ! $CRAMCTL dump >"$out" 2>"$out.err"; then
			cram_assert_grep 'dump: cramd refused: busy: too many connections' "$out.err"
			busy=$((busy + 1))
		fi
	done
	kill "$holder"
	wait "$holder" 2>/dev/null
	[ $busy -gt 0 ] || cram_fail "cramd was never busy (test premise)"
	cram_wait_for 10 sh -c "'$send' '$CRAMD_SOCKET' '{\"command\":\"status\"}\\n' | grep -q '\"ok\":true'"

	# A pending offline whose client goes away: done, reply dropped, nothing freed twice.
	: >"$pins/dax0.0"
	"$send" "$CRAMD_SOCKET" '{"command":"offline","device":"dax0.0"}\n' >"$out" &
	client=$!
	sleep 0.5	# within the 2 s the offline is pinned
	kill "$client"
	wait "$client" 2>/dev/null
	cram_wait_for 10 grep -q 'dax0.0: offline timed out after 2000 ms' "$CRAMD_LOG"
	rm -f "$pins/dax0.0"
	"$send" "$CRAMD_SOCKET" '{"command":"status"}\n' >"$out" || cram_fail "no status after"
	cram_assert_grep '"ok":true' "$out"
	$CRAMCTL offline dax0.0 >"$out" 2>"$out.err" || cram_fail "offline failed: $(cat "$out.err")"
	cram_assert_eq "$(cat $dev/dax0.0/cram/state)" offline "dax0.0 offlined"

	kill -0 "$CRAMD_PID" || cram_fail "cramd died"
	cram_stop_cramd
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --ratio 3000 \
	--tick-ms 20 -- sh "$0" --inner
