# Placement mode through libcram in the guest (issue 10): the upstream
# RFC's example, examples/cram-placement-example.c, on the device's node
# in placement mode: a 64 MiB buffer bound with mbind() is faulted and
# every page is on the node (move_pages() query), malloc'd memory never
# is, and move_pages() moves ordinary pages there. Skipped (a SKIP line,
# counted neither way) on a kernel without cram ABI v2.
# Sourced by guest-tests.sh with $dax bound and offline; leaves it so, in
# compressed mode. /vmtests/cram-placement-example is built by mkinitramfs.sh.

test_placement_libcram() {
	X=/vmtests/cram-placement-example
	n=$tnode
	if [ ! -e $NODES/has_placement_memory ]; then
		result placement-libcram SKIP "no $NODES/has_placement_memory: this kernel has no placement mode (cram ABI v2)"
		return
	fi
	if [ ! -x $X ]; then
		result placement-libcram FAIL "$X missing from the initramfs"
		return
	fi
	expect_wr ok:placement-mode $C/mode placement OK
	expect_wr ok:placement-online $C/state online OK
	pl=$(rd $NODES/has_placement_memory)
	check placement-libcram:listed "has_placement_memory=[$pl] has_private_memory=[$(rd $NODES/has_private_memory)] node=$n" \
		in_list "$pl" "$n"
	expect_wr ok:placement-mode-online $C/mode compressed EBUSY
	out=$($X --node $n --mib 64 2>&1)
	rc=$?
	echo "$out" | sed 's/^/VMINFO placement-example: /'
	m=$(echo "$out" | grep '^mbind ')
	pages=$((64 * 1024 * 1024 / PAGE))
	check placement-libcram:mbind "$m (want pages=$pages on_node=$pages)" \
		[ "$m" = "mbind node=$n pages=$pages on_node=$pages elsewhere=0" ]
	a=$(echo "$out" | grep '^malloc ')
	check placement-libcram:malloc "$a (want on_node=0)" \
		[ "$a" = "malloc pages=$pages on_node=0" ]
	v=$(echo "$out" | grep '^move ')
	check placement-libcram:move "$v (want moved=256 on_node=256)" \
		[ "$v" = "move node=$n pages=256 moved=256 on_node=256" ]
	check placement-libcram:exit "exit=$rc $(echo "$out" | grep '^result ')" [ "$rc" = 0 ]
	expect_wr ok:placement-offline $C/state offline OK
	expect_wr ok:placement-mode-back $C/mode compressed OK
}

test_placement_libcram
