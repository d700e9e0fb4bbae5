// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The simulated compressed-RAM device: demotion into the node, eviction,
 * the balloon, physical use after compression and threshold crossings.
 */
#include <errno.h>
#include <string.h>

#include "model.h"

#define NSEC_PER_SEC 1000000000ULL

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* a * b / c without intermediate overflow; c must not be 0 */
static uint64_t mul_div(uint64_t a, uint64_t b, uint64_t c)
{
	unsigned __int128 r = (unsigned __int128)a * b / c;

	return r > UINT64_MAX ? UINT64_MAX : (uint64_t)r;
}

/*
 * take_budget - bytes a rate allows during @dt_ns, with the sub-byte rest
 * kept in @carry (byte-ns) for the next step.
 */
static uint64_t take_budget(uint64_t rate, uint64_t dt_ns, uint64_t *carry)
{
	unsigned __int128 total = (unsigned __int128)rate * dt_ns + *carry;
	unsigned __int128 bytes = total / NSEC_PER_SEC;

	*carry = (uint64_t)(total % NSEC_PER_SEC);
	return bytes > UINT64_MAX ? UINT64_MAX : (uint64_t)bytes;
}

/* give back @bytes of an unused budget, up to one page's worth */
static void return_budget(uint64_t bytes, uint64_t *carry)
{
	if (bytes < FK_PAGE_SIZE)
		*carry += bytes * NSEC_PER_SEC;
}

static void reset_arming(struct fk_model *m)
{
	m->high_armed = true;
	m->low_armed = m->low_threshold && m->phys_used > m->low_threshold;
}

static void update_balloon(struct fk_model *m)
{
	uint64_t resident = m->logical / FK_PAGE_SIZE;
	uint64_t held = m->capacity_pages > resident ? m->capacity_pages : resident;

	m->ballooned_pages = m->online && held < m->total_pages ?
			     m->total_pages - held : 0;
}

void fk_model_init(struct fk_model *m, uint64_t total_pages,
		   uint64_t phys_capacity, uint32_t ratio, uint64_t inflow,
		   uint64_t evict_bw)
{
	memset(m, 0, sizeof(*m));
	m->total_pages = total_pages;
	m->phys_capacity = phys_capacity;
	m->ratio = ratio;
	m->inflow = inflow;
	m->evict_bw = evict_bw;
	m->capacity_pages = total_pages;
	reset_arming(m);
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
	m->evict_pending = 0;
	m->demote_carry = 0;
	m->evict_carry = 0;
	reset_arming(m);
	update_balloon(m);
	return 1;
}

/* Evicts everything. Returns 1 when the device went offline, 0 if it was. */
int fk_model_offline(struct fk_model *m)
{
	if (!m->online)
		return 0;
	m->evicted_pages += m->logical / FK_PAGE_SIZE;
	m->logical = 0;
	m->phys_used = 0;
	m->evict_pending = 0;
	m->online = false;
	m->overflowing = false;
	update_balloon(m);
	return 1;
}

int fk_model_set_capacity_pages(struct fk_model *m, uint64_t pages)
{
	if (!m->online)
		return -ENODEV;
	if (pages > m->total_pages)
		return -ERANGE;
	m->capacity_pages = pages;
	update_balloon(m);
	return 0;
}

int fk_model_set_no_alloc(struct fk_model *m, bool no_alloc)
{
	if (!m->online)
		return -ENODEV;
	m->no_alloc = no_alloc;
	return 0;
}

int fk_model_set_rate_limit(struct fk_model *m, uint64_t bytes_per_s)
{
	if (!m->online)
		return -ENODEV;
	if (bytes_per_s > FK_RATE_LIMIT_MAX)
		return -ERANGE;
	m->rate_limit = bytes_per_s;
	return 0;
}

int fk_model_request_evict(struct fk_model *m, uint64_t bytes)
{
	if (!m->online)
		return -ENODEV;
	if (bytes > m->logical)
		return -ERANGE;
	m->evict_pending = bytes;
	m->evict_carry = 0;
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
	return 0;
}

int fk_model_set_latency(struct fk_model *m, uint64_t ns)
{
	if (ns > FK_LATENCY_MAX_NS)
		return -ERANGE;
	m->latency_ns = ns;
	return 0;
}

void fk_model_set_inflow(struct fk_model *m, uint64_t bytes_per_s)
{
	m->inflow = bytes_per_s;
}

/* remove @bytes (whole pages) of resident data with their physical share */
static void drop_resident(struct fk_model *m, uint64_t bytes)
{
	if (!bytes)
		return;
	if (bytes >= m->logical) {
		m->evicted_pages += m->logical / FK_PAGE_SIZE;
		m->logical = 0;
		m->phys_used = 0;
		return;
	}
	m->phys_used -= mul_div(m->phys_used, bytes, m->logical);
	m->logical -= bytes;
	m->evicted_pages += bytes / FK_PAGE_SIZE;
}

/* balloon excess first, then the pending eviction request */
static void step_evict(struct fk_model *m, uint64_t dt_ns)
{
	uint64_t cap = m->capacity_pages * FK_PAGE_SIZE;
	uint64_t excess = m->logical > cap ? m->logical - cap : 0;
	uint64_t want = min_u64(excess + m->evict_pending, m->logical);
	uint64_t budget, bytes, from_request;

	if (!want) {
		m->evict_pending = 0;
		m->evict_carry = 0;
		return;
	}
	budget = take_budget(m->evict_bw, dt_ns, &m->evict_carry);
	bytes = min_u64(budget, want);
	/* whole pages; a partial page at the end of the request is rounded up */
	if (bytes == want)
		bytes = min_u64((bytes + FK_PAGE_SIZE - 1) / FK_PAGE_SIZE * FK_PAGE_SIZE,
				m->logical);
	else
		bytes = bytes / FK_PAGE_SIZE * FK_PAGE_SIZE;
	return_budget(budget - min_u64(budget, bytes), &m->evict_carry);
	from_request = bytes > excess ? bytes - excess : 0;
	m->evict_pending -= min_u64(m->evict_pending, from_request);
	drop_resident(m, bytes);
	if (!m->logical)
		m->evict_pending = 0;
}

static void step_demote(struct fk_model *m, uint64_t dt_ns)
{
	uint64_t cap = m->capacity_pages * FK_PAGE_SIZE;
	uint64_t room = m->logical < cap ? cap - m->logical : 0;
	uint64_t rate = m->inflow, budget, bytes;

	if (m->no_alloc || !room) {
		m->demote_carry = 0;
		return;
	}
	if (m->rate_limit)
		rate = min_u64(rate, m->rate_limit);
	budget = take_budget(rate, dt_ns, &m->demote_carry);
	bytes = min_u64(budget, room) / FK_PAGE_SIZE * FK_PAGE_SIZE;
	if (budget < room)
		return_budget(budget - bytes, &m->demote_carry);
	else
		m->demote_carry = 0;
	m->logical += bytes;
	m->phys_used += mul_div(bytes, FK_RATIO_MIN, m->ratio);
	m->demoted_pages += bytes / FK_PAGE_SIZE;
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

static void check_overflow(struct fk_model *m)
{
	if (m->phys_used > m->max_phys_used)
		m->max_phys_used = m->phys_used;
	if (m->phys_used > m->phys_capacity) {
		if (!m->overflowing)
			m->overflows++;
		m->overflowing = true;
	} else {
		m->overflowing = false;
	}
}

unsigned int fk_model_advance(struct fk_model *m, uint64_t dt_ns)
{
	if (!m->online)
		return 0;
	step_evict(m, dt_ns);
	step_demote(m, dt_ns);
	update_balloon(m);
	check_overflow(m);
	return check_thresholds(m);
}
