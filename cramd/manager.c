// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cramd manager: the table of managed devices, hotplug (discovery) and
 * the manager's life cycle. The event sources (the shared timer, the
 * uevent monitor) are manager-events.c's, what the control socket asks
 * manager-requests.c's, each device's own pass device.c's, taking a
 * device offline offline.c's, the start-up checks startup.c's.
 * Nothing here blocks the event loop: discovery, online and offline run
 * in child processes that the loop watches.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>

#include <libudev.h>

#include <cram/cram.h>

#include "log.h"
#include "manager-private.h"
#include "startup.h"

struct cramd_device *cramd_manager_find(struct cramd_manager *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (strcmp(cramd_device_name(m->devs[i]), name) == 0)
			return m->devs[i];
	return NULL;
}

void cramd_manager_notify(struct cramd_manager *m)
{
	struct cramd_counts c;

	if (!m->status_fn)
		return;
	cramd_manager_get_counts(m, &c);
	m->status_fn(&c, m->userdata);
}

void cramd_manager_get_counts(const struct cramd_manager *m, struct cramd_counts *c)
{
	struct cramd_device_info info;
	size_t i;

	memset(c, 0, sizeof(*c));
	c->managed = m->n;
	for (i = 0; i < m->n; i++) {
		cramd_device_get_info(m->devs[i], &info);
		c->gates_closed += info.gate_closed;
		c->degraded += info.degraded;
	}
}

/*
 * None while @d's offline is under way: the driver holds the device for
 * the whole write, so a knob write would wait for it (up to
 * offline_timeout_ms) with the loop, and the node is being emptied anyway.
 * None before its online either. The end of either brings the device's
 * next pass.
 */
void cramd_manager_pass(struct cramd_manager *m, struct cramd_device *d)
{
	const struct pending *p = cramd_manager_pending_find(m, cramd_device_name(d));

	if ((p && p->off) || cramd_device_onlining(d)) {
		cramd_device_defer(d);
		return;
	}
	cramd_device_pass(d, m->paused);
}

void cramd_manager_run_all(struct cramd_manager *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		cramd_manager_pass(m, m->devs[i]);
	cramd_manager_notify(m);
	cramd_manager_reschedule(m);
}

/* ---- the device table ----------------------------------------------------------------- */

/* libcram's objects from a fresh context: new devices show, an unlisted one keeps its old object. */
void cramd_manager_rescan(struct cramd_manager *m)
{
	struct cram_ctx *fresh;
	size_t i;

	if (cramd_startup_cram(&fresh) < 0)
		return;		/* logged; the objects in hand stay valid */
	for (i = 0; i < m->n; i++)
		cramd_device_bind(m->devs[i], fresh, cram_device_get_by_name(fresh,
						cramd_device_name(m->devs[i])));
	cram_unref(m->cram);
	m->cram = fresh;
}

static void resolve_params(struct cramd_manager *m, const struct cramd_device_ids *ids,
			   struct cramd_policy_params *p)
{
	if (cramd_config_policy_params(&m->cfg, ids, p))
		cramd_log(LOG_INFO, "%s: [device] sections apply: policy %s, watermarks %u%%/%u%%",
			  ids->devname, cramd_config_policy_name(p->kind),
			  p->high_watermark_percent, p->low_watermark_percent);
}

struct cramd_device_ids cramd_manager_candidate_ids(const struct cramd_candidate *c)
{
	struct cramd_device_ids ids = {
		.devname = c->devname, .region = c->region[0] ? c->region : NULL,
		.memdevs = c->memdevs[0] ? c->memdevs : NULL,
		.has_serial = c->has_serial, .serial = c->serial,
	};

	return ids;
}

/* Take @d out of the table and free it. */
static void forget(struct cramd_manager *m, struct cramd_device *d)
{
	size_t i;

	for (i = 0; i < m->n && m->devs[i] != d; i++)
		;
	if (i == m->n)
		return;
	cramd_device_free(d);
	memmove(&m->devs[i], &m->devs[i + 1], (m->n - i - 1) * sizeof(*m->devs));
	m->n--;
}

bool cramd_manager_onlining(struct cramd_manager *m, const char *name)
{
	const struct pending *p;

	for (p = m->pending; p; p = p->next)
		if (p->on && (!name || strcmp(p->name, name) == 0))
			return true;
	return false;
}

/*
 * The online of @name ended: the device is managed from now on, or
 * forgotten; every control online waiting for it gets the answer.
 */
static void on_online(void *userdata, int rc)
{
	struct pending *p = userdata, *w, *next;
	struct cramd_manager *m = p->m;
	struct cramd_device *d = cramd_manager_find(m, p->name);
	char err[ERR_MAX] = "";

	p->on = NULL;
	if (d && cramd_device_onlining(d) && cramd_device_onlined(d, rc) < 0) {
		forget(m, d);
		d = NULL;
	} else if (!d && rc == 0) {
		cramd_log(LOG_NOTICE, "%s: onlined, but no longer managed", p->name);
	}
	if (rc < 0)
		snprintf(err, sizeof(err), "%s could not be onlined: %s (see cramd's log)",
			 p->name, strerror(-rc));
	else if (!d)
		snprintf(err, sizeof(err), "%s: no longer managed (see cramd's log)", p->name);
	if (rc == 0 && !d)
		rc = -ENODEV;
	for (w = m->pending; w; w = next) {
		next = w->next;
		if (w->waiting && strcmp(w->name, p->name) == 0)
			cramd_manager_complete(w, rc, err);
	}
	cramd_manager_complete(p, rc, err);
	if (d)
		cramd_manager_pass(m, d);
	cramd_manager_notify(m);
	cramd_manager_reschedule(m);
}

/*
 * The kernel's online takes as long as it takes to hand the memory to the
 * page allocator: written in a child, so that the loop goes on.
 */
static void start_online(struct cramd_manager *m, struct cramd_device *d,
			 struct cram_device *cdev)
{
	struct pending *p = cramd_manager_pending_new(m, cramd_device_name(d), true, NULL, NULL);
	int rc;

	if (!p) {
		cramd_device_onlined(d, -ENOMEM);
		forget(m, d);
		return;
	}
	rc = cramd_child_call_start(m->ev, cramd_device_online_call, cdev, on_online, p, &p->on);
	if (rc < 0)
		on_online(p, rc);
}

/* Take @c under management; 0 also when it could not be (logged). */
int cramd_manager_add(struct cramd_manager *m, const struct cramd_candidate *c)
{
	struct cram_device *cdev = cram_device_get_by_name(m->cram, c->devname);
	struct cramd_device_ids ids = cramd_manager_candidate_ids(c);
	struct cramd_policy_params p;
	struct cramd_device_setup setup;
	struct cramd_device *d, **v;
	int rc;

	/* one whose online is still under way, though dropped meanwhile: after it */
	if (!cdev || cramd_manager_onlining(m, c->devname))
		return 0;
	resolve_params(m, &ids, &p);
	cramd_config_device_setup(&m->cfg, &ids, &setup);
	rc = cramd_device_new(&d, c, m->cram, cdev, &p, &setup, m->history);
	if (rc < 0)
		return rc == -ENOMEM ? rc : 0;
	v = realloc(m->devs, (m->n + 1) * sizeof(*v));
	if (!v) {
		cramd_device_free(d);
		return -ENOMEM;
	}
	m->devs = v;
	m->devs[m->n++] = d;
	if (rc == 1)
		start_online(m, d, cdev);
	return 0;
}

void cramd_manager_drop(struct cramd_manager *m, struct cramd_device *d, const char *why)
{
	cramd_device_event(d, LOG_NOTICE, "release", "%s: %s; no longer managed",
			   cramd_device_name(d), why);
	forget(m, d);
}

bool cramd_manager_name_found(const struct cramd_discovery *d, const char *name)
{
	size_t j;

	for (j = 0; j < d->n; j++)
		if (strcmp(d->devs[j].devname, name) == 0 || strcmp(d->devs[j].region, name) == 0)
			return true;
	return false;
}

static void warn_unmatched(struct cramd_manager *m, const struct cramd_discovery *d)
{
	size_t i;

	for (i = 0; i < m->cfg.n_devices; i++)
		if (!cramd_manager_name_found(d, m->cfg.devices[i]))
			cramd_log(LOG_WARNING, "configured device %s: no such cram device",
				  m->cfg.devices[i]);
}

bool cramd_manager_is_held(const struct cramd_manager *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n_held; i++)
		if (strcmp(m->held[i], name) == 0)
			return true;
	return false;
}

void cramd_manager_set_held(struct cramd_manager *m, const char *name, bool held)
{
	size_t i;

	for (i = 0; i < m->n_held; i++) {
		if (strcmp(m->held[i], name) == 0) {
			if (!held)
				memmove(&m->held[i], &m->held[i + 1],
					(m->n_held - i - 1) * sizeof(m->held[0]));
			m->n_held -= !held;
			return;
		}
	}
	if (held && m->n_held < CRAMD_CONFIG_MAX_DEVICES)
		snprintf(m->held[m->n_held++], sizeof(m->held[0]), "%s", name);
}

/* Drop what went away, set up what is new and wanted. */
static int apply_discovery(struct cramd_manager *m, const struct cramd_discovery *d)
{
	size_t i;
	int rc = 0;

	/* one that is still there but not listed (unreadable abi_version) stays, degraded */
	for (i = m->n; i-- > 0;)
		if (!cramd_discovery_find(d, cramd_device_name(m->devs[i])) &&
		    !cramd_device_present(m->devs[i]))
			cramd_manager_drop(m, m->devs[i], "device is gone");
	for (i = 0; i < d->n && rc == 0; i++) {
		const struct cramd_candidate *c = &d->devs[i];

		if (cramd_manager_find(m, c->devname) || cramd_manager_is_held(m, c->devname))
			continue;
		if (!cramd_config_wants_device(&m->cfg, c->devname, c->region)) {
			cramd_log(LOG_INFO, "%s: not in the configured devices, left alone",
				  c->devname);
			continue;
		}
		rc = cramd_manager_add(m, c);
	}
	warn_unmatched(m, d);
	return rc;
}

/* ---- discovery --------------------------------------------------------------------------- */


static void on_discovery(int rc, struct cramd_discovery *d, void *userdata)
{
	struct cramd_manager *m = userdata;
	struct pending *p, *next;

	m->disc = NULL;
	m->runs_done = m->runs_started;
	m->last_run_rc = rc;
	cramd_manager_rescan(m);
	if (rc == 0) {
		cramd_manager_prune_released(m, d);
		rc = apply_discovery(m, d);
	}
	if (rc == 0)
		cramd_manager_claim_unmatched(m, d);
	for (p = m->pending; p; p = next) {
		next = p->next;
		if (p->online && !p->on && !p->waiting && p->want_run <= m->runs_done)
			cramd_manager_finish_online(m, p, d, rc);
	}
	cramd_manager_notify(m);
	if (rc == 0) {
		/* kept: what is found but not managed is part of cramd's status */
		cramd_discovery_free(&m->found);
		m->found = *d;
		d->devs = NULL;
	}
	if (m->disc_again)
		cramd_manager_discover(m);
}

/* Run discovery now, or once more after the run under way. */
void cramd_manager_discover(struct cramd_manager *m)
{
	struct cramd_discovery none = { NULL, 0, 0 };
	int rc;

	if (m->disc) {
		m->disc_again = true;
		return;
	}
	m->disc_again = false;
	m->runs_started++;
	rc = cramd_discover_start(m->ev, on_discovery, m, &m->disc);
	if (rc < 0)
		on_discovery(rc, &none, m);
}

/* ---- life cycle ------------------------------------------------------------------------------ */

/*
 * The first discovery, before cramd reports ready: the loop runs (signals
 * are taken) until it comes back, with the claims it starts, the
 * discoveries after them and the onlines of what they found. Its failure
 * is fatal.
 */
static int first_discovery(struct cramd_manager *m)
{
	uint64_t until = m->runs_started + 1;
	int code, rc = 0;

	cramd_manager_discover(m);
	while ((m->runs_done < until || m->claim || m->disc || cramd_manager_onlining(m, NULL)) &&
	       rc >= 0 &&
	       sd_event_get_exit_code(m->ev, &code) == -ENODATA)
		rc = sd_event_run(m->ev, UINT64_MAX);
	return rc < 0 ? rc : m->runs_done < until ? 0 : m->last_run_rc;
}

int cramd_manager_new(struct cramd_manager **out, const struct cramd_config *cfg,
		      sd_event *ev, struct cramd_history *history,
		      cramd_status_fn status_fn, void *userdata)
{
	struct cramd_manager *m = calloc(1, sizeof(*m));
	sigset_t chld;
	int rc;

	*out = NULL;
	if (!m)
		return -ENOMEM;
	m->cfg = *cfg;
	m->paused = cfg->dry_run;
	if (m->paused)
		cramd_log(LOG_NOTICE, "dry-run: decisions are logged, no knob is written");
	m->ev = sd_event_ref(ev);
	m->history = history;
	m->status_fn = status_fn;
	m->userdata = userdata;
	/* discovery and offline children are watched by sd-event: SIGCHLD blocked */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	rc = cramd_startup_cram(&m->cram);
	if (rc < 0)
		goto fail;
	cramd_manager_start_monitor(m);
	cramd_startup_check_demotion();
	cramd_startup_check_provider(m->cram);
	rc = first_discovery(m);
	if (rc == 0)
		rc = cramd_manager_start_timer(m);
	if (rc < 0)
		goto fail;
	cramd_manager_run_all(m);
	*out = m;
	return 0;
fail:
	cramd_manager_free(m);
	return rc;
}

void cramd_manager_free(struct cramd_manager *m)
{
	size_t i;

	if (!m)
		return;
	cramd_manager_finish_pending(m);
	cramd_discover_cancel(m->disc);
	cramd_discover_cancel(m->claim);
	sd_event_source_disable_unref(m->timer);
	sd_event_source_disable_unref(m->uevent_src);
	udev_monitor_unref(m->monitor);
	udev_unref(m->udev);
	for (i = 0; i < m->n; i++)
		cramd_device_free(m->devs[i]);
	free(m->devs);
	cramd_discovery_free(&m->found);
	cram_unref(m->cram);
	sd_event_unref(m->ev);
	free(m);
}

int cramd_manager_stop(struct cramd_manager *m)
{
	size_t i;
	struct cram_ctx *cram;
	int failed = 0;

	if (!m)
		return 0;
	cramd_manager_finish_pending(m);
	/* a context of its own: the retries rescan, the devices keep theirs */
	if (!m->cfg.offline_on_stop || cramd_startup_cram(&cram) < 0)
		return 0;
	for (i = 0; i < m->n; i++) {
		struct cramd_device_info info;

		cramd_device_get_info(m->devs[i], &info);
		if (cramd_offline_with_retries(cram, info.devname, info.node,
					       m->cfg.offline_timeout_ms,
					       m->cfg.offline_retries) < 0)
			failed++;
	}
	cram_unref(cram);
	return failed;
}

int cramd_manager_set_config(struct cramd_manager *m, const struct cramd_config *cfg)
{
	bool dry_run_changed = cfg->dry_run != m->cfg.dry_run;
	size_t i;

	m->cfg = *cfg;
	cramd_manager_claims_reset(m);
	for (i = m->n; i-- > 0;) {
		struct cramd_device *d = m->devs[i];
		struct cramd_device_ids ids;
		struct cramd_policy_params p;
		struct cramd_device_setup setup;
		struct cram_device *cdev = cram_device_get_by_name(m->cram, cramd_device_name(d));
		const char *region = cdev ? cram_device_get_region(cdev) : NULL;

		if (!cramd_config_wants_device(cfg, cramd_device_name(d), region) &&
		    !cramd_manager_is_held(m, cramd_device_name(d))) {
			cramd_manager_drop(m, d, "no longer configured (left online)");
			continue;
		}
		cramd_device_ids(d, &ids);
		resolve_params(m, &ids, &p);
		cramd_device_set_params(d, &p);
		cramd_config_device_setup(cfg, &ids, &setup);
		cramd_device_set_setup(d, &setup);
	}
	if (dry_run_changed)
		cramd_manager_set_paused(m, cfg->dry_run);
	cramd_manager_discover(m);
	cramd_manager_run_all(m);
	return 0;
}
