// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cramd's side of discovery: run the cram-discover helper, read and check
 * what it prints, log the candidates.
 *
 * The helper runs beside the event loop: its exit is watched by a child
 * source, its stdout and stderr by io sources, and a timer kills it after
 * CRAMD_DISCOVER_TIMEOUT_MS; the caller hears of the result through a
 * callback. It gets stdin on /dev/null, stdout and stderr on pipes, no
 * other descriptor, default signal dispositions and an empty signal mask,
 * and a process group of its own, which is killed on timeout.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "discover-format.h"
#include "discover.h"
#include "log.h"

extern char **environ;

#define LINE_MAX_LEN 1024

struct cramd_discover_run {
	const char *path;
	pid_t pid;
	int out_fd, err_fd;
	sd_event_source *out_src, *err_src, *child_src, *timer_src;
	int status;		/* the helper's wait status, once it exited */
	bool exited;
	int rc;			/* the first failure, or 0 */
	cramd_discover_fn done;
	void *userdata;
	char *out;		/* stdout, up to CRAMD_DISCOVER_MAX_OUTPUT */
	size_t out_len, out_cap;
	char line[LINE_MAX_LEN];	/* the stderr line being read */
	size_t line_len;
	/* a claim (--claim NAME) or a release (--release NAME): no output */
	char claim[CRAMD_CLAIM_NAME_MAX];
	bool release;
	bool system_ram;
	unsigned int timeout_ms;
	char error[CRAMD_HELPER_ERROR_MAX];	/* its last message at LOG_ERR or worse */
};

static const char *helper_path(void)
{
	const char *env = getenv("CRAMD_DISCOVER");

	return env && *env ? env : CRAMD_DISCOVER_PATH;
}

/*
 * One line of the helper's stderr: "<N>message" is logged at debug level,
 * or as a warning when N is warning or worse; a line without the prefix
 * (the dynamic loader's, a crash report) as a warning.
 */
static void relay_line(struct cramd_discover_run *h)
{
	const char *msg = h->line;
	int priority = LOG_WARNING;

	h->line[h->line_len] = '\0';
	h->line_len = 0;
	if (msg[0] == '<' && msg[1] >= '0' && msg[1] <= '7' && msg[2] == '>') {
		/* a claim's messages are what the operator asked for: all of them */
		priority = h->claim[0] ? msg[1] - '0' :
			   msg[1] - '0' <= LOG_WARNING ? LOG_WARNING : LOG_DEBUG;
		msg += 3;
		if (h->claim[0] && priority <= LOG_ERR && *msg)
			snprintf(h->error, sizeof(h->error), "%s", msg);
	}
	if (*msg)
		cramd_log(priority, "cram-discover: %s", msg);
}

static void take_stderr(struct cramd_discover_run *h, const char *buf, size_t n)
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

static int take_stdout(struct cramd_discover_run *h, const char *buf, size_t n)
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

static int spawn_helper(struct cramd_discover_run *h)
{
	char *argv[6] = { (char *)h->path };
	int out[2] = { -1, -1 }, err[2] = { -1, -1 };
	int argc = 1;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	bool logged = false;
	int rc;

	if (cramd_log_level() >= LOG_DEBUG)
		argv[argc++] = (char *)"--verbose";
	if (h->claim[0]) {
		argv[argc++] = (char *)(h->release ? "--release" : "--claim");
		argv[argc++] = h->claim;
		if (h->system_ram)
			argv[argc++] = (char *)"--system-ram";
	}
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
	/* the read ends only: the helper's own ends stay blocking */
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	fcntl(err[0], F_SETFL, O_NONBLOCK);
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

/* Why the helper failed, from its wait status; 0 when it succeeded. */
static int check_status(const struct cramd_discover_run *h)
{
	int status = h->status;

	if (WIFSIGNALED(status)) {
		cramd_log(LOG_ERR, "discovery: %s was killed by signal %d (%s)",
			  h->path, WTERMSIG(status), strsignal(WTERMSIG(status)));
		return -EIO;
	}
	/* a claim or release that could not be done said why, on stderr */
	if (h->claim[0] && WIFEXITED(status) && WEXITSTATUS(status) == 1)
		return -EIO;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		cramd_log(LOG_ERR, "discovery: %s failed with exit status %d%s",
			  h->path, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
			  WIFEXITED(status) && WEXITSTATUS(status) == 127 ?
			  " (a program it needs is missing?)" : "");
		return -EIO;
	}
	return 0;
}

/* Parse what the helper printed into @out; logs every failure. */
static int take_result(struct cramd_discover_run *h, struct cramd_discovery *out)
{
	char err[256];
	size_t i;
	int rc = cramd_discovery_parse(h->out, h->out_len, out, err, sizeof(err));

	if (rc == -EBADMSG)
		cramd_log(LOG_ERR, "discovery: malformed output from %s: %s",
			  h->path, err);
	else if (rc < 0)
		cramd_log(LOG_ERR, "discovery: reading the output of %s: %s",
			  h->path, strerror(-rc));
	if (rc < 0)
		return rc;
	for (i = 0; i < out->n; i++)
		log_candidate(&out->devs[i]);
	cramd_log(LOG_INFO, "discovery: %zu cram device%s, %zu CXL region%s",
		  out->n, out->n == 1 ? "" : "s", out->n_regions,
		  out->n_regions == 1 ? "" : "s");
	return 0;
}

static void close_output(sd_event_source **src, int *fd)
{
	*src = sd_event_source_disable_unref(*src);
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Stop watching, kill the helper if it still runs, reap it, free. */
void cramd_discover_cancel(struct cramd_discover_run *h)
{
	if (!h)
		return;
	close_output(&h->out_src, &h->out_fd);
	close_output(&h->err_src, &h->err_fd);
	h->timer_src = sd_event_source_disable_unref(h->timer_src);
	h->child_src = sd_event_source_disable_unref(h->child_src);
	if (!h->exited && h->pid > 0) {
		kill(-h->pid, SIGKILL);
		while (waitpid(h->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	free(h->out);
	free(h);
}

/* Once the helper exited and both pipes ended (or on failure): report. */
static void maybe_finish(struct cramd_discover_run *h)
{
	struct cramd_discovery d = { NULL, 0, 0 };
	int rc = h->rc;

	if (rc == 0 && (!h->exited || h->out_fd >= 0 || h->err_fd >= 0))
		return;
	if (h->line_len)
		relay_line(h);
	if (rc == 0)
		rc = check_status(h);
	if (rc == 0 && !h->claim[0])
		rc = take_result(h, &d);
	h->done(rc, &d, h->userdata);
	cramd_discovery_free(&d);
	cramd_discover_cancel(h);
}

static void fail(struct cramd_discover_run *h, int rc)
{
	if (!h->rc)
		h->rc = rc;
	maybe_finish(h);
}

static int on_output(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct cramd_discover_run *h = userdata;
	bool is_out = fd == h->out_fd;
	char buf[4096];
	ssize_t got = read(fd, buf, sizeof(buf));
	int rc = 0;

	if (got < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (got <= 0) {
		if (is_out)
			close_output(&h->out_src, &h->out_fd);
		else
			close_output(&h->err_src, &h->err_fd);
		maybe_finish(h);
		return 0;
	}
	if (is_out)
		rc = take_stdout(h, buf, (size_t)got);
	else
		take_stderr(h, buf, (size_t)got);
	if (rc < 0)
		fail(h, rc);
	return 0;
}

static int on_child_exit(sd_event_source *s, const siginfo_t *si, void *userdata)
{
	struct cramd_discover_run *h = userdata;

	h->exited = true;
	h->status = si->si_code == CLD_EXITED ? W_EXITCODE(si->si_status, 0) :
		    si->si_status;	/* killed: the signal, as WTERMSIG() reads it */
	maybe_finish(h);
	return 0;
}

void cramd_discover_finish(struct cramd_discover_run *h)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	unsigned int waited_ms = 0;
	char buf[4096];
	ssize_t got;
	int status;

	while (!h->exited) {
		pid_t r = waitpid(h->pid, &status, WNOHANG);

		if (r == h->pid) {
			h->exited = true;
			h->status = status;
		} else if (r < 0 && errno != EINTR) {
			fail(h, -errno);
			return;
		} else if (waited_ms >= h->timeout_ms) {
			cramd_log(LOG_ERR, "discovery: %s did not finish within %u s; killed",
				  h->path, h->timeout_ms / 1000);
			fail(h, -ETIMEDOUT);
			return;
		} else {
			nanosleep(&tick, NULL);
			waited_ms += 10;
		}
	}
	/* what it said on its way out; the pipes are closed after */
	while (h->err_fd >= 0 && (got = read(h->err_fd, buf, sizeof(buf))) > 0)
		take_stderr(h, buf, (size_t)got);
	while (h->out_fd >= 0 && (got = read(h->out_fd, buf, sizeof(buf))) > 0)
		if (take_stdout(h, buf, (size_t)got) < 0)
			break;
	close_output(&h->out_src, &h->out_fd);
	close_output(&h->err_src, &h->err_fd);
	maybe_finish(h);
}

static int on_timeout(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct cramd_discover_run *h = userdata;

	cramd_log(LOG_ERR, "discovery: %s did not finish within %u s; killed",
		  h->path, h->timeout_ms / 1000);
	fail(h, -ETIMEDOUT);
	return 0;
}

static int watch(sd_event *ev, struct cramd_discover_run *h)
{
	uint64_t now;
	int rc;

	rc = sd_event_add_io(ev, &h->out_src, h->out_fd, EPOLLIN, on_output, h);
	if (rc >= 0)
		rc = sd_event_add_io(ev, &h->err_src, h->err_fd, EPOLLIN, on_output, h);
	if (rc >= 0)
		rc = sd_event_add_child(ev, &h->child_src, h->pid, WEXITED, on_child_exit, h);
	if (rc >= 0)
		rc = sd_event_now(ev, CLOCK_MONOTONIC, &now);
	if (rc >= 0)
		rc = sd_event_add_time(ev, &h->timer_src, CLOCK_MONOTONIC,
				       now + h->timeout_ms * 1000ULL, 0,
				       on_timeout, h);
	if (rc < 0)
		cramd_log(LOG_ERR, "discovery: cannot watch %s: %s", h->path,
			  strerror(-rc));
	return rc;
}

static int start(sd_event *ev, struct cramd_discover_run *h, cramd_discover_fn done,
		 void *userdata, struct cramd_discover_run **out)
{
	sigset_t chld;
	int rc;

	h->path = helper_path();
	h->out_fd = h->err_fd = -1;
	h->done = done;
	h->userdata = userdata;
	/* sd-event watches children only while SIGCHLD is blocked */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	rc = spawn_helper(h);
	if (rc == 0)
		rc = watch(ev, h);
	if (rc < 0) {
		cramd_discover_cancel(h);
		return rc;
	}
	*out = h;
	return 0;
}

int cramd_discover_start(sd_event *ev, cramd_discover_fn done, void *userdata,
			 struct cramd_discover_run **out)
{
	struct cramd_discover_run *h = calloc(1, sizeof(*h));

	*out = NULL;
	if (!h)
		return -ENOMEM;
	h->timeout_ms = CRAMD_DISCOVER_TIMEOUT_MS;
	return start(ev, h, done, userdata, out);
}

static int start_binding(sd_event *ev, const char *name, bool release, bool system_ram,
			 cramd_discover_fn done, void *userdata,
			 struct cramd_discover_run **out)
{
	struct cramd_discover_run *h;

	*out = NULL;
	if (strlen(name) >= sizeof(h->claim))
		return -ENAMETOOLONG;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	snprintf(h->claim, sizeof(h->claim), "%s", name);
	h->release = release;
	h->system_ram = system_ram;
	h->timeout_ms = system_ram ? CRAMD_CLAIM_SYSTEM_RAM_TIMEOUT_MS : CRAMD_DISCOVER_TIMEOUT_MS;
	return start(ev, h, done, userdata, out);
}

int cramd_claim_start(sd_event *ev, const char *name, bool system_ram,
		      cramd_discover_fn done, void *userdata,
		      struct cramd_discover_run **out)
{
	return start_binding(ev, name, false, system_ram, done, userdata, out);
}

int cramd_release_start(sd_event *ev, const char *name, cramd_discover_fn done,
			void *userdata, struct cramd_discover_run **out)
{
	return start_binding(ev, name, true, false, done, userdata, out);
}

const char *cramd_discover_error(const struct cramd_discover_run *run)
{
	return run->error;
}
