#!/bin/sh
# cramctl status shows the gate as the kernel reports it, not as cramd
# last wrote it (#16 item 1): when something else reopens a gate cramd
# closed, the table marks it "open!" with a note on stderr, and the JSON
# has "gate": "open" next to "cramd_gate": "closed". cramd is paused, so
# it writes no knob while the test looks.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	dev=/sys/bus/dax/devices
	out=$CRAM_TESTBED/out

	cram_start_cramd '[global]\npoll_interval_ms = 100\n[policy]\npolicy = static\n'
	cram_wait_for 10 grep -q 'ready: managing 2 devices' "$CRAMD_LOG"
	echo 1050 >$dev/dax0.0/cram/sim/compress_ratio
	cram_wait_for 20 grep -qx 1 $dev/dax0.0/cram/no_alloc

	$CRAMCTL status >"$out" 2>"$out.err" || cram_fail "status failed"
	cram_assert_grep '^dax0\.0 .* closed$' "$out"
	grep -q drift "$out.err" && cram_fail "drift reported without drift: $(cat "$out.err")"
	$CRAMCTL status --json >"$out" || cram_fail "status --json failed"
	cram_assert_grep '"cramd_gate": "closed"' "$out"

	# Another writer reopens the gate while cramd writes nothing.
	$CRAMCTL pause >/dev/null || cram_fail "pause failed"
	echo 0 >$dev/dax0.0/cram/no_alloc
	$CRAMCTL status >"$out" 2>"$out.err" || cram_fail "status failed"
	cram_assert_grep '^DEVICE .* GATE  *REASON$' "$out"
	cram_assert_grep '^dax0\.0 .* open!$' "$out"
	cram_assert_grep '^dax1\.0 .* open$' "$out"
	cram_assert_grep "dax0.0: the kernel's gate is open, but cramd wrote closed: something else changed no_alloc (drift)" "$out.err"
	grep -q 'dax1.0.*drift' "$out.err" && cram_fail "dax1.0 reported as drifted"
	$CRAMCTL status --json dax0.0 >"$out" || cram_fail "status --json failed"
	cram_assert_grep '"gate": "open"' "$out"
	cram_assert_grep '"cramd_gate": "closed"' "$out"

	$CRAMCTL resume >/dev/null || cram_fail "resume failed"
	cram_stop_cramd
	# Without cramd there is only the kernel's value.
	$CRAMCTL status --json >"$out" 2>/dev/null || cram_fail "status --json failed"
	grep -q cramd_gate "$out" && cram_fail "cramd_gate without cramd"
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --ratio 3000 \
	--inflow 33554432 --tick-ms 20 -- sh "$0" --inner
