/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control protocol between cramd and cramctl, written once for both.
 *
 * A client connects to the stream socket CRAM_CONTROL_SOCKET_PATH, sends
 * one request line, a JSON object of at most CRAM_CONTROL_REQUEST_MAX
 * bytes (newline included):
 *   {"command": "offline", "device": "dax0.0"}
 * and reads one reply line, a JSON object of at most CRAM_CONTROL_REPLY_MAX
 * bytes, after which cramd closes the connection:
 *   {"ok": true, ...}  or  {"ok": false, "error": "one line"}
 * Requests are strict: UTF-8, no duplicate key, no NUL in a string, no
 * key other than "command" and "device". Replies are valid UTF-8.
 *
 * Only this header is shared: cramctl includes no other file of cramd.
 */
#ifndef CRAM_CONTROL_PROTOCOL_H
#define CRAM_CONTROL_PROTOCOL_H

/* Where cramd listens unless told otherwise (cramd --socket, $CRAMD_SOCKET). */
#define CRAM_CONTROL_SOCKET_PATH RUNSTATEDIR "/cramd/cramd.sock"
/* cramctl's override of the socket path. */
#define CRAM_CONTROL_SOCKET_ENV "CRAMD_SOCKET"

/* Longest request, newline included; longer ones are answered with an error. */
#define CRAM_CONTROL_REQUEST_MAX 4096
/* Longest reply a client must accept, newline included. */
#define CRAM_CONTROL_REPLY_MAX (1024 * 1024)
/* Longest "device" value, NUL included. */
#define CRAM_CONTROL_DEVICE_MAX 32

/* Requests: the keys, and the commands ("device" only with online/offline/release/history). */
#define CRAM_KEY_COMMAND "command"
#define CRAM_KEY_DEVICE "device"
#define CRAM_CMD_STATUS "status"	/* daemon state and every managed device */
#define CRAM_CMD_DUMP "dump"		/* recent decisions with their reasons */
#define CRAM_CMD_PAUSE "pause"		/* dry-run: decide and log, write no knob (root) */
#define CRAM_CMD_RESUME "resume"	/* leave dry-run (root) */
#define CRAM_CMD_ONLINE "online"	/* online one device (root, needs "device") */
#define CRAM_CMD_OFFLINE "offline"	/* offline one device (root, needs "device") */
/*
 * offline one device as "offline" does, then give it back to device_dax;
 * cramd claims it again only on "online" (root, needs "device")
 */
#define CRAM_CMD_RELEASE "release"
/* one managed device's telemetry and decisions over time (needs "device") */
#define CRAM_CMD_HISTORY "history"

/* Reply keys. Every reply: ok, and error when ok is false. */
#define CRAM_KEY_OK "ok"
#define CRAM_KEY_ERROR "error"
/*
 * status: version, paused, managed, gates_closed, degraded,
 *         devices: [{device, node, gate, degraded, mode, critical, reserve_bytes}]
 * (gate is left out for a device in placement mode: cramd drives none;
 * critical: the kernel closed the gate on a critical device event, and
 * cramd holds it closed until phys used falls to the low watermark;
 * reserve_bytes, CRAM_KEY_RESERVE below, is the newest history point's,
 * left out before the first sample and when its telemetry was unreadable)
 */
#define CRAM_KEY_VERSION "version"
#define CRAM_KEY_PAUSED "paused"
#define CRAM_KEY_MANAGED "managed"
#define CRAM_KEY_GATES_CLOSED "gates_closed"
#define CRAM_KEY_DEGRADED "degraded"
#define CRAM_KEY_CRITICAL "critical"
#define CRAM_KEY_DEVICES "devices"
#define CRAM_KEY_NODE "node"
#define CRAM_KEY_GATE "gate"		/* the gate cramd last wrote: CRAM_GATE_* */
#define CRAM_GATE_OPEN "open"
#define CRAM_GATE_CLOSED "closed"
/*
 * status also: unmanaged: [{device, why, reason}], what cramd knows of
 * devices it does not manage: cram devices it found, devices and regions
 * the configuration names, released devices. device: daxX.Y, or the name
 * a [device NAME] section or [global] devices gives (regionN, memN,
 * serial:0xHEX). why: one of CRAM_WHY_*. reason: one line for people.
 */
#define CRAM_KEY_UNMANAGED "unmanaged"
#define CRAM_KEY_WHY "why"
#define CRAM_WHY_OFFLINE "offline"		/* offlined by the operator (cramctl offline) */
#define CRAM_WHY_RELEASED "released"		/* given back to device_dax (offline --release) */
#define CRAM_WHY_NOT_CONFIGURED "not-configured"	/* a cram device [global] devices leaves out */
#define CRAM_WHY_SETUP_FAILED "setup-failed"	/* could not be onlined or set up (see the log) */
#define CRAM_WHY_CLAIMING "claiming"		/* a claim = yes section, claim to come or under way */
#define CRAM_WHY_CLAIM_FAILED "claim-failed"	/* its claim failed; reason: the helper's words */
#define CRAM_WHY_NOT_FOUND "not-found"		/* configured, but no such cram device */
#define CRAM_KEY_MODE "mode"		/* the device's mode (cram/mode): CRAM_DEVMODE_* */
#define CRAM_DEVMODE_COMPRESSED "compressed"
#define CRAM_DEVMODE_PLACEMENT "placement"
/* dump: decisions: [{time, device, action, reason}], oldest first */
#define CRAM_KEY_DECISIONS "decisions"
#define CRAM_KEY_TIME "time"
#define CRAM_KEY_ACTION "action"
#define CRAM_KEY_REASON "reason"
/* pause, resume: paused. online, offline, release: device. */
/*
 * history: device, coarse_interval_ms, points: [{time_ms, gate, ...}],
 * oldest first: the last samples of the device's passes as they were
 * taken, preceded by older ones downsampled to one per coarse_interval_ms
 * (the last sample of each interval, with the events of all of them).
 * At most CRAM_HISTORY_POINTS_MAX points. Bytes are exact to 4 KiB (rounded
 * up), rate_limit_bytes to its top 3 bits (rounded up; cramd sets no finer
 * limit), time_ms to the ms. A
 * key is left out when it does not apply: the byte counts when the
 * telemetry could not be read, rate_limit_bytes and capacity_target_bytes
 * when none is set, evict_bytes when no eviction was requested, and the
 * flags (degraded, dry_run, gate_changed) when false.
 */
#define CRAM_HISTORY_POINTS_MAX 960
#define CRAM_KEY_COARSE_INTERVAL_MS "coarse_interval_ms"
#define CRAM_KEY_POINTS "points"
#define CRAM_KEY_TIME_MS "time_ms"		/* CLOCK_REALTIME, ms since the epoch */
#define CRAM_KEY_PHYS_USED "phys_used_bytes"
#define CRAM_KEY_PHYS_CAPACITY "phys_capacity_bytes"
#define CRAM_KEY_RESERVE "reserve_bytes"	/* physical use at which the policy acts */
#define CRAM_KEY_LOGICAL "logical_bytes"	/* resident data, uncompressed */
#define CRAM_KEY_RATE_LIMIT "rate_limit_bytes"	/* demotion limit, bytes/s */
#define CRAM_KEY_CAPACITY_TARGET "capacity_target_bytes"
#define CRAM_KEY_GATE_CHANGED "gate_changed"	/* true: the gate changed to "gate" */
#define CRAM_KEY_EVICT "evict_bytes"		/* eviction requested */
#define CRAM_KEY_DRY_RUN "dry_run"		/* decided while paused, not applied */

/* Timeouts. cramd drops a client that sends no full request within this. */
#define CRAM_CONTROL_REQUEST_TIMEOUT_MS 2000
/* A client waits this long for the reply to status, dump, pause or resume. */
#define CRAM_CONTROL_REPLY_TIMEOUT_MS 5000
/*
 * online, offline and release are answered when the kernel is done. The longest
 * offline_timeout_ms cramd accepts (cramd.conf(5)); an offline is answered
 * within it and the kernel's rollback. An online is answered after the
 * discovery helper (at most CRAM_CONTROL_DISCOVERY_TIMEOUT_MS) and the
 * online write.
 */
#define CRAM_CONTROL_OFFLINE_TIMEOUT_MS_MAX 60000u
#define CRAM_CONTROL_DISCOVERY_TIMEOUT_MS 10000
/*
 * So a client waits this long for the reply to online, offline or release
 * (a release: the offline, then the helper, bounded as a discovery; an
 * online of a released device: a claim, then a discovery).
 */
#define CRAM_CONTROL_KERNEL_REPLY_TIMEOUT_MS (CRAM_CONTROL_OFFLINE_TIMEOUT_MS_MAX + \
					      2 * CRAM_CONTROL_DISCOVERY_TIMEOUT_MS + 5000)

#endif
