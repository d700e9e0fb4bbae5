// SPDX-License-Identifier: GPL-2.0-or-later
/* cramd's control socket; see control-socket.h. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control-socket.h"
#include "log.h"
#include "utf8.h"

/* A refused client's input read and thrown away, at most, before closing. */
#define DRAIN_MAX (64 * 1024)
/* Connections accepted per wake-up, so that a flood cannot hold the loop. */
#define ACCEPT_BATCH 32
/* Refusals are logged at most this often, with their number. */
#define REFUSAL_LOG_USEC (10 * 1000 * 1000ULL)
#define TIMEOUT_USEC (CRAM_CONTROL_REQUEST_TIMEOUT_MS * 1000ULL)

enum phase {
	READING,	/* waiting for the request line */
	PENDING,	/* the handler has not answered yet; input is not read */
	SENDING,	/* the reply is going out */
	DRAINING,	/* reply sent, write side shut: reading input until EOF */
};

struct client {
	struct cramd_control *ctl;
	struct client *next;
	int fd;
	uid_t uid;
	bool in_slot;		/* counted in the served slots (false: refused) */
	enum phase phase;
	sd_event_source *io;
	sd_event_source *timer;
	char *in;		/* CRAMD_REQUEST_MAX + 1 bytes, for served clients */
	size_t in_len;
	struct cramd_control_reply *pending;
	char *out;		/* reply being sent */
	size_t out_len, out_off;
	size_t drained;
};

struct cramd_control_reply {
	struct client *cl;	/* NULL once the client is gone */
	struct json_object *obj;
};

struct cramd_control {
	sd_event *ev;
	char *path;
	int fd;
	sd_event_source *io;
	cramd_control_handler handler;
	void *userdata;
	struct client *clients;
	unsigned int n_slots;		/* served clients */
	unsigned int n_refused;		/* clients kept only to get their refusal */
	uint64_t refusal_logged_usec;
	unsigned long refusals;		/* since the last log line about them */
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
	if (cl->in_slot)
		cl->ctl->n_slots--;
	else
		cl->ctl->n_refused--;
	if (cl->pending)
		cl->pending->cl = NULL;	/* its done() will only free it */
	sd_event_source_disable_unref(cl->io);
	sd_event_source_disable_unref(cl->timer);
	close(cl->fd);
	free(cl->in);
	free(cl->out);
	free(cl);
}

static int client_timeout(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct client *cl = userdata;

	if (cl->phase == READING)
		cramd_log(LOG_INFO, "control: dropped uid %u: no request within %d s",
			  (unsigned int)cl->uid, CRAM_CONTROL_REQUEST_TIMEOUT_MS / 1000);
	client_free(cl);
	return 0;
}

/* (Re)starts the one timer of @cl: the request, or the reply and the drain. */
static int client_arm_timer(struct client *cl)
{
	sd_event_source_disable_unref(cl->timer);
	cl->timer = NULL;
	return sd_event_add_time_relative(cl->ctl->ev, &cl->timer, CLOCK_MONOTONIC,
					  TIMEOUT_USEC, 0, client_timeout, cl);
}

/*
 * The reply is out: shut the write side so the client sees its end, and
 * read what it still sends until it closes, so that it never meets a
 * reset before it has read the reply.
 */
static void client_drain(struct client *cl)
{
	char buf[4096];
	ssize_t n;

	if (cl->phase != DRAINING) {
		cl->phase = DRAINING;
		shutdown(cl->fd, SHUT_WR);
		sd_event_source_set_io_events(cl->io, EPOLLIN);
	}
	for (;;) {
		n = recv(cl->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0 || (cl->drained += (size_t)n) > DRAIN_MAX)
			break;
	}
	client_free(cl);
}

/* Sends what is left of the reply, then drains. */
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
		if (n <= 0) {
			client_free(cl);	/* the client went away */
			return;
		}
		cl->out_off += n;
	}
	client_drain(cl);
}

/* Queues @reply (consumed) and starts sending it. */
static void client_send(struct client *cl, struct json_object *reply)
{
	const char *s = reply ? json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PLAIN |
							       JSON_C_TO_STRING_NOSLASHESCAPE) : NULL;
	size_t len = s ? strlen(s) : 0;

	cl->out = s ? malloc(len + 1) : NULL;
	if (cl->out) {
		memcpy(cl->out, s, len);
		cl->out[len] = '\n';
		cl->out_len = len + 1;
	}
	json_object_put(reply);
	cl->phase = SENDING;
	if (client_arm_timer(cl) < 0 || sd_event_source_set_enabled(cl->io, SD_EVENT_ON) < 0) {
		client_free(cl);
		return;
	}
	client_flush(cl);
}

/* {"ok": false, "error": @msg}, @msg escaped unless it is printable UTF-8 already. */
static struct json_object *error_reply(const char *msg)
{
	struct json_object *reply = json_object_new_object();
	size_t len = strlen(msg);
	char safe[512];

	if (!cramd_utf8_printable(msg, len))
		msg = cramd_utf8_escape(safe, sizeof(safe), msg, len, sizeof(safe));
	if (reply) {
		json_object_object_add(reply, CRAM_KEY_OK, json_object_new_boolean(false));
		json_object_object_add(reply, CRAM_KEY_ERROR, json_object_new_string(msg));
	}
	return reply;
}

static void client_error(struct client *cl, const char *msg)
{
	client_send(cl, error_reply(msg));
}

struct json_object *cramd_control_reply_object(struct cramd_control_reply *r)
{
	return r->obj;
}

void cramd_control_reply_done(struct cramd_control_reply *r, int rc, const char *err)
{
	struct client *cl = r->cl;
	struct json_object *obj = r->obj;

	free(r);
	if (!cl) {
		json_object_put(obj);	/* the client is gone: the result stays unsaid */
		return;
	}
	cl->pending = NULL;
	if (rc == 0 && obj) {
		json_object_object_add(obj, CRAM_KEY_OK, json_object_new_boolean(true));
		client_send(cl, obj);
		return;
	}
	json_object_put(obj);
	if (rc == 0)
		err = "out of memory";
	client_error(cl, err && *err ? err : strerror(-rc));
}

static void client_handle(struct client *cl, size_t len)
{
	struct cramd_control *ctl = cl->ctl;
	struct cramd_control_reply *r;
	struct cramd_request req;
	char err[256];
	int rc;

	rc = cramd_request_parse(cl->in, len, &req, err, sizeof(err));
	if (rc < 0) {
		/* @err is escaped by the parser: safe to log. */
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
	r = calloc(1, sizeof(*r));
	if (!r) {
		client_error(cl, "out of memory");
		return;
	}
	r->cl = cl;
	r->obj = json_object_new_object();
	cl->pending = r;
	cl->phase = PENDING;
	/* Until the reply, nothing more is read and no timer runs. */
	sd_event_source_set_enabled(cl->io, SD_EVENT_OFF);
	sd_event_source_disable_unref(cl->timer);
	cl->timer = NULL;
	/* The handler may answer at once, and @cl may be freed then: do not touch it after. */
	ctl->handler(ctl->userdata, &req, r);
}

static int client_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct client *cl = userdata;
	char *nl;
	ssize_t n;

	if (cl->phase == SENDING) {
		client_flush(cl);
		return 0;
	}
	if (cl->phase == DRAINING) {
		client_drain(cl);
		return 0;
	}
	n = recv(fd, cl->in + cl->in_len, CRAMD_REQUEST_MAX + 1 - cl->in_len, MSG_DONTWAIT);
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
	} else if (cl->in_len == CRAMD_REQUEST_MAX + 1) {
		client_handle(cl, cl->in_len);	/* refused as too long, without waiting */
	} else if (n == 0) {
		/* End of input without a newline: take what came. */
		if (cl->in_len)
			client_handle(cl, cl->in_len);
		else
			client_free(cl);
	}
	return 0;
}

/* Whether a connection of @uid may take a slot now. */
static bool may_serve(const struct cramd_control *ctl, uid_t uid)
{
	const struct client *cl;
	unsigned int mine = 0, others = 0;

	if (ctl->n_slots >= CRAMD_CONTROL_MAX_CLIENTS)
		return false;
	if (uid == 0)
		return true;
	for (cl = ctl->clients; cl; cl = cl->next) {
		if (!cl->in_slot || cl->uid == 0)
			continue;
		others++;
		if (cl->uid == uid)
			mine++;
	}
	return mine < CRAMD_CONTROL_MAX_PER_UID &&
	       others < CRAMD_CONTROL_MAX_CLIENTS - CRAMD_CONTROL_ROOT_RESERVED;
}

/*
 * Frees the clients whose peer has closed its socket and that have no
 * request left to serve: nobody is left to read their reply, and a flood
 * that has just ended must not keep the slots it held until the loop gets
 * to their hang-ups. One poll(2) for all of them, without waiting; a
 * request in the handler goes on, only its reply is dropped. Returns how
 * many were freed.
 */
static unsigned int reap_hung_up(struct cramd_control *ctl)
{
	struct pollfd pfd[CRAMD_CONTROL_MAX_CLIENTS + CRAMD_CONTROL_MAX_REFUSED];
	struct client *who[CRAMD_CONTROL_MAX_CLIENTS + CRAMD_CONTROL_MAX_REFUSED];
	struct client *cl;
	unsigned int n = 0, i, freed = 0;

	for (cl = ctl->clients; cl && n < sizeof(pfd) / sizeof(pfd[0]); cl = cl->next) {
		pfd[n].fd = cl->fd;
		pfd[n].events = 0;	/* POLLHUP and POLLERR are always reported */
		who[n++] = cl;
	}
	if (n == 0 || poll(pfd, n, 0) <= 0)
		return 0;
	for (i = 0; i < n; i++) {
		char c;

		if (!(pfd[i].revents & (POLLHUP | POLLERR | POLLNVAL)))
			continue;
		/* A request sent before the close is still served. */
		if (who[i]->phase == READING &&
		    (who[i]->in_len || recv(who[i]->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) > 0))
			continue;
		client_free(who[i]);
		freed++;
	}
	return freed;
}

/* One line now and then for a storm of refusals, not one per connection. */
static void log_refusal(struct cramd_control *ctl, uid_t uid)
{
	uint64_t now = 0;

	ctl->refusals++;
	sd_event_now(ctl->ev, CLOCK_MONOTONIC, &now);
	if (ctl->refusal_logged_usec && now - ctl->refusal_logged_usec < REFUSAL_LOG_USEC)
		return;
	cramd_log(LOG_WARNING, "control: busy: refused %lu connection%s (the last from uid %u); "
		  "%u served at once, %u per user, %u kept for root", ctl->refusals,
		  ctl->refusals == 1 ? "" : "s", (unsigned int)uid, CRAMD_CONTROL_MAX_CLIENTS,
		  CRAMD_CONTROL_MAX_PER_UID, CRAMD_CONTROL_ROOT_RESERVED);
	ctl->refusal_logged_usec = now ? now : 1;
	ctl->refusals = 0;
}

static void accept_one(struct cramd_control *ctl, int cfd)
{
	static const char busy[] = "busy: too many connections";
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct client *cl;
	bool serve;

	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		close(cfd);
		return;
	}
	serve = may_serve(ctl, cred.uid);
	if (!serve && reap_hung_up(ctl))
		serve = may_serve(ctl, cred.uid);
	if (!serve)
		log_refusal(ctl, cred.uid);
	if (!serve && ctl->n_refused >= CRAMD_CONTROL_MAX_REFUSED) {
		/* Too many to wait for: say it once, if the socket takes it, and close. */
		struct json_object *reply = error_reply(busy);
		char line[128];
		int n = snprintf(line, sizeof(line), "%s\n", reply ?
				 json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PLAIN) : "");

		if (n > 1 && (size_t)n < sizeof(line))
			send(cfd, line, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
		json_object_put(reply);
		close(cfd);
		return;
	}
	cl = calloc(1, sizeof(*cl));
	if (cl && serve)
		cl->in = malloc(CRAMD_REQUEST_MAX + 1);
	if (!cl || (serve && !cl->in)) {
		free(cl);
		close(cfd);
		return;
	}
	cl->ctl = ctl;
	cl->fd = cfd;
	cl->uid = cred.uid;
	cl->in_slot = serve;
	cl->next = ctl->clients;
	ctl->clients = cl;
	if (serve)
		ctl->n_slots++;
	else
		ctl->n_refused++;
	if (sd_event_add_io(ctl->ev, &cl->io, cfd, EPOLLIN, client_io, cl) < 0) {
		client_free(cl);
		return;
	}
	if (!serve) {
		client_error(cl, busy);
		return;
	}
	cl->phase = READING;
	if (client_arm_timer(cl) < 0)
		client_free(cl);
}

static int control_accept(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct cramd_control *ctl = userdata;
	int i;

	for (i = 0; i < ACCEPT_BATCH; i++) {
		int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (cfd < 0)
			break;
		accept_one(ctl, cfd);
	}
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
	    chmod(path, 0666) < 0 || listen(ctl->fd, CRAMD_CONTROL_MAX_REFUSED) < 0) {
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
