# cram VM tests: forced writes through the write fence (sourced by
# guest-tests.sh, busybox sh). Entered with the device bound and offline;
# leaves it so.
#
# ptrace(PTRACE_POKEDATA) and a write to /proc/PID/mem are forced writes
# (FOLL_FORCE): they write into a private mapping even where it is mapped
# read-only, mprotect(PROT_READ) included. A page on the private node must
# not be written there by them either: like a write fault, the write moves
# (promotes) the page to a DRAM node first and promoted_pages counts it.
# forcewrite (forcewrite.c) holds the pages, writes one word per page into
# them from another process, reads them back through /proc/PID/mem and
# tells where they are (move_pages(2) without target nodes).
#
# A bypass would read: the write succeeded, the page is still on the node,
# promoted_pages did not rise.

FW=/vmtests/forcewrite

# ff_start MB rw|ro|thp SEED [COMMAND PREFIX...]: a forcewrite target in the
# test cgroup; sets ft (its pid), fa (the mapping) and fp (its pages)
ff_start() {
	mb=$1 mode=$2 seed=$3
	shift 3
	sh -c 'echo $$ >'$CG'/cgroup.procs && exec "$@"' ff "$@" \
		$FW target $mb $mode $seed >/tmp/ff.$seed 2>&1 &
	ft=$!
	hogs="$hogs $ft"
	hog_wait /tmp/ff.$seed '^ready' >/dev/null
	fa=$(sed -n 's/.*addr=\(0x[0-9a-f]*\).*/\1/p' /tmp/ff.$seed)
	fp=$(kv pages "$(grep '^ready' /tmp/ff.$seed)")
}

# ff_write NAME mem|poke FIRST COUNT SEED: a forced write of one word into
# each page of [FIRST, FIRST + COUNT) of the target, and a check that it
# landed, moved every page of the range off the node, and that
# promoted_pages counts them
ff_write() {
	name=$1 how=$2 first=$3 count=$4 seed=$5
	b=$($FW nodes $ft $fa $first $count) on0=$(kv n$n "$b")
	p0=$(rd $C/promoted_pages)
	w=$($FW $how $ft $fa $first $count 2>&1 | tail -n 1)
	settle
	a=$($FW nodes $ft $fa $first $count) on1=$(kv n$n "$a")
	p1=$(rd $C/promoted_pages)
	c=$($FW check $ft $fa $first $count $seed)
	dp=$((p1 - p0))
	check $name "$w $c pages_on_node$n ${on0}->${on1} of $count promoted_pages ${p0}->${p1} (+$dp) before: $b after: $a" \
		eval '[ "$(kv ok "$w")" = "$count" ] &&
		[ "$(kv written "$c")" = "$count" ] && [ "$(kv bad "$c")" = 0 ] &&
		[ "$on0" -gt $((count / 2)) ] && [ "$on1" = 0 ] &&
		[ "$dp" -ge "$on0" ] && [ "$dp" -le $((count + 8)) ]'
}

test_fence_force() {
	n=$tnode
	expect_wr ok:fforce-online $C/state online OK
	settle

	# read-only (mprotect after the demotion), pages exclusive to their
	# process: /proc/PID/mem writes the first 1024 pages, PTRACE_POKEDATA
	# the next 1024; the other 2048 are not written and stay on the node
	rm -f /tmp/ff.101 /tmp/ff.102 /tmp/ff.103 /tmp/ff.104
	ff_start 16 ro 101
	r=$(reclaim 16M)
	settle
	kill -USR1 $ft
	hog_wait /tmp/ff.101 '^ro#1' >/dev/null
	rest0=$($FW nodes $ft $fa 2048 2048)
	ff_write fforce-ro-mem mem 0 1024 101
	ff_write fforce-ro-poke poke 1024 1024 101
	rest1=$($FW nodes $ft $fa 2048 2048)
	c=$($FW check $ft $fa 2048 2048 101)
	check fforce-ro-rest "reclaim=$r $c unwritten pages_on_node$n $(kv n$n "$rest0")->$(kv n$n "$rest1") of 2048" \
		eval '[ "$(kv intact "$c")" = 2048 ] &&
		[ "$(kv n$n "$rest0")" -gt 1024 ] &&
		[ "$(kv n$n "$rest1")" = "$(kv n$n "$rest0")" ]'
	stop_hogs
	settle

	# writable (VM_WRITE): the forced write takes a write fault, as any
	# write does
	ff_start 8 rw 102
	r=$(reclaim 8M)
	settle
	ff_write fforce-rw-mem mem 0 1024 102
	stop_hogs
	settle

	# transparent huge pages, PMD-mapped read-only on the node: the
	# forced write splits the mapping and promotes each whole folio, four
	# of them for the first 8 MiB (node 0 may have no free huge page left:
	# prefer node 1, as part-fence.sh does)
	ff_start 16 thp 103 numactl --preferred=1
	hthp=$(awk '/AnonHugePages/ { s += $2 } END { print s + 0 }' /proc/$ft/smaps)
	r=$(reclaim 16M)
	settle
	kill -USR1 $ft
	hog_wait /tmp/ff.103 '^ro#1' >/dev/null
	thp0=$(node_kb $n AnonHugePages)
	ff_write fforce-thp-mem mem 0 2048 103
	thp1=$(node_kb $n AnonHugePages)
	check fforce-thp-pmd "target_AnonHugePages=${hthp}kB reclaim=$r node${n}_AnonHugePages ${thp0}->${thp1}kB" \
		eval '[ "${thp0:-0}" -ge 8192 ] &&
		[ "${thp1:-0}" -le $((thp0 - 8192)) ]'
	stop_hogs
	settle

	# after fork() the pages are shared, not exclusive: the forced write
	# into the parent copies them to DRAM (no promotion), and the child
	# keeps its pages on the node, its data unchanged
	ff_start 8 ro 104
	r=$(reclaim 8M)
	settle
	kill -USR1 $ft
	hog_wait /tmp/ff.104 '^ro#1' >/dev/null
	kill -HUP $ft
	ch=$(hog_wait /tmp/ff.104 '^fork#1 ' | sed -n 's/.*child=//p')
	hogs="$hogs $ch"
	on0=$(kv n$n "$($FW nodes $ft $fa 0 1024)")
	c0=$(kv n$n "$($FW nodes $ch $fa 0 1024)")
	p0=$(rd $C/promoted_pages)
	w=$($FW mem $ft $fa 0 1024 2>&1 | tail -n 1)
	settle
	on1=$(kv n$n "$($FW nodes $ft $fa 0 1024)")
	c1=$(kv n$n "$($FW nodes $ch $fa 0 1024)")
	p1=$(rd $C/promoted_pages)
	c=$($FW check $ft $fa 0 1024 104)
	cc=$($FW check $ch $fa 0 1024 104)
	check fforce-fork-mem "reclaim=$r child=$ch $w parent: $c pages_on_node$n ${on0}->${on1} child: $cc pages_on_node$n ${c0}->${c1} promoted_pages ${p0}->${p1}" \
		eval '[ "$(kv ok "$w")" = 1024 ] &&
		[ "$(kv written "$c")" = 1024 ] && [ "$(kv bad "$c")" = 0 ] &&
		[ "$(kv intact "$cc")" = 1024 ] && [ "$on0" -gt 512 ] &&
		[ "$on1" = 0 ] && [ "$c0" = "$on0" ] && [ "$c1" = "$c0" ] &&
		[ $((p1 - p0)) -le 8 ]'
	stop_hogs
	settle
	expect_wr ok:fforce-offline $C/state offline OK
}

test_fence_force
