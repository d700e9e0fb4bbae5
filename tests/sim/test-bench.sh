#!/bin/sh
# Smoke test of cram-bench: one short trace, text and JSON output, bad
# input refused. No timing assertions; the shipped traces run once with
# --check (virtual time, deterministic): adaptive must keep its targets.
bench=$top_builddir/tests/sim/cram-bench
trace=$top_srcdir/tests/sim/smoke.trace
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$bench" --no-shipped --trace "$trace" >"$d/out" || fail "cram-bench failed"
for p in static adaptive oracle; do
	grep -q "^smoke  *$p " "$d/out" || fail "no $p row: $(cat "$d/out")"
done
grep -q '^worst case: static: ' "$d/out" || fail "no summary line"

"$bench" --no-shipped --trace "$trace" --json >"$d/json" || fail "--json failed"
for k in trace policy compressible overflows min_headroom_bytes \
	utilization_vs_oracle gate_flaps evicted_bytes gate_flaps_per_100s passes_per_s; do
	grep -q "\"$k\": " "$d/json" || fail "no key $k in the JSON output"
done
[ "$(grep -c '"policy": ' "$d/json")" = 3 ] || fail "expected 3 results"

printf 'phase duration_ms=10 ratio=0.5\n' >"$d/bad.trace"
"$bench" --no-shipped --trace "$d/bad.trace" >/dev/null 2>"$d/err" &&
	fail "a bad trace was accepted"
grep -q "bad.trace:1: ratio" "$d/err" || fail "bad trace error: $(cat "$d/err")"
"$bench" --no-shipped --trace "$d/none.trace" >/dev/null 2>&1 &&
	fail "a missing trace was accepted"
"$bench" --bogus >/dev/null 2>&1 && fail "a bad option was accepted"

# --config: the [policy] of a cramd.conf, read by cramd's parser
printf '[policy]\nreserve_permille = 500\n' >"$d/wide.conf"
"$bench" --no-shipped --trace "$trace" --config "$d/wide.conf" >"$d/wide" ||
	fail "--config failed"
grep -q '^smoke  *adaptive ' "$d/wide" || fail "--config: no adaptive row: $(cat "$d/wide")"
[ "$(grep '^smoke  *adaptive ' "$d/wide")" != "$(grep '^smoke  *adaptive ' "$d/out")" ] ||
	fail "--config: a reserve of half the device changed nothing"
printf '[policy]\nsafety_percent = 200\n' >"$d/bad.conf"
"$bench" --no-shipped --trace "$trace" --config "$d/bad.conf" >/dev/null 2>"$d/err" &&
	fail "a bad configuration was accepted"
grep -q "bad.conf:2: \[policy\] safety_percent" "$d/err" ||
	fail "bad configuration error: $(cat "$d/err")"

"$bench" --check >"$d/all" || fail "adaptive misses its targets: $(cat "$d/all")"

# reseed.sh: every shipped trace again with another noise sequence
reseed=$top_srcdir/tests/sim/reseed.sh
sh "$reseed" "$bench" "3" >"$d/reseed" || fail "reseed.sh failed"
[ "$(grep -c '^[a-z0-9-]*@3  *adaptive ' "$d/reseed")" = \
  "$(ls "$top_srcdir"/tests/sim/traces/*.trace | wc -l)" ] ||
	fail "reseed.sh: not every trace reseeded: $(cat "$d/reseed")"
grep -q '^steady ' "$d/reseed" && fail "reseed.sh ran the shipped traces too"
sh "$reseed" "$bench" "1 x" >/dev/null 2>&1 && fail "reseed.sh took a seed 'x'"
# --summary: one line per trace and policy, over every seed
sh "$reseed" "$bench" "4 5" --summary >"$d/summary" || fail "reseed.sh --summary failed"
[ "$(grep -c '^[a-z0-9-]*  *adaptive  *runs 2 overflowed 0 ' "$d/summary")" = \
  "$(ls "$top_srcdir"/tests/sim/traces/*.trace | wc -l)" ] ||
	fail "reseed.sh --summary: $(cat "$d/summary")"
exit 0
