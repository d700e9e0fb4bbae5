// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * notify-recv SOCKET SECONDS: a stand-in for systemd's notification
 * socket. Binds a datagram socket at SOCKET, prints every message it
 * receives (one line per assignment) and exits 0 after a message holding
 * STOPPING=1, or 1 when SECONDS pass without one.
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

#include "util/clock.h"

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[4096];
	long deadline;
	int fd;

	if (argc != 3 || strlen(argv[1]) >= sizeof(sa.sun_path) || atoi(argv[2]) <= 0) {
		fprintf(stderr, "usage: notify-recv SOCKET SECONDS\n");
		return 2;
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	strcpy(sa.sun_path, argv[1]);
	unlink(argv[1]);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "notify-recv: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	deadline = (long)util_now_ms() + atoi(argv[2]) * 1000L;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long left = deadline - (long)util_now_ms();
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			break;
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		printf("%s%s", buf, buf[n - 1] == '\n' ? "" : "\n");
		fflush(stdout);
		if (strstr(buf, "STOPPING=1")) {
			close(fd);
			unlink(argv[1]);
			return 0;
		}
	}
	fprintf(stderr, "notify-recv: no STOPPING=1 within %s s\n", argv[2]);
	close(fd);
	unlink(argv[1]);
	return 1;
}
