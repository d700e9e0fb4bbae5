# libcram in the guest: its discovery finds the private node, and its
# allocation helpers behave as cram_alloc_onnode(3) says: a DRAM node works
# and the pages land there; a private node fails closed with EOPNOTSUPP
# (ENODEV while the node has no memory) and leaves nothing mapped; and
# cram_device_set_thresholds() orders its writes as the kernel needs.
# Sourced by guest-tests.sh with $dax bound and offline; leaves it so.
# /vmtests/libcram-probe is tests/vm/libcram-probe.c, built by mkinitramfs.sh.

# unmapped "alloc ... vm_kb=A->B maps=X->Y": um=yes when A = B and X = Y
unmapped() {
	um=no
	v=$(echo "$1" | sed -n 's/.*vm_kb=\([0-9]*\)->\([0-9]*\) maps=\([0-9]*\)->\([0-9]*\)$/\1 \2 \3 \4/p')
	[ -n "$v" ] || return
	vm0=${v%% *} v=${v#* }
	vm1=${v%% *} v=${v#* }
	mp0=${v%% *} mp1=${v#* }
	[ "$vm0" = "$vm1" ] && [ "$mp0" = "$mp1" ] && um=yes
}

test_libcram() {
	P=/vmtests/libcram-probe
	n=$tnode
	out=$($P discover 2>&1)
	head=$(echo "$out" | head -n 1)
	dev=$(echo "$out" | grep "^device $dax ")
	# ABI v2 kernels (has_placement_memory) have placement nodes; this
	# compressed node still fails closed below.
	up=EOPNOTSUPP
	[ -e /sys/devices/system/node/has_placement_memory ] && up=OK
	check libcram:discover-offline "$(echo $head) [$(echo $dev)] node$n=[$(echo "$out" | grep "^node $n ")]" \
		eval 'echo "$head" | grep -q "private_nodes=feature:OK user_placement=feature:$up" &&
		[ "$dev" = "device $dax node=$n state=offline" ] && ! echo "$out" | grep -q "^node $n "'
	a=$($P alloc $n 16 2>&1)
	unmapped "$a"
	check libcram:alloc-private-offline "$a" \
		eval 'echo "$a" | grep -q "^alloc node=$n rc=-1 errno=ENODEV " && [ $um = yes ]'

	expect_wr ok:libcram-online $C/state online OK
	out=$($P discover 2>&1)
	dev=$(echo "$out" | grep "^device $dax ")
	nl=$(echo "$out" | grep "^node $n ")
	tp=$(rd $C/total_pages)
	check libcram:discover-online "[$(echo $dev)] [$nl] total_pages=$tp nodes=[$(echo "$out" | grep '^node' | cut -d' ' -f2,3 | tr '\n' ',')]" \
		eval '[ "$dev" = "device $dax node=$n state=online" ] &&
		[ "$nl" = "node $n private=1 bytes=$((tp * PAGE))" ] &&
		echo "$out" | grep -q "^node 0 private=0 " && echo "$out" | grep -q "^node 1 private=0 "'

	for d in 0 1; do
		a=$($P alloc $d 64 2>&1)
		check libcram:alloc-dram$d "$a" \
			eval 'echo "$a" | grep -q "^alloc node=$d rc=0 pages=64 on_node=64 elsewhere=0 free=0 " &&
			v=${a##*vm_kb=} && [ "${v%%->*}" = "${v##*->}" ]'
	done
	a=$($P alloc $n 64 2>&1)
	unmapped "$a"
	check libcram:alloc-private "$a anon_on_node$n=$(node_kb $n AnonPages)kB" \
		eval 'echo "$a" | grep -q "^alloc node=$n rc=-1 errno=EOPNOTSUPP " && [ $um = yes ]'
	p=$($P place 0 $n 2>&1)
	check libcram:place-private "$p" \
		eval 'echo "$p" | grep -q "tonode=EOPNOTSUPP move=EOPNOTSUPP migrate=EOPNOTSUPP mbind=EINVAL move_pages=ENODEV page_node=0$"'
	# cram_device_set_thresholds(3) writes the high first, and the low
	# first only when the kernel refuses a high below the low in force; a
	# high beyond the capacity changes neither
	pc=$(rd $C/phys_capacity_bytes)
	hi0=$(rd $C/high_threshold_bytes) lo0=$(rd $C/low_threshold_bytes)
	t1=$($P thresholds $dax $((pc / 2)) $((pc / 4)) 2>&1)
	t2=$($P thresholds $dax $((pc / 8)) $((pc / 16)) 2>&1)
	t3=$($P thresholds $dax $((pc + 4096)) $((pc / 32)) 2>&1)
	t4=$($P thresholds $dax $hi0 $lo0 2>&1)
	check libcram:thresholds-order "capacity=$pc [$t1] [$t2] [$t3] [$t4]" \
		eval '[ "$t1" = "thresholds rc=OK high=$((pc / 2)) low=$((pc / 4))" ] &&
		[ "$t2" = "thresholds rc=OK high=$((pc / 8)) low=$((pc / 16))" ] &&
		[ "$t3" = "thresholds rc=EINVAL high=$((pc / 8)) low=$((pc / 16))" ] &&
		[ "$t4" = "thresholds rc=OK high=$hi0 low=$lo0" ]'
	expect_wr ok:libcram-offline $C/state offline OK
}

test_libcram
