#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Build the cram test kernel: Debian's linux-source-6.12 with
# kernel-abi/patches/NNNN-*.patch applied in order (all but the cover
# letter, 0000-cover-letter.patch, which has no diff), configured from
# tinyconfig plus kvm_guest.config plus kernel-abi/guest.config. The
# bzImage is cached by the hash of the patches, the config fragment and
# the source package, so a second build with the same inputs only copies
# a file.
#
# usage: build-kernel.sh [-o OUT_BZIMAGE] [-j JOBS] [--force]
# prints the path of the cached bzImage on its last line of stdout.
#
# Needs (Debian): linux-source-6.12 build-essential bc bison flex libelf-dev
# libssl-dev cpio kmod dwarves xz-utils. Installs nothing itself.
#
# Environment: CRAM_KERNEL_CACHE (default /var/cache/cram-kernel when
# writable, else $HOME/.cache/cram-kernel), CRAM_KERNEL_TARBALL (default
# /usr/src/linux-source-6.12.tar.xz).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
tarball=${CRAM_KERNEL_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
jobs=$(nproc)
out=
force=0

die() { echo "build-kernel: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case $1 in
	-o) [ $# -ge 2 ] || die "-o needs a file name"; out=$2; shift 2 ;;
	-j) [ $# -ge 2 ] || die "-j needs a number"; jobs=$2; shift 2 ;;
	--force) force=1; shift ;;
	-h|--help) sed -n '3,20p' "$0"; exit 0 ;;
	*) die "unknown argument '$1' (try --help)" ;;
	esac
done
case $jobs in ''|*[!0-9]*) die "-j: '$jobs' is not a number" ;; esac

if [ -z "${CRAM_KERNEL_CACHE:-}" ]; then
	if mkdir -p /var/cache/cram-kernel 2>/dev/null && [ -w /var/cache/cram-kernel ]; then
		CRAM_KERNEL_CACHE=/var/cache/cram-kernel
	else
		CRAM_KERNEL_CACHE=$HOME/.cache/cram-kernel
	fi
fi
cache=$CRAM_KERNEL_CACHE
mkdir -p "$cache" || die "cannot create cache dir $cache"

[ -r "$tarball" ] || die "$tarball not found (install linux-source-6.12)"
for tool in make gcc bc bison flex xz patch cpio sha256sum; do
	command -v $tool >/dev/null || die "'$tool' not found (see the package list in $0)"
done

shopt -s nullglob
# Every patch of the series in order; the cover letter (0000-*) has no diff.
patches=()
for p in "$here"/patches/[0-9][0-9][0-9][0-9]-*.patch; do
	case $(basename "$p") in 0000-*) continue ;; esac
	patches+=("$p")
done
[ ${#patches[@]} -gt 0 ] || die "no patches in $here/patches"
config=$here/guest.config
[ -r "$config" ] || die "$config not found"

# The cache key: everything that changes the image.
key=$( {
	echo "tarball $(stat -c '%s %Y' "$tarball")"
	echo "script-version 1"
	sha256sum "$config" | cut -d' ' -f1
	for p in "${patches[@]}"; do
		echo "$(basename "$p") $(sha256sum "$p" | cut -d' ' -f1)"
	done
} | sha256sum | cut -c1-16)

image=$cache/images/$key/bzImage
if [ $force = 0 ] && [ -s "$image" ]; then
	echo "build-kernel: cached image $key" >&2
	[ -n "$out" ] && cp "$image" "$out"
	echo "$image"
	exit 0
fi

exec 9>"$cache/lock"
flock 9

# A pristine tree is unpacked once. Each build gets a hardlinked copy with
# the patches applied; the object dir is shared between builds, so make
# only recompiles what the patches or the config changed (the unpacked
# files keep the tarball's mtimes).
pristine=$cache/pristine
if [ ! -f "$pristine/.unpacked" ]; then
	echo "build-kernel: unpacking $tarball" >&2
	rm -rf "$pristine"
	mkdir -p "$pristine"
	tar -xJf "$tarball" -C "$pristine" --strip-components=1
	touch "$pristine/.unpacked"
fi

src=$cache/src
obj=$cache/obj
rm -rf "$src"
cp -al "$pristine" "$src"
for p in "${patches[@]}"; do
	# Break the hardlinks of the files this patch touches before patching.
	for f in $(sed -n 's,^+++ b/\([^\t ]*\).*,\1,p' "$p"); do
		if [ -f "$src/$f" ]; then
			cp -p "$src/$f" "$src/$f.cram-tmp" && mv "$src/$f.cram-tmp" "$src/$f"
		fi
	done
	echo "build-kernel: applying $(basename "$p")" >&2
	patch -p1 -s -d "$src" --no-backup-if-mismatch <"$p" ||
		die "$(basename "$p") does not apply"
done
# A patched file whose content did not change since the last build gets its
# old mtime back, so that make does not rebuild everything that includes it.
stamps=$cache/stamps
for p in "${patches[@]}"; do
	for f in $(sed -n 's,^+++ b/\([^\t ]*\).*,\1,p' "$p"); do
		[ -f "$src/$f" ] || continue
		if cmp -s "$src/$f" "$stamps/$f"; then
			touch -r "$stamps/$f" "$src/$f"
		else
			mkdir -p "$(dirname "$stamps/$f")"
			cp -p "$src/$f" "$stamps/$f"
		fi
	done
done

mkdir -p "$obj"
kmake() { make -s -C "$src" O="$obj" ARCH=x86_64 "$@"; }
echo "build-kernel: configuring (tinyconfig + kvm_guest.config + guest.config)" >&2
kmake tinyconfig >/dev/null
"$src"/scripts/kconfig/merge_config.sh -m -O "$obj" "$obj/.config" \
	"$src/kernel/configs/kvm_guest.config" "$config" >/dev/null
kmake olddefconfig >/dev/null
# Every =y line of the fragment must survive olddefconfig.
missing=0
while IFS= read -r line; do
	case $line in CONFIG_*=y) ;; *) continue ;; esac
	if ! grep -qx "$line" "$obj/.config"; then
		echo "build-kernel: warning: $line dropped by Kconfig" >&2
		missing=1
	fi
done <"$config"

echo "build-kernel: building bzImage with -j$jobs" >&2
start=$(date +%s)
log=$cache/build.log
if ! kmake -j"$jobs" bzImage >"$log" 2>&1; then
	tail -40 "$log" >&2
	die "kernel build failed (full log: $log)"
fi
if grep -E 'warning:' "$log" >&2; then
	echo "build-kernel: the build printed warnings (see above)" >&2
fi
echo "build-kernel: built in $(( $(date +%s) - start )) s" >&2

mkdir -p "$cache/images/$key"
cp "$obj/arch/x86/boot/bzImage" "$image.tmp"
cp "$obj/.config" "$cache/images/$key/config"
mv "$image.tmp" "$image"
[ -n "$out" ] && cp "$image" "$out"
[ $missing = 0 ] || echo "build-kernel: note: some config lines were dropped" >&2
echo "$image"
