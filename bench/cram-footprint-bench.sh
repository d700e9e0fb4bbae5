#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# cram-footprint-bench: cramd's memory and CPU at 10 Hz with 16 devices.
#
#   sh bench/cram-footprint-bench.sh [BUILDDIR]   (default: the current directory)
#
# The real cramd (default configuration: the adaptive policy, with
# poll_interval_ms = 100) manages DEVICES (default 16) simulated devices of
# the fake kernel, which demotes INFLOW bytes/s (default 4 MiB/s, 0 for idle
# devices) into each, for DURATION_S seconds (default 20) after all of them
# came online and WARMUP_S seconds more (default 0; the adaptive policy
# samples every poll interval until it has learned the noise of the
# readings, 64 samples, once a device demotes; a device that showed no
# inflow at its first passes may first sleep MAX_SLEEP_MS, so a warm-up
# of MAX_SLEEP_MS + 10 s measures the steady state after that);
# MAX_SLEEP_MS sets [policy] max_sleep_ms (default 10000, cramd's
# default; 0: a pass every poll interval). Then, in the same script, the
# baseline: cram-tick-floor, an sd-event loop that wakes at the same
# interval and does nothing, for the same time. Prints
#  - cramd's CPU share of one core (/proc/PID/schedstat), the floor's, and
#    their difference, i.e. cramd's own work, with its cost per device-tick;
#  - the wakeups per second of each (context switches, /proc/PID/status);
#  - cramd's VmRSS, VmHWM, RssAnon, RssFile, Pss and its largest mappings,
#    its VmRSS less umockdev's preload library and its private pages,
#    and its VmRSS against the floor's (both map libsystemd and libc, so
#    the ratio is steadier across runs than the kB);
#  - what the telemetry histories take of that RSS: HISTORY_BYTES per
#    device (600 points as sampled, 360 of 10 s), resident from the start;
#    and the ring of the last 256 decision records (RECORDS_BYTES), also
#    resident from the start, so that records arriving later do not grow
#    the RSS measured.
# Targets (issue 13): RSS <= 4 MiB; CPU <= 0.2x the floor with idle
# devices, <= 1.0x with filling ones.
#
# The testbed models sysfs: as root the script puts it on a private tmpfs
# (sysfs lives in memory; a disk-backed /tmp adds journaling to every knob
# write); libcram opens cram/stat afresh for every snapshot (relative to
# the device's cram/ directory), on a testbed as on a kernel. cramd still
# runs under
# umockdev's preload library, which adds an access() and signal masking
# to every open(). PERF=1: also profile cramd for 5 s with perf and print
# the share of its CPU time per library. A benchmark, not a test: it
# asserts nothing and needs umockdev-wrapper.
set -u
DEVICES=${DEVICES:-16}
INFLOW=${INFLOW:-4194304}
MAX_SLEEP_MS=${MAX_SLEEP_MS:-10000}
WARMUP_S=${WARMUP_S:-0}
# sizeof(struct cramd_telemetry_history) on 64-bit, as cramd(8) states it
# (tests/unit/test-telemetry-history.c checks the number)
HISTORY_BYTES=22200
# sizeof(struct cramd_history), the ring of decision records, written at
# start (tests/unit/test-history.c checks the number)
RECORDS_BYTES=81936

# cpu_ns PID: on-CPU time in ns, the first field of /proc/PID/schedstat
cpu_ns() { cut -d' ' -f1 "/proc/$1/schedstat"; }
# switches PID: context switches so far (each wakeup is one)
switches() { awk '/^(non)?voluntary_ctxt_switches:/ { n += $2 } END { print n }' "/proc/$1/status"; }
now() { date +%s.%N; }

if [ "${1:-}" = --inner ]; then
	builddir=$2 duration=$3
	printf '[global]\npoll_interval_ms = 100\n[policy]\nmax_sleep_ms = %s\n' \
		"$MAX_SLEEP_MS" >"$CRAM_TESTBED/cramd.conf"
	# the discovery helper of the build tree, not the installed one
	export CRAMD_DISCOVER=$builddir/cramd/cram-discover
	"$builddir/cramd/cramd" --config "$CRAM_TESTBED/cramd.conf" \
		--socket "$CRAM_TESTBED/cramd.sock" 2>"$CRAM_TESTBED/cramd.log" &
	pid=$!
	i=0
	while [ "$(cat /sys/bus/dax/devices/dax*/cram/state 2>/dev/null |
		grep -cx online)" -lt "$DEVICES" ]; do
		i=$((i + 1))
		[ $i -lt 300 ] || { echo "devices not online" >&2; kill $pid; exit 1; }
		sleep 0.1
	done
	comm=$(cat /proc/$pid/comm)
	sleep "$WARMUP_S"
	t0=$(now); c0=$(cpu_ns $pid); w0=$(switches $pid)
	sleep "$duration"
	c1=$(cpu_ns $pid); t1=$(now); w1=$(switches $pid)

	"$builddir/bench/cram-tick-floor" 100 &
	fpid=$!
	sleep 1
	f0=$(now); g0=$(cpu_ns $fpid); v0=$(switches $fpid)
	sleep "$duration"
	g1=$(cpu_ns $fpid); f1=$(now); v1=$(switches $fpid)
	frss=$(awk '$1 == "VmRSS:" { print $2 }' /proc/$fpid/status)
	kill $fpid
	wait $fpid

	status() { awk -v k="$1:" '$1 == k { print $2 }' /proc/$pid/status; }
	echo "cramd ($comm, pid $pid), $DEVICES devices, inflow $INFLOW B/s each," \
		"poll_interval_ms = 100, max_sleep_ms = $MAX_SLEEP_MS, warm-up $WARMUP_S s," \
		"testbed on $(stat -f -c %T "$CRAM_TESTBED")"
	awk -v c="$((c1 - c0))" -v t="$(echo "$t1 - $t0" | bc)" \
	    -v g="$((g1 - g0))" -v f="$(echo "$f1 - $f0" | bc)" -v n="$DEVICES" 'BEGIN {
		cp = 100 * c / 1e9 / t; fp = 100 * g / 1e9 / f
		printf "cramd: cpu %.1f ms in %.1f s: %.3f%% of one core\n", c / 1e6, t, cp
		printf "floor (cram-tick-floor, same interval): cpu %.1f ms in %.1f s: %.3f%% of one core\n",
			g / 1e6, f, fp
		printf "cramd above the floor: %.3f%% of one core, %.1f us per" \
			" device-tick (cramd / floor = %.2f)\n", cp - fp,
			(c / t - g / f) / 1e3 / 10 / n, (fp > 0 ? cp / fp : 0) }'
	awk -v w="$((w1 - w0))" -v t="$(echo "$t1 - $t0" | bc)" \
	    -v v="$((v1 - v0))" -v f="$(echo "$f1 - $f0" | bc)" 'BEGIN {
		printf "wakeups per second: cramd %.1f, floor %.1f\n", w / t, v / f }'
	echo "VmRSS $(status VmRSS) kB, VmHWM $(status VmHWM) kB," \
		"RssAnon $(status RssAnon) kB, RssFile $(status RssFile) kB"
	awk -v c="$(status VmRSS)" -v f="$frss" 'BEGIN {
		printf "floor VmRSS %d kB: cramd / floor = %.3f\n", f, (f > 0 ? c / f : 0) }'
	awk -v c="$(status VmRSS)" -v b="$HISTORY_BYTES" -v n="$DEVICES" 'BEGIN {
		printf "telemetry histories: %d B per device, %.0f kB for %d devices:" \
			" %.1f%% of VmRSS\n", b, b * n / 1024, n, (c > 0 ? 100 * b * n / 1024 / c : 0) }'
	awk -v c="$(status VmRSS)" -v b="$RECORDS_BYTES" 'BEGIN {
		printf "decision records: %.0f kB, resident from the start: %.1f%% of VmRSS\n",
			b / 1024, (c > 0 ? 100 * b / 1024 / c : 0) }'
	echo "Pss $(awk '$1 == "Pss:" { print $2 }' /proc/$pid/smaps_rollup) kB" \
		"(shared library pages divided among the processes mapping them)"
	# what a cramd without the testbed would hold: umockdev's preload
	# library is the benchmark's, not cramd's
	awk -v c="$(status VmRSS)" '$1 ~ /^[0-9a-f]+-[0-9a-f]+$/ { pre = ($6 ~ /umockdev/) }
		pre && $1 == "Rss:" { u += $2 }
		$1 == "Private_Clean:" || $1 == "Private_Dirty:" { p += $2 }
		END { printf "VmRSS less umockdev'"'"'s preload library (%d kB): %d kB;" \
			" private (clean + dirty): %d kB\n", u, c - u, p }' /proc/$pid/smaps
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
fk=$builddir/tests/harness/fake-kernel/cram-fake-kernel
if ! command -v umockdev-wrapper >/dev/null 2>&1 || [ ! -x "$fk" ] ||
	[ ! -x "$builddir/cramd/cramd" ] || [ ! -x "$builddir/bench/cram-tick-floor" ]; then
	echo "cram-footprint-bench: needs umockdev-wrapper, $fk," \
		"$builddir/cramd/cramd and $builddir/bench/cram-tick-floor" >&2
	exit 2
fi
script=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
err=$(mktemp) || exit 2
trap 'rm -f "$err"' EXIT
run="umockdev-wrapper $fk --devices $DEVICES --size 268435456 --ratio 2500 \
	--inflow $INFLOW --tick-ms 50 \
	-- sh $script --inner $builddir ${DURATION_S:-20}"
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1; then
	tmp=$(mktemp -d) || exit 2
	unshare -m sh -c "mount -t tmpfs cram-bench '$tmp' && TMPDIR='$tmp' $run" \
		2>"$err"
	rc=$?
	rmdir "$tmp"
else
	sh -c "$run" 2>"$err"
	rc=$?
fi
[ $rc = 0 ] || { cat "$err" >&2; exit 1; }
