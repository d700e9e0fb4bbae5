// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cram ABI v1's view of a simulated compressed-RAM device: knob validation,
 * online state, the balloon and threshold crossings. The data itself lives
 * in the simulator's device model.
 */
#include <errno.h>
#include <string.h>

#include "device.h"

/* One phase that never ends: the controls change its rates and ratio. */
#define ENDLESS_NS	UINT64_MAX
/* step_ns only sizes the model's telemetry history here (no delay) */
#define NOMINAL_STEP_NS	1000000ULL

static void reset_arming(struct fk_model *m)
{
	m->high_armed = true;
	m->low_armed = m->low_threshold && m->phys_used > m->low_threshold;
}

/* Copy the model's state into the fields the provider shows. */
static void fk_sync(struct fk_model *m)
{
	struct sim_state s;
	uint64_t resident, held;

	sim_device_state(&m->sim, &s);
	m->logical = s.logical;
	m->phys_used = s.phys_used;
	m->demoted_pages = s.demoted_pages;
	m->promoted_pages = s.promoted_pages;
	m->evicted_pages = s.evicted_pages;
	m->evict_pending = m->sim.evict_pending;
	m->overflows = m->sim.overflows;
	if (m->sim.min_headroom < (int64_t)m->phys_capacity)
		m->max_phys_used = (uint64_t)((int64_t)m->phys_capacity -
					      m->sim.min_headroom);
	resident = m->logical / FK_PAGE_SIZE;
	held = m->capacity_pages > resident ? m->capacity_pages : resident;
	m->ballooned_pages = m->online && held < m->total_pages ?
			     m->total_pages - held : 0;
}

int fk_model_init(struct fk_model *m, uint64_t total_pages,
		  uint64_t phys_capacity, uint32_t ratio, uint64_t inflow,
		  uint64_t evict_bw)
{
	int rc;

	memset(m, 0, sizeof(*m));
	m->phase = (struct sim_phase){
		.duration_ns = ENDLESS_NS, .demand = inflow,
		.ratio = ratio / 1000.0, .ratio_end = ratio / 1000.0,
	};
	strcpy(m->trace.name, "fake-kernel");
	m->trace.compressible = true;
	m->trace.logical_bytes = total_pages * FK_PAGE_SIZE;
	m->trace.phys_bytes = phys_capacity;
	m->trace.evict_bw = evict_bw;
	m->trace.step_ns = NOMINAL_STEP_NS;
	m->trace.poll_ns = NOMINAL_STEP_NS;
	m->trace.seed = 1;
	m->trace.phases = &m->phase;
	m->trace.n_phases = 1;
	rc = sim_device_init(&m->sim, &m->trace, false);
	if (rc < 0)
		return rc;
	m->total_pages = total_pages;
	m->inflow = inflow;
	m->phys_capacity = phys_capacity;
	m->ratio = ratio;
	m->capacity_pages = total_pages;
	/* offline: nothing is demoted until the node comes online */
	sim_device_set(&m->sim, SIM_GATE, 1);
	fk_sync(m);
	reset_arming(m);
	return 0;
}

void fk_model_free(struct fk_model *m)
{
	sim_device_free(&m->sim);
}

/* Returns 1 when the device went online, 0 when it already was. */
int fk_model_online(struct fk_model *m)
{
	if (m->online)
		return 0;
	m->online = true;
	m->capacity_pages = m->total_pages;
	m->no_alloc = false;
	m->rate_limit = 0;
	sim_device_set(&m->sim, SIM_CAPACITY, m->total_pages);
	sim_device_set(&m->sim, SIM_GATE, 0);
	sim_device_set(&m->sim, SIM_RATE, 0);
	sim_device_set(&m->sim, SIM_EVICT, 0);
	m->sim.demote_carry = 0;
	m->sim.overhead = m->overhead;
	fk_sync(m);
	reset_arming(m);
	return 1;
}

/* Evicts everything. Returns 1 when the device went offline, 0 if it was. */
int fk_model_offline(struct fk_model *m)
{
	if (!m->online)
		return 0;
	sim_device_evict_all(&m->sim);
	sim_device_set(&m->sim, SIM_GATE, 1);
	m->sim.overhead = 0;
	m->online = false;
	fk_sync(m);
	return 1;
}

/*
 * ABI v2: online in placement mode, the compressed-mode knobs (capacity,
 * gate, rate limit, eviction) refuse writes with EINVAL; offline they
 * give ENODEV as in every mode.
 */
static int compressed_knob(const struct fk_model *m)
{
	if (!m->online)
		return -ENODEV;
	return m->placement ? -EINVAL : 0;
}

int fk_model_set_capacity_pages(struct fk_model *m, uint64_t pages)
{
	int rc = compressed_knob(m);

	if (rc < 0)
		return rc;
	if (pages > m->total_pages)
		return -ERANGE;
	m->capacity_pages = pages;
	sim_device_set(&m->sim, SIM_CAPACITY, pages);
	fk_sync(m);
	return 0;
}

int fk_model_set_no_alloc(struct fk_model *m, bool no_alloc)
{
	int rc = compressed_knob(m);

	if (rc < 0)
		return rc;
	m->no_alloc = no_alloc;
	sim_device_set(&m->sim, SIM_GATE, no_alloc);
	return 0;
}

int fk_model_set_rate_limit(struct fk_model *m, uint64_t bytes_per_s)
{
	int rc = compressed_knob(m);

	if (rc < 0)
		return rc;
	if (bytes_per_s > FK_RATE_LIMIT_MAX)
		return -ERANGE;
	m->rate_limit = bytes_per_s;
	sim_device_set(&m->sim, SIM_RATE, bytes_per_s);
	return 0;
}

int fk_model_request_evict(struct fk_model *m, uint64_t bytes)
{
	int rc = compressed_knob(m);

	if (rc < 0)
		return rc;
	if (bytes > m->logical)
		return -ERANGE;
	sim_device_set(&m->sim, SIM_EVICT, bytes);
	fk_sync(m);
	return 0;
}

int fk_model_set_high_threshold(struct fk_model *m, uint64_t bytes)
{
	if (bytes > m->phys_capacity)
		return -EINVAL;
	if (bytes && m->low_threshold && m->low_threshold > bytes)
		return -EINVAL;
	m->high_threshold = bytes;
	reset_arming(m);
	return 0;
}

int fk_model_set_low_threshold(struct fk_model *m, uint64_t bytes)
{
	if (bytes > m->phys_capacity)
		return -EINVAL;
	if (bytes && m->high_threshold && bytes > m->high_threshold)
		return -EINVAL;
	m->low_threshold = bytes;
	reset_arming(m);
	return 0;
}

int fk_model_set_ratio(struct fk_model *m, uint64_t permille)
{
	if (permille < FK_RATIO_MIN || permille > FK_RATIO_MAX)
		return -ERANGE;
	m->ratio = (uint32_t)permille;
	m->phase.ratio = permille / 1000.0;
	m->phase.ratio_end = m->phase.ratio;
	return 0;
}

int fk_model_set_latency(struct fk_model *m, uint64_t ns)
{
	if (ns > FK_LATENCY_MAX_NS)
		return -ERANGE;
	m->latency_ns = ns;
	return 0;
}

/* Writable in both states; shows in phys_used_bytes while online. */
int fk_model_set_overhead(struct fk_model *m, uint64_t bytes)
{
	if (bytes > m->total_pages * FK_PAGE_SIZE)
		return -ERANGE;
	m->overhead = bytes;
	if (m->online) {
		m->sim.overhead = bytes;
		fk_sync(m);
	}
	return 0;
}

void fk_model_set_inflow(struct fk_model *m, uint64_t bytes_per_s)
{
	m->inflow = bytes_per_s;
	m->phase.demand = m->placement ? 0 : bytes_per_s;
}

int fk_model_set_placement(struct fk_model *m, bool placement)
{
	if (m->online)
		return -EBUSY;
	m->placement = placement;
	if (placement)
		m->user_migrate = false;
	fk_model_set_inflow(m, m->inflow);
	return 0;
}

int fk_model_set_user_migrate(struct fk_model *m, uint64_t val)
{
	if (val > 1 || (val && m->placement))
		return -EINVAL;
	m->user_migrate = val;
	return 0;
}

void fk_model_set_promote(struct fk_model *m, uint64_t bytes_per_s)
{
	m->phase.promote = bytes_per_s;
}

void fk_model_set_critical_percent(struct fk_model *m, unsigned int percent)
{
	m->critical = m->phys_capacity / 100 * (percent > 100 ? 100 : percent);
}

/*
 * A critical event closes the gate at once and is reported only when it
 * did (no_alloc was 0): while the gate is closed there is nothing new to
 * tell. A placement node has no gate.
 */
static unsigned int check_critical(struct fk_model *m)
{
	if (!m->critical || m->phys_used < m->critical || m->no_alloc || m->placement)
		return 0;
	fk_model_set_no_alloc(m, true);
	return FK_EVENT_CRITICAL;
}

static unsigned int check_thresholds(struct fk_model *m)
{
	bool high = m->high_threshold && m->phys_used >= m->high_threshold;
	bool low = m->low_threshold && m->phys_used <= m->low_threshold;
	unsigned int events = 0;

	if (high && m->high_armed) {
		events |= FK_EVENT_HIGH;
		m->high_armed = false;
		m->low_armed = true;
	} else if (low && m->low_armed) {
		events |= FK_EVENT_LOW;
		m->low_armed = false;
		m->high_armed = true;
	}
	/* with one threshold disabled, re-arm on leaving the other's zone */
	if (!m->low_threshold && !high)
		m->high_armed = true;
	if (!m->high_threshold && !low && m->phys_used > m->low_threshold)
		m->low_armed = true;
	return events;
}

unsigned int fk_model_advance(struct fk_model *m, uint64_t dt_ns)
{
	if (!m->online)
		return 0;
	sim_device_advance(&m->sim, dt_ns);
	fk_sync(m);
	return check_critical(m) | check_thresholds(m);
}
