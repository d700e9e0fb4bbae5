// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A bounded FIFO of uevents in front of umockdev_testbed_uevent(), sent
 * only while every listener's socket has room: see uevent-queue.h.
 */
#include <errno.h>
#include <glob.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib.h>
#include <glib-unix.h>

#include "binding.h"
#include "uevent-queue.h"

struct fk_uevent {
	char *devpath;
	char *action;
	char *props;		/* the uevent file when pushed; NULL: none */
};

struct fk_uevent_queue {
	UMockdevTestbed *tb;
	char *root;
	struct fk_uevent ring[FK_UEVENT_QUEUE_MAX];
	size_t head, len;
	int wait_fd;		/* socket connected to the full listener, or -1 */
	guint watch;		/* its POLLOUT watch, or 0 */
};

static char *uevent_file(struct fk_uevent_queue *q, const char *devpath)
{
	return g_build_filename(q->root, devpath, "uevent", NULL);
}

static char *read_props(const char *path)
{
	char *props = NULL;

	if (!g_file_get_contents(path, &props, NULL, NULL))
		return NULL;
	return props;
}

/*
 * Has the listener at @path room for one more datagram? 1: yes (or it is
 * gone, which umockdev handles), 0: no, and *@fd is a socket whose POLLOUT
 * says when it has.
 */
static int listener_has_room(const char *path, int *fd)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct pollfd pfd = { .events = POLLOUT };

	if (strlen(path) >= sizeof(addr.sun_path))
		return 1;
	strcpy(addr.sun_path, path);
	pfd.fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (pfd.fd < 0) {
		fk_log("uevent queue: socket: %s", strerror(errno));
		return 1;
	}
	if (connect(pfd.fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    poll(&pfd, 1, 0) < 0 || (pfd.revents & POLLOUT)) {
		close(pfd.fd);
		return 1;
	}
	*fd = pfd.fd;
	return 0;
}

/* Has every listener room for one more uevent? If not, q->wait_fd is set. */
static bool listeners_have_room(struct fk_uevent_queue *q)
{
	char *pattern = g_build_filename(q->root, "event[0-9]*", NULL);
	bool room = true;
	glob_t gl = { 0 };
	size_t i;

	if (glob(pattern, GLOB_NOSORT, NULL, &gl) == 0) {
		for (i = 0; i < gl.gl_pathc && room; i++)
			room = listener_has_room(gl.gl_pathv[i], &q->wait_fd);
	}
	globfree(&gl);
	g_free(pattern);
	return room;
}

/* Send @ev with its own properties in the uevent file, then put the file back. */
static void send_one(struct fk_uevent_queue *q, const struct fk_uevent *ev)
{
	char *path = uevent_file(q, ev->devpath);
	char *now = read_props(path);
	bool swap = ev->props && now && strcmp(ev->props, now);
	int rc;

	if (swap && (rc = fk_write_atomic(path, ev->props)) < 0)
		fk_log("cannot write %s: %s", path, strerror(-rc));
	umockdev_testbed_uevent(q->tb, ev->devpath, ev->action);
	if (swap && (rc = fk_write_atomic(path, now)) < 0)
		fk_log("cannot write %s: %s", path, strerror(-rc));
	g_free(now);
	g_free(path);
}

static gboolean on_room(gint fd, GIOCondition cond, gpointer data);

/* Wake on_room() when the listener of q->wait_fd has room. */
static void wait_for_room(struct fk_uevent_queue *q)
{
	q->watch = g_unix_fd_add(q->wait_fd, G_IO_OUT | G_IO_ERR | G_IO_HUP, on_room, q);
}

/* Send from the head while every listener has room; else wait for room. */
static void drain(struct fk_uevent_queue *q)
{
	struct fk_uevent *ev;

	while (q->len) {
		if (!listeners_have_room(q)) {
			wait_for_room(q);
			return;
		}
		ev = &q->ring[q->head];
		send_one(q, ev);
		g_free(ev->devpath);
		g_free(ev->action);
		g_free(ev->props);
		q->head = (q->head + 1) % FK_UEVENT_QUEUE_MAX;
		q->len--;
	}
}

static gboolean on_room(gint fd, GIOCondition cond, gpointer data)
{
	struct fk_uevent_queue *q = data;

	close(q->wait_fd);
	q->wait_fd = -1;
	q->watch = 0;
	drain(q);
	return G_SOURCE_REMOVE;
}

struct fk_uevent_queue *fk_uevent_queue_new(UMockdevTestbed *tb)
{
	struct fk_uevent_queue *q = g_new0(struct fk_uevent_queue, 1);

	q->tb = tb;
	q->root = umockdev_testbed_get_root_dir(tb);
	q->wait_fd = -1;
	return q;
}

void fk_uevent_queue_push(struct fk_uevent_queue *q, const char *devpath,
			  const char *action)
{
	struct fk_uevent *ev;
	char *path;

	/*
	 * Nothing waits: at once when every listener has room (the uevent
	 * file is as it is now), else it waits with the file as it is now.
	 * While uevents wait, on_room() sends them, in order.
	 */
	if (!q->len) {
		if (listeners_have_room(q)) {
			umockdev_testbed_uevent(q->tb, devpath, action);
			return;
		}
		wait_for_room(q);
	}
	if (q->len == FK_UEVENT_QUEUE_MAX) {
		fk_log("uevent queue: %d uevents wait for a listener that does not read: giving up",
		       FK_UEVENT_QUEUE_MAX);
		abort();
	}
	ev = &q->ring[(q->head + q->len) % FK_UEVENT_QUEUE_MAX];
	path = uevent_file(q, devpath);
	*ev = (struct fk_uevent){
		.devpath = g_strdup(devpath),
		.action = g_strdup(action),
		.props = read_props(path),
	};
	g_free(path);
	q->len++;
}

void fk_uevent_queue_free(struct fk_uevent_queue *q)
{
	if (!q)
		return;
	if (q->watch)
		g_source_remove(q->watch);
	if (q->wait_fd >= 0)
		close(q->wait_fd);
	for (; q->len; q->len--, q->head = (q->head + 1) % FK_UEVENT_QUEUE_MAX) {
		g_free(q->ring[q->head].devpath);
		g_free(q->ring[q->head].action);
		g_free(q->ring[q->head].props);
	}
	g_free(q->root);
	g_free(q);
}
