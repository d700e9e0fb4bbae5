# A knob write while the device goes offline fails with EBUSY at once
# (0024): the offline holds the device mutex for as long as the node's
# pages take to migrate, seconds under TCG, and a knob write used to
# block on it all that time. A 16 MiB vmhog is demoted into the node,
# "offline" is written in the background, and while that write is still
# under way capacity_pages, high_threshold_bytes and mode are written:
# each must get EBUSY within a second. Once the offline has returned, the
# same writes get what an offline device gives (ENODEV for the
# online-only knob, OK for the others).
# Sourced by guest-tests.sh with $dax bound and offline; leaves it so.

KB_OFF=/tmp/knob-busy.off

test_knob_busy() {
	n=$tnode
	expect_wr ok:knob-busy-online $C/state online OK
	start_hog 16 random 73
	h=$hog
	r=$(reclaim 16M)
	on=$(pages_on $h $n)
	rm -f $KB_OFF
	ow= ot=
	t0=$(cut -d' ' -f1 /proc/uptime)
	( w=$(wr $C/state offline); echo "$w $(cut -d' ' -f1 /proc/uptime)" >$KB_OFF ) &
	off=$!
	sleep 0.5
	t1=$(cut -d' ' -f1 /proc/uptime)
	wc=$(wr $C/capacity_pages 1)
	wh=$(wr $C/high_threshold_bytes 0)
	wm=$(wr $C/mode compressed)
	t2=$(cut -d' ' -f1 /proc/uptime)
	[ -e $KB_OFF ] && during=no || during=yes
	wait $off
	read -r ow ot <$KB_OFF
	ms=$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%d", (b - a) * 1000 + 0.5 }')
	check knob-busy:during-offline "reclaim=$r hog_on_node$n=$on offline written at $t0, returned ${ow:-none} at ${ot:-none}; at $t1 (offline under way: $during) capacity_pages=$wc high_threshold_bytes=$wh mode=$wm in ${ms} ms" \
		eval '[ "$on" -ge 1024 ] && [ "$during" = yes ] && [ "$wc" = EBUSY ] &&
		[ "$wh" = EBUSY ] && [ "$wm" = EBUSY ] && [ "$ms" -lt 1000 ] && [ "$ow" = OK ]'
	wc=$(wr $C/capacity_pages 1)
	wh=$(wr $C/high_threshold_bytes 0)
	wm=$(wr $C/mode compressed)
	check knob-busy:after-offline "state=$(rd $C/state) capacity_pages=$wc high_threshold_bytes=$wh mode=$wm" \
		eval '[ "$(rd $C/state)" = offline ] && [ "$wc" = ENODEV ] && [ "$wh" = OK ] &&
		[ "$wm" = OK ]'
	stop_hogs
}

test_knob_busy
