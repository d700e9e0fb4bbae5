#!/bin/sh
# Adversary: hostile configuration files. --check-config refuses each one
# with a line naming the file (and line); a running cramd refuses them on
# SIGHUP, keeps the configuration in force and never stops its loop: after
# a FIFO drop-in (which once blocked cramd forever) and a symlink to
# /dev/zero (which spun), cramctl status still answers and a filling
# device's gate still closes.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	dev=/sys/bus/dax/devices
	trap 'kill -9 "$CRAMD_PID" 2>/dev/null' EXIT
	cram_start_cramd '[global]\npoll_interval_ms = 100\ndevices = dax0.0\n[policy]\npolicy = static\nhigh_watermark_percent = 90\nlow_watermark_percent = 80\n'
	cram_wait_for 10 grep -qx online $dev/dax0.0/cram/state
	cram_wait_for 5 grep -q 'ready:' "$CRAMD_LOG"
	mkdir -p "$CRAMD_CONF.d"

	# reload_refused FILE PATTERN: SIGHUP is refused naming FILE; cramd answers.
	reload_refused() {
		kill -HUP "$CRAMD_PID"
		cram_wait_for 10 grep -q "reload refused: $1.*$2" "$CRAMD_LOG"
		timeout 10 $CRAMCTL status >"$CRAM_TESTBED/status" 2>&1 ||
			cram_fail "cramctl status does not answer after a reload with $1"
		cram_assert_grep dax0.0 "$CRAM_TESTBED/status"
	}

	mkfifo "$CRAMD_CONF.d/50-fifo.conf"
	reload_refused "$CRAMD_CONF.d/50-fifo.conf" "a FIFO, not a regular file"
	rm "$CRAMD_CONF.d/50-fifo.conf"

	ln -s /dev/zero "$CRAMD_CONF.d/50-zero.conf"
	reload_refused "$CRAMD_CONF.d/50-zero.conf" "a character device"
	rm "$CRAMD_CONF.d/50-zero.conf"

	mkdir "$CRAMD_CONF.d/x.conf"
	reload_refused "$CRAMD_CONF.d/x.conf" "a directory"
	rmdir "$CRAMD_CONF.d/x.conf"

	head -c 1048577 /dev/zero | tr '\0' '#' >"$CRAMD_CONF.d/50-big.conf"
	reload_refused "$CRAMD_CONF.d/50-big.conf" "larger than 1048576 bytes"
	rm "$CRAMD_CONF.d/50-big.conf"

	# Text after a header: refused, the old configuration (dax0.0 only) stays.
	printf '[global]\npoll_interval_ms = 100\ndevices = all\n[policy] high_watermark_percent = 50\n' \
		>"$CRAMD_CONF"
	reload_refused "$CRAMD_CONF:4: syntax error: text after" ""
	printf '[global]\r[policy]\rpolicy = static\r' >"$CRAMD_CONF"
	reload_refused "$CRAMD_CONF:1: carriage return" ""
	printf '[global]\ndevices = all\n[policy]\npolicy = static\n' >"$CRAMD_CONF"
	printf '[policy]\n\001\000high_watermark_percent = 50\n' >"$CRAMD_CONF.d/60-nul.conf"
	reload_refused "$CRAMD_CONF.d/60-nul.conf:2: NUL byte" ""
	rm "$CRAMD_CONF.d/60-nul.conf"
	sleep 0.3
	cram_assert_eq "$(cat $dev/dax1.0/cram/state)" offline "refused reloads changed nothing"

	# The loop still runs: demotion pressure starts only now, with data that
	# does not compress; the device crosses the watermark, the gate closes.
	echo 1050 >$dev/dax0.0/cram/sim/compress_ratio
	echo "inflow dax0.0 33554432" >>"$CRAM_TESTBED/fake-kernel.ctl"
	cram_wait_for 15 grep -qx 1 $dev/dax0.0/cram/no_alloc
	cram_wait_for 5 grep -q 'dax0.0.*gate closed' "$CRAMD_LOG"
	trap - EXIT
	cram_stop_cramd
	exit 0
fi

# Without a daemon: --check-config names the file for each kind.
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
printf '[global]\npoll_interval_ms = 100\n' >"$d/c.conf"
mkdir "$d/c.conf.d"
check_refused() {
	timeout 10 $CRAMD --check-config --config "$d/c.conf" >/dev/null 2>"$d/err"
	rc=$?
	cram_assert_eq $rc 1 "exit status with $1"
	cram_assert_eq "$(wc -l <"$d/err")" 1 "one line of error with $1"
	cram_assert_grep "$1.*$2" "$d/err"
}
mkfifo "$d/c.conf.d/50-fifo.conf"
check_refused "$d/c.conf.d/50-fifo.conf: " "a FIFO, not a regular file"
rm "$d/c.conf.d/50-fifo.conf"
ln -s /dev/zero "$d/c.conf.d/50-zero.conf"
check_refused "$d/c.conf.d/50-zero.conf: " "a character device, not a regular file"
rm "$d/c.conf.d/50-zero.conf"
printf '[global]\npoll_interval_ms : 100\n' >"$d/c.conf"
check_refused "$d/c.conf:2: " "'key : value' is not supported"
printf '[policy]\nlow_watermark_percent = 50\nhigh_watermark_percent = 60\n' >"$d/c.conf"
printf '[policy]\nlow_watermark_percent = 70\n' >"$d/c.conf.d/10-a.conf"
check_refused "$d/c.conf.d/10-a.conf:2: \[policy\] low_watermark_percent" \
	"high_watermark_percent 60 (set in $d/c.conf:3 \[policy\])"
trap - EXIT
rm -rf "$d"

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --ratio 3000 \
	--inflow 0 --evict-bw 268435456 --tick-ms 20 -- sh "$0" --inner
