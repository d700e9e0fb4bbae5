#!/bin/sh
# The bash completion offers cramctl's verbs, each verb's options, and the
# cram devices and regions of the testbed, list's --state and --mode values,
# status's -o columns, and help's verbs.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev
command -v bash >/dev/null 2>&1 || cram_skip "bash is not installed"

if [ "${1:-}" = --inner ]; then
	bin=$CRAM_TESTBED/bin
	mkdir -p "$bin"
	printf '#!/bin/sh\nexec %s "$@"\n' "$CRAMCTL" >"$bin/cramctl"
	chmod +x "$bin/cramctl"
	# complete WORDS...: print the completions of the last word.
	cat >"$CRAM_TESTBED/complete.bash" <<'EOS'
. "$top_srcdir/shell-completion/bash/cramctl"
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
_cramctl
printf '%s\n' "${COMPREPLY[@]}"
EOS
	c() { PATH=$bin:$PATH bash "$CRAM_TESTBED/complete.bash" "$@"; }

	cram_assert_eq "$(c cramctl st)" status "verb completion"
	cram_assert_eq "$(c cramctl --ve)" --version "global option completion"
	c cramctl status -- | grep -qx -- --json || cram_fail "status options lack --json"
	c cramctl status -- | grep -qx -- --bytes || cram_fail "status options lack --bytes"
	cram_assert_eq "$(c cramctl offline --re)" --release "offline --release completion"
	cram_assert_eq "$(c cramctl offline --release dax1 | tr '\n' ' ')" "dax1.0 " "device after --release"
	c cramctl online -- | grep -qx -- --release && cram_fail "online offers --release"
	cram_assert_eq "$(c cramctl status dax | tr '\n' ' ')" "dax0.0 dax1.0 " "device completion"
	cram_assert_eq "$(c cramctl status reg | tr '\n' ' ')" "region0 region1 " "region completion"
	c cramctl list -- | grep -qx -- --mode || cram_fail "list options lack --mode"
	cram_assert_eq "$(c cramctl list --mode p)" placement "list --mode value completion"
	cram_assert_eq "$(c cramctl list -m c)" compressed "list -m value completion"
	cram_assert_eq "$(c cramctl list --state on)" online "list --state value completion"
	c cramctl status -- | grep -qx -- --output || cram_fail "status options lack --output"
	c cramctl status -- | grep -qx -- --noheadings || cram_fail "status options lack --noheadings"
	cram_assert_eq "$(c cramctl status -o RE | tr '\n' ' ')" "REGION REASON " "-o column completion"
	cram_assert_eq "$(c cramctl status --output DEVICE,ST)" "DEVICE,STATE" "column after a comma"
	cram_assert_eq "$(c cramctl help sta)" status "help VERB completion"
	c cramctl metrics -- | grep -qx -- --textfile || cram_fail "metrics options lack --textfile"
	mkdir "$CRAM_TESTBED/promdir"
	: >"$CRAM_TESTBED/promfile"
	cram_assert_eq "$(c cramctl metrics --textfile "$CRAM_TESTBED/prom")" "$CRAM_TESTBED/promdir" \
		"metrics --textfile completes directories only"
	cram_assert_eq "$(c cramctl top -- | tr '\n' ' ')" "--batch --delay --iterations " "top options"
	cram_assert_eq "$(c cramctl top -d da)" "" "top takes no device"
	# list's -o: device columns, or the node table's with -N
	cram_assert_eq "$(c cramctl list -o PHYS-T)" PHYS-TOTAL "list -o device column"
	cram_assert_eq "$(c cramctl list -N -o S)" SIZE "list -N -o node column"
	cram_assert_eq "$(c cramctl list --nodes --output KIND,F)" KIND,FREE "list --nodes column after a comma"
	c cramctl list -- | grep -qx -- --noheadings || cram_fail "list options lack --noheadings"
	cram_assert_eq "$(c cramctl dump -o AC)" ACTION "dump -o column"
	exit 0
fi

cram_run_testbed --devices 2 -- sh "$0" --inner
