#!/bin/sh
# The kernel's uevent helper in the guest: log cram events of dax devices.
[ "$SUBSYSTEM" = dax ] || exit 0
echo "$ACTION ${DEVPATH##*/} ${CRAM_EVENT:-}" >>/tmp/uevents
