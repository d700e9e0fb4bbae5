// SPDX-License-Identifier: GPL-2.0-or-later
/* cramctl's side of cramd's control socket. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../cramd/config.h"
#include "client.h"

#define REPLY_MAX (1024 * 1024)
#define TIMEOUT_MS 5000
/*
 * online and offline wait for the kernel: cramd answers an offline after
 * at most its offline_timeout_ms and the kernel's rollback, and an online
 * after its discovery helper (at most 10 s) and the online write.
 */
#define KERNEL_TIMEOUT_MS (CRAMD_OFFLINE_TIMEOUT_MS_MAX + 15000)

const char *client_socket_path(void)
{
	const char *p = getenv("CRAMD_SOCKET");

	return p && *p ? p : RUNSTATEDIR "/cramd/cramd.sock";
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

static int send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
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
			char *nb = cap < REPLY_MAX ? realloc(buf, cap * 2) : NULL;

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
		if (n < 0 && errno == EINTR)
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

/* Sends the request line of @request and reads the reply line; see client_call(). */
static int exchange(struct json_object *request, int timeout_ms, struct json_object **reply)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = client_socket_path();
	const char *req;
	char *line;
	int fd, rc;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	req = json_object_to_json_string_ext(request, JSON_C_TO_STRING_PLAIN);
	rc = send_all(fd, req, strlen(req));
	if (rc == 0)
		rc = send_all(fd, "\n", 1);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	line = recv_line(fd, timeout_ms);
	rc = line ? 0 : -errno;
	close(fd);
	if (rc < 0)
		return rc;
	*reply = json_tokener_parse(line);
	free(line);
	if (!*reply || !json_object_is_type(*reply, json_type_object)) {
		json_object_put(*reply);
		*reply = NULL;
		return -EPROTO;
	}
	return 0;
}

int client_call(const char *command, const char *device, struct json_object **reply)
{
	struct json_object *req = json_object_new_object();
	int rc;

	*reply = NULL;
	if (!req)
		return -ENOMEM;
	json_object_object_add(req, "command", json_object_new_string(command));
	if (device)
		json_object_object_add(req, "device", json_object_new_string(device));
	rc = exchange(req, strcmp(command, "online") && strcmp(command, "offline") ?
			   TIMEOUT_MS : KERNEL_TIMEOUT_MS, reply);
	json_object_put(req);
	return rc;
}
