#!/bin/sh
# The fake kernel plays cram ABI v1: onlining makes a private node, the
# simulated device fills it, the knobs act on it, bad writes are put back,
# and offlining removes the node again.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

# value ATTR: one attribute of dax0.0's cram/ group
value() {
	cat "$c/$1"
}

inner() {
	c=/sys/bus/dax/devices/dax0.0/cram
	nodes=/sys/devices/system/node
	total=$(value total_pages)
	cram_assert_eq "$total" 65536 "total_pages of 256 MiB"
	cram_assert_eq "$(value phys_capacity_bytes)" 134217728 "phys_capacity_bytes"
	cram_assert_eq "$(value sim/compress_ratio)" 3000 "initial compress_ratio"
	cram_assert_eq "$(value sim/overhead_bytes)" 1048576 "initial overhead_bytes"

	# sim/ is writable offline; the overhead counts only while online.
	echo 2097152 >$c/sim/overhead_bytes
	cram_wait_for 5 sh -c "[ \$(cat $c/sim/overhead_bytes) = 2097152 ]"
	sleep 0.1
	cram_assert_eq "$(value phys_used_bytes)" 0 "phys_used_bytes offline"

	# Knobs are refused while offline (ENODEV), thresholds are not.
	echo 1 >$c/no_alloc
	cram_wait_for 5 grep -qx 0 $c/no_alloc
	echo 100000000 >$c/high_threshold_bytes
	sleep 0.1
	cram_assert_eq "$(value high_threshold_bytes)" 100000000 "threshold set while offline"

	echo online >$c/state
	cram_wait_for 5 grep -qx 1 $nodes/has_private_memory
	[ -d $nodes/node1 ] || cram_fail "node1 directory missing after online"
	cram_assert_grep 'Node 1 MemTotal: *262144 kB' $nodes/node1/meminfo
	cram_assert_eq "$(cat $nodes/online)" 0-1 "online nodes"
	cram_assert_eq "$(cat $nodes/has_memory)" 0 "a private node is not in has_memory"
	cram_assert_grep '^CRAM_EVENT=online$' /sys/bus/dax/devices/dax0.0/uevent

	# The device fills: physical use grows, the data compressed about 3:1
	# on top of the overhead.
	p1=$(value phys_used_bytes)
	cram_wait_for 5 sh -c "[ \$(cat $c/phys_used_bytes) -gt $p1 ]"
	# shellcheck disable=SC2046 # split the line into its fields
	set -- $(value stat)
	[ $# -eq 7 ] || cram_fail "stat has $# fields: $*"
	data=$(($2 - 2097152))
	if [ "$3" -lt $((data * 29 / 10)) ] || [ "$3" -gt $((data * 31 / 10)) ]; then
		cram_fail "logical $3 vs physical $2 - 2 MiB overhead is not 3:1"
	fi

	# The gate: no_alloc=1 stops demotion.
	echo 1 >$c/no_alloc
	cram_wait_for 5 grep -qx 1 $c/no_alloc
	sleep 0.1
	l1=$(value logical_bytes)
	sleep 0.3
	cram_assert_eq "$(value logical_bytes)" "$l1" "logical_bytes with no_alloc=1"

	# With the data still, a new overhead moves phys_used_bytes by the
	# difference, on this device only.
	p1=$(value phys_used_bytes)
	echo 3145728 >$c/sim/overhead_bytes
	cram_wait_for 5 sh -c "[ \$(cat $c/phys_used_bytes) = $((p1 + 1048576)) ]"
	cram_assert_eq "$(cat /sys/bus/dax/devices/dax1.0/cram/sim/overhead_bytes)" \
		1048576 "dax1.0 keeps its overhead"

	# A bad write is put back; so are out-of-range values and RO writes.
	echo abc >$c/no_alloc
	cram_wait_for 5 grep -qx 1 $c/no_alloc
	echo $((total + 1)) >$c/capacity_pages
	cram_wait_for 5 grep -qx "$total" $c/capacity_pages
	echo 999 >$c/sim/compress_ratio
	cram_wait_for 5 grep -qx 3000 $c/sim/compress_ratio
	echo 268435457 >$c/sim/overhead_bytes
	cram_wait_for 5 grep -qx 3145728 $c/sim/overhead_bytes
	echo 0x10 >$c/sim/overhead_bytes
	cram_wait_for 5 grep -qx 3145728 $c/sim/overhead_bytes
	echo 5 >$c/phys_used_bytes
	cram_wait_for 5 sh -c "[ \$(cat $c/phys_used_bytes) -ne 5 ]"
	# A write that is not truncated and ends in NUL, as libcxl does it.
	printf '0\000' 1<>$c/no_alloc
	cram_wait_for 5 grep -qx 0 $c/no_alloc

	# The balloon: a smaller capacity pushes resident data out.
	l1=$(value logical_bytes)
	cap=$((l1 / 4096 / 2))
	echo $cap >$c/capacity_pages
	cram_wait_for 5 sh -c "[ \$(cat $c/logical_bytes) -le $((cap * 4096)) ]"
	cram_wait_for 5 grep -qx $((total - cap)) $c/ballooned_pages
	cram_assert_eq "$(value capacity_pages)" $cap "capacity_pages reads the target"

	# Eviction request, and the counters move.
	echo 1 >$c/no_alloc
	cram_wait_for 5 grep -qx 1 $c/no_alloc
	l1=$(value logical_bytes)
	echo $((l1 / 2)) >$c/evict_bytes
	cram_wait_for 5 sh -c "[ \$(cat $c/logical_bytes) -le $((l1 - l1 / 2)) ]"
	cram_wait_for 5 grep -qx 0 $c/evict_bytes
	[ "$(value evicted_pages)" -gt 0 ] || cram_fail "evicted_pages did not count"
	[ "$(value demoted_pages)" -gt 0 ] || cram_fail "demoted_pages did not count"

	# freeze keeps garbage in a telemetry file; thaw rewrites it.
	cram_fk_ctl "freeze dax0.0"
	cram_assert_eq "$(cat "$CRAM_TESTBED/fake-kernel.ctl.done")" \
		"$(stat -c %s "$CRAM_TESTBED/fake-kernel.ctl")" "ctl.done: all of the control file read"
	echo "12 junk" >$c/stat
	sleep 0.2
	cram_assert_eq "$(value stat)" "12 junk" "frozen stat keeps what the test wrote"
	echo "thaw dax0.0" >>"$CRAM_TESTBED/fake-kernel.ctl"
	cram_wait_for 5 grep -Eqx '([0-9]+ ){6}[0-9]+' $c/stat

	# The second device onlines into node 2.
	echo online >/sys/bus/dax/devices/dax1.0/cram/state
	cram_wait_for 5 grep -qx 1-2 $nodes/has_private_memory

	echo offline >$c/state
	cram_wait_for 5 grep -qx 2 $nodes/has_private_memory
	cram_wait_for 5 sh -c "[ ! -d $nodes/node1 ]"
	cram_assert_eq "$(value logical_bytes)" 0 "logical_bytes after offline"
	cram_assert_eq "$(value phys_used_bytes)" 0 "phys_used_bytes after offline"
	cram_assert_eq "$(value sim/overhead_bytes)" 3145728 "overhead_bytes after offline"
	cram_assert_eq "$(cat $nodes/online)" 0,2 "online nodes after offline"
	cram_assert_grep '^CRAM_EVENT=offline$' /sys/bus/dax/devices/dax0.0/uevent
	exit 0
}

if [ "${1:-}" = --inner ]; then
	inner
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --tick-ms 20 \
	--overhead 1048576 -- sh "$0" --inner 2>"$log"
rc=$?
cat "$log" >&2
cram_assert_eq $rc 0 "exit status of the scenario"
cram_assert_grep "^fake-kernel: dax0.0/cram/no_alloc: rejected 'abc': EINVAL$" "$log"
cram_assert_grep "^fake-kernel: dax0.0/cram/no_alloc: rejected '1': ENODEV$" "$log"
cram_assert_grep "^fake-kernel: dax0.0/cram/capacity_pages: rejected '65537': ERANGE$" "$log"
cram_assert_grep "^fake-kernel: dax0.0/cram/sim/compress_ratio: rejected '999': ERANGE$" "$log"
cram_assert_grep "^fake-kernel: dax0.0/cram/sim/overhead_bytes: rejected '268435457': ERANGE$" "$log"
cram_assert_grep "^fake-kernel: dax0.0/cram/sim/overhead_bytes: rejected '0x10': EINVAL$" "$log"
cram_assert_grep "^fake-kernel: dax0.0/cram/phys_used_bytes: rejected '5': EACCES$" "$log"

# Exit status and signals pass through.
cram_run_testbed -- sh -c 'exit 3' 2>/dev/null
cram_assert_eq $? 3 "COMMAND's exit status"
cram_run_testbed -- sh -c 'kill -TERM $$' 2>/dev/null
cram_assert_eq $? 143 "128 + the signal that killed COMMAND"
exit 0
