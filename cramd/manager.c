// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cramd manager. Devices are kept by name and looked up in libcram on
 * every use, so a rediscovery (which rescans libcram) never leaves a
 * stale pointer behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <libudev.h>

#include <cram/cram.h>

#include "bounded.h"
#include "discover.h"
#include "log.h"
#include "manager.h"
#include "policy.h"

#define WHY_MAX 512
#define UEVENT_BATCH 64

struct managed {
	char devname[CRAMD_DEVNAME_MAX];
	int node;
	bool gate_closed;
	bool gate_known;	/* false: write no_alloc on the next pass */
	bool degraded;
	int degraded_kind;	/* what made it degraded, see run_pass() */
	bool write_err_logged;
	bool overfull;		/* phys used > phys capacity, logged */
	bool thresholds_set;
	bool thresholds_err_logged;
	uint64_t thresholds_capacity;
	bool knob_err_logged;	/* a rate/capacity/evict write failed */
	uint64_t total_pages;
	struct cramd_policy_state pol;
	/* What [device NAME] sections match on, and the result for this device. */
	char region[CRAMD_DEVNAME_MAX];
	char memdevs[CRAMD_MEMDEVS_MAX];
	bool has_serial;
	unsigned long long serial;
	struct cramd_config cfg;
};

struct cramd_manager {
	struct cramd_config cfg;
	struct cram_ctx *cram;
	sd_event *ev;
	sd_event_source *timer;
	sd_event_source *uevent_src;
	struct udev *udev;
	struct udev_monitor *monitor;
	struct managed *devs;
	size_t n;
	char cram_msg[WHY_MAX / 2];	/* last libcram warning or error */
	bool paused;			/* dry-run: decide and log, write nothing */
	/* Devices the operator offlined: not brought back by rediscovery. */
	char held[CRAMD_CONFIG_MAX_DEVICES][CRAMD_DEVNAME_MAX];
	size_t n_held;
	cramd_status_fn status_fn;
	void *userdata;
};

static struct cramd_log_fields dev_fields(const struct managed *md,
					  const char *action,
					  const char *reason)
{
	struct cramd_log_fields f = { .device = md->devname, .node = md->node,
				      .action = action, .reason = reason };

	return f;
}

/* libcram's messages: details at debug level; warnings kept for context. */
static void cram_log(struct cram_ctx *ctx, int priority, const char *file,
		     int line, const char *fn, const char *format,
		     va_list args)
{
	struct cramd_manager *m = cram_get_userdata(ctx);
	char msg[WHY_MAX / 2];
	size_t len;

	vsnprintf(msg, sizeof(msg), format, args);
	len = strlen(msg);
	while (len && msg[len - 1] == '\n')
		msg[--len] = '\0';
	if (m && priority <= LOG_WARNING)
		memcpy(m->cram_msg, msg, sizeof(msg));
	cramd_log(LOG_DEBUG, "libcram: %s: %s", fn, msg);
}

static struct managed *find_managed(struct cramd_manager *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (strcmp(m->devs[i].devname, name) == 0)
			return &m->devs[i];
	return NULL;
}

static void notify_status(struct cramd_manager *m)
{
	struct cramd_counts c;

	if (!m->status_fn)
		return;
	cramd_manager_get_counts(m, &c);
	m->status_fn(&c, m->userdata);
}

void cramd_manager_get_counts(const struct cramd_manager *m,
			      struct cramd_counts *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	c->managed = m->n;
	for (i = 0; i < m->n; i++) {
		c->gates_closed += m->devs[i].gate_closed;
		c->degraded += m->devs[i].degraded;
	}
}

/* ---- thresholds ---------------------------------------------------------- */

static void set_thresholds(struct cramd_manager *m, struct managed *md,
			   struct cram_device *dev, uint64_t capacity)
{
	uint64_t high = cramd_watermark_bytes(capacity,
					      md->cfg.high_watermark_percent);
	uint64_t low = cramd_watermark_bytes(capacity,
					     md->cfg.low_watermark_percent);
	struct cramd_log_fields f = dev_fields(md, "thresholds", NULL);
	int rc;

	if (md->thresholds_set && md->thresholds_capacity == capacity)
		return;
	rc = cram_device_set_thresholds(dev, high, low);
	if (rc < 0) {
		if (!md->thresholds_err_logged)
			cramd_log_dev(LOG_ERR, &f,
				      "%s: cannot set thresholds high %" PRIu64
				      " low %" PRIu64 ": %s", md->devname, high,
				      low, strerror(-rc));
		md->thresholds_err_logged = true;
		md->thresholds_set = false;
		return;
	}
	md->thresholds_err_logged = false;
	md->thresholds_set = true;
	md->thresholds_capacity = capacity;
	cramd_log_dev(LOG_INFO, &f,
		      "%s: thresholds high %" PRIu64 " low %" PRIu64
		      " bytes (%u%%/%u%% of %" PRIu64 " bytes physical)",
		      md->devname, high, low, md->cfg.high_watermark_percent,
		      md->cfg.low_watermark_percent, capacity);
}

/* ---- one policy pass ------------------------------------------------------- */

/* Returns 0 or the -errno of the snapshot; @s is always filled. */
static int read_sample(struct cramd_manager *m, struct managed *md,
		       struct cram_device *dev, struct cramd_sample *s,
		       char *why, size_t len)
{
	struct cram_snapshot snap = { .size = sizeof(snap) };
	int rc;

	memset(s, 0, sizeof(*s));
	m->cram_msg[0] = '\0';
	rc = cram_device_snapshot(dev, &snap);
	if (rc < 0) {
		snprintf(why, len, "cannot read %.200s/stat: %s%s%.200s%s",
			 cram_device_get_path(dev), strerror(-rc),
			 m->cram_msg[0] ? " (libcram: " : "", m->cram_msg,
			 m->cram_msg[0] ? ")" : "");
		s->why = why;
		return rc;
	}
	s->valid = true;
	s->timestamp_ns = snap.timestamp_ns;
	s->total_pages = md->total_pages;
	s->page_size = (uint64_t)getpagesize();
	s->phys_capacity_bytes = snap.phys_capacity_bytes;
	s->phys_used_bytes = snap.phys_used_bytes;
	s->logical_bytes = snap.logical_bytes;
	s->demoted_pages = snap.demoted_pages;
	s->promoted_pages = snap.promoted_pages;
	s->evicted_pages = snap.evicted_pages;
	return 0;
}

/* Log entering, changing and leaving the degraded state, once each. */
static void track_degraded(struct managed *md, struct cramd_actions *d,
			   int kind)
{
	struct cramd_log_fields f;

	if (d->degraded && (!md->degraded || md->degraded_kind != kind)) {
		f = dev_fields(md, "degraded", cramd_actions_cause(d));
		cramd_log_dev(LOG_WARNING, &f, "%s: degraded: %s", md->devname,
			      f.reason);
	}
	if (!d->degraded && md->degraded) {
		f = dev_fields(md, "recovered", cramd_actions_cause(d));
		cramd_log_dev(LOG_NOTICE, &f, "%s: telemetry is sane again: %s",
			      md->devname, f.reason);
	}
	md->degraded = d->degraded;
	md->degraded_kind = kind;
}

static void apply_gate(struct managed *md, struct cram_device *dev,
		       struct cramd_actions *d)
{
	const char *action = d->gate_closed ? "gate-close" : "gate-open";
	struct cramd_log_fields f;
	int rc;

	if (!d->gate_changed && md->gate_known && md->gate_closed == d->gate_closed)
		return;
	f = dev_fields(md, action, cramd_actions_cause(d));
	rc = dev ? cram_device_set_no_alloc(dev, d->gate_closed) : -ENODEV;
	if (rc < 0) {
		if (!md->write_err_logged)
			cramd_log_dev(LOG_ERR, &f,
				      "%s: cannot write no_alloc = %d: %s",
				      md->devname, d->gate_closed,
				      strerror(-rc));
		md->write_err_logged = true;
		md->gate_known = false;
		md->gate_closed = d->gate_closed;
		return;
	}
	md->write_err_logged = false;
	md->gate_known = true;
	md->gate_closed = d->gate_closed;
	cramd_log_dev(LOG_INFO, &f, "%s: gate %s: %s", md->devname,
		      d->gate_closed ? "closed" : "opened",
		      d->degraded ? "fail-safe while degraded" : f.reason);
}

static void knob_failed(struct managed *md, const char *knob, uint64_t val,
			int rc)
{
	struct cramd_log_fields f = dev_fields(md, knob, NULL);

	if (!md->knob_err_logged)
		cramd_log_dev(LOG_ERR, &f, "%s: cannot write %s = %" PRIu64 ": %s",
			      md->devname, knob, val, strerror(-rc));
	md->knob_err_logged = true;
	cramd_policy_forget_knobs(&md->pol);
}

/* The rate limit, capacity target and eviction request, as decided. */
static void apply_knobs(struct managed *md, struct cram_device *dev,
			const struct cramd_actions *d)
{
	int rc = 0;

	if (!dev)
		return;
	if (d->set_rate) {
		rc = cram_device_set_demote_rate_limit(dev, d->rate_limit);
		if (rc < 0)
			knob_failed(md, "demote_rate_limit_bytes", d->rate_limit, rc);
	}
	if (d->set_capacity && rc >= 0) {
		rc = cram_device_set_capacity_pages(dev, d->capacity_pages);
		if (rc < 0)
			knob_failed(md, "capacity_pages", d->capacity_pages, rc);
	}
	if (d->evict && rc >= 0) {
		rc = cram_device_request_evict(dev, d->evict_bytes);
		if (rc < 0)
			knob_failed(md, "evict_bytes", d->evict_bytes, rc);
	}
	if (rc >= 0)
		md->knob_err_logged = false;
}

/*
 * Every decision is logged with its reason: gate changes and eviction at
 * info, the routine moves of the rate limit and capacity target at debug.
 * Reasons are written out only when they are logged: most passes change
 * nothing, and formatting them each time took about a tenth of cramd's CPU
 * time with 16 idle devices (perf).
 */
static void log_decision(struct managed *md, struct cramd_actions *d,
			 const char *action, const char *prefix)
{
	int priority = d->gate_changed || d->evict ? LOG_INFO : LOG_DEBUG;
	struct cramd_log_fields f;

	if (priority > cramd_log_level())
		return;
	f = dev_fields(md, action, cramd_actions_cause(d));
	cramd_log_dev(priority, &f, "%s: %s%s", md->devname, prefix,
		      cramd_actions_reason(d));
}

/* Physical use above capacity: the device already lost backing. */
static void check_overfull(struct managed *md, const struct cramd_sample *s)
{
	struct cramd_log_fields f = dev_fields(md, "overfull", NULL);
	bool over = s->valid && s->phys_used_bytes > s->phys_capacity_bytes;

	if (over && !md->overfull)
		cramd_log_dev(LOG_CRIT, &f,
			      "%s: phys used %" PRIu64 " bytes exceeds phys capacity %"
			      PRIu64 " bytes: the device is out of backing",
			      md->devname, s->phys_used_bytes,
			      s->phys_capacity_bytes);
	if (s->valid)
		md->overfull = over;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void run_pass(struct cramd_manager *m, struct managed *md)
{
	struct cram_device *dev = cram_device_get_by_name(m->cram, md->devname);
	struct cramd_sample s = { .valid = false, .why = "device is gone" };
	struct cramd_actions d;
	char why[WHY_MAX];
	int kind = -ENODEV;	/* degraded because: -errno, or 1 for no capacity */

	if (dev)
		kind = read_sample(m, md, dev, &s, why, sizeof(why));
	if (kind == 0 && s.phys_capacity_bytes == 0)
		kind = 1;
	cramd_policy_step(&md->cfg, &md->pol, &s, now_ns(), &d);
	track_degraded(md, &d, kind);
	check_overfull(md, &s);
	if (m->paused) {
		/* what would have been done; nothing is written */
		log_decision(md, &d, "dry-run", "dry-run, not applied: ");
		return;
	}
	log_decision(md, &d, "policy", "");
	apply_gate(md, dev, &d);
	apply_knobs(md, dev, &d);
	if (dev && s.valid && s.phys_capacity_bytes)
		set_thresholds(m, md, dev, s.phys_capacity_bytes);
}

static void run_all(struct cramd_manager *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		run_pass(m, &m->devs[i]);
	notify_status(m);
}

/* ---- setting a device up ---------------------------------------------------- */

static int check_abi(struct managed *md, struct cram_device *dev)
{
	struct cramd_log_fields f = dev_fields(md, "skip", NULL);
	uint64_t abi;
	int rc = cram_device_get_abi_version(dev, &abi);

	if (rc < 0) {
		cramd_log_dev(LOG_ERR, &f, "%s: cannot read %s/abi_version: %s; not managed",
			      md->devname, cram_device_get_path(dev),
			      strerror(-rc));
		return rc;
	}
	if (abi != 1) {
		cramd_log_dev(LOG_ERR, &f, "%s: unsupported cram ABI version %" PRIu64
			      "; not managed", md->devname, abi);
		return -EPROTONOSUPPORT;
	}
	return 0;
}

static int bring_online(struct managed *md, struct cram_device *dev)
{
	struct cramd_log_fields f = dev_fields(md, "online", NULL);
	int rc = cram_device_get_state(dev);

	if (rc == CRAM_DEVICE_ONLINE) {
		cramd_log_dev(LOG_INFO, &f, "%s: already online (node %d)",
			      md->devname, md->node);
		return 0;
	}
	if (rc < 0) {
		cramd_log_dev(LOG_ERR, &f, "%s: cannot read %s/state: %s; not managed",
			      md->devname, cram_device_get_path(dev),
			      strerror(-rc));
		return rc;
	}
	rc = cram_device_set_state(dev, CRAM_DEVICE_ONLINE);
	if (rc < 0) {
		cramd_log_dev(LOG_ERR, &f, "%s: cannot online: %s; not managed",
			      md->devname, strerror(-rc));
		return rc;
	}
	cramd_log_dev(LOG_INFO, &f, "%s: onlined as private node %d",
		      md->devname, md->node);
	return 0;
}

/* The configuration for @md: the global one with its [device] sections applied. */
static void resolve_config(struct cramd_manager *m, struct managed *md)
{
	struct cramd_device_ids ids = {
		.devname = md->devname, .region = md->region[0] ? md->region : NULL,
		.memdevs = md->memdevs[0] ? md->memdevs : NULL,
		.has_serial = md->has_serial, .serial = md->serial,
	};

	if (cramd_config_for_device(&m->cfg, &ids, &md->cfg))
		cramd_log(LOG_INFO, "%s: [device] sections apply: policy %s, watermarks %u%%/%u%%",
			  md->devname, cramd_config_policy_name(md->cfg.policy),
			  md->cfg.high_watermark_percent, md->cfg.low_watermark_percent);
}

static int setup_device(struct cramd_manager *m, const struct cramd_candidate *c)
{
	struct cram_device *dev = cram_device_get_by_name(m->cram, c->devname);
	struct managed md = { .node = c->node };
	struct managed *v;
	bool closed;

	snprintf(md.devname, sizeof(md.devname), "%s", c->devname);
	snprintf(md.region, sizeof(md.region), "%s", c->region);
	snprintf(md.memdevs, sizeof(md.memdevs), "%s", c->memdevs);
	md.has_serial = c->has_serial;
	md.serial = c->serial;
	resolve_config(m, &md);
	if (!dev || check_abi(&md, dev) < 0 || bring_online(&md, dev) < 0)
		return 0;
	if (cram_device_get_no_alloc(dev, &closed) == 0) {
		md.gate_closed = closed;
		md.gate_known = true;
	}
	if (cram_device_get_total_pages(dev, &md.total_pages) < 0)
		md.total_pages = 0;
	cramd_policy_init(&md.pol, md.gate_closed, now_ns());
	v = realloc(m->devs, (m->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	m->devs = v;
	m->devs[m->n] = md;
	m->n++;
	return 0;
}

static void drop_device(struct cramd_manager *m, struct managed *md,
			const char *why)
{
	struct cramd_log_fields f = dev_fields(md, "release", why);
	size_t i = (size_t)(md - m->devs);

	cramd_log_dev(LOG_NOTICE, &f, "%s: %s; no longer managed",
		      md->devname, why);
	memmove(&m->devs[i], &m->devs[i + 1], (m->n - i - 1) * sizeof(*md));
	m->n--;
}

static void warn_unmatched(struct cramd_manager *m,
			   const struct cramd_discovery *d)
{
	size_t i, j;

	for (i = 0; i < m->cfg.n_devices; i++) {
		const char *want = m->cfg.devices[i];
		bool found = false;

		for (j = 0; j < d->n && !found; j++)
			found = strcmp(d->devs[j].devname, want) == 0 ||
				strcmp(d->devs[j].region, want) == 0;
		if (!found)
			cramd_log(LOG_WARNING,
				  "configured device %s: no such cram device",
				  want);
	}
}

static bool is_held(const struct cramd_manager *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n_held; i++)
		if (strcmp(m->held[i], name) == 0)
			return true;
	return false;
}

static void set_held(struct cramd_manager *m, const char *name, bool held)
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

/* Discover, drop what went away, set up what is new and wanted. */
static int rediscover(struct cramd_manager *m)
{
	struct cramd_discovery d;
	size_t i;
	int rc = cramd_discover(m->cram, &d);

	if (rc < 0)
		return rc;
	for (i = m->n; i-- > 0;)
		if (!cramd_discovery_find(&d, m->devs[i].devname))
			drop_device(m, &m->devs[i], "device is gone");
	for (i = 0; i < d.n && rc == 0; i++) {
		const struct cramd_candidate *c = &d.devs[i];

		if (find_managed(m, c->devname) || is_held(m, c->devname))
			continue;
		if (!cramd_config_wants_device(&m->cfg, c->devname, c->region)) {
			cramd_log(LOG_INFO, "%s: not in the configured devices, left alone",
				  c->devname);
			continue;
		}
		rc = setup_device(m, c);
	}
	warn_unmatched(m, &d);
	cramd_discovery_free(&d);
	return rc;
}

/* ---- event sources ----------------------------------------------------------- */

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct cramd_manager *m = userdata;
	uint64_t interval = (uint64_t)m->cfg.poll_interval_ms * 1000;
	uint64_t now = usec;

	run_all(m);
	sd_event_now(m->ev, CLOCK_MONOTONIC, &now);
	usec += interval;
	if (usec <= now)	/* fell behind: do not try to catch up */
		usec = now + interval;
	sd_event_source_set_time(s, usec);
	sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	return 0;
}

static void on_change(struct cramd_manager *m, const char *name,
		      const char *event)
{
	struct managed *md = find_managed(m, name);
	struct cramd_log_fields f;

	if (event && strcmp(event, "online") == 0 && !md) {
		rediscover(m);
		return;
	}
	if (!md)
		return;
	f = dev_fields(md, "uevent", event);
	if (event && strcmp(event, "offline") == 0) {
		drop_device(m, md, "went offline");
		return;
	}
	/* high, low, or anything unknown: re-read everything now. */
	cramd_log_dev(LOG_INFO, &f, "%s: uevent CRAM_EVENT=%s: policy pass",
		      name, event ? event : "(none)");
	run_pass(m, md);
}

static void handle_uevent(struct cramd_manager *m, struct udev_device *u)
{
	const char *action = udev_device_get_action(u);
	const char *name = udev_device_get_sysname(u);
	const char *event = udev_device_get_property_value(u, "CRAM_EVENT");

	if (!action || !name)
		return;
	cramd_log(LOG_DEBUG, "uevent %s %s CRAM_EVENT=%s", action, name,
		  event ? event : "");
	if (strcmp(action, "change") == 0)
		on_change(m, name, event);
	else if (strcmp(action, "add") == 0 || strcmp(action, "remove") == 0 ||
		 strcmp(action, "bind") == 0 || strcmp(action, "unbind") == 0)
		rediscover(m);
}

static int on_uevent(sd_event_source *s, int fd, uint32_t revents,
		     void *userdata)
{
	struct cramd_manager *m = userdata;
	int i;

	for (i = 0; i < UEVENT_BATCH; i++) {
		struct udev_device *u = udev_monitor_receive_device(m->monitor);

		if (!u)
			break;
		handle_uevent(m, u);
		udev_device_unref(u);
	}
	notify_status(m);
	return 0;
}

/* Without uevents cramd still works, by polling: failures are warnings. */
static void start_monitor(struct cramd_manager *m)
{
	int rc;

	m->udev = udev_new();
	if (m->udev)
		m->monitor = udev_monitor_new_from_netlink(m->udev, "udev");
	if (!m->monitor) {
		cramd_log(LOG_WARNING, "cannot monitor uevents; polling only");
		return;
	}
	rc = udev_monitor_filter_add_match_subsystem_devtype(m->monitor, "dax",
							     NULL);
	if (rc >= 0)
		rc = udev_monitor_enable_receiving(m->monitor);
	if (rc >= 0)
		rc = sd_event_add_io(m->ev, &m->uevent_src,
				     udev_monitor_get_fd(m->monitor), EPOLLIN,
				     on_uevent, m);
	if (rc < 0)
		cramd_log(LOG_WARNING, "cannot monitor uevents: %s; polling only",
			  strerror(-rc));
}

static int start_timer(struct cramd_manager *m)
{
	uint64_t now;
	int rc = sd_event_now(m->ev, CLOCK_MONOTONIC, &now);

	if (rc < 0)
		return rc;
	return sd_event_add_time(m->ev, &m->timer, CLOCK_MONOTONIC,
				 now + (uint64_t)m->cfg.poll_interval_ms * 1000,
				 1000, on_timer, m);
}

/* ---- life cycle --------------------------------------------------------------- */

#define DEMOTION_ENABLED "/sys/kernel/mm/numa/demotion_enabled"

/*
 * Pages reach a private node only by demotion, which the kernel does only
 * while demotion_enabled is true: say so once at start when it is not.
 */
static void check_demotion_enabled(void)
{
	char buf[16] = "";
	ssize_t n = -1;
	int fd = open(DEMOTION_ENABLED, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	if (n <= 0) {
		cramd_log(LOG_WARNING, "cannot read %s: the kernel may not demote into "
			  "private nodes", DEMOTION_ENABLED);
		return;
	}
	buf[n] = '\0';
	if (strncmp(buf, "true", 4) != 0 && strncmp(buf, "1", 1) != 0)
		cramd_log(LOG_WARNING, "%s is %.*s: reclaim will not demote into the private "
			  "nodes until it is true (echo true > %s)", DEMOTION_ENABLED,
			  (int)strcspn(buf, "\n"), buf, DEMOTION_ENABLED);
}

int cramd_manager_new(struct cramd_manager **out,
		      const struct cramd_config *cfg, sd_event *ev,
		      cramd_status_fn status_fn, void *userdata)
{
	struct cramd_manager *m = calloc(1, sizeof(*m));
	int rc;

	*out = NULL;
	if (!m)
		return -ENOMEM;
	m->cfg = *cfg;
	m->paused = cfg->dry_run;
	if (m->paused)
		cramd_log(LOG_NOTICE, "dry-run: decisions are logged, no knob is written");
	m->ev = sd_event_ref(ev);
	m->status_fn = status_fn;
	m->userdata = userdata;
	rc = cram_new(&m->cram);
	if (rc < 0) {
		cramd_log(LOG_ERR, "libcram: cannot create a context: %s",
			  strerror(-rc));
		goto fail;
	}
	cram_set_userdata(m->cram, m);
	cram_set_log_fn(m->cram, cram_log);
	cram_set_log_priority(m->cram, cramd_log_level() >= LOG_DEBUG ?
				       LOG_DEBUG : LOG_WARNING);
	start_monitor(m);
	check_demotion_enabled();
	rc = rediscover(m);
	if (rc == 0)
		rc = start_timer(m);
	if (rc < 0)
		goto fail;
	run_all(m);
	*out = m;
	return 0;
fail:
	cramd_manager_free(m);
	return rc;
}

void cramd_manager_free(struct cramd_manager *m)
{
	if (!m)
		return;
	sd_event_source_disable_unref(m->timer);
	sd_event_source_disable_unref(m->uevent_src);
	udev_monitor_unref(m->monitor);
	udev_unref(m->udev);
	cram_unref(m->cram);
	sd_event_unref(m->ev);
	free(m->devs);
	free(m);
}

/* ---- requests from the control socket --------------------------------------- */

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
	for (i = 0; i < m->n; i++) {
		m->devs[i].gate_known = false;
		cramd_policy_forget_knobs(&m->devs[i].pol);
	}
	run_all(m);
}

size_t cramd_manager_device_count(const struct cramd_manager *m)
{
	return m->n;
}

void cramd_manager_device_info(const struct cramd_manager *m, size_t i,
			       struct cramd_device_info *info)
{
	const struct managed *md = &m->devs[i];

	info->devname = md->devname;
	info->node = md->node;
	info->gate_closed = md->gate_closed;
	info->degraded = md->degraded;
}

/* Synchronous for now: @done is called before returning. */
static int manager_online(struct cramd_manager *m, const char *name, char *err, size_t errlen)
{
	struct cramd_discovery d;
	const struct cramd_candidate *c;
	int rc;

	set_held(m, name, false);
	if (find_managed(m, name))
		return 0;
	rc = cramd_discover(m->cram, &d);
	if (rc < 0) {
		snprintf(err, errlen, "discovery failed: %s (see cramd's log)",
			 strerror(-rc));
		return rc;
	}
	c = cramd_discovery_find(&d, name);
	if (!c) {
		snprintf(err, errlen, "no cram device %s", name);
		rc = -ENODEV;
	} else {
		rc = setup_device(m, c);
		if (rc == 0 && !find_managed(m, name)) {
			snprintf(err, errlen, "%s could not be onlined: see cramd's log",
				 name);
			rc = -EIO;
		}
	}
	cramd_discovery_free(&d);
	if (rc == 0) {
		run_pass(m, find_managed(m, name));
		notify_status(m);
	}
	return rc;
}

static int write_offline(void *dev)
{
	return cram_device_set_state(dev, CRAM_DEVICE_OFFLINE);
}

/*
 * Write "offline" to @dev within offline_timeout_ms. While a page cannot be
 * moved the kernel keeps retrying and the write blocks until the writer
 * gets a signal; the timer's signal then ends it with EBUSY (EINTR when it
 * came before the driver's work began) and the node stays online. Returns
 * 0, -ETIMEDOUT when the bound ended the write, or the write's -errno.
 */
static int offline_bounded(struct cramd_manager *m, struct cram_device *dev)
{
	struct cramd_bound b = { 0, 0 };
	int rc = cramd_bounded_call(m->cfg.offline_timeout_ms, write_offline, dev, &b);

	cramd_log(LOG_DEBUG, "%s: offline write: %s after %u ms, %u tick%s",
		  cram_device_get_devname(dev), rc < 0 ? strerror(-rc) : "done",
		  b.elapsed_ms, b.ticks, b.ticks == 1 ? "" : "s");
	if ((rc == -EBUSY || rc == -EINTR) && b.ticks)
		rc = -ETIMEDOUT;
	return rc;
}

/* Why an offline failed, for the log and the control socket's reply. */
static const char *offline_failure(const struct cramd_manager *m, int rc, char *buf,
				   size_t len)
{
	if (rc == -ETIMEDOUT)
		snprintf(buf, len, "offline timed out after %u ms (a page could not be moved)",
			 m->cfg.offline_timeout_ms);
	else
		snprintf(buf, len, "offline failed: %s", strerror(-rc));
	return buf;
}

void cramd_manager_online(struct cramd_manager *m, const char *name,
			  cramd_manager_done_fn done, void *userdata)
{
	char err[WHY_MAX];
	int rc = manager_online(m, name, err, sizeof(err));

	done(userdata, rc, rc < 0 ? err : NULL);
}

/* Synchronous for now: @done is called before returning. */
static int manager_offline(struct cramd_manager *m, const char *name, char *err, size_t errlen)
{
	struct cram_device *dev;
	struct managed *md;
	char why[WHY_MAX / 2];
	int rc;

	cram_rescan(m->cram);
	dev = cram_device_get_by_name(m->cram, name);
	if (!dev) {
		snprintf(err, errlen, "no cram device %s", name);
		return -ENODEV;
	}
	rc = offline_bounded(m, dev);
	if (rc < 0) {
		md = find_managed(m, name);
		snprintf(err, errlen, "%s: %s%s", name, offline_failure(m, rc, why, sizeof(why)),
			 rc == -EBUSY || rc == -ETIMEDOUT ?
			 (md ? "; left online and managed, retry later" :
			       "; left online, retry later") : "");
		if (md) {
			struct cramd_log_fields f = dev_fields(md, "offline", why);

			cramd_log_dev(LOG_WARNING, &f, "%s", err);
		} else {
			cramd_log(LOG_WARNING, "%s", err);
		}
		return rc;
	}
	set_held(m, name, true);
	md = find_managed(m, name);
	if (md)
		drop_device(m, md, "offlined on request");
	else
		cramd_log(LOG_NOTICE, "%s: offlined on request", name);
	notify_status(m);
	return 0;
}

void cramd_manager_offline(struct cramd_manager *m, const char *name,
			   cramd_manager_done_fn done, void *userdata)
{
	char err[WHY_MAX];
	int rc = manager_offline(m, name, err, sizeof(err));

	done(userdata, rc, rc < 0 ? err : NULL);
}

int cramd_manager_set_config(struct cramd_manager *m, const struct cramd_config *cfg)
{
	bool dry_run_changed = cfg->dry_run != m->cfg.dry_run;
	size_t i;

	m->cfg = *cfg;
	for (i = m->n; i-- > 0;) {
		struct managed *md = &m->devs[i];
		struct cram_device *dev = cram_device_get_by_name(m->cram, md->devname);
		const char *region = dev ? cram_device_get_region(dev) : NULL;

		if (!cramd_config_wants_device(cfg, md->devname, region) &&
		    !is_held(m, md->devname)) {
			drop_device(m, md, "no longer configured (left online)");
			continue;
		}
		md->thresholds_set = false;	/* the watermarks may have moved */
		resolve_config(m, md);
	}
	if (dry_run_changed)
		cramd_manager_set_paused(m, cfg->dry_run);
	rediscover(m);
	run_all(m);
	return 0;
}

/* Backoff of offline retries: 100 ms, doubling, at most 5 s. */
#define OFFLINE_BACKOFF_MS 100
#define OFFLINE_BACKOFF_MAX_MS 5000

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * Offline one device, retrying a refusal; returns 0 or the last -errno.
 * Each write is bounded by offline_timeout_ms (a timeout is a refusal too),
 * so the whole takes at most offline_retries + 1 times that plus the
 * backoff. A write that went through is confirmed by reading the state
 * again after the backoff delay: the kernel, or another tool, may have put
 * it back.
 */
static int offline_with_retries(struct cramd_manager *m, struct managed *md)
{
	struct cramd_log_fields f = dev_fields(md, "offline", NULL);
	unsigned int attempt, delay = OFFLINE_BACKOFF_MS;
	char why[WHY_MAX / 2];
	int rc = -ENODEV;

	for (attempt = 0; attempt <= m->cfg.offline_retries; attempt++) {
		struct cram_device *dev;

		cram_rescan(m->cram);
		dev = cram_device_get_by_name(m->cram, md->devname);
		rc = dev ? offline_bounded(m, dev) : -ENODEV;
		if (rc == 0) {
			sleep_ms(delay);
			cram_rescan(m->cram);
			dev = cram_device_get_by_name(m->cram, md->devname);
			if (dev && cram_device_get_state(dev) == CRAM_DEVICE_ONLINE)
				rc = -EBUSY;
		}
		if (rc == 0 || rc == -ENODEV || attempt == m->cfg.offline_retries)
			break;
		if (rc == -ETIMEDOUT)
			cramd_log_dev(LOG_WARNING, &f, "%s: %s, retry %u of %u in %u ms",
				      md->devname, offline_failure(m, rc, why, sizeof(why)),
				      attempt + 1, m->cfg.offline_retries, delay);
		else
			cramd_log_dev(LOG_WARNING, &f, "%s: offline refused (%s), retry %u of %u in %u ms",
				      md->devname, strerror(-rc), attempt + 1,
				      m->cfg.offline_retries, delay);
		sleep_ms(delay);
		delay = delay * 2 > OFFLINE_BACKOFF_MAX_MS ? OFFLINE_BACKOFF_MAX_MS : delay * 2;
	}
	if (rc == 0)
		cramd_log_dev(LOG_INFO, &f, "%s: offlined on stop", md->devname);
	else
		cramd_log_dev(LOG_ERR, &f, "%s: still online after %u attempt%s: %s; "
			      "the node is left online", md->devname, attempt + (rc != -ENODEV),
			      attempt ? "s" : "", rc == -ETIMEDOUT ?
			      offline_failure(m, rc, why, sizeof(why)) : strerror(-rc));
	return rc;
}

int cramd_manager_stop(struct cramd_manager *m)
{
	size_t i;
	int failed = 0;

	if (!m || !m->cfg.offline_on_stop)
		return 0;
	for (i = 0; i < m->n; i++)
		if (offline_with_retries(m, &m->devs[i]) < 0)
			failed++;
	return failed;
}
