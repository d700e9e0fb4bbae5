#!/bin/sh
# cram under a real systemd (PID 1), run by cram-vmtest.service once the
# guest is up (mkinitramfs.sh --systemd). cram was installed from its Debian
# packages; the operator's day one is replayed: a fresh CXL region's dax
# device on device_dax, the region named in /etc/cramd.conf, `systemctl
# enable --now cramd` (cramd claims, onlines and manages it with no manual
# sysfs write), `cramctl status`, then reload, the journal and its alert
# MESSAGE_IDs, a region created at run time and released, that region's
# device in placement mode, the watchdog,
# a stop that cannot offline (pinned pages) and stop. Results are VMTEST lines, as
# in guest-tests.sh.
. /vmtests/guest-lib.sh

up() { cut -d' ' -f1 /proc/uptime; }
prop() { systemctl show -p "$2" --value "$1"; } # UNIT PROPERTY
main_pid() { prop cramd.service MainPID; }
# wait_for SECONDS CMD...: poll CMD every 0.2 s until it succeeds
wait_for() {
	n=$(($1 * 5))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.2
		n=$((n - 1))
	done
	return 1
}
as_nobody() { /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
jfield() { # FIELD: the values of FIELD in cramd's journal, one per line
	journalctl -u cramd.service -o json --no-pager 2>/dev/null |
		sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p"
}

result systemd-boot PASS "systemd=$(systemctl --version | head -n 1 | cut -d' ' -f2) \
state=$(systemctl is-system-running 2>/dev/null) uptime=$(up)"

setup_device() {
	setup || return 1
	check fresh-region "driver=$(basename "$(readlink $D/driver)") cram_dir=$([ -d $C ] && echo yes || echo no)" \
		eval '[ "$(basename "$(readlink $D/driver)")" = device_dax ] && [ ! -d $C ]'
}

test_enable() {
	# the operator names the region; cramd claims its dax device itself
	printf '[device region0]\nclaim = yes\n' >/etc/cramd.conf
	t0=$(up)
	systemctl enable --now cramd.service >/tmp/enable.log 2>&1
	rc=$?
	t1=$(up)
	st=$(systemctl is-active cramd.service)
	sub=$(prop cramd.service SubState)
	check enable-now "rc=$rc active=$st sub=$sub t=${t0}..${t1} \
wants=$([ -L /etc/systemd/system/multi-user.target.wants/cramd.service ] && echo yes || echo no)" \
		eval '[ $rc = 0 ] && [ "$st" = active ] && [ "$sub" = running ] &&
		[ -L /etc/systemd/system/multi-user.target.wants/cramd.service ]'
	# Type=notify: active only after READY=1, which cramd sends after the
	# devices are online; the state was online when enable returned.
	check claimed-by-cramd "driver=$(basename "$(readlink $D/driver)")" \
		eval '[ "$(basename "$(readlink $D/driver)")" = cram ]'
	check online-by-cramd "state=$(rd $C/state) has_private_memory=[$(rd $NODES/has_private_memory)]" \
		eval '[ "$(rd $C/state)" = online ] && in_list "$(rd $NODES/has_private_memory)" "$tnode"'
	claim=$(journalctl -u cramd.service --no-pager | grep -m1 'claimed for the cram provider')
	check claim-logged "'$(echo "$claim" | cut -d' ' -f5- | cut -c1-100)'" [ -n "$claim" ]
	ready=$(journalctl -u cramd.service -o short-monotonic --no-pager | grep -m1 'ready:')
	check ready-logged "line='$(echo "$ready" | cut -c1-100)'" [ -n "$ready" ]
}

test_security() {
	score=$(systemd-analyze security cramd.service 2>/dev/null | tail -n 1)
	VMINFO_SECURITY=$score
	check analyze-security "'$score'" eval 'echo "$score" | grep -q "exposure level for cramd.service"'
}

test_cramctl_users() {
	out=$(cramctl status 2>&1)
	check status-root "rc=$? $(echo "$out" | grep "$dax" | tr -s ' ' | cut -c1-120)" \
		eval 'echo "$out" | grep -q "$dax"'
	out=$(as_nobody cramctl status --json 2>&1)
	rc=$?
	check status-nobody "rc=$rc $(echo "$out" | tr -d ' \n' | cut -c1-120)" \
		eval '[ $rc = 0 ] && echo "$out" | grep -q "\"$dax\""'
	out=$(as_nobody cramctl metrics 2>&1)
	rc=$?
	check metrics-nobody "rc=$rc lines=$(echo "$out" | wc -l)" \
		eval '[ $rc = 0 ] && echo "$out" | grep -q "^cram_"'
	out=$(as_nobody cramctl pause 2>&1)
	rc=$?
	check pause-nobody-refused "rc=$rc '$(echo "$out" | head -n 1 | cut -c1-120)'" \
		eval '[ $rc != 0 ] && echo "$out" | grep -qi "root"'
	check still-running "paused=$(cramctl status --json 2>/dev/null | grep -c '"paused":true')" \
		[ "$(systemctl is-active cramd.service)" = active ]
}

test_reload() {
	pid=$(main_pid)
	mkdir -p /etc/cramd.conf.d
	printf '[policy]\nhigh_watermark_percent = 85\nlow_watermark_percent = 75\n' \
		>/etc/cramd.conf.d/50-good.conf
	systemctl reload cramd.service
	rc=$?
	sleep 1
	check reload-good "rc=$rc pid=$pid->$(main_pid) active=$(systemctl is-active cramd.service)" \
		eval '[ $rc = 0 ] && [ "$(main_pid)" = "$pid" ] && [ "$(systemctl is-active cramd.service)" = active ]'
	printf '[policy]\nhigh_watermark_percent = 85\nno_such_key = 1\n' >/etc/cramd.conf.d/60-bad.conf
	systemctl reload cramd.service
	rc=$?
	sleep 1
	err=$(journalctl -u cramd.service --no-pager | grep '60-bad.conf' | tail -n 1)
	check reload-bad-refused "rc=$rc pid=$pid->$(main_pid) log='$(echo "$err" | cut -d' ' -f5- | cut -c1-140)'" \
		eval '[ "$(main_pid)" = "$pid" ] && [ "$(systemctl is-active cramd.service)" = active ] &&
		echo "$err" | grep -q "60-bad.conf:3"'
	rm -f /etc/cramd.conf.d/60-bad.conf
	systemctl reload cramd.service
}

test_journal() {
	n_dev=$(jfield CRAM_DEVICE | grep -c "^$dax\$")
	n_act=$(jfield CRAM_ACTION | sort -u | tr '\n' ',')
	check journal-fields "CRAM_DEVICE=$dax x$n_dev CRAM_ACTION=[$n_act] \
SYSLOG_IDENTIFIER=$(jfield SYSLOG_IDENTIFIER | sort -u | tr '\n' ',')" \
		eval '[ "$n_dev" -gt 0 ] && [ -n "$n_act" ]'
	# another root process closes the gate cramd keeps open: drift, with
	# the MESSAGE_ID an operator can alert on, and the gate open again; an
	# idle device is seen at its next pass, within max_sleep_ms (10 s)
	echo 1 >$C/no_alloc
	wait_for 20 eval 'jfield MESSAGE_ID | grep -qx 88721189fb8447a1abba9e505c3954df'
	check journal-drift-id "no_alloc=$(rd $C/no_alloc) ids=[$(jfield MESSAGE_ID | sort -u | tr '\n' ',')]" \
		eval 'jfield MESSAGE_ID | grep -qx 88721189fb8447a1abba9e505c3954df && [ "$(rd $C/no_alloc)" = 0 ]'
	# a record carries its own call site: the drift, from cramd/device.c
	# (with the wakeup schedule an idle device may have logged nothing
	# from there before it)
	files=$(jfield CODE_FILE | sort -u | tr '\n' ',')
	check journal-code-site "CODE_FILE=[$files] CODE_LINE=$(jfield CODE_LINE | head -n 1)" \
		eval 'jfield CODE_FILE | grep -qx cramd/device.c && jfield CODE_LINE | grep -qx "[1-9][0-9]*"'
}

# journalctl MESSAGE_ID=ID: the last such entry of cramd, as text
by_id() { journalctl MESSAGE_ID="$1" -o cat --no-pager 2>/dev/null | tail -n 1; }

# The MESSAGE_IDs an operator alerts on, from the device itself: its
# overhead pushed past the physical capacity (gate closed, overflow risk),
# then its telemetry made unreadable (degraded: the fail-safe).
test_alert_ids() {
	id_gate=530ab099de2f426085504d29e7a2849f
	id_overflow=12d50fee37224708b95733eef71f4fc7
	id_degraded=bd6db6ddf52845cfb9fdf6469ac43fa4
	ov0=$(rd $C/sim/overhead_bytes) cap=$(rd $C/phys_capacity_bytes)
	wr $C/sim/overhead_bytes $((cap + 1048576)) >/dev/null
	wait_for 20 eval '[ -n "$(by_id $id_gate)" ] && [ -n "$(by_id $id_overflow)" ]'
	g=$(by_id $id_gate) o=$(by_id $id_overflow)
	check journal-gate-closed-id "phys_used=$(rd $C/phys_used_bytes) of $cap no_alloc=$(rd $C/no_alloc) '$(echo "$g" | cut -c1-160)'" \
		eval '[ -n "$g" ] && [ "$(rd $C/no_alloc)" = 1 ]'
	check journal-overflow-risk-id "'$(echo "$o" | cut -c1-160)'" [ -n "$o" ]
	wr $C/sim/overhead_bytes "$ov0" >/dev/null
	wait_for 30 eval '[ "$(rd $C/no_alloc)" = 0 ]'
	# telemetry cramd cannot read: another root process takes the read
	# permission of cram/stat (cramd's bounding set has no
	# CAP_DAC_OVERRIDE), and gives it back
	chmod 000 $C/stat
	wait_for 30 eval '[ -n "$(by_id $id_degraded)" ]'
	dg=$(by_id $id_degraded)
	chmod 444 $C/stat
	check journal-degraded-id "no_alloc=$(rd $C/no_alloc) '$(echo "$dg" | cut -c1-160)'" [ -n "$dg" ]
	wait_for 30 eval '[ "$(rd $C/no_alloc)" = 0 ]'
	check recovered "no_alloc=$(rd $C/no_alloc) active=$(systemctl is-active cramd.service)" \
		eval '[ "$(rd $C/no_alloc)" = 0 ] && [ "$(systemctl is-active cramd.service)" = active ]'
	for i in $id_gate $id_overflow $id_degraded; do
		echo "VMINFO journalctl MESSAGE_ID=$i: $(by_id $i | cut -c1-200)"
	done
}

# A region created while cramd runs: named by a section that cramd could
# not claim yet (cramctl status says why), claimed and onlined when its dax
# device's "add" uevent comes. Then `cramctl offline --release` gives it
# back to device_dax, cramd leaves it there through a reload, and
# `cramctl online` takes it back.
drv() { basename "$(readlink $DAXBUS/devices/$1/driver)"; }
test_runtime_claim() {
	printf '[device region0]\nclaim = yes\n[device region1]\nclaim = yes\n' >/etc/cramd.conf
	systemctl reload cramd.service
	wait_for 20 eval 'cramctl status 2>/dev/null | grep -q "^region1 .*claim-failed"'
	line=$(cramctl status 2>/dev/null | grep "^region1 ")
	check status-not-managed "'$(echo $line | cut -c1-160)'" \
		eval 'echo "$line" | grep -q "claim-failed .*region1: no such CXL region"'
	mem2=$(cxl_mem_under pci0000:de)
	before=$(ls $DAXBUS/devices)
	t0=$(up)
	{
		cxl create-region -m -d decoder0.1 -w 1 -t pmem $mem2
		ndr=
		for r in /sys/bus/nd/devices/region*; do
			[ "$(rd $r/available_size)" -gt 0 ] 2>/dev/null && ndr=${r##*/}
		done
		ndctl create-namespace -m devdax -r $ndr
	} >/tmp/runtime.log 2>&1
	dax2=
	for d in $(ls $DAXBUS/devices); do
		echo "$before" | grep -qx "$d" || dax2=$d
	done
	wait_for 60 eval '[ -n "$dax2" ] && [ "$(drv $dax2)" = cram ] &&
		[ "$(rd $DAXBUS/devices/$dax2/cram/state)" = online ]'
	t1=$(up)
	claim=$(journalctl -u cramd.service --no-pager | grep 'region1: claimed for the cram provider' | tail -n 1)
	check runtime-claim "memdev=$mem2 nd_region=$ndr dax=$dax2 driver=$(drv $dax2) state=$(rd $DAXBUS/devices/$dax2/cram/state) node=$(rd $DAXBUS/devices/$dax2/target_node) t=${t0}..${t1} '$(echo "$claim" | cut -d' ' -f5- | cut -c1-80)'" \
		eval '[ "$(drv $dax2)" = cram ] && [ "$(rd $DAXBUS/devices/$dax2/cram/state)" = online ] &&
		[ -n "$claim" ] && cramctl status --json | grep -q "\"$dax2\""'
	[ -n "$dax2" ] || { echo "VMINFO runtime log: $(tr '\n' ' ' </tmp/runtime.log | cut -c1-400)"; return; }

	out=$(cramctl offline --release $dax2 2>&1)
	rc=$?
	st=$(cramctl status 2>/dev/null | grep "^$dax2 .*released")
	check release "rc=$rc '$out' driver=$(drv $dax2) status='$(echo $st | cut -c1-100)'" \
		eval '[ $rc = 0 ] && [ "$(drv $dax2)" = device_dax ] && [ -n "$st" ]'
	systemctl reload cramd.service
	sleep 2
	check release-kept "driver=$(drv $dax2) after reload; $(journalctl -u cramd.service --no-pager | grep -c 'region1: claiming') claims of region1 logged" \
		[ "$(drv $dax2)" = device_dax ]
	out=$(cramctl online $dax2 2>&1)
	rc=$?
	check release-online-back "rc=$rc '$out' driver=$(drv $dax2) state=$(rd $DAXBUS/devices/$dax2/cram/state)" \
		eval '[ $rc = 0 ] && [ "$(drv $dax2)" = cram ] && [ "$(rd $DAXBUS/devices/$dax2/cram/state)" = online ]'
	# out of the way of the tests that follow
	cramctl offline --release $dax2 >/dev/null 2>&1
	printf '[device region0]\nclaim = yes\n' >/etc/cramd.conf
	systemctl reload cramd.service
}

# Placement mode under systemd (issue 10): region1's device, which
# test_runtime_claim gave back to device_dax, is taken again by `cramctl
# online` with "mode = placement" in its section; cramd onlines it in that
# mode and writes none of its knobs, numactl --membind places pages on its
# node, and `cramctl offline --release` gives it back.
test_placement() {
	if [ -z "${dax2:-}" ]; then
		result placement-online FAIL "no second device (test_runtime_claim)"
		return
	fi
	P=$DAXBUS/devices/$dax2/cram
	printf '[device region0]\nclaim = yes\n[device region1]\nclaim = yes\nmode = placement\n' >/etc/cramd.conf
	systemctl reload cramd.service
	out=$(cramctl online $dax2 2>&1)
	rc=$?
	wait_for 30 eval '[ "$(rd $P/state)" = online ]'
	n2=$(rd $DAXBUS/devices/$dax2/target_node)
	pl=$(rd $NODES/has_placement_memory)
	row=$(cramctl status 2>/dev/null | grep "^$dax2 ")
	check placement-online "rc=$rc '$out' driver=$(drv $dax2) mode=$(rd $P/mode) state=$(rd $P/state) has_placement_memory=[$pl] node=$n2 status='$(echo $row | cut -c1-100)'" \
		eval '[ $rc = 0 ] && [ "$(rd $P/mode)" = placement ] && [ "$(rd $P/state)" = online ] &&
		in_list "$pl" $n2 && echo "$row" | grep -qE "^$dax2 +[^ ]+ +$n2 +online +placement "'
	out=$(numactl --membind=$n2 /vmtests/placetest where 16 2>&1)
	sleep 1
	ke=$(journalctl -u cramd.service --no-pager | grep -c "$dax2: cannot write")
	check placement-numactl "numactl --membind=$n2: $(echo $out); no_alloc=$(rd $P/no_alloc) high_threshold_bytes=$(rd $P/high_threshold_bytes) knob write errors in the journal=$ke" \
		eval 'echo "$out" | grep -qw "where_N$n2=4096" && [ "$(rd $P/no_alloc)" = 0 ] &&
		[ "$(rd $P/high_threshold_bytes)" = 0 ] && [ "$ke" = 0 ]'
	out=$(cramctl offline --release $dax2 2>&1)
	rc=$?
	pl=$(rd $NODES/has_placement_memory)
	check placement-release "rc=$rc '$out' driver=$(drv $dax2) has_placement_memory=[$pl]" \
		eval '[ $rc = 0 ] && [ "$(drv $dax2)" = device_dax ] && ! in_list "$pl" $n2'
	printf '[device region0]\nclaim = yes\n' >/etc/cramd.conf
	systemctl reload cramd.service
}

test_watchdog() {
	mkdir -p /etc/systemd/system/cramd.service.d
	# the shipped 30 s, shortened so that the test takes seconds
	printf '[Service]\nWatchdogSec=4s\n' >/etc/systemd/system/cramd.service.d/50-watchdog.conf
	systemctl daemon-reload
	systemctl restart cramd.service
	pid=$(main_pid)
	restarts=$(prop cramd.service NRestarts)
	kill -STOP "$pid"
	t0=$(up)
	wait_for 60 eval '[ "$(main_pid)" != "$pid" ] && [ "$(main_pid)" != 0 ] &&
		[ "$(systemctl is-active cramd.service)" = active ]'
	t1=$(up)
	check watchdog-restart "pid=$pid->$(main_pid) NRestarts=$restarts->$(prop cramd.service NRestarts) \
t=${t0}..${t1} state=$(rd $C/state)" \
		eval '[ "$(main_pid)" != "$pid" ] && [ "$(prop cramd.service NRestarts)" -gt "$restarts" ]'
	kill -CONT "$pid" 2>/dev/null
	check watchdog-adopted "state=$(rd $C/state) managed=$(cramctl status --json 2>/dev/null | grep -c "\"$dax\"")" \
		eval '[ "$(rd $C/state)" = online ] && cramctl status --json | grep -q "\"$dax\""'
	rm -f /etc/systemd/system/cramd.service.d/50-watchdog.conf
	systemctl daemon-reload
	# The running cramd got its 4 s watchdog at start: restart it with the
	# unit's own, or a long stop later (test_stop_pinned) trips the 4 s one.
	systemctl restart cramd.service
}

# `systemctl stop` with offline_on_stop while a page on the node cannot be
# moved (vmhog's pages demoted, then pinned in a pipe): each offline write
# is bounded, the stop ends well within TimeoutStopSec, the journal says
# the offline failed (its MESSAGE_ID), and the node is left online with
# its pages. cramd is started again after, for test_stop.
pages_on() { # PID NODE -> pages of PID on NODE (numa_maps)
	awk -v k="N$2=" '{ for (i = 1; i <= NF; i++) if (index($i, k) == 1)
		s += substr($i, length(k) + 1) } END { print s + 0 }' /proc/$1/numa_maps 2>/dev/null
}
test_stop_pinned() {
	cg=/sys/fs/cgroup/cramt
	id_off=bc8e383bff654a4aa561fbd9cfadfc56
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
	mkdir -p $cg
	echo 1 >/sys/kernel/mm/numa/demotion_enabled
	sh -c 'echo $$ >'$cg'/cgroup.procs && exec /vmtests/vmhog 8 random 71' >/tmp/hog.71 2>&1 &
	h=$!
	wait_for 60 grep -q ready /tmp/hog.71
	r=$(wr $cg/memory.reclaim 8M)
	sleep 1
	kill -ALRM $h
	wait_for 60 grep -q '^pin#1 ' /tmp/hog.71
	on0=$(pages_on $h $tnode)
	printf '[global]\noffline_on_stop = yes\noffline_timeout_ms = 1500\noffline_retries = 2\n' \
		>/etc/cramd.conf.d/70-stop.conf
	systemctl reload cramd.service
	sleep 1
	limit=$(prop cramd.service TimeoutStopUSec)
	t0=$(up)
	systemctl stop cramd.service
	rc=$?
	t1=$(up)
	on1=$(pages_on $h $tnode)
	msg=$(by_id $id_off)
	check stop-pinned "reclaim=$r $(grep '^pin#1 ' /tmp/hog.71) pages_on_node$tnode=${on0}->${on1} rc=$rc \
t=${t0}..${t1} TimeoutStopSec=$limit state=$(rd $C/state) result=$(prop cramd.service Result) \
MESSAGE_ID=$id_off: '$(echo "$msg" | cut -c1-160)'" \
		eval '[ $rc = 0 ] && [ "$(rd $C/state)" = online ] && [ -n "$msg" ] &&
		[ "$on0" -gt 0 ] && [ "$on1" = "$on0" ] &&
		awk -v a="$t0" -v b="$t1" "BEGIN { exit !(b - a < 30) }"'
	echo "VMINFO journalctl MESSAGE_ID=$id_off: $(echo "$msg" | cut -c1-200)"
	kill -ALRM $h
	kill $h 2>/dev/null
	wait $h 2>/dev/null
	rm -f /etc/cramd.conf.d/70-stop.conf
	systemctl start cramd.service
	wait_for 20 eval '[ "$(systemctl is-active cramd.service)" = active ]'
}

test_stop() {
	printf '[global]\noffline_on_stop = yes\n' >/etc/cramd.conf.d/70-stop.conf
	systemctl reload cramd.service
	sleep 1
	t0=$(up)
	systemctl stop cramd.service
	rc=$?
	t1=$(up)
	check stop-offlines "rc=$rc state=$(rd $C/state) result=$(prop cramd.service Result) t=${t0}..${t1}" \
		eval '[ $rc = 0 ] && [ "$(rd $C/state)" = offline ] && [ "$(prop cramd.service Result)" = success ]'
	rm -f /etc/cramd.conf.d/70-stop.conf
}

if setup_device; then
	test_enable
	if [ "$(systemctl is-active cramd.service)" = active ]; then
		test_security
		test_cramctl_users
		test_reload
		test_journal
		test_alert_ids
		test_runtime_claim
		test_placement
		test_watchdog
		test_stop_pinned
		test_stop
	fi
fi
echo "VMINFO security $VMINFO_SECURITY"
journalctl -u cramd.service --no-pager -o short-monotonic | tail -n 40 | sed 's/^/VMINFO journal /'
echo "VMINFO end uptime=$(up)"
echo "VMTEST-END"
