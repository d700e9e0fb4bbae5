// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * send-request [--uid UID] [--delay-ms MS] SOCKET DATA
 *
 * A raw client of cramd's control socket for tests: optionally drops to
 * UID first (so the daemon sees that peer), connects, sends DATA (a C
 * string with \n, \t, \\ and \xHH escapes) after an optional delay, and
 * prints whatever comes back until the daemon closes the connection.
 * Exit status: 0 when a reply came, 1 when the connection was closed
 * without one, 2 on usage or connection errors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static size_t unescape(const char *in, char *out)
{
	size_t n = 0;

	while (*in) {
		if (in[0] == '\\' && in[1]) {
			in++;
			if (*in == 'n')
				out[n++] = '\n';
			else if (*in == 't')
				out[n++] = '\t';
			else if (*in == 'x' && in[1] && in[2]) {
				char hex[3] = { in[1], in[2], 0 };

				out[n++] = (char)strtol(hex, NULL, 16);
				in += 2;
			} else {
				out[n++] = *in;
			}
			in++;
		} else {
			out[n++] = *in++;
		}
	}
	return n;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	long uid = -1, delay_ms = 0;
	int i = 1, fd, got = 0;
	char *data, buf[4096];
	size_t len;
	ssize_t n;

	for (; i < argc - 2; i++) {
		if (strcmp(argv[i], "--uid") == 0 && i + 1 < argc - 2)
			uid = atol(argv[++i]);
		else if (strcmp(argv[i], "--delay-ms") == 0 && i + 1 < argc - 2)
			delay_ms = atol(argv[++i]);
		else
			break;
	}
	if (argc - i != 2 || strlen(argv[i]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: send-request [--uid UID] [--delay-ms MS] SOCKET DATA\n");
		return 2;
	}
	if (uid >= 0 && (setgid((gid_t)uid) < 0 || setuid((uid_t)uid) < 0)) {
		perror("send-request: setuid");
		return 2;
	}
	strcpy(sa.sun_path, argv[i]);
	data = malloc(strlen(argv[i + 1]) + 1);
	if (!data)
		return 2;
	len = unescape(argv[i + 1], data);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "send-request: %s: %s\n", argv[i], strerror(errno));
		return 2;
	}
	if (delay_ms) {
		struct timespec ts = { delay_ms / 1000, (delay_ms % 1000) * 1000000 };

		nanosleep(&ts, NULL);
	}
	if (len && send(fd, data, len, MSG_NOSIGNAL) < 0)
		fprintf(stderr, "send-request: send: %s\n", strerror(errno));
	free(data);
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		fwrite(buf, 1, (size_t)n, stdout);
		got = 1;
	}
	close(fd);
	return got ? 0 : 1;
}
