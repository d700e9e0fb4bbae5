#!/bin/sh
# Set up and run the test suite: install dependencies, build out of tree
# in build/ with warnings as errors, run `make check`.
#   scripts/test.sh [extra configure arguments]
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/install-deps.sh"
cd "$top"
[ -x configure ] || ./autogen.sh >/dev/null
mkdir -p build
cd build
[ -f Makefile ] || ../configure --enable-werror "$@" >/dev/null
make -j"$(nproc)" >/dev/null
set +e
make -j"$(nproc)" check
rc=$?
set -e
grep -E '^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):' test-suite.log || true
exit $rc
