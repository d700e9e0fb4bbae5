# cram VM tests: the write fence (sourced by guest-tests.sh, busybox sh).
# Entered with the device bound and offline; leaves it so.
#
# Pages demoted into the private node are mapped read-only there. Reading
# them leaves them in place; a write fault moves (promotes) each written page
# back to a DRAM node before the write proceeds, and promoted_pages (stat
# field 5) counts it. vmhog checks every page against its pattern after the
# reads and after the writes.

test_fence() {
	n=$tnode
	expect_wr ok:fence-online $C/state online OK
	settle
	# 32 MiB of random pages; SIGUSR2 rewrites the first 16 MiB
	rm -f /tmp/hog.91 /tmp/hog.92 /tmp/hog.93	# no stale "ready"
	start_hog 32 random 91 16
	h=$hog
	hp=$(sed -n 's/.*pages=\([0-9]*\).*/\1/p' /tmp/hog.91)
	wp=$((16 * 1024 * 1024 / PAGE))
	d0=$(rd $C/demoted_pages)
	r=$(reclaim 32M)
	settle
	on0=$(pages_on $h $n) d1=$(rd $C/demoted_pages) p0=$(rd $C/promoted_pages)
	check fence-demoted "reclaim=$r hog_pages_on_node$n=$on0 of $hp demoted_pages ${d0}->${d1} promoted_pages=$p0" \
		eval '[ "${hp:-0}" -gt 0 ] && [ "$on0" -gt $((hp / 2)) ] &&
		[ $((d1 - d0)) -ge "$on0" ]'

	# reads alone: nothing moves, the data is intact
	kill -USR1 $h
	v=$(hog_wait /tmp/hog.91 '^verify#1 ')
	settle
	on1=$(pages_on $h $n) p1=$(rd $C/promoted_pages)
	check fence-read "$v hog_pages_on_node$n ${on0}->${on1} promoted_pages ${p0}->${p1}" \
		eval 'echo "$v" | grep -q " bad=0$" && [ "$on1" = "$on0" ] && [ "$p1" = "$p0" ]'

	# writes (after an mprotect read-only and back): each written page that
	# was on the node is promoted first, the others stay there
	t0=$(cut -d' ' -f1 /proc/uptime)
	kill -USR2 $h
	w=$(hog_wait /tmp/hog.91 '^write#1 ')
	v=$(hog_wait /tmp/hog.91 '^verify#2 ')
	t1=$(cut -d' ' -f1 /proc/uptime)
	settle
	on2=$(pages_on $h $n) p2=$(rd $C/promoted_pages)
	dram=$(($(pages_on $h 0) + $(pages_on $h 1)))
	st5=$(rd $C/stat | cut -d' ' -f5)
	drop=$((on1 - on2)) dp=$((p2 - p1))
	# of the written pages, at least this many were on the node
	must=$((on1 - (hp - wp)))
	check fence-write "$w $v hog_pages_on_node$n ${on1}->${on2} (-$drop) promoted_pages ${p1}->${p2} (+$dp) written_on_node>=$must hog_on_dram=$dram stat_field5=$st5 t=${t0}..${t1}" \
		eval 'echo "$v" | grep -q " bad=0$" && [ "$dp" -ge "$must" ] &&
		[ "$dp" -le $((wp + 8)) ] && [ "$drop" -ge $((dp - dp / 100 - 8)) ] &&
		[ "$drop" -le $((dp + 8)) ] && [ "$on2" -ge $((on1 - wp - 8)) ] &&
		[ "$st5" = "$p2" ]'

	# written again: the pages are on DRAM now, nothing more is promoted
	kill -USR2 $h
	v=$(hog_wait /tmp/hog.91 '^verify#3 ')
	settle
	on3=$(pages_on $h $n) p3=$(rd $C/promoted_pages)
	check fence-rewrite "$v hog_pages_on_node$n ${on2}->${on3} promoted_pages ${p2}->${p3}" \
		eval 'echo "$v" | grep -q " bad=0$" && [ "$on3" = "$on2" ] && [ $((p3 - p2)) -le 8 ]'

	stop_hogs
	settle

	# after fork() the pages are shared: a write copies them to DRAM (no
	# promotion), the child keeps its pages on the node, and its data
	start_hog 16 random 93
	h=$hog
	hp=$(sed -n 's/.*pages=\([0-9]*\).*/\1/p' /tmp/hog.93)
	r=$(reclaim 16M)
	settle
	kill -HUP $h
	ch=$(hog_wait /tmp/hog.93 '^fork#1 ' | sed -n 's/.*child=//p')
	hogs="$hogs $ch"
	on0=$(pages_on $h $n) c0=$(pages_on "$ch" $n) p0=$(rd $C/promoted_pages)
	kill -USR2 $h
	v=$(hog_wait /tmp/hog.93 '^verify#1 ')
	kill -USR1 "$ch"
	cv=$(hog_wait /tmp/hog.93 '^child verify#1 ')
	settle
	on1=$(pages_on $h $n) c1=$(pages_on "$ch" $n) p1=$(rd $C/promoted_pages)
	check fence-fork "reclaim=$r child=$ch parent: $v pages_on_node$n ${on0}->${on1} child: $cv pages_on_node$n ${c0}->${c1} promoted_pages ${p0}->${p1} of $hp" \
		eval 'echo "$v" | grep -q " bad=0$" && echo "$cv" | grep -q " bad=0$" &&
		[ "$on0" -gt $((hp / 2)) ] && [ "$on1" -le 8 ] && [ "$c0" = "$on0" ] &&
		[ "$c1" -ge $((c0 - 8)) ] && [ $((p1 - p0)) -le 8 ]'
	stop_hogs
	settle

	# transparent huge pages: demoted PMD-mapped and read-only; a write
	# splits the PMD mapping and promotes the whole folio (512 pages)
	# node 0 (the CPUs' node) may have no free huge page left: prefer node 1
	sh -c 'echo $$ >'$CG'/cgroup.procs &&
		exec numactl --preferred=1 /vmtests/vmhog 16 thp 92 8' >/tmp/hog.92 2>&1 &
	h=$!
	hogs="$hogs $h"
	hog_wait /tmp/hog.92 '^ready' >/dev/null
	hthp=$(awk '/AnonHugePages/ { s += $2 } END { print s + 0 }' /proc/$h/smaps)
	hp=$(sed -n 's/.*pages=\([0-9]*\).*/\1/p' /tmp/hog.92)
	wp=$((8 * 1024 * 1024 / PAGE))
	r=$(reclaim 16M)
	settle
	on0=$(pages_on $h $n) thp0=$(node_kb $n AnonHugePages) p0=$(rd $C/promoted_pages)
	kill -USR2 $h
	w=$(hog_wait /tmp/hog.92 '^write#1 ')
	v=$(hog_wait /tmp/hog.92 '^verify#1 ')
	settle
	on1=$(pages_on $h $n) thp1=$(node_kb $n AnonHugePages) p1=$(rd $C/promoted_pages)
	dp=$((p1 - p0))
	check fence-thp "hog_AnonHugePages=${hthp}kB reclaim=$r $w $v hog_pages_on_node$n ${on0}->${on1} of $hp node${n}_AnonHugePages ${thp0}->${thp1}kB promoted_pages ${p0}->${p1} (+$dp) written=$wp" \
		eval 'echo "$v" | grep -q " bad=0$" && [ "$on0" -ge $((hp - 8)) ] &&
		[ "${thp0:-0}" -ge $((hp * PAGE / 1024 - 2048)) ] &&
		[ "$dp" -ge $((wp - 8)) ] && [ "$dp" -le $((wp + 8)) ] &&
		[ $((on0 - on1)) = "$dp" ] && [ "${thp1:-0}" -le $((thp0 - wp * PAGE / 1024)) ]'
	stop_hogs
	settle
	expect_wr ok:fence-offline $C/state offline OK
}

test_fence
