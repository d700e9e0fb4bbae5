#!/bin/sh
# cram VM tests, run inside the guest by /init (busybox sh).
# Every result is one line: "VMTEST <name> PASS|FAIL <details>"; details carry
# the numbers read in the guest. The host (run.sh) counts them.
. /vmtests/guest-lib.sh

test_bind() {
	echo /vmtests/uevent-log.sh >/proc/sys/kernel/hotplug
	: >/tmp/uevents
	echo "$dax" >$DAXBUS/drivers/device_dax/unbind 2>/dev/null
	got=$(wr $DAXBUS/drivers/cram/new_id "$dax")
	drv=$(basename "$(readlink $D/driver)" 2>/dev/null)
	check bind "new_id=$got driver=$drv cram_dir=$([ -d $C ] && echo yes || echo no)" \
		eval '[ "$drv" = cram ] && [ -d $C ]'
}

ATTRS="abi_version state mode user_migrate node total_pages phys_capacity_bytes phys_used_bytes logical_bytes
capacity_pages no_alloc demote_rate_limit_bytes evict_bytes high_threshold_bytes
low_threshold_bytes demoted_pages promoted_pages evicted_pages ballooned_pages
migrated_pages stat sim/compress_ratio sim/latency_ns sim/overhead_bytes"
RO_ATTRS="abi_version node total_pages phys_capacity_bytes phys_used_bytes logical_bytes
demoted_pages promoted_pages evicted_pages ballooned_pages migrated_pages stat"
U64_KNOBS="capacity_pages demote_rate_limit_bytes evict_bytes high_threshold_bytes
low_threshold_bytes sim/compress_ratio sim/latency_ns sim/overhead_bytes"

test_formats() {
	n=0 missing=
	for a in $ATTRS; do
		if [ -f $C/$a ]; then n=$((n + 1)); else missing="$missing $a"; fi
	done
	check attrs-exist "present=$n of 24 missing=[${missing# }]" [ $n = 24 ]
	for a in $ATTRS; do
		case $a in state|stat|mode) continue ;; esac
		v=$(rd $C/$a)
		check "format:$a" "value=$v" is_num "$v"
	done
	check format:abi_version "value=$(rd $C/abi_version)" [ "$(rd $C/abi_version)" = 1 ]
	check format:state "value=$(rd $C/state)" [ "$(rd $C/state)" = offline ]
	check format:node "node=$(rd $C/node) target_node=$tnode" [ "$(rd $C/node)" = "$tnode" ]
	tp=$(rd $C/total_pages)
	check format:total_pages "total_pages=$tp bytes=$((tp * PAGE)) dax_size=$size" \
		eval '[ "$tp" -gt 0 ] && [ $((tp * PAGE)) -le "$size" ]'
	st=$(rd $C/stat)
	nf=$(echo "$st" | wc -w)
	pc=$(rd $C/phys_capacity_bytes)
	check format:stat "stat='$st' fields=$nf phys_capacity=$pc" \
		eval '[ "$nf" = 7 ] && [ "${st%% *}" = "$pc" ]'
	check format:sim_defaults "compress_ratio=$(rd $C/sim/compress_ratio) latency_ns=$(rd $C/sim/latency_ns) overhead_bytes=$(rd $C/sim/overhead_bytes)" \
		eval '[ "$(rd $C/sim/compress_ratio)" = 1000 ] && [ "$(rd $C/sim/latency_ns)" = 0 ] &&
		[ "$(rd $C/sim/overhead_bytes)" = 1048576 ]'
}

test_bad_input_offline() {
	for a in $U64_KNOBS; do
		expect_wr "einval:$a:word" $C/$a abc EINVAL
		expect_wr "einval:$a:sign" $C/$a +1 EINVAL
		expect_wr "einval:$a:hex" $C/$a 0x10 EINVAL
		expect_wr "einval:$a:trailing" $C/$a "12 junk" EINVAL
		expect_wr "einval:$a:empty" $C/$a "" EINVAL
		expect_wr "erange:$a:2^64" $C/$a 18446744073709551616 ERANGE
	done
	expect_wr einval:no_alloc:word $C/no_alloc maybe EINVAL
	expect_wr einval:state:word $C/state sideways EINVAL
	for a in capacity_pages demote_rate_limit_bytes evict_bytes; do
		expect_wr "enodev:$a" $C/$a 0 ENODEV
	done
	expect_wr enodev:no_alloc $C/no_alloc 1 ENODEV
	for a in $RO_ATTRS; do
		expect_wr "eacces:$a" $C/$a 0 EACCES
	done
	pc=$(rd $C/phys_capacity_bytes)
	expect_wr "einval:high>phys" $C/high_threshold_bytes $((pc + 1)) EINVAL
	expect_wr "ok:high=phys" $C/high_threshold_bytes "$pc" OK
	expect_wr "einval:low>high" $C/low_threshold_bytes $((pc + 1)) EINVAL
	expect_wr "ok:low" $C/low_threshold_bytes 4096 OK
	expect_wr "einval:high<low" $C/high_threshold_bytes 2048 EINVAL
	expect_wr "erange:compress_ratio:999" $C/sim/compress_ratio 999 ERANGE
	expect_wr "erange:compress_ratio:100001" $C/sim/compress_ratio 100001 ERANGE
	expect_wr "ok:compress_ratio:3000" $C/sim/compress_ratio 3000 OK
	expect_wr "ok:compress_ratio:raw" $C/sim/compress_ratio 1000 OK raw
	expect_wr "erange:latency_ns" $C/sim/latency_ns 1000000001 ERANGE
	sz=$(($(rd $C/total_pages) * PAGE))
	expect_wr "erange:overhead_bytes:size+1" $C/sim/overhead_bytes $((sz + 1)) ERANGE
	expect_wr "ok:overhead_bytes:size" $C/sim/overhead_bytes $sz OK
	check readback:overhead_bytes "value=$(rd $C/sim/overhead_bytes) want=$sz phys_used=$(rd $C/phys_used_bytes)" \
		eval '[ "$(rd $C/sim/overhead_bytes)" = "$sz" ] && [ "$(rd $C/phys_used_bytes)" = 0 ]'
	expect_wr "ok:overhead_bytes:raw" $C/sim/overhead_bytes 1048576 OK raw
	expect_wr "ok:offline-again" $C/state offline OK
}

test_online() {
	t0=$(cut -d' ' -f1 /proc/uptime)
	got=$(wr $C/state online)
	t1=$(cut -d' ' -f1 /proc/uptime)
	st=$(rd $C/state)
	check online "write=$got state=$st t=${t0}..${t1}" eval '[ "$got" = OK ] && [ "$st" = online ]'
	priv=$(rd $NODES/has_private_memory)
	mem=$(rd $NODES/has_memory)
	check private-node "has_private_memory=[$priv] has_memory=[$mem] node=$tnode" \
		in_list "$priv" "$tnode"
	check private-not-in-has_memory "has_memory=[$mem] node=$tnode" eval '! in_list "$mem" "$tnode"'
	kb=$(node_kb "$tnode" MemTotal)
	tp=$(rd $C/total_pages)
	check node-memtotal "MemTotal=${kb}kB total_pages=$tp expect=$((tp * PAGE / 1024))kB" \
		[ "${kb:-0}" = $((tp * PAGE / 1024)) ]
	nb=0 nm=0
	for m in $NODES/node$tnode/memory*; do
		[ -e "$m" ] || continue
		nb=$((nb + 1))
		[ "$(rd $m/state)" = online ] && grep -q Movable $m/valid_zones && nm=$((nm + 1))
	done
	check blocks-movable "blocks=$nb online_movable=$nm" eval '[ $nb -gt 0 ] && [ $nb = $nm ]'
	expect_wr "ok:online-again" $C/state online OK
	check online-defaults "capacity_pages=$(rd $C/capacity_pages) total=$tp no_alloc=$(rd $C/no_alloc) rate=$(rd $C/demote_rate_limit_bytes)" \
		eval '[ "$(rd $C/capacity_pages)" = "$tp" ] && [ "$(rd $C/no_alloc)" = 0 ] &&
		[ "$(rd $C/demote_rate_limit_bytes)" = 0 ]'
}

test_knobs_online() {
	tp=$(rd $C/total_pages)
	expect_wr erange:capacity_pages $C/capacity_pages $((tp + 1)) ERANGE
	expect_wr ok:capacity_pages $C/capacity_pages $((tp / 2)) OK
	check readback:capacity_pages "value=$(rd $C/capacity_pages) want=$((tp / 2))" \
		[ "$(rd $C/capacity_pages)" = $((tp / 2)) ]
	expect_wr ok:no_alloc:on $C/no_alloc on OK
	check readback:no_alloc "value=$(rd $C/no_alloc)" [ "$(rd $C/no_alloc)" = 1 ]
	expect_wr ok:no_alloc:n $C/no_alloc n OK
	check readback:no_alloc0 "value=$(rd $C/no_alloc)" [ "$(rd $C/no_alloc)" = 0 ]
	expect_wr erange:demote_rate_limit_bytes $C/demote_rate_limit_bytes 9223372036854775808 ERANGE
	expect_wr ok:demote_rate_limit_bytes $C/demote_rate_limit_bytes 9223372036854775807 OK
	lb=$(rd $C/logical_bytes)
	expect_wr erange:evict_bytes "$C/evict_bytes" $((lb + 1)) ERANGE
	expect_wr ok:evict_bytes0 $C/evict_bytes 0 OK
	expect_wr ok:latency_ns $C/sim/latency_ns 1000000 OK
	expect_wr ok:latency_write $C/no_alloc 0 OK
	expect_wr ok:latency_ns0 $C/sim/latency_ns 0 OK
	expect_wr ok:capacity_pages-full $C/capacity_pages "$tp" OK
}

test_isolation() {
	n=$tnode
	# used kB on the node, less the balloon (pages the driver holds)
	wait_ballooned = 0
	u0=$(( $(node_kb $n MemTotal) - $(node_kb $n MemFree) - $(rd $C/ballooned_pages) * PAGE / 1024 ))
	l0=$(rd $C/logical_bytes)
	# ordinary allocations: tmpfs data and page cache
	dd if=/dev/zero of=/tmp/fill bs=1M count=192 2>/dev/null
	cat /tmp/fill >/dev/null
	sleep 0.3
	u1=$(( $(node_kb $n MemTotal) - $(node_kb $n MemFree) - $(rd $C/ballooned_pages) * PAGE / 1024 ))
	l1=$(rd $C/logical_bytes)
	dram=$(node_kb 0 MemFree)
	rm -f /tmp/fill
	check isolation "node$n used_kb ${u0}->${u1} logical_bytes ${l0}->${l1} node0_free_kb=$dram" \
		eval '[ "$u1" -le "$u0" ] && [ "$l1" = 0 ]'
	msg=$(numactl --membind=$n true 2>&1)
	rc=$?
	check membind-refused "numactl --membind=$n rc=$rc msg='$msg'" [ $rc != 0 ]
}

# ---- demotion: memcg reclaim moves anonymous pages into the private node ----
CG=/sys/fs/cgroup/cramt
hogs=

pages_on() { # PID NODE -> pages of PID on NODE (numa_maps)
	awk -v k="N$2=" '{ for (i = 1; i <= NF; i++) if (index($i, k) == 1)
		s += substr($i, length(k) + 1) } END { print s + 0 }' /proc/$1/numa_maps 2>/dev/null
}
# start_hog MB zero|random SEED: a vmhog in the test cgroup; sets hog, hog_lz4
start_hog() {
	sh -c 'echo $$ >'$CG'/cgroup.procs && exec /vmtests/vmhog "$@"' hog "$@" \
		>/tmp/hog.$3 2>&1 &
	hog=$!
	hogs="$hogs $hog"
	i=0
	while ! grep -q ready /tmp/hog.$3 && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	hog_lz4=$(sed -n 's/.*lz4_bytes=\([0-9]*\).*/\1/p' /tmp/hog.$3)
}
reclaim_write() { # BYTES: write memory.reclaim once; the result (EAGAIN when not all of it went)
	wr $CG/memory.reclaim "$1" | sed 's/OTHER(.*unavailable.*)/EAGAIN/'
}
reclaim() { # BYTES: reclaim_write, then until the telemetry has settled
	reclaim_write "$1"
	sleep 0.3	# one telemetry refresh, more while it compresses arrivals
	settle
}
hog_wait() { # FILE PATTERN: until a line of FILE matches (up to 60 s)
	i=0
	while ! grep -q "$2" "$1" && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	grep "$2" "$1" | tail -1
}
pin_hog() { # SEED: an 8 MiB random hog, demoted and then pinned (vmhog's
	# SIGALRM); sets h (its pid), hp (its pages), r (the reclaim's result),
	# pin (its "pin#1 pages=N" line) and np (N)
	rm -f /tmp/hog.$1
	start_hog 8 random $1
	h=$hog
	hp=$(sed -n 's/.*pages=\([0-9]*\).*/\1/p' /tmp/hog.$1)
	r=$(reclaim 8M)
	settle
	kill -ALRM $h
	pin=$(hog_wait /tmp/hog.$1 '^pin#1 ')
	np=${pin##*=}
}
# sampler_start FILE: cram/stat with the uptime, one line per read, until
# FILE.stop exists. Shell builtins only, no fork, to keep the rate up under
# TCG: the pause is a read with a timeout on a FIFO nobody writes.
sampler_start() {
	rm -f "$1" "$1.stop" "$1.tick"
	mkfifo "$1.tick"
	(
		exec 3<>"$1.tick"
		while [ ! -e "$1.stop" ]; do
			read -r up idle </proc/uptime
			read -r st <$C/stat
			echo "$up $st"
			read -t 0.01 x <&3
		done
	) >"$1" 2>/dev/null &
	sampler=$!
	# under TCG the reclaim writes and the provider's refresh keep both
	# CPUs busy: run ahead of them
	renice -n -10 $sampler >/dev/null 2>&1
}
sampler_stop() {
	: >"$1.stop"
	wait $sampler 2>/dev/null
}

stop_hogs() {
	for p in $hogs; do kill $p 2>/dev/null; wait $p 2>/dev/null; done
	hogs=
}

# the test cgroup (memory.reclaim) and demotion on: what the hogs need
demotion_setup() {
	mkdir -p /sys/fs/cgroup
	mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control
	mkdir -p $CG
	echo 1 >/sys/kernel/mm/numa/demotion_enabled
	[ -w /proc/sys/kernel/numa_balancing ] && echo 0 >/proc/sys/kernel/numa_balancing
}

test_demotion() {
	demotion_setup
	check demotion-setup "memory.reclaim=$([ -f $CG/memory.reclaim ] && echo yes || echo no) demotion_enabled=$(rd /sys/kernel/mm/numa/demotion_enabled)" \
		[ -f $CG/memory.reclaim ]
	n=$tnode
	d0=$(rd $C/demoted_pages)
	start_hog 32 random 1
	h1=$hog
	a0=$(pages_on $h1 $n)
	r=$(reclaim 32M)
	a1=$(pages_on $h1 $n)
	d1=$(rd $C/demoted_pages)
	lb=$(rd $C/logical_bytes)
	anon=$(node_kb $n AnonPages)
	dd=$((d1 - d0))
	check demotion "reclaim=$r hog_pages_on_node$n ${a0}->${a1} demoted_pages ${d0}->${d1} (+$dd) logical_bytes=$lb node${n}_AnonPages=${anon}kB" \
		eval '[ "$a0" = 0 ] && [ "$a1" -gt 0 ] && [ "$dd" -ge "$a1" ] &&
		[ "$dd" -le $((a1 + a1 / 100 + 8)) ] && [ "$lb" -ge $((a1 * PAGE)) ]'

	# the gate closed: no page arrives
	expect_wr ok:gate-close $C/no_alloc 1 OK
	start_hog 32 random 2
	h2=$hog
	r=$(reclaim 32M)
	b1=$(pages_on $h2 $n)
	d2=$(rd $C/demoted_pages)
	check demotion-gate-closed "reclaim=$r hog2_pages_on_node$n=$b1 demoted_pages ${d1}->${d2} hog1_on_node=$(pages_on $h1 $n)" \
		eval '[ "$b1" = 0 ] && [ "$d2" = "$d1" ]'
	expect_wr ok:gate-open $C/no_alloc 0 OK

	# capacity exhausted: capacity_pages below the resident pages (a whole
	# number of pageblocks) makes the balloon push the excess out and keeps
	# the node full: the gate stays closed
	cap=4096
	expect_wr ok:capacity-full $C/capacity_pages $cap OK
	wait_ballooned -ge $(($(rd $C/total_pages) - cap))
	settle
	r0=$(($(rd $C/logical_bytes) / PAGE))
	room=$((cap > r0 ? cap - r0 : 0))
	d2=$(rd $C/demoted_pages)
	r=$(reclaim 32M)
	settle
	b2=$(pages_on $h2 $n)
	d3=$(rd $C/demoted_pages)
	r1=$(($(rd $C/logical_bytes) / PAGE))
	check demotion-capacity-full "capacity_pages=$cap ballooned=$(rd $C/ballooned_pages) resident ${r0}->${r1} room=$room reclaim=$r hog2_pages_on_node$n=$b2 demoted_pages ${d2}->${d3}" \
		eval '[ "$r1" -le "$cap" ] && [ "$b2" -le "$room" ] && [ $((d3 - d2)) -le "$room" ]'
	expect_wr ok:capacity-restore $C/capacity_pages "$(rd $C/total_pages)" OK
	wait_ballooned = 0
	settle
	r=$(reclaim 32M)
	b3=$(pages_on $h2 $n)
	d4=$(rd $C/demoted_pages)
	check demotion-reopened "reclaim=$r hog2_pages_on_node$n=$b3 demoted_pages ${d3}->${d4}" \
		eval '[ "$b3" -gt 0 ] && [ $((d4 - d3)) -ge "$b3" ]'
	stop_hogs
	sleep 0.3
	check demotion-freed "logical_bytes=$(rd $C/logical_bytes) node${n}_AnonPages=$(node_kb $n AnonPages)kB" \
		[ "$(rd $C/logical_bytes)" -lt $((a1 * PAGE)) ]
}

# ---- compression model: phys_used follows lz4 on the data that arrived -----
settle() { # until a refresh changes neither phys_used_bytes nor logical_bytes
	prev=x i=0
	while [ $i -lt 50 ]; do
		cur="$(rd $C/phys_used_bytes) $(rd $C/logical_bytes)"
		[ "$cur" = "$prev" ] && break
		prev=$cur
		sleep 0.25
		i=$((i + 1))
	done
}
within10() { # A B: A within 10% of B
	[ $(($1 * 100)) -ge $(($2 * 90)) ] && [ $(($1 * 100)) -le $(($2 * 110)) ]
}

test_compression() {
	n=$tnode
	settle
	pe=$(rd $C/phys_used_bytes) le=$(rd $C/logical_bytes)
	check compression-idle "phys_used=$pe logical=$le (overhead only)" \
		eval '[ "$pe" -gt 0 ] && [ "$le" -lt $((64 * PAGE)) ]'
	seed=20
	for kind in zero random; do
		seed=$((seed + 1))
		p0=$(rd $C/phys_used_bytes) l0=$(rd $C/logical_bytes)
		start_hog 32 $kind $seed
		hp=$(sed -n 's/.*pages=\([0-9]*\).*/\1/p' /tmp/hog.$seed)
		r=$(reclaim 32M)
		settle
		p1=$(rd $C/phys_used_bytes) l1=$(rd $C/logical_bytes)
		on=$(pages_on $hog $n)
		dl=$((l1 - l0)) dp=$((p1 - p0))
		# the filled pages are alike: lz4 of those that moved, pro rata
		lz=$((hog_lz4 / hp * on))
		dev=$((dl * 1000 / (dp > 0 ? dp : 1)))
		ref=$((on * PAGE * 1000 / (lz > 0 ? lz : 1)))
		check "compression:$kind" "reclaim=$r pages_on_node$n=$on/$hp logical+=$dl phys_used+=$dp lz4_bytes(moved)=$lz ratio_x1000 device=$dev lz4=$ref" \
			eval '[ "$on" -gt $((hp / 2)) ] && [ "$dl" -ge $((on * PAGE)) ] &&
			[ "$dl" -le $(((on + 16) * PAGE)) ] && within10 $dev $ref'
		eval "ratio_$kind=$dev lz4_$kind=$ref"
		stop_hogs
		settle
	done
	pa=$(rd $C/phys_used_bytes) la=$(rd $C/logical_bytes)
	check compression-zero-vs-random "zero/random x1000: device=$((ratio_zero * 1000 / ratio_random)) lz4=$((lz4_zero * 1000 / lz4_random))" \
		within10 $((ratio_zero * 1000 / ratio_random)) $((lz4_zero * 1000 / lz4_random))
	# a few pages may linger in per-cpu batches
	check compression-dropped "after exit phys_used=$pa logical=$la (idle: $pe $le)" \
		eval '[ "$pa" -le $((pe + 16 * PAGE)) ] && [ "$la" -le $((le + 16 * PAGE)) ]'
}

# ---- eviction: the swap device, a brd ramdisk (kernel-abi/guest.config) ----
SWAP_DEV=/dev/ram0
wait_evicted() { # until evict_bytes reads 0 (up to 30 s)
	i=0
	while [ "$(rd $C/evict_bytes)" != 0 ] && [ $i -lt 120 ]; do sleep 0.25; i=$((i + 1)); done
}

# ---- capacity: the balloon takes pages off the node ---------------------
wait_ballooned() { # OP VALUE: until ballooned_pages OP VALUE (up to 60 s)
	i=0
	while ! [ "$(rd $C/ballooned_pages)" "$1" "$2" ] && [ $i -lt 240 ]; do
		sleep 0.25
		i=$((i + 1))
	done
}

test_balloon() {
	n=$tnode
	tp=$(rd $C/total_pages)
	settle
	start_hog 64 random 31
	h=$hog
	hp=$(sed -n 's/.*pages=\([0-9]*\).*/\1/p' /tmp/hog.31)
	r=$(reclaim 64M)
	settle
	on0=$(pages_on $h $n) l0=$(($(rd $C/logical_bytes) / PAGE))
	dram0=$(($(pages_on $h 0) + $(pages_on $h 1)))
	target=$((on0 / 2))
	t0=$(cut -d' ' -f1 /proc/uptime)
	expect_wr ok:balloon-inflate $C/capacity_pages $target OK
	wait_ballooned -ge $((tp - target))
	settle
	t1=$(cut -d' ' -f1 /proc/uptime)
	bl=$(rd $C/ballooned_pages) l1=$(($(rd $C/logical_bytes) / PAGE))
	on1=$(pages_on $h $n) dram1=$(($(pages_on $h 0) + $(pages_on $h 1)))
	check balloon "reclaim=$r capacity_pages=$target ballooned_pages=$bl (>= $((tp - target))) resident_pages ${l0}->${l1} hog_on_node$n ${on0}->${on1} hog_on_dram ${dram0}->${dram1} of $hp t=${t0}..${t1}" \
		eval '[ "$on0" -gt 0 ] && [ "$bl" -ge $((tp - target)) ] && [ "$l1" -le "$target" ] &&
		[ "$on1" -le "$target" ] && [ $((on1 + dram1)) -ge "$hp" ]'
	check balloon-stat "stat='$(rd $C/stat)'" eval '[ "$(rd $C/stat | cut -d" " -f7)" = "$bl" ]'
	expect_wr ok:balloon-deflate $C/capacity_pages "$tp" OK
	wait_ballooned = 0
	check balloon-deflated "capacity_pages=$(rd $C/capacity_pages) ballooned_pages=$(rd $C/ballooned_pages)" \
		[ "$(rd $C/ballooned_pages)" = 0 ]
	stop_hogs
	settle
}

test_cramctl() {
	out=$(cramctl status 2>&1)
	rc=$?
	row=$(echo "$out" | grep "^$dax ")
	check cramctl-status "rc=$rc row='$(echo $row)'" \
		eval '[ $rc = 0 ] && echo "$row" | grep -q " $tnode  *online "'
	js=$(cramctl status --json 2>&1)
	check cramctl-json "device=$(echo "$js" | grep -c "\"device\": \"$dax\"") online=$(echo "$js" | grep -c '"state": "online"')" \
		eval 'echo "$js" | grep -q "\"state\": \"online\""'
}

test_offline() {
	expect_wr ok:high_keep $C/high_threshold_bytes 8192 OK
	got=$(wr $C/state offline)
	priv=$(rd $NODES/has_private_memory)
	kb=$(node_kb "$tnode" MemTotal)
	check offline "write=$got state=$(rd $C/state) has_private_memory=[$priv] node_memtotal=${kb:-none}" \
		eval '[ "$got" = OK ] && [ "$(rd $C/state)" = offline ] && ! in_list "$priv" "$tnode"'
	expect_wr "enodev:capacity_pages-after-offline" $C/capacity_pages 1 ENODEV
	expect_wr ok:online2 $C/state online OK
	check thresholds-kept "high=$(rd $C/high_threshold_bytes) low=$(rd $C/low_threshold_bytes)" \
		eval '[ "$(rd $C/high_threshold_bytes)" = 8192 ] && [ "$(rd $C/low_threshold_bytes)" = 4096 ]'
	expect_wr ok:offline2 $C/state offline OK
	sleep 0.5
	on=$(grep -c "^change $dax online" /tmp/uevents)
	off=$(grep -c "^change $dax offline" /tmp/uevents)
	check uevents "CRAM_EVENT online=$on offline=$off log='$(tr '\n' ';' </tmp/uevents)'" \
		eval '[ "$on" = 2 ] && [ "$off" = 2 ]'
}

test_rebind() {
	expect_wr enodev:bind-missing $DAXBUS/drivers/cram/bind dax9.9 ENODEV
	expect_wr ok:unbind $DAXBUS/drivers/cram/unbind "$dax" OK
	check unbound "cram_dir=$([ -d $C ] && echo yes || echo no)" [ ! -d $C ]
	expect_wr ok:bind $DAXBUS/drivers/cram/bind "$dax" OK
	check rebound "state=$(rd $C/state) cram_dir=$([ -d $C ] && echo yes || echo no)" \
		[ "$(rd $C/state)" = offline ]
	expect_wr ok:online3 $C/state online OK
	expect_wr ok:unbind-online $DAXBUS/drivers/cram/unbind "$dax" OK
	priv=$(rd $NODES/has_private_memory)
	kb=$(node_kb "$tnode" MemTotal)
	check unbind-offlines "has_private_memory=[$priv] node_memtotal=${kb:-none}" \
		eval '! in_list "$priv" "$tnode" && [ "${kb:-0}" = 0 ]'
}

# The second CXL device (run.sh: its own host bridge and window, so Linux
# gives its region a NUMA node of its own), its region split into two
# devdax namespaces that share that node: sets da, db (bound to device_dax)
# and their node na. Parts that use it call it; it sets up once.
second_setup() {
	[ -n "${da:-}" ] && [ -n "${db:-}" ] && return 0
	mem2=$(cxl_mem_under pci0000:de)
	before=$(ls $DAXBUS/devices)
	{
		cxl create-region -m -d decoder0.1 -w 1 -t pmem $mem2
		# the nd region of the new CXL region: the one with free space
		nr=$(cxl list -R 2>/dev/null | grep -c '"region"')
		ndr=
		for r in /sys/bus/nd/devices/region*; do
			[ "$(rd $r/available_size)" -gt 0 ] 2>/dev/null && ndr=${r##*/}
		done
		ndctl create-namespace -m devdax -r $ndr -s 256M
		ndctl create-namespace -m devdax -r $ndr -s 256M
	} >/tmp/second.log 2>&1
	new=
	for d in $(ls $DAXBUS/devices); do
		echo "$before" | grep -qx "$d" || new="$new $d"
	done
	set -- $new
	da=${1:-} db=${2:-}
	na=$(rd $DAXBUS/devices/$da/target_node) nb=$(rd $DAXBUS/devices/$db/target_node)
	check second:setup "memdev=$mem2 nd_region=$ndr cxl_regions=$nr new_dax=[${new# }] nodes=$na,$nb first=$dax node=$tnode size=$(rd $DAXBUS/devices/$da/size),$(rd $DAXBUS/devices/$db/size)" \
		eval '[ -n "$da" ] && [ -n "$db" ] && [ "$na" = "$nb" ]'
	[ -n "$da" ] && [ -n "$db" ] || {
		echo "VMINFO second setup log: $(tr '\n' ' ' </tmp/second.log | cut -c1-400)"
		return 1
	}
}

if setup; then
	test_bind
	# run.sh --only PARTS: only the named part-*.sh, in that order
	only=$(sed -n 's/.*vmtests\.only=\([^ ]*\).*/\1/p' /proc/cmdline)
	if [ -d "$C" ] && [ -n "$only" ]; then
		echo "VMINFO only parts: $only"
		demotion_setup
		for p in $(echo "$only" | tr ',' ' '); do
			if [ -r /vmtests/part-$p.sh ]; then
				. /vmtests/part-$p.sh
			else
				result "only:$p" FAIL "no part-$p.sh"
			fi
		done
	elif [ -d "$C" ]; then
		test_formats
		test_bad_input_offline
		test_online
		test_knobs_online
		test_isolation
		test_demotion
		test_compression
		test_balloon
		test_cramctl
		test_offline
		# Each part-*.sh is sourced with the device bound and
		# offline, may use every helper above, and leaves it so.
		for part in /vmtests/part-*.sh; do
			[ -r "$part" ] && . "$part"
		done
		test_rebind
	fi
fi
dmesg | grep -iE "cram|bug|warn|oops" | head -20 | sed 's/^/VMINFO dmesg /'
