#!/bin/sh
# Adversary: a reload storm. Hundreds of SIGHUPs in bursts while the
# configuration is rewritten between valid and invalid versions: cramd
# keeps serving (cramctl status answers during and after), and the
# configuration in force afterwards is exactly the last valid file.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	dev=/sys/bus/dax/devices
	trap 'kill -9 "$CRAMD_PID" 2>/dev/null' EXIT
	cram_start_cramd '[global]\npoll_interval_ms = 100\ndevices = dax0.0\n'
	cram_wait_for 10 grep -qx online $dev/dax0.0/cram/state
	cram_wait_for 5 grep -q 'ready:' "$CRAMD_LOG"
	mkdir -p "$CRAMD_CONF.d"

	# write FILE TEXT: replace FILE in one rename, as an editor would.
	write() {
		printf "$2" >"$1.tmp" && mv "$1.tmp" "$1"
	}
	i=0
	while [ $i -lt 20 ]; do
		case $((i % 4)) in
		0) write "$CRAMD_CONF" '[global]\npoll_interval_ms = 100\ndevices = dax0.0\ndry_run = yes\n' ;;
		1) write "$CRAMD_CONF" '[global]\npoll_interval_ms = 100\ndevices = dax0.0\n[policy] policy = static\n' ;;
		2) write "$CRAMD_CONF.d/50-x.conf" '[policy]\nhigh_watermark_percent = 70\nlow_watermark_percent = 60\n' ;;
		3) write "$CRAMD_CONF.d/50-x.conf" '[policy]\nlow_watermark_percent = 95\n' ;;
		esac
		j=0
		while [ $j -lt 20 ]; do
			kill -HUP "$CRAMD_PID" || cram_fail "cramd is gone during the storm"
			j=$((j + 1))
		done
		timeout 10 $CRAMCTL status >/dev/null 2>&1 ||
			cram_fail "cramctl status does not answer during the storm (burst $i)"
		i=$((i + 1))
	done
	grep -q 'reload refused: .*text after' "$CRAMD_LOG" ||
		cram_fail "no invalid file was refused during the storm"

	# The last valid configuration: dax1.0 too, dry-run, the static policy.
	write "$CRAMD_CONF.d/50-x.conf" '[policy]\npolicy = static\nhigh_watermark_percent = 70\nlow_watermark_percent = 60\n'
	write "$CRAMD_CONF" '[global]\npoll_interval_ms = 100\ndevices = all\ndry_run = yes\n'
	lines=$(wc -l <"$CRAMD_LOG")
	kill -HUP "$CRAMD_PID"
	cram_wait_for 10 sh -c "tail -n +$((lines + 1)) '$CRAMD_LOG' | grep -q 'reloaded .*policy static.*dry-run'"
	cram_wait_for 10 grep -qx online $dev/dax1.0/cram/state
	timeout 10 $CRAMCTL status >"$CRAM_TESTBED/status" 2>"$CRAM_TESTBED/err" ||
		cram_fail "cramctl status does not answer after the storm"
	cram_assert_grep 'paused' "$CRAM_TESTBED/err"
	cram_assert_grep dax1.0 "$CRAM_TESTBED/status"
	kill -0 "$CRAMD_PID" || cram_fail "cramd died in the storm"
	trap - EXIT
	cram_stop_cramd
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --tick-ms 20 \
	-- sh "$0" --inner
