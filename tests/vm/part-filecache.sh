# Page cache is never demoted into the private node (patch 0002): the write fence
# guards anonymous pages only, and a file page could change there under
# write(2) with no fault to catch. A tmpfs file (shmem page cache) written
# in the test cgroup and an anonymous hog are reclaimed together with the
# node open to demotion: the hog's pages arrive, the node's FilePages and
# Shmem stay 0.
# Sourced by guest-tests.sh with $dax bound and offline; leaves it so.

test_filecache() {
	n=$tnode
	file=/tmp/filecache.bin
	expect_wr ok:filecache-online $C/state online OK
	stop_hogs
	# 32 MiB of tmpfs page cache, charged to the test cgroup
	sh -c 'echo $$ >'$CG'/cgroup.procs && exec dd if=/dev/urandom of='$file' bs=1M count=32' \
		>/dev/null 2>&1
	start_hog 8 random 81
	h=$hog
	sh0=$(awk '$1 == "shmem" { print int($2 / 1024) }' $CG/memory.stat)
	f0=$(node_kb $n FilePages) s0=$(node_kb $n Shmem) d0=$(rd $C/demoted_pages)
	r=$(reclaim 64M)
	f1=$(node_kb $n FilePages) s1=$(node_kb $n Shmem) d1=$(rd $C/demoted_pages)
	on=$(pages_on $h $n)
	check filecache-not-demoted "reclaim=$r cgroup_shmem_kb=$sh0 node${n}_FilePages ${f0}->${f1}kB node${n}_Shmem ${s0}->${s1}kB demoted_pages ${d0}->${d1} (+$((d1 - d0))) hog_pages_on_node$n=$on" \
		eval '[ "${f1:-1}" = 0 ] && [ "${s1:-1}" = 0 ] && [ "${sh0:-0}" -ge 32768 ] &&
		[ "$on" -gt 0 ] && [ $((d1 - d0)) -le $((on + 64)) ]'
	rm -f $file
	stop_hogs
	settle
	expect_wr ok:filecache-offline $C/state offline OK
}

test_filecache
