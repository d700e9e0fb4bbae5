# cram VM tests: the other paths to a compressed node's pages (issue 12),
# with the options that open them (kernel-abi/guest.config): a write by
# process_vm_writev(2) or by read(2) from a pipe, writes of 16 fork()ed
# children at once, madvise(2) (MADV_COLLAPSE, MADV_COLD, MADV_PAGEOUT,
# MADV_DONTNEED), KSM (both ways: a node page offered for merging, a KSM
# page demoted later), userfaultfd (UFFDIO_WRITEPROTECT on demoted pages;
# UFFDIO_COPY into a range bound to the node), MGLRU (demotion and
# evict_bytes with lru_gen on and off), and on a placement node
# MADV_COLLAPSE, THP faults, offline under a bind, online again, and a
# swap round trip. Sourced by
# guest-tests.sh (busybox sh); entered with the device bound, offline and
# in compressed mode; leaves it so.
#
# forcewrite (forcewrite.c) holds the pages and runs the in-process
# commands (SIGUSR2); pages are counted with move_pages(2)'s query. A
# bypass would read: data written while the page stays on the node
# (promoted_pages does not rise), or a page on the node that neither
# demotion nor an opted-in move put there.

FW=/vmtests/forcewrite
PT=/vmtests/placetest
KSM=/sys/kernel/mm/ksm
LRU=/sys/kernel/mm/lru_gen/enabled

# pa_start MB MODE SEED [TAG [PREFIX...]]: a forcewrite target in the test
# cgroup, run by the command PREFIX (numactl ...) when given, its output in
# /tmp/pa.TAG (TAG: SEED unless given); sets pt (its pid) and pa (the
# mapping)
pa_start() {
	pa_mb=$1 pa_mode=$2 pa_seed=$3 tag=${4:-$3}
	shift 3
	[ $# -gt 0 ] && shift
	rm -f /tmp/pa.$tag
	sh -c 'echo $$ >'$CG'/cgroup.procs && exec "$@"' pa \
		"$@" $FW target $pa_mb $pa_mode $pa_seed >/tmp/pa.$tag 2>&1 &
	pt=$!
	hogs="$hogs $pt"
	hog_wait /tmp/pa.$tag '^ready' >/dev/null
	pa=$(sed -n 's/.*addr=\(0x[0-9a-f]*\).*/\1/p' /tmp/pa.$tag)
}
# pa_cmd PID TAG CMD...: one command of the target PID (output file
# /tmp/pa.TAG); its answer line
pa_cmd() {
	t=$1 tag=$2
	shift 2
	k=$(($(grep -c '^cmd#' /tmp/pa.$tag) + 1))
	echo "$*" >/tmp/fw.cmd.$t
	kill -USR2 $t
	hog_wait /tmp/pa.$tag "^cmd#$k " | cut -d' ' -f2-
}
pa_on_of() { # PID ADDR FIRST COUNT: pages of that range on the node
	kv n$n "$($FW nodes $1 $2 $3 $4 2>/dev/null)"
}
pa_on() { # FIRST COUNT: the last target's pages on the node
	pa_on_of $pt $pa $1 $2
}
pa_state() { # the last target's state letter; Z once it has exited
	# (the shell may have reaped it already: then it has no /proc entry)
	if [ -r /proc/$pt/stat ]; then
		sed 's/.*) //' /proc/$pt/stat 2>/dev/null | cut -c1
	else
		echo Z
	fi
}
pa_swap_kb() {
	awk '/^SwapTotal:/ { t = $2 } /^SwapFree:/ { f = $2 } END { print t - f }' /proc/meminfo
}
ksm_scans() { # N: until ksmd has made N more full scans (up to 60 s)
	f0=$(rd $KSM/full_scans) i=0
	echo 4096 >$KSM/pages_to_scan
	echo 10 >$KSM/sleep_millisecs
	echo 1 >$KSM/run
	while [ $(($(rd $KSM/full_scans) - f0)) -lt $1 ] && [ $i -lt 240 ]; do
		sleep 0.25
		i=$((i + 1))
	done
	echo 0 >$KSM/run
}
pa_nums() {
	echo "demoted_pages=$(rd $C/demoted_pages) promoted_pages=$(rd $C/promoted_pages)" \
		"logical_bytes=$(rd $C/logical_bytes) node${n}_MemFree=$(node_kb $n MemFree)kB" \
		"node${n}_AnonPages=$(node_kb $n AnonPages)kB"
}

# pa_write NAME SEED WRITE [self]: an 8 MiB target SEED is demoted, then
# the command WRITE ($pt and $pa are set when it runs; its last line says
# ok=K) writes one word into each of the first 1024 pages: every write
# lands, every page it wrote leaves the node first, promoted_pages counts
# them, and the other 1024 are left as they were. "self": the target
# writes, and may promote those of its own other pages that reclaim put
# on the node (stack, heap) as it runs the command
pa_write() {
	pa_start 8 rw $2
	r=$(reclaim 8M)
	on0=$(pa_on 0 1024) p0=$(rd $C/promoted_pages)
	other=0
	[ "${4:-}" = self ] && other=$(($(pages_on $pt $n) - on0 - $(pa_on 1024 1024)))
	w=$(eval "$3" 2>&1 | tail -n 1)
	settle
	on1=$(pa_on 0 1024) p1=$(rd $C/promoted_pages)
	c=$($FW check $pt $pa 0 1024 $2)
	rest=$(pa_on 1024 1024)
	dp=$((p1 - p0))
	check $1 "reclaim=$r $w $c pages_on_node$n ${on0}->${on1} of 1024 (unwritten 1024: $rest on the node; the target's other pages there: $other) promoted_pages ${p0}->${p1} (+$dp)" \
		eval '[ "$(kv ok "$w")" = 1024 ] && [ "$(kv written "$c")" = 1024 ] &&
		[ "$(kv bad "$c")" = 0 ] && [ "$on0" -gt 512 ] && [ "$on1" = 0 ] &&
		[ "$dp" -ge "$on0" ] && [ "$dp" -le $((1032 + other)) ]'
	stop_hogs
	settle
}

test_paths() {
	n=$tnode
	mode0=$(rd $C/mode)
	expect_wr ok:paths-online $C/state online OK
	settle

	# process_vm_writev(2) into writable demoted pages: the write faults
	# through GUP (FOLL_WRITE), and the fence moves each page first
	pa_write paths-pvw 201 '$FW pvw $pt $pa 0 1024'
	# read(2) from a pipe into them: the kernel's copy to user memory
	# takes a write fault, and the fence moves each page first
	pa_write paths-pipe-read 206 'pa_cmd $pt 206 pipe 0 1024' self

	# fork(): 16 children share 1024 demoted pages and write them at
	# once, each its own 64 (page i by child i % 16). Every child sees
	# the pages' data, then its own writes and nobody else's; each write
	# copies the page to DRAM for that child (not a promotion: only the
	# parent's own other pages may be promoted as it runs the command);
	# the parent's pages stay on the node with their data
	pa_start 4 rw 207
	r=$(reclaim 8M)
	on0=$(pa_on 0 1024) p0=$(rd $C/promoted_pages) fr0=$(node_kb $n MemFree)
	other=$(($(pages_on $pt $n) - on0))
	a=$(pa_cmd $pt 207 fan 16 0 1024)
	settle
	on1=$(pa_on 0 1024) p1=$(rd $C/promoted_pages) fr1=$(node_kb $n MemFree)
	c=$($FW check $pt $pa 0 1024 207)
	check paths-fork-fan "reclaim=$r [$a] parent: $c pages_on_node$n ${on0}->${on1} of 1024 (its other pages there: $other) promoted_pages ${p0}->${p1} node${n}_MemFree ${fr0}->${fr1}kB" \
		eval '[ "$(kv children "$a")" = 16 ] && [ "$(kv ok "$a")" = 16 ] &&
		[ "$on0" -gt 512 ] && [ "$on1" = "$on0" ] &&
		[ "$(kv intact "$c")" = 1024 ] && [ $((p1 - p0)) -le $((other + 8)) ]'
	stop_hogs
	settle

	# MADV_COLLAPSE over demoted pages, khugepaged off (THP "never";
	# MADV_COLLAPSE ignores that setting). All 512 on the node: every PTE
	# is read-only (the fence), so there is nothing to collapse. With 16
	# written first (moved to DRAM, writable), the collapse goes ahead,
	# and its huge page is allocated on a node with normal memory
	# (hpage_collapse_find_target_node() skips a fenced node): the other
	# pages' data leaves the node by copy, not promotion. Either way no
	# huge page appears on the node, and a write after it does not stay
	# there.
	thp=/sys/kernel/mm/transparent_hugepage
	thp_set never
	pa_start 4 rw 202
	r=$(reclaim 8M)
	h=$(pa_cmd $pt 202 madv hugepage 0 1024)
	hp0=$(node_kb $n AnonHugePages)
	on0=$(pa_on 0 512) p0=$(rd $C/promoted_pages)
	a=$(pa_cmd $pt 202 madv collapse 0 512)
	settle
	on1=$(pa_on 0 512) hp1=$(node_kb $n AnonHugePages)
	c=$($FW check $pt $pa 0 512 202)
	check paths-collapse-ro "THP=never reclaim=$r [$h] [$a] pages_on_node$n ${on0}->${on1} of 512 node${n}_AnonHugePages ${hp0}->${hp1}kB $c promoted_pages ${p0}->$(rd $C/promoted_pages)" \
		eval '[ "$on0" = 512 ] && [ "$on1" = "$on0" ] && [ "$hp1" = "$hp0" ] &&
		[ "$(kv intact "$c")" = 512 ]'
	on0=$(pa_on 512 512) p0=$(rd $C/promoted_pages)
	w=$(pa_cmd $pt 202 write 512 16)
	on1=$(pa_on 512 512) p1=$(rd $C/promoted_pages)
	a=$(pa_cmd $pt 202 madv collapse 512 512)
	settle
	on2=$(pa_on 512 512) p2=$(rd $C/promoted_pages) hp2=$(node_kb $n AnonHugePages)
	tthp=$(pid_thp_kb $pt)
	c=$($FW check $pt $pa 512 512 202)
	w2=$(pa_cmd $pt 202 write 512 512)
	on3=$(pa_on 512 512) p3=$(rd $C/promoted_pages)
	c2=$($FW check $pt $pa 512 512 202)
	check paths-collapse-mixed "[$w] pages_on_node$n ${on0}->${on1} promoted_pages ${p0}->${p1}; [$a] pages_on_node$n ${on1}->${on2} promoted_pages ->${p2} node${n}_AnonHugePages ${hp0}->${hp2}kB target_AnonHugePages=${tthp}kB $c; [$w2] pages_on_node$n ${on2}->${on3} promoted_pages ->${p3} $c2" \
		eval '[ "$on0" -gt 256 ] && [ "$on1" -lt "$on0" ] && [ "$hp2" = "$hp0" ] &&
		[ "$(kv written "$c")" = 16 ] && [ "$(kv intact "$c")" = 496 ] &&
		[ "$on3" = 0 ] && [ "$(kv written "$c2")" = 512 ] &&
		[ $((p3 - p2)) -ge "$on2" ] && [ $((p3 - p2)) -le $((on2 + 8)) ]'
	stop_hogs
	settle

	# khugepaged (THP "always", scanning every 100 ms) over the same two
	# kinds of range: it leaves the read-only one on the node and
	# collapses the mixed one into a huge page on a node with normal
	# memory
	thp_set always
	ks0=$(rd $thp/khugepaged/scan_sleep_millisecs)
	pa_start 4 rw 205
	r=$(reclaim 8M)
	on0=$(pa_on 0 512)
	w=$(pa_cmd $pt 205 write 512 16)
	on1=$(pa_on 512 512) fs0=$(rd $thp/khugepaged/full_scans)
	echo 100 >$thp/khugepaged/scan_sleep_millisecs
	h=$(pa_cmd $pt 205 madv hugepage 0 1024)
	i=0
	while [ $(($(rd $thp/khugepaged/full_scans) - fs0)) -lt 3 ] && [ $i -lt 120 ]; do
		sleep 0.25
		i=$((i + 1))
	done
	settle
	on2=$(pa_on 0 512) on3=$(pa_on 512 512) hp3=$(node_kb $n AnonHugePages)
	tthp=$(pid_thp_kb $pt)
	c=$($FW check $pt $pa 0 1024 205)
	check paths-khugepaged "reclaim=$r full_scans ${fs0}->$(rd $thp/khugepaged/full_scans) read-only range: pages_on_node$n ${on0}->${on2} of 512; mixed range [$w]: pages_on_node$n ${on1}->${on3} of 512 node${n}_AnonHugePages ${hp0}->${hp3}kB target_AnonHugePages=${tthp}kB $c" \
		eval '[ "$on0" = 512 ] && [ "$on2" = 512 ] && [ "$hp3" = "$hp0" ] &&
		[ "$(kv written "$c")" = 16 ] && [ "$(kv intact "$c")" = 1008 ]'
	echo "$ks0" >$thp/khugepaged/scan_sleep_millisecs
	thp_restore
	stop_hogs
	settle

	# MADV_COLD, MADV_PAGEOUT (swap on: to swap, as evict_bytes would, and
	# back to DRAM on the next read) and MADV_DONTNEED on demoted pages
	pa_start 8 rw 203
	r=$(reclaim 8M)
	on0=$(pa_on 0 512) s0="$(pa_nums)"
	a=$(pa_cmd $pt 203 madv cold 0 512)
	settle
	on1=$(pa_on 0 512)
	c=$($FW check $pt $pa 0 512 203)
	check paths-cold "reclaim=$r [$a] pages_on_node$n ${on0}->${on1} of 512 $c before: $s0 after: $(pa_nums)" \
		eval '[ "$on0" -gt 256 ] && [ "$on1" = "$on0" ] && [ "$(kv intact "$c")" = 512 ]'
	mkswap $SWAP_DEV >/dev/null 2>&1
	swapon $SWAP_DEV 2>/dev/null
	on0=$(pa_on 512 512) s0="$(pa_nums)" sw0=$(pa_swap_kb)
	a=$(pa_cmd $pt 203 madv pageout 512 512)
	settle
	on1=$(pa_on 512 512) ab1=$(kv absent "$($FW nodes $pt $pa 512 512)")
	sw1=$(pa_swap_kb)
	s1="$(pa_nums)"
	c=$($FW check $pt $pa 512 512 203)
	on2=$(pa_on 512 512) nd2=$($FW nodes $pt $pa 512 512)
	check paths-pageout "[$a] pages_on_node$n ${on0}->${on1} absent=$ab1 swap_used_kb ${sw0}->${sw1} after a read: $c $nd2 before: $s0 after: $s1" \
		eval '[ "$on0" -gt 256 ] && [ "$on1" -lt "$on0" ] && [ "$(kv intact "$c")" = 512 ] &&
		[ "$on2" -le "$on1" ] && [ "$(kv demoted_pages "$s1")" = "$(kv demoted_pages "$s0")" ]'
	swapoff $SWAP_DEV 2>/dev/null
	settle
	on0=$(pa_on 1024 1024) s0="$(pa_nums)"
	a=$(pa_cmd $pt 203 madv dontneed 1024 1024)
	settle
	nd1=$($FW nodes $pt $pa 1024 1024) s1="$(pa_nums)"
	lb0=$(kv logical_bytes "$s0") lb1=$(kv logical_bytes "$s1")
	check paths-dontneed "[$a] pages_on_node$n ${on0}-> $nd1 logical_bytes ${lb0}->${lb1} before: $s0 after: $s1" \
		eval '[ "$on0" -gt 512 ] && [ "$(kv absent "$nd1")" = 1024 ] &&
		[ $((lb0 - lb1)) -ge $((on0 * PAGE * 9 / 10)) ] &&
		[ "$(kv promoted_pages "$s1")" = "$(kv promoted_pages "$s0")" ] &&
		[ "$(kv demoted_pages "$s1")" = "$(kv demoted_pages "$s0")" ]'
	stop_hogs
	settle

	# KSM: A's 2048 identical pages demoted, then B's 2048 copies of the
	# same page in DRAM, both MADV_MERGEABLE (A first, so ksmd meets A's
	# pages first); ksmd runs with the gate closed (no_alloc) and
	# max_page_sharing past 4096, so that one KSM page could serve all.
	# Made of a page of A, it would map B's data onto the node: none of
	# B's pages may be there afterwards, and no page arrives
	# (demoted_pages, logical_bytes). A write into a merged page copies
	# it, without changing the page that stays.
	mps0=$(rd $KSM/max_page_sharing)
	echo 8192 >$KSM/max_page_sharing
	pa_start 8 same 301 ksma
	ta=$pt aa=$pa
	r=$(reclaim 8M)
	pa_start 8 same 301 ksmb
	tb=$pt ab=$pa
	expect_wr ok:paths-ksm-gate-close $C/no_alloc 1 OK
	ka0=$(pa_on_of $ta $aa 0 2048) kb0=$(pa_on_of $tb $ab 0 2048) s0="$(pa_nums)"
	m1=$(pa_cmd $ta ksma madv mergeable 0 2048)
	m2=$(pa_cmd $tb ksmb madv mergeable 0 2048)
	ksm_scans 3
	settle
	k="pages_shared=$(rd $KSM/pages_shared) pages_sharing=$(rd $KSM/pages_sharing) full_scans=$(rd $KSM/full_scans)"
	ka1=$(pa_on_of $ta $aa 0 2048) kb1=$(pa_on_of $tb $ab 0 2048) s1="$(pa_nums)"
	k="$k max_page_sharing=$(rd $KSM/max_page_sharing)"
	check paths-ksm-merge "[$m1] [$m2] $k A_on_node$n ${ka0}->${ka1} B_on_node$n ${kb0}->${kb1} of 2048 no_alloc=1 before: $s0 after: $s1" \
		eval '[ "$ka0" -gt 1024 ] && [ "$(kv pages_sharing "$k")" -gt 0 ] && [ "$kb1" = 0 ] &&
		[ "$(kv demoted_pages "$s1")" = "$(kv demoted_pages "$s0")" ] &&
		[ "$(kv logical_bytes "$s1")" -le "$(kv logical_bytes "$s0")" ]'
	p0=$(rd $C/promoted_pages)
	wb=$(pa_cmd $tb ksmb write 0 2048)
	kb2=$(pa_on_of $tb $ab 0 2048)
	wa=$(pa_cmd $ta ksma write 0 1024)
	ka2=$(pa_on_of $ta $aa 0 1024) ka3=$(pa_on_of $ta $aa 1024 1024)
	p1=$(rd $C/promoted_pages)
	cb=$($FW check $tb $ab 0 2048 301 same)
	ca=$($FW check $ta $aa 0 2048 301 same)
	check paths-ksm-write "[$wb] B_on_node$n ${kb1}->${kb2} B: $cb; [$wa] A_on_node$n (written 1024) ${ka2} (unwritten 1024) ${ka3} A: $ca promoted_pages ${p0}->${p1} $(pa_nums)" \
		eval '[ "$kb2" = 0 ] && [ "$ka2" = 0 ] && [ "$(kv written "$cb")" = 2048 ] &&
		[ "$(kv written "$ca")" = 1024 ] && [ "$(kv intact "$ca")" = 1024 ]'
	expect_wr ok:paths-ksm-gate-open $C/no_alloc 0 OK
	stop_hogs
	echo 2 >$KSM/run	# unmerge what is left, so that the knob can change back
	echo 0 >$KSM/run
	echo "$mps0" >$KSM/max_page_sharing
	settle

	# KSM the other way round (upstream's cram_exclusion): A's and B's
	# 2048 copies of one page merged in DRAM into one KSM page
	# (max_page_sharing past 6144, so that it has room for C's too), then
	# demoted with the gate open; then C's 2048 copies, MADV_MERGEABLE,
	# with the gate closed. Joining the KSM page on the node would map
	# C's data there: none of C's pages may be on the node afterwards and
	# no page arrives. A write by B copies, and A's data stays.
	echo 8192 >$KSM/max_page_sharing
	pa_start 8 same 302 ksmA
	ta=$pt aa=$pa
	pa_start 8 same 302 ksmB
	tb=$pt ab=$pa
	m1=$(pa_cmd $ta ksmA madv mergeable 0 2048)
	m2=$(pa_cmd $tb ksmB madv mergeable 0 2048)
	ksm_scans 3
	k="pages_shared=$(rd $KSM/pages_shared) pages_sharing=$(rd $KSM/pages_sharing)"
	s0="$(pa_nums)"
	r=$(reclaim 16M)
	ka1=$(pa_on_of $ta $aa 0 2048) kb1=$(pa_on_of $tb $ab 0 2048) s1="$(pa_nums)"
	check paths-ksm-demoted "[$m1] [$m2] merged in DRAM: $k; reclaim=$r A_on_node$n $ka1 B_on_node$n $kb1 of 2048 pages_sharing=$(rd $KSM/pages_sharing) before: $s0 after: $s1" \
		eval '[ "$(kv pages_shared "$k")" = 1 ] && [ "$(kv pages_sharing "$k")" = 4095 ] &&
		[ "$ka1" -gt 0 ] && [ "$kb1" -gt 0 ] &&
		[ "$(kv demoted_pages "$s1")" -gt "$(kv demoted_pages "$s0")" ]'
	expect_wr ok:paths-ksm-demoted-gate-close $C/no_alloc 1 OK
	pa_start 8 same 302 ksmC
	tc=$pt ac=$pa
	kc0=$(pa_on_of $tc $ac 0 2048) s2="$(pa_nums)"
	m3=$(pa_cmd $tc ksmC madv mergeable 0 2048)
	ksm_scans 3
	settle
	kc1=$(pa_on_of $tc $ac 0 2048) s3="$(pa_nums)"
	check paths-ksm-join-demoted "[$m3] C_on_node$n ${kc0}->${kc1} of 2048 pages_shared=$(rd $KSM/pages_shared) pages_sharing=$(rd $KSM/pages_sharing) no_alloc=1 before: $s2 after: $s3" \
		eval '[ "$kc0" = 0 ] && [ "$kc1" = 0 ] &&
		[ "$(kv demoted_pages "$s3")" = "$(kv demoted_pages "$s2")" ]'
	wb=$(pa_cmd $tb ksmB write 0 2048)
	kb2=$(pa_on_of $tb $ab 0 2048)
	cb=$($FW check $tb $ab 0 2048 302 same)
	ca=$($FW check $ta $aa 0 2048 302 same)
	cc=$($FW check $tc $ac 0 2048 302 same)
	check paths-ksm-demoted-write "[$wb] B_on_node$n ${kb1}->${kb2} B: $cb; A: $ca; C: $cc $(pa_nums)" \
		eval '[ "$kb2" = 0 ] && [ "$(kv written "$cb")" = 2048 ] &&
		[ "$(kv intact "$ca")" = 2048 ] && [ "$(kv intact "$cc")" = 2048 ]'
	expect_wr ok:paths-ksm-demoted-gate-open $C/no_alloc 0 OK
	stop_hogs
	echo 2 >$KSM/run
	echo 0 >$KSM/run
	echo "$mps0" >$KSM/max_page_sharing
	settle

	# userfaultfd write protection on demoted pages: protect, then
	# unprotect (which makes a PTE writable where mprotect() would), then a
	# write: the fence still moves each page first
	pa_start 4 rw 204
	r=$(reclaim 4M)
	on0=$(pa_on 0 1024)
	u=$(pa_cmd $pt 204 wp 0 1024)
	on1=$(pa_on 0 1024) p0=$(rd $C/promoted_pages)
	w=$(pa_cmd $pt 204 write 0 1024)
	settle
	on2=$(pa_on 0 1024) p1=$(rd $C/promoted_pages)
	c=$($FW check $pt $pa 0 1024 204)
	check paths-uffd-wp "reclaim=$r [$u] pages_on_node$n ${on0}->${on1}; [$w] pages_on_node$n ${on1}->${on2} promoted_pages ${p0}->${p1} (+$((p1 - p0))) $c" \
		eval '[ "$(kv unprotect "$u")" = 0 ] && [ "$on0" -gt 512 ] && [ "$on1" = "$on0" ] &&
		[ "$on2" = 0 ] && [ $((p1 - p0)) -ge "$on1" ] && [ "$(kv written "$c")" = 1024 ]'
	stop_hogs
	settle

	# UFFDIO_COPY into a range bound (MPOL_BIND) to the node: compressed
	# mode refuses the policy, nothing lands there
	s0="$(pa_nums)"
	out=$($PT uffdcopy $n 4 2>&1)
	check paths-uffd-copy-compressed "$(echo $out) before: $s0 after: $(pa_nums)" \
		eval '[ "$(kv uffd_N$n "$out")" = 0 ] && [ "$(kv written_N$n "$out")" = 0 ]'

	# MGLRU: demotion and evict_bytes with lru_gen on, then off
	lru0=$(rd $LRU)
	mkswap $SWAP_DEV >/dev/null 2>&1
	swapon $SWAP_DEV 2>/dev/null
	seed=210
	for set in Y N; do
		echo $set >$LRU 2>/dev/null
		lru=$(rd $LRU)
		seed=$((seed + 1))
		pa_start 16 rw $seed
		d0=$(rd $C/demoted_pages)
		r=$(reclaim 16M)
		on0=$(pa_on 0 4096) d1=$(rd $C/demoted_pages)
		e0=$(rd $C/evicted_pages) l0=$(($(rd $C/logical_bytes) / PAGE))
		# half of what arrived, at most 8 MiB
		wp=$((on0 / 2 < 2048 ? on0 / 2 : 2048))
		want=$((wp * PAGE))
		wr $C/evict_bytes $want >/dev/null
		wait_evicted
		settle
		on1=$(pa_on 0 4096) e1=$(rd $C/evicted_pages) pend=$(rd $C/evict_bytes)
		l1=$(($(rd $C/logical_bytes) / PAGE))
		c=$($FW check $pt $pa 0 4096 $seed)
		check paths-mglru-$set "lru_gen/enabled=$lru reclaim=$r demoted_pages ${d0}->${d1} (+$((d1 - d0))) pages_on_node$n ${on0}->${on1} of 4096 evict_bytes=$want ($wp pages) pending=$pend evicted_pages ${e0}->${e1} (+$((e1 - e0))) resident ${l0}->${l1} $c" \
			eval '[ "$on0" -gt 2048 ] && [ $((d1 - d0)) -ge "$on0" ] && [ "$pend" = 0 ] &&
			[ $((e1 - e0)) -ge "$wp" ] && [ $((on0 - on1)) -ge $((wp * 9 / 10)) ] &&
			[ "$(kv intact "$c")" = 4096 ]'
		stop_hogs
		settle
	done
	echo "$lru0" | cut -c1-6 >$LRU 2>/dev/null
	swapoff $SWAP_DEV 2>/dev/null
	settle
	expect_wr ok:paths-offline $C/state offline OK

	# UFFDIO_COPY in placement mode: the pages land on the node
	expect_wr ok:paths-placement $C/mode placement OK
	expect_wr ok:paths-placement-online $C/state online OK
	out=$($PT uffdcopy $n 4 2>&1)
	check paths-uffd-copy-placement "$(echo $out) promoted_pages=$(rd $C/promoted_pages)" \
		eval '[ "$(kv uffd_N$n "$out")" = 1024 ] && [ "$(kv copied "$out")" = 1024 ] &&
		[ "$(kv data_bad "$out")" = 0 ] && [ "$(kv written_N$n "$out")" = 1024 ] &&
		[ "$(kv written_bad "$out")" = 0 ]'

	# MADV_COLLAPSE over pages bound to the placement node (numactl
	# --membind, THP "never" so that they fault in as small pages): the
	# huge pages are made on the node itself, or the collapse fails; no
	# page leaves the node, the data stays
	thp_set never
	pa_start 4 rw 208 208 numactl --membind=$n
	on0=$(pa_on 0 1024) hp0=$(node_kb $n AnonHugePages)
	h=$(pa_cmd $pt 208 madv hugepage 0 1024)
	a=$(pa_cmd $pt 208 madv collapse 0 1024)
	nd=$($FW nodes $pt $pa 0 1024) on1=$(pa_on 0 1024) hp1=$(node_kb $n AnonHugePages)
	tthp=$(pid_thp_kb $pt)
	c=$($FW check $pt $pa 0 1024 208)
	check paths-collapse-placement "[$h] [$a] pages_on_node$n ${on0}->${on1} of 1024 ($nd) node${n}_AnonHugePages ${hp0}->${hp1}kB target_AnonHugePages=${tthp}kB $c" \
		eval '[ "$on0" = 1024 ] && [ "$on1" = 1024 ] && [ "$(kv intact "$c")" = 1024 ] &&
		{ [ "$(kv rc "$a")" != 0 ] || { [ $((hp1 - hp0)) = 4096 ] && [ "$tthp" = 4096 ]; }; }'
	stop_hogs

	# a THP fault under the bind (THP "always", MADV_HUGEPAGE): the huge
	# pages are allocated on the node, every page is there
	thp_set always
	hp0=$(node_kb $n AnonHugePages)
	pa_start 8 thp 209 209 numactl --membind=$n
	nd=$($FW nodes $pt $pa 0 2048) hp1=$(node_kb $n AnonHugePages)
	tthp=$(pid_thp_kb $pt)
	c=$($FW check $pt $pa 0 2048 209)
	check paths-thp-placement "THP=always pages: $nd of 2048 node${n}_AnonHugePages ${hp0}->${hp1}kB target_AnonHugePages=${tthp}kB $c" \
		eval '[ "$(kv n$n "$nd")" = 2048 ] && [ "$(kv intact "$c")" = 2048 ] &&
		[ "$tthp" -ge 2048 ] && [ $((hp1 - hp0)) -ge "$tthp" ]'
	thp_restore
	stop_hogs

	# offline while a task bound to the node has its pages there: they
	# move to DRAM with their data and the task lives on; its bind still
	# names the node, so its next fault that needs a new page gets SIGBUS
	pa_start 4 rw 210 210 numactl --membind=$n
	nd0=$($FW nodes $pt $pa 0 1024)
	t0=$(cut -d' ' -f1 /proc/uptime)
	expect_wr ok:paths-placement-offline $C/state offline OK
	t1=$(cut -d' ' -f1 /proc/uptime)
	nd1=$($FW nodes $pt $pa 0 1024)
	c=$($FW check $pt $pa 0 1024 210)
	st=$(pa_state)
	check paths-offline-placement "before: $nd0 offline t=${t0}..${t1} after: $nd1 $c task state=$st" \
		eval '[ "$(kv n$n "$nd0")" = 1024 ] && [ "$(kv n$n "$nd1")" = 0 ] &&
		[ "$(kv absent "$nd1")" = 0 ] && [ "$(kv intact "$c")" = 1024 ] &&
		[ "$st" != Z ]'
	# MADV_DONTNEED on 16 pages, then a write to them (the command may
	# fault first itself: its stdio buffer)
	d=
	for cmd in "madv dontneed 16 16" "write 16 16"; do
		k=$(($(grep -c '^cmd#' /tmp/pa.210) + 1))
		echo "$cmd" >/tmp/fw.cmd.$pt
		kill -USR2 $pt 2>/dev/null
		i=0
		while [ "$(pa_state)" != Z ] && ! grep -q "^cmd#$k " /tmp/pa.210 && [ $i -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		d="$d [$cmd: $(grep "^cmd#$k " /tmp/pa.210 | cut -d' ' -f2-)]"
		[ "$(pa_state)" = Z ] && break
	done
	i=0
	while [ "$(pa_state)" != Z ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	st=$(pa_state)
	[ "$st" = Z ] || kill -KILL $pt 2>/dev/null
	wait $pt
	ws=$?
	check paths-offline-placement-fault "commands:$d state=$st exit_status=$ws (135: SIGBUS)" \
		eval '[ "$st" = Z ] && [ "$ws" = 135 ]'
	hogs=

	# online again: a new bind's faults land on the node again
	expect_wr ok:paths-placement-reonline $C/state online OK
	pa_start 4 rw 211 211 numactl --membind=$n
	nd=$($FW nodes $pt $pa 0 1024)
	check paths-reonline-placement "has_placement_memory=[$(rd $NODES/has_placement_memory)] pages: $nd of 1024" \
		eval '[ "$(kv n$n "$nd")" = 1024 ]'

	# MADV_PAGEOUT (swap on) sends them to swap; when the task faults
	# them back in (its writes), they come in under its bind: on the node
	# again, with their data. (A read through /proc/PID/mem by another
	# process allocates under that process's policy instead: numactl
	# binds the task, not the mapping.)
	mkswap $SWAP_DEV >/dev/null 2>&1
	swapon $SWAP_DEV 2>/dev/null
	sw0=$(pa_swap_kb)
	a=$(pa_cmd $pt 211 madv pageout 0 1024)
	nd1=$($FW nodes $pt $pa 0 1024) sw1=$(pa_swap_kb)
	w=$(pa_cmd $pt 211 write 0 1024)
	nd2=$($FW nodes $pt $pa 0 1024)
	c=$($FW check $pt $pa 0 1024 211)
	check paths-swap-placement "[$a] $nd1 swap_used_kb ${sw0}->${sw1}; [$w] $nd2 $c" \
		eval '[ "$(kv absent "$nd1")" -ge 512 ] && [ "$(kv written "$c")" = 1024 ] &&
		[ "$(kv n$n "$nd2")" = 1024 ]'
	stop_hogs
	swapoff $SWAP_DEV 2>/dev/null
	expect_wr ok:paths-placement-offline-again $C/state offline OK
	expect_wr ok:paths-mode-back $C/mode "$mode0" OK
}

test_paths
