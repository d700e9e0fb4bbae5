#!/bin/bash
# cram VM tests: build (or reuse) the patched kernel, build the initramfs,
# boot QEMU/TCG with an emulated CXL pmem device, run the guest tests and
# count their results. The last line is "vm: N passed, N failed"; the exit
# status is 0 only when nothing failed.
#
# usage: tests/vm/run.sh [--build-dir DIR] [--kernel BZIMAGE] [--keep] [--timeout S]
#   --build-dir  configured and built cram tree (default: $top_builddir, else ./)
#   --kernel     use this bzImage instead of kernel-abi/build-kernel.sh
#   --keep       keep the work dir (serial log, initramfs) and print its path
#   --timeout    seconds the guest may run (default 600)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${top_builddir:-$PWD}
kernel=
keep=0
timeout=600

say() { echo "vm: $*" >&2; }
finish() { # PASSED FAILED
	echo "vm: $1 passed, $2 failed"
	[ "$2" = 0 ] && exit 0
	exit 1
}

while [ $# -gt 0 ]; do
	case $1 in
	--build-dir) build=${2:?}; shift 2 ;;
	--kernel) kernel=${2:?}; shift 2 ;;
	--keep) keep=1; shift ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	-h|--help) sed -n '2,13p' "$0"; exit 0 ;;
	*) say "unknown argument '$1'"; finish 0 1 ;;
	esac
done
case $timeout in ''|*[!0-9]*) say "--timeout: '$timeout' is not a number"; finish 0 1 ;; esac

for tool in qemu-system-x86_64 cpio gzip; do
	command -v $tool >/dev/null || { say "$tool not found"; finish 0 1; }
done

work=$(mktemp -d /tmp/cram-vm.XXXXXX)
[ $keep = 1 ] || trap 'rm -rf "$work"' EXIT
t_start=$(date +%s.%N)

if [ -z "$kernel" ]; then
	t0=$(date +%s.%N)
	kernel=$("$top/kernel-abi/build-kernel.sh" | tail -n 1) || {
		say "kernel build failed"; finish 0 1; }
	say "kernel: $kernel ($(echo "$(date +%s.%N) - $t0" | bc) s)"
fi
[ -r "$kernel" ] || { say "no kernel image '$kernel'"; finish 0 1; }

"$here/mkinitramfs.sh" "$build" "$work/initrd.gz" || { say "initramfs failed"; finish 0 1; }

# Two DRAM nodes (node 1 memory-only) and two CXL type-3 pmem devices, each
# behind its own CXL host bridge and fixed memory window; a region of the
# first becomes the devdax namespace dax0.0 for the provider, the second is
# for part-second-device.sh. Linux gives each window a NUMA node of its own
# (nodes 2 and 3). One host bridge per device: QEMU 7.2 emulates one HDM
# decoder per host bridge, so two regions cannot share one. QEMU 7.2 has no
# volatile CXL memory, hence pmem. pcie_ports=compat: the 6.12 cxl_pci needs
# it to probe under QEMU 7.2.
# The kernel keeps a copy of a device's whole label area (LSA) in guest RAM:
# 1 MiB each holds the few labels the tests write.
truncate -s 512M "$work/cxl-pmem0.raw" "$work/cxl-pmem1.raw"
truncate -s 1M "$work/cxl-lsa0.raw" "$work/cxl-lsa1.raw"
t_boot=$(date +%s.%N)
timeout --foreground -k 5 "$timeout" qemu-system-x86_64 -accel tcg -M q35,cxl=on -smp 2 \
	-m 1G,maxmem=8G,slots=4 \
	-object memory-backend-ram,id=m0,size=512M \
	-object memory-backend-ram,id=m1,size=512M \
	-numa node,nodeid=0,cpus=0-1,memdev=m0 -numa node,nodeid=1,memdev=m1 \
	-object memory-backend-file,id=cxl-mem0,share=on,mem-path="$work/cxl-pmem0.raw",size=512M \
	-object memory-backend-file,id=cxl-lsa0,share=on,mem-path="$work/cxl-lsa0.raw",size=1M \
	-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 \
	-device cxl-rp,port=0,bus=cxl.1,id=root_port13,chassis=0,slot=2 \
	-device cxl-type3,bus=root_port13,memdev=cxl-mem0,lsa=cxl-lsa0,id=cxl-pmem0 \
	-object memory-backend-file,id=cxl-mem1,share=on,mem-path="$work/cxl-pmem1.raw",size=512M \
	-object memory-backend-file,id=cxl-lsa1,share=on,mem-path="$work/cxl-lsa1.raw",size=1M \
	-device pxb-cxl,bus_nr=222,bus=pcie.0,id=cxl.2 \
	-device cxl-rp,port=0,bus=cxl.2,id=root_port223,chassis=0,slot=3 \
	-device cxl-type3,bus=root_port223,memdev=cxl-mem1,lsa=cxl-lsa1,id=cxl-pmem1 \
	-M cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G,cxl-fmw.1.targets.0=cxl.2,cxl-fmw.1.size=4G \
	-kernel "$kernel" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 panic=-1 quiet pcie_ports=compat" \
	-nographic -no-reboot -serial mon:stdio </dev/null >"$work/serial.log" 2>&1
qrc=$?
t_end=$(date +%s.%N)
tr -d '\r' <"$work/serial.log" >"$work/guest.log"

grep -E '^VM(TEST|INFO) ' "$work/guest.log"
passed=$(grep -cE '^VMTEST [^ ]+ PASS' "$work/guest.log")
failed=$(grep -cE '^VMTEST [^ ]+ FAIL' "$work/guest.log")
if ! grep -q '^VMTEST-END' "$work/guest.log"; then
	say "the guest did not finish (qemu exit $qrc); last lines of the console:"
	tail -n 30 "$work/guest.log" >&2
	failed=$((failed + 1))
fi
if [ $((passed + failed)) = 0 ]; then
	failed=1
fi
say "times: boot+tests $(echo "$t_end - $t_boot" | bc) s, total $(echo "$t_end - $t_start" | bc) s"
[ $keep = 1 ] && say "work dir kept: $work"
finish "$passed" "$failed"
