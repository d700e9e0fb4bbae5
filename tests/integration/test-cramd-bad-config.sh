#!/bin/sh
# Bad configuration: one clear line naming file, line and key; exit 1.
. "$top_srcdir/tests/integration/lib.sh"

d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT

# expect_error FILE-CONTENT PATTERN: cramd must refuse it, naming the place.
expect_error() {
	printf "$1" >"$d/c.conf"
	$CRAMD --check-config --config "$d/c.conf" >"$d/out" 2>"$d/err"
	rc=$?
	cram_assert_eq $rc 1 "exit status for: $1"
	cram_assert_eq "$(wc -l <"$d/err")" 1 "one line of error for: $1"
	grep -q "$2" "$d/err" || cram_fail "error for '$1' does not match '$2': $(cat "$d/err")"
}

expect_error '[global]\nfrobnicate = 1\n' "$d/c.conf:2:.*frobnicate"
expect_error '[global]\npoll_interval_ms = 5\n' "$d/c.conf:2:.*poll_interval_ms"
expect_error '[global]\npoll_interval_ms = 10x\n' "$d/c.conf:2:.*poll_interval_ms"
expect_error '\n[policy]\nhigh_watermark_percent = 120\n' "$d/c.conf:3:.*high_watermark_percent"
expect_error '[policy]\nhigh_watermark_percent = 50\nlow_watermark_percent = 60\n' \
	"$d/c.conf:3:.*low_watermark_percent"
expect_error '[nonsense]\nx = 1\n' "$d/c.conf:1:.*nonsense"
expect_error 'poll_interval_ms = 100\n' "$d/c.conf:1:"

$CRAMD --check-config --config "$d/missing.conf" >/dev/null 2>"$d/err"
cram_assert_eq $? 1 "missing config file"
cram_assert_grep "$d/missing.conf" "$d/err"

printf '[global]\npoll_interval_ms = 250\n' >"$d/ok.conf"
$CRAMD --check-config --config "$d/ok.conf" >"$d/out" 2>&1 || cram_fail "good config refused"
cram_assert_grep "ok" "$d/out"

# The daemon itself (not only --check-config) refuses to start.
printf '[global]\nbogus = 1\n' >"$d/c.conf"
$CRAMD --config "$d/c.conf" >/dev/null 2>"$d/err"
cram_assert_eq $? 1 "daemon start with a bad config"
cram_assert_grep "c.conf:2:.*bogus" "$d/err"

$CRAMD --no-such-option >/dev/null 2>&1
[ $? -ne 0 ] || cram_fail "unknown option accepted"
exit 0
