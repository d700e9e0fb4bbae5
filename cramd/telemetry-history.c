// SPDX-License-Identifier: GPL-2.0-or-later
/* A device's telemetry history, downsampled in two rings; see telemetry-history.h. */
#include <string.h>

#include "telemetry-history.h"

_Static_assert(sizeof(struct cramd_th_point) == 32, "a point is 32 bytes");

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

static void encode(struct cramd_th_point *p, const struct cramd_th_sample *s)
{
	uint64_t sec = s->realtime_ms / 1000;

	p->realtime_s = sec > UINT32_MAX ? UINT32_MAX : (uint32_t)sec;
	p->realtime_msec = s->realtime_ms % 1000;
	p->flags = s->flags & CRAMD_TH_FLAGS;
	p->reserve_permille = s->reserve_permille > 1000 ? 1000 : s->reserve_permille;
	p->phys_used = units(s->phys_used);
	p->phys_capacity = units(s->phys_capacity);
	p->logical = units(s->logical);
	p->rate_limit = units(s->rate_limit);
	p->capacity_target = units(s->capacity_target);
	p->evict = s->flags & CRAMD_TH_EVICT ? units(s->evict_bytes) : 0;
}

static void decode(const struct cramd_th_point *p, struct cramd_th_sample *s)
{
	memset(s, 0, sizeof(*s));
	s->realtime_ms = (uint64_t)p->realtime_s * 1000 + p->realtime_msec;
	s->flags = p->flags;
	s->reserve_permille = p->reserve_permille;
	s->phys_used = bytes(p->phys_used);
	s->phys_capacity = bytes(p->phys_capacity);
	s->logical = bytes(p->logical);
	s->rate_limit = bytes(p->rate_limit);
	s->capacity_target = bytes(p->capacity_target);
	s->evict_bytes = bytes(p->evict);
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

void cramd_th_init(struct cramd_telemetry_history *h)
{
	memset(h, 0, sizeof(*h));
}

/* The sample replaces the slot's point; the events of the slot stay. */
static void merge(struct cramd_th_point *p, const struct cramd_th_sample *s)
{
	unsigned int events = p->flags & (CRAMD_TH_GATE_CHANGED | CRAMD_TH_EVICT);
	uint64_t evict = p->evict;

	encode(p, s);
	p->flags |= events;
	evict += p->evict;
	p->evict = evict > UINT32_MAX ? UINT32_MAX : (uint32_t)evict;
}

void cramd_th_add(struct cramd_telemetry_history *h, const struct cramd_th_sample *s)
{
	uint64_t slot = s->mono_ms / CRAMD_TH_COARSE_MS;
	size_t i;

	encode(&h->fine[push(&h->f, CRAMD_TH_FINE)], s);
	if (h->c.count && slot == h->slot) {
		i = newest(&h->c, CRAMD_TH_COARSE);
		merge(&h->coarse[i], s);
	} else {
		i = push(&h->c, CRAMD_TH_COARSE);
		encode(&h->coarse[i], s);
		h->slot = slot;
	}
	h->coarse_last[i] = (uint32_t)h->samples;
	h->samples++;
}

/* Coarse points whose last sample is older than the oldest fine one: the first ones. */
static size_t coarse_before_fine(const struct cramd_telemetry_history *h)
{
	size_t k;

	for (k = 0; k < h->c.count; k++) {
		uint32_t last = h->coarse_last[nth(&h->c, CRAMD_TH_COARSE, k)];
		uint32_t age = (uint32_t)h->samples - 1 - last;	/* in samples, mod 2^32 */

		if (age < h->f.count)
			break;
	}
	return k;
}

size_t cramd_th_count(const struct cramd_telemetry_history *h)
{
	return coarse_before_fine(h) + h->f.count;
}

void cramd_th_get(const struct cramd_telemetry_history *h, size_t i, struct cramd_th_sample *out)
{
	size_t nc = coarse_before_fine(h);

	if (i < nc)
		decode(&h->coarse[nth(&h->c, CRAMD_TH_COARSE, i)], out);
	else
		decode(&h->fine[nth(&h->f, CRAMD_TH_FINE, i - nc)], out);
}
