#!/bin/bash
# The QEMU machine of the cram VM tests, sourced by run.sh and
# run-systemd.sh:
#   boot_cxl_guest KERNEL INITRD WORKDIR TIMEOUT_S EXTRA_CMDLINE
# boots KERNEL with INITRD under TCG until the guest powers off (or the
# timeout), with the console in WORKDIR/serial.log; returns QEMU's status.
boot_cxl_guest() {
	local kernel=$1 initrd=$2 work=$3 timeout=$4 append=$5

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
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 quiet pcie_ports=compat $append" \
		-nographic -no-reboot -serial mon:stdio </dev/null >"$work/serial.log" 2>&1
}
