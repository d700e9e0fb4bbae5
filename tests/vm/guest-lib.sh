#!/bin/sh
# Helpers of the cram VM tests, sourced by every guest test script (busybox
# sh): the result lines the host counts, sysfs reads and writes with their
# errno names, and the setup of the CXL region's dax device.
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

# The errno name in the message of a failed write, or OK when it is empty.
errname() {
	# the reason after the file name: a path may hold "memory" itself
	case ${1##*: } in
	'') echo OK ;;
	*"Invalid argument"*) echo EINVAL ;;
	*"out of range"*) echo ERANGE ;;
	*"No such device"*) echo ENODEV ;;
	*"Permission denied"*) echo EACCES ;;
	*"busy"*) echo EBUSY ;;
	*"Interrupted"*) echo EINTR ;;
	*"memory"*) echo ENOMEM ;;
	*"No data available"*) echo ENODATA ;;
	*"not permitted"*) echo EPERM ;;
	*) echo "OTHER($1)" ;;
	esac
}
# The errno name of a failed read of FILE, or OK.
rd_err() { errname "$(cat "$1" 2>&1 >/dev/null)"; }
# Write VALUE (no newline added when $3 is "raw") to FILE; print the errno name
# of the failure, or OK.
wr() {
	# dd, not the shell's printf: busybox printf ignores write errors
	if [ "${3:-}" = raw ]; then
		msg=$(printf '%s' "$2" | dd of="$1" 2>&1 >/dev/null | grep -v records)
	else
		msg=$(printf '%s\n' "$2" | dd of="$1" 2>&1 >/dev/null | grep -v records)
	fi
	errname "$msg"
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
kv() { # KEY TEXT -> the value of KEY=value in TEXT, 0 when absent
	v=$(echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1)
	echo "${v:-0}"
}
node_kb() { # NODE FIELD -> kB from nodeN/meminfo
	awk -v f="$2:" '$3 == f { print $4 }' "$NODES/node$1/meminfo" 2>/dev/null
}
# Fold every CPU's pending vmstat deltas into the node counters, so that
# two readings of node_kb compare exactly.
vmstat_fold() {
	echo 1 >/proc/sys/vm/stat_refresh
}
vmstat_get() { # KEY -> its /proc/vmstat value
	awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat
}
# THP MODE for every process while a test needs it (the first call keeps
# the guest's mode), and the guest's mode back
THP_ENABLED=/sys/kernel/mm/transparent_hugepage/enabled
thp_saved=
thp_set() { # MODE
	[ -n "$thp_saved" ] || thp_saved=$(sed -n 's/.*\[\(.*\)\].*/\1/p' $THP_ENABLED 2>/dev/null)
	echo "$1" >$THP_ENABLED
}
thp_restore() {
	[ -z "$thp_saved" ] || echo "$thp_saved" >$THP_ENABLED
	thp_saved=
}
pid_thp_kb() { # PID -> the process's AnonHugePages, in kB
	awk '/AnonHugePages/ { s += $2 } END { print s + 0 }' /proc/$1/smaps
}
zone_wmark_kb() { # NODE min|low|high -> the sum of its zones' watermarks, in kB
	awk -v n="$1," -v w="$2" '$1 == "Node" { on = ($2 == n) }
		on && $1 == w { s += $2 } END { print s * 4 }' /proc/zoneinfo
}
zone_low_kb() { # NODE -> the sum of its zones' low watermarks, in kB
	zone_wmark_kb "$1" low
}

# ---- setup: CXL pmem region -> devdax namespace -> daxX.Y -----------------
# The first CXL device sits behind host bridge pci0000:0c (bus_nr=12 in
# run.sh), the window of decoder0.0. cxl_pci probes asynchronously, so which
# of the two devices is mem0 varies: pick it by its host bridge.
cxl_mem_under() { # HOST_BRIDGE -> memN
	for m in /sys/bus/cxl/devices/mem*; do
		case $(readlink -f $m) in */$1/*) echo ${m##*/}; return ;; esac
	done
}
setup() {
	i=0
	while [ "$(ls -d /sys/bus/cxl/devices/mem* 2>/dev/null | wc -l)" -lt 2 ] && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	mem=$(cxl_mem_under pci0000:0c)
	cxl create-region -m -d decoder0.0 -w 1 -t pmem ${mem:-mem0} >/tmp/setup.log 2>&1
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


# ---- cramd in the guest ---------------------------------------------------------
# cramd_start CONF SOCK LOG: cramd -v in the background (cramd_pid), then
# wait up to 30 s until $C is online and SOCK exists.
cramd_start() {
	cramd -v -c "$1" -s "$2" >"$3" 2>&1 &
	cramd_pid=$!
	i=0
	while { [ "$(rd $C/state)" != online ] || [ ! -S "$2" ]; } && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}
# wakeups PID: the times PID has slept and woken so far (voluntary context
# switches from /proc/PID/status)
wakeups() { sed -n 's/^voluntary_ctxt_switches:[[:space:]]*//p' /proc/$1/status 2>/dev/null; }
# cramd_stop: SIGTERM, wait up to 10 s for the exit; sets rc (its status)
cramd_stop() {
	kill -TERM $cramd_pid
	i=0
	while kill -0 $cramd_pid 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	wait $cramd_pid
	rc=$?
}
