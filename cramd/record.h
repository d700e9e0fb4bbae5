/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cramd's decision records: what a device pass decided (or what happened
 * to a device), typed, with the numbers behind it. The journal line and
 * `cramctl dump` are both written out from a record, by
 * cramd_record_message(); cramd_record_emit() does both.
 */
#ifndef CRAMD_RECORD_H
#define CRAMD_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

#define CRAMD_RECORD_NAME_MAX 32
#define CRAMD_RECORD_TEXT_MAX 200

/*
 * The journal's MESSAGE_IDs (sd-id128 format) of what an operator alerts
 * on; cramd(8) lists them.
 */
#define CRAMD_MESSAGE_ID_DRIFT "88721189fb8447a1abba9e505c3954df"	/* knob drift */
#define CRAMD_MESSAGE_ID_GATE_CLOSED "530ab099de2f426085504d29e7a2849f"	/* gate closed */
#define CRAMD_MESSAGE_ID_DEGRADED "bd6db6ddf52845cfb9fdf6469ac43fa4"	/* fail-safe entered */
#define CRAMD_MESSAGE_ID_OVERFLOW_RISK "12d50fee37224708b95733eef71f4fc7" /* evicting, or over */
#define CRAMD_MESSAGE_ID_KNOB_FAILED "43444f14ea34430da369f5ba11aba71f" /* a knob write failed */
#define CRAMD_MESSAGE_ID_OFFLINE_FAILED "bc8e383bff654a4aa561fbd9cfadfc56" /* left online */
#define CRAMD_MESSAGE_ID_KERNEL_CRITICAL "4908e473fd364fec91f1b075ded4e0ac" /* kernel closed */

enum cramd_record_kind {
	CRAMD_REC_DECISION,	/* a pass's actions: @actions, @cause, @num */
	CRAMD_REC_DRY_RUN,	/* the same, decided while paused: not applied */
	CRAMD_REC_GATE,		/* the gate was written: @actions.gate_closed */
	CRAMD_REC_DEGRADED,	/* fail-safe entered or its cause changed */
	CRAMD_REC_RECOVERED,	/* telemetry is sane again */
	CRAMD_REC_DRIFT,	/* @knob read back as @value, not @intended */
	CRAMD_REC_KNOB_ERROR,	/* writing @knob = @intended failed with @error */
	CRAMD_REC_OVERFULL,	/* @value bytes used > @intended bytes capacity */
	CRAMD_REC_CRITICAL,	/* the kernel closed the gate on a critical event */
	CRAMD_REC_EVENT,	/* anything else: @action with @text */
};

/**
 * struct cramd_record - one thing cramd decided or did about a device
 * @realtime_usec: CLOCK_REALTIME when it was recorded (set by emit)
 * @device, @node: the device ("" and -1 for none)
 * @kind: what the record is, and which of the fields below it uses
 * @action: the journal's CRAM_ACTION (a literal), e.g. "gate-close"
 * @cause, @num: the policy's cause and numbers (DECISION .. RECOVERED)
 * @knob, @value, @intended, @error: the knob, what the kernel said, what
 *	cramd meant, -errno of a failed write
 * @actions: the policy's decision (DECISION, DRY_RUN, GATE)
 * @text: the words of an EVENT; for DEGRADED, the attribute it names
 *
 * No kind uses both @actions and @text, so they share their bytes: the
 * records cramd keeps for `cramctl dump` take that much less.
 */
struct cramd_record {
	uint64_t realtime_usec;
	char device[CRAMD_RECORD_NAME_MAX];
	int node;
	enum cramd_record_kind kind;
	const char *action;
	enum cramd_cause cause;
	double num[3];
	const char *knob;
	uint64_t value, intended;
	int error;
	union {
		struct cramd_actions actions;
		char text[CRAMD_RECORD_TEXT_MAX];
	};
};

/** cramd_record_message - the record in words, e.g. "dax0.0: gate closed: ...". */
const char *cramd_record_message(const struct cramd_record *r, char *buf, size_t len);

struct cramd_history;

/*
 * cramd_record_emit - log @r at @priority (journal fields CRAM_DEVICE,
 * CRAM_NODE, CRAM_ACTION, CRAM_CAUSE, CRAM_REASON, the call site's
 * CODE_FILE/CODE_LINE/CODE_FUNC, and the MESSAGE_ID of its kind when it has
 * one) and, at info or above, keep it in @history (may be NULL).
 */
#define cramd_record_emit(history, priority, r) \
	cramd_record_emit_at(__FILE__, __LINE__, __func__, (history), (priority), (r))

void cramd_record_emit_at(const char *file, int line, const char *func,
			  struct cramd_history *history, int priority,
			  struct cramd_record *r);

#endif
