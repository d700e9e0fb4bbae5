# cram VM tests: placement mode and explicit migration, cram ABI v2
# (sourced by guest-tests.sh, busybox sh, after part-second-device.sh).
# Entered with $dax bound and offline; leaves it so, in compressed mode with
# user_migrate 0, and the second device's first dax device unbound.
#
# /vmtests/placetest (tests/vm/placetest.c) makes the system calls and
# prints key=value words; pages are counted with move_pages(2)'s query.
# The scenarios of the upstream author's private_node_* selftests that
# apply to cram's ABI are ported here (kernel-abi/README.md lists them).

PT=/vmtests/placetest
# pages of a placetest census PREFIX on nodes other than NODE
elsewhere() { # TEXT PREFIX NODE
	echo "$1" | tr ' ' '\n' | awk -F= -v p="$2_N" -v k="$2_N$3" \
		'index($1, p) == 1 && $1 != k { s += $2 } END { print s + 0 }'
}
nodes_of() { # NODELIST FILE contents -> is NODE in it
	in_list "$(rd $NODES/$1)" "$2"
}
# $C/migrated_pages once it counts N pages past BASE (at most 10 s) and
# one refresh more: the driver publishes it at its next refresh (100 ms),
# so a read right after a move can miss pages that moved. A count past
# BASE + N still shows, and the exact checks see it.
migrated_after() { # BASE N
	i=0
	while [ $(($(rd $C/migrated_pages) - $1)) -lt "$2" ] && [ $i -lt 40 ]; do
		sleep 0.25
		i=$((i + 1))
	done
	sleep 0.25
	rd $C/migrated_pages
}

test_placement_abi() {
	n=$tnode
	check place:attrs "mode=$(rd $C/mode) user_migrate=$(rd $C/user_migrate) migrated_pages=$(rd $C/migrated_pages) has_placement_memory=[$(rd $NODES/has_placement_memory)] abi_version=$(rd $C/abi_version)" \
		eval '[ "$(rd $C/mode)" = compressed ] && [ "$(rd $C/user_migrate)" = 0 ] &&
		[ "$(rd $C/migrated_pages)" = 0 ] && [ -f $NODES/has_placement_memory ] &&
		[ -z "$(rd $NODES/has_placement_memory)" ] && [ "$(rd $C/abi_version)" = 1 ]'
	# bad input, offline: nothing changes
	expect_wr place:einval:mode:word $C/mode sideways EINVAL
	expect_wr place:einval:mode:empty $C/mode "" EINVAL
	expect_wr place:einval:mode:space $C/mode "placement " EINVAL raw
	expect_wr place:einval:mode:case $C/mode Placement EINVAL
	expect_wr place:einval:user_migrate:2 $C/user_migrate 2 EINVAL
	expect_wr place:einval:user_migrate:word $C/user_migrate yes EINVAL
	expect_wr place:einval:user_migrate:sign $C/user_migrate -1 EINVAL
	expect_wr place:einval:user_migrate:hex $C/user_migrate 0x1 EINVAL
	expect_wr place:erange:user_migrate:2^64 $C/user_migrate 18446744073709551616 ERANGE
	expect_wr place:eacces:migrated_pages $C/migrated_pages 0 EACCES
	check place:bad-input-unchanged "mode=$(rd $C/mode) user_migrate=$(rd $C/user_migrate)" \
		eval '[ "$(rd $C/mode)" = compressed ] && [ "$(rd $C/user_migrate)" = 0 ]'
	# user_migrate offline; placement resets it and refuses 1
	expect_wr place:ok:user_migrate:offline $C/user_migrate 1 OK
	expect_wr place:ok:mode:placement $C/mode placement OK
	check place:placement-resets-user_migrate "mode=$(rd $C/mode) user_migrate=$(rd $C/user_migrate)" \
		eval '[ "$(rd $C/mode)" = placement ] && [ "$(rd $C/user_migrate)" = 0 ]'
	expect_wr place:einval:user_migrate:placement $C/user_migrate 1 EINVAL
	expect_wr place:ok:user_migrate0:placement $C/user_migrate 0 OK
	expect_wr place:ok:mode:raw $C/mode placement OK raw
}

test_placement_online() {
	n=$tnode
	expect_wr place:online $C/state online OK
	pl=$(rd $NODES/has_placement_memory) pr=$(rd $NODES/has_private_memory) hm=$(rd $NODES/has_memory)
	check place:lists "has_placement_memory=[$pl] has_private_memory=[$pr] has_memory=[$hm] node=$n" \
		eval 'in_list "$pl" $n && in_list "$pr" $n && ! in_list "$hm" $n'
	expect_wr place:ebusy:mode:online $C/mode compressed EBUSY
	expect_wr place:ebusy:mode:same $C/mode placement EBUSY
	expect_wr place:einval:mode:online-word $C/mode sideways EINVAL
	for a in capacity_pages demote_rate_limit_bytes evict_bytes no_alloc; do
		expect_wr "place:einval:$a" $C/$a 0 EINVAL
	done
	check place:online-unchanged "mode=$(rd $C/mode) state=$(rd $C/state) capacity_pages=$(rd $C/capacity_pages) total=$(rd $C/total_pages)" \
		eval '[ "$(rd $C/mode)" = placement ] && [ "$(rd $C/state)" = online ] &&
		[ "$(rd $C/capacity_pages)" = "$(rd $C/total_pages)" ]'
	ma=$(sed -n 's/^Mems_allowed_list:[[:space:]]*//p' /proc/self/status)
	check place:mems_allowed "Mems_allowed_list=$ma node=$n" in_list "$ma" $n
}

# test 2: an unmodified numactl --membind=N; then the policy's own faults
test_placement_numactl() {
	n=$tnode
	pt0=$(node_kb $n PageTables)
	out=$(numactl --membind=$n $PT where 32 2>&1)
	pt1=$(node_kb $n PageTables)
	check place:numactl-membind "numactl --membind=$n: $out node${n}_PageTables ${pt0}->${pt1}kB" \
		eval '[ "$(kv where_N$n "$out")" = 8192 ] && [ "$(elsewhere "$out" where $n)" = 0 ] &&
		[ "$pt1" = 0 ]'
	out=$(numactl --membind=0,$n $PT where 8 2>&1)
	check place:numactl-mixed "numactl --membind=0,$n: $(echo $out)" \
		eval '[ "$(kv where_N$n "$out")" = 0 ]'
	p0=$(rd $C/promoted_pages) m0=$(rd $C/migrated_pages)
	out=$($PT fault $n 16 2>&1)
	check place:mbind-fault "$(echo $out) promoted_pages ${p0}->$(rd $C/promoted_pages) migrated_pages ${m0}->$(rd $C/migrated_pages)" \
		eval '[ "$(kv fault_N$n "$out")" = 4096 ] && [ "$(kv written_N$n "$out")" = 4096 ] &&
		[ "$(kv data_bad "$out")" = 0 ] && [ "$(kv written_bad "$out")" = 0 ] &&
		[ "$(rd $C/promoted_pages)" = "$p0" ] && [ "$(rd $C/migrated_pages)" = "$m0" ]'
	# nothing else lands there: no policy, page cache and tmpfs
	out=$($PT where 32 2>&1)
	a0=$(node_kb $n AnonPages) f0=$(node_kb $n FilePages) s0=$(node_kb $n Shmem)
	dd if=/dev/zero of=/tmp/pfill bs=1M count=64 2>/dev/null
	cat /tmp/pfill >/dev/null
	f1=$(node_kb $n FilePages) s1=$(node_kb $n Shmem)
	rm -f /tmp/pfill
	check place:isolation "no policy: $(echo $out); node$n FilePages ${f0}->${f1} Shmem ${s0}->${s1} kB AnonPages=${a0}kB" \
		eval '[ "$(kv where_N$n "$out")" = 0 ] && [ "$f1" = "$f0" ] && [ "$s1" = "$s0" ]'
}

# mempolicy bad input: every combination but MPOL_BIND of the node alone
test_placement_mbind_bad() {
	n=$tnode
	for c in "bind 0,$n" "bind 1,$n" "preferred $n" "interleave $n" "interleave 0,$n" "bind $n relative"; do
		out=$($PT mbind $c 2>&1)
		check "place:einval:mbind:$(echo $c | tr ' ,' '_+')" "$out" \
			eval '[ "$(kv mbind "$out")" = EINVAL ] && [ "$(kv set_mempolicy "$out")" = EINVAL ]'
	done
	out=$($PT mbind bind $n static 2>&1)
	check place:ok:mbind:static "$out" eval '[ "$(kv mbind "$out")" = OK ] && [ "$(kv set_mempolicy "$out")" = OK ]'
}

# move_pages and migrate_pages onto a placement node, root and uid 65534
test_placement_move() {
	n=$tnode
	for who in root 65534; do
		u=; [ $who = root ] || u=$who
		out=$($PT move $n 8 anon $u 2>&1)
		# order-0 pages (placetest disables THP): each status is the node
		check "place:move_pages:$who" "$(echo $out)" \
			eval '[ "$(kv rc "$out")" = 0 ] && [ "$(kv st_node "$out")" = 2048 ] &&
			[ "$(kv st_other "$out")" = 0 ] && [ "$(kv moved_N$n "$out")" = 2048 ] &&
			[ "$(kv written_N$n "$out")" = 2048 ] && [ "$(kv data_bad "$out")" = 0 ] &&
			[ "$(kv written_bad "$out")" = 0 ]'
		out=$($PT mpages $n 8 anon $u 2>&1)
		check "place:migrate_pages:$who" "$(echo $out)" \
			eval '[ "$(kv errno "$out")" = OK ] && [ "$(kv moved_N$n "$out")" = 2048 ] &&
			[ "$(kv written_N$n "$out")" = 2048 ] && [ "$(kv data_bad "$out")" = 0 ]'
	done
}

# moving pages off a placement node, to DRAM node 0
test_placement_off() {
	n=$tnode
	out=$($PT off $n 0 8 2>&1)
	check place:off-node "$(echo $out)" \
		eval '[ "$(kv before_N$n "$out")" = 2048 ] && [ "$(kv moved_N0 "$out")" = 1024 ] &&
		[ "$(kv migrated_N0 "$out")" = 1024 ] && [ "$(kv data_bad "$out")" = 0 ]'
}

# test 3: ownership. A ($dax, placement) filled to its last page; B (the
# second device, placement as well) and DRAM get none of the request's
# pages, the next fault naming A gets SIGBUS, and a move onto A fails.
test_placement_ownership() {
	n=$tnode
	B=
	if [ -n "${da:-}" ] && [ "$(wr $DAXBUS/drivers/cram/bind "$da")" = OK ]; then
		B=$DAXBUS/devices/$da/cram
		nb=$(rd $B/node)
		wr $B/mode placement >/dev/null
		wr $B/state online >/dev/null
	fi
	check place:second-placement "device=${da:-none} node=${nb:-} mode=$(rd $B/mode) state=$(rd $B/state) has_placement_memory=[$(rd $NODES/has_placement_memory)]" \
		eval '[ -n "$B" ] && [ "$(rd $B/state)" = online ] && in_list "$(rd $NODES/has_placement_memory)" $nb'
	[ -n "$B" ] || nb=3
	vmstat_fold
	ab0=$(node_kb $nb AnonPages) mf=$(node_kb $n MemFree)
	d0=$(($(node_kb 0 AnonPages) + $(node_kb 1 AnonPages)))
	t0=$(cut -d' ' -f1 /proc/uptime)
	out=$($PT fill $n 640 2>&1)
	t1=$(cut -d' ' -f1 /proc/uptime)
	vmstat_fold
	ab1=$(node_kb $nb AnonPages)
	touched=$(kv filled "$out")
	check place:fill-sigbus "$(echo $out) node${n}_MemFree_before=${mf}kB t=${t0}..${t1}" \
		eval '[ "$(kv sigbus "$out")" = 1 ] && [ "$(kv code "$out")" = BUS_ADRERR ] &&
		[ "$touched" -gt $((mf / 4 * 9 / 10)) ] && [ "$(kv fill_N$n "$out")" = "$touched" ] &&
		[ "$(elsewhere "$out" fill $n)" = 0 ] && [ "$(kv fill_absent "$out")" = 0 ]'
	# Past the low watermark, into the slow path: a cpuset of only
	# movable nodes (test_placement_cpuset's write) must not stop it there.
	low=$(zone_low_kb $n)
	check place:fill-past-low-watermark "free_at_sigbus=$(kv free_at_sigbus_kB "$out")kB low_watermark=${low}kB" \
		eval '[ "$(kv free_at_sigbus_kB "$out")" -ge 0 ] && [ "$(kv free_at_sigbus_kB "$out")" -lt "$low" ]'
	check place:full-request-fails "again_sigbus=$(kv again_sigbus "$out") move_status=$(kv move_status "$out") movedpage_N$n=$(kv movedpage_N$n "$out") node${nb}_AnonPages ${ab0}->${ab1}kB" \
		eval '[ "$(kv again_sigbus "$out")" = 1 ] && [ "$(kv move_status "$out")" = ENOMEM ] &&
		[ "$(kv movedpage_N$n "$out")" = 0 ] && [ "$ab1" = "$ab0" ]'
	if [ -n "$B" ]; then
		expect_wr place:second-offline $B/state offline OK
		expect_wr place:second-mode-back $B/mode compressed OK
		expect_wr place:second-unbind $DAXBUS/drivers/cram/unbind "$da" OK
	fi
}

# the hugetlb pools of a private node, both modes
test_private_hugetlb() { # LABEL
	n=$tnode
	h=$NODES/node$n/hugepages/hugepages-2048kB
	if [ ! -d $h ]; then
		result "place:hugetlb:$1" FAIL "no $h"
		return
	fi
	expect_wr "place:einval:hugetlb:$1" $h/nr_hugepages 1 EINVAL
	echo 16 >/proc/sys/vm/nr_hugepages
	check "place:hugetlb-global:$1" "global nr_hugepages=$(rd /proc/sys/vm/nr_hugepages) node$n=$(rd $h/nr_hugepages)" \
		eval '[ "$(rd $h/nr_hugepages)" = 0 ]'
	echo 0 >/proc/sys/vm/nr_hugepages
	numactl --membind=$n sh -c 'echo 2 >/proc/sys/vm/nr_hugepages_mempolicy' 2>/dev/null
	check "place:hugetlb-pool:$1" "node$n nr_hugepages=$(rd $h/nr_hugepages) HugePages_Total(node$n)=$(node_kb $n HugePages_Total) global=$(rd /proc/sys/vm/nr_hugepages)" \
		eval '[ "$(rd $h/nr_hugepages)" = 0 ]'
	echo 0 >/proc/sys/vm/nr_hugepages
}

# cpusets: cpuset.mems cannot name a private node, and a cpuset without
# it does not keep a task from placing memory there
test_placement_cpuset() {
	n=$tnode
	CS=/sys/fs/cgroup/cramcs
	mkdir -p /sys/fs/cgroup
	[ -f /sys/fs/cgroup/cgroup.subtree_control ] || mount -t cgroup2 none /sys/fs/cgroup
	echo +cpuset >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
	mkdir -p $CS
	got=$(wr $CS/cpuset.mems $n)
	check place:cpuset-mems-private "cpuset.mems=$n: $got effective=[$(rd $CS/cpuset.mems.effective)]" \
		eval '! in_list "$(rd $CS/cpuset.mems.effective)" $n'
	# the private node is never in the effective mems: naming it must not
	# latch cpusets_insane_config() ("movable nodes only" in dmesg)
	latch=$(dmesg | grep "movable nodes only")
	check place:cpuset-private-no-latch "cpuset.mems=$n: dmesg='$latch'" eval '[ -z "$latch" ]'
	# A cpuset of a node with no memory at all latches it (upstream's
	# case, not a private node's): the checks of placement allocations
	# past the low watermark below run under the latch.
	m=
	for i in $(seq 0 63); do
		in_list "$(rd $NODES/possible)" $i && ! in_list "$(rd $NODES/has_memory)" $i &&
			! in_list "$(rd $NODES/has_private_memory)" $i && { m=$i; break; }
	done
	got=$([ -n "$m" ] && wr $CS/cpuset.mems $m)
	latch=$(dmesg | grep "movable nodes only")
	check place:cpuset-memoryless-latch "cpuset.mems=$m: ${got:-none} dmesg='$latch'" eval '[ -n "$latch" ]'
	wr $CS/cpuset.mems 0 >/dev/null
	out=$(sh -c 'echo $$ >'$CS'/cgroup.procs && exec '$PT' fault '$n' 8' 2>&1)
	check place:cpuset-mems0-bind "cpuset.mems=$(rd $CS/cpuset.mems): $(echo $out)" \
		eval '[ "$(kv fault_N$n "$out")" = 2048 ]'
	out=$(sh -c 'echo $$ >'$CS'/cgroup.procs && exec '$PT' where 8' 2>&1)
	check place:cpuset-mems0-default "$(echo $out)" eval '[ "$(kv where_N0 "$out")" = 2048 ]'
	rmdir $CS
	echo -cpuset >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
}

# move_pages(2) onto the placement node past its low watermark, after
# test_placement_cpuset latched the allocator's check for a cpuset of only
# movable nodes: the move's allocation has no __GFP_HARDWALL, so the slow
# path takes it below the low watermark. With __GFP_HARDWALL the slow path
# failed it at once (ENOMEM): no page arrived once MemFree read below the
# low watermark, though a read can be that low a little before the
# refusal (the per-cpu lists take a batch of free pages at once).
# Unfixed, the guest saw moved_below_low=0 and free_min_kB=6900 against a
# low watermark of 5036 kB.
# placement_fill_check LABEL MODE: placetest movefill|migfill, its numbers
placement_fill_check() {
	n=$tnode
	low=$(zone_low_kb $n)
	latch=$(dmesg | grep -c "movable nodes only")
	out=$($PT $2 $n "$low" 2>&1)
	check $1 "$(echo $out) cpuset_latch=$latch" \
		eval '[ "$(kv moved_below_low "$out")" -ge 256 ] && [ "$(kv free_min_kB "$out")" -ge 0 ] &&
		[ "$(kv free_min_kB "$out")" -lt "$low" ] && [ "$(kv first_fail "$out")" = ENOMEM ]'
}
test_placement_movefill() {
	placement_fill_check place:move-past-low-watermark movefill
}

# migrate_pages(2) onto the placement node past its low watermark, under
# the same latch: migrate_to_node()'s allocation has no __GFP_HARDWALL
# either. Each 16 pages are faulted on DRAM and then moved by one
# migrate_pages(0, all others, N); when N is full the call fails with
# ENOMEM and the pages it could not move stay on DRAM. It runs after
# test_placement_ownership: run before it, its churn on N was followed by
# place:full-request-fails seeing the next fault succeed (again_sigbus=0)
# in two of four runs. With
# __GFP_HARDWALL put back, the guest saw moved_below_low=0 and ENOMEM
# with 4420 and 4880 kB free.
test_placement_migfill() {
	placement_fill_check place:migrate-past-low-watermark migfill
}

# MADV_COLLAPSE of 2 MiB bound to the placement node, faulted as order-0
# pages (0012: the huge page comes from the node with __GFP_THISNODE,
# and a range bound to the node collapses there wherever its pages are).
# With room, the huge page is on the node. With half of the pages moved
# to DRAM (a tie, which the lowest node id won) or three quarters, it is
# on the node too; unfixed (image 449b5748dd391dfc) both went to node 0
# (after_N0=512). With the node filled by order-0 faults, in children,
# towards 1.5 MiB above the low watermark, MemFree is in the window
# where only the allocator's slow path can give a huge page (below the
# low watermark + 2 MiB, above the min one): the huge page is on the
# node or the call fails, and no page is anywhere else. The fill ends
# 2-3.6 MiB below its target (4024 and 2428 kB for a target of 6060 in
# two runs; likely the per-cpu lists' free pages, which MemFree does not
# count). Filled in one round to below the low watermark instead,
# MemFree was 5360 kB for a target of 1408 kB at the call (image
# 61a2754022f74930). Run after the node's other fills: the huge page
# allocations wake kcompactd there, which the full-node fill of
# test_placement_ownership does not want near it.
# collapse_check LABEL OFF MUST [FREE_KB LO HI]: placetest $ccmd (collapse,
# or ucollapse for a range without a policy) with the OFF pages moved to
# node $cdst; MUST ok when only a huge page on the node passes, any when a
# failure (EAGAIN, ENOMEM) with all pages left on the node does too; with
# FREE_KB the node's MemFree before the call must be in [LO, HI) kB
collapse_check() {
	off=$2 lo=${5:-} hi=${6:-}
	out=$($PT $ccmd $n $cdst $off ${4:-} 2>&1)
	case $(kv collapse "$out")/$(kv thp_after_kB "$out")/$3 in
	OK/2048/*|EAGAIN/0/any|ENOMEM/0/any) ok=1 ;;
	*) ok=0 ;;
	esac
	check $1 "$(echo $out) min=${min}kB low=${low}kB window=[${lo:-none},${hi:-none})kB" \
		eval '[ $ok = 1 ] && [ "$(kv before_N$n "$out")" = $((512 - off)) ] &&
		[ "$(kv moved_off "$out")" = $off ] && [ "$(kv before_N$cdst "$out")" = $off ] && [ "$(kv thp_before_kB "$out")" = 0 ] &&
		[ "$(kv after_N$n "$out")" = 512 ] && [ "$(elsewhere "$out" after $n)" = 0 ] &&
		[ "$(kv after_absent "$out")" = 0 ] && [ "$(kv data_bad "$out")" = 0 ] &&
		{ [ -z "$lo" ] || { [ "$(kv free_before_kB "$out")" -ge "$lo" ] &&
		[ "$(kv free_before_kB "$out")" -lt "$hi" ]; }; }'
}
# collapse_cases PREFIX: the four collapses of a bound range (room, a tie,
# most pages off the node, the slow path), as PREFIX:collapse-*
collapse_cases() {
	collapse_check $1:collapse-room 0 ok
	collapse_check $1:collapse-tie-bound 256 ok
	collapse_check $1:collapse-most-off-bound 384 ok
	collapse_check $1:collapse-slow-path 0 any $((low + 1536)) \
		"$min" $((low + 2048))
}
test_placement_collapse() {
	n=$tnode
	min=$(zone_wmark_kb $n min) low=$(zone_wmark_kb $n low)
	# THP never, which MADV_COLLAPSE ignores: khugepaged stops, and does
	# not collapse the range first (it did once MADV_HUGEPAGE woke it)
	thp_set never
	ccmd=collapse cdst=0
	collapse_cases place
	thp_restore
}

# The collapses above with a DRAM node of a higher id than the placement
# node: the second device's first dax device as system RAM (kmem, its
# memory blocks online_movable), so its node is ordinary memory above N.
# The pages moved off go there. N's own fallback zonelist holds the DRAM
# nodes only (N is never in N_MEMORY), so the target's node mask alone
# keeps a bound range's huge page off them; in a range without a policy
# that has as many pages on N as on the higher node, the tie goes to N,
# the mask holds both, and only __GFP_THISNODE keeps the huge page on N.
# node_blocks is part-second-device.sh's.
test_placement_collapse_dram_above() {
	n=$tnode
	second_setup || return
	wr $DAXBUS/drivers/device_dax/unbind "$da" >/dev/null
	k=$(wr $DAXBUS/drivers/kmem/new_id "$da")
	bad=$(node_blocks $na online_movable)
	hm=$(rd $NODES/has_memory)
	vmstat_fold
	check place:dram-above "kmem new_id=$k driver=$(basename "$(readlink $DAXBUS/devices/$da/driver)") online failures=$bad node=$na has_memory=[$hm] node${na}_MemFree=$(node_kb $na MemFree)kB placement_node=$n" \
		eval '[ "$na" -gt $n ] && [ "$bad" = 0 ] && in_list "$hm" $na &&
		[ "$(node_kb $na MemFree)" -gt 65536 ]'
	min=$(zone_wmark_kb $n min) low=$(zone_wmark_kb $n low)
	thp_set never
	ccmd=collapse cdst=$na
	collapse_cases place:dram-above
	ccmd=ucollapse
	collapse_check place:dram-above:collapse-tie-unbound 256 ok
	ccmd=collapse cdst=0
	thp_restore
	bad=$(node_blocks $na offline)
	u=$(wr $DAXBUS/drivers/kmem/unbind "$da")
	wr $DAXBUS/drivers/kmem/remove_id "$da" >/dev/null
	hm=$(rd $NODES/has_memory)
	check place:dram-above-removed "offline failures=$bad kmem unbind=$u has_memory=[$hm]" \
		eval '[ "$bad" = 0 ] && [ "$u" = OK ] && ! in_list "$hm" $na'
}

test_placement_offline() {
	n=$tnode
	expect_wr place:offline $C/state offline OK
	pl=$(rd $NODES/has_placement_memory)
	out=$($PT mbind bind $n 2>&1)
	check place:offline-unlisted "has_placement_memory=[$pl] $out" \
		eval '! in_list "$pl" $n && [ "$(kv mbind "$out")" = EINVAL ]'
	expect_wr place:ok:mode:compressed $C/mode compressed OK
}

# move_pages(2) of transparent huge pages into the compressed node, with a
# budget of one page: 40960 B/s holds 4096 bytes, so the first folio (a
# 2 MiB THP) passes and overdraws it for 51 s, and every later folio gets
# -ENOSPC. Each page of the moved THP moves with its head and must say so
# (the node, charged once), each refused page must stay off the node, and
# migrated_pages must agree. Before, the page after the head was charged
# again, got -ENOSPC, and moved with its folio anyway.

test_user_migrate_thp() {
	thp_set always
	expect_wr umig:thp:rate $C/demote_rate_limit_bytes 40960 OK
	settle
	m5=$(rd $C/migrated_pages) a5=$(node_kb $n AnonHugePages)
	out=$($PT thpmove $n 8 2>&1)
	thp_restore
	mv=$(kv st_node "$out")
	m6=$(migrated_after "$m5" "${mv:-0}") a6=$(node_kb $n AnonHugePages)
	check umig:thp:move_pages "$(echo $out) migrated_pages ${m5}->${m6} node${n}_AnonHugePages ${a5}->${a6}kB" \
		eval '[ "$(kv rc "$out")" -ge 0 ] && [ "$(kv thp_kb "$out")" -ge 2048 ] &&
		[ "$mv" -ge 1 ] && [ "$(kv st_enospc "$out")" -ge 1 ] &&
		[ "$(kv st_other "$out")" = 0 ] && [ "$(kv st_node_off "$out")" = 0 ] &&
		[ "$(kv st_enospc_on "$out")" = 0 ] && [ "$(kv on_node "$out")" = "$mv" ] &&
		[ "$(kv data_bad "$out")" = 0 ] && [ $((m6 - m5)) = "$mv" ]'
}

# The same without a budget (rate 0), the request alternating between the
# pages of the two halves, so that a page of a queued huge page comes after
# a page of another folio queued later: all 2048 pages move and each status
# says so. Before, such a page got -EBUSY and moved anyway.
test_user_migrate_thp_interleaved() {
	thp_set always
	settle
	m7=$(rd $C/migrated_pages)
	out=$($PT thpmove $n 8 interleave 2>&1)
	thp_restore
	m8=$(migrated_after "$m7" 2048)
	check umig:thp:interleaved "$(echo $out) migrated_pages ${m7}->${m8}" \
		eval '[ "$(kv rc "$out")" = 0 ] && [ "$(kv thp_kb "$out")" -ge 2048 ] &&
		[ "$(kv st_node "$out")" = 2048 ] && [ "$(kv st_other "$out")" = 0 ] &&
		[ "$(kv st_node_off "$out")" = 0 ] && [ "$(kv on_node "$out")" = 2048 ] &&
		[ "$(kv data_bad "$out")" = 0 ] && [ $((m8 - m7)) = 2048 ]'
}

# Demotion into the compressed node while a cpuset exists, after
# test_placement_cpuset latched the allocator's check for a cpuset of only
# movable nodes. The demotion's allocation names the node in its mask and
# has no __GFP_HARDWALL, so the pages arrive. Before, the fast path looked
# in the reclaimer's cpuset mems, which hold no private node, and the slow
# path failed the request at once: none arrived (the guest saw node 2's
# share of the hog stay 0, 2048 of its pages go from node 0 to node 1 by
# the fallback of demotion, and demoted_pages count all 4096).
test_demotion_cpuset() {
	n=$tnode
	CS=/sys/fs/cgroup/cramcs
	echo +cpuset >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
	mkdir -p $CS
	wr $CS/cpuset.mems 0 >/dev/null
	latch=$(dmesg | grep -c "movable nodes only")
	settle
	d0=$(rd $C/demoted_pages) p0=$(rd $C/promoted_pages)
	start_hog 16 random 41
	h=$hog
	b0=$(pages_on $h 0) b1=$(pages_on $h 1)
	tiers=$(for t in /sys/devices/virtual/memory_tiering/memory_tier*; do
		[ -r $t/nodelist ] && echo "${t##*/}=[$(cat $t/nodelist)]"; done)
	r=$(reclaim 16M)
	a1=$(pages_on $h $n) d1=$(rd $C/demoted_pages) p1=$(rd $C/promoted_pages)
	h0=$(pages_on $h 0) h1=$(pages_on $h 1) sw=$(awk '/^SwapFree/ { print $2 }' /proc/meminfo)
	stop_hogs
	rmdir $CS
	echo -cpuset >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
	check umig:demotion-cpuset "cpuset $CS mems=0 cpuset_latch=$latch reclaim=$r hog_pages_on_node$n=$a1 hog_pages_on_node0 ${b0}->$h0 hog_pages_on_node1 ${b1}->$h1 $(echo $tiers) SwapFree=${sw}kB demoted_pages ${d0}->${d1} promoted_pages ${p0}->${p1}" \
		eval '[ "$a1" -gt 0 ] && [ $((d1 - d0)) -ge "$a1" ]'
}

# test 4: explicit migration into the compressed node, gate open and closed
test_user_migrate() {
	n=$tnode
	expect_wr umig:online $C/state online OK
	# opted out (the default): no user target, root or not
	out=$($PT move $n 4 anon 2>&1)
	check umig:off:move_pages "$(echo $out)" \
		eval '[ "$(kv errno "$out")" = ENODEV ] && [ "$(kv moved_N$n "$out")" = 0 ]'
	for k in anon shmem; do
		for who in root 65534; do
			u=; [ $who = root ] || u=$who
			out=$($PT mpages $n 4 $k $u 2>&1)
			check "umig:off:migrate_pages:$k:$who" "$(echo $out) no_alloc=$(rd $C/no_alloc)" \
				eval '[ "$(kv errno "$out")" = EINVAL ] && [ "$(kv moved_N$n "$out")" = 0 ]'
		done
	done
	out=$($PT mbind bind $n 2>&1)
	check umig:einval:mbind-compressed "$out" eval '[ "$(kv mbind "$out")" = EINVAL ]'
	expect_wr umig:ok:on $C/user_migrate 1 OK
	out=$($PT mbind bind $n 2>&1)
	check umig:einval:mbind-user_migrate "$out" eval '[ "$(kv mbind "$out")" = EINVAL ]'
	settle
	# gate open: every anonymous page moves, counted, and comes back
	# fenced; each of the 2048 order-0 pages gets the node as its status
	m0=$(rd $C/migrated_pages) p0=$(rd $C/promoted_pages) d0=$(rd $C/demoted_pages)
	out=$($PT move $n 8 anon 2>&1)
	m1=$(migrated_after "$m0" 2048) p1=$(rd $C/promoted_pages)
	check umig:open:move_pages "$(echo $out) migrated_pages ${m0}->${m1} promoted_pages ${p0}->${p1}" \
		eval '[ "$(kv rc "$out")" = 0 ] && [ "$(kv st_node "$out")" = 2048 ] &&
		[ "$(kv st_other "$out")" = 0 ] && [ "$(kv moved_N$n "$out")" = 2048 ] &&
		[ "$(kv data_bad "$out")" = 0 ] && [ $((m1 - m0)) = 2048 ] &&
		[ "$(kv written_N$n "$out")" = 0 ] && [ "$(kv written_bad "$out")" = 0 ] &&
		[ $((p1 - p0)) -ge 1 ] && [ $((p1 - p0)) -le 2048 ] &&
		[ "$(rd $C/demoted_pages)" = "$d0" ]'
	# not anonymous: -EPERM for each page, none moves
	out=$($PT move $n 4 shmem 2>&1)
	check umig:open:shmem-eperm "$(echo $out) migrated_pages=$(rd $C/migrated_pages)" \
		eval '[ "$(kv st_eperm "$out")" = 1024 ] && [ "$(kv moved_N$n "$out")" = 0 ] &&
		[ "$(rd $C/migrated_pages)" = "$m1" ]'
	# migrate_pages(2) by uid 65534: its anonymous pages move (the range
	# and the process's other private pages), shmem does not
	out=$($PT mpages $n 4 anon 65534 2>&1)
	m2=$(migrated_after "$m1" 1024)
	check umig:open:migrate_pages-65534 "$(echo $out) migrated_pages ${m1}->${m2}" \
		eval '[ "$(kv moved_N$n "$out")" = 1024 ] && [ $((m2 - m1)) -ge 1024 ] &&
		[ "$(kv data_bad "$out")" = 0 ] && [ "$(kv written_N$n "$out")" = 0 ]'
	out=$($PT mpages $n 4 shmem 65534 2>&1)
	check umig:open:migrate_pages-shmem "$(echo $out) migrated_pages ${m2}->$(rd $C/migrated_pages)" \
		eval '[ "$(kv moved_N$n "$out")" = 0 ] && [ "$(kv rc "$out")" -ge 1024 ]'
	# it moved the process's other private pages: the baseline counts them
	m2=$(migrated_after "$m2" 0)
	# the gate closed: -ENOSPC for each page, none moves
	expect_wr umig:no_alloc $C/no_alloc 1 OK
	out=$($PT move $n 8 anon 2>&1)
	check umig:closed:move_pages "$(echo $out) migrated_pages=$(rd $C/migrated_pages)" \
		eval '[ "$(kv st_enospc "$out")" = 2048 ] && [ "$(kv moved_N$n "$out")" = 0 ] &&
		[ "$(rd $C/migrated_pages)" = "$m2" ]'
	out=$($PT mpages $n 8 anon 2>&1)
	check umig:closed:migrate_pages "$(echo $out) migrated_pages=$(rd $C/migrated_pages)" \
		eval '[ "$(kv rc "$out")" -gt 0 ] && [ "$(kv moved_N$n "$out")" = 0 ] &&
		[ "$(rd $C/migrated_pages)" = "$m2" ]'
	expect_wr umig:no_alloc0 $C/no_alloc 0 OK
	# capacity reached (capacity_pages 0, at or below the resident pages)
	settle
	res=$(($(rd $C/logical_bytes) / PAGE))
	expect_wr umig:capacity $C/capacity_pages 0 OK
	out=$($PT move $n 4 anon 2>&1)
	check umig:capacity:move_pages "$(echo $out) resident=$res capacity_pages=$(rd $C/capacity_pages) migrated_pages=$(rd $C/migrated_pages)" \
		eval '[ "$(kv st_enospc "$out")" = 1024 ] && [ "$(kv moved_N$n "$out")" = 0 ] &&
		[ "$(rd $C/migrated_pages)" = "$m2" ]'
	expect_wr umig:capacity-back $C/capacity_pages "$(rd $C/total_pages)" OK
	wait_ballooned = 0
	settle
	# the rate budget: 1 MiB/s holds 100 KiB, so few of 2048 pages move.
	# Every page gets either the node (and is there) or -ENOSPC (and is
	# not): the statuses, the census and migrated_pages agree exactly.
	expect_wr umig:rate $C/demote_rate_limit_bytes 1048576 OK
	m3=$(rd $C/migrated_pages)
	out=$($PT move $n 8 anon 2>&1)
	mv=$(kv st_node "$out")
	m4=$(migrated_after "$m3" "${mv:-0}")
	check umig:rate:move_pages "$(echo $out) migrated_pages ${m3}->${m4}" \
		eval '[ "$mv" -ge 1 ] && [ "$(kv st_enospc "$out")" = $((2048 - mv)) ] &&
		[ "$(kv st_enospc "$out")" -ge 1024 ] && [ "$(kv st_other "$out")" = 0 ] &&
		[ "$(kv moved_N$n "$out")" = "$mv" ] && [ $((m4 - m3)) = "$mv" ]'
	test_user_migrate_thp
	expect_wr umig:rate0 $C/demote_rate_limit_bytes 0 OK
	test_user_migrate_thp_interleaved
	m4=$m8
	# opted out again, online: closed at once
	expect_wr umig:ok:off $C/user_migrate 0 OK
	out=$($PT move $n 4 anon 2>&1)
	check umig:off-again "$(echo $out)" eval '[ "$(kv errno "$out")" = ENODEV ]'
	test_demotion_cpuset
	test_private_hugetlb compressed
	expect_wr umig:offline $C/state offline OK
	check umig:kept-offline "user_migrate=$(rd $C/user_migrate) migrated_pages=$(rd $C/migrated_pages)" \
		eval '[ "$(rd $C/user_migrate)" = 0 ] && [ "$(rd $C/migrated_pages)" = "$m4" ]'
}

# Huge page faults under the bind (the upstream private_node_pressure's
# third case): with THP for the range (madvise), a fault on the node with
# room gets huge pages there; on a node filled by order-0 faults to the
# slow path's window (as the collapse above), faults get what the node
# still has, huge or small, and then SIGBUS: no page of the range is on
# another node, none is missing.
thpfault_check() { # LABEL FREE_KB MB
	out=$($PT thpfault $n $2 $3 2>&1)
	check $1 "$(echo $out) min=${min}kB low=${low}kB" \
		eval '[ "$(kv written "$out")" -gt 0 ] &&
		[ "$(kv fault_N$n "$out")" = "$(kv written "$out")" ] &&
		[ "$(elsewhere "$out" fault $n)" = 0 ] && [ "$(kv fault_absent "$out")" = 0 ] &&
		'"$4"
}
test_placement_thpfault() {
	n=$tnode
	min=$(zone_wmark_kb $n min) low=$(zone_wmark_kb $n low)
	thp_set madvise
	thpfault_check place:thp-fault-room 0 4 \
		'[ "$(kv written "$out")" = 1024 ] && [ "$(kv sigbus "$out")" = 0 ] &&
		[ "$(kv thp_kB "$out")" -ge 2048 ]'
	thpfault_check place:thp-fault-full $((low + 1536)) 16 \
		'[ "$(kv sigbus "$out")" = 1 ] && [ "$(kv code "$out")" = BUS_ADRERR ]'
	thp_restore
}

test_placement_abi
expect_wr place:mode $C/mode placement OK
test_placement_online
test_placement_numactl
test_placement_mbind_bad
test_placement_move
test_placement_off
test_private_hugetlb placement
test_placement_cpuset
test_placement_movefill
test_placement_ownership
test_placement_migfill
test_placement_collapse
test_placement_collapse_dram_above
test_placement_thpfault
test_placement_offline
test_user_migrate
