#!/bin/sh
# The demo: cramd manages two simulated compressed CXL devices for about
# 30 s. dax0.0's data compresses 3:1 until second 10, then collapses to
# 1.05:1; watch its physical use climb in `cramctl status` until cramd's
# adaptive policy throttles demotion (rate limit, capacity target), closes
# the admission gate ahead of the forecast and holds the device just below
# its physical capacity. dax1.0 stays healthy. `cramctl dump` then shows
# every decision with its reason.
#
# Everything runs for real (the real cramd, cramctl, cram-discover with
# libcxl and libdaxctl, libudev) against a umockdev sysfs testbed, with tests/harness/fake-kernel
# playing the kernel's cram provider and the device.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)

if [ "${1:-}" = "--inner" ]; then
	b=$2
	log=$CRAM_TESTBED/cramd.log
	conf=$CRAM_TESTBED/cramd.conf
	printf '[global]\npoll_interval_ms = 500\n[policy]\nhigh_watermark_percent = 90\nlow_watermark_percent = 80\n' >"$conf"
	export CRAMD_SOCKET=$CRAM_TESTBED/cramd.sock
	# cramd's discovery helper, from the build tree rather than libexec.
	export CRAMD_DISCOVER=$b/cramd/cram-discover
	"$b/cramd/cramd" --config "$conf" --socket "$CRAMD_SOCKET" 2>"$log" &
	cramd=$!
	shown=0
	t=0
	while [ $t -le 30 ]; do
		if [ $t -eq 10 ]; then
			echo ">>> t=${t}s: dax0.0's data stops compressing (3.00 -> 1.05)"
			echo 1050 >/sys/bus/dax/devices/dax0.0/cram/sim/compress_ratio
		fi
		if [ $((t % 3)) -eq 0 ]; then
			echo "--- t=${t}s: cramctl status"
			"$b/cramctl/cramctl" status
			n=$(wc -l <"$log")
			if [ "$n" -gt "$shown" ]; then
				tail -n +"$((shown + 1))" "$log" | head -n "$((n - shown))" |
					sed 's/^/    log: /'
				shown=$n
			fi
		fi
		sleep 1
		t=$((t + 1))
	done
	tail -n +"$((shown + 1))" "$log" | sed 's/^/    log: /'
	echo "--- cramctl dump: cramd's decisions and their reasons"
	"$b/cramctl/cramctl" dump | head -20
	kill -TERM "$cramd"
	wait "$cramd" || true
	echo "--- final: cramctl status --json"
	"$b/cramctl/cramctl" status --json
	exit 0
fi

"$top/scripts/install-deps.sh"
cd "$top"
[ -x configure ] || ./autogen.sh >/dev/null
mkdir -p build
cd build
[ -f Makefile ] || ../configure >/dev/null
make -j"$(nproc)" >/dev/null
echo "=== cram demo: 2 simulated compressed devices, 1 GiB logical / 512 MiB physical each"
exec umockdev-wrapper "$top/build/tests/harness/fake-kernel/cram-fake-kernel" \
	--devices 2 --size 1073741824 --phys 536870912 --ratio 3000 --inflow 41943040 \
	-- "$top/scripts/demo.sh" --inner "$top/build"
