#!/bin/sh
# An online device whose abi_version or state turns unreadable (#16 item
# 3) is not abandoned: cramd marks it degraded, closes its gate (it can
# still be written) and keeps reporting it, also after a rediscovery that
# no longer lists it (libcram skips a device without a valid abi_version).
# A testbed attribute becomes unreadable by turning into a directory (chmod
# does not stop root). Once readable again the device recovers.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	c=/sys/bus/dax/devices/dax0.0/cram
	tb=$CRAM_TESTBED/sys/bus/dax/devices/dax0.0/cram
	out=$CRAM_TESTBED/out
	cram_start_cramd '[global]\npoll_interval_ms = 100\n[policy]\npolicy = static\n'
	cram_wait_for 10 grep -q 'ready: managing 2 devices' "$CRAMD_LOG"
	cram_assert_eq "$(cram_read $c/no_alloc)" 0 "gate open at start"

	for attr in abi_version state; do
		keep=$(cat "$tb/$attr")
		rm -f "$tb/$attr"
		mkdir "$tb/$attr"
		cram_wait_for 5 grep -qx 1 $c/no_alloc
		cram_wait_for 5 grep -q "dax0.0: degraded: telemetry invalid: cannot read cram/$attr" "$CRAMD_LOG"
		# a rediscovery (reload) does not drop it
		n=$(grep -c 'discovery: ' "$CRAMD_LOG")
		kill -HUP "$CRAMD_PID"
		cram_wait_for 10 sh -c "[ \$(grep -c 'discovery: ' '$CRAMD_LOG') -gt $n ]"
		sleep 0.3
		grep -q 'dax0.0: device is gone' "$CRAMD_LOG" && cram_fail "$attr: dax0.0 abandoned as gone"
		"$top_builddir/tests/harness/helpers/send-request" "$CRAMD_SOCKET" '{"command":"status"}\n' >"$out" ||
			cram_fail "no status reply"
		cram_assert_grep '"managed":2' "$out"
		cram_assert_grep '"degraded":1' "$out"
		cram_assert_grep '"device":"dax0.0","node":1,"gate":"closed","degraded":true' "$out"
		cram_assert_eq "$(cram_read $c/no_alloc)" 1 "$attr: gate of the unreadable device"
		# readable again: it recovers and the gate reopens (usage is low)
		rmdir "$tb/$attr"
		printf '%s\n' "$keep" >"$tb/$attr"
		kill -HUP "$CRAMD_PID"
		cram_wait_for 10 grep -qx 0 $c/no_alloc
	done
	cram_assert_grep 'dax0.0: telemetry is sane again' "$CRAMD_LOG"
	cram_stop_cramd
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --tick-ms 20 \
	-- sh "$0" --inner
