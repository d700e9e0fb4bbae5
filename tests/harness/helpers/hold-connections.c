// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hold-connections SOCKET N SECONDS [DATA]
 *
 * An adversary for cramd's control socket in tests: keeps N connections
 * to SOCKET open for SECONDS, sending nothing (or DATA, without a newline,
 * so the request never ends), and opens a new one whenever cramd closes
 * one, as fast as it can. Run it as an unprivileged user (setpriv) to
 * flood the socket as that user. Prints "holding" on stdout once it has
 * tried to open all N. Exit status: 0, or 2 on usage errors.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONN 512

static int connect_one(const struct sockaddr_un *sa, const char *data)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0) {
		close(fd);
		return -1;
	}
	if (data && *data)
		send(fd, data, strlen(data), MSG_NOSIGNAL | MSG_DONTWAIT);
	return fd;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct pollfd pfd[MAX_CONN];
	const char *data = argc > 4 ? argv[4] : NULL;
	int n, i, announced = 0;
	time_t end;

	if (argc < 4 || argc > 5 || strlen(argv[1]) >= sizeof(sa.sun_path) ||
	    (n = atoi(argv[2])) <= 0 || n > MAX_CONN || atoi(argv[3]) <= 0) {
		fprintf(stderr, "usage: hold-connections SOCKET N SECONDS [DATA]\n");
		return 2;
	}
	strcpy(sa.sun_path, argv[1]);
	end = time(NULL) + atoi(argv[3]);
	for (i = 0; i < n; i++)
		pfd[i].fd = -1;
	while (time(NULL) < end) {
		for (i = 0; i < n; i++) {
			if (pfd[i].fd < 0)
				pfd[i].fd = connect_one(&sa, data);
			pfd[i].events = POLLIN;
		}
		if (!announced) {
			printf("holding\n");
			fflush(stdout);
			announced = 1;
		}
		if (poll(pfd, n, 50) < 0 && errno != EINTR)
			break;
		for (i = 0; i < n; i++) {
			char buf[512];

			if (pfd[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			/* A reply or the end: read it and reconnect at once. */
			if (recv(pfd[i].fd, buf, sizeof(buf), MSG_DONTWAIT) <= 0 ||
			    (pfd[i].revents & (POLLHUP | POLLERR))) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
			}
		}
	}
	return 0;
}
