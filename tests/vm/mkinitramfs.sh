#!/bin/bash
# Build the initramfs of the cram VM tests.
# usage: mkinitramfs.sh [--systemd DEBS_DIR] BUILD_DIR OUT.cpio.gz
# BUILD_DIR is a configured and built cram tree (cramd, cramctl, libcram).
# Dynamic binaries are copied with the libraries ldd lists for them.
# By default busybox's sh is /init and runs guest-tests.sh. With --systemd,
# the host's systemd is /init (PID 1) with journald, udevd and the D-Bus
# daemon, cram is installed from the Debian packages in DEBS_DIR as an
# operator would install it, and cram-vmtest.service runs systemd-tests.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "mkinitramfs: $*" >&2; exit 1; }
debs=
if [ "${1:-}" = --systemd ]; then
	debs=$(cd "${2:?}" && pwd) || die "no packages dir '$2'"
	shift 2
fi
[ $# = 2 ] || die "usage: mkinitramfs.sh [--systemd DEBS_DIR] BUILD_DIR OUT.cpio.gz"
build=$(cd "$1" && pwd) || die "no build dir '$1'"
out=$2

busybox=$(command -v busybox || true)
[ -x /bin/busybox ] && busybox=/bin/busybox
[ -n "$busybox" ] || die "busybox not found (install busybox-static)"
ldd "$busybox" >/dev/null 2>&1 && die "$busybox is dynamic; install busybox-static"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{etc,proc,sys,dev,tmp,run,usr/bin,usr/sbin,usr/lib,usr/lib64,vmtests}
if [ -n "$debs" ]; then
	# the host's merged /usr, so that units and packages find their paths
	for d in bin sbin lib lib64; do ln -s usr/$d "$root/$d"; done
else
	mkdir -p "$root"/{bin,sbin}
fi
cp "$busybox" "$root/bin/busybox"

# copy_bin FILE DEST_DIR: the binary plus every library ldd finds for it.
copy_bin() {
	local f=$1 dest=$2 lib
	[ -x "$f" ] || die "$f missing (build the project first)"
	mkdir -p "$root/$dest"
	cp -L "$f" "$root/$dest/"
	for lib in $(LD_LIBRARY_PATH=$build/libcram/.libs ldd "$f" | grep -oE '/[^ ]+'); do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
	if LD_LIBRARY_PATH=$build/libcram/.libs ldd "$f" | grep -q 'not found'; then
		die "$f: a library was not found"
	fi
}

for t in cxl ndctl daxctl numactl migratepages; do
	copy_bin "$(command -v $t)" usr/bin
done
if [ -n "$debs" ]; then
	. "$here/initramfs-systemd.sh"
	add_systemd_and_cram
else
	# libtool keeps the real binaries in .libs/ and the library in libcram/.libs
	for t in cramctl/cramctl cramd/cramd; do
		if [ -x "$build/$(dirname $t)/.libs/$(basename $t)" ]; then
			copy_bin "$build/$(dirname $t)/.libs/$(basename $t)" usr/bin
		else
			copy_bin "$build/$t" usr/bin
		fi
	done
	# cramd's discovery helper, where the built cramd looks for it when
	# CRAMD_DISCOVER is not set (the pkglibexecdir it was configured with)
	cramd_bin=$build/cramd/.libs/cramd
	[ -x "$cramd_bin" ] || cramd_bin=$build/cramd/cramd
	# (awk reads all of strings' output: an early exit would SIGPIPE it, and
	# pipefail would call that a failure)
	helper=$(strings -a "$cramd_bin" | awk '/^\/.*\/cram-discover$/ && !n++')
	[ -n "$helper" ] || die "$cramd_bin: no cram-discover path in it"
	disc=$build/cramd/.libs/cram-discover
	[ -x "$disc" ] || disc=$build/cramd/cram-discover
	mkdir -p "$root$(dirname "$helper")"
	copy_bin "$disc" "$(dirname "${helper#/}")"
	# libcram where the loader looks by default
	mkdir -p "$root/lib/x86_64-linux-gnu"
	cp -L "$build"/libcram/.libs/libcram.so.? "$root/lib/x86_64-linux-gnu/"
fi

# the anonymous-memory workload, linked to the host's liblz4 by path
# (liblz4-1 ships no development symlink)
lz4lib=$(ldconfig -p | awk '/liblz4\.so\.1 .*x86-64/ && !f { f = $NF } END { print f }')
[ -n "$lz4lib" ] || die "liblz4.so.1 not found (install liblz4-1)"
gcc -O2 -Wall -Wextra -o "$root/vmhog.tmp" "$here/vmhog.c" "$lz4lib" ||
	die "cannot build vmhog"
copy_bin "$root/vmhog.tmp" vmtests
mv "$root/vmtests/vmhog.tmp" "$root/vmtests/vmhog"
rm -f "$root/vmhog.tmp"
# the telemetry sampler (libc only)
gcc -O2 -Wall -Wextra -o "$root/statpoll.tmp" "$here/statpoll.c" || die "cannot build statpoll"
copy_bin "$root/statpoll.tmp" vmtests
mv "$root/vmtests/statpoll.tmp" "$root/vmtests/statpoll"
rm -f "$root/statpoll.tmp"
# the system calls of part-userplace.sh and part-paths.sh (libc only)
gcc -std=gnu11 -O2 -Wall -Wextra -o "$root/placetest.tmp" "$here/placetest.c" ||
	die "cannot build placetest"
copy_bin "$root/placetest.tmp" vmtests
mv "$root/vmtests/placetest.tmp" "$root/vmtests/placetest"
rm -f "$root/placetest.tmp"
# forced writes into another process's pages, for part-fence-force.sh, and
# the other paths to them, for part-paths.sh (libc only)
gcc -std=gnu11 -O2 -Wall -Wextra -o "$root/forcewrite.tmp" "$here/forcewrite.c" ||
	die "cannot build forcewrite"
copy_bin "$root/forcewrite.tmp" vmtests
mv "$root/vmtests/forcewrite.tmp" "$root/vmtests/forcewrite"
rm -f "$root/forcewrite.tmp"
# reads the device's memory through device_dax, for part-scrub.sh
gcc -std=gnu11 -O2 -Wall -Wextra -o "$root/scrubscan.tmp" "$here/scrubscan.c" ||
	die "cannot build scrubscan"
copy_bin "$root/scrubscan.tmp" vmtests
mv "$root/vmtests/scrubscan.tmp" "$root/vmtests/scrubscan"
rm -f "$root/scrubscan.tmp"

# libcram's discovery and allocation helpers, for part-libcram.sh
top=$(cd "$here/../.." && pwd)
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -I"$top/libcram" -I"$build/libcram" -o "$root/libcram-probe.tmp" \
	"$here/libcram-probe.c" "$build"/libcram/.libs/libcram.so ||
	die "cannot build libcram-probe"
copy_bin "$root/libcram-probe.tmp" vmtests
mv "$root/vmtests/libcram-probe.tmp" "$root/vmtests/libcram-probe"
rm -f "$root/libcram-probe.tmp"
# the RFC's example through libcram, for part-placement-libcram.sh
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -I"$top/libcram" -I"$build/libcram" -o "$root/placement-example.tmp" \
	"$top/examples/cram-placement-example.c" "$build"/libcram/.libs/libcram.so ||
	die "cannot build cram-placement-example"
copy_bin "$root/placement-example.tmp" vmtests
mv "$root/vmtests/placement-example.tmp" "$root/vmtests/cram-placement-example"
rm -f "$root/placement-example.tmp"

cp "$here/guest-lib.sh" "$here/guest-tests.sh" "$here/uevent-log.sh" \
	"$here/systemd-tests.sh" "$root/vmtests/"
[ -n "$debs" ] || cp "$here/init" "$root/init"
# the test parts guest-tests.sh sources, one file per concern
for part in "$here"/part-*.sh; do
	[ -e "$part" ] && cp "$part" "$root/vmtests/"
done
chmod +x "$root/init" "$root/vmtests/"*.sh
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
