# cramd and a placement-mode device in the guest (issue 10): the device
# is given back to device_dax, and cramd, configured with
# "[device DAX] claim = yes, mode = placement", claims it for the cram
# provider, writes the mode and onlines it. Shown from the guest:
# - the node is listed in has_placement_memory (and has_private_memory);
# - cramctl status and list show the mode; the control socket reports it;
# - cramd drives no knob of it: over 20 poll intervals no_alloc,
#   capacity_pages, demote_rate_limit_bytes, evict_bytes and the
#   thresholds keep their bind defaults (the kernel refuses the first four
#   online in placement mode, so a write would leave a "cannot write"
#   record), and neither the log nor cramctl dump has a gate, threshold,
#   drift or write record for it;
# - an unmodified numactl --membind=N and the libcram example place their
#   pages there (move_pages query);
# - cramctl offline brings it down: offline, unlisted, no pages left.
# Skipped (a SKIP line) on a kernel without cram ABI v2.
# Sourced by guest-tests.sh with $dax bound and offline; leaves it so, in
# compressed mode, with the knobs that outlive a rebind restored.

test_cramd_placement() {
	n=$tnode
	if [ ! -e $NODES/has_placement_memory ]; then
		result cramd-placement SKIP "no $NODES/has_placement_memory: this kernel has no placement mode (cram ABI v2)"
		return
	fi
	sock=/tmp/cramd-pl.sock
	log=/tmp/cramd-pl.log
	export CRAMD_SOCKET=$sock
	# what the rebind below resets, put back at the end
	keep=
	for a in high_threshold_bytes low_threshold_bytes sim/compress_ratio sim/latency_ns sim/overhead_bytes; do
		keep="$keep $a=$(rd $C/$a)"
	done
	# a fresh device on device_dax, as a new region's would be
	expect_wr cpl:unbind-cram $DAXBUS/drivers/cram/unbind "$dax" OK
	expect_wr cpl:bind-device_dax $DAXBUS/drivers/device_dax/bind "$dax" OK
	cat >/tmp/cramd-pl.conf <<-EOF
	# the guest's cramd: claims $dax and onlines it in placement mode
	[global]
	poll_interval_ms = 100
	[device $dax]
	claim = yes
	mode = placement
	EOF
	msg=$(cramd --check-config -c /tmp/cramd-pl.conf 2>&1)
	check cpl:check-config "$msg" eval 'echo "$msg" | grep -q ": ok"'
	t0=$(cut -d' ' -f1 /proc/uptime)
	cramd_start /tmp/cramd-pl.conf $sock $log
	t1=$(cut -d' ' -f1 /proc/uptime)
	drv=$(basename "$(readlink $D/driver)" 2>/dev/null)
	pl=$(rd $NODES/has_placement_memory) pr=$(rd $NODES/has_private_memory) hm=$(rd $NODES/has_memory)
	check cpl:claimed-online "driver=$drv mode=$(rd $C/mode) state=$(rd $C/state) by cramd pid=$cramd_pid in ${t0}..${t1}s has_placement_memory=[$pl] has_private_memory=[$pr] has_memory=[$hm] node=$n" \
		eval '[ "$drv" = cram ] && [ "$(rd $C/mode)" = placement ] && [ "$(rd $C/state)" = online ] &&
		in_list "$pl" $n && in_list "$pr" $n && ! in_list "$hm" $n'
	grep -E "claim|mode|onlined" $log | head -n 6 | sed 's/^/VMINFO cramd-placement log: /'
	check cpl:logged "$(grep -E "mode set to placement|onlined as private node" $log | tr '\n' ';')" \
		eval 'grep -q "$dax: mode set to placement" $log &&
		grep -q "$dax: onlined as private node $n in placement mode" $log'

	# cramctl: the mode in status, status --json, list, and the socket
	st=$(cramctl status 2>&1)
	echo "$st" | sed 's/^/VMINFO cramd-placement status: /'
	row=$(echo "$st" | grep "^$dax ")
	check cpl:cramctl-status "row='$(echo $row)'" \
		eval 'echo "$row" | grep -qE "^$dax +[^ ]+ +$n +online +placement "'
	js=$(cramctl status --json $dax 2>&1)
	check cpl:cramctl-status-json "$(echo "$js" | grep -E '"(device|node|state|mode)"' | tr -d '\n' | sed 's/  */ /g')" \
		eval 'echo "$js" | grep -q "\"mode\": \"placement\"" && echo "$js" | grep -q "\"state\": \"online\""'
	ls=$(cramctl list -D -N 2>&1)
	lm=$(cramctl list -m placement 2>&1)
	check cpl:cramctl-list "list -D -N: $(echo "$ls" | grep -E '"(device|mode|node|kind|free|size)"' | tr -d '\n' | sed 's/  */ /g') | list -m placement: $(echo "$lm" | grep '"device"' | tr -d '\n' | sed 's/  */ /g')" \
		eval 'echo "$ls" | grep -q "\"mode\": \"placement\"" && echo "$ls" | grep -q "\"kind\": \"placement\"" &&
		echo "$lm" | grep -q "\"device\": \"$dax\""'
	me=$(cramctl metrics 2>&1 | grep "^cram_device_online{")
	check cpl:metrics-mode "$me" eval 'echo "$me" | grep -q "device=\"$dax\".*mode=\"placement\"} 1"'

	# no knob driven: bind defaults over 20 polls, no record of a write
	tp=$(rd $C/total_pages)
	k0="no_alloc=$(rd $C/no_alloc) capacity_pages=$(rd $C/capacity_pages) demote_rate_limit_bytes=$(rd $C/demote_rate_limit_bytes) evict_bytes=$(rd $C/evict_bytes) high=$(rd $C/high_threshold_bytes) low=$(rd $C/low_threshold_bytes)"
	sleep 2
	k1="no_alloc=$(rd $C/no_alloc) capacity_pages=$(rd $C/capacity_pages) demote_rate_limit_bytes=$(rd $C/demote_rate_limit_bytes) evict_bytes=$(rd $C/evict_bytes) high=$(rd $C/high_threshold_bytes) low=$(rd $C/low_threshold_bytes)"
	dump=$(cramctl dump 2>&1)
	echo "$dump" | sed 's/^/VMINFO cramd-placement dump: /'
	pat="$dax: (gate|thresholds|drift|cannot write|capacity|rate|evict|degraded)"
	nlog=$(grep -cE "$pat" $log) ndump=$(echo "$dump" | grep -cE "gate-|drift|knob|threshold|capacity|rate|evict")
	check cpl:no-knob-writes "after online: $k0; 2 s later: $k1 (total_pages=$tp); log records of knob writes=$nlog dump entries=$ndump" \
		eval '[ "$k0" = "no_alloc=0 capacity_pages=$tp demote_rate_limit_bytes=0 evict_bytes=0 high=0 low=0" ] &&
		[ "$k1" = "$k0" ] && [ "$nlog" = 0 ] && [ "$ndump" = 0 ]'

	# an unmodified numactl --membind=N, then the libcram example
	out=$(numactl --membind=$n /vmtests/placetest where 32 2>&1)
	check cpl:numactl-membind "numactl --membind=$n: $(echo $out)" \
		eval '[ "$(echo "$out" | tr " " "\n" | sed -n "s/^where_N$n=//p")" = 8192 ] &&
		[ "$(echo "$out" | tr " " "\n" | grep -c "^where_N")" = 1 ]'
	out=$(/vmtests/cram-placement-example --node $n --mib 16 2>&1)
	rc=$?
	m=$(echo "$out" | grep '^mbind ')
	check cpl:libcram-example "exit=$rc $m | $(echo "$out" | grep '^malloc ')" \
		eval '[ $rc = 0 ] && [ "$m" = "mbind node=$n pages=4096 on_node=4096 elsewhere=0" ]'
	check cpl:still-no-knob-writes "log records=$(grep -cE "$pat" $log) no_alloc=$(rd $C/no_alloc) high=$(rd $C/high_threshold_bytes)" \
		eval '[ "$(grep -cE "$pat" $log)" = 0 ] && [ "$(rd $C/no_alloc)" = 0 ] && [ "$(rd $C/high_threshold_bytes)" = 0 ]'

	# cramctl offline: down, unlisted, nothing left on the node
	t0=$(cut -d' ' -f1 /proc/uptime)
	msg=$(cramctl offline $dax 2>&1)
	orc=$?
	t1=$(cut -d' ' -f1 /proc/uptime)
	pl=$(rd $NODES/has_placement_memory) pr=$(rd $NODES/has_private_memory)
	row=$(cramctl status 2>&1 | grep "^$dax ")
	mt=$(node_kb $n MemTotal)
	mt=${mt:-0}
	check cpl:cramctl-offline "exit=$orc '$msg' in ${t0}..${t1}s state=$(rd $C/state) mode=$(rd $C/mode) has_placement_memory=[$pl] has_private_memory=[$pr] node${n}_MemTotal=${mt}kB status row='$(echo $row)'" \
		eval '[ $orc = 0 ] && [ "$(rd $C/state)" = offline ] && ! in_list "$pl" $n && ! in_list "$pr" $n &&
		[ "$mt" = 0 ]'
	cramd_stop
	check cpl:sigterm "exit=$rc state=$(rd $C/state) last='$(tail -n 1 $log)'" \
		eval '[ $rc = 0 ] && [ "$(rd $C/state)" = offline ]'
	expect_wr ok:cpl-mode-back $C/mode compressed OK
	expect_wr ok:cpl-low0 $C/low_threshold_bytes 0 OK
	for pair in $keep; do
		wr $C/${pair%%=*} "${pair#*=}" >/dev/null
	done
	check cpl:restored "$keep -> high_threshold_bytes=$(rd $C/high_threshold_bytes) low_threshold_bytes=$(rd $C/low_threshold_bytes) sim/compress_ratio=$(rd $C/sim/compress_ratio) sim/latency_ns=$(rd $C/sim/latency_ns) sim/overhead_bytes=$(rd $C/sim/overhead_bytes)" \
		eval '[ "$keep" = " high_threshold_bytes=$(rd $C/high_threshold_bytes) low_threshold_bytes=$(rd $C/low_threshold_bytes) sim/compress_ratio=$(rd $C/sim/compress_ratio) sim/latency_ns=$(rd $C/sim/latency_ns) sim/overhead_bytes=$(rd $C/sim/overhead_bytes)" ]'
	unset CRAMD_SOCKET
}

test_cramd_placement
