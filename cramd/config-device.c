// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * [device NAME] sections: their names, their keys (parsed once into typed
 * values and a set-mask), their consistency with [policy], and the policy
 * parameters and setup (mode, migrate) of one device ([policy] merged
 * with the matching sections).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config-parse.h"
#include "util/names.h"

#define EXPECTED "expected [device daxX.Y], [device regionN], [device memN] or " \
		 "[device serial:0xHEX]"

/*
 * A section of an earlier file is continued (its keys are overridden); the
 * same section twice in one file is an error.
 */
int cramd_config_begin_device(struct cramd_config_parse *ps, int line, const char *name,
			      size_t len)
{
	struct cramd_config *cfg = ps->cfg;
	struct cramd_origin here = { ps->file, line };
	char match[CRAMD_OVERRIDE_MATCH_MAX];
	size_t i;

	if (len == 0 || len >= sizeof(match))
		return cramd_config_fail(ps, here, NULL, NULL, "[device %.*s]: " EXPECTED,
					 (int)(len > 40 ? 40 : len), name);
	memcpy(match, name, len);
	match[len] = '\0';
	if (!util_device_match_valid(match))
		return cramd_config_fail(ps, here, NULL, NULL, "[device %s]: " EXPECTED, match);
	for (i = 0; i < cfg->n_overrides; i++)
		if (strcmp(cfg->overrides[i].match, match) == 0)
			break;
	if (i < cfg->n_overrides && ps->dev_line[i].file == ps->file)
		return cramd_config_fail(ps, here, NULL, NULL,
					 "[device %s]: duplicate section (first on line %d)",
					 match, ps->dev_line[i].line);
	if (i == CRAMD_CONFIG_MAX_OVERRIDES)
		return cramd_config_fail(ps, here, NULL, NULL,
					 "[device %s]: more than %d device sections", match,
					 CRAMD_CONFIG_MAX_OVERRIDES);
	if (i == cfg->n_overrides) {
		memset(&cfg->overrides[i], 0, sizeof(cfg->overrides[i]));
		memcpy(cfg->overrides[i].match, match, len + 1);
		cfg->n_overrides++;
	}
	ps->dev_line[i] = here;
	ps->sec = SEC_DEVICE;
	ps->dev = i;
	snprintf(ps->label, sizeof(ps->label), "device %s", match);
	return 0;
}

const char *cramd_device_mode_name(enum cramd_device_mode mode)
{
	return mode == CRAMD_MODE_PLACEMENT ? CRAM_DEVMODE_PLACEMENT : CRAM_DEVMODE_COMPRESSED;
}

int cramd_config_device_key(struct cramd_config_parse *ps, int line, const char *name,
			    const char *value)
{
	struct cramd_device_override *o = &ps->cfg->overrides[ps->dev];
	struct cramd_origin here = { ps->file, line };
	struct cramd_origin *at;
	enum cramd_key key = cramd_config_find_key(SEC_DEVICE, name);

	if (key == KEY_COUNT)
		return cramd_config_fail(ps, here, ps->label, name,
					 "unknown key (a device section takes [policy] keys, claim, "
					 "claim_system_ram, mode and migrate)");
	at = &ps->dev_at[ps->dev][key];
	if (at->file == ps->file)
		return cramd_config_fail(ps, here, ps->label, name,
					 "duplicate key (first set on line %d)", at->line);
	if (cramd_config_set_key(ps, line, key, value, ps->cfg, &o->params) < 0)
		return -EINVAL;
	o->set |= KEY_BIT(key);
	*at = here;
	return 0;
}

/* Each section must give a consistent configuration on top of [policy]. */
int cramd_config_check_devices(struct cramd_config_parse *ps)
{
	char label[sizeof(ps->label)];
	size_t i;

	for (i = 0; i < ps->cfg->n_overrides; i++) {
		const struct cramd_device_override *o = &ps->cfg->overrides[i];
		struct cramd_config_scope sc = {
			.policy = &ps->cfg->policy, .policy_at = ps->key_at,
			.dev = o, .dev_at = ps->dev_at[i], .dev_label = label,
		};

		snprintf(label, sizeof(label), "device %s", o->match);
		if (cramd_config_check_scope(ps, &sc) < 0)
			return -EINVAL;
		if (o->claim_system_ram && !o->claim)
			return cramd_config_fail(ps, ps->dev_line[i], label, "claim_system_ram",
						 "needs claim = yes in the same section");
		if (o->setup.mode == CRAMD_MODE_PLACEMENT && o->setup.migrate)
			return cramd_config_fail(ps, ps->dev_at[i][KEY_MIGRATE], label, "migrate",
						 "yes needs mode = compressed (a placement node "
						 "takes no explicit migration)");
	}
	return 0;
}

void cramd_config_device_setup(const struct cramd_config *cfg,
			       const struct cramd_device_ids *ids,
			       struct cramd_device_setup *out)
{
	size_t i;

	out->mode = CRAMD_MODE_COMPRESSED;
	out->migrate = false;
	for (i = 0; ids && i < cfg->n_overrides; i++) {
		const struct cramd_device_override *o = &cfg->overrides[i];

		if (!cramd_config_section_matches(o, ids))
			continue;
		if (o->set & KEY_BIT(KEY_MODE))
			out->mode = o->setup.mode;
		if (o->set & KEY_BIT(KEY_MIGRATE))
			out->migrate = o->setup.migrate;
	}
	if (out->mode == CRAMD_MODE_PLACEMENT)
		out->migrate = false;
}

bool cramd_config_section_matches(const struct cramd_device_override *o,
				  const struct cramd_device_ids *ids)
{
	const char *m = o->match;
	size_t len;

	if (strncmp(m, "serial:", 7) == 0)
		return ids->has_serial && util_serial_matches(m, ids->serial);
	if (strncmp(m, "mem", 3) == 0 && ids->memdevs) {
		const char *p = ids->memdevs;

		len = strlen(m);
		while ((p = strstr(p, m))) {
			if ((p == ids->memdevs || p[-1] == ',') && (p[len] == ',' || !p[len]))
				return true;
			p += len;
		}
		return false;
	}
	return strcmp(m, ids->devname) == 0 || (ids->region && strcmp(m, ids->region) == 0);
}

size_t cramd_config_policy_params(const struct cramd_config *cfg,
				  const struct cramd_device_ids *ids,
				  struct cramd_policy_params *out)
{
	const struct cramd_device_override *last = NULL;
	struct cramd_policy_params base = cfg->policy;
	size_t i, n = 0;

	base.poll_interval_ms = cfg->poll_interval_ms;
	*out = base;
	for (i = 0; ids && i < cfg->n_overrides; i++) {
		if (cramd_config_section_matches(&cfg->overrides[i], ids)) {
			last = &cfg->overrides[i];
			cramd_config_copy_keys(out, &last->params, last->set);
			n++;
		}
	}
	/* Each section was checked on its own; a mix may not hold together. */
	if (last && !cramd_config_consistent(out)) {
		*out = base;
		cramd_config_copy_keys(out, &last->params, last->set);
	}
	return n;
}
