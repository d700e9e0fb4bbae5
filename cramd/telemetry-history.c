// SPDX-License-Identifier: GPL-2.0-or-later
/* A device's telemetry history, downsampled in two rings; see telemetry-history.h. */
#include <stdbool.h>
#include <string.h>

#include "telemetry-history.h"

_Static_assert(sizeof(struct cramd_th_point) == 23, "a point is 23 bytes");
_Static_assert(CRAMD_TH_GENS <= 8 && CRAMD_TH_FINE < UINT16_MAX, "the fields hold them");

/* Bytes in units, rounded up (a nonzero value stays nonzero), saturating. */
static uint32_t units(uint64_t bytes)
{
	uint64_t u = bytes / CRAMD_TH_UNIT + (bytes % CRAMD_TH_UNIT != 0);

	return u > UINT32_MAX ? UINT32_MAX : (uint32_t)u;
}

static uint64_t bytes(uint32_t u)
{
	return (uint64_t)u * CRAMD_TH_UNIT;
}

/*
 * Codes 0-7 are the values 0-7; a larger value is m << e with m in 4..7,
 * coded 4 * (e + 1) + m - 4, so that 8 bits reach 7 << 61 (code 251).
 */
#define RATE_E_MAX 61u

uint8_t cramd_th_rate_code(uint64_t v)
{
	unsigned int e, top;
	uint64_t m;

	if (v < 8)
		return (uint8_t)v;
	top = 63u - (unsigned int)__builtin_clzll(v);
	e = top - 2;
	m = (v >> e) + ((v & ((1ull << e) - 1)) != 0);	/* rounded up: a limit stays a limit */
	if (m == 8) {
		m = 4;
		e++;
	}
	if (e > RATE_E_MAX) {
		e = RATE_E_MAX;
		m = 7;
	}
	return (uint8_t)(4 * (e + 1) + m - 4);
}

uint64_t cramd_th_rate_bytes(uint8_t code)
{
	if (code < 8)
		return code;
	return (uint64_t)(code % 4 + 4) << (code / 4 - 1);
}

/* The slot a new point goes to; the oldest is dropped when the ring is full. */
static size_t push(struct cramd_th_ring *r, size_t size)
{
	size_t i = r->next;

	r->next = (r->next + 1) % size;
	if (r->count < size)
		r->count++;
	return i;
}

static size_t newest(const struct cramd_th_ring *r, size_t size)
{
	return (r->next + size - 1) % size;
}

static size_t nth(const struct cramd_th_ring *r, size_t size, size_t i)
{
	return (r->next + size - r->count + i) % size;
}

/* Whether a kept point of @r (of @size) names gen @g. */
static bool ring_uses_gen(const struct cramd_th_point *ring, const struct cramd_th_ring *r,
			  size_t size, unsigned int g)
{
	size_t k;

	for (k = 0; k < r->count; k++)
		if (ring[nth(r, size, k)].gen == g)
			return true;
	return false;
}

/*
 * The gen of @s's (capacity, reserve level): the newest when it is the
 * same (or @s has no data), else the first after it that no kept point
 * names, else the one after it.
 */
static unsigned int pick_gen(struct cramd_telemetry_history *h, const struct cramd_th_sample *s)
{
	struct cramd_th_gen want = {
		.phys_capacity = units(s->phys_capacity),
		.reserve_permille = s->reserve_permille > 1000 ? 1000 : (uint16_t)s->reserve_permille,
	};
	const struct cramd_th_gen *cur = &h->gen[h->cur_gen];
	unsigned int k, g = (h->cur_gen + 1) % CRAMD_TH_GENS;

	if (s->flags & CRAMD_TH_NO_DATA ||
	    (cur->phys_capacity == want.phys_capacity &&
	     cur->reserve_permille == want.reserve_permille))
		return h->cur_gen;
	for (k = 1; k < CRAMD_TH_GENS; k++) {
		unsigned int c = (h->cur_gen + k) % CRAMD_TH_GENS;

		if (!ring_uses_gen(h->fine, &h->f, CRAMD_TH_FINE, c) &&
		    !ring_uses_gen(h->coarse, &h->c, CRAMD_TH_COARSE, c)) {
			g = c;
			break;
		}
	}
	h->gen[g] = want;
	h->cur_gen = (uint8_t)g;
	return g;
}

/* The earliest time of @r's kept points, or @lo when earlier. */
static uint64_t ring_earliest(const struct cramd_th_point *ring, const struct cramd_th_ring *r,
			      size_t size, uint64_t t0, uint64_t lo)
{
	size_t k;

	for (k = 0; k < r->count; k++) {
		uint64_t t = t0 + ring[nth(r, size, k)].t_ms;

		if (t < lo)
			lo = t;
	}
	return lo;
}

static void rebase_ring(struct cramd_th_point *ring, size_t size, uint64_t old_t0, uint64_t t0)
{
	size_t k;

	for (k = 0; k < size; k++) {
		uint64_t t = old_t0 + ring[k].t_ms;

		ring[k].t_ms = t < t0 ? 0 : t - t0 > UINT32_MAX ? UINT32_MAX : (uint32_t)(t - t0);
	}
}

/*
 * @t_ms after the base, which moves first when @t_ms is out of its range:
 * to the earliest kept point or @t_ms, but not more than the range before
 * @t_ms; kept points that then fall outside are pinned to its ends.
 */
static uint32_t time_offset(struct cramd_telemetry_history *h, uint64_t t_ms)
{
	if (t_ms < h->t0_ms || t_ms - h->t0_ms > UINT32_MAX) {
		uint64_t t0 = ring_earliest(h->fine, &h->f, CRAMD_TH_FINE, h->t0_ms, t_ms);

		t0 = ring_earliest(h->coarse, &h->c, CRAMD_TH_COARSE, h->t0_ms, t0);
		if (t_ms - t0 > UINT32_MAX)
			t0 = t_ms - UINT32_MAX;
		rebase_ring(h->fine, CRAMD_TH_FINE, h->t0_ms, t0);
		rebase_ring(h->coarse, CRAMD_TH_COARSE, h->t0_ms, t0);
		h->t0_ms = t0;
	}
	return (uint32_t)(t_ms - h->t0_ms);
}

static void encode(struct cramd_th_point *p, const struct cramd_th_sample *s,
		   uint32_t t_ms, unsigned int gen)
{
	p->t_ms = t_ms;
	p->flags = s->flags & CRAMD_TH_FLAGS;
	p->gen = gen;
	p->phys_used = units(s->phys_used);
	p->logical = units(s->logical);
	p->rate = cramd_th_rate_code(s->rate_limit);
	p->capacity_target = units(s->capacity_target);
	p->evict = s->flags & CRAMD_TH_EVICT ? units(s->evict_bytes) : 0;
}

static void decode(const struct cramd_telemetry_history *h, const struct cramd_th_point *p,
		   struct cramd_th_sample *s)
{
	const struct cramd_th_gen *g = &h->gen[p->gen];

	memset(s, 0, sizeof(*s));
	s->realtime_ms = h->t0_ms + p->t_ms;
	s->flags = p->flags & CRAMD_TH_FLAGS;
	if (!(s->flags & CRAMD_TH_NO_DATA)) {
		s->phys_capacity = bytes(g->phys_capacity);
		s->reserve_permille = g->reserve_permille;
	}
	s->phys_used = bytes(p->phys_used);
	s->logical = bytes(p->logical);
	s->rate_limit = cramd_th_rate_bytes(p->rate);
	s->capacity_target = bytes(p->capacity_target);
	s->evict_bytes = bytes(p->evict);
}

void cramd_th_init(struct cramd_telemetry_history *h)
{
	memset(h, 0, sizeof(*h));
}

/* The sample replaces the slot's point; the events of the slot stay. */
static void merge(struct cramd_th_point *p, const struct cramd_th_sample *s,
		  uint32_t t_ms, unsigned int gen)
{
	unsigned int events = p->flags & (CRAMD_TH_GATE_CHANGED | CRAMD_TH_EVICT);
	uint64_t evict = p->evict;

	encode(p, s, t_ms, gen);
	p->flags |= events;
	evict += p->evict;
	p->evict = evict > UINT32_MAX ? UINT32_MAX : (uint32_t)evict;
}

void cramd_th_add(struct cramd_telemetry_history *h, const struct cramd_th_sample *s)
{
	uint64_t slot = s->mono_ms / CRAMD_TH_COARSE_MS;
	uint32_t t_ms = time_offset(h, s->realtime_ms);
	unsigned int gen = pick_gen(h, s);
	bool start = !h->c.count || slot != h->slot;
	struct cramd_th_point *f;

	if (h->f.count == CRAMD_TH_FINE && h->fine[h->f.next].flags & CRAMD_TH_SLOT_START)
		h->fine_starts--;	/* the oldest fine point goes */
	f = &h->fine[push(&h->f, CRAMD_TH_FINE)];
	encode(f, s, t_ms, gen);
	if (start) {
		f->flags |= CRAMD_TH_SLOT_START;
		h->fine_starts++;
		encode(&h->coarse[push(&h->c, CRAMD_TH_COARSE)], s, t_ms, gen);
		h->slot = slot;
	} else {
		merge(&h->coarse[newest(&h->c, CRAMD_TH_COARSE)], s, t_ms, gen);
	}
}

/*
 * Coarse points whose samples are all older than the oldest fine one: the
 * first ones. The newer ones are the slots that fine points began, and the
 * slot of the oldest fine point when that began before it.
 */
static size_t coarse_before_fine(const struct cramd_telemetry_history *h)
{
	size_t overlap = h->fine_starts;

	if (h->f.count &&
	    !(h->fine[nth(&h->f, CRAMD_TH_FINE, 0)].flags & CRAMD_TH_SLOT_START))
		overlap++;
	return overlap < h->c.count ? h->c.count - overlap : 0;
}

size_t cramd_th_count(const struct cramd_telemetry_history *h)
{
	return coarse_before_fine(h) + h->f.count;
}

void cramd_th_get(const struct cramd_telemetry_history *h, size_t i, struct cramd_th_sample *out)
{
	size_t nc = coarse_before_fine(h);

	if (i < nc)
		decode(h, &h->coarse[nth(&h->c, CRAMD_TH_COARSE, i)], out);
	else
		decode(h, &h->fine[nth(&h->f, CRAMD_TH_FINE, i - nc)], out);
}
