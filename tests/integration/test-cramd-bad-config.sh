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
expect_error '[global]\npoll_interval_ms =\n' "$d/c.conf:2:.*poll_interval_ms.*empty"
expect_error '[global]\npoll_interval_ms = -1\n' "$d/c.conf:2:.*poll_interval_ms"
expect_error '[global]\npoll_interval_ms = 99999999999999999999\n' "$d/c.conf:2:.*out of range"
expect_error '[global]\npoll_interval_ms = 0x10\n' "$d/c.conf:2:.*poll_interval_ms"
expect_error '[global]\npoll_interval_ms = 60001\n' "$d/c.conf:2:.*out of range 10..60000"
expect_error '[global]\npoll_interval_ms = 100\npoll_interval_ms = 200\n' "$d/c.conf:3:.*poll_interval_ms"
expect_error '[global]\ndevices = dax0\n' "$d/c.conf:2:.*devices.*dax0"
expect_error '[global]\ndevices = all dax0.0\n' "$d/c.conf:2:.*devices.*all"
expect_error '[global]\ndevices = dax0.0 dax0.0\n' "$d/c.conf:2:.*devices.*twice"
expect_error '[global]\ndevices =\n' "$d/c.conf:2:.*devices.*empty"
expect_error '[global]\ndry_run = maybe\n' "$d/c.conf:2:.*dry_run.*yes or no"
expect_error '[global]\noffline_timeout_ms = 50\n' "$d/c.conf:2:.*offline_timeout_ms.*out of range 100..60000"
expect_error '[global]\noffline_timeout_ms = 3s\n' "$d/c.conf:2:.*offline_timeout_ms.*invalid number '3s'"
expect_error '[global]\noffline_retries = 21\n' "$d/c.conf:2:.*offline_retries.*out of range 0..20"
expect_error '[policy]\npolicy = fancy\n' "$d/c.conf:2:.*policy.*fancy"
expect_error '[policy]\nlow_watermark_percent = 100\n' "$d/c.conf:2:.*low_watermark_percent"
expect_error '[policy]\nreserve_permille = 501\n' "$d/c.conf:2:.*reserve_permille"
expect_error '[policy]\nevict_target_permille = 5\n' "$d/c.conf:2:.*evict_target_permille"
expect_error '[policy]\nreserve_permille = 10\n' "$d/c.conf:2:.*reserve_permille.*critical_permille"
expect_error '[policy]\nsmoothing_percent = 0\n' "$d/c.conf:2:.*smoothing_percent"
expect_error '[policy]\nevict_window_ms = 50\n' "$d/c.conf:2:.*evict_window_ms"
expect_error '[policy]\nstale_intervals = 0\n' "$d/c.conf:2:.*stale_intervals"
expect_error '[global]\njust some words\n' "$d/c.conf:2:"
expect_error '[global\npoll_interval_ms = 100\n' "$d/c.conf:1:"
expect_error "[global]\ndevices = $(printf 'dax%s.0 ' $(seq 10 60))\n" "$d/c.conf:2:"
expect_error '[global]\ndevices = dax0.0\n  dax1.0\n' "$d/c.conf:3:"
expect_error '[global]\n[global]\n' "$d/c.conf:2:.*global"
expect_error '[device dax0.0]\nclaim = maybe\n' "$d/c.conf:2:.*claim.*yes or no"
expect_error '[device region1]\nclaim_system_ram = yes\n' \
	"$d/c.conf:1:.*claim_system_ram.*needs claim = yes"
expect_error '[policy]\nclaim = yes\n' "$d/c.conf:2:.*claim"

# A bad drop-in is named, with its line.
printf '[global]\npoll_interval_ms = 100\n' >"$d/c.conf"
mkdir -p "$d/c.conf.d"
printf '[policy]\nhigh_watermark_percent = 50\nlow_watermark_percent = 70\n' >"$d/c.conf.d/10-x.conf"
$CRAMD --check-config --config "$d/c.conf" >/dev/null 2>"$d/err"
cram_assert_eq $? 1 "bad drop-in"
cram_assert_grep "$d/c.conf.d/10-x.conf:3:.*low_watermark_percent" "$d/err"
rm -r "$d/c.conf.d"

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
