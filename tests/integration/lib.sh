# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers for the integration tests; source it first:
#   . "$top_srcdir/tests/integration/lib.sh"
# POSIX sh (dash). Needs top_srcdir and top_builddir (absolute), which
# `make check` exports; CRAM_TEST_WRAPPER (e.g. "valgrind -q
# --error-exitcode=99 --leak-check=full") runs the binaries under test
# through a wrapper.
#
# Provides:
#   $CRAMD, $CRAMCTL            the binaries under test, with $CRAM_TEST_WRAPPER
#   $CRAMD_DISCOVER             cramd's discovery helper, from the build tree
#                               (exported: cramd runs it, without the wrapper)
#   $CRAM_DISCOVER              the same, with $CRAM_TEST_WRAPPER, to run it directly
#   $CRAM_FAKE_KERNEL           the fake kernel binary
#   $CRAM_SYNC_SYSFS            LD_PRELOAD module that makes writes to the fake
#                               kernel's binding files synchronous (as the kernel's
#                               are), for whatever binds or unbinds dax devices
#   cram_synced CMD...          run CMD with $CRAM_SYNC_SYSFS first in LD_PRELOAD
#                               (before umockdev's preload)
#   cram_require_umockdev       skip (exit 77) without umockdev-wrapper
#   cram_run_testbed [OPTS] -- CMD...
#                               run CMD under the fake kernel (see tests/README.md)
#   cram_wait_for TIMEOUT_S CMD...  retry CMD every 0.1 s until it succeeds;
#                               TIMEOUT_S is multiplied by $CRAM_WAIT_SCALE
#                               (1, or 5 under $CRAM_TEST_WRAPPER: valgrind
#                               runs cramd 20-50 times slower, and CI runs two
#                               such tests at once)
#   cram_read FILE              print an attribute that cramd may be writing
#                               (see below)
#   cram_fail MSG               print "FAIL: MSG" and exit 1
#   cram_skip MSG               print "SKIP: MSG" and exit 77
#   cram_assert_eq ACTUAL EXPECTED MSG
#   cram_assert_grep PATTERN FILE
#   cram_driver DEV             the driver dax device DEV is bound to, or "none"

if [ -z "${top_srcdir:-}" ] || [ -z "${top_builddir:-}" ]; then
	echo "ERROR: set top_srcdir and top_builddir (make check does)" >&2
	exit 99
fi

CRAM_TEST_WRAPPER=${CRAM_TEST_WRAPPER:-}
if [ -n "$CRAM_TEST_WRAPPER" ]; then
	CRAM_WAIT_SCALE=${CRAM_WAIT_SCALE:-5}
else
	CRAM_WAIT_SCALE=${CRAM_WAIT_SCALE:-1}
fi
# A test that wants cramd's sd_notify messages sets its own socket.
unset NOTIFY_SOCKET
# cramd's control socket lives in the testbed, never in /run.
if [ -n "${CRAM_TESTBED:-}" ]; then
	CRAMD_SOCKET=$CRAM_TESTBED/cramd.sock
else
	CRAMD_SOCKET=${TMPDIR:-/tmp}/cram-test-no-daemon.$$.sock
fi
export CRAMD_SOCKET
# cramd and cramctl are libtool wrapper scripts in the build tree: a
# wrapper such as valgrind must go through `libtool --mode=execute` to
# reach the real binary rather than the shell running the script.
if [ -n "$CRAM_TEST_WRAPPER" ]; then
	_cram_exec="$top_builddir/libtool --mode=execute $CRAM_TEST_WRAPPER"
else
	_cram_exec=
fi
# shellcheck disable=SC2034 # used by the tests that source this file
CRAMD="$_cram_exec $top_builddir/cramd/cramd"
# shellcheck disable=SC2034
CRAMCTL="$_cram_exec $top_builddir/cramctl/cramctl"
# cramd runs its discovery helper from the build tree: a libtool wrapper
# script, which cramd can exec directly. The helper is not run through
# $CRAM_TEST_WRAPPER by cramd (valgrind does not follow the exec); a test
# runs it under the wrapper itself through $CRAM_DISCOVER.
CRAMD_DISCOVER=$top_builddir/cramd/cram-discover
export CRAMD_DISCOVER
# shellcheck disable=SC2034
CRAM_DISCOVER="$_cram_exec $CRAMD_DISCOVER"
CRAM_FAKE_KERNEL=$top_builddir/tests/harness/fake-kernel/cram-fake-kernel
# shellcheck disable=SC2034
CRAM_SYNC_SYSFS=$top_builddir/tests/harness/helpers/.libs/libsync-sysfs.so

cram_fail() {
	echo "FAIL: $*" >&2
	exit 1
}

cram_skip() {
	echo "SKIP: $*" >&2
	exit 77
}

cram_require_umockdev() {
	command -v umockdev-wrapper >/dev/null 2>&1 ||
		cram_skip "umockdev-wrapper is not installed (Debian: umockdev)"
	[ -x "$CRAM_FAKE_KERNEL" ] ||
		cram_skip "$CRAM_FAKE_KERNEL is not built (configure found no libumockdev)"
}

# cram_run_testbed [fake-kernel options] -- CMD [ARGS...]
# CMD gets $CRAM_TEST_WRAPPER in front of it, except when it is a shell
# (sh, dash, bash): a shell scenario runs the binaries under test through
# $CRAMD and $CRAMCTL, which carry the wrapper themselves.
cram_run_testbed() {
	_opts=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		case $1 in
		*[!A-Za-z0-9_.,-]*) cram_fail "cram_run_testbed: bad option word '$1'" ;;
		esac
		_opts="$_opts $1"
		shift
	done
	[ $# -ge 2 ] || cram_fail "cram_run_testbed: expected OPTIONS -- CMD [ARGS...]"
	shift
	case ${1##*/} in
	sh | dash | bash) _wrap= ;;
	*) _wrap=$CRAM_TEST_WRAPPER ;;
	esac
	# Option words and the wrapper are split on blanks on purpose.
	# shellcheck disable=SC2086
	umockdev-wrapper "$CRAM_FAKE_KERNEL" $_opts -- $_wrap "$@"
}

# cram_synced CMD [ARGS...]: CMD with the fake kernel's binding files synchronous
cram_synced() {
	LD_PRELOAD="$CRAM_SYNC_SYSFS${LD_PRELOAD:+ $LD_PRELOAD}" "$@"
}

# cram_preload NAME: $preload, the harness's LD_PRELOAD module libNAME.so,
# and $pins, the directory for the files it reads
cram_preload() {
	preload=$top_builddir/tests/harness/helpers/.libs/lib$1.so
	[ -e "$preload" ] || cram_fail "$preload is not built"
	pins=$CRAM_TESTBED/pins
	mkdir -p "$pins"
}

# cram_notify_listen: a socket for cramd's sd_notify messages, which land
# in $NOTIFY_OUT; sets NOTIFY_SOCK, NOTIFY_OUT and NOTIFY_PID (the
# receiver, which ends by itself after 120 s)
cram_notify_listen() {
	NOTIFY_SOCK=$CRAM_TESTBED/notify.sock
	NOTIFY_OUT=$CRAM_TESTBED/notify.out
	"$top_builddir/tests/harness/helpers/notify-recv" "$NOTIFY_SOCK" 120 >"$NOTIFY_OUT" &
	NOTIFY_PID=$!
	cram_wait_for 5 test -S "$NOTIFY_SOCK"
}

# cram_fill_until_closed DEV WHEN: data that does not compress into DEV
# until cramd closes its gate, failing on an overflow or after 30 s; WHEN
# ("during the offline") goes into the failure
cram_fill_until_closed() {
	_c=/sys/bus/dax/devices/$1/cram
	_cap=$(cat $_c/phys_capacity_bytes)
	echo 1000 >$_c/sim/compress_ratio
	_i=0
	while ! grep -qx 1 $_c/no_alloc; do
		_used=$(cat $_c/phys_used_bytes)
		[ "$_used" -le "$_cap" ] || cram_fail "$1 overflowed $2: $_used > $_cap"
		[ $_i -lt 300 ] ||
			cram_fail "$1's gate did not close $2 (used $_used of $_cap)"
		sleep 0.1
		_i=$((_i + 1))
	done
	_used=$(cat $_c/phys_used_bytes)
	[ "$_used" -le "$_cap" ] || cram_fail "$1 overflowed $2: $_used > $_cap"
}

# cram_wait_for TIMEOUT_S CMD [ARGS...]: succeed as soon as CMD does
cram_wait_for() {
	_timeout=$1
	shift
	case $_timeout in
	'' | *[!0-9]*) cram_fail "cram_wait_for: timeout '$_timeout' is not a number of seconds" ;;
	esac
	_end=$(($(date +%s) + _timeout * CRAM_WAIT_SCALE))
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(date +%s)" -le $_end ] || break
		sleep 0.1
	done
	# What cramd said is what tells a hang from a slow start.
	if [ -n "${CRAMD_LOG:-}" ] && [ -f "$CRAMD_LOG" ]; then
		echo "--- last lines of $CRAMD_LOG:" >&2
		tail -n 20 "$CRAMD_LOG" >&2
	fi
	cram_fail "timed out after $((_timeout * CRAM_WAIT_SCALE))s waiting for: $*"
}

# cram_fk_ctl LINE: append LINE to the fake kernel's control file and
# return once the fake kernel has read it (it writes how much of the file
# it has read to fake-kernel.ctl.done); a fixed sleep is a race on a
# loaded machine.
cram_fk_ctl() {
	printf '%s\n' "$1" >>"$CRAM_TESTBED/fake-kernel.ctl"
	_size=$(stat -c %s "$CRAM_TESTBED/fake-kernel.ctl")
	cram_wait_for 10 sh -c "[ \$(cat '$CRAM_TESTBED/fake-kernel.ctl.done' 2>/dev/null || echo 0) -ge $_size ]"
}

# cram_read FILE: print the attribute FILE. A kernel attribute is never
# empty, but a testbed file is while a writer (cramd, with O_TRUNC) is
# between its open() and its write(): an empty read is retried for up to
# a second.
cram_read() {
	_n=0
	while :; do
		_v=$(cat "$1") || return 1
		if [ -n "$_v" ] || [ $_n -ge 100 ]; then
			printf '%s\n' "$_v"
			return 0
		fi
		_n=$((_n + 1))
		sleep 0.01
	done
}

# cram_assert_eq ACTUAL EXPECTED MSG
cram_assert_eq() {
	[ "$1" = "$2" ] || cram_fail "$3: expected '$2', got '$1'"
}

# cram_assert_grep PATTERN FILE: FILE has a line matching the basic regex.
# (No "test -r": dash's test uses faccessat(), which umockdev does not
# redirect.)
cram_assert_grep() {
	grep -q -e "$1" "$2" && return 0
	echo "--- $2:" >&2
	head -n 50 "$2" >&2
	echo "---" >&2
	cram_fail "no line of $2 matches '$1'"
}

# cram_assert_fits WIDTH FILE: no line of FILE is wider than WIDTH columns.
cram_assert_fits() {
	_cram_long=$(awk -v w="$1" 'length($0) > w' "$2")
	[ -z "$_cram_long" ] || cram_fail "wider than $1 columns: $_cram_long"
}

# cram_start_cramd CONFIG: write CONFIG (printf format, e.g.
# '[global]\npoll_interval_ms = 100\n') to $CRAM_TESTBED/cramd.conf and
# start cramd on it in the background with stderr in $CRAMD_LOG; its pid
# is $CRAMD_PID.
cram_start_cramd() {
	CRAMD_CONF=$CRAM_TESTBED/cramd.conf
	CRAMD_LOG=$CRAM_TESTBED/cramd.log
	# shellcheck disable=SC2059 # the configuration is a printf format
	printf "$1" >"$CRAMD_CONF"
	$CRAMD --config "$CRAMD_CONF" --socket "$CRAMD_SOCKET" 2>>"$CRAMD_LOG" &
	CRAMD_PID=$!
}

# cram_stop_cramd [SIGNAL]: stop cramd (default TERM) and check it exits 0.
cram_stop_cramd() {
	kill -"${1:-TERM}" "$CRAMD_PID"
	wait "$CRAMD_PID"
	cram_assert_eq $? 0 "cramd exit status after SIG${1:-TERM}"
}

# cram_driver DEV: the driver dax device DEV is bound to, or "none"
cram_driver() {
	_l=$(readlink "/sys/bus/dax/devices/$1/driver") || { echo none; return; }
	echo "${_l##*/}"
}
