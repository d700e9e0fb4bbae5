#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run cram-bench on copies of the shipped traces with other noise
# sequences: each trace once per seed, named NAME@SEED, and nothing else.
# A policy that meets its targets on one noise sequence only is lucky, not
# robust; this is how the seed figures of README.md are measured.
#
# cram-bench runs once per trace (one table each), so that a trace can
# take up to 256 seeds. With --summary, instead of the tables, one line
# per trace and policy: the runs, how many of them overflowed, the least
# headroom, the least and the mean share of the oracle, and the most gate
# changes per 100 s.
#
# usage: tests/sim/reseed.sh CRAM-BENCH "SEED..." [--summary] [cram-bench options]
#   e.g. (from a build directory)
#   sh ../tests/sim/reseed.sh tests/sim/cram-bench "1 2 3 4 5 6 7 8" --max-sleep-ms 10000
#   sh ../tests/sim/reseed.sh tests/sim/cram-bench "$(seq 1 200)" --summary
set -eu

if [ $# -lt 2 ]; then
	echo "usage: $0 CRAM-BENCH \"SEED...\" [--summary] [cram-bench options]" >&2
	exit 2
fi
bench=$1
seeds=$2
shift 2
summary=
if [ "${1-}" = --summary ]; then
	summary=1
	shift
fi
traces=$(dirname "$0")/traces
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

for s in $seeds; do
	case $s in
	''|*[!0-9]*) echo "$0: seed '$s' is not a number" >&2; exit 2 ;;
	esac
done
# the seeds from the last, so that the options put before the caller's
# come out in the order given
rseeds=$(for s in $seeds; do echo "$s"; done | sed -n '1!G;h;$p')
for t in "$traces"/*.trace; do
	name=$(basename "$t" .trace)
	n=0
	for s in $rseeds; do
		# the trace's own seed and name replaced; a trace without them gets them
		{
			echo "name $name@$s"
			sed -e '/^name /d' -e "s/seed=[0-9]*/seed=$s/" "$t"
			grep -q 'seed=' "$t" || echo "timing seed=$s"
		} > "$dir/$name@$s.trace"
		set -- --trace "$dir/$name@$s.trace" "$@"
		n=$((n + 1))
	done
	"$bench" --no-shipped "$@" > "$dir/out"
	if [ -z "$summary" ]; then
		cat "$dir/out"
	else
		# the table's rows: TRACE POLICY COMPR OVERFLOWS MIN-HEADROOM UTIL ...
		awk -v name="$name" '
		$1 ~ /@[0-9]+$/ && NF >= 10 {
			p = $2; runs[p]++
			if ($4 > 0) bad[p]++
			u = $6 + 0
			if (!(p in head) || $5 < head[p]) head[p] = $5
			if (!(p in low) || u < low[p]) low[p] = u
			sum[p] += u
			if ($9 > flaps[p]) flaps[p] = $9
		}
		END {
			for (p in runs)
				printf "%-22s %-8s runs %d overflowed %d least-headroom %d util least %.1f%% mean %.2f%% most-flaps/100s %.1f\n",
				       name, p, runs[p], bad[p], head[p], low[p], sum[p] / runs[p], flaps[p]
		}' "$dir/out" | sort
	fi
	# drop this trace's options: keep the caller's
	shift $((2 * n))
done
