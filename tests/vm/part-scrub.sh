# cram VM tests: nothing stale left behind. Data that leaves a private node
# must not stay in the device's memory. For each way out (a plain free,
# promotion by a write, the balloon, eviction to swap, offline), a vmhog's
# pages are demoted onto the node and moved off it
# that way; the device is then offlined, given to device_dax, and its memory
# read through /dev/daxX.Y (tests/vm/scrubscan.c), which must hold no page
# of that hog. Each path has its own million of vmhog seeds, so a count
# names the path that left it. A control first: pages written through
# device_dax where the node's memory lies are found.
# Compaction is not among the paths: in this guest, compacting the node
# (nodeN/compact) scans its pages but isolates none of the demoted ones.
# Sourced by guest-tests.sh with $dax bound and offline; leaves it so.

SCRUB_MB=8
SCAN=/vmtests/scrubscan

# the device's memory through device_dax: the scan's line
scrub_scan() {
	wr $DAXBUS/drivers/cram/unbind "$dax" >/dev/null
	wr $DAXBUS/drivers/device_dax/bind "$dax" >/dev/null
	i=0
	while [ ! -c /dev/$dax ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	$SCAN scan /dev/$dax 2>&1
}
# back to cram, offline: OK or the errno
scrub_rebind() {
	wr $DAXBUS/drivers/device_dax/unbind "$dax" >/dev/null
	wr $DAXBUS/drivers/cram/bind "$dax"
}

# Each scrub_do_PATH moves the pages of hog $h off the node; it prints what
# it measured.
scrub_do_free() {
	echo "freed_by=exit"
}
scrub_do_promotion() {
	p0=$(rd $C/promoted_pages)
	kill -USR2 $h
	v=$(hog_wait /tmp/hog.$seed "^verify#1")
	echo "write: $v promoted_pages=$p0->$(rd $C/promoted_pages) hog_on_node_after=$(pages_on $h $n)"
}
scrub_do_balloon() {
	tp=$(rd $C/total_pages)
	wr $C/capacity_pages $((on / 2)) >/dev/null
	wait_ballooned -ge $((tp - on / 2))
	a=$(pages_on $h $n)
	wr $C/capacity_pages "$tp" >/dev/null
	wait_ballooned = 0
	echo "capacity_pages=$((on / 2)) hog_on_node_ballooned=$a"
}
scrub_do_eviction() {
	mkswap $SWAP_DEV >/dev/null 2>&1
	swapon $SWAP_DEV 2>/dev/null
	e0=$(rd $C/evicted_pages) lb=$(rd $C/logical_bytes)
	wr $C/evict_bytes "$lb" >/dev/null
	wait_evicted
	echo "evict_bytes=$lb evicted_pages=$e0->$(rd $C/evicted_pages) hog_on_node_after=$(pages_on $h $n)"
}
scrub_do_offline() {
	echo "offline=$(wr $C/state offline) hog_on_node_after=$(pages_on $h $n)"
}

# scrub_path PATH SEED
scrub_path() {
	path=$1 seed=$2
	n=$tnode
	expect_wr ok:scrub-online:$path $C/state online OK
	start_hog $SCRUB_MB random $seed
	h=$hog
	r=$(reclaim ${SCRUB_MB}M)
	on=$(pages_on $h $n)
	act=$(scrub_do_$path)
	stop_hogs
	[ "$path" = eviction ] && swapoff $SWAP_DEV 2>/dev/null
	[ "$(rd $C/state)" = offline ] || wr $C/state offline >/dev/null
	out=$(scrub_scan)
	rb=$(scrub_rebind)
	b=$((seed / 1000000))
	check scrub:$path "reclaim=$r hog_on_node=$on of $((SCRUB_MB * 1048576 / PAGE)) $act; scan: $out; rebind=$rb" \
		eval '[ "$on" -gt 0 ] && echo "$out" | grep -q "^pages=" &&
		[ "$(kv stale_b$b "$out")" = 0 ] && [ "$rb" = OK ]'
}

test_scrub() {
	# where the node's memory starts in the device (memory hotplug adds
	# whole memory blocks, so the device's head may never be online)
	expect_wr ok:scrub-online:where $C/state online OK
	first=$(ls -d $NODES/node$tnode/memory* | sed 's/.*memory//' | sort -n | head -n 1)
	bs=$((0x$(cat /sys/devices/system/memory/block_size_bytes)))
	res=$(($(cat $D/resource)))
	at=$(((first * bs - res) / PAGE))
	expect_wr ok:scrub-offline:where $C/state offline OK
	# the control: what device_dax writes there, the scan finds
	out=$(scrub_scan)
	pl=$($SCAN plant /dev/$dax 9000000 16 $at 2>&1)
	out1=$($SCAN scan /dev/$dax 2>&1)
	rb=$(scrub_rebind)
	check scrub:control "memory$first at page $at of the device; before: $out; $pl; after: $out1; rebind=$rb" \
		eval '[ "$(kv stale_b9 "$out1")" = 16 ] && [ "$rb" = OK ]'

	scrub_path free 1000000
	scrub_path promotion 2000000
	scrub_path balloon 4000000
	scrub_path eviction 5000000
	scrub_path offline 6000000
}

test_scrub
