// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the control socket asks of the manager: status, pause, and online
 * and offline, which complete later from the event loop (discovery and the
 * online and offline writes run in children); see manager.h. The release
 * after an offline is manager-release.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "manager-private.h"

/* ---- control operations waiting for the loop -------------------------------------------- */

static void unlink_pending(struct cramd_manager *m, struct pending *p)
{
	struct pending **pp;

	for (pp = &m->pending; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			return;
		}
}

void cramd_manager_complete(struct pending *p, int rc, const char *err)
{
	unlink_pending(p->m, p);
	if (p->done)
		p->done(p->userdata, rc, rc ? err : NULL);
	free(p);
}

struct pending *cramd_manager_pending_find(struct cramd_manager *m, const char *name)
{
	struct pending *p;

	for (p = m->pending; p; p = p->next)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

struct pending *cramd_manager_pending_new(struct cramd_manager *m, const char *name,
					  bool online, cramd_manager_done_fn done,
					  void *userdata)
{
	struct pending *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->m = m;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->online = online;
	p->done = done;
	p->userdata = userdata;
	p->next = m->pending;
	m->pending = p;
	return p;
}

/* An online whose discovery came back: set the device up, whatever the configuration says. */
void cramd_manager_finish_online(struct cramd_manager *m, struct pending *p,
			  const struct cramd_discovery *d, int rc)
{
	const struct cramd_candidate *c = rc == 0 ? cramd_discovery_find(d, p->name) : NULL;
	char err[ERR_MAX];

	if (rc < 0) {
		snprintf(err, sizeof(err), "discovery failed: %s (see cramd's log)", strerror(-rc));
	} else if (!c) {
		snprintf(err, sizeof(err), "no cram device %s", p->name);
		rc = -ENODEV;
	} else if (cramd_manager_onlining(m, p->name)) {
		p->waiting = true;	/* found by this discovery, its online under way */
		return;
	} else if (!cramd_manager_find(m, p->name)) {
		cramd_manager_set_held(m, p->name, false);
		rc = cramd_manager_add(m, c);
		if (rc == 0 && cramd_manager_onlining(m, p->name)) {
			p->waiting = true;
			return;
		}
		if (rc == 0 && !cramd_manager_find(m, p->name)) {
			snprintf(err, sizeof(err), "%s could not be onlined: see cramd's log",
				 p->name);
			rc = -EIO;
		}
		if (rc == 0)
			cramd_manager_pass(m, cramd_manager_find(m, p->name));
	}
	if (rc == -ENOMEM)
		snprintf(err, sizeof(err), "out of memory");
	cramd_manager_complete(p, rc, err);
}

/* Complete every control operation still waiting (the loop is ending). */
void cramd_manager_finish_pending(struct cramd_manager *m)
{
	while (m->pending) {
		struct pending *p = m->pending;

		if (p->off)
			cramd_child_call_finish(p->off);	/* calls cramd_manager_complete() */
		else if (p->on)
			cramd_child_call_finish(p->on);		/* the same */
		else if (p->run)
			cramd_discover_finish(p->run);	/* the same: a release is not cut short */
		else
			cramd_manager_complete(p, -ECANCELED, "cramd is stopping");
	}
}

/* ---- requests from the control socket ----------------------------------------------------- */

bool cramd_manager_paused(const struct cramd_manager *m)
{
	return m->paused;
}

void cramd_manager_set_paused(struct cramd_manager *m, bool paused)
{
	size_t i;

	if (m->paused == paused)
		return;
	m->paused = paused;
	cramd_log(LOG_NOTICE, paused ? "paused: dry-run, decisions are logged, no knob is written"
				     : "resumed: decisions are applied again");
	if (paused)
		return;
	/* The device may differ from what the policy decided meanwhile. */
	for (i = 0; i < m->n; i++)
		cramd_device_rewrite(m->devs[i]);
	cramd_manager_run_all(m);
}

size_t cramd_manager_device_count(const struct cramd_manager *m)
{
	return m->n;
}

void cramd_manager_device_info(const struct cramd_manager *m, size_t i,
			       struct cramd_device_info *info)
{
	cramd_device_get_info(m->devs[i], info);
}

const struct cramd_telemetry_history *cramd_manager_device_telemetry(struct cramd_manager *m,
								      const char *name)
{
	struct cramd_device *d = cramd_manager_find(m, name);

	return d ? cramd_device_telemetry(d) : NULL;
}

void cramd_manager_online(struct cramd_manager *m, const char *name,
			  cramd_manager_done_fn done, void *userdata)
{
	struct pending *p = cramd_manager_pending_find(m, name);
	char err[ERR_MAX];

	if (p && !p->online) {
		snprintf(err, sizeof(err), "%s: %s is under way; try again when it is done",
			 name, p->release ? "a release" : "an offline");
		done(userdata, -EBUSY, err);
		return;
	}
	cramd_manager_set_held(m, name, false);
	if (cramd_manager_find(m, name) && !cramd_manager_onlining(m, name)) {
		done(userdata, 0, NULL);
		return;
	}
	p = cramd_manager_pending_new(m, name, true, done, userdata);
	if (!p) {
		done(userdata, -ENOMEM, "out of memory");
		return;
	}
	if (cramd_manager_onlining(m, name)) {
		p->waiting = true;	/* answered when its online ends */
		return;
	}
	if (cramd_manager_reclaim(p))
		return;		/* a released device: claimed back, then discovered */
	p->want_run = m->runs_started + 1;
	cramd_manager_discover(m);
}

static void on_offline(void *userdata, int rc)
{
	struct pending *p = userdata;
	struct cramd_manager *m = p->m;
	struct cramd_device *d = cramd_manager_find(m, p->name);
	char why[160], err[ERR_MAX];

	p->off = NULL;
	if (rc < 0) {
		snprintf(err, sizeof(err), "%s: %s%s", p->name,
			 cramd_offline_failure(rc, m->cfg.offline_timeout_ms, why, sizeof(why)),
			 rc == -EBUSY || rc == -ETIMEDOUT ?
			 (d ? "; left online and managed, retry later" :
			      "; left online, retry later") : "");
		if (d)
			cramd_device_event(d, LOG_WARNING, "offline-failed", "%s", err);
		else
			cramd_log(LOG_WARNING, "%s", err);
		cramd_manager_complete(p, rc, err);
		/* still managed: the passes the offline held back, now */
		if (d) {
			cramd_manager_pass(m, d);
			cramd_manager_notify(m);
			cramd_manager_reschedule(m);
		}
		return;
	}
	cramd_manager_set_held(m, p->name, true);
	if (d)
		cramd_manager_drop(m, d, "offlined on request");
	else
		cramd_log(LOG_NOTICE, "%s: offlined on request", p->name);
	cramd_manager_notify(m);
	if (p->release)
		cramd_manager_release_offlined(p);
	else
		cramd_manager_complete(p, 0, NULL);
}

/* Start the offline (and, with @release, the release after it) of @name. */
static void offline(struct cramd_manager *m, const char *name, bool release,
		    cramd_manager_done_fn done, void *userdata)
{
	struct cram_device *cdev;
	struct pending *p = cramd_manager_pending_find(m, name);
	const struct released *r = cramd_manager_released(m, name);
	char err[ERR_MAX];
	int rc;

	if (p) {
		snprintf(err, sizeof(err), "%s: %s is under way; try again when it is done",
			 name, p->online ? "an online" : p->release ? "a release" :
			 "an offline");
		done(userdata, -EBUSY, err);
		return;
	}
	cramd_manager_rescan(m);
	cdev = cram_device_get_by_name(m->cram, name);
	if (!cdev && r) {
		snprintf(err, sizeof(err), "%s: released already (on device_dax); "
			 "'cramctl online %s' takes it back", name, name);
		done(userdata, release ? -EALREADY : -ENODEV, err);
		return;
	}
	if (!cdev) {
		snprintf(err, sizeof(err), "no cram device %s", name);
		done(userdata, -ENODEV, err);
		return;
	}
	p = cramd_manager_pending_new(m, name, false, done, userdata);
	if (!p) {
		done(userdata, -ENOMEM, "out of memory");
		return;
	}
	p->release = release;
	if (release && cram_device_get_state(cdev) == CRAM_DEVICE_OFFLINE &&
	    !cramd_manager_find(m, name)) {
		cramd_manager_release_offlined(p);	/* nothing to offline */
		return;
	}
	rc = cramd_offline_start(m->ev, cdev, m->cfg.offline_timeout_ms, on_offline, p,
				 &p->off);
	if (rc < 0) {
		snprintf(err, sizeof(err), "%s: cannot start the offline: %s", name,
			 strerror(-rc));
		cramd_manager_complete(p, rc, err);
	}
}

void cramd_manager_offline(struct cramd_manager *m, const char *name,
			   cramd_manager_done_fn done, void *userdata)
{
	offline(m, name, false, done, userdata);
}

void cramd_manager_release(struct cramd_manager *m, const char *name,
			   cramd_manager_done_fn done, void *userdata)
{
	offline(m, name, true, done, userdata);
}
