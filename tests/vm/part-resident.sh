# cram VM tests: logical_bytes counts the node's resident pages as they
# arrive and leave, not at the next 100 ms refresh (issue 12). The node's
# page allocator tells the driver every page it hands out and takes back
# (0022's allocated and freed hooks), so logical_bytes read at once, with
# no sleep and no settle, after pages arrive by demotion, by move_pages(2)
# (user_migrate) and by faults in placement mode (which allocate on the
# node without a migration) has grown by exactly the pages now on the
# node, and after munmap() or the exit it is back where it was. The
# balloon's pages are the node's allocations too, and must not count.
# placetest reads logical_bytes itself, in the microseconds after its
# move_pages() or its last fault and after its munmap().
# Sourced by guest-tests.sh with $dax bound and offline; leaves it so, in
# compressed mode with user_migrate 0.

RES_MB=8
# In flight when a reading is taken: pages that a CPU's LRU batches (31
# folios each) still hold after munmap() or an exit (freed when the batch
# drains), or that the simulated device's scan holds a passing reference
# on (one page). Arrivals have none: a migration's destination is counted
# when it is allocated, and freed again if the move fails.
RES_SLACK=$((31 * $(grep -c '^processor' /proc/cpuinfo)))

res_pages() { echo $(($(rd $C/logical_bytes) / PAGE)); }
# res_near A B: A within RES_SLACK pages of B
res_near() { [ $(($1 - $2)) -le $RES_SLACK ] && [ $(($2 - $1)) -le $RES_SLACK ]; }

# placetest resident: the numbers of its line, in pages
res_placetest() { # NAME NODE fault|move
	out=$(/vmtests/placetest resident $2 $RES_MB $3 $C/logical_bytes 2>&1)
	rb=$(($(kv before "$out") / PAGE)) ra=$(($(kv after "$out") / PAGE))
	ru=$(($(kv after_munmap "$out") / PAGE)) on=$(kv on_node "$out")
	check "$1" "$out | resident pages $rb -> $ra (+$((ra - rb))) for $on pages on node$2 -> $ru right after munmap, slack=$RES_SLACK" \
		eval '[ "$on" -gt 0 ] && res_near $((ra - rb)) $on && res_near $ru $rb'
}

test_resident() {
	n=$tnode
	expect_wr ok:resident-online $C/state online OK
	tp=$(rd $C/total_pages)
	l0=$(res_pages)
	check resident:empty "logical_bytes=$(rd $C/logical_bytes) just online, total_pages=$tp" \
		[ "$l0" = 0 ]

	# demotion: read right after the memory.reclaim write returns
	start_hog $RES_MB random 7100000
	h=$hog
	a0=$(res_pages)
	r=$(reclaim_write ${RES_MB}M)
	a1=$(res_pages)
	on=$(pages_on $h $n)
	check resident:demotion "reclaim=$r resident pages $a0 -> $a1 (+$((a1 - a0))) right after the write, hog_on_node$n=$on, slack=$RES_SLACK" \
		eval '[ "$on" -gt 0 ] && res_near $((a1 - a0)) $on'

	# the balloon: half the device, its free pageblocks first, then the
	# hog's (moved within the node or off it); its pages are no one's
	cap=$((tp / 2))
	expect_wr ok:resident-balloon $C/capacity_pages $cap OK
	wait_ballooned -ge $((tp - cap))
	bl=$(rd $C/ballooned_pages) b1=$(res_pages) onb=$(pages_on $h $n)
	check resident:balloon "capacity_pages=$cap ballooned_pages=$bl resident pages $a1 -> $b1 with hog_on_node$n $on -> $onb, slack=$RES_SLACK" \
		eval '[ "$bl" -ge $((tp - cap)) ] && res_near $b1 $onb'
	expect_wr ok:resident-deflate $C/capacity_pages "$tp" OK
	wait_ballooned = 0
	b2=$(res_pages) onb=$(pages_on $h $n)
	check resident:balloon-deflated "ballooned_pages=$(rd $C/ballooned_pages) resident pages $b2 with hog_on_node$n=$onb" \
		eval 'res_near $b2 $onb'

	# the hog's exit: read as soon as it has been reaped
	e0=$(res_pages)
	stop_hogs
	e1=$(res_pages)
	check resident:exit "resident pages $e0 -> $e1 right after the hog's exit ($onb of its pages on node$n), slack=$RES_SLACK" \
		eval 'res_near $e1 $((e0 - onb))'

	# move_pages(2) into the node that opts in
	expect_wr ok:resident-user-migrate $C/user_migrate 1 OK
	res_placetest resident:move_pages $n move
	expect_wr ok:resident-user-migrate-off $C/user_migrate 0 OK
	expect_wr ok:resident-offline $C/state offline OK

	# placement mode: faults allocate on the node, nothing migrates
	expect_wr ok:resident-placement $C/mode placement OK
	expect_wr ok:resident-placement-online $C/state online OK
	res_placetest resident:placement-fault $n fault
	expect_wr ok:resident-placement-offline $C/state offline OK
	expect_wr ok:resident-compressed $C/mode compressed OK
}

test_resident
