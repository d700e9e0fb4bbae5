#!/bin/sh
# cram VM tests, run inside the guest by /init (busybox sh).
# Every result is one line: "VMTEST <name> PASS|FAIL <details>"; details carry
# the numbers read in the guest. The host (run.sh) counts them.
DAXBUS=/sys/bus/dax
NODES=/sys/devices/system/node
PAGE=$(getconf PAGESIZE 2>/dev/null || echo 4096)

result() { # NAME PASS|FAIL DETAILS...
	name=$1 verdict=$2
	shift 2
	echo "VMTEST $name $verdict $*"
}
check() { # NAME DETAILS CMD... : PASS when CMD succeeds
	name=$1 details=$2
	shift 2
	if "$@"; then result "$name" PASS "$details"; else result "$name" FAIL "$details"; fi
}
is_num() { case $1 in ''|*[!0-9]*) return 1 ;; esac; }
rd() { cat "$1" 2>/dev/null; }

# Write VALUE (no newline added when $3 is "raw") to FILE; print the errno name
# of the failure, or OK.
wr() {
	# dd, not the shell's printf: busybox printf ignores write errors
	if [ "${3:-}" = raw ]; then
		msg=$(printf '%s' "$2" | dd of="$1" 2>&1 >/dev/null | grep -v records)
	else
		msg=$(printf '%s\n' "$2" | dd of="$1" 2>&1 >/dev/null | grep -v records)
	fi
	case $msg in
	'') echo OK ;;
	*"Invalid argument"*) echo EINVAL ;;
	*"out of range"*) echo ERANGE ;;
	*"No such device"*) echo ENODEV ;;
	*"Permission denied"*) echo EACCES ;;
	*"busy"*) echo EBUSY ;;
	*"memory"*) echo ENOMEM ;;
	*) echo "OTHER($msg)" ;;
	esac
}
expect_wr() { # NAME FILE VALUE WANT [raw]
	got=$(wr "$2" "$3" "${5:-}")
	v=$(printf '%s' "$3" | cut -c1-24)
	check "$1" "attr=${2##*/cram/} value='$v' want=$4 got=$got" [ "$got" = "$4" ]
}
# node list (%*pbl) contains node N?
in_list() {
	for part in $(echo "$1" | tr ',' ' '); do
		lo=${part%-*} hi=${part#*-}
		[ "$2" -ge "$lo" ] && [ "$2" -le "$hi" ] && return 0
	done
	return 1
}
node_kb() { # NODE FIELD -> kB from nodeN/meminfo
	awk -v f="$2:" '$3 == f { print $4 }' "$NODES/node$1/meminfo" 2>/dev/null
}

# ---- setup: CXL pmem region -> devdax namespace -> daxX.Y -----------------
setup() {
	i=0
	while [ ! -e /sys/bus/cxl/devices/mem0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	cxl create-region -m -d decoder0.0 -w 1 -t pmem mem0 >/tmp/setup.log 2>&1
	ndctl create-namespace -m devdax -r region0 >>/tmp/setup.log 2>&1
	dax=
	for d in $DAXBUS/devices/dax*; do [ -e "$d" ] && dax=${d##*/} && break; done
	if [ -z "$dax" ]; then
		result setup FAIL "no dax device; log: $(tr '\n' ' ' </tmp/setup.log | cut -c1-300)"
		return 1
	fi
	D=$DAXBUS/devices/$dax
	C=$D/cram
	size=$(rd $D/size)
	tnode=$(rd $D/target_node)
	result setup PASS "dax=$dax size=$size target_node=$tnode uptime=$(cut -d' ' -f1 /proc/uptime)"
}

test_bind() {
	echo /vmtests/uevent-log.sh >/proc/sys/kernel/hotplug
	: >/tmp/uevents
	echo "$dax" >$DAXBUS/drivers/device_dax/unbind 2>/dev/null
	got=$(wr $DAXBUS/drivers/cram/new_id "$dax")
	drv=$(basename "$(readlink $D/driver)" 2>/dev/null)
	check bind "new_id=$got driver=$drv cram_dir=$([ -d $C ] && echo yes || echo no)" \
		[ "$drv" = cram ] && [ -d $C ]
}

ATTRS="abi_version state node total_pages phys_capacity_bytes phys_used_bytes logical_bytes
capacity_pages no_alloc demote_rate_limit_bytes evict_bytes high_threshold_bytes
low_threshold_bytes demoted_pages promoted_pages evicted_pages ballooned_pages stat
sim/compress_ratio sim/latency_ns"
RO_ATTRS="abi_version node total_pages phys_capacity_bytes phys_used_bytes logical_bytes
demoted_pages promoted_pages evicted_pages ballooned_pages stat"
U64_KNOBS="capacity_pages demote_rate_limit_bytes evict_bytes high_threshold_bytes
low_threshold_bytes sim/compress_ratio sim/latency_ns"

test_formats() {
	n=0 missing=
	for a in $ATTRS; do
		if [ -f $C/$a ]; then n=$((n + 1)); else missing="$missing $a"; fi
	done
	check attrs-exist "present=$n of 20 missing=[${missing# }]" [ $n = 20 ]
	for a in $ATTRS; do
		case $a in state|stat) continue ;; esac
		v=$(rd $C/$a)
		check "format:$a" "value=$v" is_num "$v"
	done
	check format:abi_version "value=$(rd $C/abi_version)" [ "$(rd $C/abi_version)" = 1 ]
	check format:state "value=$(rd $C/state)" [ "$(rd $C/state)" = offline ]
	check format:node "node=$(rd $C/node) target_node=$tnode" [ "$(rd $C/node)" = "$tnode" ]
	tp=$(rd $C/total_pages)
	check format:total_pages "total_pages=$tp bytes=$((tp * PAGE)) dax_size=$size" \
		[ "$tp" -gt 0 ] && [ $((tp * PAGE)) -le "$size" ]
	st=$(rd $C/stat)
	nf=$(echo "$st" | wc -w)
	pc=$(rd $C/phys_capacity_bytes)
	check format:stat "stat='$st' fields=$nf phys_capacity=$pc" \
		[ "$nf" = 7 ] && [ "$(echo "$st" | cut -d' ' -f1)" = "$pc" ]
	check format:sim_defaults "compress_ratio=$(rd $C/sim/compress_ratio) latency_ns=$(rd $C/sim/latency_ns)" \
		[ "$(rd $C/sim/compress_ratio)" = 1000 ] && [ "$(rd $C/sim/latency_ns)" = 0 ]
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
	expect_wr "ok:offline-again" $C/state offline OK
}

test_online() {
	t0=$(cut -d' ' -f1 /proc/uptime)
	got=$(wr $C/state online)
	t1=$(cut -d' ' -f1 /proc/uptime)
	st=$(rd $C/state)
	check online "write=$got state=$st t=${t0}..${t1}" [ "$got" = OK ] && [ "$st" = online ]
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
	check blocks-movable "blocks=$nb online_movable=$nm" [ $nb -gt 0 ] && [ $nb = $nm ]
	expect_wr "ok:online-again" $C/state online OK
	check online-defaults "capacity_pages=$(rd $C/capacity_pages) total=$tp no_alloc=$(rd $C/no_alloc) rate=$(rd $C/demote_rate_limit_bytes)" \
		[ "$(rd $C/capacity_pages)" = "$tp" ] && [ "$(rd $C/no_alloc)" = 0 ] && \
		[ "$(rd $C/demote_rate_limit_bytes)" = 0 ]
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
}

test_isolation() {
	n=$tnode
	u0=$(( $(node_kb $n MemTotal) - $(node_kb $n MemFree) ))
	l0=$(rd $C/logical_bytes)
	# ordinary allocations: tmpfs data and page cache
	dd if=/dev/zero of=/tmp/fill bs=1M count=192 2>/dev/null
	cat /tmp/fill >/dev/null
	sleep 0.3
	u1=$(( $(node_kb $n MemTotal) - $(node_kb $n MemFree) ))
	l1=$(rd $C/logical_bytes)
	dram=$(node_kb 0 MemFree)
	rm -f /tmp/fill
	check isolation "node$n used_kb ${u0}->${u1} logical_bytes ${l0}->${l1} node0_free_kb=$dram" \
		[ "$u1" -le "$u0" ] && [ "$l1" = 0 ]
	msg=$(numactl --membind=$n true 2>&1)
	rc=$?
	check membind-refused "numactl --membind=$n rc=$rc msg='$msg'" [ $rc != 0 ]
}

test_cramctl() {
	out=$(cramctl status 2>&1)
	rc=$?
	row=$(echo "$out" | grep "^$dax ")
	check cramctl-status "rc=$rc row='$(echo $row)'" \
		[ $rc = 0 ] && echo "$row" | grep -q " $tnode  *online "
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
		[ "$got" = OK ] && [ "$(rd $C/state)" = offline ] && eval '! in_list "$priv" "$tnode"'
	expect_wr "enodev:capacity_pages-after-offline" $C/capacity_pages 1 ENODEV
	expect_wr ok:online2 $C/state online OK
	check thresholds-kept "high=$(rd $C/high_threshold_bytes) low=$(rd $C/low_threshold_bytes)" \
		[ "$(rd $C/high_threshold_bytes)" = 8192 ] && [ "$(rd $C/low_threshold_bytes)" = 4096 ]
	expect_wr ok:offline2 $C/state offline OK
	sleep 0.5
	on=$(grep -c "^change $dax online" /tmp/uevents)
	off=$(grep -c "^change $dax offline" /tmp/uevents)
	check uevents "CRAM_EVENT online=$on offline=$off log='$(tr '\n' ';' </tmp/uevents)'" \
		[ "$on" = 2 ] && [ "$off" = 2 ]
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
		eval '! in_list "$priv" "$tnode"' && [ "${kb:-0}" = 0 ]
}

if setup; then
	test_bind
	if [ -d "$C" ]; then
		test_formats
		test_bad_input_offline
		test_online
		test_knobs_online
		test_isolation
		test_cramctl
		test_offline
		test_rebind
	fi
fi
dmesg | grep -iE "cram|bug|warn|oops" | head -20 | sed 's/^/VMINFO dmesg /'
