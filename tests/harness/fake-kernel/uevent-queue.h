/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fake kernel's uevents wait here until every listener has room for
 * them (issue #13).
 *
 * umockdev_testbed_uevent() hands a uevent to every listener of the
 * testbed: each udev monitor of a process under umockdev is a unix
 * datagram socket ROOT/eventN, and umockdev sends on a non-blocking
 * socket and abort()s when sendmsg() fails, as it does with EAGAIN when a
 * listener's receive queue already holds more than net.unix.max_dgram_qlen
 * (10) datagrams. umockdev offers no way to ask first, so the queue asks
 * the kernel: it connects a socket of its own to each listener, and
 * poll() reports POLLOUT on it only while that listener's queue has room.
 * A uevent goes to umockdev only when every listener has room for it
 * (the fake kernel is the testbed's only sender, so the room is still
 * there when umockdev sends); otherwise it waits, with every uevent
 * pushed after it, until the full listener reads, which wakes the main
 * loop. Uevents go out in the order they were pushed; none is dropped.
 *
 * umockdev reads a uevent's properties from the device's uevent file when
 * it sends: a uevent that must wait keeps a copy of the file as push()
 * found it, and is sent with that copy put back in the file for the
 * moment of sending.
 *
 * Limits: a listener that never reads again holds back every uevent
 * after the one it has no room for (even those its filter would have
 * dropped); at FK_UEVENT_QUEUE_MAX waiting uevents the fake kernel gives
 * up (abort, with a message). A uevent that waited for a device whose
 * directory is gone by then (a node's "remove") is not sent: umockdev
 * finds no such device.
 */
#ifndef _FK_UEVENT_QUEUE_H_
#define _FK_UEVENT_QUEUE_H_

#include <umockdev.h>

#define FK_UEVENT_QUEUE_MAX 4096

struct fk_uevent_queue;

/* A queue in front of @tb; it waits for listeners in the default GLib main context. */
struct fk_uevent_queue *fk_uevent_queue_new(UMockdevTestbed *tb);
/* Send uevent @action for @devpath ("/sys/devices/...") once every listener has room. */
void fk_uevent_queue_push(struct fk_uevent_queue *q, const char *devpath,
			  const char *action);
/* Uevents still waiting are not sent. */
void fk_uevent_queue_free(struct fk_uevent_queue *q);

#endif /* _FK_UEVENT_QUEUE_H_ */
