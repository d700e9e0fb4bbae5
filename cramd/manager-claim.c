// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The manager's claims: a [device NAME] section with claim = yes names a
 * device that cramd moves to the cram provider itself (from device_dax,
 * or from kmem with claim_system_ram = yes). When discovery finds no cram
 * device that the section names, the helper claims it
 * (cram-discover --claim NAME, beside the loop, one claim at a time), and
 * discovery runs again to take the new cram device under management. A
 * section is claimed once; a claim that failed is tried again only after
 * a dax device is added or the configuration is reloaded.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "manager-private.h"

/* Whether discovery found a cram device that @o names. */
static bool section_found(const struct cramd_device_override *o,
			  const struct cramd_discovery *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		struct cramd_device_ids ids = cramd_manager_candidate_ids(&d->devs[i]);

		if (cramd_config_section_matches(o, &ids))
			return true;
	}
	return false;
}

static void on_claimed(int rc, struct cramd_discovery *d, void *userdata)
{
	struct cramd_manager *m = userdata;
	const char *match = m->claim_match;

	(void)d;
	/* why, for cramctl status: the helper's words */
	snprintf(m->claim_error[m->claim_index], sizeof(m->claim_error[0]), "%s",
		 rc == 0 ? "" : *cramd_discover_error(m->claim) ? cramd_discover_error(m->claim) :
		 rc == -EIO ? "the claim helper failed (see cramd's log)" : strerror(-rc));
	m->claim = NULL;
	if (rc == 0)
		cramd_log(LOG_NOTICE, "%s: claimed for the cram provider", match);
	else
		cramd_log(LOG_ERR, "%s: not claimed (see above); not managed until a dax "
			  "device is added or the configuration is reloaded", match);
	cramd_manager_discover(m);
}

void cramd_manager_claim_unmatched(struct cramd_manager *m, const struct cramd_discovery *d)
{
	size_t i;
	int rc;

	if (m->claim)
		return;		/* its end runs discovery again, which comes back here */
	for (i = 0; i < m->cfg.n_overrides; i++) {
		const struct cramd_device_override *o = &m->cfg.overrides[i];

		/* a section naming a released device waits for cramctl online */
		if (!o->claim || m->claim_tried[i] || section_found(o, d) ||
		    cramd_manager_section_released(m, o))
			continue;
		m->claim_tried[i] = true;
		m->claim_index = i;
		snprintf(m->claim_match, sizeof(m->claim_match), "%s", o->match);
		cramd_log(LOG_INFO, "%s: claiming it for the cram provider%s", o->match,
			  o->claim_system_ram ? " (system RAM too)" : "");
		rc = cramd_claim_start(m->ev, o->match, o->claim_system_ram, on_claimed, m,
				       &m->claim);
		if (rc == 0)
			return;
		snprintf(m->claim_error[i], sizeof(m->claim_error[0]), "cannot run the claim: %s",
			 strerror(-rc));
		cramd_log(LOG_ERR, "%s: %s", o->match, m->claim_error[i]);
	}
}

void cramd_manager_claims_reset(struct cramd_manager *m)
{
	memset(m->claim_tried, 0, sizeof(m->claim_tried));
	memset(m->claim_error, 0, sizeof(m->claim_error));
}

const char *cramd_manager_claim_state(const struct cramd_manager *m, size_t i,
				      const char **why, char *buf, size_t len)
{
	const struct cramd_device_override *o = &m->cfg.overrides[i];

	if (!o->claim || section_found(o, &m->found) || cramd_manager_section_released(m, o))
		return NULL;
	if (m->claim_error[i][0]) {
		*why = CRAM_WHY_CLAIM_FAILED;
		snprintf(buf, len, "claim failed: %s", m->claim_error[i]);
	} else if (m->claim && m->claim_index == i) {
		*why = CRAM_WHY_CLAIMING;
		snprintf(buf, len, "being claimed for the cram provider");
	} else if (m->claim_tried[i]) {
		/* claimed, and the discovery after it did not find it (yet) */
		*why = CRAM_WHY_NOT_FOUND;
		snprintf(buf, len, "claimed, but no cram device it names was found");
	} else {
		*why = CRAM_WHY_CLAIMING;
		snprintf(buf, len, "to be claimed after the discovery under way");
	}
	return buf;
}
