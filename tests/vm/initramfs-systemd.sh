#!/bin/bash
# The systemd half of mkinitramfs.sh --systemd, sourced by it (it uses its
# $root, $debs, $here, copy_bin and die): the host's systemd as PID 1 with
# journald, udevd and the D-Bus daemon, cram installed from its Debian
# packages, and cram-vmtest.service, which runs systemd-tests.sh once the
# system is up and powers the guest off.

# Units of the host that a minimal system needs, and nothing that would
# start what the initramfs does not have.
SYSTEMD_UNITS="basic.target sysinit.target sockets.target timers.target paths.target
	local-fs.target local-fs-pre.target swap.target slices.target multi-user.target
	network.target network-pre.target shutdown.target final.target umount.target
	poweroff.target reboot.target halt.target exit.target emergency.target rescue.target
	systemd-poweroff.service systemd-journald.service systemd-journald.socket
	systemd-journald-dev-log.socket systemd-udevd.service systemd-udevd-control.socket
	systemd-udevd-kernel.socket systemd-udev-trigger.service dbus.service dbus.socket"

add_systemd_and_cram() {
	local u f deb

	for f in /lib/systemd/systemd /lib/systemd/systemd-journald \
		/lib/systemd/systemd-udevd /lib/systemd/systemd-shutdown; do
		copy_bin "$f" lib/systemd
	done
	for f in systemctl journalctl udevadm systemd-analyze systemd-notify \
		dbus-daemon setpriv; do
		copy_bin "$(command -v $f)" usr/bin
	done
	mkdir -p "$root/lib/systemd/system" "$root/etc/systemd/system/multi-user.target.wants"
	for u in $SYSTEMD_UNITS; do
		cp -P "/lib/systemd/system/$u" "$root/lib/systemd/system/" ||
			die "unit $u not found (install systemd, udev and dbus)"
	done
	ln -s multi-user.target "$root/etc/systemd/system/default.target"
	# what the host's packages enable: the logging, device and bus sockets
	mkdir -p "$root/lib/systemd/system/sockets.target.wants" \
		"$root/lib/systemd/system/sysinit.target.wants"
	for u in systemd-journald.socket systemd-journald-dev-log.socket \
		systemd-udevd-control.socket systemd-udevd-kernel.socket dbus.socket; do
		ln -s ../$u "$root/lib/systemd/system/sockets.target.wants/"
	done
	for u in systemd-journald.service systemd-udevd.service systemd-udev-trigger.service; do
		ln -s ../$u "$root/lib/systemd/system/sysinit.target.wants/"
	done
	cp -r /usr/share/dbus-1 "$root/usr/share/" 2>/dev/null ||
		{ mkdir -p "$root/usr/share" && cp -r /usr/share/dbus-1 "$root/usr/share/"; }

	# the accounts the units and the tests use
	cat >"$root/etc/passwd" <<'EOT'
root:x:0:0:root:/root:/bin/sh
messagebus:x:100:101::/nonexistent:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOT
	cat >"$root/etc/group" <<'EOT'
root:x:0:
messagebus:x:101:
nogroup:x:65534:
EOT
	printf 'passwd: files\ngroup: files\nshadow: files\n' >"$root/etc/nsswitch.conf"
	cp /etc/os-release "$root/etc/os-release"
	: >"$root/etc/machine-id"
	mkdir -p "$root/root" "$root/var/lib" "$root/var/log"

	# cram, as the operator installs it (dpkg-deb extracts what dpkg -i
	# would; the tar keeps the merged-/usr symlinks)
	for deb in "$debs"/libcram1_*.deb "$debs"/cram_*.deb; do
		[ -e "$deb" ] || die "no $(basename "$deb") in $debs"
		dpkg-deb --fsys-tarfile "$deb" | tar -x --keep-directory-symlink -C "$root" ||
			die "cannot extract $deb"
	done
	# their libraries (libsystemd, libudev, json-c, inih, libnuma, ...)
	for f in "$root/usr/sbin/cramd" "$root/usr/bin/cramctl" "$root"/usr/libexec/cram/*; do
		[ -x "$f" ] || continue
		for u in $(ldd "$f" | grep -oE '/[^ ]+'); do
			[ -e "$root$u" ] && continue
			mkdir -p "$root$(dirname "$u")"
			cp -L "$u" "$root$u"
		done
	done

	# the test driver: after the system is up, print to the console, then
	# power off (the host counts the VMTEST lines)
	cat >"$root/etc/systemd/system/cram-vmtest.service" <<'EOT'
[Unit]
Description=cram VM tests under systemd
After=basic.target dbus.service systemd-udevd.service systemd-journald.service
Wants=dbus.service systemd-udevd.service

[Service]
Type=oneshot
ExecStart=/bin/sh /vmtests/systemd-tests.sh
ExecStopPost=/bin/systemctl --no-block poweroff
StandardOutput=tty
StandardError=tty
TTYPath=/dev/console
TimeoutStartSec=infinity
EOT
	ln -s ../cram-vmtest.service "$root/etc/systemd/system/multi-user.target.wants/"
	ln -s lib/systemd/systemd "$root/init"

	# busybox for every other command the tests use
	for u in $("$root/bin/busybox" --list); do
		[ -e "$root/usr/bin/$u" ] || [ -e "$root/usr/sbin/$u" ] ||
			ln -s busybox "$root/usr/bin/$u"
	done
}
