#!/bin/sh
# cramctl metrics: promtool and the Prometheus Python parser accept the
# exposition with and without cramd; page counters are in bytes; the time
# to full, degraded and paused samples are there when they are known and
# left out otherwise; --textfile replaces DIR/cram.prom atomically and
# refuses a DIR that is no directory.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

# A python3 with prometheus_client (Debian: python3-prometheus-client).
cram_python() {
	for _py in python3 /usr/bin/python3; do
		if "$_py" -c 'import prometheus_client' 2>/dev/null; then
			echo "$_py"
			return 0
		fi
	done
	return 1
}

if [ "${1:-}" = --inner ]; then
	dev=/sys/bus/dax/devices
	out=$CRAM_TESTBED/out
	page=$(getconf PAGESIZE)
	dax0='device="dax0.0",region="region0",node="1",mode="compressed"'
	dax1='device="dax1.0",region="region1",node="2",mode="compressed"'

	# The parser must take every family with its type, and each sample's
	# name must be its family's (with _total only on counters).
	check_exposition() {
		promtool check metrics <"$1" >"$out.promtool" 2>&1 ||
			{ cat "$out.promtool"; cram_fail "promtool rejects $1"; }
		"$PY" - "$1" <<'EOF' || cram_fail "the Python parser rejects $1"
import sys
from prometheus_client.parser import text_string_to_metric_families
seen = {}
for fam in text_string_to_metric_families(open(sys.argv[1]).read()):
    seen[fam.name] = fam.type
    for s in fam.samples:
        assert s.name == fam.name + ("_total" if fam.type == "counter" else ""), s.name
        assert s.value == s.value, s  # no NaN
for name, kind in (("cram_device_demoted_bytes", "counter"),
                   ("cram_device_promoted_bytes", "counter"),
                   ("cram_device_evicted_bytes", "counter"),
                   ("cram_device_phys_used_bytes", "gauge"),
                   ("cram_device_ballooned_bytes", "gauge"),
                   ("cram_device_time_to_full_seconds", "gauge"),
                   ("cram_build_info", "gauge"), ("cramd_up", "gauge")):
    assert seen.get(name) == kind, (name, seen.get(name))
EOF
	}
	# value METRIC LABELS FILE: the sample's value, or nothing
	value() {
		sed -n "s/^$1{$2} //p" "$3"
	}

	# dax0.0 fills, then goes offline: its counters stay where they are.
	echo online >$dev/dax0.0/cram/state
	cram_wait_for 10 sh -c "[ \$(cut -d' ' -f4 $dev/dax0.0/cram/stat) -gt 0 ]"
	echo offline >$dev/dax0.0/cram/state
	cram_wait_for 10 sh -c "[ \$(cut -d' ' -f2 $dev/dax0.0/cram/stat) -eq 0 ]"
	echo online >$dev/dax1.0/cram/state
	cram_wait_for 5 grep -qx 2 /sys/devices/system/node/has_private_memory

	stat0=$(cat $dev/dax0.0/cram/stat)
	$CRAMCTL metrics >"$out" 2>"$out.err" || { cat "$out.err"; cram_fail "metrics failed"; }
	cram_assert_eq "$(cat $dev/dax0.0/cram/stat)" "$stat0" "dax0.0's telemetry while offline"
	check_exposition "$out"
	# shellcheck disable=SC2086 # split the fields on purpose
	set -- $stat0
	cram_assert_eq "$(value cram_device_demoted_bytes_total "$dax0" "$out")" \
		"$(($4 * page))" "demoted pages in bytes"
	cram_assert_eq "$(value cram_device_promoted_bytes_total "$dax0" "$out")" \
		"$(($5 * page))" "promoted pages in bytes"
	cram_assert_eq "$(value cram_device_evicted_bytes_total "$dax0" "$out")" \
		"$(($6 * page))" "evicted pages in bytes"
	cram_assert_eq "$(value cram_device_ballooned_bytes "$dax0" "$out")" \
		"$(($7 * page))" "ballooned pages in bytes"
	cram_assert_eq "$(value cram_device_capacity_limit_bytes "$dax1" "$out")" \
		"$(($(cram_read $dev/dax1.0/cram/capacity_pages) * page))" "capacity_pages in bytes"
	cram_assert_eq "$(value cram_device_demote_rate_limit_bytes_per_second "$dax1" "$out")" \
		0 "no rate limit at online"
	cram_assert_grep "^cram_build_info{version=\"$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$top_builddir/config.h")\"} 1$" "$out"
	# dax1.0 fills (the fake kernel's inflow): a time to full; dax0.0 is
	# empty and offline: none, and no +Inf either.
	ttf=$(value cram_device_time_to_full_seconds "$dax1" "$out")
	[ -n "$ttf" ] || cram_fail "no time to full for a filling device"
	grep -q "^cram_device_time_to_full_seconds{$dax0}" "$out" &&
		cram_fail "a time to full for a device that does not grow"
	grep -Ei " [+-]?inf$" "$out" && cram_fail "an infinite sample"
	# Without cramd: cramd_up 0, and nothing that only cramd knows.
	cram_assert_grep '^cramd_up 0$' "$out"
	for m in cramd_paused cram_device_degraded cram_device_paused; do
		grep -q "^$m[ {]" "$out" && cram_fail "$m without cramd"
	done
	grep -Eq '^(# TYPE )?[a-z_]*pages' "$out" && cram_fail "a metric still in pages"

	# --interval 0: no measurement, no time to full at all.
	$CRAMCTL metrics --interval 0 >"$out.0" || cram_fail "metrics --interval 0 failed"
	check_exposition "$out.0"
	grep -q '^cram_device_time_to_full_seconds{' "$out.0" &&
		cram_fail "a time to full without a measurement"

	# --textfile: a missing directory, a file and a FIFO are refused with
	# exit status 1 and a message naming them, without blocking on the FIFO.
	tf=$CRAM_TESTBED/textfile
	mkdir "$tf"
	: >"$tf.file"
	mkfifo "$tf.fifo"
	for bad in "$tf.missing" "$tf.file" "$tf.fifo"; do
		timeout 30 $CRAMCTL metrics --interval 0 --textfile "$bad" >"$out.tf" 2>&1
		cram_assert_eq $? 1 "exit status of metrics --textfile $bad"
		cram_assert_grep "$bad" "$out.tf"
	done
	cram_assert_grep 'not a directory' "$out.tf"
	# nothing on stdout with --textfile; the file replaces an old one
	echo "old content" >"$tf/cram.prom"
	$CRAMCTL metrics --textfile "$tf" >"$out.tf" || cram_fail "metrics --textfile failed"
	cram_assert_eq "$(wc -c <"$out.tf")" 0 "stdout with --textfile"
	check_exposition "$tf/cram.prom"
	cram_assert_eq "$(ls -A "$tf")" cram.prom "files left in the textfile directory"
	cram_assert_eq "$(stat -c %a "$tf/cram.prom")" 644 "mode of cram.prom"
	# A symlink in its place is replaced, its target is not written.
	echo victim >"$CRAM_TESTBED/victim"
	ln -sf "$CRAM_TESTBED/victim" "$tf/cram.prom"
	$CRAMCTL metrics --interval 0 --textfile "$tf" || cram_fail "metrics over a symlink failed"
	cram_assert_eq "$(cat "$CRAM_TESTBED/victim")" victim "the symlink's target"
	[ -f "$tf/cram.prom" ] && [ ! -L "$tf/cram.prom" ] || cram_fail "cram.prom is no plain file"
	# A directory in its place: an error, and no temporary file left.
	mkdir "$CRAM_TESTBED/tf2" "$CRAM_TESTBED/tf2/cram.prom"
	$CRAMCTL metrics --interval 0 --textfile "$CRAM_TESTBED/tf2" 2>"$out.tf"
	cram_assert_eq $? 1 "exit status with a directory named cram.prom"
	cram_assert_grep 'cannot rename' "$out.tf"
	cram_assert_eq "$(ls -A "$CRAM_TESTBED/tf2")" cram.prom "files left after a failed rename"

	# Atomic: a reader polling the file never sees it partial, and each
	# write is a new file (a new inode), never a rewrite in place. A hard
	# link keeps the first file's inode alive, so that the filesystem
	# cannot hand its number to a later file (ext4 does, and a test that
	# compared inode numbers failed now and then).
	ln "$tf/cram.prom" "$out.first"
	(
		while [ ! -e "$CRAM_TESTBED/stop" ]; do
			cp "$tf/cram.prom" "$out.copy" 2>/dev/null || continue
			tail -n 1 "$out.copy" | grep -q '^cramd_up [01]$' || {
				cp "$out.copy" "$out.partial"
				exit 1
			}
		done
	) &
	reader=$!
	i=0
	while [ $i -lt 20 ]; do
		$CRAMCTL metrics --interval 0 --textfile "$tf" || cram_fail "metrics --textfile run $i failed"
		i=$((i + 1))
	done
	touch "$CRAM_TESTBED/stop"
	wait $reader || cram_fail "a reader saw a partial file: $(cat "$out.partial")"
	[ "$tf/cram.prom" -ef "$out.first" ] && cram_fail "cram.prom was rewritten in place"
	rm -f "$out.first"
	cram_assert_eq "$(ls -A "$tf")" cram.prom "files left in the textfile directory"

	# With cramd: cramd_up, cramd_paused and each managed device's degraded
	# and paused, with the same labels as the sysfs samples.
	cram_start_cramd '[global]\npoll_interval_ms = 100\n'
	cram_wait_for 10 grep -q 'ready: managing 2 devices' "$CRAMD_LOG"
	$CRAMCTL metrics --interval 0 >"$out.d" || cram_fail "metrics with cramd failed"
	check_exposition "$out.d"
	cram_assert_grep '^cramd_up 1$' "$out.d"
	cram_assert_grep '^cramd_paused 0$' "$out.d"
	cram_assert_eq "$(value cram_device_degraded "$dax1" "$out.d")" 0 "dax1.0 degraded"
	cram_assert_eq "$(value cram_device_paused "$dax1" "$out.d")" 0 "dax1.0 paused"
	# cramctl(8) describes every metric (all are here with cramd up).
	for m in $(sed -n 's/^# TYPE \([a-z_]*\) .*/\1/p' "$out.d"); do
		grep -q "^\.BR $m " "$top_srcdir/man/cramctl.8" ||
			cram_fail "metric $m is not described in man/cramctl.8"
	done
	$CRAMCTL pause >/dev/null || cram_fail "pause failed"
	$CRAMCTL metrics --interval 0 >"$out.d" || cram_fail "metrics with cramd paused failed"
	check_exposition "$out.d"
	cram_assert_grep '^cramd_paused 1$' "$out.d"
	cram_assert_eq "$(value cram_device_paused "$dax1" "$out.d")" 1 "dax1.0 paused"
	cram_stop_cramd

	for bad in "metrics --interval" "metrics --interval x" "metrics --interval 61" \
		"metrics --interval -1" "metrics --textfile" "metrics --textfile="; do
		# shellcheck disable=SC2086 # split on purpose
		$CRAMCTL $bad >/dev/null 2>&1
		cram_assert_eq $? 2 "exit status of 'cramctl $bad'"
	done
	exit 0
fi

command -v promtool >/dev/null || cram_skip "promtool not found (Debian: prometheus)"
PY=$(cram_python) || cram_skip "prometheus_client not found (Debian: python3-prometheus-client)"
export PY
cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --tick-ms 20 \
	-- sh "$0" --inner
