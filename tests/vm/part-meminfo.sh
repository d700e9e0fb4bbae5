# cram VM tests: a private node's memory is not the system's RAM. Onlining
# the device must leave /proc/meminfo's MemTotal and CommitLimit as they
# were, and must not grow MemFree or MemAvailable by the node's size (the
# node's struct pages come from DRAM, so both may drop a little); the
# node's own meminfo reports its memory. Offlining gives the same figures
# back.
# Sourced by guest-tests.sh with $dax bound and offline; leaves it so.

mi_kb() { # FIELD -> kB from /proc/meminfo
	awk -v f="$1:" '$1 == f { print $2 }' /proc/meminfo
}
mi_all() {
	echo "MemTotal=$(mi_kb MemTotal) MemFree=$(mi_kb MemFree) MemAvailable=$(mi_kb MemAvailable) CommitLimit=$(mi_kb CommitLimit)"
}

test_meminfo() {
	n=$tnode
	vmstat_fold
	m0=$(mi_all)
	expect_wr ok:meminfo-online $C/state online OK
	vmstat_fold
	m1=$(mi_all)
	nk=$(node_kb $n MemTotal)
	expect_wr ok:meminfo-offline $C/state offline OK
	vmstat_fold
	m2=$(mi_all)
	for f in MemTotal MemFree MemAvailable CommitLimit; do
		eval "${f}_d=\$((\$(kv $f \"\$m1\") - \$(kv $f \"\$m0\")))"
	done
	check meminfo:online "node$n MemTotal=${nk}kB; before: $m0; online: $m1; deltas: MemTotal=$MemTotal_d MemFree=$MemFree_d MemAvailable=$MemAvailable_d CommitLimit=$CommitLimit_d kB" \
		eval '[ "${nk:-0}" -gt 0 ] && [ "$MemTotal_d" = 0 ] && [ "$CommitLimit_d" = 0 ] &&
		[ "$MemFree_d" -lt $((nk / 16)) ] && [ "$MemAvailable_d" -lt $((nk / 16)) ]'
	check meminfo:offline "offline: $m2" \
		eval '[ "$(kv MemTotal "$m2")" = "$(kv MemTotal "$m0")" ] &&
		[ "$(kv CommitLimit "$m2")" = "$(kv CommitLimit "$m0")" ]'
}

test_meminfo
