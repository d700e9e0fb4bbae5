#!/bin/sh
# contrib/grafana/cram.json: valid JSON; every metric its queries use is one
# that cramctl(8) describes (so a renamed metric cannot leave the dashboard
# empty); and, with promtool, every query parses as PromQL (the dashboard's
# variables replaced by plain values).
. "$top_srcdir/tests/integration/lib.sh"
dash=$top_srcdir/contrib/grafana/cram.json
py=
for p in python3 /usr/bin/python3; do
	command -v "$p" >/dev/null && { py=$p; break; }
done
[ -n "$py" ] || cram_skip "python3 not found"

out=$(mktemp -d) || cram_fail "mktemp"
trap 'rm -rf "$out"' EXIT
"$py" -m json.tool "$dash" >/dev/null || cram_fail "$dash is not valid JSON"
# One query a line, with Grafana's variables replaced.
"$py" - "$dash" >"$out/exprs" <<'PY' || cram_fail "cannot read the queries of $dash"
import json, sys
d = json.load(open(sys.argv[1]))
n = 0
for p in d["panels"]:
    assert p["datasource"]["type"] == "prometheus", p["title"]
    for t in p["targets"]:
        e = t["expr"].replace("$__rate_interval", "5m")
        e = e.replace("$instance", ".*").replace("$device", ".*")
        assert "\n" not in e
        print(e)
        n += 1
assert n > 0
PY
metrics=$(grep -o 'cramd\?_[a-z_]*' "$out/exprs" | sort -u)
for m in cram_device_phys_used_bytes cram_device_phys_capacity_bytes \
	cram_device_compression_ratio cram_device_gate_closed \
	cram_device_demote_rate_limit_bytes_per_second cram_device_time_to_full_seconds \
	cram_device_degraded; do
	echo "$metrics" | grep -qx "$m" || cram_fail "the dashboard does not show $m"
done
for m in $metrics; do
	grep -q "^\.BR $m " "$top_srcdir/man/cramctl.8" ||
		cram_fail "the dashboard uses $m, which cramctl(8) does not describe"
done
if command -v promtool >/dev/null; then
	{
		echo "groups:"
		echo "  - name: dashboard"
		echo "    rules:"
		i=0
		while IFS= read -r e; do
			i=$((i + 1))
			echo "      - record: dashboard_query_$i"
			printf "        expr: '%s'\n" "$(printf '%s' "$e" | sed "s/'/''/g")"
		done <"$out/exprs"
	} >"$out/rules.yml"
	promtool check rules "$out/rules.yml" >"$out/promtool" 2>&1 ||
		cram_fail "a dashboard query is not PromQL: $(cat "$out/promtool")"
fi
exit 0
