#!/bin/sh
# Under systemd (JOURNAL_STREAM names stderr) cramd logs to the journal
# with structured fields: a datagram socket at the journal's path, in a
# private mount namespace with its own /run, stands in for journald.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev
[ "$(id -u)" = 0 ] || cram_skip "needs root for a private mount namespace"
command -v unshare >/dev/null 2>&1 || cram_skip "unshare is not installed"
unshare -m true 2>/dev/null || cram_skip "cannot create a mount namespace here"

if [ "${1:-}" = --ns ]; then
	# In the namespace: our own /run, a fake journald, cramd "under systemd".
	mount -t tmpfs tmpfs /run || cram_fail "cannot mount a private /run"
	mkdir -p /run/systemd/journal
	out=$CRAM_TESTBED/journal.out
	"$top_builddir/tests/harness/helpers/notify-recv" /run/systemd/journal/socket 90 >"$out" &
	recv=$!
	cram_wait_for 5 test -S /run/systemd/journal/socket
	: >"$CRAM_TESTBED/stderr"
	JOURNAL_STREAM=$(stat -c '%d:%i' "$CRAM_TESTBED/stderr")
	export JOURNAL_STREAM
	printf '[global]\npoll_interval_ms = 100\n[policy]\npolicy = static\nhigh_watermark_percent = 90\nlow_watermark_percent = 80\n' >"$CRAM_TESTBED/cramd.conf"
	$CRAMD --config "$CRAM_TESTBED/cramd.conf" --socket "$CRAMD_SOCKET" \
		2>>"$CRAM_TESTBED/stderr" &
	pid=$!
	cram_wait_for 10 grep -q '^CRAM_ACTION=online$' "$out"
	# data that does not compress: the static policy closes the gate at the
	# high watermark (the adaptive one may hold the fill with its capacity
	# target instead), with the gate-closed MESSAGE_ID
	echo 1000 >/sys/bus/dax/devices/dax0.0/cram/sim/compress_ratio
	cram_wait_for 60 grep -q '^MESSAGE_ID=530ab099de2f426085504d29e7a2849f$' "$out" ||
		cram_fail "no gate-closed MESSAGE_ID in the journal"
	kill -TERM $pid
	wait $pid || cram_fail "cramd exit status"
	# The last datagrams may still sit in the receiver's queue: let it
	# read them (or time out) before it goes.
	cram_wait_for 5 grep -q '^MESSAGE=received SIGTERM, exiting$' "$out"
	kill $recv 2>/dev/null
	cram_assert_grep '^SYSLOG_IDENTIFIER=cramd$' "$out"
	cram_assert_grep '^MESSAGE=dax0.0: onlined as private node 1$' "$out"
	cram_assert_grep '^CRAM_DEVICE=dax0.0$' "$out"
	cram_assert_grep '^CRAM_NODE=1$' "$out"
	cram_assert_grep '^PRIORITY=6$' "$out"
	# the call site of each message, as systemd's own macros give it
	cram_assert_grep '^CODE_FILE=cramd/device.c$' "$out"
	cram_assert_grep '^CODE_FILE=cramd/main.c$' "$out"
	cram_assert_grep '^CODE_LINE=[1-9][0-9]*$' "$out"
	cram_assert_grep '^CODE_FUNC=cramd_device_onlined$' "$out"
	grep -q '^CODE_FILE=cramd/log.c$' "$out" && cram_fail "a second CODE_FILE, log.c's own"
	cram_assert_grep '^MESSAGE=received SIGTERM, exiting$' "$out"
	grep -q 'onlined' "$CRAM_TESTBED/stderr" && cram_fail "journal messages went to stderr too"
	exit 0
fi
if [ "${1:-}" = --inner ]; then
	unshare -m sh "$0" --ns
	exit $?
fi

cram_run_testbed --devices 1 --size 268435456 --phys 134217728 --tick-ms 20 \
	-- sh "$0" --inner
