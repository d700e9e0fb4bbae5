# cram VM tests, sourced by guest-tests.sh with the device bound and offline:
# telemetry reads do not wait for the refresh. statpoll re-reads cram/stat
# every TM_MS ms for TM_SECS s while the refresh is busy, twice: while a
# large random hog is demoted by memory.reclaim (the refresh lz4-compresses
# every page that arrives) and while the balloon inflates over the hog
# (alloc_contig_range migrates it). /proc/uptime sampled the same way in the
# same run is the baseline (what the guest's scheduling alone costs); a knob
# (capacity_pages, shown under the device mutex) is sampled for information.
# Leaves the device offline.
TM_SECS=10
TM_MS=20
# TCG guest on a shared host: the uptime baseline measured 150-350 ms; a
# read that waits for a whole refresh took 4.8 s
TM_MAX_GAP_MS=500

tm_start() { # the three samplers in the background
	/vmtests/statpoll $C/stat $TM_SECS $TM_MS 7 >/tmp/statpoll.stat 2>&1 &
	tm_p1=$!
	/vmtests/statpoll /proc/uptime $TM_SECS $TM_MS >/tmp/statpoll.uptime 2>&1 &
	tm_p2=$!
	/vmtests/statpoll $C/capacity_pages $TM_SECS $TM_MS >/tmp/statpoll.knob 2>&1 &
	tm_p3=$!
	sleep 0.5
}
tm_check() { # NAME DETAILS: wait for the samplers, judge cram/stat
	wait $tm_p1 $tm_p2 $tm_p3
	g=$(sed -n 's/.*max_gap_ms=\([0-9]*\).*/\1/p' /tmp/statpoll.stat)
	b=$(sed -n 's/.*bad=\([0-9]*\).*/\1/p' /tmp/statpoll.stat)
	check "$1" "stat: $(cat /tmp/statpoll.stat) | uptime: $(cat /tmp/statpoll.uptime) | capacity_pages: $(cat /tmp/statpoll.knob) | $2 bound=${TM_MAX_GAP_MS}ms" \
		eval '[ "${g:-99999}" -lt $TM_MAX_GAP_MS ] && [ "$b" = 0 ]'
}

test_telemetry() {
	n=$tnode
	expect_wr ok:telemetry-online $C/state online OK
	stop_hogs
	settle
	start_hog 64 random 91
	h=$hog

	tm_start
	t0=$(cut -d' ' -f1 /proc/uptime)
	r=$(reclaim 64M)
	t1=$(cut -d' ' -f1 /proc/uptime)
	on=$(pages_on $h $n)
	tm_check telemetry-demote "reclaim=$r t=${t0}..${t1} hog_on_node$n=$on"
	settle

	tp=$(rd $C/total_pages)
	target=$((on / 2))
	tm_start
	t0=$(cut -d' ' -f1 /proc/uptime)
	w=$(wr $C/capacity_pages $target)
	t1=$(cut -d' ' -f1 /proc/uptime)
	tm_check telemetry-balloon "capacity_pages=$target write=$w t=${t0}..${t1} ballooned_pages=$(rd $C/ballooned_pages) hog_on_node$n=$(pages_on $h $n)"
	wait_ballooned -ge $((tp - target))
	bl=$(rd $C/ballooned_pages)
	check telemetry-balloon-done "ballooned_pages=$bl (>= $((tp - target))) at $(cut -d' ' -f1 /proc/uptime) hog_on_node$n=$(pages_on $h $n) stat='$(rd $C/stat)'" \
		[ "$bl" -ge $((tp - target)) ]

	expect_wr ok:telemetry-deflate $C/capacity_pages "$tp" OK
	wait_ballooned = 0
	stop_hogs
	settle
	expect_wr ok:telemetry-offline $C/state offline OK
}

test_telemetry
