# cramd in the guest: cramd onlines the device itself and its default
# (adaptive) policy keeps an incompressible workload that keeps being
# demoted from overflowing the device's physical capacity. A busybox loop
# samples cram/stat at >= 10 Hz during the whole run; no sample may show
# phys_used_bytes above phys_capacity_bytes.
# Sourced by guest-tests.sh with $dax bound and offline; leaves it so.

CRAMD_POLL_MS=${CRAMD_POLL_MS:-100}	# poll_interval_ms in the guest's cramd.conf
CRAMD_CHUNK=${CRAMD_CHUNK:-16M}		# one memory.reclaim write
CRAMD_ROUNDS=${CRAMD_ROUNDS:-40}	# at most this many writes
CRAMD_MAX_GAP=${CRAMD_MAX_GAP:-0.5}	# seconds between two samples, at most

test_cramd() {
	n=$tnode
	sock=/tmp/cramd.sock
	log=/tmp/cramd.log
	export CRAMD_SOCKET=$sock
	hi0=$(rd $C/high_threshold_bytes) lo0=$(rd $C/low_threshold_bytes)
	# the cgroup and demotion as test_demotion sets them up
	mkdir -p /sys/fs/cgroup
	[ -f /sys/fs/cgroup/cgroup.procs ] || mount -t cgroup2 none /sys/fs/cgroup
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control
	mkdir -p $CG
	echo 1 >/sys/kernel/mm/numa/demotion_enabled
	cat >/tmp/cramd.conf <<-EOF
	# the guest's cramd: the default (adaptive) policy, a TCG-friendly poll
	[global]
	poll_interval_ms = $CRAMD_POLL_MS
	devices = $dax
	EOF
	msg=$(cramd --check-config -c /tmp/cramd.conf 2>&1)
	check cramd:check-config "$msg" eval 'echo "$msg" | grep -q ": ok"'

	t0=$(cut -d' ' -f1 /proc/uptime)
	cramd_start /tmp/cramd.conf $sock $log
	t1=$(cut -d' ' -f1 /proc/uptime)
	pc=$(rd $C/phys_capacity_bytes)
	hi=$(rd $C/high_threshold_bytes) lo=$(rd $C/low_threshold_bytes)
	# the default schedule (max_sleep_ms) arms the thresholds where the
	# policy wants to be woken, not at the watermarks: a high within the
	# capacity, and a low below it or none
	check cramd:online "state=$(rd $C/state) by cramd pid=$cramd_pid in ${t0}..${t1} high=$hi low=$lo capacity=$pc priv=[$(rd $NODES/has_private_memory)]" \
		eval '[ "$(rd $C/state)" = online ] && [ "$hi" -gt 0 ] && [ "$hi" -le "$pc" ] &&
		{ [ "$lo" = 0 ] || [ "$lo" -lt "$hi" ]; }'

	# incompressible data, more than the physical capacity
	mb=$((pc / 1048576 + 32))
	sampler_start /tmp/cramd.samples
	wk0=$(wakeups $cramd_pid) u0=$(cut -d' ' -f1 /proc/uptime)
	start_hog $mb random 41
	h=$hog
	hp=$(sed -n 's/.*pages=\([0-9]*\).*/\1/p' /tmp/hog.41)
	echo "VMINFO cramd workload: vmhog ${mb}MB random ready at uptime $(cut -d' ' -f1 /proc/uptime): $(cat /tmp/hog.41)"
	d0=$(rd $C/demoted_pages)
	k=0 rises=0 refused=0 dprev=$d0 dref=$d0 trace=
	w0=$(cut -d' ' -f1 /proc/uptime)
	while [ $k -lt $CRAMD_ROUNDS ]; do
		r=$(reclaim $CRAMD_CHUNK)
		k=$((k + 1))
		d=$(rd $C/demoted_pages)
		[ "$d" -gt $((dprev + 256)) ] && rises=$((rises + 1))
		# a refused write: the kernel found no room on the node
		if [ "$r" = OK ]; then refused=0; else refused=$((refused + 1)); fi
		[ $refused = 1 ] && dref=$dprev
		dprev=$d
		read -r up idle </proc/uptime
		trace="$trace $k@${up%.*}s:$(((d - d0) / 256))M/gate$(rd $C/no_alloc)/cap$(rd $C/capacity_pages)/$r"
		[ $refused -ge 3 ] && break
	done
	w1=$(cut -d' ' -f1 /proc/uptime)
	# the refused writes together moved less than half of what they asked,
	# and the node holds no more than the capacity cramd set
	chunk_pages=$((${CRAMD_CHUNK%M} * 1048576 / PAGE))
	sleep 1
	sampler_stop /tmp/cramd.samples
	wk1=$(wakeups $cramd_pid) u1=$(cut -d' ' -f1 /proc/uptime)
	wk=$(awk -v a="$wk0" -v b="$wk1" -v t0="$u0" -v t1="$u1" 'BEGIN {
		if (a == "" || b == "" || t1 <= t0) print "unknown"
		else printf "%.1f/s (%d in %.1f s)", (b - a) / (t1 - t0), b - a, t1 - t0 }')
	echo "VMINFO cramd wakeups during the flood (poll_interval_ms=$CRAMD_POLL_MS): $wk"
	dn=$((dprev - d0))
	on=$(pages_on $h $n)
	gate=$(rd $C/no_alloc) cap=$(rd $C/capacity_pages) lb=$(rd $C/logical_bytes)
	echo "VMINFO cramd trace (write@uptime:demoted/gate/capacity_pages/reclaim):$trace"
	check cramd:demoted-then-stopped "hog=${mb}MB pages=$hp writes=$k of $CRAMD_CHUNK in ${w0}..${w1}s rises=$rises then refused=$refused (+$((dprev - dref)) pages meanwhile) demoted_pages ${d0}->${dprev} (+$dn, $((dn / 256))MB) hog_on_node$n=$on no_alloc=$gate capacity_pages=$cap logical=$lb phys_capacity=$pc" \
		eval '[ $rises -ge 3 ] && [ $refused -ge 3 ] && [ $((dprev - dref)) -lt $((refused * chunk_pages / 2)) ] &&
		[ $((dn * PAGE)) -lt $((mb * 1048576)) ] && [ $((lb / PAGE)) -le "$cap" ]'

	# every sample: used <= capacity
	an=$(awk 'NF >= 8 { n++; if (n == 1) t0 = $1; t1 = $1; c = $2; h = $2 - $3
		if (n == 1 || h < mh) mh = h; if ($3 > mu) mu = $3; if ($3 > $2) over++
		if ($5 > md) md = $5; if (n > 1) { g = $1 - tp; if (g > mg) mg = g; if (g > 0.2) slow++ }; tp = $1 }
		END { dt = t1 - t0; hz = 0; if (dt > 0) hz = n / dt
			printf "samples=%d elapsed=%.2fs rate=%.1fHz max_gap=%.2fs gaps>0.2s=%d max_used=%d capacity=%d min_headroom=%d over=%d max_demoted=%d",
			n, dt, hz, mg, slow + 0, mu, c, mh, over + 0, md }' /tmp/cramd.samples)
	echo "VMINFO cramd sampler gaps over 0.5 s (uptime:gap): $(awk 'NF >= 8 { if (n++ && $1 - tp > 0.5) printf "%s:%.2f ", tp, $1 - tp; tp = $1 }' /tmp/cramd.samples | cut -c1-400)"
	hz=$(echo "$an" | sed 's/.*rate=\([0-9]*\).*/\1/')
	over=$(echo "$an" | sed 's/.* over=\([0-9]*\).*/\1/')
	ns=$(echo "$an" | sed 's/samples=\([0-9]*\).*/\1/')
	# at >= 10 Hz throughout: no two samples more than CRAMD_MAX_GAP apart
	# (cram/stat never waits for the provider's refresh)
	gap_ok=$(echo "$an" | awk -v lim="$CRAMD_MAX_GAP" '{ sub(/.*max_gap=/, ""); sub(/s.*/, "")
		print ($0 + 0 <= lim + 0) ? 1 : 0 }')
	check cramd:never-overflowed "$an max_gap_allowed=${CRAMD_MAX_GAP}s cramd_wakeups=$wk" \
		eval '[ "${ns:-0}" -gt 20 ] && [ "${hz:-0}" -ge 10 ] && [ "$gap_ok" = 1 ] && [ "$over" = 0 ]'

	# the decisions cramd logged and reports: gate changes and evictions
	# at info level (cramctl dump), capacity and rate moves at debug (-v)
	dump=$(cramctl dump 2>&1)
	drc=$?
	closes=$(echo "$dump" | grep -c " gate-close ")
	js=$(cramctl status --json 2>&1)
	caps=$(grep -c "capacity [0-9]* pages" $log)
	echo "$dump" | sed 's/^/VMINFO cramd dump: /'
	echo "VMINFO cramd status: $(echo "$js" | tr -d '\n' | sed 's/  */ /g')"
	cramctl status -o DEVICE,REGION,NODE,STATE 2>&1 | sed 's/^/VMINFO cramctl status: /'
	grep -E "onlined|thresholds|gate (closed|opened)|evict|overfull|degraded" $log | head -n 8 |
		sed 's/^/VMINFO cramd log: /'
	grep "capacity [0-9]* pages" $log | sed -n '1,3p' | sed 's/^/VMINFO cramd log (first): /'
	grep "capacity [0-9]* pages" $log | tail -n 3 | sed 's/^/VMINFO cramd log (last): /'
	check cramd:decisions-logged "dump rc=$drc entries=$(($(echo "$dump" | wc -l) - 1)) gate-close=$closes log_lines=$(wc -l <$log) capacity_decisions=$caps gate_closed_in_log=$(grep -c 'gate closed' $log) out_of_backing_in_log=$(grep -c 'out of backing' $log) status: state=$(echo "$js" | sed -n 's/.*"state": "\([a-z]*\)".*/\1/p') gate=$(echo "$js" | sed -n 's/.*"gate": "\([a-z]*\)".*/\1/p')" \
		eval '[ $drc = 0 ] && grep -q "onlined as private node $n" $log &&
		[ $((closes + caps)) -ge 1 ] && ! grep -q "out of backing" $log &&
		echo "$js" | grep -q "\"state\": \"online\""'

	# SIGTERM: a clean exit, the device left online
	t0=$(cut -d' ' -f1 /proc/uptime)
	cramd_stop
	t1=$(cut -d' ' -f1 /proc/uptime)
	check cramd:sigterm "exit=$rc in ${t0}..${t1} state=$(rd $C/state) socket=$([ -e $sock ] && echo left || echo removed) last='$(tail -n 1 $log)'" \
		eval '[ $rc = 0 ] && [ "$(rd $C/state)" = online ]'
	stop_hogs
	settle
	expect_wr ok:cramd-offline $C/state offline OK
	# the thresholds cramd programmed go back to what the suite had
	expect_wr ok:cramd-low0 $C/low_threshold_bytes 0 OK
	expect_wr ok:cramd-high-restore $C/high_threshold_bytes "$hi0" OK
	expect_wr ok:cramd-low-restore $C/low_threshold_bytes "$lo0" OK
	unset CRAMD_SOCKET
}

test_cramd
