#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# cram-footprint-bench: cramd's memory and CPU at 10 Hz with 16 devices.
#
#   sh bench/cram-footprint-bench.sh [BUILDDIR]   (default: the current directory)
#
# The real cramd (default configuration: the adaptive policy, with
# poll_interval_ms = 100) manages 16 simulated devices of the fake kernel,
# which keeps demoting into them, for DURATION_S seconds (default 20) after
# all of them came online. Prints cramd's VmRSS, VmHWM, RssAnon and RssFile
# (/proc/PID/status) at the end and its CPU share of one core over the run
# (utime + stime from /proc/PID/stat). Targets: RSS <= 4 MiB, CPU <= 0.1%.
# cramd runs under umockdev's preload library, which is mapped into it
# and intercepts every file access: both figures include that overhead.
# PERF=1: also profile cramd for 5 s with perf and print the share of its
# CPU time per library. A benchmark, not a test: it asserts nothing and
# needs umockdev-wrapper.
set -u
DEVICES=16

if [ "${1:-}" = --inner ]; then
	printf '[global]\npoll_interval_ms = 100\n' >"$CRAM_TESTBED/cramd.conf"
	"$2/cramd/cramd" --config "$CRAM_TESTBED/cramd.conf" \
		--socket "$CRAM_TESTBED/cramd.sock" 2>"$CRAM_TESTBED/cramd.log" &
	pid=$!
	i=0
	while [ "$(cat /sys/bus/dax/devices/dax*/cram/state 2>/dev/null |
		grep -cx online)" -lt $DEVICES ]; do
		i=$((i + 1))
		[ $i -lt 300 ] || { echo "devices not online" >&2; kill $pid; exit 1; }
		sleep 0.1
	done
	comm=$(cat /proc/$pid/comm)
	# fields 14 and 15 of /proc/PID/stat (after the parenthesised name)
	cpu() { sed 's/.*) //' /proc/$pid/stat | awk '{ print $12 + $13 }'; }
	t0=$(date +%s.%N)
	c0=$(cpu)
	sleep "$3"
	c1=$(cpu)
	t1=$(date +%s.%N)
	hz=$(getconf CLK_TCK)
	status() { awk -v k="$1:" '$1 == k { print $2 }' /proc/$pid/status; }
	echo "cramd ($comm, pid $pid), $DEVICES devices, poll_interval_ms = 100"
	awk -v c="$((c1 - c0))" -v hz="$hz" -v t0="$t0" -v t1="$t1" 'BEGIN {
		printf "wall %.1f s, cpu %.3f s: %.3f%% of one core\n",
			t1 - t0, c / hz, 100 * c / hz / (t1 - t0) }'
	echo "VmRSS $(status VmRSS) kB, VmHWM $(status VmHWM) kB," \
		"RssAnon $(status RssAnon) kB, RssFile $(status RssFile) kB"
	echo "Pss $(awk '$1 == "Pss:" { print $2 }' /proc/$pid/smaps_rollup) kB" \
		"(shared library pages divided among the processes mapping them)"
	if [ -n "${PERF:-}" ]; then
		perf record -q -o "$CRAM_TESTBED/perf.data" -p $pid -- sleep 5 \
			>/dev/null 2>&1
		perf report -q --no-children --sort dso -i "$CRAM_TESTBED/perf.data" \
			2>/dev/null | grep -v '^$' | head -n 8
	fi
	echo "largest file mappings (Rss kB):"
	awk '$1 ~ /^[0-9a-f]+-[0-9a-f]+$/ { name = $6 } $1 == "Rss:" && name != "" {
		rss[name] += $2 } END { for (n in rss) print rss[n], n }' \
		/proc/$pid/smaps | sort -rn | head -n 8 | sed 's/^/  /'
	kill $pid
	wait $pid
	exit 0
fi

builddir=$(cd "${1:-.}" && pwd) || exit 2
fk=$builddir/tests/fake-kernel/cram-fake-kernel
if ! command -v umockdev-wrapper >/dev/null 2>&1 || [ ! -x "$fk" ] ||
	[ ! -x "$builddir/cramd/cramd" ]; then
	echo "cram-footprint-bench: needs umockdev-wrapper, $fk and $builddir/cramd/cramd" >&2
	exit 2
fi
err=$(mktemp) || exit 2
trap 'rm -f "$err"' EXIT
umockdev-wrapper "$fk" --devices $DEVICES --size 268435456 --ratio 2500 \
	--inflow 4194304 --tick-ms 50 \
	-- sh "$0" --inner "$builddir" "${DURATION_S:-20}" 2>"$err" ||
	{ cat "$err" >&2; exit 1; }
