# cram VM tests: the balloon gives its pageblocks back without a warning.
# The simulated device's scan takes a passing reference on every page of
# the node that has one, ballooned pages included; free_contig_range()
# warns ("N pages are still in use!") when it meets such a reference, so
# a deflate that ran while the scan was at the same pages printed a
# WARNING from mm/page_alloc.c. Here most of the node is ballooned and
# given back, several times, while the scan runs, and then once more
# through offline (which stops the scan first). dmesg must gain no such
# line. Sourced by guest-tests.sh with $dax bound and offline; leaves it
# so.

balloon_warnings() {
	dmesg | grep -cE "pages are still in use|WARNING: .* at mm/page_alloc\.c"
}

test_balloon_cycles() {
	n=$tnode
	expect_wr ok:balloon-cycles-online $C/state online OK
	tp=$(rd $C/total_pages)
	cap=$((tp / 8))
	w0=$(balloon_warnings)
	t0=$(cut -d' ' -f1 /proc/uptime)
	full= back= ok=1
	for i in 1 2 3 4 5 6; do
		wr $C/capacity_pages $cap >/dev/null
		wait_ballooned -ge $((tp - cap))
		b=$(rd $C/ballooned_pages)
		[ "$b" -ge $((tp - cap)) ] || ok=0
		full="$full $b"
		wr $C/capacity_pages $tp >/dev/null
		wait_ballooned = 0
		b=$(rd $C/ballooned_pages)
		[ "$b" = 0 ] || ok=0
		back="$back $b"
	done
	t1=$(cut -d' ' -f1 /proc/uptime)
	w1=$(balloon_warnings)
	check balloon:deflate-no-warning "total_pages=$tp capacity_pages=$cap ballooned_pages inflated [${full# }] deflated [${back# }] t=${t0}..${t1} dmesg warnings ${w0}->${w1}" \
		eval '[ $ok = 1 ] && [ "$w1" = "$w0" ]'
	# released by offline
	wr $C/capacity_pages $cap >/dev/null
	wait_ballooned -ge $((tp - cap))
	bl=$(rd $C/ballooned_pages)
	expect_wr ok:balloon-cycles-offline $C/state offline OK
	w2=$(balloon_warnings)
	check balloon:offline-no-warning "ballooned_pages=$bl at offline, state=$(rd $C/state) dmesg warnings ${w1}->${w2}" \
		eval '[ "$bl" -ge $((tp - cap)) ] && [ "$w2" = "$w1" ]'
	dmesg | grep -E -A2 "pages are still in use" | head -n 6 | sed 's/^/VMINFO balloon dmesg /'
}

test_balloon_cycles
