#!/bin/sh
# Documentation matches the code: every cramctl verb (from cramctl --help)
# is described in cramctl(8), and every configuration key of the shipped
# conf/cramd.conf is described in cramd.conf(5). The pages format cleanly.
. "$top_srcdir/tests/integration/lib.sh"

verbs=$($CRAMCTL --help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p')
[ -n "$verbs" ] || cram_fail "cramctl --help lists no verbs"
for v in $verbs; do
	grep -Eq "^\.(B|BI|BR) \"?$v\b" "$top_srcdir/man/cramctl.8" ||
		cram_fail "cramctl verb '$v' is not described in man/cramctl.8"
done

# Every option and every table column of every verb's full usage
# (cramctl help VERB) is in cramctl(8): an option as \-\-name, a column as
# a .B NAME line.
page=$(sed 's/\\-/-/g' "$top_srcdir/man/cramctl.8")
for v in $verbs; do
	h=$($CRAMCTL help "$v") || cram_fail "cramctl help $v failed"
	for o in $(printf '%s\n' "$h" | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		printf '%s\n' "$page" | grep -q -- "$o" ||
			cram_fail "option $o of cramctl $v is not described in man/cramctl.8"
	done
	for c in $(printf '%s\n' "$h" | sed -n '/^Available output columns/,/^$/s/^ [* ]\([A-Z][A-Z-]*\) .*/\1/p'); do
		printf '%s\n' "$page" | grep -qx "\.B $c" ||
			cram_fail "column $c of cramctl $v is not described in man/cramctl.8"
	done
done

keys=$(sed -n 's/^[#;]* *\([a-z_][a-z0-9_]*\) *=.*/\1/p' "$top_srcdir/conf/cramd.conf" | sort -u)
[ -n "$keys" ] || cram_fail "conf/cramd.conf lists no keys"
for k in $keys; do
	grep -q "$k" "$top_srcdir/man/cramd.conf.5" ||
		cram_fail "configuration key '$k' is not described in man/cramd.conf.5"
done

if command -v groff >/dev/null 2>&1; then
	for m in "$top_srcdir"/man/*.[1-8]; do
		w=$(groff -man -Tutf8 -ww -z "$m" 2>&1)
		[ -z "$w" ] || cram_fail "$m: groff warnings: $w"
	done
fi
exit 0
