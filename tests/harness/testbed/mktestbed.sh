#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# mktestbed.sh ROOT [--devices N] [--size BYTES] [--phys BYTES] [--abi v1|v2|p3|none]
#               [--bind DRIVER[,DRIVER...]] [--stock] [--pmem]
#
# Writes a sysfs tree under ROOT that the real libcxl, libdaxctl, libudev and
# libnuma enumerate under umockdev: a q35-like machine with one CXL host
# bridge (pci0000:0c) and N volatile type-3 devices behind it. Device K is
# memdev memK, endpoint port endpoint(K+2), a committed ram region regionK
# under root decoder decoder0.0, and dax_regionK/daxK.0 bound to the cram
# dax driver with its cram/ group (cram ABI v1) offline, target node K+1.
# --bind gives device K the K-th DRIVER of the list (the last one repeats)
# instead: cram (the default), device_dax, kmem (memory blocks offline),
# kmem-online (blocks online as system RAM, node K+1 in has_memory) or
# none (unbound). --stock plays a kernel without the cram provider: no
# /sys/bus/dax/drivers/cram (cram is then refused in --bind).
# --pmem plays QEMU 7.2, which has no volatile CXL memory: the regions
# and the devices' capacity are pmem, and a region's dax device is not
# under it but under the nvdimm bridge, whose nd region shares the CXL
# region's name: root0/nvdimm-bridge0/ndbus0/regionK/daxK.0/daxK.0 (the
# nd_dax device, then the dax device); regionK has pmem_regionK instead
# of dax_regionK.
# Node 0 holds the CPUs and the DRAM. Only plain files and relative
# symlinks are written; the layout follows a real 6.12 kernel.
# --abi v2 is v1 plus placement mode (cram ABI v2): has_placement_memory and
# each cram/ group's mode, user_migrate and migrated_pages.
# The sysfs paths below are fixed and hold no blanks or glob characters.
# shellcheck disable=SC2086
set -eu

prog=mktestbed.sh
GIB=1073741824
BLOCK=134217728			# memory block size (0x8000000)
PAGE=4096
CFMWS=15300820992		# 0x390000000, base of the CXL window
DRAM_BLOCKS=16			# node 0: 2 GiB of DRAM

die() {
	echo "$prog: $*" >&2
	exit 1
}

usage() {
	echo "usage: $prog ROOT [--devices N] [--size BYTES] [--phys BYTES] [--abi v1|v2|p3|none]" \
		"[--bind DRIVER[,DRIVER...]] [--stock] [--pmem]" >&2
	exit 2
}

# is_number VALUE: a non-empty decimal number without sign, at most 18 digits
is_number() {
	case $1 in
	'' | *[!0-9]*) return 1 ;;
	esac
	[ ${#1} -le 18 ]
}

# ---- arguments ---------------------------------------------------------------
[ $# -ge 1 ] || usage
R=$1
shift
devices=1
size=$GIB
phys=
abi=v1
bind=cram
stock=no
pmem=no
while [ $# -gt 0 ]; do
	case $1 in
	--stock | --pmem)
		[ "$1" = --pmem ] || stock=yes
		[ "$1" = --stock ] || pmem=yes
		shift
		continue
		;;
	esac
	[ $# -ge 2 ] || usage
	case $1 in
	--bind) bind=$2 ;;
	--devices) devices=$2 ;;
	--size) size=$2 ;;
	--phys) phys=$2 ;;
	--abi) abi=$2 ;;
	*) usage ;;
	esac
	shift 2
done
if ! is_number "$devices" || [ "$devices" -lt 1 ] || [ "$devices" -gt 32 ]; then
	die "--devices '$devices': expected a number from 1 to 32"
fi
if ! is_number "$size" || [ "$size" -eq 0 ] || [ $((size % BLOCK)) -ne 0 ]; then
	die "--size '$size': expected a positive multiple of $BLOCK bytes (the memory block size)"
fi
[ -n "$phys" ] || phys=$((size / 2))
if ! is_number "$phys" || [ "$phys" -eq 0 ]; then
	die "--phys '$phys': expected a positive number of bytes"
fi
case $abi in
v1 | v2 | p3 | none) ;;
*) die "--abi '$abi': expected v1, v2, p3 or none" ;;
esac
case ,$bind, in
*,,*) die "--bind '$bind': empty driver name" ;;
esac
for drv in $(echo "$bind" | tr , ' '); do
	case $drv in
	cram) [ $stock = no ] || die "--bind cram: a --stock kernel has no cram driver" ;;
	device_dax | kmem | kmem-online | none) ;;
	*) die "--bind '$drv': expected cram, device_dax, kmem, kmem-online or none" ;;
	esac
done
[ -d "$R" ] || die "root directory '$R' does not exist"

# driver_of K: the --bind entry of device K
driver_of() {
	_i=0
	for _d in $(echo "$bind" | tr , ' '); do
		_last=$_d
		[ $_i -lt "$1" ] || break
		_i=$((_i + 1))
	done
	printf '%s' "$_last"
}

# ---- helpers -----------------------------------------------------------------
# a PATH [VALUE...]: attribute file holding the VALUE lines ("\n" after each);
# no VALUE gives an empty file.
a() {
	f=$R$1
	shift
	[ -d "${f%/*}" ] || mkdir -p "${f%/*}"
	if [ $# -gt 0 ]; then
		printf '%s\n' "$@" >"$f"
	else
		: >"$f"
	fi
}

# l PATH TARGET: relative symlink
l() {
	f=$R$1
	[ -d "${f%/*}" ] || mkdir -p "${f%/*}"
	ln -s "$2" "$f"
}

d() {
	mkdir -p "$R$1"
}

# up PATH: "../" once for every directory level of PATH below /sys, so that
# PATH/$(up PATH)X names /sys/X.
up() {
	_p=${1#/sys/}
	_u=../
	while :; do
		case $_p in
		*/*) _p=${_p#*/}; _u=../$_u ;;
		*) break ;;
		esac
	done
	printf '%s' "$_u"
}

# dev_common PATH SUBSYSTEM [DRIVER]: subsystem and driver links of a device
dev_common() {
	_r=$(up "$1")
	l "$1/subsystem" "${_r}bus/$2"
	if [ $# -ge 3 ]; then
		l "$1/driver" "${_r}bus/$2/drivers/$3"
	fi
}

# bus_link SUBSYSTEM PATH: /sys/bus/SUBSYSTEM/devices/NAME -> PATH
bus_link() {
	l "/sys/bus/$1/devices/${2##*/}" "../../..${2#/sys}"
}

# typed_dev PATH SUBSYSTEM DEVTYPE DRIVER MODALIAS: a bound device with a devtype
typed_dev() {
	a $1/uevent "DEVTYPE=$3" "DRIVER=$4" "MODALIAS=$5"
	a $1/devtype "$3"
	a $1/modalias "$5"
	dev_common $1 $2 $4
	bus_link $2 $1
}

hex() {
	printf '0x%x' "$1"
}

# ---- buses and drivers ---------------------------------------------------------
for drv in cxl_port cxl_mem cxl_region cxl_dax_region cxl_nvdimm_bridge cxl_pmem_region; do
	d /sys/bus/cxl/drivers/$drv
done
for drv in nd_bus nd_region dax_pmem; do
	d /sys/bus/nd/drivers/$drv
done
d /sys/bus/nd/devices
d /sys/bus/cxl/devices
a /sys/bus/cxl/flush
dax_drivers="kmem device_dax"
[ $stock = yes ] || dax_drivers="$dax_drivers cram"
for drv in $dax_drivers; do
	for f in new_id remove_id bind unbind; do
		a /sys/bus/dax/drivers/$drv/$f
	done
done
d /sys/bus/dax/devices
# the modules libdaxctl loads before it binds (kmod finds them live)
for mod in device_dax kmem; do
	a /sys/module/$mod/initstate live
done
d /sys/bus/platform/drivers/cxl_acpi
d /sys/bus/platform/devices
d /sys/bus/pci/drivers/cxl_pci
d /sys/bus/pci/drivers/pcieport
d /sys/bus/pci/devices
d /sys/bus/acpi/devices
d /sys/bus/node/devices
d /sys/bus/memory/devices
d /sys/bus/cpu/devices
d /sys/bus/memory_tiering/devices
d /sys/dev/char
d /sys/dev/block
d /sys/class
d /dev/.node
d /dev/cxl

# ---- ACPI: the CXL root (ACPI0017) and the host bridge (ACPI0016) ----------------
ACPI=/sys/devices/platform/ACPI0017:00
a $ACPI/uevent DRIVER=cxl_acpi MODALIAS=acpi:ACPI0017:
a $ACPI/modalias acpi:ACPI0017:
a $ACPI/driver_override '(null)'
dev_common $ACPI platform cxl_acpi
bus_link platform $ACPI

HBA=/sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0016:00
a $HBA/uevent MODALIAS=acpi:ACPI0016:PNP0A08:PNP0A03:
a $HBA/hid ACPI0016
a $HBA/path '\_SB_.PC0C'
a $HBA/uid 12
l $HBA/physical_node ../../../pci0000:0c
dev_common $HBA acpi
bus_link acpi $HBA

HB=/sys/devices/pci0000:0c
a $HB/uevent
l $HB/firmware_node ../LNXSYSTM:00/LNXSYBUS:00/ACPI0016:00

# ---- CXL root port root0 and its root decoder decoder0.0 ------------------------
ROOT=$ACPI/root0
a $ROOT/uevent DEVTYPE=cxl_port MODALIAS=cxl:t4
a $ROOT/devtype cxl_port
a $ROOT/modalias cxl:t4
l $ROOT/uport ../../ACPI0017:00
l $ROOT/dport12 ../../../LNXSYSTM:00/LNXSYBUS:00/ACPI0016:00
dev_common $ROOT cxl
bus_link cxl $ROOT

window=$((devices * size))
[ $window -ge $((4 * GIB)) ] || window=$((4 * GIB))
D0=$ROOT/decoder0.0
a $D0/uevent DEVTYPE=cxl_decoder_root MODALIAS=cxl:t0
a $D0/devtype cxl_decoder_root
a $D0/modalias cxl:t0
a $D0/start "$(hex $CFMWS)"
a $D0/size "$(hex $window)"
a $D0/interleave_ways 1
a $D0/interleave_granularity 256
a $D0/target_list 12
a $D0/target_type expander
a $D0/cap_pmem 1
a $D0/cap_ram 1
a $D0/cap_type2 1
a $D0/cap_type3 1
a $D0/locked 0
a $D0/qos_class 0
a $D0/create_pmem_region "region$devices"
a $D0/create_ram_region "region$devices"
a $D0/delete_region
dev_common $D0 cxl
bus_link cxl $D0

# ---- --pmem: the nvdimm bridge and its bus ------------------------------------
if [ $pmem = yes ]; then
	NVB=$ROOT/nvdimm-bridge0
	typed_dev $NVB cxl cxl_nvdimm_bridge cxl_nvdimm_bridge cxl:t1
	NDBUS=$NVB/ndbus0
	a $NDBUS/uevent DRIVER=nd_bus MODALIAS=nd:t1
	a $NDBUS/modalias nd:t1
	a $NDBUS/provider CXL
	dev_common $NDBUS nd nd_bus
	bus_link nd $NDBUS
fi

# ---- port1: the host bridge's CXL port -----------------------------------------
PORT1=$ROOT/port1
a $PORT1/uevent DEVTYPE=cxl_port DRIVER=cxl_port MODALIAS=cxl:t3
a $PORT1/devtype cxl_port
a $PORT1/modalias cxl:t3
l $PORT1/uport ../../../../LNXSYSTM:00/LNXSYBUS:00/ACPI0016:00
dev_common $PORT1 cxl cxl_port
bus_link cxl $PORT1

# ---- system RAM of a kmem device ---------------------------------------------
kmem_nodes=
# kmem_blocks BASE NODE online|offline: the memory blocks of a kmem device
kmem_blocks() {
	_b=$(($1 / BLOCK))
	_end=$((_b + size / BLOCK))
	_n=/sys/devices/system/node/node$2
	while [ $_b -lt $_end ]; do
		_m=/sys/devices/system/memory/memory$_b
		a $_m/uevent
		a $_m/phys_index "$(printf '%08x' $_b)"
		a $_m/phys_device 0
		a $_m/state "$3"
		if [ "$3" = online ]; then
			a $_m/online 1
		else
			a $_m/online 0
		fi
		a $_m/removable 1
		a $_m/valid_zones Movable
		l $_m/node$2 ../../node/node$2
		dev_common $_m memory
		bus_link memory $_m
		l $_n/memory$_b ../../memory/memory$_b
		_b=$((_b + 1))
	done
	a $_n/uevent
	a $_n/cpulist ''
	a $_n/distance "20 10"
	dev_common $_n node
	bus_link node $_n
	[ "$3" = offline ] || kmem_nodes="$kmem_nodes,$2"
}

# ---- one CXL device ----------------------------------------------------------
# add_device K
add_device() {
	k=$1
	base=$((CFMWS + k * size))
	rp=$(printf '0000:0c:%02x.0' "$k")
	bdf=$(printf '0000:%02x:00.0' $((0x0d + k)))
	node=$((k + 1))
	ep=$((k + 2))

	# PCI: root port and the type-3 function
	RP=$HB/$rp
	a $RP/uevent DRIVER=pcieport PCI_CLASS=60400 PCI_ID=8086:7075 \
		"PCI_SLOT_NAME=$rp" MODALIAS=pci:v00008086d00007075sv00000000sd00000000bc06sc04i00
	a $RP/class 0x060400
	a $RP/vendor 0x8086
	a $RP/device 0x7075
	a $RP/numa_node -1
	dev_common $RP pci pcieport
	bus_link pci $RP
	FN=$RP/$bdf
	a $FN/uevent DRIVER=cxl_pci PCI_CLASS=50210 PCI_ID=8086:0D93 \
		"PCI_SLOT_NAME=$bdf" MODALIAS=pci:v00008086d00000D93sv00001AF4sd00001100bc05sc02i10
	a $FN/class 0x050210
	a $FN/vendor 0x8086
	a $FN/device 0x0d93
	a $FN/numa_node -1
	dev_common $FN pci cxl_pci
	bus_link pci $FN

	# memdev memK (char device 250:K, /dev/cxl/memK)
	MEM=$FN/mem$k
	a $MEM/uevent MAJOR=250 "MINOR=$k" "DEVNAME=cxl/mem$k" DEVTYPE=cxl_memdev \
		DRIVER=cxl_mem MODALIAS=cxl:t5
	a $MEM/dev "250:$k"
	a $MEM/devtype cxl_memdev
	a $MEM/modalias cxl:t5
	if [ $pmem = yes ]; then
		a $MEM/ram/size 0x0
		a $MEM/pmem/size "$(hex "$size")"
	else
		a $MEM/ram/size "$(hex "$size")"
		a $MEM/pmem/size 0x0
	fi
	a $MEM/ram/qos_class 0
	a $MEM/payload_max 2048
	a $MEM/label_storage_size 0
	a $MEM/serial "$(hex $((k + 1)))"
	a $MEM/numa_node -1
	a $MEM/firmware_version 'BWFW VERSION 00'
	dev_common $MEM cxl cxl_mem
	bus_link cxl $MEM
	l "/sys/dev/char/250:$k" "../../${MEM#/sys/}"
	a "/dev/cxl/mem$k"
	l "/dev/.node/cxl_mem$k" "250:$k"

	# host bridge port: downstream port and switch decoder decoder1.K
	l "$PORT1/dport$k" "../../../../pci0000:0c/$rp"
	DS=$PORT1/decoder1.$k
	a $DS/uevent DEVTYPE=cxl_decoder_switch MODALIAS=cxl:t0
	a $DS/devtype cxl_decoder_switch
	a $DS/modalias cxl:t0
	a $DS/start "$(hex $base)"
	a $DS/size "$(hex "$size")"
	a $DS/interleave_ways 1
	a $DS/interleave_granularity 256
	a $DS/target_list "$k"
	a $DS/target_type expander
	a $DS/locked 0
	a $DS/region "region$k"
	dev_common $DS cxl
	bus_link cxl $DS

	# endpoint port and its endpoint decoder
	EP=$PORT1/endpoint$ep
	a $EP/uevent DEVTYPE=cxl_port DRIVER=cxl_port MODALIAS=cxl:t3
	a $EP/devtype cxl_port
	a $EP/modalias cxl:t3
	l $EP/uport "../../../../../pci0000:0c/$rp/$bdf/mem$k"
	dev_common $EP cxl cxl_port
	bus_link cxl $EP
	DE=$EP/decoder$ep.0
	a $DE/uevent DEVTYPE=cxl_decoder_endpoint MODALIAS=cxl:t0
	a $DE/devtype cxl_decoder_endpoint
	a $DE/modalias cxl:t0
	a $DE/start "$(hex $base)"
	a $DE/size "$(hex "$size")"
	a $DE/interleave_ways 1
	a $DE/interleave_granularity 256
	a $DE/target_type expander
	a $DE/locked 0
	if [ $pmem = yes ]; then a $DE/mode pmem; else a $DE/mode ram; fi
	a $DE/dpa_resource 0x0
	a $DE/dpa_size "$(printf '0x%016x' "$size")"
	a $DE/region "region$k"
	dev_common $DE cxl
	bus_link cxl $DE

	# region regionK: ram, committed, bound to cxl_region (empty uuid)
	REG=$D0/region$k
	a $REG/uevent DEVTYPE=cxl_region DRIVER=cxl_region MODALIAS=cxl:t6
	a $REG/devtype cxl_region
	a $REG/modalias cxl:t6
	a $REG/uuid ''
	if [ $pmem = yes ]; then a $REG/mode pmem; else a $REG/mode ram; fi
	a $REG/size "$(hex "$size")"
	a $REG/resource "$(hex $base)"
	a $REG/interleave_ways 1
	a $REG/interleave_granularity 256
	a $REG/commit 1
	a $REG/target0 "decoder$ep.0"
	a $REG/qos_class 0
	dev_common $REG cxl cxl_region
	bus_link cxl $REG

	# dax_regionK (cxl_dax_region) and daxK.0, bound to the cram driver;
	# --pmem: pmem_regionK, and the nd region and nd_dax device daxK.0
	# under the nvdimm bridge in its stead
	if [ $pmem = yes ]; then
		typed_dev $REG/pmem_region$k cxl cxl_pmem_region cxl_pmem_region cxl:t7
		NDR=$NDBUS/region$k
		a $NDR/size "$size"
		a $NDR/numa_node 0
		a $NDR/target_node "$node"
		typed_dev $NDR nd nd_pmem nd_region nd:t2
		DR=$NDR/dax$k.0
		typed_dev $DR nd nd_dax dax_pmem nd:t7
	else
		DR=$REG/dax_region$k
		typed_dev $DR cxl cxl_dax_region cxl_dax_region cxl:t8
	fi
	a $DR/dax_region/id "$k"
	a $DR/dax_region/size "$size"
	a $DR/dax_region/align 2097152
	a $DR/dax_region/available_size 0
	DAX=$DR/dax$k.0
	drv=$(driver_of "$k")
	case $drv in
	kmem*) kdrv=kmem ;;
	*) kdrv=$drv ;;
	esac
	if [ "$kdrv" = none ]; then
		a $DAX/uevent MAJOR=252 "MINOR=$k" "DEVNAME=dax$k.0" MODALIAS=dax:t0
	else
		a $DAX/uevent MAJOR=252 "MINOR=$k" "DEVNAME=dax$k.0" "DRIVER=$kdrv" MODALIAS=dax:t0
	fi
	a $DAX/dev "252:$k"
	a $DAX/modalias dax:t0
	a $DAX/size "$size"
	a $DAX/resource "$(hex $base)"
	a $DAX/target_node "$node"
	a $DAX/numa_node 0
	a $DAX/align 2097152
	a $DAX/memmap_on_memory 0
	a $DAX/mapping0/start "$(hex $base)"
	a $DAX/mapping0/end "$(hex $((base + size - 1)))"
	a $DAX/mapping0/page_offset 0x0
	if [ "$kdrv" = none ]; then
		dev_common $DAX dax
	else
		dev_common $DAX dax "$kdrv"
		l "/sys/bus/dax/drivers/$kdrv/dax$k.0" "../../../../${DAX#/sys/}"
	fi
	bus_link dax $DAX
	l "/sys/dev/char/252:$k" "../../${DAX#/sys/}"
	a "/dev/dax$k.0"
	l "/dev/.node/dax$k.0" "252:$k"

	case $drv in
	kmem) kmem_blocks "$base" "$node" offline ;;
	kmem-online) kmem_blocks "$base" "$node" online ;;
	esac
	[ "$drv" = cram ] || return 0

	# the cram/ group (ABI v1), offline
	C=$DAX/cram
	a $C/abi_version 1
	a $C/state offline
	a $C/node "$node"
	a $C/total_pages $((size / PAGE))
	a $C/phys_capacity_bytes "$phys"
	a $C/phys_used_bytes 0
	a $C/logical_bytes 0
	a $C/capacity_pages $((size / PAGE))
	a $C/no_alloc 0
	a $C/demote_rate_limit_bytes 0
	a $C/evict_bytes 0
	a $C/high_threshold_bytes 0
	a $C/low_threshold_bytes 0
	for c in demoted promoted evicted ballooned; do
		a $C/${c}_pages 0
	done
	a $C/stat "$phys 0 0 0 0 0 0"
	a $C/sim/compress_ratio 1000
	a $C/sim/latency_ns 0
	a $C/sim/overhead_bytes 0
	# ABI v2: placement mode and explicit migration
	if [ "$abi" = v2 ]; then
		a $C/mode compressed
		a $C/user_migrate 0
		a $C/migrated_pages 0
	fi
}

k=0
while [ $k -lt "$devices" ]; do
	add_device $k
	k=$((k + 1))
done

# ---- memory blocks: node 0's DRAM ------------------------------------------------
MEMS=/sys/devices/system/memory
a $MEMS/block_size_bytes "$(printf '%x' $BLOCK)"
a $MEMS/auto_online_blocks offline
a $MEMS/uevent
b=0
while [ $b -lt $DRAM_BLOCKS ]; do
	M=$MEMS/memory$b
	a $M/uevent
	a $M/phys_index "$(printf '%08x' $b)"
	a $M/phys_device 0
	a $M/state online
	a $M/online 1
	a $M/removable 0
	a $M/valid_zones Normal
	l $M/node0 ../../node/node0
	dev_common $M memory
	bus_link memory $M
	l /sys/devices/system/node/node0/memory$b ../../memory/memory$b
	b=$((b + 1))
done

# ---- NUMA nodes: node 0 has the CPUs and the DRAM; device nodes come online later --
N=/sys/devices/system/node
a $N/possible "0-$devices"
a $N/online "0$kmem_nodes"
a $N/has_memory "0$kmem_nodes"
a $N/has_normal_memory 0
a $N/has_cpu 0
a $N/has_generic_initiator ''
case $abi in
v1) a $N/has_private_memory '' ;;
v2)
	a $N/has_private_memory ''
	a $N/has_placement_memory ''
	;;
p3) a $N/has_common_memory 0 ;;
esac
a $N/uevent
N0=$N/node0
dram_kb=$((DRAM_BLOCKS * BLOCK / 1024))
a $N0/uevent
a $N0/cpulist 0-1
a $N0/cpumap 3
a $N0/distance 10
a $N0/meminfo \
	"Node 0 MemTotal:       $dram_kb kB" \
	"Node 0 MemFree:        $((dram_kb / 2)) kB" \
	"Node 0 MemUsed:        $((dram_kb / 2)) kB" \
	"Node 0 Active:         $((dram_kb / 4)) kB" \
	"Node 0 Inactive:       $((dram_kb / 8)) kB" \
	"Node 0 FilePages:      $((dram_kb / 8)) kB" \
	"Node 0 AnonPages:      $((dram_kb / 4)) kB" \
	"Node 0 HugePages_Total:     0" \
	"Node 0 HugePages_Free:      0"
a $N0/numastat numa_hit 0 numa_miss 0 numa_foreign 0 interleave_hit 0 local_node 0 other_node 0
a $N0/vmstat nr_free_pages $((dram_kb / 8))
l $N0/cpu0 ../../cpu/cpu0
l $N0/cpu1 ../../cpu/cpu1
dev_common $N0 node
bus_link node $N0

# ---- CPUs --------------------------------------------------------------------
CPU=/sys/devices/system/cpu
for f in online possible present; do
	a $CPU/$f 0-1
done
a $CPU/offline ''
a $CPU/isolated ''
a $CPU/kernel_max 8191
a $CPU/uevent
for c in 0 1; do
	a $CPU/cpu$c/uevent
	a $CPU/cpu$c/online 1
	a $CPU/cpu$c/topology/physical_package_id 0
	a $CPU/cpu$c/topology/core_id $c
	l $CPU/cpu$c/node0 ../../node/node0
	dev_common $CPU/cpu$c cpu
	bus_link cpu $CPU/cpu$c
done

# ---- memory tiers and demotion --------------------------------------------------
T=/sys/devices/virtual/memory_tiering
a $T/memory_tier4/nodelist 0
a $T/memory_tier4/uevent
dev_common $T/memory_tier4 memory_tiering
bus_link memory_tiering $T/memory_tier4
a /sys/kernel/mm/numa/demotion_enabled false
a /sys/kernel/mm/transparent_hugepage/enabled 'always [madvise] never'
