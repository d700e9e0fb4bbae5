# Cgroup v1 cpusets and a placement node (issue 10). The ABI: cpusets have
# no say over private nodes. Under v1, cpuset.mems must be a subset of the
# parent's, and the top cpuset holds only N_MEMORY, so naming a private
# node gets EINVAL; a task in a v1 cpuset with mems 0 still places its
# MPOL_BIND pages on the placement node. The test kernel is built without
# CONFIG_CPUSETS_V1 (6.12's default): then the v1 cpuset controller cannot
# be mounted at all, which is shown, and the rest is a SKIP line.
# Sourced by guest-tests.sh with $dax bound and offline; leaves it so, in
# compressed mode.

test_cpuset_v1() {
	n=$tnode
	M=/tmp/cpuset-v1
	mkdir -p $M
	if ! msg=$(mount -t cgroup -o cpuset none $M 2>&1); then
		check cpuset-v1:absent "mount -t cgroup -o cpuset: '$msg'; cpuset fs in /proc/filesystems: $(grep -c cpuset /proc/filesystems)" \
			eval '! grep -q cpuset /proc/filesystems'
		result cpuset-v1 SKIP "no cgroup v1 cpuset controller in this kernel (CONFIG_CPUSETS_V1 off): v1 rules do not apply"
		return
	fi
	expect_wr cpuset-v1:mode $C/mode placement OK
	expect_wr cpuset-v1:online $C/state online OK
	mkdir -p $M/cram
	cat $M/cpuset.cpus >$M/cram/cpuset.cpus
	got=$(wr $M/cram/cpuset.mems $n)
	check cpuset-v1:mems-private "cpuset.mems=$n: $got now=[$(rd $M/cram/cpuset.mems)] top=[$(rd $M/cpuset.mems)]" \
		eval '[ "$got" = EINVAL ] && ! in_list "$(rd $M/cram/cpuset.mems)" $n'
	wr $M/cram/cpuset.mems 0 >/dev/null
	out=$(sh -c 'echo $$ >'$M'/cram/tasks && exec /vmtests/placetest fault '$n' 8' 2>&1)
	check cpuset-v1:mems0-bind "cpuset.mems=$(rd $M/cram/cpuset.mems): $(echo $out)" \
		eval 'echo "$out" | grep -qw "fault_N$n=2048"'
	rmdir $M/cram
	umount $M
	expect_wr cpuset-v1:offline $C/state offline OK
	expect_wr cpuset-v1:mode-back $C/mode compressed OK
}

test_cpuset_v1
