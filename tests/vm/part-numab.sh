# cram VM tests: NUMA balancing never moves a page off a private node.
# The node has no CPU, so to NUMA balancing every access to its pages is
# remote, and before 0001 made no hinting faults there, a read alone took
# a demoted page back to DRAM, counted nowhere (the issue measured 8222
# pages down to 3 in 15 read passes, promoted_pages +8). Two hogs are
# read back to back for 15 s with numa_balancing = 1: a control whose pages
# migratepages(8) moved to node 1 (DRAM with no CPU), which NUMA
# balancing brings back to the CPUs' node 0, showing that it runs in this
# guest; and one demoted into the node, which must stay there with
# promoted_pages unchanged and its data intact. Without 0001's change
# (image c2ac412bb151a5ab, 2026-12-07) the control moved 2060 pages and
# the demoted hog's 2048 pages all left the node, promoted_pages 0 -> 0.
# Sourced by guest-tests.sh with $dax bound and offline; leaves it so.

NB_DBG=/sys/kernel/debug/sched/numa_balancing
NB_S=15		# seconds of read passes

nb_ms() { awk '{ print int($1 * 1000) }' /proc/uptime; }
# set the scanner's pace for the test (best effort: the knobs are in
# debugfs); nb_pace restore puts the saved values back
nb_pace() {
	mount -t debugfs none /sys/kernel/debug 2>/dev/null
	[ -w $NB_DBG/scan_delay_ms ] || return 0
	if [ "$1" = fast ]; then
		nb_saved="$(cat $NB_DBG/scan_delay_ms) $(cat $NB_DBG/scan_period_min_ms)"
		echo 0 >$NB_DBG/scan_delay_ms
		echo 100 >$NB_DBG/scan_period_min_ms
	elif [ -n "${nb_saved:-}" ]; then
		echo ${nb_saved% *} >$NB_DBG/scan_delay_ms
		echo ${nb_saved#* } >$NB_DBG/scan_period_min_ms
	fi
}

test_numab() {
	n=$tnode
	demotion_setup		# numa_balancing 0 while the hogs are placed
	expect_wr ok:numab-online $C/state online OK
	# before the hogs start: a task's first scan waits scan_delay_ms of
	# its own CPU time, which its read passes in this test do not reach
	nb_pace fast
	# demoted first: a later reclaim could demote the control's pages too
	start_hog 8 random 7400000
	h=$hog
	r=$(reclaim 8M)
	start_hog 8 random 7300000
	hc=$hog
	mp=$(migratepages $hc 0 1 2>&1; echo "rc=$?")
	c0=$(pages_on $hc 1) on0=$(pages_on $h $n) p0=$(rd $C/promoted_pages)
	f0=$(vmstat_get numa_hint_faults) m0=$(vmstat_get numa_pages_migrated) u0=$(vmstat_get numa_pte_updates)
	echo 1 >/proc/sys/kernel/numa_balancing
	# read passes back to back for NB_S seconds: the scanner's period
	# counts the task's CPU time, not the clock
	k=0 end=$(($(nb_ms) + NB_S * 1000))
	while [ $k -lt 500 ] && [ "$(nb_ms)" -lt $end ]; do
		k=$((k + 1))
		kill -USR1 $hc $h
		hog_wait /tmp/hog.7300000 "^verify#$k " >/dev/null
		hog_wait /tmp/hog.7400000 "^verify#$k " >/dev/null
	done
	echo 0 >/proc/sys/kernel/numa_balancing
	nb_pace restore
	c1=$(pages_on $hc 1) c1d=$(pages_on $hc 0) on1=$(pages_on $h $n) p1=$(rd $C/promoted_pages)
	f1=$(vmstat_get numa_hint_faults) m1=$(vmstat_get numa_pages_migrated) u1=$(vmstat_get numa_pte_updates)
	vc=$(grep "^verify#$k " /tmp/hog.7300000) v=$(grep "^verify#$k " /tmp/hog.7400000)
	pace=$([ -w $NB_DBG/scan_delay_ms ] && echo "scan_period_min_ms=100" || echo "default pace")
	check numab:control-moves "numa_balancing=1, $k read passes in ${NB_S}s ($pace): migratepages $mp; control hog on node1 $c0 -> $c1, on node0 $c1d; numa_pte_updates +$((u1 - u0)) numa_hint_faults +$((f1 - f0)) numa_pages_migrated +$((m1 - m0)); $vc" \
		eval '[ "$c0" -gt 0 ] && [ "$c1" -lt "$c0" ] && [ $((m1 - m0)) -gt 0 ]'
	check numab:private-stays "the same passes: demoted hog (reclaim=$r) on node$n $on0 -> $on1, promoted_pages $p0 -> $p1; $v" \
		eval '[ "$on0" -gt 0 ] && [ "$on1" = "$on0" ] && [ "$p1" = "$p0" ] &&
		echo "$v" | grep -q " bad=0$"'
	stop_hogs
	expect_wr ok:numab-offline $C/state offline OK
}

test_numab
