// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The manager's releases: `cramctl offline DEVICE --release` gives an
 * offlined cram device back to device_dax (cram-discover --release, beside
 * the loop), so that its memory can be used for something else. cramd
 * remembers the device as released and never claims it again by itself:
 * not on a dax "add" uevent, not on reload, even when a [device NAME]
 * section with claim = yes names it. `cramctl online DEVICE` takes it
 * back (a claim, then discovery). The memory is cramd's own: a restart of
 * cramd forgets it, and claims what the configuration says.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "manager-private.h"

const struct released *cramd_manager_released(const struct cramd_manager *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n_released; i++)
		if (strcmp(m->released[i].ids.devname, name) == 0)
			return &m->released[i];
	return NULL;
}

bool cramd_manager_section_released(const struct cramd_manager *m,
				    const struct cramd_device_override *o)
{
	size_t i;

	for (i = 0; i < m->n_released; i++) {
		struct cramd_device_ids ids = cramd_manager_candidate_ids(&m->released[i].ids);

		if (cramd_config_section_matches(o, &ids))
			return true;
	}
	return false;
}

static void forget(struct cramd_manager *m, const struct released *r)
{
	size_t i = (size_t)(r - m->released);

	memmove(&m->released[i], &m->released[i + 1],
		(m->n_released - i - 1) * sizeof(m->released[0]));
	m->n_released--;
}

void cramd_manager_prune_released(struct cramd_manager *m, const struct cramd_discovery *d)
{
	size_t i;

	for (i = m->n_released; i-- > 0;) {
		const struct released *r = &m->released[i];

		/* bound to cram again by someone else, seen by a discovery started after */
		if (!r->reclaiming && m->runs_done > r->since_run &&
		    cramd_discovery_find(d, r->ids.devname)) {
			cramd_log(LOG_NOTICE, "%s: bound to cram again; no longer released",
				  r->ids.devname);
			forget(m, r);
		}
	}
}

/* What the device was known by: the last discovery's entry, or what libcram says. */
static void remember(struct cramd_manager *m, const char *name)
{
	const struct cramd_candidate *c = cramd_discovery_find(&m->found, name);
	struct released *r;

	if (cramd_manager_released(m, name))
		return;
	if (m->n_released == CRAMD_CONFIG_MAX_DEVICES)
		forget(m, &m->released[0]);	/* the oldest is forgotten */
	r = &m->released[m->n_released++];
	memset(r, 0, sizeof(*r));
	if (c) {
		r->ids = *c;
	} else {
		struct cram_device *cdev = cram_device_get_by_name(m->cram, name);
		const char *region = cdev ? cram_device_get_region(cdev) : NULL;

		snprintf(r->ids.devname, sizeof(r->ids.devname), "%s", name);
		snprintf(r->ids.region, sizeof(r->ids.region), "%s", region ? region : "");
		r->ids.node = -1;
	}
	r->since_run = m->runs_started;
}

static void on_released(int rc, struct cramd_discovery *d, void *userdata)
{
	struct pending *p = userdata;
	struct cramd_manager *m = p->m;
	char err[ERR_MAX];

	(void)d;
	if (rc == 0) {
		p->run = NULL;
		cramd_manager_set_held(m, p->name, false);
		cramd_log(LOG_NOTICE, "%s: released to device_dax on request; cramd leaves it "
			  "alone until 'cramctl online %s'", p->name, p->name);
		cramd_manager_notify(m);
		cramd_manager_complete(p, 0, NULL);
		return;
	}
	snprintf(err, sizeof(err), "%s: offline, but not released: %s", p->name,
		 *cramd_discover_error(p->run) ? cramd_discover_error(p->run) :
		 rc == -EIO ? "the release helper failed (see cramd's log)" : strerror(-rc));
	p->run = NULL;
	forget(m, cramd_manager_released(m, p->name));	/* not on device_dax */
	cramd_log(LOG_ERR, "%s", err);
	cramd_manager_complete(p, rc, err);
}

void cramd_manager_release_offlined(struct pending *p)
{
	struct cramd_manager *m = p->m;
	char err[ERR_MAX];
	int rc;

	/* It stays offline whatever the release does: rediscovery leaves it alone. */
	cramd_manager_set_held(m, p->name, true);
	/* Remembered first: a discovery or claim running now must not take it back. */
	remember(m, p->name);
	cramd_log(LOG_INFO, "%s: giving it back to device_dax", p->name);
	rc = cramd_release_start(m->ev, p->name, on_released, p, &p->run);
	if (rc < 0) {
		forget(m, cramd_manager_released(m, p->name));
		snprintf(err, sizeof(err), "%s: offline, but cannot run the release: %s",
			 p->name, strerror(-rc));
		cramd_log(LOG_ERR, "%s", err);
		cramd_manager_complete(p, rc, err);
	}
}

static void on_reclaimed(int rc, struct cramd_discovery *d, void *userdata)
{
	struct pending *p = userdata;
	struct cramd_manager *m = p->m;
	struct released *r = (struct released *)cramd_manager_released(m, p->name);
	char err[ERR_MAX];

	(void)d;
	if (rc < 0) {
		snprintf(err, sizeof(err), "%s: released, and not claimed back: %s", p->name,
			 *cramd_discover_error(p->run) ? cramd_discover_error(p->run) :
			 rc == -EIO ? "the claim helper failed (see cramd's log)" :
			 strerror(-rc));
		p->run = NULL;
		if (r)
			r->reclaiming = false;
		cramd_log(LOG_ERR, "%s", err);
		cramd_manager_complete(p, rc, err);
		return;
	}
	p->run = NULL;
	if (r)
		forget(m, r);
	cramd_log(LOG_NOTICE, "%s: claimed back for the cram provider", p->name);
	p->want_run = m->runs_started + 1;
	cramd_manager_discover(m);
}

bool cramd_manager_reclaim(struct pending *p)
{
	struct cramd_manager *m = p->m;
	struct released *r = (struct released *)cramd_manager_released(m, p->name);
	char err[ERR_MAX];
	int rc;

	if (!r)
		return false;
	p->want_run = (unsigned long)-1;	/* no discovery answers it before the claim */
	r->reclaiming = true;
	cramd_log(LOG_INFO, "%s: released earlier; claiming it back", p->name);
	rc = cramd_claim_start(m->ev, p->name, false, on_reclaimed, p, &p->run);
	if (rc < 0) {
		r->reclaiming = false;
		snprintf(err, sizeof(err), "%s: cannot run the claim: %s", p->name,
			 strerror(-rc));
		cramd_manager_complete(p, rc, err);
	}
	return true;
}
