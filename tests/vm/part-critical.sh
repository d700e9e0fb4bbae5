# The kernel's last line of defence, without cramd: an incompressible
# workload, larger than the device's physical capacity, that memory.reclaim
# keeps demoting into the node. The simulated device raises a critical
# event when its use reaches cram_sim.critical_percent of its capacity, and
# the kernel closes the gate at once: no_alloc reads 1 and one
# CRAM_EVENT=critical uevent is sent. No sample of cram/stat (about 20 Hz)
# may show phys_used_bytes above phys_capacity_bytes. Writing no_alloc = 0
# while the device is still critical gets the gate closed again. The
# device's own threshold events come the same way: with high at half the
# capacity and low at a quarter, the flood raises one CRAM_EVENT=high and
# freeing it one CRAM_EVENT=low.
# Sourced by guest-tests.sh with $dax bound and offline; leaves it so.

CRIT_CHUNK=${CRIT_CHUNK:-16M}	# one memory.reclaim write
CRIT_ROUNDS=${CRIT_ROUNDS:-40}	# at most this many writes

crit_events() { grep -c "^change $dax ${1:-critical}\$" /tmp/uevents; }

test_critical() {
	mkdir -p /sys/fs/cgroup
	[ -f /sys/fs/cgroup/cgroup.procs ] || mount -t cgroup2 none /sys/fs/cgroup
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control
	mkdir -p $CG
	echo 1 >/sys/kernel/mm/numa/demotion_enabled
	expect_wr ok:critical-online $C/state online OK
	pc=$(rd $C/phys_capacity_bytes)
	cpct=$(rd /sys/module/cram_sim/parameters/critical_percent)
	crit=$((pc / 100 * cpct + pc % 100 * cpct / 100))
	ev0=$(crit_events)
	hi0=$(rd $C/high_threshold_bytes) lo0=$(rd $C/low_threshold_bytes)
	expect_wr ok:critical-high $C/high_threshold_bytes $((pc / 2)) OK
	expect_wr ok:critical-low $C/low_threshold_bytes $((pc / 4)) OK
	sleep 0.5
	h0=$(crit_events high) l0=$(crit_events low)

	mb=$((pc / 1048576 + 32))
	sampler_start /tmp/crit.samples
	start_hog $mb random 43
	h=$hog
	echo "VMINFO critical workload: vmhog ${mb}MB random: $(cat /tmp/hog.43)"
	d0=$(rd $C/demoted_pages)
	k=0 refused=0 dclose= trace=
	while [ $k -lt $CRIT_ROUNDS ]; do
		r=$(reclaim $CRIT_CHUNK)
		k=$((k + 1))
		d=$(rd $C/demoted_pages) g=$(rd $C/no_alloc)
		[ "$g" = 1 ] && [ -z "$dclose" ] && dclose=$d
		if [ "$r" = OK ]; then refused=0; else refused=$((refused + 1)); fi
		trace="$trace $k:$(((d - d0) / 256))M/gate$g/$r"
		[ $refused -ge 3 ] && break
	done
	sleep 1
	sampler_stop /tmp/crit.samples
	d1=$(rd $C/demoted_pages) gate=$(rd $C/no_alloc) ev1=$(crit_events)
	echo "VMINFO critical trace (write:demoted/gate/reclaim):$trace"
	check critical:gate-closed "hog=${mb}MB writes=$k of $CRIT_CHUNK demoted_pages ${d0}->${d1} (+$((d1 - d0))) no_alloc=$gate critical_uevents=$((ev1 - ev0)) demoted_after_close_seen=$((d1 - ${dclose:-$d1})) critical_level=$crit (${cpct}% of $pc)" \
		eval '[ "$gate" = 1 ] && [ $((ev1 - ev0)) = 1 ] && [ -n "$dclose" ]'

	an=$(awk -v crit=$crit 'NF >= 8 { n++; c = $2; if ($3 > mu) mu = $3; if ($3 > $2) over++
		if ($3 >= crit && first == "") first = $1 }
		END { past = mu - crit; if (past < 0) past = 0; if (first == "") first = "never"
			printf "samples=%d max_used=%d capacity=%d over_capacity=%d max_past_critical=%d first_at_critical=%s",
			n, mu, c, over + 0, past, first }' /tmp/crit.samples)
	over=$(echo "$an" | sed 's/.* over_capacity=\([0-9]*\).*/\1/')
	ns=$(echo "$an" | sed 's/samples=\([0-9]*\).*/\1/')
	check critical:never-overflowed "$an" \
		eval '[ "${ns:-0}" -gt 20 ] && [ "$over" = 0 ]'

	# userspace reopens the gate while the device is still critical: the
	# device raises the event again at its next scan, the gate closes again
	used=$(rd $C/phys_used_bytes)
	expect_wr ok:critical-reopen $C/no_alloc 0 OK
	i=0
	while [ "$(rd $C/no_alloc)" = 0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	ev2=$(crit_events)
	check critical:closed-again "phys_used=$used >= critical_level=$crit: no_alloc=0 written, no_alloc=$(rd $C/no_alloc) after ~$((i * 100)) ms, critical_uevents=$((ev2 - ev1))" \
		eval '[ "$used" -ge $crit ] && [ "$(rd $C/no_alloc)" = 1 ] && [ $((ev2 - ev1)) = 1 ]'

	h1=$(crit_events high)
	stop_hogs
	i=0
	while [ "$(crit_events low)" = "$l0" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	settle
	l1=$(crit_events low)
	check critical:thresholds "high=$((pc / 2)) low=$((pc / 4)): high uevents during the flood=$((h1 - h0)), low uevents after freeing it=$((l1 - l0)) phys_used now=$(rd $C/phys_used_bytes)" \
		eval '[ $((h1 - h0)) = 1 ] && [ $((l1 - l0)) = 1 ]'
	expect_wr ok:critical-offline $C/state offline OK
	expect_wr ok:critical-low-restore $C/low_threshold_bytes "$lo0" OK
	expect_wr ok:critical-high-restore $C/high_threshold_bytes "$hi0" OK
}

test_critical
