// SPDX-License-Identifier: GPL-2.0-or-later
/* A blocking call in a child process that the event loop watches; see child-call.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child-call.h"
#include "instance-lock.h"

struct cramd_child_call {
	pid_t pid;
	sd_event_source *child;
	cramd_child_call_fn done;
	void *userdata;
};

/* The child's exit status: the errno of the call (0..255), or ENOTRECOVERABLE. */
static int status_rc(int code, int status)
{
	if (code == CLD_EXITED)
		return -status;
	return -ENOTRECOVERABLE;	/* killed: the outcome is unknown */
}

static void finish(struct cramd_child_call *c, int rc)
{
	c->child = sd_event_source_disable_unref(c->child);
	c->done(c->userdata, rc);
	free(c);
}

static int on_child_exit(sd_event_source *s, const siginfo_t *si, void *userdata)
{
	finish(userdata, status_rc(si->si_code, si->si_status));
	return 0;
}

int cramd_child_call_start(sd_event *ev, int (*fn)(void *arg), void *arg,
			   cramd_child_call_fn done, void *userdata,
			   struct cramd_child_call **out)
{
	struct cramd_child_call *c = calloc(1, sizeof(*c));
	int rc;

	*out = NULL;
	if (!c)
		return -ENOMEM;
	c->done = done;
	c->userdata = userdata;
	fflush(stderr);
	c->pid = fork();
	if (c->pid < 0) {
		rc = -errno;
		free(c);
		return rc;
	}
	if (c->pid == 0) {
		/* the child: the one call, its errno as the exit status */
		free(c);
		cramd_instance_lock_drop_in_child();
		rc = fn(arg);
		_exit(rc < 0 && -rc < 256 ? -rc : rc < 0 ? EIO : 0);
	}
	rc = sd_event_add_child(ev, &c->child, c->pid, WEXITED, on_child_exit, c);
	if (rc < 0) {
		/* cannot watch it: wait here */
		cramd_child_call_finish(c);
		return 0;
	}
	*out = c;
	return 0;
}

void cramd_child_call_finish(struct cramd_child_call *c)
{
	int status = 0;
	pid_t r;

	c->child = sd_event_source_disable_unref(c->child);
	do
		r = waitpid(c->pid, &status, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		finish(c, -errno);
	else if (WIFEXITED(status))
		finish(c, status_rc(CLD_EXITED, WEXITSTATUS(status)));
	else
		finish(c, status_rc(CLD_KILLED, 0));
}
