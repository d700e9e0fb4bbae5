# cram VM tests: closing the gate stops arrivals at once. A 96 MiB vmhog
# is demoted by memory.reclaim written in a loop (one writer per CPU);
# while pages flow onto the node, no_alloc = 1 is written, and the hog's
# pages on the node (numa_maps, read live) are counted when the write has
# returned and again after two more seconds of the same pressure: no page
# may arrive in between. With the gate still closed, the balloon inflates
# when capacity_pages is lowered: the gate stops arrivals, not the
# device's own use of its node. Sourced by guest-tests.sh with $dax bound
# and offline; leaves it so.

GATE_STOP=/tmp/gate.stop

gate_pressure() { # one memory.reclaim writer, until $GATE_STOP exists
	while [ ! -e $GATE_STOP ]; do
		echo 1M >$CG/memory.reclaim 2>/dev/null
	done
}

test_gate_close() {
	n=$tnode
	rm -f $GATE_STOP
	expect_wr ok:gate-online $C/state online OK
	start_hog 96 random 7100000
	h=$hog
	gate_pressure &
	p1=$!
	gate_pressure &
	p2=$!
	# until pages flow onto the node (up to 30 s)
	i=0
	while [ "$(pages_on $h $n)" -lt 2048 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	a0=$(pages_on $h $n)
	w=$(wr $C/no_alloc 1)
	a1=$(pages_on $h $n)
	sleep 2
	a2=$(pages_on $h $n)
	touch $GATE_STOP
	wait $p1 $p2
	rm -f $GATE_STOP
	check gate:close-stops-arrivals "hog_on_node before the write $a0, when it returned ($w) $a1, 2 s later $a2 (+$((a2 - a1))) demoted_pages=$(rd $C/demoted_pages)" \
		eval '[ "$w" = OK ] && [ "$a0" -ge 2048 ] && [ "$a2" = "$a1" ]'

	# the gate closes the node to arrivals, not to its owner: with
	# no_alloc still 1, lowering capacity_pages inflates the balloon
	# (pages taken, not allocated), and the gate stays closed
	tp=$(rd $C/total_pages)
	target=$((tp - 8192))
	t0=$(cut -d' ' -f1 /proc/uptime)
	w=$(wr $C/capacity_pages $target)
	wait_ballooned -ge 8192
	t1=$(cut -d' ' -f1 /proc/uptime)
	bl=$(rd $C/ballooned_pages) na=$(rd $C/no_alloc) a3=$(pages_on $h $n)
	check gate:balloon-while-closed "no_alloc=$na capacity_pages=$target ($w) ballooned_pages=$bl (>= 8192) hog_on_node ${a2}->${a3} t=${t0}..${t1}" \
		eval '[ "$w" = OK ] && [ "$na" = 1 ] && [ "$bl" -ge 8192 ] && [ "$a3" -le "$a2" ]'
	expect_wr ok:gate-deflate $C/capacity_pages "$tp" OK
	wait_ballooned = 0
	stop_hogs
	expect_wr ok:gate-reopen $C/no_alloc 0 OK
	expect_wr ok:gate-offline $C/state offline OK
}

test_gate_close
