// SPDX-License-Identifier: GPL-2.0-or-later
/* cramd's control socket; see control.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "log.h"

struct client {
	struct cramd_control *ctl;
	struct client *next;
	int fd;
	uid_t uid;
	sd_event_source *io;
	sd_event_source *timer;
	char in[CRAMD_REQUEST_MAX + 1];
	size_t in_len;
	char *out;		/* reply being sent */
	size_t out_len, out_off;
};

struct cramd_control {
	sd_event *ev;
	char *path;
	int fd;
	sd_event_source *io;
	cramd_control_handler handler;
	void *userdata;
	struct client *clients;
	unsigned int n_clients;
};

static void client_free(struct client *cl)
{
	struct client **p;

	for (p = &cl->ctl->clients; *p; p = &(*p)->next) {
		if (*p == cl) {
			*p = cl->next;
			break;
		}
	}
	cl->ctl->n_clients--;
	sd_event_source_disable_unref(cl->io);
	sd_event_source_disable_unref(cl->timer);
	close(cl->fd);
	free(cl->out);
	free(cl);
}

/* Sends what is left of the reply; frees the client once it is all out. */
static void client_flush(struct client *cl)
{
	while (cl->out_off < cl->out_len) {
		ssize_t n = send(cl->fd, cl->out + cl->out_off, cl->out_len - cl->out_off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			sd_event_source_set_io_events(cl->io, EPOLLOUT);
			return;
		}
		if (n <= 0)
			break;	/* the client went away: nothing more to do */
		cl->out_off += n;
	}
	client_free(cl);
}

/* Queues @reply (consumed) and starts sending it. */
static void client_reply(struct client *cl, struct json_object *reply)
{
	const char *s = json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PLAIN |
							JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t len = strlen(s);

	cl->out = malloc(len + 1);
	if (cl->out) {
		memcpy(cl->out, s, len);
		cl->out[len] = '\n';
		cl->out_len = len + 1;
	}
	json_object_put(reply);
	sd_event_source_disable_unref(cl->timer);
	cl->timer = NULL;
	client_flush(cl);
}

static void client_error(struct client *cl, const char *msg)
{
	struct json_object *reply = json_object_new_object();

	json_object_object_add(reply, "ok", json_object_new_boolean(false));
	json_object_object_add(reply, "error", json_object_new_string(msg));
	client_reply(cl, reply);
}

static void client_handle(struct client *cl, size_t len)
{
	struct cramd_control *ctl = cl->ctl;
	struct json_object *reply;
	struct cramd_request req;
	char err[256];
	int rc;

	rc = cramd_request_parse(cl->in, len, &req, err, sizeof(err));
	if (rc < 0) {
		cramd_log(LOG_INFO, "control: refused request from uid %u: %s",
			  (unsigned int)cl->uid, err);
		client_error(cl, err);
		return;
	}
	if (cramd_request_mutates(req.command) && cl->uid != 0) {
		snprintf(err, sizeof(err), "permission denied: \"%s\" needs root",
			 cramd_command_name(req.command));
		cramd_log(LOG_NOTICE, "control: uid %u may not %s", (unsigned int)cl->uid,
			  cramd_command_name(req.command));
		client_error(cl, err);
		return;
	}
	reply = json_object_new_object();
	if (!reply) {
		client_error(cl, "out of memory");
		return;
	}
	err[0] = '\0';
	rc = ctl->handler(ctl->userdata, &req, reply, err, sizeof(err));
	if (rc < 0) {
		json_object_put(reply);
		client_error(cl, err[0] ? err : strerror(-rc));
		return;
	}
	json_object_object_add(reply, "ok", json_object_new_boolean(true));
	client_reply(cl, reply);
}

static int client_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct client *cl = userdata;
	char *nl;
	ssize_t n;

	if (cl->out) {
		client_flush(cl);
		return 0;
	}
	n = recv(fd, cl->in + cl->in_len, sizeof(cl->in) - cl->in_len, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n < 0) {
		client_free(cl);
		return 0;
	}
	cl->in_len += n;
	nl = memchr(cl->in, '\n', cl->in_len);
	if (nl) {
		client_handle(cl, nl - cl->in + 1);
	} else if (cl->in_len == sizeof(cl->in)) {
		client_error(cl, "request longer than 4096 bytes");
	} else if (n == 0) {
		/* End of input without a newline: take what came. */
		if (cl->in_len)
			client_handle(cl, cl->in_len);
		else
			client_free(cl);
	}
	return 0;
}

static int client_timeout(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct client *cl = userdata;

	cramd_log(LOG_INFO, "control: dropped uid %u: no request within %d s",
		  (unsigned int)cl->uid, CRAMD_CONTROL_TIMEOUT_USEC / 1000000);
	client_free(cl);
	return 0;
}

static int control_accept(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct cramd_control *ctl = userdata;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct client *cl;
	int cfd, rc;

	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0)
		return 0;
	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		close(cfd);
		return 0;
	}
	cl = calloc(1, sizeof(*cl));
	if (!cl) {
		close(cfd);
		return 0;
	}
	cl->ctl = ctl;
	cl->fd = cfd;
	cl->uid = cred.uid;
	cl->next = ctl->clients;
	ctl->clients = cl;
	ctl->n_clients++;
	if (ctl->n_clients > CRAMD_CONTROL_MAX_CLIENTS) {
		client_error(cl, "busy: too many connections");
		return 0;
	}
	rc = sd_event_add_io(ctl->ev, &cl->io, cfd, EPOLLIN, client_io, cl);
	if (rc >= 0)
		rc = sd_event_add_time_relative(ctl->ev, &cl->timer, CLOCK_MONOTONIC,
						CRAMD_CONTROL_TIMEOUT_USEC, 0, client_timeout, cl);
	if (rc < 0)
		client_free(cl);
	return 0;
}

int cramd_control_new(struct cramd_control **out, sd_event *ev, const char *path,
		      cramd_control_handler handler, void *userdata)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct cramd_control *ctl;
	struct stat st;
	int rc;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;
		unlink(path);
	}
	ctl = calloc(1, sizeof(*ctl));
	if (!ctl)
		return -ENOMEM;
	ctl->ev = ev;
	ctl->handler = handler;
	ctl->userdata = userdata;
	ctl->path = strdup(path);
	ctl->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (!ctl->path || ctl->fd < 0) {
		rc = ctl->path ? -errno : -ENOMEM;
		goto fail;
	}
	strcpy(sa.sun_path, path);
	if (bind(ctl->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, 0666) < 0 || listen(ctl->fd, CRAMD_CONTROL_MAX_CLIENTS) < 0) {
		rc = -errno;
		goto fail;
	}
	rc = sd_event_add_io(ev, &ctl->io, ctl->fd, EPOLLIN, control_accept, ctl);
	if (rc < 0)
		goto fail;
	*out = ctl;
	return 0;
fail:
	if (ctl->fd >= 0)
		close(ctl->fd);
	free(ctl->path);
	free(ctl);
	return rc;
}

void cramd_control_free(struct cramd_control *ctl)
{
	if (!ctl)
		return;
	while (ctl->clients)
		client_free(ctl->clients);
	sd_event_source_disable_unref(ctl->io);
	close(ctl->fd);
	unlink(ctl->path);
	free(ctl->path);
	free(ctl);
}
