#!/bin/sh
# The shipped cramctl-metrics.timer and .service: systemd-analyze verify
# finds nothing to say about them (an unknown key is only a warning, so any
# output fails), the timer is off until enabled (WantedBy=, never started by
# the build), and the sandbox stays tight (systemd-analyze security's
# exposure at most 2.0 of 10). Skips (77) without systemd-analyze.
. "$top_srcdir/tests/integration/lib.sh"
command -v systemd-analyze >/dev/null || cram_skip "systemd-analyze not found"

dir=$(mktemp -d) || cram_fail "mktemp"
trap 'rm -rf "$dir"' EXIT
# The unit as the build makes it, with ExecStart= on this build's cramctl
# (verify checks that the program exists).
sed "s|^ExecStart=[^ ]*/cramctl |ExecStart=$top_builddir/cramctl/cramctl |" \
	"$top_builddir/systemd/cramctl-metrics.service" >"$dir/cramctl-metrics.service" ||
	cram_fail "no systemd/cramctl-metrics.service in the build tree"
cp "$top_srcdir/systemd/cramctl-metrics.timer" "$dir/"
grep -q '^ExecStart=.*/cramctl metrics --textfile /var/lib/prometheus/node-exporter$' \
	"$top_builddir/systemd/cramctl-metrics.service" ||
	cram_fail "the service does not write Debian's node_exporter directory"
grep -q '@[a-z]*@' "$top_builddir/systemd/cramctl-metrics.service" &&
	cram_fail "an unsubstituted @variable@ in the service"
grep -qx 'WantedBy=timers.target' "$dir/cramctl-metrics.timer" ||
	cram_fail "the timer is not wanted by timers.target once enabled"

out=$(cd "$dir" && systemd-analyze verify --man=no cramctl-metrics.timer \
	cramctl-metrics.service 2>&1)
rc=$?
[ $rc -eq 0 ] && [ -z "$out" ] || cram_fail "systemd-analyze verify (exit $rc): $out"

if systemd-analyze security --help 2>/dev/null | grep -q -- '--offline'; then
	systemd-analyze security --offline=true --threshold=20 \
		"$dir/cramctl-metrics.service" >"$dir/security" 2>&1 ||
		cram_fail "sandbox too loose: $(tail -n 1 "$dir/security")"
fi
exit 0
