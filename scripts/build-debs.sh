#!/bin/sh
# Build the Debian packages (cram, libcram1, libcram-dev) from the
# committed tree: scripts/build-debs.sh [OUTDIR] (default build/debs).
# Runs dpkg-buildpackage -us -uc -b in a temporary copy, so the working
# tree and its build/ directory are left alone.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/debs}
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/cram" "$out"
git -C "$top" archive HEAD | tar -x -C "$work/cram"
(cd "$work/cram" && dpkg-buildpackage -us -uc -b)
cp "$work"/*.deb "$out"/
ls "$out"/*.deb
