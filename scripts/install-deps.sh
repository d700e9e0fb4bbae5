#!/bin/sh
# Install everything cram needs to build and test, from Debian's archive.
# This is the one list of dependencies: CI and the README both call it.
set -e

BUILD_DEPS="build-essential autoconf automake libtool pkg-config
	libnuma-dev libsystemd-dev libcxl-dev libdaxctl-dev libjson-c-dev
	libudev-dev libsmartcols-dev"
TEST_DEPS="libcmocka-dev umockdev libumockdev-dev valgrind"
# cramctl metrics: promtool and the Python parser check the exposition
# (tests/integration/test-cramctl-metrics.sh; it skips without them).
TEST_DEPS="$TEST_DEPS prometheus python3-prometheus-client"
# cramctl top: its screen, and tmux that drives it in the tests.
BUILD_DEPS="$BUILD_DEPS libncurses-dev"
TEST_DEPS="$TEST_DEPS tmux"
# Building the Debian packages (scripts/build-debs.sh, run by CI).
PACKAGING_DEPS="debhelper dh-autoreconf dpkg-dev fakeroot lintian"
# libFuzzer targets (scripts/fuzz.sh, run by CI).
FUZZ_DEPS="clang libclang-rt-14-dev"
# The patched test kernel and the QEMU VM tests (kernel-abi/, tests/vm/).
VM_DEPS="linux-source-6.12 bc bison flex libelf-dev libssl-dev cpio kmod dwarves
	xz-utils qemu-system-x86 busybox-static ndctl daxctl numactl liblz4-1
	systemd udev dbus"

if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
missing=
for p in $BUILD_DEPS $TEST_DEPS $PACKAGING_DEPS $FUZZ_DEPS $VM_DEPS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "install-deps: all dependencies present"
	exit 0
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
