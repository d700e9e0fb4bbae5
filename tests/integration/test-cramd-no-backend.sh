#!/bin/sh
# A cram device that no backend drives (issue 12): the kernel fails reads of
# its physical telemetry (phys_capacity_bytes, phys_used_bytes, stat) with
# ENODATA, never inventing figures. cramd takes that as unreadable
# telemetry: the device is degraded, its gate closed, the other device
# managed as before, and cramctl shows it. The ENODATA is played by
# tests/harness/helpers/no-backend.c (a testbed file cannot fail a read).
# When the telemetry comes back (a backend), the device recovers.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	c=/sys/bus/dax/devices/dax0.0/cram
	preload=$top_builddir/tests/harness/helpers/.libs/libno-backend.so
	marks=$CRAM_TESTBED/nobackend
	out=$CRAM_TESTBED/out
	[ -e "$preload" ] || cram_fail "$preload is not built"
	mkdir -p "$marks"
	: >"$marks/dax0.0"

	# cramd and cramctl see the kernel's ENODATA
	LD_PRELOAD="$preload${LD_PRELOAD:+:$LD_PRELOAD}"
	CRAM_NOBACKEND_DIR=$marks
	export LD_PRELOAD CRAM_NOBACKEND_DIR
	cram_start_cramd '[global]\npoll_interval_ms = 100\n[policy]\npolicy = static\n'
	cram_wait_for 10 grep -q 'ready: managing 2 devices' "$CRAMD_LOG"
	cram_wait_for 5 grep -q "dax0.0: degraded: telemetry invalid: cannot read cram/stat: No data available" "$CRAMD_LOG"
	cram_wait_for 5 grep -qx 1 $c/no_alloc
	cram_assert_eq "$(cat /sys/bus/dax/devices/dax1.0/cram/no_alloc)" 0 "gate of the device with a backend"
	"$top_builddir/tests/harness/helpers/send-request" "$CRAMD_SOCKET" '{"command":"status"}\n' >"$out" ||
		cram_fail "no status reply"
	cram_assert_grep '"managed":2' "$out"
	cram_assert_grep '"degraded":1' "$out"
	cram_assert_grep '"device":"dax0.0","node":1,"gate":"closed","degraded":true' "$out"
	# cramctl reads the telemetry itself: it names the device and the errno
	# and fails, and shows no figures for it
	$CRAMCTL status >"$out" 2>"$out.err" && cram_fail "cramctl status succeeded: $(cat "$out")"
	cram_assert_grep 'cramctl: dax0.0: cannot read telemetry .*/dax0.0/cram/stat: No data available' "$out.err"
	if row=$(grep '^dax0.0 ' "$out"); then
		set -- $row
		cram_assert_eq "$6 $7" "- -" "cramctl's phys-total and phys-used of dax0.0 ($row)"
	fi
	kill -0 "$CRAMD_PID" || cram_fail "cramd died on ENODATA"
	# the gate stays closed while the telemetry stays unreadable
	sleep 0.5
	cram_assert_eq "$(cat $c/no_alloc)" 1 "gate of the device without a backend"

	# a backend again: the device recovers and the gate reopens (usage is low)
	rm -f "$marks/dax0.0"
	cram_wait_for 10 grep -qx 0 $c/no_alloc
	cram_assert_grep 'dax0.0: telemetry is sane again' "$CRAMD_LOG"
	cram_stop_cramd
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --tick-ms 20 \
	-- sh "$0" --inner
