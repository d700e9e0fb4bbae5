#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# cram-wakeup-cost: what one cramd wakeup costs, in units the machine's
# load does not change: instructions (valgrind's callgrind) and system
# calls (strace), against cram-tick-floor's.
#
#   sh bench/cram-wakeup-cost.sh [BUILDDIR]   (default: the current directory)
#
# The setup of cram-footprint-bench.sh: the real cramd (adaptive policy,
# poll_interval_ms = 100, [policy] max_sleep_ms = MAX_SLEEP_MS, default
# 10000) manages DEVICES (default 16) devices of the fake kernel, each
# filled at INFLOW bytes/s (default 0: idle). SETTLE_S seconds (default
# 15) after all are online, for DURATION_S seconds (default 20):
#  - cramd natively: its wakeups (context switches) for DURATION_S, then,
#    under strace -c for as long, its system calls, which callgrind does
#    not see;
#  - then, in the same run, a second cramd under callgrind (the devices
#    are still online; filling ones are fuller by then), SETTLE_S after
#    its start: its instructions, wakeups (sd_event_run calls; by the
#    timer and by uevents) and device passes; the share of the
#    instructions spent in umockdev's preload library, which only the
#    testbed has; and where the rest goes (inclusive, per pass);
#  - cram-tick-floor at 10 Hz, the same two ways.
# Prints instructions and system calls per wakeup and per second, and
# their ratios to the floor's. Under callgrind cramd runs 20-50 times
# slower: its schedule still holds (it reads the clock), but passes that
# are due while it is busy run late. A benchmark, not a test: it asserts
# nothing and needs umockdev-wrapper, valgrind and strace.
set -u
DEVICES=${DEVICES:-16}
INFLOW=${INFLOW:-0}
MAX_SLEEP_MS=${MAX_SLEEP_MS:-10000}
SETTLE_S=${SETTLE_S:-15}
DURATION_S=${DURATION_S:-20}

# calls NAME FILE: how many times the function NAME was called (the
# callers' counts above its line in callgrind_annotate's caller tree)
calls() {
	callgrind_annotate --inclusive=yes --tree=caller "$2" 2>/dev/null |
		awk -v f="$1" '/^ *$/ { n = 0; next }
		/^ *[0-9,]+ \(.*\)  < / { if (match($0, /\([0-9,]+x\)/)) {
			c = substr($0, RSTART + 1, RLENGTH - 3); gsub(",", "", c); n += c }
			next }
		/^ *[0-9,]+ \(.*\)  \*  / { if (index($0, f)) t += n; n = 0 }
		END { print t + 0 }'
}
# total FILE: all instructions
total() { callgrind_annotate "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'; }
# functions FILE: "INCLUSIVE-INSTRUCTIONS FUNCTION OBJECT" per line
functions() {
	callgrind_annotate --inclusive=yes "$1" 2>/dev/null |
		awk 'match($0, /\)  [^ ]+ \[[^]]+\]$/) {
			c = $1; gsub(",", "", c); split(substr($0, RSTART + 3), w, " ")
			print c, w[1], w[2] }'
}
# preload FILE: instructions inside umockdev's preload library (its exported wrappers, inclusive)
preload() {
	functions "$1" | awk '$3 ~ /libumockdev-preload/ && $2 ~ /^\?\?\?:[a-z_]/ { n += $1 }
		END { print n + 0 }'
}
# syscalls PID SECONDS: system calls of PID in that time
syscalls() {
	timeout -s INT "$2" strace -c -f -p "$1" 2>&1 >/dev/null |
		awk '$NF == "total" { print $4 + 0 }'
}

# wakeups PID SECONDS: its context switches in that time (each wakeup is
# one; not under strace, whose every stop is one more)
switches() { awk '/^(non)?voluntary_ctxt_switches:/ { n += $2 } END { print n }' "/proc/$1/status"; }
wakeups() {
	w0=$(switches "$1")
	sleep "$2"
	echo $(($(switches "$1") - w0))
}

if [ "${1:-}" = --inner ]; then
	builddir=$2 out=$3
	printf '[global]\npoll_interval_ms = 100\n[policy]\nmax_sleep_ms = %s\n' \
		"$MAX_SLEEP_MS" >"$CRAM_TESTBED/cramd.conf"
	export CRAMD_DISCOVER=$builddir/cramd/cram-discover
	online() {
		i=0
		while [ "$(cat /sys/bus/dax/devices/dax*/cram/state 2>/dev/null |
			grep -cx online)" -lt "$DEVICES" ]; do
			i=$((i + 1))
			[ $i -lt 600 ] || { echo "devices not online" >&2; return 1; }
			sleep 0.1
		done
	}
	# 1: cramd natively: its wakeups, then its system calls; killed, so
	# that the devices stay online for the second (a stopping cramd
	# offlines them, and the uevents would flood one under valgrind)
	"$builddir/cramd/cramd" --config "$CRAM_TESTBED/cramd.conf" \
		--socket "$CRAM_TESTBED/cramd.sock" 2>"$out/cramd.log" &
	pid=$!
	online || { kill $pid; exit 1; }
	sleep "$SETTLE_S"
	wakeups $pid "$DURATION_S" >"$out/cramd.switches"
	syscalls $pid "$DURATION_S" >"$out/cramd.sys"
	kill -KILL $pid
	wait $pid 2>/dev/null
	# 2: the same daemon under callgrind, counting from SETTLE_S on
	"$builddir/libtool" --mode=execute valgrind -q --tool=callgrind \
		--instr-atstart=no --callgrind-out-file="$out/cramd.cg" \
		"$builddir/cramd/cramd" --config "$CRAM_TESTBED/cramd.conf" \
		--socket "$CRAM_TESTBED/cramd.sock" 2>>"$out/cramd.log" &
	pid=$!
	sleep "$SETTLE_S"
	callgrind_control -i on $pid >/dev/null
	sleep "$DURATION_S"
	callgrind_control -d $pid >/dev/null
	kill -KILL $pid
	wait $pid 2>/dev/null
	exit 0
fi

builddir=$(cd "${1:-.}" && pwd) || exit 2
fk=$builddir/tests/harness/fake-kernel/cram-fake-kernel
for t in umockdev-wrapper valgrind callgrind_annotate callgrind_control strace; do
	command -v $t >/dev/null 2>&1 || { echo "cram-wakeup-cost: needs $t" >&2; exit 2; }
done
[ -x "$fk" ] && [ -x "$builddir/cramd/cramd" ] && [ -x "$builddir/bench/cram-tick-floor" ] ||
	{ echo "cram-wakeup-cost: needs a build in $builddir" >&2; exit 2; }
out=$(mktemp -d) || exit 2
# KEEP=1: leave the callgrind profiles and logs in that directory
[ -n "${KEEP:-}" ] && echo "cram-wakeup-cost: keeping $out" >&2 || trap 'rm -rf "$out"' EXIT
script=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
umockdev-wrapper "$fk" --devices "$DEVICES" --size 268435456 --ratio 2500 \
	--inflow "$INFLOW" --tick-ms 50 -- sh "$script" --inner "$builddir" "$out" \
	2>"$out/wrapper.err" || { cat "$out/wrapper.err" "$out/cramd.log" >&2; exit 1; }

# the floor, the same two ways
valgrind -q --tool=callgrind --callgrind-out-file="$out/floor.cg" \
	"$builddir/bench/cram-tick-floor" 100 &
fpid=$!
sleep 2
callgrind_control -z $fpid >/dev/null
sleep "$DURATION_S"
callgrind_control -d $fpid >/dev/null
kill $fpid
wait $fpid
"$builddir/bench/cram-tick-floor" 100 &
fpid=$!
sleep 1
wakeups $fpid "$DURATION_S" >"$out/floor.switches"
syscalls $fpid "$DURATION_S" >"$out/floor.sys"
kill $fpid
wait $fpid

cg=$(ls "$out"/cramd.cg.* | tail -n 1)
fg=$(ls "$out"/floor.cg.* | tail -n 1)
echo "cramd, $DEVICES devices, inflow $INFLOW B/s each, poll_interval_ms = 100," \
	"max_sleep_ms = $MAX_SLEEP_MS; $DURATION_S s from $SETTLE_S s after all were online"
awk -v ci="$(total "$cg")" -v cp="$(preload "$cg")" -v cw="$(calls sd_event_run "$cg")" \
    -v ct="$(calls 'manager-events.c:on_timer' "$cg")" \
    -v cu="$(calls 'manager-events.c:on_uevent' "$cg")" \
    -v cn="$(calls 'device.c:cramd_device_pass' "$cg")" \
    -v fi="$(total "$fg")" -v fw="$(calls sd_event_run "$fg")" \
    -v cs="$(cat "$out/cramd.sys")" -v cx="$(cat "$out/cramd.switches")" \
    -v fs="$(cat "$out/floor.sys")" -v fx="$(cat "$out/floor.switches")" \
    -v d="$DURATION_S" 'BEGIN {
	cw = cw > 0 ? cw : 1; fw = fw > 0 ? fw : 1; cx = cx > 0 ? cx : 1; fx = fx > 0 ? fx : 1
	printf "under callgrind: %d wakeups (%d timer, %d uevent), %d passes: %.2f wakeups/s, %.1f passes per wakeup\n",
		cw, ct, cu, cn, cw / d, cn / cw
	printf "instructions per wakeup: cramd %.0f (%.0f without the testbed preload), floor %.0f: ratio %.1f (%.1f)\n",
		ci / cw, (ci - cp) / cw, fi / fw, ci / cw / (fi / fw), (ci - cp) / cw / (fi / fw)
	if (cn > 0)
		printf "instructions per pass: %.0f (%.0f without the preload)\n",
			ci / cn, (ci - cp) / cn
	printf "instructions per second: cramd %.0f (%.0f without the preload), floor %.0f: ratio %.2f (%.2f)\n",
		ci / d, (ci - cp) / d, fi / d, ci / fi, (ci - cp) / fi
	printf "native: wakeups (context switches) per second: cramd %.2f, floor %.2f\n", cx / d, fx / d
	printf "native, strace -c: system calls per wakeup: cramd %.1f, floor %.1f: ratio %.1f\n",
		cs / cx, fs / fx, (fs > 0 ? cs / cx / (fs / fx) : 0)
	printf "system calls per second: cramd %.1f, floor %.1f: ratio %.2f\n",
		cs / d, fs / d, (fs > 0 ? cs / fs : 0) }'
echo "where cramd's instructions go (inclusive, per pass; callgrind):"
functions "$cg" | awk -v n="$(calls 'device.c:cramd_device_pass' "$cg")" '
	$3 ~ /(cramd|libcram|libudev|libsystemd)/ && $2 !~ /sd_event_(loop|run|dispatch)|\?\?\?:0x/ {
		split($2, f, ":"); printf "  %9.0f  %s\n", $1 / (n > 0 ? n : 1), f[2] }' | head -n 28
