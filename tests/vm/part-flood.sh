# cram VM tests: an incompressible flood with cramd in charge (issue 13).
# The simulated device's fixed overhead (sim/overhead_bytes) takes all of
# its physical capacity but FL_ROOM, so that a short flood fills it under
# TCG: a random hog larger than that room is pushed into the private node
# by back-to-back memory.reclaim writes (no pause for the refresh) while
# cramd runs with a pass every poll interval ([policy] max_sleep_ms = 0),
# and once more with its default configuration (the wakeup schedule on). statpoll samples cram/stat
# every FL_MS ms: physical use may never exceed the capacity, and after
# each reclaim write phys_used_bytes holds the hog's pages on the node. The part
# prints the sampler's count and rate, the least headroom (bytes and
# 1/1000 of capacity) and cramd's wakeups per second (its context switches,
# voluntary + nonvoluntary, from /proc/PID/task/*/status) while the device
# is idle and during the flood.
# Sourced by guest-tests.sh with $dax bound and offline; leaves it so.

FL_MS=${FL_MS:-20}		# statpoll's pause between two reads
# the sampler keeps >= 10 Hz on average; under TCG on a loaded host one
# read was measured to stall for up to 681 ms while reclaim held both CPUs
FL_MAX_GAP_MS=${FL_MAX_GAP_MS:-1000}	# no two samples further apart
FL_IDLE_S=${FL_IDLE_S:-4}	# the idle window after cramd onlined the device
FL_FLOOD_S=${FL_FLOOD_S:-20}	# the flood lasts at most this long
FL_CHUNK=${FL_CHUNK:-4M}	# one memory.reclaim write
FL_ROOM_MB=${FL_ROOM_MB:-24}	# physical capacity left to data
# pages on the node that phys_used_bytes may miss right after a reclaim
# write: the device stores pages as they arrive, so only what is still in
# flight (one huge page at most); the series before that lagged by tens of
# thousands (issue 12)
FL_MAX_LAG_PAGES=${FL_MAX_LAG_PAGES:-512}

# cramd's context switches, all threads: voluntary + nonvoluntary
fl_ctxt() {
	cat /proc/$1/task/*/status 2>/dev/null |
		awk '/^(non)?voluntary_ctxt_switches:/ { s += $2 } END { print s + 0 }'
}
fl_now() { cut -d' ' -f1 /proc/uptime; }
# switches per second between two (uptime, count) pairs, one decimal
fl_rate() { awk -v t0="$1" -v c0="$2" -v t1="$3" -v c1="$4" \
	'BEGIN { if (t1 > t0) printf "%.1f", (c1 - c0) / (t1 - t0); else print "nan" }'; }

# fl_run NAME SEED [POLICY_LINE]: one flood with cramd, the hog filled
# from SEED; the device starts and ends offline
fl_run() {
	fl=$1 seed=$2 extra=${3:-}
	sock=/tmp/cramd-$fl.sock
	log=/tmp/cramd-$fl.log
	hi0=$(rd $C/high_threshold_bytes) lo0=$(rd $C/low_threshold_bytes)
	{
		echo "[global]"
		echo "devices = $dax"
		[ -n "$extra" ] && printf '[policy]\n%s\n' "$extra"
	} >/tmp/cramd-$fl.conf
	pc=$(rd $C/phys_capacity_bytes)
	ov0=$(rd $C/sim/overhead_bytes)
	ov=$((pc - FL_ROOM_MB * 1048576))
	mb=$((FL_ROOM_MB + 16))
	ovw=$(wr $C/sim/overhead_bytes $ov)
	start_hog $mb random $seed
	h=$hog

	CRAMD_SOCKET=$sock cramd -c /tmp/cramd-$fl.conf -s $sock >$log 2>&1 &
	cpid=$!
	i=0
	while { [ "$(rd $C/state)" != online ] || [ ! -S $sock ]; } && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 1	# past cramd's first passes after the online
	ta=$(fl_now) ca=$(fl_ctxt $cpid)
	sleep $FL_IDLE_S
	tb=$(fl_now) cb=$(fl_ctxt $cpid)

	/vmtests/statpoll $C/stat $((FL_FLOOD_S + 30)) $FL_MS 7 headroom >/tmp/flood-$fl.poll 2>&1 &
	sp=$!
	renice -n -10 $sp >/dev/null 2>&1
	d0=$(rd $C/demoted_pages)
	k=0 refused=0 maxlag=0 maxlag_at=
	end=$(awk -v t="$(fl_now)" -v d=$FL_FLOOD_S 'BEGIN { print t + d }')
	while [ $refused -lt 3 ] && awk -v t="$(fl_now)" -v e="$end" 'BEGIN { exit !(t < e) }'; do
		r=$(reclaim_write $FL_CHUNK)
		k=$((k + 1))
		# the hog's pages on the node that phys_used_bytes does not hold
		# yet, right after the write (each page is stored raw: random)
		on=$(pages_on $h $tnode) u=$(rd $C/phys_used_bytes)
		lag=$((on - (u - ov) / PAGE))
		[ $lag -gt $maxlag ] && maxlag=$lag maxlag_at="write $k: $on pages on the node, phys_used=$u"
		if [ "$r" = OK ]; then refused=0; else refused=$((refused + 1)); fi
	done
	tc=$(fl_now) cc=$(fl_ctxt $cpid)
	sleep 1	# what is still in flight lands while the sampler runs
	kill -TERM $sp
	wait $sp
	d1=$(rd $C/demoted_pages)
	alive=$(kill -0 $cpid 2>/dev/null && echo yes || echo no)
	poll=$(cat /tmp/flood-$fl.poll)
	val() { echo " $poll" | sed -n "s/.* $1=\\(-*[0-9]*\\).*/\\1/p"; }
	idle=$(fl_rate "$ta" "$ca" "$tb" "$cb")
	busy=$(fl_rate "$tb" "$cb" "$tc" "$cc")
	echo "VMINFO flood-$fl: config '${extra:-default}' overhead_bytes=$ov ($ovw) hog ${mb}MB random, $k reclaim writes of $FL_CHUNK in ${tb}..${tc}s (last refused=$refused), demoted $(((d1 - d0) / 256))MB"
	echo "VMINFO flood-$fl: cramd wakeups/s idle=$idle (ctxt $ca->$cb in ${ta}..${tb}s) flood=$busy (ctxt $cb->$cc in ${tb}..${tc}s)"
	echo "VMINFO flood-$fl: accounting lag after a reclaim write: at most $maxlag pages ($((maxlag * PAGE / 1048576)) MiB) ($maxlag_at)"
	echo "VMINFO flood-$fl: samples=$(val samples) min_headroom=$(val min_headroom) bytes ($(val min_headroom_permille)/1000 of capacity $(val capacity)) max_used=$(val max_used) over=$(val over)"
	check flood-$fl:never-overflowed "$poll max_gap_allowed=${FL_MAX_GAP_MS}ms cramd_alive=$alive wakeups/s idle=$idle flood=$busy" \
		eval '[ "$(val samples)" -gt 20 ] && [ "$(val bad)" = 0 ] && [ "$(val over)" = 0 ] &&
		[ "$(val hz)" -ge 10 ] &&
		[ "$(val max_gap_ms)" -le $FL_MAX_GAP_MS ] && [ "$(val min_headroom)" -ge 0 ] &&
		[ $((d1 - d0)) -gt 0 ] && [ $alive = yes ] && [ "$ovw" = OK ]'
	check flood-$fl:accounted "the hog's pages on the node not in phys_used_bytes right after a reclaim write: at most $maxlag (bound $FL_MAX_LAG_PAGES) ($maxlag_at)" \
		[ $maxlag -le $FL_MAX_LAG_PAGES ]
	grep -E "error|overfull|out of backing|degraded" $log | grep -v " 0 degraded" | head -n 4 | sed "s/^/VMINFO flood-$fl log: /"

	kill -TERM $cpid
	wait $cpid
	rc=$?
	stop_hogs
	settle
	check flood-$fl:cleanup "cramd exit=$rc state=$(rd $C/state)" \
		eval '[ $rc = 0 ] && [ "$(wr $C/state offline)" = OK ] &&
		[ "$(wr $C/low_threshold_bytes 0)" = OK ] &&
		[ "$(wr $C/sim/overhead_bytes "$ov0")" = OK ] &&
		[ "$(wr $C/high_threshold_bytes "$hi0")" = OK ] &&
		[ "$(wr $C/low_threshold_bytes "$lo0")" = OK ]'
}

test_flood() {
	mkdir -p /sys/fs/cgroup
	[ -f /sys/fs/cgroup/cgroup.procs ] || mount -t cgroup2 none /sys/fs/cgroup
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control
	mkdir -p $CG
	echo 1 >/sys/kernel/mm/numa/demotion_enabled
	fl_run poll 61 "max_sleep_ms = 0"
	fl_run default 62
}

test_flood
