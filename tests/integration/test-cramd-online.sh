#!/bin/sh
# cramd discovers the compressed devices, onlines the configured ones as
# private nodes, programs their thresholds, and exits cleanly on SIGTERM.
. "$top_srcdir/tests/integration/lib.sh"
cram_require_umockdev

if [ "${1:-}" = --inner ]; then
	dev=/sys/bus/dax/devices

	# Only dax1.0 is configured: dax0.0 must stay offline. With
	# max_sleep_ms = 0 the thresholds are the watermarks (otherwise the
	# adaptive policy arms them where it wants to be woken).
	cram_start_cramd '[global]\npoll_interval_ms = 100\ndevices = dax1.0\n[policy]\nmax_sleep_ms = 0\n'
	cram_wait_for 10 grep -qx online $dev/dax1.0/cram/state
	cram_wait_for 5 grep -qx 2 /sys/devices/system/node/has_private_memory
	# The testbed, like a stock kernel, has demotion off: cramd says so.
	cram_assert_grep 'demotion_enabled is false: reclaim will not demote' "$CRAMD_LOG"
	cram_assert_eq "$(cat $dev/dax0.0/cram/state)" offline "unconfigured device left alone"
	# 90% and 80% of 128 MiB.
	cram_wait_for 5 grep -qx 120795955 $dev/dax1.0/cram/high_threshold_bytes
	cram_assert_eq "$(cram_read $dev/dax1.0/cram/low_threshold_bytes)" 107374182 "low threshold"
	cram_stop_cramd
	cram_assert_eq "$(cat $dev/dax1.0/cram/state)" online "node stays online after stop"

	# Default configuration: every cram device is managed.
	cram_start_cramd '[global]\npoll_interval_ms = 100\n'
	cram_wait_for 10 grep -qx online $dev/dax0.0/cram/state
	cram_wait_for 5 grep -qx 1-2 /sys/devices/system/node/has_private_memory
	cram_wait_for 5 sh -c "$CRAMCTL status | grep -c ' online ' | grep -qx 2"
	cram_wait_for 5 grep -q 'dax0.0: onlined' "$CRAMD_LOG"
	cram_stop_cramd INT

	# A [device] section (matched here by region) overrides [policy] for
	# that device only: dax1.0's thresholds move to 50%/40%.
	cram_start_cramd '[global]\npoll_interval_ms = 100\n[policy]\nmax_sleep_ms = 0\n[device region1]\nhigh_watermark_percent = 50\nlow_watermark_percent = 40\n'
	cram_wait_for 5 grep -qx 67108864 $dev/dax1.0/cram/high_threshold_bytes
	cram_assert_eq "$(cram_read $dev/dax1.0/cram/low_threshold_bytes)" 53687091 "dax1.0 low threshold"
	cram_assert_eq "$(cram_read $dev/dax0.0/cram/high_threshold_bytes)" 120795955 "dax0.0 keeps 90%"
	cram_wait_for 5 grep -q 'dax1.0: \[device\] sections apply' "$CRAMD_LOG"
	cram_stop_cramd
	exit 0
fi

cram_run_testbed --devices 2 --size 268435456 --phys 134217728 --tick-ms 20 \
	-- sh "$0" --inner
