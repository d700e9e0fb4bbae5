#!/bin/bash
# cram VM tests: build (or reuse) the patched kernel, build the initramfs,
# boot QEMU/TCG with an emulated CXL pmem device, run the guest tests and
# count their results. The last line is "vm: N passed, N failed"; the exit
# status is 0 only when nothing failed.
#
# usage: tests/vm/run.sh [--build-dir DIR] [--systemd DEBS_DIR] [--kernel BZIMAGE]
#                         [--keep] [--timeout S] [--only PARTS]
#   --build-dir  configured and built cram tree (default: $top_builddir, else ./)
#   --systemd    boot systemd as PID 1 with cram installed from the Debian
#                packages in DEBS_DIR, and run systemd-tests.sh instead
#   --kernel     use this bzImage instead of kernel-abi/build-kernel.sh
#   --keep       keep the work dir (serial log, initramfs) and print its path
#   --timeout    seconds the guest may run (default 1800)
#   --only       run only these part-*.sh (comma-separated names, e.g.
#                "second-device,userplace") after setup and bind, not the
#                base suite: for iterating on a part; a full run has none
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${top_builddir:-$PWD}
kernel=
keep=0
timeout=1800
debs=
only=

say() { echo "vm: $*" >&2; }
. "$here/qemu-cxl.sh"
finish() { # PASSED FAILED
	echo "vm: $1 passed, $2 failed"
	[ "$2" = 0 ] && exit 0
	exit 1
}

while [ $# -gt 0 ]; do
	case $1 in
	--build-dir) build=${2:?}; shift 2 ;;
	--kernel) kernel=${2:?}; shift 2 ;;
	--systemd) debs=${2:?}; shift 2 ;;
	--keep) keep=1; shift ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	--only) only=${2:?}; shift 2 ;;
	-h|--help) sed -n '2,19p' "$0"; exit 0 ;;
	*) say "unknown argument '$1'"; finish 0 1 ;;
	esac
done
case $timeout in ''|*[!0-9]*) say "--timeout: '$timeout' is not a number"; finish 0 1 ;; esac
case $only in *[!a-z0-9,-]*) say "--only: '$only' is not a list of part names"; finish 0 1 ;; esac

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

if [ -n "$debs" ]; then
	"$here/mkinitramfs.sh" --systemd "$debs" "$build" "$work/initrd.gz" ||
		{ say "initramfs failed"; finish 0 1; }
	# systemd's own progress stays off the console the results are read from
	cmdline="systemd.show_status=false systemd.log_level=warning"
else
	"$here/mkinitramfs.sh" "$build" "$work/initrd.gz" || { say "initramfs failed"; finish 0 1; }
	cmdline=${only:+vmtests.only=$only}
fi

t_boot=$(date +%s.%N)
boot_cxl_guest "$kernel" "$work/initrd.gz" "$work" "$timeout" "$cmdline"
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
