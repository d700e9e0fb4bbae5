# A second CXL device (run.sh: its own host bridge and window, so Linux
# gives its region a NUMA node of its own). Its region is split into two
# devdax namespaces, which share that node. Checks the ABI's EBUSY rules:
# binding a device whose target node already holds memory fails, and so does
# onlining one; a failed online leaves nothing online; a device on a node of
# its own binds and onlines beside the first one. Offline's EBUSY is
# part-offline-busy.sh's: the kernel's offline retries migration until it
# succeeds or a signal comes, so that test pins pages and sends one.
# Sourced by guest-tests.sh with $dax bound and offline; leaves it so, and
# the second device's dax devices unbound.

# until DEV's phys_used_bytes differs from VALUE (up to 5 s), then settle
used_moves() { # CRAMDIR VALUE
	i=0
	while [ "$(rd $1/phys_used_bytes)" = "$2" ] && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	settle
}

# Each device's sim/overhead_bytes: with pages demoted into $dax and both
# gates closed, so that no page comes or goes, a new overhead moves that
# device's phys_used_bytes by exactly the difference, and the other
# device's not at all.
second_overhead() {
	expect_wr ok:overhead-a-gate $A/no_alloc 1 OK
	start_hog 8 random 51
	r=$(reclaim 8M)
	expect_wr ok:overhead-gate $C/no_alloc 1 OK
	settle
	oc=$(rd $C/sim/overhead_bytes) oa=$(rd $A/sim/overhead_bytes)
	pc0=$(rd $C/phys_used_bytes) lc0=$(rd $C/logical_bytes) pa0=$(rd $A/phys_used_bytes)
	x=5255225
	expect_wr ok:overhead-set $C/sim/overhead_bytes $x OK
	used_moves $C "$pc0"
	pc1=$(rd $C/phys_used_bytes) lc1=$(rd $C/logical_bytes) pa1=$(rd $A/phys_used_bytes)
	check second:overhead "reclaim=$r $dax: logical_bytes ${lc0}->${lc1} overhead_bytes ${oc}->$(rd $C/sim/overhead_bytes) phys_used_bytes ${pc0}->${pc1} (+$((pc1 - pc0)), want +$((x - oc))); $da: overhead_bytes=$(rd $A/sim/overhead_bytes) phys_used_bytes ${pa0}->${pa1}" \
		eval '[ "$lc0" -ge $((1024 * PAGE)) ] && [ "$lc1" = "$lc0" ] &&
		[ $((pc1 - pc0)) = $((x - oc)) ] && [ "$oa" = 1048576 ] &&
		[ "$(rd $A/sim/overhead_bytes)" = "$oa" ] && [ "$pa1" = "$pa0" ]'
	y=123456
	expect_wr ok:overhead-set-second $A/sim/overhead_bytes $y OK
	used_moves $A "$pa1"
	pa2=$(rd $A/phys_used_bytes) pc2=$(rd $C/phys_used_bytes)
	check second:overhead-own "$da: overhead_bytes ${oa}->$(rd $A/sim/overhead_bytes) phys_used_bytes ${pa1}->${pa2} ($((pa2 - pa1)), want $((y - oa))); $dax: overhead_bytes=$(rd $C/sim/overhead_bytes) phys_used_bytes ${pc1}->${pc2}" \
		eval '[ $((pa2 - pa1)) = $((y - oa)) ] && [ "$pc2" = "$pc1" ] &&
		[ "$(rd $C/sim/overhead_bytes)" = "$x" ]'
	stop_hogs
	expect_wr ok:overhead-restore $C/sim/overhead_bytes "$oc" OK
	expect_wr ok:overhead-restore-second $A/sim/overhead_bytes "$oa" OK
	expect_wr ok:overhead-gate-open $C/no_alloc 0 OK
	expect_wr ok:overhead-a-gate-open $A/no_alloc 0 OK
	settle
}

test_second_device() {
	second_setup || return
	A=$DAXBUS/devices/$da/cram B=$DAXBUS/devices/$db/cram
	check second:own-node "first=$dax node=$tnode second=$da,$db node=$na (each CXL window has a node of its own)" \
		[ "$na" != "$tnode" ]

	# the first device online; the second binds and onlines on its own node
	expect_wr ok:second-first-online $C/state online OK
	echo "$da" >$DAXBUS/drivers/device_dax/unbind 2>/dev/null
	got=$(wr $DAXBUS/drivers/cram/new_id "$da")
	check second:bind-own-node "new_id=$got driver=$(basename "$(readlink $DAXBUS/devices/$da/driver)" 2>/dev/null) state=$(rd $A/state) node=$(rd $A/node) total_pages=$(rd $A/total_pages)" \
		eval '[ "$got" = OK ] && [ "$(rd $A/state)" = offline ] && [ "$(rd $A/node)" = "$na" ]'
	got=$(wr $A/state online)
	priv=$(rd $NODES/has_private_memory)
	ka=$(node_kb $na MemTotal) tpa=$(rd $A/total_pages)
	check second:online-own-node "write=$got has_private_memory=[$priv] node${na}_MemTotal=${ka}kB total_pages=$tpa node${tnode}_MemTotal=$(node_kb $tnode MemTotal)kB" \
		eval '[ "$got" = OK ] && in_list "$priv" "$na" && in_list "$priv" "$tnode" &&
		[ "${ka:-0}" = $((tpa * PAGE / 1024)) ]'
	second_overhead

	# bind: the node of the other namespace already holds private memory
	wr $DAXBUS/drivers/cram/new_id "$db" >/dev/null	# an id only: still device_dax's
	drv0=$(basename "$(readlink $DAXBUS/devices/$db/driver)" 2>/dev/null)
	echo "$db" >$DAXBUS/drivers/device_dax/unbind 2>/dev/null
	got=$(wr $DAXBUS/drivers/cram/bind "$db")
	drv=$(basename "$(readlink $DAXBUS/devices/$db/driver)" 2>/dev/null)
	check second:bind-ebusy "node $na holds $da's private memory: bind $db=$got driver_before=$drv0 driver=${drv:-none} cram_dir=$([ -d $B ] && echo yes || echo no)" \
		eval '[ "$got" = EBUSY ] && [ -z "$drv" ] && [ ! -d $B ]'

	# online: bound while the node was empty, then the node filled
	expect_wr ok:second-a-offline $A/state offline OK
	got=$(wr $DAXBUS/drivers/cram/bind "$db")
	check second:bind-empty-node "bind $db=$got state=$(rd $B/state) node=$(rd $B/node)" \
		eval '[ "$got" = OK ] && [ "$(rd $B/state)" = offline ]'
	expect_wr ok:second-a-online $A/state online OK
	k0=$(node_kb $na MemTotal) p0=$(rd $NODES/has_private_memory)
	got=$(wr $B/state online)
	k1=$(node_kb $na MemTotal) p1=$(rd $NODES/has_private_memory)
	nbl=0
	for m in $NODES/node$na/memory*; do
		[ -e "$m" ] && [ "$(rd $m/state)" = online ] && nbl=$((nbl + 1))
	done
	bs=$(printf '%d' 0x$(rd /sys/devices/system/memory/block_size_bytes))
	ba=$(($(rd $A/total_pages) * PAGE / bs))
	check second:online-ebusy "online $db=$got state=$(rd $B/state) node${na}_MemTotal ${k0}->${k1}kB online_blocks=$nbl (${da}'s: $ba) has_private_memory [$p0]->[$p1]" \
		eval '[ "$got" = EBUSY ] && [ "$(rd $B/state)" = offline ] && [ "$k1" = "$k0" ] &&
		[ "$p1" = "$p0" ] && [ "$nbl" = "$ba" ]'
	# the failed online left the other device as it was
	expect_wr ok:second-a-offline2 $A/state offline OK
	expect_wr ok:second-b-online $B/state online OK
	expect_wr ok:second-b-offline $B/state offline OK

	# back to: the first device offline, the second device's dax unbound
	expect_wr ok:second-first-offline $C/state offline OK
	expect_wr ok:second-unbind-a $DAXBUS/drivers/cram/unbind "$da" OK
	expect_wr ok:second-unbind-b $DAXBUS/drivers/cram/unbind "$db" OK
	priv=$(rd $NODES/has_private_memory)
	check second:cleanup "has_private_memory=[$priv] $dax=$(rd $C/state) $da,$db driver=$(basename "$(readlink $DAXBUS/devices/$da/driver)" 2>/dev/null),$(basename "$(readlink $DAXBUS/devices/$db/driver)" 2>/dev/null)" \
		eval '[ -z "$priv" ] && [ "$(rd $C/state)" = offline ]'
}

# bind: the node holds ordinary memory (N_MEMORY), here the other
# namespace added as system RAM by kmem (through sysfs: daxctl looks for a
# kmem module, and the test kernel has it built in)
node_blocks() { # NODE STATE: write STATE to every memory block of NODE; prints the failures
	f=0
	for m in $NODES/node$1/memory*; do
		[ -e "$m/state" ] || continue
		[ "$(rd $m/state)" = "${2%_movable}" ] && continue
		[ "$(wr $m/state $2)" = OK ] || f=$((f + 1))
	done
	echo $f
}
test_second_kmem() {
	[ -n "$da" ] && [ -n "$db" ] || return
	got_k=$(wr $DAXBUS/drivers/kmem/new_id "$da")
	bad=$(node_blocks $na online_movable)
	mem=$(rd $NODES/has_memory) kb=$(node_kb $na MemTotal)
	got=$(wr $DAXBUS/drivers/cram/bind "$db")
	drv=$(basename "$(readlink $DAXBUS/devices/$db/driver)" 2>/dev/null)
	check second:bind-ebusy-kmem "$da kmem new_id=$got_k driver=$(basename "$(readlink $DAXBUS/devices/$da/driver)" 2>/dev/null) online failures=$bad has_memory=[$mem] node${na}_MemTotal=${kb}kB; bind $db=$got driver=${drv:-none}" \
		eval '[ "$got_k" = OK ] && in_list "$mem" "$na" && [ "$got" = EBUSY ] && [ -z "$drv" ]'
	# undo: offline the RAM (nothing should be on it), then kmem lets go
	bad=$(node_blocks $na offline)
	got=$(wr $DAXBUS/drivers/kmem/unbind "$da")
	echo "VMINFO second kmem undo: offline failures=$bad unbind=$got has_memory=[$(rd $NODES/has_memory)] node${na}_MemTotal=$(node_kb $na MemTotal)"
}

# A device that no backend drives (issue 12): cram_sim's decline parameter
# leaves the second device to no backend when it is bound. Its physical
# telemetry fails with ENODATA, never an invented figure, and so does a
# non-zero threshold; everything else works, online and offline.
test_second_nobackend() {
	[ -n "$da" ] || return
	P=/sys/module/cram_sim/parameters/decline
	expect_wr ok:nobackend-decline $P "$da" OK
	got=$(wr $DAXBUS/drivers/cram/bind "$da")
	errs() { echo "phys_capacity_bytes=$(rd_err $A/phys_capacity_bytes) phys_used_bytes=$(rd_err $A/phys_used_bytes) stat=$(rd_err $A/stat)"; }
	e=$(errs)
	check nobackend:telemetry-enodata "bind $da=$got $e logical_bytes=$(rd $A/logical_bytes) demoted_pages=$(rd $A/demoted_pages) sim_dir=$([ -d $A/sim ] && echo yes || echo no) dmesg='$(dmesg | grep "$da: cram: node" | tail -n 1 | cut -c1-100)'" \
		eval '[ "$got" = OK ] && [ "$e" = "phys_capacity_bytes=ENODATA phys_used_bytes=ENODATA stat=ENODATA" ] &&
		[ "$(rd $A/logical_bytes)" = 0 ] && [ ! -d $A/sim ]'
	expect_wr nobackend:high-enodata $A/high_threshold_bytes 4096 ENODATA
	expect_wr nobackend:low-enodata $A/low_threshold_bytes 4096 ENODATA
	expect_wr nobackend:high-0 $A/high_threshold_bytes 0 OK
	expect_wr nobackend:online $A/state online OK
	expect_wr nobackend:gate $A/no_alloc 1 OK
	e=$(errs)
	check nobackend:online-enodata "state=$(rd $A/state) $e no_alloc=$(rd $A/no_alloc) total_pages=$(rd $A/total_pages)" \
		eval '[ "$e" = "phys_capacity_bytes=ENODATA phys_used_bytes=ENODATA stat=ENODATA" ] && [ "$(rd $A/state)" = online ]'
	expect_wr nobackend:offline $A/state offline OK
	expect_wr nobackend:unbind $DAXBUS/drivers/cram/unbind "$da" OK
	expect_wr nobackend:decline-none $P "" OK
}

test_second_device
test_second_nobackend
test_second_kmem
