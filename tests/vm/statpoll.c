// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * statpoll: the telemetry sampler of the cram VM tests.
 *
 *   statpoll FILE SECONDS INTERVAL_MS [MIN_FIELDS]
 *
 * Reads FILE (kept open and re-read from offset 0, which has sysfs
 * generate the attribute afresh) every INTERVAL_MS milliseconds for
 * SECONDS seconds and prints one line
 *
 *   samples=N hz=H max_gap_ms=G bad=B
 *
 * where G is the longest time between the ends of two consecutive reads
 * (a read that blocks shows up there) and B counts the reads that failed
 * or carried fewer than MIN_FIELDS space-separated fields (default 1).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int fields(const char *s)
{
	int n = 0, in = 0;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\n') {
			in = 0;
		} else if (!in) {
			in = 1;
			n++;
		}
	}
	return n;
}

int main(int argc, char **argv)
{
	struct timespec pause;
	double start, prev, t, gap, max_gap = 0;
	long samples = 0, bad = 0;
	int fd, min_fields;
	char buf[512];
	ssize_t len;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: statpoll FILE SECONDS INTERVAL_MS [MIN_FIELDS]\n");
		return 2;
	}
	min_fields = argc == 5 ? atoi(argv[4]) : 1;
	pause.tv_sec = atoi(argv[3]) / 1000;
	pause.tv_nsec = atoi(argv[3]) % 1000 * 1000000L;
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	start = prev = now();
	do {
		len = pread(fd, buf, sizeof(buf) - 1, 0);
		if (len >= 0)
			buf[len] = 0;
		if (len < 0 || fields(buf) < min_fields)
			bad++;
		t = now();
		gap = t - prev;
		if (gap > max_gap)
			max_gap = gap;
		prev = t;
		samples++;
		nanosleep(&pause, NULL);
	} while (t - start < atof(argv[2]));
	printf("samples=%ld hz=%.1f max_gap_ms=%.0f bad=%ld\n", samples,
	       samples / (t - start), max_gap * 1000, bad);
	close(fd);
	return 0;
}
