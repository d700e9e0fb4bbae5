#!/bin/sh
# SIGHUP reloads the configuration and its drop-ins: an invalid one is
# refused with file:line and key and the old one stays in force; a valid
# one takes effect (a newly configured device is onlined, dry-run from a
# drop-in applies).
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	dev=/sys/bus/dax/devices
	cram_start_cramd '[global]\npoll_interval_ms = 100\ndevices = dax0.0\n'
	cram_wait_for 10 grep -qx online $dev/dax0.0/cram/state
	cram_wait_for 5 grep -q 'ready:' "$CRAMD_LOG"

	# Invalid: refused, naming file, line and key; nothing changes.
	printf '[global]\npoll_interval_ms = 100\ndevices = all\n[policy]\nhigh_watermark_percent = 0\n' \
		>"$CRAMD_CONF"
	kill -HUP "$CRAMD_PID"
	cram_wait_for 5 grep -q "reload refused: $CRAMD_CONF:5: \[policy\] high_watermark_percent" \
		"$CRAMD_LOG"
	cram_assert_grep 'previous configuration stays in force' "$CRAMD_LOG"
	sleep 0.3
	cram_assert_eq "$(cat $dev/dax1.0/cram/state)" offline "refused reload changed nothing"
	kill -0 "$CRAMD_PID" || cram_fail "cramd died on a bad reload"

	# An invalid drop-in is refused too, and named.
	mkdir -p "$CRAMD_CONF.d"
	printf '[global]\ndevices = all\n' >"$CRAMD_CONF"
	printf '[global]\nbogus_key = 1\n' >"$CRAMD_CONF.d/20-bad.conf"
	kill -HUP "$CRAMD_PID"
	cram_wait_for 5 grep -q "reload refused: $CRAMD_CONF.d/20-bad.conf:2: .*bogus_key" "$CRAMD_LOG"
	cram_assert_eq "$(cat $dev/dax1.0/cram/state)" offline "refused drop-in changed nothing"

	# Valid: dax1.0 is now configured; a later drop-in switches on dry-run.
	rm "$CRAMD_CONF.d/20-bad.conf"
	printf '[global]\ndry_run = no\n' >"$CRAMD_CONF.d/10-first.conf"
	printf '[global]\ndry_run = yes\n' >"$CRAMD_CONF.d/50-later.conf"
	printf 'not a drop-in\n' >"$CRAMD_CONF.d/README"
	kill -HUP "$CRAMD_PID"
	cram_wait_for 10 grep -qx online $dev/dax1.0/cram/state
	cram_wait_for 5 grep -q "reloaded $CRAMD_CONF: .*dry-run" "$CRAMD_LOG"
	$CRAMCTL status >/dev/null 2>"$CRAM_TESTBED/err"
	cram_assert_grep 'paused' "$CRAM_TESTBED/err"
	cram_stop_cramd
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --tick-ms 20 \
	-- sh "$0" --inner
