#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# cram-latency-bench: how fast cramd answers a threshold crossing.
#
#   sh bench/cram-latency-bench.sh [BUILDDIR]   (default: the current directory)
#
# The real cramd (static policy, poll_interval_ms = POLL_MS) runs against
# the fake kernel with one device whose physical use swings between the
# low and the high watermark: demotion fills it, cramd closes the gate at
# the high threshold, promotions drain it, cramd opens the gate at the low
# one. The fake kernel notes the time of every crossing and logs the time
# to cramd's first knob write that changes a value, as its inotify watch
# sees it (--latency-log). Two runs of DURATION_S seconds each:
#
#   uevent  the crossing sends CRAM_EVENT=high/low; cramd runs a policy
#           pass on it (target: p99 <= 1 ms)
#   poll    no threshold uevents: cramd notices at its next poll
#
# Prints count, p50, p99 and max per run, in microseconds. For the uevent
# run twice: from the crossing, and from the moment the fake kernel hands
# the uevent to umockdev, after it wrote the event's properties into the
# device's uevent file (umockdev reads them from there: about 0.3-0.5 ms
# of simulation overhead a kernel does not have). A benchmark,
# not a test: it asserts nothing and needs umockdev-wrapper.
# Environment: DURATION_S (default 30), POLL_MS (default 100).
# Other load on the machine shows up in the tail (p99): on a busy machine,
# run it as root under `chrt -f 1` to measure cramd's path rather than the
# scheduler's.
set -u

if [ "${1:-}" = --inner ]; then
	# Runs inside the testbed: cramd until the time is up.
	printf '[global]\npoll_interval_ms = %s\n[policy]\npolicy = static\n' "$3" \
		>"$CRAM_TESTBED/cramd.conf"
	# the discovery helper of the build tree, not the installed one
	export CRAMD_DISCOVER=$2/cramd/cram-discover
	"$2/cramd/cramd" --config "$CRAM_TESTBED/cramd.conf" \
		--socket "$CRAM_TESTBED/cramd.sock" 2>"$CRAM_TESTBED/cramd.log" &
	pid=$!
	i=0
	until grep -qx online /sys/bus/dax/devices/dax0.0/cram/state 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "device not online" >&2; kill $pid; exit 1; }
		sleep 0.1
	done
	# Demotion at 256 MiB/s (the fake kernel's --inflow), promotion at
	# 128 MiB/s: the 10% band between the watermarks of 64 MiB takes
	# about 50 ms each way.
	echo "promote dax0.0 134217728" >>"$CRAM_TESTBED/fake-kernel.ctl"
	sleep "$4"
	kill $pid
	wait $pid
	exit 0
fi

builddir=$(cd "${1:-.}" && pwd) || exit 2
fk=$builddir/tests/harness/fake-kernel/cram-fake-kernel
duration=${DURATION_S:-30}
poll=${POLL_MS:-100}
if ! command -v umockdev-wrapper >/dev/null 2>&1 || [ ! -x "$fk" ] ||
	[ ! -x "$builddir/cramd/cramd" ]; then
	echo "cram-latency-bench: needs umockdev-wrapper, $fk and $builddir/cramd/cramd" >&2
	exit 2
fi
tmp=$(mktemp -d) || exit 2
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
[ -z "${KEEP:-}" ] || echo "logs in $tmp" >&2

# percentiles LOG FIELD: "count p50 p99 max" of FIELD over the lines of LOG
# (4: ns since the crossing, 5: ns since the uevent's sending began), in
# microseconds (nearest rank)
percentiles() {
	awk -v f="$2" '{ print $f }' "$1" | sort -n | awk '
		{ v[NR] = $1 }
		END {
			if (NR == 0) { print "0 - - -"; exit }
			p50 = int((NR * 50 + 99) / 100); p99 = int((NR * 99 + 99) / 100)
			printf "%d %.1f %.1f %.1f\n", NR, v[p50] / 1000, v[p99] / 1000,
				v[NR] / 1000
		}'
}

# row LABEL LOG FIELD
row() {
	# shellcheck disable=SC2046 # split "count p50 p99 max"
	set -- "$1" $(percentiles "$2" "$3")
	printf '%-34s %7s %10s %10s %10s\n' "$@"
}

printf 'poll_interval_ms = %s, %s s per run; microseconds from\n' "$poll" "$duration"
printf '%-34s %7s %10s %10s %10s\n' "" events p50 p99 max
for mode in uevent poll; do
	opt=
	[ $mode = poll ] && opt=--no-threshold-uevents
	# shellcheck disable=SC2086 # $opt is one word or none
	umockdev-wrapper "$fk" --devices 1 --size 268435456 --phys 67108864 \
		--ratio 1000 --inflow 268435456 --evict-bw 268435456 --tick-ms 10 \
		--latency-log "$tmp/$mode.log" $opt \
		-- sh "$0" --inner "$builddir" "$poll" "$duration" 2>"$tmp/$mode.err" ||
		{ cat "$tmp/$mode.err" >&2; exit 1; }
	if [ $mode = uevent ]; then
		row "uevent: the crossing to the write" "$tmp/$mode.log" 4
		row "uevent: its sending to the write" "$tmp/$mode.log" 5
	else
		row "polling: the crossing to the write" "$tmp/$mode.log" 4
	fi
done
