# Offline's EBUSY: "offline" is all or nothing. vmhog's pages are demoted
# and then spliced into a pipe (vmsplice): each holds a reference migration
# cannot move, taken without a write, so they stay on the node. The kernel's
# offline retries the migration until a signal comes: the write, from a
# shell that handles SIGUSR1 (unhandled, it would end the writer), blocks
# until that signal and then fails with EBUSY; the node is left online as
# it was (memory, blocks, pages, data, demotion). With the pipe closed the
# same write succeeds. cramd's timer that bounds the write:
# part-offline-timeout.sh.
# Sourced by guest-tests.sh with $dax bound and offline; leaves it so.

busy_blocks() { # NODE -> its memory blocks online
	nb=0
	for m in $NODES/node$1/memory*; do
		[ -e "$m" ] && [ "$(rd $m/state)" = online ] && nb=$((nb + 1))
	done
	echo $nb
}
busy_node() { # NODE -> MemTotal, blocks online, listed in has_private_memory
	bkb=$(node_kb $1 MemTotal)
	echo "MemTotal=${bkb:-none}${bkb:+kB} online_blocks=$(busy_blocks $1)" \
		"private=$(in_list "$(rd $NODES/has_private_memory)" $1 && echo yes || echo no)"
}

test_offline_busy() {
	n=$tnode
	expect_wr ok:busy-online $C/state online OK
	settle
	rm -f /tmp/hog.62
	pin_hog 61
	on0=$(pages_on $h $n) node0=$(busy_node $n)
	ev0=$(grep -c "^change $dax offline" /tmp/uevents)
	check busy-pinned "reclaim=$r hog_pages_on_node$n=$on0 of $hp $pin" \
		eval '[ "$on0" -ge $((hp - 8)) ] && [ "${np:-0}" = "$hp" ]'

	# the write blocks while the kernel retries; SIGUSR1 ends it
	rm -f /tmp/busy.rc
	t0=$(cut -d' ' -f1 /proc/uptime)
	( trap true USR1; echo offline >$C/state; echo $? >/tmp/busy.rc ) 2>/tmp/busy.err &
	p=$!
	# the knobs read meanwhile: a reader does not wait for the write
	rm -f /tmp/busy.knobs
	sleep 0.5
	( for a in no_alloc demote_rate_limit_bytes capacity_pages high_threshold_bytes mode; do
		echo "$a=$(rd $C/$a)"
	done >/tmp/busy.knobs.tmp; mv /tmp/busy.knobs.tmp /tmp/busy.knobs ) &
	sleep 1.5
	blocked=$([ -e /tmp/busy.rc ] && echo no || echo yes)
	knobs=$([ -e /tmp/busy.knobs ] && echo $(cat /tmp/busy.knobs) || echo "still waiting")
	check offline-busy-knobs-read "during the blocked write (blocked_after_2s=$blocked): $knobs" \
		eval '[ "$blocked" = yes ] && [ -e /tmp/busy.knobs ] && ! grep -q "=$" /tmp/busy.knobs'
	kill -USR1 $p
	i=0
	while [ ! -e /tmp/busy.rc ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	t1=$(cut -d' ' -f1 /proc/uptime)
	kill -KILL $p 2>/dev/null	# still blocked: a fatal signal ends it too
	wait $p
	got=$(errname "$(cat /tmp/busy.err)")
	st=$(rd $C/state)
	on1=$(pages_on $h $n) node1=$(busy_node $n)
	ev1=$(grep -c "^change $dax offline" /tmp/uevents)
	check offline-busy "write=$got ('$(cat /tmp/busy.err)') blocked_after_2s=$blocked t=${t0}..${t1} state=$st node$n: $node0 -> $node1 hog_pages_on_node$n ${on0}->${on1} offline_uevents ${ev0}->${ev1}" \
		eval '[ "$got" = EBUSY ] && [ "$blocked" = yes ] && [ "$st" = online ] &&
		[ "$node1" = "$node0" ] && echo "$node1" | grep -q "private=yes" &&
		[ "$on1" = "$on0" ] && [ "$ev1" = "$ev0" ]'

	# intact: the data reads back, and the node still takes demoted pages
	kill -USR1 $h
	v=$(hog_wait /tmp/hog.61 '^verify#1 ')
	start_hog 4 random 62
	h2=$hog
	hp2=$(sed -n 's/.*pages=\([0-9]*\).*/\1/p' /tmp/hog.62)
	d0=$(rd $C/demoted_pages)
	r=$(reclaim 4M)
	on2=$(pages_on $h2 $n) d1=$(rd $C/demoted_pages)
	check offline-busy-intact "$v; second hog: reclaim=$r pages_on_node$n=$on2 of $hp2 demoted_pages ${d0}->${d1}" \
		eval 'echo "$v" | grep -q " bad=0$" && [ "$on2" -gt $((hp2 / 2)) ] &&
		[ $((d1 - d0)) -ge "$on2" ]'
	kill $h2
	wait $h2 2>/dev/null

	# the pipe closed, the retry moves every page out and offlines
	kill -ALRM $h
	u=$(hog_wait /tmp/hog.61 '^unpin#1 ')
	t0=$(cut -d' ' -f1 /proc/uptime)
	got=$(wr $C/state offline)
	t1=$(cut -d' ' -f1 /proc/uptime)
	on3=$(pages_on $h $n) dram=$(($(pages_on $h 0) + $(pages_on $h 1)))
	kill -USR1 $h
	v=$(hog_wait /tmp/hog.61 '^verify#2 ')
	sleep 0.5	# the uevent helper
	ev2=$(grep -c "^change $dax offline" /tmp/uevents)
	check offline-busy-retry "$u write=$got t=${t0}..${t1} state=$(rd $C/state) node$n: $(busy_node $n) hog_pages_on_node$n ${on1}->${on3} hog_pages_on_dram=$dram (mapping $hp) $v offline_uevents ${ev1}->${ev2}" \
		eval '[ "$got" = OK ] && [ "$(rd $C/state)" = offline ] &&
		busy_node $n | grep -q "online_blocks=0 private=no" && [ "$on3" = 0 ] &&
		[ "$dram" -ge "$hp" ] && echo "$v" | grep -q " bad=0$" && [ "$ev2" = $((ev1 + 1)) ]'
	stop_hogs
	# failed above: the pages are gone with the hog, nothing holds them now
	[ "$(rd $C/state)" = offline ] || wr $C/state offline >/dev/null
}

test_offline_busy
