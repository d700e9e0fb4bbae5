// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cramd's side of discovery: run the cram-discover helper, read and check
 * what it prints, log the candidates.
 *
 * The helper runs synchronously: cramd waits for it (at most
 * CRAMD_DISCOVER_TIMEOUT_MS) as it used to wait for libcxl and libdaxctl.
 * It gets stdin on /dev/null, stdout and stderr on pipes, no other
 * descriptor, default signal dispositions and an empty signal mask, and a
 * process group of its own, which is killed on timeout.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "discover-format.h"
#include "discover.h"
#include "log.h"

extern char **environ;

#define LINE_MAX_LEN 1024

struct helper_run {
	const char *path;
	pid_t pid;
	int out_fd, err_fd;
	char *out;		/* stdout, up to CRAMD_DISCOVER_MAX_OUTPUT */
	size_t out_len, out_cap;
	char line[LINE_MAX_LEN];	/* the stderr line being read */
	size_t line_len;
};

static const char *helper_path(void)
{
	const char *env = getenv("CRAMD_DISCOVER");

	return env && *env ? env : CRAMD_DISCOVER_PATH;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * One line of the helper's stderr: "<N>message" is logged at debug level,
 * or as a warning when N is warning or worse; a line without the prefix
 * (the dynamic loader's, a crash report) as a warning.
 */
static void relay_line(struct helper_run *h)
{
	const char *msg = h->line;
	int priority = LOG_WARNING;

	h->line[h->line_len] = '\0';
	h->line_len = 0;
	if (msg[0] == '<' && msg[1] >= '0' && msg[1] <= '7' && msg[2] == '>') {
		priority = msg[1] - '0' <= LOG_WARNING ? LOG_WARNING : LOG_DEBUG;
		msg += 3;
	}
	if (*msg)
		cramd_log(priority, "cram-discover: %s", msg);
}

static void take_stderr(struct helper_run *h, const char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			relay_line(h);
			continue;
		}
		if (h->line_len >= sizeof(h->line) - 1)
			relay_line(h);	/* an overlong line: in pieces */
		h->line[h->line_len++] = buf[i] ? buf[i] : ' ';
	}
}

static int take_stdout(struct helper_run *h, const char *buf, size_t n)
{
	if (h->out_len + n > CRAMD_DISCOVER_MAX_OUTPUT) {
		cramd_log(LOG_ERR, "discovery: %s printed more than %d bytes; killed",
			  h->path, CRAMD_DISCOVER_MAX_OUTPUT);
		return -EMSGSIZE;
	}
	if (h->out_len + n > h->out_cap) {
		size_t cap = h->out_cap ? h->out_cap : 4096;
		char *p;

		while (cap < h->out_len + n)
			cap *= 2;
		p = realloc(h->out, cap);
		if (!p)
			return -ENOMEM;
		h->out = p;
		h->out_cap = cap;
	}
	memcpy(h->out + h->out_len, buf, n);
	h->out_len += n;
	return 0;
}

#define HINT " (is cram-discover installed? $CRAMD_DISCOVER overrides the path)"

static int spawn_helper(struct helper_run *h)
{
	char *argv[] = { (char *)h->path, NULL, NULL };
	int out[2] = { -1, -1 }, err[2] = { -1, -1 };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	bool logged = false;
	int rc;

	if (cramd_log_level() >= LOG_DEBUG)
		argv[1] = (char *)"--verbose";
	/*
	 * posix_spawn() reports a failed exec, but not where fork emulates
	 * vfork (valgrind): there the child exits with status 127. Checking
	 * first names the reason in both cases.
	 */
	if (access(h->path, X_OK) < 0) {
		rc = errno;
		cramd_log(LOG_ERR, "discovery: cannot run %s: %s%s", h->path,
			  strerror(rc), rc == ENOENT ? HINT : "");
		return -rc;
	}
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
		rc = -errno;
		goto close;
	}
	sigemptyset(&none);
	sigfillset(&all);
	rc = posix_spawn_file_actions_init(&fa);
	if (rc)
		goto close_rc;
	rc = posix_spawnattr_init(&attr);
	if (rc) {
		posix_spawn_file_actions_destroy(&fa);
		goto close_rc;
	}
	rc = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	if (!rc)
		rc = posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
	if (!rc)
		rc = posix_spawn_file_actions_adddup2(&fa, err[1], STDERR_FILENO);
	/* Everything else cramd has open stays in cramd, CLOEXEC or not. */
	if (!rc)
		rc = posix_spawn_file_actions_addclosefrom_np(&fa, STDERR_FILENO + 1);
	if (!rc)
		rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
					      POSIX_SPAWN_SETSIGDEF |
					      POSIX_SPAWN_SETPGROUP);
	if (!rc)
		rc = posix_spawnattr_setsigmask(&attr, &none);
	if (!rc)
		rc = posix_spawnattr_setsigdefault(&attr, &all);
	if (!rc)
		rc = posix_spawnattr_setpgroup(&attr, 0);
	if (!rc) {
		rc = posix_spawn(&h->pid, h->path, &fa, &attr, argv, environ);
		logged = rc != 0;
		if (rc)
			cramd_log(LOG_ERR, "discovery: cannot run %s: %s%s", h->path,
				  strerror(rc), rc == ENOENT ? HINT : "");
	}
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	if (rc)
		goto close_rc;
	close(out[1]);
	close(err[1]);
	h->out_fd = out[0];
	h->err_fd = err[0];
	return 0;

close_rc:
	rc = -rc;
close:
	if (!logged)
		cramd_log(LOG_ERR, "discovery: cannot run %s: %s", h->path, strerror(-rc));
	if (out[0] >= 0) {
		close(out[0]);
		close(out[1]);
	}
	if (err[0] >= 0) {
		close(err[0]);
		close(err[1]);
	}
	return rc;
}

/* Read stdout and stderr until both end; 0, -ETIMEDOUT, -EMSGSIZE or -ENOMEM. */
static int read_helper(struct helper_run *h, long long deadline)
{
	char buf[4096];
	int rc = 0;

	while (h->out_fd >= 0 || h->err_fd >= 0) {
		struct pollfd p[2] = {
			{ .fd = h->out_fd, .events = POLLIN },
			{ .fd = h->err_fd, .events = POLLIN },
		};
		long long left = deadline - now_ms();
		int i, n;

		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(p, 2, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (i = 0; i < 2; i++) {
			int *fd = i == 0 ? &h->out_fd : &h->err_fd;
			ssize_t got;

			if (*fd < 0 || !p[i].revents)
				continue;
			got = read(*fd, buf, sizeof(buf));
			if (got < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (got <= 0) {
				close(*fd);
				*fd = -1;
				continue;
			}
			if (i == 0)
				rc = take_stdout(h, buf, (size_t)got);
			else
				take_stderr(h, buf, (size_t)got);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/* Reap the helper, by @deadline or after killing it. */
static int wait_helper(struct helper_run *h, long long deadline, bool kill_now,
		       int *status)
{
	const struct timespec tick = { 0, 5 * 1000 * 1000 };
	pid_t r;

	while (!kill_now) {
		r = waitpid(h->pid, status, WNOHANG);
		if (r == h->pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (now_ms() >= deadline)
			break;
		nanosleep(&tick, NULL);
	}
	kill(-h->pid, SIGKILL);
	do
		r = waitpid(h->pid, status, 0);
	while (r < 0 && errno == EINTR);
	return kill_now ? 0 : -ETIMEDOUT;
}

/* Run the helper; on success its stdout is in h->out. Logs every failure. */
static int run_helper(struct helper_run *h)
{
	long long deadline = now_ms() + CRAMD_DISCOVER_TIMEOUT_MS;
	int status = 0, rc, wrc;

	h->out_fd = h->err_fd = -1;
	rc = spawn_helper(h);
	if (rc < 0)
		return rc;
	rc = read_helper(h, deadline);
	if (h->out_fd >= 0)
		close(h->out_fd);
	if (h->err_fd >= 0)
		close(h->err_fd);
	if (h->line_len)
		relay_line(h);
	wrc = wait_helper(h, deadline, rc < 0, &status);
	if (rc == 0)
		rc = wrc;
	if (rc == -ETIMEDOUT) {
		cramd_log(LOG_ERR, "discovery: %s did not finish within %d s; killed",
			  h->path, CRAMD_DISCOVER_TIMEOUT_MS / 1000);
		return rc;
	}
	if (rc < 0 && rc != -EMSGSIZE)	/* (too much output: logged already) */
		cramd_log(LOG_ERR, "discovery: running %s: %s", h->path,
			  strerror(-rc));
	if (rc < 0)
		return rc;
	if (WIFSIGNALED(status)) {
		cramd_log(LOG_ERR, "discovery: %s was killed by signal %d (%s)",
			  h->path, WTERMSIG(status), strsignal(WTERMSIG(status)));
		return -EIO;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		cramd_log(LOG_ERR, "discovery: %s failed with exit status %d%s",
			  h->path, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
			  WIFEXITED(status) && WEXITSTATUS(status) == 127 ?
			  " (a program it needs is missing?)" : "");
		return -EIO;
	}
	return 0;
}

static void log_candidate(const struct cramd_candidate *c)
{
	struct cramd_log_fields f = { .device = c->devname, .node = c->node,
				      .action = "discover" };
	char serial[32] = "unknown";

	if (c->has_serial)
		snprintf(serial, sizeof(serial), "0x%llx", c->serial);
	cramd_log_dev(LOG_INFO, &f,
		      "found %s: region %s, node %d, memdev %s, serial %s",
		      c->devname, c->region[0] ? c->region : "none", c->node,
		      c->memdevs[0] ? c->memdevs : "none", serial);
}

int cramd_discover(struct cram_ctx *cram, struct cramd_discovery *out)
{
	struct helper_run h = { .path = helper_path() };
	char err[256];
	size_t i;
	int rc;

	out->devs = NULL;
	out->n = 0;
	out->n_regions = 0;
	cram_rescan(cram);
	rc = run_helper(&h);
	if (rc == 0) {
		rc = cramd_discovery_parse(h.out, h.out_len, out, err, sizeof(err));
		if (rc == -EBADMSG)
			cramd_log(LOG_ERR, "discovery: malformed output from %s: %s",
				  h.path, err);
		else if (rc < 0)
			cramd_log(LOG_ERR, "discovery: reading the output of %s: %s",
				  h.path, strerror(-rc));
	}
	free(h.out);
	if (rc < 0)
		return rc;
	for (i = 0; i < out->n; i++)
		log_candidate(&out->devs[i]);
	cramd_log(LOG_INFO, "discovery: %zu cram device%s, %zu CXL region%s",
		  out->n, out->n == 1 ? "" : "s", out->n_regions,
		  out->n_regions == 1 ? "" : "s");
	return 0;
}
