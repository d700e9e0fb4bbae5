// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * statpoll: the telemetry sampler of the cram VM tests.
 *
 *   statpoll FILE SECONDS INTERVAL_MS [MIN_FIELDS [headroom]]
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
 *
 * With "headroom", FILE is a cram/stat (field 1 phys_capacity_bytes,
 * field 2 phys_used_bytes) and the line goes on with
 *
 *   capacity=C max_used=U min_headroom=H min_headroom_permille=P over=O
 *
 * where H is the least capacity - used over the samples (negative when
 * used exceeded capacity) and O counts the samples with used > capacity.
 *
 * SIGTERM or SIGINT ends the sampling early (SECONDS is then an upper
 * bound) and the line is still printed.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
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
	long samples = 0, bad = 0, over = 0;
	long long cap = 0, used, max_used = 0, head, min_head = 0;
	int fd, min_fields, headroom, have = 0;
	char buf[512];
	ssize_t len;

	if (argc < 4 || argc > 6 || (argc == 6 && strcmp(argv[5], "headroom"))) {
		fprintf(stderr, "usage: statpoll FILE SECONDS INTERVAL_MS [MIN_FIELDS [headroom]]\n");
		return 2;
	}
	min_fields = argc >= 5 ? atoi(argv[4]) : 1;
	headroom = argc == 6;
	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
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
		if (len < 0 || fields(buf) < min_fields || fields(buf) < 2 * headroom)
			bad++;
		else if (headroom && sscanf(buf, "%lld %lld", &cap, &used) == 2) {
			head = cap - used;
			if (!have || head < min_head)
				min_head = head;
			if (!have || used > max_used)
				max_used = used;
			if (used > cap)
				over++;
			have = 1;
		}
		t = now();
		gap = t - prev;
		if (gap > max_gap)
			max_gap = gap;
		prev = t;
		samples++;
		nanosleep(&pause, NULL);
	} while (!stop && t - start < atof(argv[2]));
	printf("samples=%ld hz=%.1f max_gap_ms=%.0f bad=%ld", samples,
	       samples / (t - start), max_gap * 1000, bad);
	if (headroom)
		printf(" capacity=%lld max_used=%lld min_headroom=%lld min_headroom_permille=%lld over=%ld",
		       cap, max_used, min_head, cap > 0 ? min_head * 1000 / cap : 0, over);
	printf("\n");
	close(fd);
	return 0;
}
