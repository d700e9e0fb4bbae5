// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Why cramd does not manage a device it knows of, for cramctl status:
 * read from the facts each owner holds (the last discovery, the devices
 * the operator offlined or released, the claims, the configuration),
 * never kept twice.
 */
#include <stdio.h>
#include <string.h>

#include "manager-private.h"

#define REASON_MAX 320

/* A cram device that discovery found and cramd does not manage. */
static void found_unmanaged(const struct cramd_manager *m, const struct cramd_candidate *c,
			    cramd_unmanaged_fn fn, void *userdata)
{
	char reason[REASON_MAX];

	if (cramd_manager_is_held(m, c->devname)) {
		snprintf(reason, sizeof(reason), "offlined by the operator; 'cramctl online %s' "
			 "takes it back", c->devname);
		fn(userdata, c->devname, CRAM_WHY_OFFLINE, reason);
	} else if (!cramd_config_wants_device(&m->cfg, c->devname,
					      c->region[0] ? c->region : NULL)) {
		fn(userdata, c->devname, CRAM_WHY_NOT_CONFIGURED,
		   "a cram device that [global] devices leaves out; left alone");
	} else {
		fn(userdata, c->devname, CRAM_WHY_SETUP_FAILED,
		   "could not be onlined or set up; see cramd's log");
	}
}

void cramd_manager_foreach_unmanaged(struct cramd_manager *m, cramd_unmanaged_fn fn,
				     void *userdata)
{
	char reason[REASON_MAX];
	const char *why;
	size_t i;

	for (i = 0; i < m->found.n; i++) {
		const struct cramd_candidate *c = &m->found.devs[i];

		/* managed, or an operation on it is under way */
		if (!cramd_manager_find(m, c->devname) &&
		    !cramd_manager_pending_find(m, c->devname))
			found_unmanaged(m, c, fn, userdata);
	}
	for (i = 0; i < m->n_released; i++) {
		const struct released *r = &m->released[i];

		snprintf(reason, sizeof(reason), r->reclaiming ? "released; being claimed back" :
			 "given back to device_dax (cramctl offline --release); "
			 "'cramctl online %s' claims it back", r->ids.devname);
		fn(userdata, r->ids.devname, CRAM_WHY_RELEASED, reason);
	}
	for (i = 0; i < m->cfg.n_overrides; i++)
		if (cramd_manager_claim_state(m, i, &why, reason, sizeof(reason)))
			fn(userdata, m->cfg.overrides[i].match, why, reason);
	for (i = 0; !m->cfg.all_devices && i < m->cfg.n_devices; i++) {
		const char *name = m->cfg.devices[i];

		if (cramd_manager_name_found(&m->found, name) || cramd_manager_released(m, name))
			continue;
		fn(userdata, name, CRAM_WHY_NOT_FOUND,
		   "named in [global] devices, but no cram device has this name");
	}
}
