/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A blocking call run in a child process that the event loop watches, so
 * that polling, uevents, the control socket and watchdog pings go on
 * while it blocks: the kernel's offline of a device (offline.c) and its
 * online (the manager's), whose writes of cram/state take as long as the
 * kernel's work. The call's result comes back as the child's exit status.
 */
#ifndef CRAMD_CHILD_CALL_H
#define CRAMD_CHILD_CALL_H

#include <systemd/sd-event.h>

struct cramd_child_call;

/* The end of a call: its result, 0 or -errno (-ENOTRECOVERABLE when the child was killed). */
typedef void (*cramd_child_call_fn)(void *userdata, int rc);

/**
 * cramd_child_call_start - run @fn(@arg) in a child watched by @ev
 *
 * @fn returns 0 or -errno (errno below 256; others are reported as
 * -EIO). @done is called once from the loop when the child ends (or by
 * cramd_child_call_finish()), after which the call is gone. SIGCHLD must
 * be blocked. Returns 0, or -errno when no child could be started (then
 * @done is not called). When the child cannot be watched, it is waited
 * for here and @done is called before this returns, with *@out NULL.
 */
int cramd_child_call_start(sd_event *ev, int (*fn)(void *arg), void *arg,
			   cramd_child_call_fn done, void *userdata,
			   struct cramd_child_call **out);

/*
 * cramd_child_call_finish - wait for the child and call @done: for a loop
 * that is ending.
 */
void cramd_child_call_finish(struct cramd_child_call *c);

#endif
