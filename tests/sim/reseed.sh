#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run cram-bench on copies of the shipped traces with other noise
# sequences: each trace once per seed, named NAME@SEED, and nothing else.
# A policy that meets its targets on one noise sequence only is lucky, not
# robust; this is how the seed figures of README.md are measured.
#
# usage: tests/sim/reseed.sh CRAM-BENCH "SEED..." [cram-bench options]
#   e.g. (from a build directory)
#   sh ../tests/sim/reseed.sh tests/sim/cram-bench "1 2 3 4 5 6 7 8" --max-sleep-ms 10000
set -eu

if [ $# -lt 2 ]; then
	echo "usage: $0 CRAM-BENCH \"SEED...\" [cram-bench options]" >&2
	exit 2
fi
bench=$1
seeds=$2
shift 2
traces=$(dirname "$0")/traces
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

set --  "$@" --no-shipped
for t in "$traces"/*.trace; do
	name=$(basename "$t" .trace)
	for s in $seeds; do
		case $s in
		''|*[!0-9]*) echo "$0: seed '$s' is not a number" >&2; exit 2 ;;
		esac
		# the trace's own seed and name replaced; a trace without them gets them
		{
			echo "name $name@$s"
			sed -e '/^name /d' -e "s/seed=[0-9]*/seed=$s/" "$t"
			grep -q 'seed=' "$t" || echo "timing seed=$s"
		} > "$dir/$name@$s.trace"
		set -- "$@" --trace "$dir/$name@$s.trace"
	done
done
"$bench" "$@"
