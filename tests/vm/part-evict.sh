# cram VM tests, sourced by guest-tests.sh with the device bound and offline:
# the demotion rate limit, eviction to swap (evict_bytes, evicted_pages) and
# reclaim falling back to swap while the node is closed (no_alloc, capacity,
# rate budget). The swap device ($SWAP_DEV, guest-tests.sh) is enabled here
# only and switched off at the end. Leaves the device offline.
EV_RATE=524288		# the rate limit under test, bytes/s (128 pages/s)
# "room" is read from logical_bytes, which counts the pages a refresh found
# resident; pages still being migrated in at that moment are not in it yet
EV_INFLIGHT=64

ev_swap_kb() { # swap in use, kB
	awk '/^SwapTotal:/ { t = $2 } /^SwapFree:/ { f = $2 } END { print t - f }' /proc/meminfo
}
ev_cs() { # uptime in centiseconds
	awk '{ split($1, a, "."); print a[1] * 100 + substr(a[2] "00", 1, 2) }' /proc/uptime
}
ev_nums() { # the counters every line carries
	echo "demoted_pages=$(rd $C/demoted_pages) evicted_pages=$(rd $C/evicted_pages)" \
		"evict_bytes=$(rd $C/evict_bytes) swap_used_kb=$(ev_swap_kb)"
}
ev_reclaim() { # BYTES: memory.reclaim of the test group, timed; sets ev_r ev_el (cs)
	t0=$(ev_cs)
	ev_r=$(reclaim_write "$1")
	t1=$(ev_cs)
	ev_el=$((t1 - t0))
	sleep 0.3	# one telemetry refresh
}
# most pages the rate limit lets through in CS centiseconds: the limit times
# the time (rounded up to the next tick), one bucket (a tenth of a second),
# one folio
ev_rate_bound() {
	echo $(( (EV_RATE * ($1 + 1) / 100 + EV_RATE / 10) / PAGE + 1 ))
}

test_evict() {
	n=$tnode
	# 4 KiB folios only: the rate bound allows one folio past the budget,
	# and a transparent huge page is 512 pages
	thp_set never
	expect_wr ok:evict-online $C/state online OK
	stop_hogs

	# bad input where the knobs now act: nothing changes on a refused write
	expect_wr ok:rate-set $C/demote_rate_limit_bytes $EV_RATE OK
	expect_wr erange:rate:2^63 $C/demote_rate_limit_bytes 9223372036854775808 ERANGE
	expect_wr einval:rate:word $C/demote_rate_limit_bytes fast EINVAL
	expect_wr einval:rate:sign $C/demote_rate_limit_bytes -1 EINVAL
	check rate-kept "demote_rate_limit_bytes=$(rd $C/demote_rate_limit_bytes) want=$EV_RATE" \
		[ "$(rd $C/demote_rate_limit_bytes)" = $EV_RATE ]
	expect_wr ok:rate-off $C/demote_rate_limit_bytes 0 OK

	# unlimited (0): the whole hog goes to the node, far past what the
	# limit would let through in the same time
	start_hog 16 random 71
	ha=$hog
	hpa=$(sed -n 's/.*pages=\([0-9]*\).*/\1/p' /tmp/hog.71)
	d0=$(rd $C/demoted_pages)
	ev_reclaim 16M
	d1=$(rd $C/demoted_pages)
	ona=$(pages_on $ha $n)
	el_free=$ev_el dd_free=$((d1 - d0)) bound=$(ev_rate_bound $ev_el)
	check rate-unlimited "rate=0 reclaim=$ev_r elapsed_cs=$ev_el demoted +$dd_free (limit $EV_RATE would allow <= $bound) hog_on_node$n=$ona/$hpa $(ev_nums)" \
		eval '[ "$dd_free" -gt "$bound" ] && [ "$ona" -gt $((hpa / 2)) ]'

	# eviction without swap: no progress, the request stays pending
	lb=$(rd $C/logical_bytes)
	expect_wr 'erange:evict>logical' $C/evict_bytes $((lb + 1)) ERANGE
	expect_wr einval:evict:hex $C/evict_bytes 0x1000 EINVAL
	check evict-kept-zero "evict_bytes=$(rd $C/evict_bytes) after refused writes" \
		[ "$(rd $C/evict_bytes)" = 0 ]
	e0=$(rd $C/evicted_pages)
	want=$((4 << 20))
	t0=$(ev_cs)
	expect_wr ok:evict-noswap $C/evict_bytes $want OK
	sleep 1		# ten refreshes
	pend=$(rd $C/evict_bytes) e1=$(rd $C/evicted_pages) on=$(pages_on $ha $n)
	t1=$(ev_cs)
	check evict-noswap-pending "no swap: evict_bytes=$want pending after ${t1}-${t0}cs=$pend evicted_pages ${e0}->${e1} hog_on_node$n ${ona}->${on} $(ev_nums)" \
		eval '[ "$pend" = "$want" ] && [ "$e1" = "$e0" ] && [ "$on" = "$ona" ]'
	expect_wr ok:evict-cancel $C/evict_bytes 0 OK
	check evict-cancelled "evict_bytes=$(rd $C/evict_bytes) $(ev_nums)" [ "$(rd $C/evict_bytes)" = 0 ]

	# swap on
	mk=$(mkswap $SWAP_DEV 2>&1 | tr '\n' ' ' | cut -c1-80)
	swapon $SWAP_DEV 2>/tmp/swapon.err
	st=$(awk '/^SwapTotal:/ { print $2 }' /proc/meminfo)
	check swap-on "dev=$SWAP_DEV SwapTotal=${st}kB mkswap='$mk' err='$(cat /tmp/swapon.err)'" \
		[ "${st:-0}" -gt 0 ]

	# eviction with swap: the request is served, counted and drained
	want=$((8 << 20))
	wp=$((want / PAGE))
	e0=$(rd $C/evicted_pages) s0=$(ev_swap_kb) on0=$(pages_on $ha $n)
	l0=$(($(rd $C/logical_bytes) / PAGE))
	t0=$(ev_cs)
	expect_wr ok:evict $C/evict_bytes $want OK
	wait_evicted
	t1=$(ev_cs)
	settle
	pend=$(rd $C/evict_bytes) e1=$(rd $C/evicted_pages) s1=$(ev_swap_kb) on1=$(pages_on $ha $n)
	l1=$(($(rd $C/logical_bytes) / PAGE))
	f6=$(rd $C/stat | cut -d' ' -f6)
	de=$((e1 - e0))
	check evict "evict_bytes=$want ($wp pages) pending=$pend evicted_pages ${e0}->${e1} (+$de) stat6=$f6 resident ${l0}->${l1} hog_on_node$n ${on0}->${on1} swap_used_kb ${s0}->${s1} elapsed_cs=$((t1 - t0)) $(ev_nums)" \
		eval '[ "$pend" = 0 ] && [ "$de" -ge "$wp" ] && [ "$de" -le $((wp + 16)) ] &&
		[ "$f6" = "$e1" ] && [ $((on0 - on1)) -ge $((wp * 9 / 10)) ] &&
		[ $((l0 - l1)) -ge $((wp * 9 / 10)) ] && [ $((s1 - s0)) -ge $((wp * PAGE / 1024 * 9 / 10)) ]'

	# rate limit with swap: past the budget reclaim swaps instead
	expect_wr ok:rate-limit $C/demote_rate_limit_bytes $EV_RATE OK
	start_hog 32 random 72
	hb=$hog
	d0=$(rd $C/demoted_pages) s0=$(ev_swap_kb)
	ev_reclaim 32M
	d1=$(rd $C/demoted_pages) s1=$(ev_swap_kb)
	onb=$(pages_on $hb $n)
	dd=$((d1 - d0)) bound=$(ev_rate_bound $ev_el)
	check rate-limit "rate=$EV_RATE B/s reclaim=$ev_r elapsed_cs=$ev_el demoted +$dd (bound $bound = rate*t + rate/10 + 1 folio; unlimited: +$dd_free in ${el_free}cs) hog_on_node$n=$onb swap_used_kb ${s0}->${s1} $(ev_nums)" \
		eval '[ "$dd" -le "$bound" ] && [ "$dd" -gt 0 ] && [ $((s1 - s0)) -ge 8192 ]'
	kill $hb; wait $hb 2>/dev/null

	# the same limit written again every 10 ms, as a control loop may:
	# a write keeps the bucket's tokens, so the bound holds (with a
	# bucket filled at every write, each would let 12 pages more through)
	start_hog 32 random 74
	hd=$hog
	(
		i=0
		while :; do
			echo $EV_RATE >$C/demote_rate_limit_bytes && i=$((i + 1))
			echo $i >/tmp/rewrites
			sleep 0.01
		done
	) &
	rw=$!
	d0=$(rd $C/demoted_pages)
	ev_reclaim 32M
	kill $rw; wait $rw 2>/dev/null
	d1=$(rd $C/demoted_pages)
	dd=$((d1 - d0)) bound=$(ev_rate_bound $ev_el)
	check rate-rewrite "rate=$EV_RATE B/s written $(cat /tmp/rewrites) times: reclaim=$ev_r elapsed_cs=$ev_el demoted +$dd (bound $bound) $(ev_nums)" \
		eval '[ "$dd" -le "$bound" ] && [ "$dd" -gt 0 ]'
	kill $hd; wait $hd 2>/dev/null
	expect_wr ok:rate-off2 $C/demote_rate_limit_bytes 0 OK

	# no_alloc with swap: nothing arrives, the pages go to swap
	expect_wr ok:evict-gate-close $C/no_alloc 1 OK
	start_hog 32 random 73
	hc=$hog
	d0=$(rd $C/demoted_pages) s0=$(ev_swap_kb)
	ev_reclaim 32M
	d1=$(rd $C/demoted_pages) s1=$(ev_swap_kb)
	onc=$(pages_on $hc $n)
	check swap-fallback-no_alloc "no_alloc=1 reclaim=$ev_r elapsed_cs=$ev_el hog_on_node$n=$onc demoted_pages ${d0}->${d1} swap_used_kb ${s0}->${s1} $(ev_nums)" \
		eval '[ "$onc" = 0 ] && [ "$d1" = "$d0" ] && [ $((s1 - s0)) -ge 16384 ]'
	kill $hc; wait $hc 2>/dev/null
	expect_wr ok:evict-gate-open $C/no_alloc 0 OK

	# capacity exhausted with swap: capacity_pages at the resident pages (in
	# whole pageblocks) fills the node; at most the room left arrives
	cap=$(($(rd $C/logical_bytes) / PAGE / 512 * 512))
	[ "$cap" -gt 0 ] || cap=512
	expect_wr ok:evict-capacity $C/capacity_pages $cap OK
	wait_ballooned -ge $(($(rd $C/total_pages) - cap))
	settle
	r0=$(($(rd $C/logical_bytes) / PAGE))
	room=$((cap > r0 ? cap - r0 : 0))
	start_hog 32 random 74
	hd=$hog
	d0=$(rd $C/demoted_pages) s0=$(ev_swap_kb)
	ev_reclaim 32M
	settle
	d1=$(rd $C/demoted_pages) s1=$(ev_swap_kb)
	ond=$(pages_on $hd $n) r1=$(($(rd $C/logical_bytes) / PAGE))
	check swap-fallback-capacity "capacity_pages=$cap ballooned=$(rd $C/ballooned_pages) resident ${r0}->${r1} room=$room reclaim=$ev_r elapsed_cs=$ev_el hog_on_node$n=$ond demoted_pages ${d0}->${d1} swap_used_kb ${s0}->${s1} $(ev_nums)" \
		eval '[ "$r1" -le "$cap" ] && [ "$ond" -le $((room + EV_INFLIGHT)) ] &&
		[ $((d1 - d0)) -le $((room + EV_INFLIGHT)) ] && [ $((s1 - s0)) -ge 16384 ]'
	expect_wr ok:evict-capacity-restore $C/capacity_pages "$(rd $C/total_pages)" OK
	wait_ballooned = 0

	# done: swap off (the hogs go first, so nothing comes back in), offline
	stop_hogs
	settle
	swapoff $SWAP_DEV 2>/tmp/swapoff.err
	st=$(awk '/^SwapTotal:/ { print $2 }' /proc/meminfo)
	check swap-off "SwapTotal=${st}kB err='$(cat /tmp/swapoff.err)' $(ev_nums)" [ "${st:-1}" = 0 ]
	e1=$(rd $C/evicted_pages)
	expect_wr ok:evict-offline $C/state offline OK
	expect_wr enodev:evict_bytes-offline $C/evict_bytes 0 ENODEV
	expect_wr enodev:rate-offline $C/demote_rate_limit_bytes 0 ENODEV
	check evict-offline-counters "evicted_pages=$(rd $C/evicted_pages) (was $e1) evict_bytes=$(rd $C/evict_bytes) stat6=$(rd $C/stat | cut -d' ' -f6)" \
		eval '[ "$(rd $C/evicted_pages)" = "$e1" ] && [ "$(rd $C/evict_bytes)" = 0 ]'
	thp_restore
}

test_evict
