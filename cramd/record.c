// SPDX-License-Identifier: GPL-2.0-or-later
/* cramd's decision records in words, for the journal and `cramctl dump`; see record.h. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "history.h"
#include "log.h"
#include "record.h"

const char *cramd_record_message(const struct cramd_record *r, char *buf, size_t len)
{
	char why[CRAMD_REASON_MAX];
	const struct cramd_actions *a = &r->actions;

	switch (r->kind) {
	case CRAMD_REC_DECISION:
	case CRAMD_REC_DRY_RUN:
		snprintf(buf, len, "%s: %s%s", r->device,
			 r->kind == CRAMD_REC_DRY_RUN ? "dry-run, not applied: " : "",
			 cramd_actions_reason(why, sizeof(why), a));
		break;
	case CRAMD_REC_GATE:
		snprintf(buf, len, "%s: gate %s: %s", r->device,
			 a->gate_closed ? "closed" : "opened",
			 a->degraded ? "fail-safe while degraded" :
			 cramd_cause_format(why, sizeof(why), r->cause, r->num));
		break;
	case CRAMD_REC_DEGRADED:
		snprintf(buf, len, "%s: degraded: %s%s%s%s", r->device,
			 cramd_cause_format(why, sizeof(why), r->cause, r->num),
			 r->text[0] ? " (" : "", r->text, r->text[0] ? ")" : "");
		break;
	case CRAMD_REC_RECOVERED:
		snprintf(buf, len, "%s: telemetry is sane again: %s", r->device,
			 cramd_cause_format(why, sizeof(why), r->cause, r->num));
		break;
	case CRAMD_REC_DRIFT:
		snprintf(buf, len, "%s: drift: %s is %" PRIu64 " on the device, not %" PRIu64
			 " as cramd set it; rewriting it", r->device, r->knob, r->value,
			 r->intended);
		break;
	case CRAMD_REC_KNOB_ERROR:
		snprintf(buf, len, "%s: cannot write %s = %" PRIu64 ": %s", r->device,
			 r->knob, r->intended, strerror(-r->error));
		break;
	case CRAMD_REC_OVERFULL:
		snprintf(buf, len, "%s: phys used %" PRIu64 " bytes exceeds phys capacity %"
			 PRIu64 " bytes: the device is out of backing", r->device, r->value,
			 r->intended);
		break;
	case CRAMD_REC_CRITICAL:
		snprintf(buf, len, "%s: the kernel closed the gate on a critical device event; "
			 "it stays closed until phys used falls to the low watermark", r->device);
		break;
	case CRAMD_REC_EVENT:
	default:
		snprintf(buf, len, "%s", r->text);
		break;
	}
	return buf;
}

static bool has_cause(const struct cramd_record *r)
{
	return r->kind <= CRAMD_REC_RECOVERED;
}

/* The MESSAGE_ID an operator alerts on, for the records that have one. */
static const char *message_id(const struct cramd_record *r)
{
	switch (r->kind) {
	case CRAMD_REC_DRIFT:
		return CRAMD_MESSAGE_ID_DRIFT;
	case CRAMD_REC_GATE:
		return r->actions.gate_closed ? CRAMD_MESSAGE_ID_GATE_CLOSED : NULL;
	case CRAMD_REC_DEGRADED:
		return CRAMD_MESSAGE_ID_DEGRADED;
	case CRAMD_REC_OVERFULL:
		return CRAMD_MESSAGE_ID_OVERFLOW_RISK;
	case CRAMD_REC_DECISION:
		return r->actions.evict ? CRAMD_MESSAGE_ID_OVERFLOW_RISK : NULL;
	case CRAMD_REC_KNOB_ERROR:
		return CRAMD_MESSAGE_ID_KNOB_FAILED;
	case CRAMD_REC_CRITICAL:
		return CRAMD_MESSAGE_ID_KERNEL_CRITICAL;
	case CRAMD_REC_EVENT:
		return r->action && !strcmp(r->action, "offline-failed") ?
		       CRAMD_MESSAGE_ID_OFFLINE_FAILED : NULL;
	default:
		return NULL;
	}
}

void cramd_record_emit_at(const char *file, int line, const char *func,
			  struct cramd_history *history, int priority,
			  struct cramd_record *r)
{
	char msg[CRAMD_REASON_MAX + 128], cause[CRAMD_CAUSE_MAX];
	struct cramd_log_fields f = {
		.device = r->device[0] ? r->device : NULL, .node = r->node,
		.action = r->action,
		.cause = has_cause(r) ? cramd_cause_name(r->cause) : NULL,
		.reason = has_cause(r) ? cramd_cause_format(cause, sizeof(cause), r->cause,
							     r->num) : NULL,
		.message_id = message_id(r),
	};
	struct timespec ts;

	if (priority > cramd_log_level() && (!history || priority > LOG_INFO))
		return;
	cramd_record_message(r, msg, sizeof(msg));
	cramd_log_at(file, line, func, priority, &f, "%s", msg);
	if (!history || priority > LOG_INFO)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	r->realtime_usec = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
	cramd_history_add(history, r);
}
