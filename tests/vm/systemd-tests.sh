#!/bin/sh
# cram under a real systemd (PID 1), run by cram-vmtest.service once the
# guest is up (mkinitramfs.sh --systemd). cram was installed from its Debian
# packages; the operator's day one is replayed: a fresh CXL region's dax
# device on device_dax, the region named in /etc/cramd.conf, `systemctl
# enable --now cramd` (cramd claims, onlines and manages it with no manual
# sysfs write), `cramctl status`, then reload, the journal, the watchdog
# and stop. Results are VMTEST lines, as
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
	files=$(jfield CODE_FILE | sort -u | tr '\n' ',')
	check journal-code-site "CODE_FILE=[$files] CODE_LINE=$(jfield CODE_LINE | head -n 1)" \
		eval 'jfield CODE_FILE | grep -qx cramd/device.c && jfield CODE_LINE | grep -qx "[1-9][0-9]*"'
	# another root process closes the gate cramd keeps open: drift, with
	# the MESSAGE_ID an operator can alert on, and the gate open again
	echo 1 >$C/no_alloc
	wait_for 10 eval 'jfield MESSAGE_ID | grep -qx 88721189fb8447a1abba9e505c3954df'
	check journal-drift-id "no_alloc=$(rd $C/no_alloc) ids=[$(jfield MESSAGE_ID | sort -u | tr '\n' ',')]" \
		eval 'jfield MESSAGE_ID | grep -qx 88721189fb8447a1abba9e505c3954df && [ "$(rd $C/no_alloc)" = 0 ]'
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
		test_watchdog
		test_stop
	fi
fi
echo "VMINFO security $VMINFO_SECURITY"
journalctl -u cramd.service --no-pager -o short-monotonic | tail -n 40 | sed 's/^/VMINFO journal /'
echo "VMINFO end uptime=$(up)"
echo "VMTEST-END"
