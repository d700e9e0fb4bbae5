// SPDX-License-Identifier: GPL-2.0-or-later
/* The compressed-device model of the simulator, in virtual time. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

#define NS_PER_S 1e9
#define PAGE ((double)SIM_PAGE)

/* ---- extents: a ring of resident data, oldest first ------------------------ */

static size_t ext_count(const struct sim_device *d)
{
	return d->tail - d->head;
}

static struct sim_extent *ext_at(struct sim_device *d, size_t i)
{
	return &d->ext[i % d->cap_ext];
}

static int ext_push(struct sim_device *d, uint64_t pages, double phys)
{
	struct sim_extent *n;
	size_t i, count = ext_count(d);

	if (count == d->cap_ext) {
		n = malloc((d->cap_ext ? 2 * d->cap_ext : 1024) * sizeof(*n));
		if (!n)
			return -ENOMEM;
		for (i = 0; i < count; i++)
			n[i] = *ext_at(d, d->head + i);
		free(d->ext);
		d->ext = n;
		d->cap_ext = d->cap_ext ? 2 * d->cap_ext : 1024;
		d->head = 0;
		d->tail = count;
	}
	*ext_at(d, d->tail++) = (struct sim_extent){ pages, phys };
	d->logical_pages += pages;
	d->phys += phys;
	return 0;
}

/* Take up to @pages from the oldest (@oldest) or newest end. */
static uint64_t ext_take(struct sim_device *d, uint64_t pages, bool oldest)
{
	uint64_t done = 0;

	while (done < pages && ext_count(d)) {
		struct sim_extent *e = ext_at(d, oldest ? d->head : d->tail - 1);
		uint64_t n = pages - done < e->pages ? pages - done : e->pages;
		double share = e->phys * (double)n / (double)e->pages;

		e->pages -= n;
		e->phys -= share;
		d->phys -= share;
		d->logical_pages -= n;
		done += n;
		if (e->pages == 0) {
			d->phys -= e->phys;	/* rounding rest */
			if (oldest)
				d->head++;
			else
				d->tail--;
		}
	}
	if (!ext_count(d))
		d->phys = 0;
	return done;
}

/* ---- workload ---------------------------------------------------------------- */

double sim_device_ratio_at(const struct sim_trace *t, uint64_t t_ns,
			   const struct sim_phase **phase)
{
	const struct sim_phase *ph = &t->phases[t->n_phases - 1];
	uint64_t start = 0;
	double x;
	size_t i;

	for (i = 0; i < t->n_phases; i++) {
		if (t_ns < start + t->phases[i].duration_ns) {
			ph = &t->phases[i];
			break;
		}
		start += t->phases[i].duration_ns;
	}
	if (i == t->n_phases)
		start -= ph->duration_ns;
	*phase = ph;
	if (ph->ratio == 0)
		return 0;
	x = (double)(t_ns - start) / (double)ph->duration_ns;
	if (x > 1)
		x = 1;
	if (ph->osc_ns)
		x = 0.5 - 0.5 * cos(2 * M_PI * (double)(t_ns - start) /
				    (double)ph->osc_ns);
	return ph->ratio + (ph->ratio_end - ph->ratio) * x;
}

/* Compressed size of the next page. */
static double next_size(struct sim_device *d, double ratio)
{
	const struct sim_trace *t = d->t;

	if (ratio > 0)
		return PAGE / ratio;
	d->page_cursor %= t->n_page_sizes;
	return t->page_sizes[d->page_cursor++];
}

/* Whole pages a rate allows in one step; the rest carries over. */
static uint64_t take_pages(double rate, double dt_s, double *carry)
{
	double bytes = rate * dt_s + *carry;
	uint64_t pages = (uint64_t)(bytes / PAGE);

	*carry = bytes - (double)pages * PAGE;
	return pages;
}

static uint64_t demote_room(const struct sim_device *d)
{
	uint64_t cap = d->perfect ? d->total_pages : d->capacity_pages;

	return cap > d->logical_pages ? cap - d->logical_pages : 0;
}

/*
 * The rate limit as the kernel meters it (sysfs-bus-dax-cram,
 * demote_rate_limit_bytes): a token bucket that fills at the rate, all
 * the time, and holds a tenth of a second of it. A page passes while the
 * bucket is not empty, and may overdraw it. A write of the limit: see
 * apply().
 */
static double rate_burst(uint64_t rate)
{
	return (double)rate / 10;
}

static void rate_refill(struct sim_device *d, double dt_s)
{
	double burst = rate_burst(d->rate_limit);

	d->tokens += (double)d->rate_limit * dt_s;
	if (d->tokens > burst)
		d->tokens = burst;
}

/* How many of @pages pass the rate limit; they are taken from the bucket. */
static uint64_t rate_admit(struct sim_device *d, uint64_t pages)
{
	uint64_t n;

	if (d->perfect || !d->rate_limit)
		return pages;
	if (!(d->tokens > 0))
		return 0;
	n = (uint64_t)((d->tokens + PAGE - 1) / PAGE);
	n = n < pages ? n : pages;
	d->tokens -= (double)n * PAGE;
	return n;
}

static void step_demote(struct sim_device *d, const struct sim_phase *ph,
			double ratio, double dt_s)
{
	double phys = 0, size;
	uint64_t pages, n = 0, room = demote_room(d);

	rate_refill(d, dt_s);
	pages = take_pages((double)ph->demand, dt_s, &d->demote_carry);
	if ((d->gate_closed && !d->perfect) || !room) {
		d->demote_carry = 0;
		return;
	}
	pages = rate_admit(d, pages);
	if (pages > room)
		pages = room;
	for (n = 0; n < pages; n++) {
		size = next_size(d, ratio);
		if (d->perfect && d->phys + (double)d->overhead + phys + size >
				  (double)d->t->phys_bytes)
			break;
		phys += size;
		if (ratio > 0 && !d->perfect) {	/* all pages alike */
			phys = size * (double)pages;
			n = pages;
			break;
		}
	}
	if (n && ext_push(d, n, phys) == 0)
		d->demoted += n;
}

static void step_promote(struct sim_device *d, const struct sim_phase *ph,
			 double dt_s)
{
	uint64_t pages = take_pages((double)ph->promote, dt_s, &d->promote_carry);

	d->promoted += ext_take(d, pages, false);
}

/* Balloon excess first, then the pending request, at evict_bw. */
static void step_evict(struct sim_device *d, double dt_s)
{
	uint64_t cap = d->perfect ? d->total_pages : d->capacity_pages;
	uint64_t excess = d->logical_pages > cap ? d->logical_pages - cap : 0;
	uint64_t want = excess + (d->evict_pending + SIM_PAGE - 1) / SIM_PAGE;
	uint64_t budget, done, from_req;

	if (!want) {
		d->evict_carry = 0;
		return;
	}
	budget = take_pages((double)d->t->evict_bw, dt_s, &d->evict_carry);
	done = ext_take(d, want < budget ? want : budget, true);
	from_req = done > excess ? done - excess : 0;
	d->evict_pending -= from_req * SIM_PAGE < d->evict_pending ?
			    from_req * SIM_PAGE : d->evict_pending;
	d->evicted += done;
	d->evicted_bytes += done * SIM_PAGE;
	if (!d->logical_pages)
		d->evict_pending = 0;
}

/* ---- knobs ------------------------------------------------------------------- */

static void apply(struct sim_device *d, const struct sim_write *w)
{
	switch (w->knob) {
	case SIM_GATE:
		d->gate_closed = w->value != 0;
		break;
	case SIM_RATE:
		/*
		 * The first limit after none starts with a full bucket; a new
		 * one keeps what the bucket holds, up to a full one at the
		 * new rate (rewriting the limit lets nothing more through)
		 */
		if (!d->rate_limit || d->tokens > rate_burst(w->value))
			d->tokens = rate_burst(w->value);
		d->rate_limit = w->value;
		break;
	case SIM_CAPACITY:
		d->capacity_pages = w->value < d->total_pages ? w->value :
				    d->total_pages;
		break;
	case SIM_EVICT:
		d->evict_pending = w->value;
		d->evict_carry = 0;
		break;
	}
}

static void apply_due(struct sim_device *d)
{
	size_t i = 0;

	while (i < d->n_writes && d->writes[i].at_ns <= d->now_ns)
		apply(d, &d->writes[i++]);
	if (i) {
		memmove(d->writes, d->writes + i,
			(d->n_writes - i) * sizeof(*d->writes));
		d->n_writes -= i;
	}
}

void sim_device_set(struct sim_device *d, enum sim_knob knob, uint64_t value)
{
	apply(d, &(struct sim_write){ .at_ns = d->now_ns, .knob = knob,
				      .value = value });
}

int sim_device_write(struct sim_device *d, enum sim_knob knob, uint64_t value)
{
	struct sim_write *n;

	if (d->n_writes == d->cap_writes) {
		n = realloc(d->writes, (d->cap_writes + 64) * sizeof(*n));
		if (!n)
			return -ENOMEM;
		d->writes = n;
		d->cap_writes += 64;
	}
	d->writes[d->n_writes++] = (struct sim_write){
		.at_ns = d->now_ns + (d->perfect ? 0 : d->t->lag_ns),
		.knob = knob, .value = value,
	};
	return 0;
}

/* ---- time ---------------------------------------------------------------------- */

static void record(struct sim_device *d)
{
	sim_device_state(d, &d->hist[d->hist_pos++ % d->hist_len]);
}

static void account(struct sim_device *d, double dt_s)
{
	int64_t headroom = (int64_t)d->t->phys_bytes - (int64_t)llround(d->phys) -
			   (int64_t)d->overhead;

	if (headroom < d->min_headroom)
		d->min_headroom = headroom;
	if (headroom < 0 && !d->overflowing)
		d->overflows++;
	d->overflowing = headroom < 0;
	d->logical_integral += (double)d->logical_pages * PAGE * dt_s;
}

void sim_device_advance(struct sim_device *d, uint64_t dt_ns)
{
	double dt_s = (double)dt_ns / NS_PER_S;
	const struct sim_phase *ph;
	double ratio = sim_device_ratio_at(d->t, d->now_ns, &ph);

	apply_due(d);
	step_evict(d, dt_s);
	step_promote(d, ph, dt_s);
	step_demote(d, ph, ratio, dt_s);
	d->now_ns += dt_ns;
	account(d, dt_s);
	record(d);
}

void sim_device_step(struct sim_device *d)
{
	sim_device_advance(d, d->t->step_ns);
}

void sim_device_state(const struct sim_device *d, struct sim_state *s)
{
	s->time_ns = d->now_ns;
	s->phys_used = (d->phys > 0 ? (uint64_t)llround(d->phys) : 0) + d->overhead;
	s->logical = d->logical_pages * SIM_PAGE;
	s->demoted_pages = d->demoted;
	s->promoted_pages = d->promoted;
	s->evicted_pages = d->evicted;
}

uint64_t sim_device_evict_all(struct sim_device *d)
{
	uint64_t pages = ext_take(d, d->logical_pages, true);

	d->evicted += pages;
	d->evicted_bytes += pages * SIM_PAGE;
	d->evict_pending = 0;
	d->evict_carry = 0;
	d->overflowing = false;
	return pages;
}

/* xorshift64*: small, fast, and the same everywhere */
static double uniform(struct sim_device *d)
{
	d->rng ^= d->rng >> 12;
	d->rng ^= d->rng << 25;
	d->rng ^= d->rng >> 27;
	return (double)((d->rng * 2685821657736338717ULL) >> 11) /
	       (double)(1ULL << 53);
}

void sim_device_sample(struct sim_device *d, struct sim_state *s)
{
	size_t back = (size_t)(d->t->delay_ns / d->t->step_ns) + 1;
	size_t have = d->hist_pos < d->hist_len ? d->hist_pos : d->hist_len;
	double noise = (2 * uniform(d) - 1) * d->t->noise_permille / 1000.0;

	if (!have) {
		memset(s, 0, sizeof(*s));
		s->time_ns = d->now_ns;
		return;
	}
	if (back > have)
		back = have;
	*s = d->hist[(d->hist_pos - back) % d->hist_len];
	s->phys_used = (uint64_t)llround((double)s->phys_used * (1 + noise));
}

int sim_device_init(struct sim_device *d, const struct sim_trace *t,
		    bool perfect)
{
	uint64_t pages;

	memset(d, 0, sizeof(*d));
	d->t = t;
	d->perfect = perfect;
	d->total_pages = t->logical_bytes / SIM_PAGE;
	d->capacity_pages = d->total_pages;
	d->min_headroom = (int64_t)t->phys_bytes;
	d->rng = t->seed * 0x9E3779B97F4A7C15ULL + 1;
	d->hist_len = (size_t)(t->delay_ns / t->step_ns) + 2;
	d->hist = calloc(d->hist_len, sizeof(*d->hist));
	if (!d->hist)
		return -ENOMEM;
	pages = t->initial_bytes / SIM_PAGE;
	if (!pages)
		return 0;
	if (ext_push(d, pages, (double)pages * PAGE / t->initial_ratio) < 0)
		return -ENOMEM;
	record(d);	/* the first samples see it */
	return 0;
}

void sim_device_free(struct sim_device *d)
{
	free(d->ext);
	free(d->writes);
	free(d->hist);
	memset(d, 0, sizeof(*d));
}
