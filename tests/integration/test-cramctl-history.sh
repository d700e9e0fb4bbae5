#!/bin/sh
# cramd's telemetry history: it fills as cramd polls a device that fills
# up to its high watermark (its gate closes), `cramctl history` shows it as a
# table and as JSON, an unknown device is refused, and `cramctl plot`
# draws it as well-formed SVG whose data points are the history's.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev
command -v python3 >/dev/null 2>&1 || cram_skip "needs python3 to check the JSON and SVG"

if [ "${1:-}" = --inner ]; then
	dev=/sys/bus/dax/devices
	out=$CRAM_TESTBED/out

	cram_start_cramd '[global]\npoll_interval_ms = 100\n[policy]\npolicy = static\nhigh_watermark_percent = 30\nlow_watermark_percent = 20\n'
	cram_wait_for 10 grep -qx online $dev/dax0.0/cram/state
	# a history of at least 10 samples, the gate still open
	cram_wait_for 10 sh -c "$CRAMCTL history --json dax0.0 | python3 -c 'import json,sys; sys.exit(len(json.load(sys.stdin)) < 10)'"
	# generous: the fake kernel fills in its ticks, slower on a loaded machine
	cram_wait_for 40 grep -qx 1 $dev/dax0.0/cram/no_alloc
	cram_wait_for 5 sh -c "$CRAMCTL history --json dax0.0 | grep -q '\"gate_changed\": true'"

	# JSON: oldest first, use growing up to the gate change, sane levels
	$CRAMCTL history --json dax0.0 >"$out.json" || cram_fail "history --json failed"
	python3 - "$out.json" <<'PY' || cram_fail "history --json is not the history of a filling device"
import json, sys
pts = json.load(open(sys.argv[1]))
assert isinstance(pts, list) and len(pts) >= 10, len(pts)
t = [p["time_ms"] for p in pts]
assert t == sorted(t), "not oldest first"
cap = 134217728
for p in pts:
    assert p["phys_capacity_bytes"] == cap, p
    assert p["reserve_bytes"] == cap * 30 // 100, p
    assert 0 <= p["phys_used_bytes"] <= cap and p["logical_bytes"] >= 0, p
    assert p["gate"] in ("open", "closed"), p
changes = [p for p in pts if p.get("gate_changed")]
assert changes and changes[0]["gate"] == "closed", changes
assert changes[0]["phys_used_bytes"] >= cap * 30 // 100, changes[0]
assert pts[0]["gate"] == "open" and pts[0]["phys_used_bytes"] < changes[0]["phys_used_bytes"]
assert pts[-1]["logical_bytes"] > 0
PY

	# the table: a header, then one row per point (the history keeps growing)
	$CRAMCTL history dax0.0 >"$out" || cram_fail "history failed"
	cram_assert_grep '^TIME  *USED  *CAP  *RESERVE  *LOGICAL  *GATE  *RATE  *TARGET  *EVENTS$' "$out"
	cram_assert_grep '^20[0-9-]*T[0-9:.]*Z  *[0-9.]*[KM]  *128M  *38M  *[0-9.]*[KM]  *closed .* gate-closed$' "$out"
	[ "$(($(wc -l <"$out") - 1))" -ge "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$out.json")" ] ||
		cram_fail "the table has fewer rows than the history had points"

	# an unknown device, a bad name, no device
	if $CRAMCTL history dax7.0 >"$out" 2>"$out.err"; then
		cram_fail "history of an unknown device succeeded"
	fi
	cram_assert_grep 'dax7.0: cramd manages no such device' "$out.err"
	$CRAMCTL history nodax >/dev/null 2>"$out.err" && cram_fail "history of a bad name succeeded"
	cram_assert_grep 'must be daxX.Y' "$out.err"
	$CRAMCTL history >/dev/null 2>&1
	cram_assert_eq $? 2 "history without a device is a usage error"

	# plot: the data points are the history's. A poll interval of a minute
	# holds the history still (the gate is closed: no threshold wakes cramd).
	printf '[global]\npoll_interval_ms = 60000\n[policy]\npolicy = static\nhigh_watermark_percent = 30\nlow_watermark_percent = 20\n' >"$CRAMD_CONF"
	kill -HUP "$CRAMD_PID"
	cram_wait_for 5 grep -q 'reloaded .*poll 60000 ms' "$CRAMD_LOG"
	cram_wait_for 5 sh -c "$CRAMCTL history --json dax0.0 >'$out.before' && sleep 0.5 &&
		$CRAMCTL history --json dax0.0 | cmp -s - '$out.before'"
	$CRAMCTL plot dax0.0 --svg "$CRAM_TESTBED/h.svg" || cram_fail "plot failed"
	$CRAMCTL history --json dax0.0 >"$out.after" || cram_fail "history --json failed"
	if command -v xmllint >/dev/null 2>&1; then
		xmllint --noout "$CRAM_TESTBED/h.svg" || cram_fail "the SVG is not well-formed XML"
	fi
	python3 - "$CRAM_TESTBED/h.svg" "$out.before" "$out.after" <<'PY' || cram_fail "the SVG does not draw the history"
import json, sys
import xml.etree.ElementTree as ET
ns = {"s": "http://www.w3.org/2000/svg"}
root = ET.parse(sys.argv[1]).getroot()
before, after = (json.load(open(f)) for f in sys.argv[2:4])
title = root.find("s:title", ns).text
assert "dax0.0" in title and "UTC" in title, title
g = root.find(".//s:g[@id='plot']", ns)
t0, t1, ymax = (int(g.get(k)) for k in ("data-t0-ms", "data-t1-ms", "data-ymax-bytes"))
left, top, w, h = (int(g.get(k)) for k in ("data-left", "data-top", "data-width", "data-height"))
lines = {p.get("data-key"): [tuple(map(float, xy.split(","))) for xy in p.get("points").split()]
         for p in g.iter("{http://www.w3.org/2000/svg}polyline")}
assert set(lines) == {"phys_used_bytes", "phys_capacity_bytes", "reserve_bytes", "logical_bytes"}, lines.keys()
assert before == after, "the history changed while it was drawn"
pts = after
n = len(pts)
assert t0 == pts[0]["time_ms"] and t1 == pts[-1]["time_ms"], (t0, t1)
for key, xy in lines.items():
    assert len(xy) == n, key
    for p, (x, y) in zip(pts, xy):
        assert abs(x - (left + (p["time_ms"] - t0) * w / (t1 - t0))) < 0.02, (key, p, x)
        assert abs(y - (top + h - p[key] * h / ymax)) < 0.02, (key, p, y)
used = [p["phys_used_bytes"] for p in pts]
ys = [y for _, y in lines["phys_used_bytes"]]
# the extremes: the highest point drawn is the most used, the lowest the least
assert used[ys.index(min(ys))] == max(used) and used[ys.index(max(ys))] == min(used)
assert max(used) <= ymax and max(p["phys_capacity_bytes"] for p in pts) <= ymax
changes = g.findall(".//s:line[@class='gate-change']", ns)
assert len(changes) == sum(1 for p in pts if p.get("gate_changed")), len(changes)
spans = g.findall(".//s:g[@class='gate-closed']/s:rect", ns)
assert spans and abs(float(spans[0].get("x")) - float(changes[0].get("x1"))) < 0.02, "no closed span"
evicts = g.findall(".//s:path[@class='evict']", ns)
assert len(evicts) == sum(1 for p in pts if "evict_bytes" in p), len(evicts)
legend = " ".join(t.text for t in root.iter("{http://www.w3.org/2000/svg}text"))
for word in ("physical use", "physical capacity", "reserve level", "logical bytes",
             "gate closed", "eviction requested", "time (UTC", "memory (bytes"):
    assert word in legend, word
PY
	$CRAMCTL plot dax0.0 --svg - >"$out" || cram_fail "plot to stdout failed"
	head -n 1 "$out" | grep -q '^<?xml' || cram_fail "plot --svg - wrote no SVG to stdout"

	# bad paths are refused and leave nothing behind
	mkdir "$CRAM_TESTBED/dir"
	$CRAMCTL plot dax0.0 --svg "$CRAM_TESTBED/dir" 2>"$out.err" && cram_fail "plot over a directory succeeded"
	cram_assert_grep 'not a regular file' "$out.err"
	$CRAMCTL plot dax0.0 --svg "$CRAM_TESTBED/dir/" 2>"$out.err" && cram_fail "plot to a dir/ succeeded"
	cram_assert_grep 'not a file name' "$out.err"
	$CRAMCTL plot dax0.0 --svg "$CRAM_TESTBED/none/h.svg" 2>"$out.err" && cram_fail "plot into a missing directory succeeded"
	cram_assert_grep 'none/h.svg: No such file or directory' "$out.err"
	mkfifo "$CRAM_TESTBED/fifo"
	$CRAMCTL plot dax0.0 --svg "$CRAM_TESTBED/fifo" 2>"$out.err" && cram_fail "plot into a FIFO succeeded"
	cram_assert_grep 'not a regular file' "$out.err"
	$CRAMCTL plot dax7.0 --svg "$CRAM_TESTBED/x.svg" 2>"$out.err" && cram_fail "plot of an unknown device succeeded"
	[ -e "$CRAM_TESTBED/x.svg" ] && cram_fail "a refused plot left a file"
	[ -z "$(ls "$CRAM_TESTBED/dir")" ] || cram_fail "a refused plot left a temporary file"
	ls "$CRAM_TESTBED" | grep -q '\.tmp\.' && cram_fail "plot left a temporary file"
	$CRAMCTL plot dax0.0 >/dev/null 2>&1
	cram_assert_eq $? 2 "plot without --svg is a usage error"

	cram_stop_cramd
	exit 0
fi

cram_run_testbed --devices 1 --size 268435456 --phys 134217728 --ratio 3000 \
	--inflow 33554432 --tick-ms 20 -- sh "$0" --inner
