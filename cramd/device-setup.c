// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Setting up one managed cram device: the ABI check, the configured mode
 * (before online), online (written by the caller, in a child), and the
 * configured explicit migration (after online), again when the
 * configuration is reloaded; see device.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "device-private.h"
#include "log.h"

static int check_abi(struct cramd_device *d)
{
	uint64_t abi;
	int rc = cram_device_get_abi_version(d->cdev, &abi);

	if (rc < 0) {
		cramd_device_event(d, LOG_ERR, "skip", "%s: cannot read %s/abi_version: %s; not managed",
				   d->devname, cram_device_get_path(d->cdev), strerror(-rc));
		return rc;
	}
	if (abi != 1) {
		cramd_device_event(d, LOG_ERR, "skip", "%s: unsupported cram ABI version %" PRIu64
				   "; not managed", d->devname, abi);
		return -EPROTONOSUPPORT;
	}
	return 0;
}

/* A device online in another mode than configured: said, not forced. */
static void mode_mismatch(const struct cramd_device *d)
{
	cramd_device_event(d, LOG_ERR, "mode", "%s: online in %s mode, but the configuration "
			   "asks for mode = %s; left as it is (offline it, cramctl offline %s, "
			   "to change the mode)", d->devname, cramd_device_mode_name(d->mode),
			   cramd_device_mode_name(d->setup.mode), d->devname);
}

/*
 * Before online: the configured mode into cram/mode, which the kernel
 * takes only while the device is offline. A kernel without cram/mode
 * (ABI v1) has compressed devices only: mode = placement keeps such a
 * device offline and unmanaged rather than online in the wrong mode.
 */
static int prepare_mode(struct cramd_device *d)
{
	enum cramd_device_mode want = d->setup.mode;
	int rc = cram_device_get_mode(d->cdev);

	d->mode = CRAMD_MODE_COMPRESSED;
	if (rc == -ENOENT && want == CRAMD_MODE_PLACEMENT) {
		cramd_device_event(d, LOG_ERR, "mode", "%s: mode = placement, but the kernel has "
				   "no placement mode (no %s/mode: cram ABI v1); not onlined, "
				   "not managed", d->devname, cram_device_get_path(d->cdev));
		return -EOPNOTSUPP;
	}
	if (rc == -ENOENT)
		return 0;
	if (rc < 0) {
		cramd_device_event(d, LOG_ERR, "mode", "%s: cannot read %s/mode: %s; not managed",
				   d->devname, cram_device_get_path(d->cdev), strerror(-rc));
		return rc;
	}
	d->mode = rc == CRAM_MODE_PLACEMENT ? CRAMD_MODE_PLACEMENT : CRAMD_MODE_COMPRESSED;
	if (d->mode == want)
		return 0;
	if (cram_device_get_state(d->cdev) == CRAM_DEVICE_ONLINE) {
		mode_mismatch(d);
		return 0;
	}
	rc = cram_device_set_mode(d->cdev, want == CRAMD_MODE_PLACEMENT ? CRAM_MODE_PLACEMENT :
								    CRAM_MODE_COMPRESSED);
	if (rc < 0) {
		cramd_device_event(d, LOG_ERR, "mode", "%s: cannot set mode %s: %s; not onlined, "
				   "not managed", d->devname, cramd_device_mode_name(want),
				   strerror(-rc));
		return rc;
	}
	d->mode = want;
	cramd_device_event(d, LOG_INFO, "mode", "%s: mode set to %s", d->devname,
			   cramd_device_mode_name(want));
	return 0;
}

/* After online: the configured migrate into cram/user_migrate (compressed mode only). */
static void apply_migrate(struct cramd_device *d)
{
	bool now = false;
	int rc;

	if (d->mode == CRAMD_MODE_PLACEMENT)
		return;
	rc = cram_device_get_user_migrate(d->cdev, &now);
	if (rc == -ENOENT) {
		if (d->setup.migrate)
			cramd_device_event(d, LOG_ERR, "migrate", "%s: migrate = yes, but the kernel "
					   "has no explicit migration (no user_migrate: cram ABI "
					   "v1); left off", d->devname);
		return;
	}
	if (rc == 0 && now == d->setup.migrate)
		return;
	rc = cram_device_set_user_migrate(d->cdev, d->setup.migrate);
	if (rc < 0)
		cramd_device_event(d, LOG_ERR, "migrate", "%s: cannot set user_migrate to %d: %s",
				   d->devname, d->setup.migrate, strerror(-rc));
	else
		cramd_device_event(d, LOG_INFO, "migrate", "%s: explicit migration into node %d %s",
				   d->devname, d->node, d->setup.migrate ? "allowed" : "refused");
}

/*
 * Whether @d still needs its online: 0 when it is online already, 1 when
 * it is offline (the caller writes cram/state), or -errno.
 */
static int needs_online(struct cramd_device *d)
{
	int rc = cram_device_get_state(d->cdev);

	if (rc == CRAM_DEVICE_ONLINE) {
		cramd_device_event(d, LOG_INFO, "online", "%s: already online (node %d)",
				   d->devname, d->node);
		return 0;
	}
	if (rc < 0) {
		cramd_device_event(d, LOG_ERR, "online", "%s: cannot read %s/state: %s; not managed",
				   d->devname, cram_device_get_path(d->cdev), strerror(-rc));
		return rc;
	}
	return 1;
}

int cramd_device_bring_up(struct cramd_device *d)
{
	int rc = check_abi(d);

	if (rc == 0)
		rc = prepare_mode(d);
	if (rc == 0)
		rc = needs_online(d);
	if (rc == 0)
		apply_migrate(d);
	d->onlining = rc == 1;
	return rc;
}

int cramd_device_online_call(void *cdev)
{
	return cram_device_set_state(cdev, CRAM_DEVICE_ONLINE);
}

int cramd_device_onlined(struct cramd_device *d, int rc)
{
	d->onlining = false;
	if (rc < 0) {
		cramd_device_event(d, LOG_ERR, "online", "%s: cannot online: %s; not managed",
				   d->devname, strerror(-rc));
		return rc;
	}
	cramd_device_event(d, LOG_INFO, "online", "%s: onlined as private node %d%s",
			   d->devname, d->node,
			   d->mode == CRAMD_MODE_PLACEMENT ? " in placement mode" : "");
	apply_migrate(d);
	if (cram_device_get_total_pages(d->cdev, &d->total_pages) < 0)
		d->total_pages = 0;
	return 0;
}

bool cramd_device_onlining(const struct cramd_device *d)
{
	return d->onlining;
}

void cramd_device_set_setup(struct cramd_device *d, const struct cramd_device_setup *s)
{
	bool mode_changed = s->mode != d->setup.mode;

	d->setup = *s;
	if (mode_changed && d->mode != s->mode)
		mode_mismatch(d);
	if (!d->onlining)	/* otherwise once it is online */
		apply_migrate(d);
}
