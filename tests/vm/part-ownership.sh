# Node ownership (issue 12): only the cram device that owns a private node
# changes the memory on it. Memory that anything else hotplugs onto the
# node (kmem, here the second namespace of the second CXL device), per-block
# online and offline through /sys/devices/system/memory/ by anyone but the
# owner, and auto-online of the owner's memory into ZONE_NORMAL are each
# refused or kept private. Figures: the errno of each write, the blocks'
# states and zones, has_memory, has_private_memory, the node's and the
# system's MemTotal, and cram/state.
# Sourced by guest-tests.sh with $dax bound and offline; leaves it so, the
# second device's dax devices bound to device_dax, auto_online_blocks as it
# was.

MEMSYS=/sys/devices/system/memory
AUTO=$MEMSYS/auto_online_blocks

own_blocks() { # NODE -> the memoryN of NODE
	for m in $NODES/node$1/memory*; do [ -e "$m" ] && echo ${m##*/}; done
}
own_zones() { # BLOCKS... -> "memoryN=state/zone ..." (valid_zones of an online block is its zone)
	for b in "$@"; do
		printf '%s=%s/%s ' $b "$(rd $MEMSYS/$b/state)" "$(rd $MEMSYS/$b/valid_zones | cut -d' ' -f1)"
	done
}
own_count() { # STATE BLOCKS... -> how many of BLOCKS are in STATE
	want=$1 n=0
	shift
	for b in "$@"; do [ "$(rd $MEMSYS/$b/state)" = "$want" ] && n=$((n + 1)); done
	echo $n
}
own_write() { # STATE BLOCKS... -> the errno names of writing STATE to each
	want=$1 out=
	shift
	for b in "$@"; do out="$out$(wr $MEMSYS/$b/state $want) "; done
	echo "${out% }"
}
own_added() { # NODE BLOCKS... -> the memoryN of NODE that are not among BLOCKS
	node=$1
	shift
	for b in $(own_blocks $node); do
		echo " $* " | grep -q " $b " || echo $b
	done
}
sys_kb() { awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo; }

# 1. kmem hotplugs the other namespace onto a node that a cram device owns
test_own_foreign() {
	expect_wr ok:own-a-bind-id $DAXBUS/drivers/cram/new_id "$da" OK
	echo "$da" >$DAXBUS/drivers/device_dax/unbind 2>/dev/null
	wr $DAXBUS/drivers/cram/bind "$da" >/dev/null
	A=$DAXBUS/devices/$da/cram
	expect_wr ok:own-a-online $A/state online OK
	ta=$(rd $A/total_pages)
	ablk=$(own_blocks $na)
	k0=$(node_kb $na MemTotal) s0=$(sys_kb)
	echo "$db" >$DAXBUS/drivers/device_dax/unbind 2>/dev/null
	got_k=$(wr $DAXBUS/drivers/kmem/new_id "$db")
	drv=$(basename "$(readlink $DAXBUS/devices/$db/driver)" 2>/dev/null)
	set -- $(own_added $na $ablk)
	nb_blk=$#
	echo "VMINFO own foreign: $db kmem new_id=$got_k driver=${drv:-none} its blocks on node$na: $nb_blk ($(own_zones "$@"))"
	for t in online online_movable online_kernel; do
		got=$(own_write $t "$@")
		non=$(own_count online "$@")
		mem=$(rd $NODES/has_memory) priv=$(rd $NODES/has_private_memory)
		k1=$(node_kb $na MemTotal) s1=$(sys_kb)
		check own:foreign-$t "node$na owned by $da (total_pages=$ta): $db blocks=$nb_blk write $t=[$got] online=$non zones=[$(own_zones "$@")] has_memory=[$mem] has_private_memory=[$priv] node${na}_MemTotal ${k0}->${k1}kB MemTotal ${s0}->${s1}kB" \
			eval '[ "$got_k" = OK ] && [ "$nb_blk" -gt 0 ] && [ "$non" = 0 ] &&
			! in_list "$mem" "$na" && in_list "$priv" "$na" && [ "$k1" = "$k0" ] &&
			[ "$s1" = "$s0" ]'
		own_write offline "$@" >/dev/null
	done
	# the owner goes offline: nothing of the node may stay online
	own_write online_movable "$@" >/dev/null
	non=$(own_count online "$@")
	got=$(wr $A/state offline)
	mem=$(rd $NODES/has_memory) priv=$(rd $NODES/has_private_memory)
	k2=$(node_kb $na MemTotal)
	check own:foreign-owner-offline "$db blocks online=$non; $da offline=$got state=$(rd $A/state) has_memory=[$mem] has_private_memory=[$priv] node${na}_MemTotal=${k2}kB blocks=[$(own_zones $(own_blocks $na))]" \
		eval '[ "$got" = OK ] && [ "${k2:-0}" = 0 ] && ! in_list "$priv" "$na"'
	# undo: the foreign blocks offline, kmem lets go
	bad=$(own_write offline "$@")
	got=$(wr $DAXBUS/drivers/kmem/unbind "$db")
	wr $DAXBUS/drivers/kmem/remove_id "$db" >/dev/null
	[ "$(rd $A/state)" = offline ] || wr $A/state offline >/dev/null
	s2=$(sys_kb)
	check own:foreign-undo-memtotal "$db offline=[$bad] kmem unbind=$got, $da offline: has_memory=[$(rd $NODES/has_memory)] node${na}_MemTotal=$(node_kb $na MemTotal)kB MemTotal ${s0}->${s2}kB" \
		[ "$s2" = "$s0" ]
}

# 1b. the same with auto_online_blocks=online: kmem's add onlines at once
test_own_foreign_auto() {
	expect_wr ok:own-a-online-auto $A/state online OK
	ablk=$(own_blocks $na)
	k0=$(node_kb $na MemTotal) s0=$(sys_kb)
	auto0=$(rd $AUTO)
	expect_wr ok:own-auto-online $AUTO online OK
	got_k=$(wr $DAXBUS/drivers/kmem/new_id "$db")
	wr $AUTO "$auto0" >/dev/null
	set -- $(own_added $na $ablk)
	nbb=$#
	non=$(own_count online "$@")
	mem=$(rd $NODES/has_memory) priv=$(rd $NODES/has_private_memory)
	k1=$(node_kb $na MemTotal) s1=$(sys_kb)
	check own:foreign-auto-online "auto_online_blocks=online: kmem new_id $db=$got_k blocks=$nbb online=$non zones=[$(own_zones "$@")] has_memory=[$mem] has_private_memory=[$priv] node${na}_MemTotal ${k0}->${k1}kB MemTotal ${s0}->${s1}kB" \
		eval '[ "$got_k" = OK ] && [ "$nbb" -gt 0 ] && [ "$non" = 0 ] && ! in_list "$mem" "$na" &&
		[ "$k1" = "$k0" ] && [ "$s1" = "$s0" ]'
	own_write offline "$@" >/dev/null
	wr $DAXBUS/drivers/kmem/unbind "$db" >/dev/null
	wr $DAXBUS/drivers/kmem/remove_id "$db" >/dev/null
	expect_wr ok:own-a-offline-auto $A/state offline OK
}

# 2. per-block state writes to the owner's blocks, from sysfs
test_own_perblock() {
	expect_wr ok:own-perblock-online $A/state online OK
	set -- $(own_blocks $na)
	b=$1 n=$#
	k0=$(node_kb $na MemTotal)
	got=$(wr $MEMSYS/$b/state offline)
	k1=$(node_kb $na MemTotal) priv=$(rd $NODES/has_private_memory)
	check own:perblock-offline "$da online, $n blocks: write $b offline=$got $b=$(rd $MEMSYS/$b/state) cram/state=$(rd $A/state) has_private_memory=[$priv] node${na}_MemTotal ${k0}->${k1}kB" \
		eval '[ "$got" != OK ] && [ "$(rd $MEMSYS/$b/state)" = online ] && [ "$k1" = "$k0" ] &&
		in_list "$priv" "$na"'
	# the device core's online file of the block: the same path
	got=$(wr $MEMSYS/$b/online 0)
	k1=$(node_kb $na MemTotal)
	check own:perblock-online-file "write $b/online 0=$got online=$(rd $MEMSYS/$b/online) state=$(rd $MEMSYS/$b/state) cram/state=$(rd $A/state) node${na}_MemTotal ${k0}->${k1}kB" \
		eval '[ "$got" != OK ] && [ "$(rd $MEMSYS/$b/state)" = online ] && [ "$k1" = "$k0" ]'
	for t in online_kernel online online_movable; do
		# a block that went offline above, or still online
		s=$(rd $MEMSYS/$b/state)
		got=$(wr $MEMSYS/$b/state $t)
		k2=$(node_kb $na MemTotal) mem=$(rd $NODES/has_memory)
		check own:perblock-$t "$b was $s: write $t=$got now=[$(own_zones $b)] has_memory=[$mem] node${na}_MemTotal ${k0}->${k2}kB cram/state=$(rd $A/state)" \
			eval '[ "$s" = online ] && [ "$got" != OK ] &&
			[ "$(own_zones $b)" = "$b=online/Movable " ] && [ "$k2" = "$k0" ] &&
			! in_list "$mem" "$na"'
	done
	got=$(wr $A/state offline)
	left=$(own_blocks $na | wc -l)
	check own:perblock-owner-offline "$da offline=$got state=$(rd $A/state) blocks left on node$na=$left has_private_memory=[$(rd $NODES/has_private_memory)]" \
		eval '[ "$got" = OK ] && [ "$left" = 0 ]'
	# offline, the device's memory is removed: no block to write
	got=$(wr $MEMSYS/$b/state online)
	check own:perblock-offline-device "$da offline: $b exists=$([ -e $MEMSYS/$b ] && echo yes || echo no) write online=$got node${na}_MemTotal=$(node_kb $na MemTotal)kB" \
		eval '[ ! -e $MEMSYS/$b ] && [ "$got" != OK ]'
	[ "$(rd $A/state)" = offline ] || wr $A/state offline >/dev/null
}

# 3. auto_online_blocks set before cram adds its memory
test_own_auto() {
	auto0=$(rd $AUTO)
	for p in online_kernel online online_movable; do
		expect_wr ok:own-auto-$p $AUTO $p OK
		s0=$(sys_kb)
		got=$(wr $C/state online)
		set -- $(own_blocks $tnode)
		nblk=$# nm=0
		for b; do [ "$(own_zones $b)" = "$b=online/Movable " ] && nm=$((nm + 1)); done
		mem=$(rd $NODES/has_memory) priv=$(rd $NODES/has_private_memory)
		kb=$(node_kb $tnode MemTotal) tp=$(rd $C/total_pages) s1=$(sys_kb)
		wr $AUTO "$auto0" >/dev/null
		check own:auto-$p "auto_online_blocks=$p: $dax online=$got state=$(rd $C/state) blocks=$nblk movable=$nm zones=[$(own_zones "$@" | cut -c1-200)] has_memory=[$mem] has_private_memory=[$priv] node${tnode}_MemTotal=${kb}kB total_pages=$tp MemTotal ${s0}->${s1}kB" \
			eval '[ "$got" = OK ] && [ "$(rd $C/state)" = online ] && [ "$nblk" -gt 0 ] &&
			[ "$nm" = "$nblk" ] && ! in_list "$mem" "$tnode" && in_list "$priv" "$tnode" &&
			[ "${kb:-0}" = $((tp * PAGE / 1024)) ] && [ "$s1" = "$s0" ]'
		[ "$(rd $C/state)" = offline ] || expect_wr ok:own-auto-$p-offline $C/state offline OK
		left=$(own_blocks $tnode | wc -l)
		[ "$left" = 0 ] || {
			echo "VMINFO own auto-$p: $left blocks left on node$tnode: $(own_zones $(own_blocks $tnode))"
			for b in $(own_blocks $tnode); do wr $MEMSYS/$b/state offline >/dev/null; done
		}
	done
	wr $AUTO "$auto0" >/dev/null
	check own:auto-restored "auto_online_blocks=$(rd $AUTO) (was $auto0) $dax=$(rd $C/state)" \
		[ "$(rd $AUTO)" = "$auto0" ]
}

own_cleanup() {
	wr $DAXBUS/drivers/cram/unbind "$da" >/dev/null
	wr $DAXBUS/drivers/cram/remove_id "$da" >/dev/null
	for d in $da $db; do
		[ -e $DAXBUS/devices/$d/driver ] || wr $DAXBUS/drivers/device_dax/bind $d >/dev/null
	done
	echo "VMINFO own cleanup: $da,$db driver=$(basename "$(readlink $DAXBUS/devices/$da/driver)" 2>/dev/null),$(basename "$(readlink $DAXBUS/devices/$db/driver)" 2>/dev/null) has_private_memory=[$(rd $NODES/has_private_memory)] has_memory=[$(rd $NODES/has_memory)] auto_online_blocks=$(rd $AUTO)"
}

if second_setup; then
	echo "VMINFO own: auto_online_blocks=$(rd $AUTO) block_size_bytes=0x$(rd $MEMSYS/block_size_bytes)"
	test_own_foreign
	test_own_foreign_auto
	test_own_perblock
	own_cleanup
fi
test_own_auto
