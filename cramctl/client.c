// SPDX-License-Identifier: GPL-2.0-or-later
/* cramctl's side of cramd's control socket. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../shared/control-protocol.h"
#include "client.h"

const char *client_socket_path(void)
{
	const char *p = getenv(CRAM_CONTROL_SOCKET_ENV);

	return p && *p ? p : CRAM_CONTROL_SOCKET_PATH;
}

static int wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int rc;

	do
		rc = poll(&pfd, 1, timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -errno;
	return rc == 0 ? -ETIMEDOUT : 0;
}

/* Sends all of @buf, waiting at most @timeout_ms whenever a non-blocking @fd is full. */
static int send_all(int fd, const char *buf, size_t len, int timeout_ms)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		int rc;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			rc = wait_fd(fd, POLLOUT, timeout_ms);
			if (rc < 0)
				return rc;
			continue;
		}
		if (n < 0)
			return -errno;
		buf += n;
		len -= n;
	}
	return 0;
}

/*
 * Reads up to EOF or a newline, waiting at most @timeout_ms for each part.
 * Returns the malloc'ed text or NULL (errno set).
 */
static char *recv_line(int fd, int timeout_ms)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);

	while (buf) {
		ssize_t n;
		int rc;

		if (len + 1 == cap) {
			char *nb = cap < CRAM_CONTROL_REPLY_MAX ? realloc(buf, cap * 2) : NULL;

			if (!nb) {
				free(buf);
				errno = EPROTO;
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		rc = wait_fd(fd, POLLIN, timeout_ms);
		if (rc < 0) {
			free(buf);
			errno = -rc;
			return NULL;
		}
		n = recv(fd, buf + len, cap - 1 - len, 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			free(buf);
			return NULL;
		}
		len += n;
		if (n == 0 || memchr(buf + len - n, '\n', n))
			break;
	}
	if (buf)
		buf[len] = '\0';
	return buf;
}

/*
 * Sends the request line of @request and reads the reply line; see
 * client_call(). With @nonblock, a full listen backlog (a stopped cramd)
 * fails at once with -EAGAIN instead of blocking in connect().
 */
static int exchange(struct json_object *request, int timeout_ms, bool nonblock,
		    struct json_object **reply)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = client_socket_path();
	const char *req;
	char *line;
	int fd, rc;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	req = json_object_to_json_string_ext(request, JSON_C_TO_STRING_PLAIN);
	rc = send_all(fd, req, strlen(req), timeout_ms);
	if (rc == 0)
		rc = send_all(fd, "\n", 1, timeout_ms);
	/*
	 * cramd may have refused the request before reading all of it (busy,
	 * too long): its reply says why, so read it even when the send failed.
	 */
	if (rc < 0 && rc != -EPIPE && rc != -ECONNRESET) {
		close(fd);
		return rc;
	}
	line = recv_line(fd, timeout_ms);
	if (!line || !*line) {
		if (rc == 0)
			rc = line ? -EPROTO : -errno;
		free(line);
		close(fd);
		return rc;
	}
	close(fd);
	*reply = json_tokener_parse(line);
	free(line);
	if (!*reply || !json_object_is_type(*reply, json_type_object)) {
		json_object_put(*reply);
		*reply = NULL;
		return -EPROTO;
	}
	return 0;
}

/* {"command": @command[, "device": @device]} sent through exchange(). */
static int call(const char *command, const char *device, int timeout_ms, bool nonblock,
		struct json_object **reply)
{
	struct json_object *req = json_object_new_object();
	int rc;

	*reply = NULL;
	if (!req)
		return -ENOMEM;
	json_object_object_add(req, CRAM_KEY_COMMAND, json_object_new_string(command));
	if (device)
		json_object_object_add(req, CRAM_KEY_DEVICE, json_object_new_string(device));
	rc = exchange(req, timeout_ms, nonblock, reply);
	json_object_put(req);
	return rc;
}

int client_call(const char *command, const char *device, struct json_object **reply)
{
	return call(command, device, strcmp(command, CRAM_CMD_ONLINE) &&
		    strcmp(command, CRAM_CMD_OFFLINE) && strcmp(command, CRAM_CMD_RELEASE) ?
		    CRAM_CONTROL_REPLY_TIMEOUT_MS : CRAM_CONTROL_KERNEL_REPLY_TIMEOUT_MS, false,
		    reply);
}

int client_call_quick(const char *command, int timeout_ms, struct json_object **reply)
{
	return call(command, NULL, timeout_ms, true, reply);
}
