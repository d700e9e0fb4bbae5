#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cramctl top (issue 15) in a detached tmux session on the testbed: the
# screen shows every device (bar, ratios, fill rate, gate, placement mode),
# refreshes when the fake kernel's physical use changes, survives a resize
# down to a narrow terminal, says when cramd is not running or not
# answering (stopped), shows what cramd says when it runs (managed, the
# last decision, paused, the reserve level marked as plot draws it), and q,
# SIGINT and SIGTERM exit with status 0 and the terminal restored
# (alternate screen left, cursor shown).
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev
command -v tmux >/dev/null 2>&1 || cram_skip "tmux is not installed (Debian: tmux)"

dev=/sys/bus/dax/devices

if [ "${1:-}" = --inner ]; then
	sock=$CRAM_TESTBED/tmux.sock
	screen=$CRAM_TESTBED/screen
	tm() { tmux -S "$sock" -f /dev/null "$@"; }
	# capture: the pane's text now, in $screen
	capture() { tm capture-pane -p -t "$S" >"$screen"; }
	# shows PATTERN: the pane shows a line matching the basic regex
	shows() { capture && grep -q -e "$1" "$screen"; }
	# wait_shows PATTERN: until the pane shows it
	wait_shows() { cram_wait_for 10 shows "$1"; }
	# a failure shows the last screen captured
	trap 'rc=$?; [ $rc -eq 0 ] || { echo "--- last screen:" >&2; cat "$screen" >&2; }; tm kill-server 2>/dev/null; exit $rc' EXIT
	# start_top SESSION COLS ROWS ARGS: a shell in a new session $S runs top with ARGS
	start_top() {
		S=$1
		tm new-session -d -s "$S" -x "$2" -y "$3" "env PS1='$ ' sh" ||
			cram_fail "tmux cannot start a session"
		shift 3
		tm send-keys -t "$S" "$CRAMCTL top $*; echo top-exit=\$?" Enter
		wait_shows '^cramctl top - '
	}
	# restored: top exited 0 and left the terminal as it found it
	restored() {
		wait_shows '^top-exit=0$'
		grep -q '^cramctl top - ' "$screen" && cram_fail "top's screen is still there"
		cram_assert_eq "$(tm display -p -t "$S" '#{alternate_on}')" 0 "alternate screen after exit"
		cram_assert_eq "$(tm display -p -t "$S" '#{cursor_flag}')" 1 "cursor shown after exit"
	}
	# term: SIGTERM to what the pane's shell runs (top)
	term() {
		for _p in $(ps -o pid= --ppid "$(tm display -p -t "$S" '#{pane_pid}')"); do
			kill -TERM "$_p"
		done
	}
	# backlog_full: cramd's listening socket holds as many connections as it takes
	backlog_full() {
		ss -xlH | awk -v p="$CRAMD_SOCKET" '$5 == p && $4 > 0 && $3 > $4 { ok = 1 } END { exit !ok }'
	}
	# used_line: dax0.0's bar line; used_differs LINE: it is no longer LINE
	used_line() { capture && grep -A1 '^dax0\.0 ' "$screen" | sed -n 2p; }
	used_differs() { [ "$(used_line)" != "$1" ]; }
	# refreshes BYTES: dax0.0's bar changes when its device overhead becomes BYTES
	refreshes() {
		_before=$(used_line)
		echo "$1" >$dev/dax0.0/cram/sim/overhead_bytes
		cram_wait_for 10 used_differs "$_before"
	}

	echo "inflow all 0" >>"$CRAM_TESTBED/fake-kernel.ctl"
	echo placement >$dev/dax1.0/cram/mode
	cram_wait_for 5 grep -qx placement $dev/dax1.0/cram/mode
	echo online >$dev/dax0.0/cram/state
	cram_wait_for 5 grep -qx online $dev/dax0.0/cram/state

	# batch: -n frames to a pipe; bad options are usage errors
	$CRAMCTL top -n 2 -d 0.1 >"$CRAM_TESTBED/out" || cram_fail "top -n 2 failed"
	cram_assert_eq "$(grep -c '^cramctl top - ' "$CRAM_TESTBED/out")" 2 "frames of top -n 2"
	cram_assert_grep '^dax1\.0  region1  node 2  offline  placement' "$CRAM_TESTBED/out"
	for bad in 0 0.05 -1 1e3 abc 1. 0.1234 3601 ''; do
		$CRAMCTL top -n 1 -d "$bad" >/dev/null 2>&1
		cram_assert_eq $? 2 "exit status of top -d '$bad'"
	done
	for bad in 0 -1 x 99999999999999999999; do
		$CRAMCTL top -n "$bad" >/dev/null 2>&1
		cram_assert_eq $? 2 "exit status of top -n '$bad'"
	done

	# without cramd, at 100x30
	start_top nocramd 100 30 -d 0.2
	wait_shows '^cramd is not running: values read from sysfs'
	wait_shows '^dax0\.0  region0  node 1  online  compressed'
	wait_shows '^dax1\.0  region1  node 2  offline  placement'
	wait_shows '^  phys \[\.*\]  0B/128M  0%$'
	wait_shows '^  gate open  rate limit unlimited  target 256M of 256M$'
	wait_shows '^  placement mode: no gate, rate limit or capacity target$'
	# the fake kernel fills dax0.0 at 3:1; the high threshold is marked
	echo 117440512 >$dev/dax0.0/cram/high_threshold_bytes
	echo "inflow dax0.0 16777216" >>"$CRAM_TESTBED/fake-kernel.ctl"
	wait_shows '^  phys \[#\{1,\}\.*|\.*\]  [0-9.]*M/128M  [0-9]*%  high 112M$'
	wait_shows '^  ratio in 3\.00 resident 3\.00  fill +[0-9.]*M/s  full in [0-9hms]*$'
	echo "inflow dax0.0 0" >>"$CRAM_TESTBED/fake-kernel.ctl"
	wait_shows '^  ratio in - resident 3\.00  fill 0B/s  full in never$'
	# a change of physical use shows at the next refresh
	refreshes 8388608
	tm send-keys -t "$S" q
	restored

	# 80x24, then narrower than the bar needs, then back; SIGINT ends it
	start_top narrow 80 24 -d 0.2
	wait_shows '^  phys \[[#.|]*\]  [0-9.]*M/128M'
	capture
	[ "$(awk 'length > 80' "$screen")" = "" ] || cram_fail "a line is wider than 80 columns"
	tm resize-window -t "$S" -x 30 -y 8
	wait_shows '^(more below: enlarge the'
	wait_shows '^  phys  [0-9.]*M/128M'
	tm resize-window -t "$S" -x 100 -y 30
	wait_shows '^  phys \[[#.|]*\]  [0-9.]*M/128M'
	tm send-keys -t "$S" C-c
	restored

	# with cramd: managed, its last decision, paused, and stopped
	cram_start_cramd '[global]\npoll_interval_ms = 100\n[device dax1.0]\nmode = placement\n'
	cram_wait_for 10 grep -q 'ready: managing 2 device' "$CRAMD_LOG"
	start_top cramd 100 30 -d 0.5
	wait_shows '^cramd [^ ]*: manages 2$'
	wait_shows '^dax0\.0  region0  node 1  online  compressed  managed$'
	wait_shows '^dax1\.0  region1  node 2  online  placement  managed$'
	wait_shows '^  last [0-9:]*Z [a-z-]*: .'
	# garbage telemetry: cramd degrades the device at its next pass, which
	# the wakeup schedule may leave max_sleep_ms (10 s) away for a full one
	cram_fk_ctl "freeze dax0.0"
	echo "12 junk" >$dev/dax0.0/cram/stat
	cram_wait_for 15 grep -q 'dax0.0: degraded' "$CRAMD_LOG"
	wait_shows '^dax0\.0  region0  node 1  online  compressed  managed  DEGRADED$'
	wait_shows '^  phys: telemetry unreadable (cram/stat)$'
	echo "thaw dax0.0" >>"$CRAM_TESTBED/fake-kernel.ctl"
	wait_shows '^dax0\.0  region0  node 1  online  compressed  managed$'
	$CRAMCTL pause >/dev/null || cram_fail "pause failed"
	wait_shows '^cramd [^ ]*: manages 2; PAUSED (dry-run)'
	wait_shows '^dax0\.0 .*  managed  PAUSED$'
	kill -STOP "$CRAMD_PID"
	wait_shows '^cramd is not answering (stopped?)'
	refreshes 16777216
	# its listen backlog full: top's connect must fail at once, not block
	if command -v ss >/dev/null 2>&1; then
		"$top_builddir/tests/harness/helpers/hold-connections" "$CRAMD_SOCKET" 80 60 >/dev/null &
		hold=$!
		cram_wait_for 10 backlog_full
		refreshes 25165824
		kill "$hold"
	fi
	term
	restored
	kill -CONT "$CRAMD_PID"
	cram_stop_cramd

	# the reserve level, marked R where plot draws it: the static policy's
	# high watermark, 75% of 128M, as cramd's newest history point says
	cram_start_cramd '[global]\npoll_interval_ms = 100\n[policy]\npolicy = static\nhigh_watermark_percent = 75\nlow_watermark_percent = 50\n[device dax1.0]\nmode = placement\n'
	cram_wait_for 10 grep -q 'ready: managing 2 device' "$CRAMD_LOG"
	cram_wait_for 10 sh -c "$CRAMCTL history --json dax0.0 | grep -q '\"reserve_bytes\": 100663296'"
	start_top reserve 100 30 -d 0.2
	wait_shows '^  phys \[[#.|]*R[#.|]*\]  [0-9.]*M/128M  [0-9]*%  high 96M  reserve 96M$'
	bar=$(grep -A1 '^dax0\.0 ' "$screen" | sed -n '2s/^  phys \[\([^]]*\)\].*/\1/p')
	n=${#bar}
	r=${bar%%R*}
	cram_assert_eq "${#r}" "$((n * 3 / 4))" "the cell of R in a bar of $n"
	# a device without a reserve (placement: no policy) has no R
	grep -A1 '^dax1\.0 ' "$screen" | grep -q R && cram_fail "dax1.0 has a reserve mark"
	tm send-keys -t "$S" q
	restored
	cram_stop_cramd
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --abi v2 --tick-ms 20 \
	-- sh "$0" --inner
