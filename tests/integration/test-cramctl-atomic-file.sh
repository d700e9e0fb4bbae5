#!/bin/sh
# cramctl plot --svg and cramctl metrics --textfile replace their file the
# same way (cramctl/atomic-file.c): whole or not at all, through a hidden
# temporary file that never stays behind, over a symlink but never over a
# directory, a FIFO or any other non-regular file; plot honours the
# umask, the textfile is 0644 whatever it is.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	out=$CRAM_TESTBED/out
	d=$CRAM_TESTBED/files
	mkdir "$d"

	# metrics --textfile: a FIFO named cram.prom is refused, not replaced
	mkfifo "$d/cram.prom"
	timeout 30 $CRAMCTL metrics --interval 0 --textfile "$d" 2>"$out.err"
	cram_assert_eq $? 1 "exit status with a FIFO named cram.prom"
	cram_assert_grep 'cannot rename .* not a regular file' "$out.err"
	[ -p "$d/cram.prom" ] || cram_fail "the FIFO was replaced"
	cram_assert_eq "$(ls -A "$d")" cram.prom "files left after a refused textfile"
	rm "$d/cram.prom"
	# the textfile is 0644 even under a strict umask
	(umask 077 && $CRAMCTL metrics --interval 0 --textfile "$d") || cram_fail "metrics --textfile failed"
	cram_assert_eq "$(stat -c %a "$d/cram.prom")" 644 "mode of cram.prom under umask 077"

	# plot needs a history: a few polls of cramd
	cram_start_cramd '[global]\npoll_interval_ms = 100\n'
	cram_wait_for 10 sh -c "$CRAMCTL history --json dax0.0 | grep -q time_ms"

	# a relative name is written in the current directory, with 0666 less the umask
	(cd "$d" && umask 027 && $CRAMCTL plot dax0.0 --svg rel.svg) || cram_fail "plot to a relative name failed"
	head -n 1 "$d/rel.svg" | grep -q '^<?xml' || cram_fail "rel.svg is no SVG"
	cram_assert_eq "$(stat -c %a "$d/rel.svg")" 640 "mode of the SVG under umask 027"
	# a symlink is replaced, its target is not written
	echo victim >"$CRAM_TESTBED/victim"
	ln -s "$CRAM_TESTBED/victim" "$d/link.svg"
	$CRAMCTL plot dax0.0 --svg "$d/link.svg" || cram_fail "plot over a symlink failed"
	cram_assert_eq "$(cat "$CRAM_TESTBED/victim")" victim "the symlink's target"
	[ -f "$d/link.svg" ] && [ ! -L "$d/link.svg" ] || cram_fail "link.svg is no plain file"
	# a FIFO and a directory are refused, and no temporary file stays
	mkfifo "$d/fifo.svg"
	mkdir "$d/dir.svg"
	for bad in fifo.svg dir.svg; do
		timeout 30 $CRAMCTL plot dax0.0 --svg "$d/$bad" 2>"$out.err" &&
			cram_fail "plot over $bad succeeded"
		cram_assert_grep "$bad: exists and is not a regular file" "$out.err"
	done
	[ -p "$d/fifo.svg" ] && [ -d "$d/dir.svg" ] || cram_fail "a refused plot replaced its target"
	cram_assert_eq "$(ls -A "$d" | tr '\n' ' ')" "cram.prom dir.svg fifo.svg link.svg rel.svg " \
		"files left in the directory"

	cram_stop_cramd
	exit 0
fi

cram_run_testbed --devices 1 -- sh "$0" --inner
