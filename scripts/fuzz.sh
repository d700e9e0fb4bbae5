#!/bin/sh
# Build the libFuzzer targets with clang (ASan + UBSan) and run each for a
# bounded time: scripts/fuzz.sh [SECONDS_PER_TARGET] (default 60).
# Seeds: the unit-test configurations, a few requests, one discovery.
# The request target also gets a dictionary (tests/fuzz/request.dict) so
# it reaches the decoding of \u escapes and the duplicate-key scan.
# Needs the configured build/ for the generated <cram/version.h>.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
out=$top/build/fuzz
mkdir -p "$out/corpus-config" "$out/corpus-request" "$out/corpus-discover"
cflags="-g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
	-D_GNU_SOURCE -DSYSCONFDIR=\"/etc\" -DRUNSTATEDIR=\"/run\" -I$top -I$top/libcram -I$top/build/libcram"
# shellcheck disable=SC2086
clang $cflags -o "$out/fuzz-request" "$top/tests/fuzz/fuzz-request.c" "$top/cramd/control-request.c" \
	"$top/cramd/utf8.c" "$top/util/names.c" "$top/util/decimal.c" \
	$(pkg-config --cflags --libs json-c)
# shellcheck disable=SC2086
clang $cflags -o "$out/fuzz-config" "$top/tests/fuzz/fuzz-config.c" "$top/cramd/config.c" \
	"$top/cramd/config-reader.c" "$top/cramd/config-keys.c" "$top/cramd/config-device.c" \
	"$top/util/names.c" "$top/util/decimal.c"
# shellcheck disable=SC2086
clang $cflags -o "$out/fuzz-discover" "$top/tests/fuzz/fuzz-discover.c" \
	"$top/cramd/discover-format.c" "$top/util/names.c" "$top/util/decimal.c" $(pkg-config --cflags --libs json-c)
cp "$top"/tests/unit/configs/*.conf "$top/conf/cramd.conf" "$out/corpus-config/"
printf '{"command":"status"}\n' >"$out/corpus-request/status"
printf '{"command":"online","device":"dax0.0"}\n' >"$out/corpus-request/online"
printf '{"comm\\u0061nd":"st\\u0061tus","x":[{"a":"\\ud83d\\ude00"}]}\n' >"$out/corpus-request/escapes"
printf '{"format":"cram-discover","version":1,"cxl_regions":1,"devices":[{"devname":"dax0.0","region":"region0","node":2,"memdevs":"mem0","serial":"0x1a"}]}\n' \
	>"$out/corpus-discover/one"
rc=0
for t in request config discover; do
	echo "fuzz: $t for ${secs}s"
	dict=
	[ -f "$top/tests/fuzz/$t.dict" ] && dict=-dict=$top/tests/fuzz/$t.dict
	# shellcheck disable=SC2086 # $dict is one word or none
	"$out/fuzz-$t" -max_total_time="$secs" -max_len=4200 -print_final_stats=1 $dict \
		"$out/corpus-$t" >"$out/fuzz-$t.log" 2>&1 || { rc=1; tail -40 "$out/fuzz-$t.log"; }
	grep -E '^stat::number_of_executed_runs|^#[0-9]+.*DONE' "$out/fuzz-$t.log" | tail -2
done
exit $rc
