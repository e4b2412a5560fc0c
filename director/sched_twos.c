/* Power of two choices (IPVS ip_vs_twos): draw two servers at random in
 * proportion to their weights and take the one with the lower overhead
 * per weight (the first drawn on a tie). Each service has its own
 * generator, seeded from getrandom and used under its sched_lock. */
#include "scheduler.h"

#include <stdlib.h>
#include <sys/random.h>

struct twos_state {
	struct random_data	rd;
	char			rstate[64];
};

static int
twos_init(struct service *s)
{
	struct twos_state *st = calloc(1, sizeof(*st));
	unsigned int seed;

	if (st == NULL)
		return -1;
	/* Without entropy the draws are still weighted, only predictable. */
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = (unsigned int)(uintptr_t)st;
	if (initstate_r(seed, st->rstate, sizeof(st->rstate), &st->rd) != 0) {
		free(st);
		return -1;
	}
	s->sched_data = st;
	return 0;
}

static void
twos_done(struct service *s)
{
	free(s->sched_data);
	s->sched_data = NULL;
}

static void twos_update(struct service *s) { }

/* A draw in [0, total], as IPVS's prandom_u32() % (total + 1). */
static int64_t
twos_draw(struct twos_state *st, int64_t total)
{
	int32_t r1 = 0, r2 = 0;

	random_r(&st->rd, &r1);		/* 31 random bits each */
	random_r(&st->rd, &r2);
	return (int64_t)(((uint64_t)r1 << 31 | (uint64_t)r2) %
	    (uint64_t)(total + 1));
}

static struct dest *
twos_pick(struct service *s, const struct pkt *p)
{
	struct twos_state *st = s->sched_data;
	struct dest *c1 = NULL, *c2 = NULL;
	int64_t total = 0, o1 = 0, o2 = 0, w1 = -1, w2 = -1;

	for (int i = 0; i < s->n_dests; i++) {
		if (dest_usable(s->dests[i])) {
			total += atomic_load(&s->dests[i]->weight);
			c1 = s->dests[i];
		}
	}
	if (c1 == NULL)
		return NULL;
	int64_t r1 = twos_draw(st, total), r2 = twos_draw(st, total);

	/* Walk both draws down by the weights; a draw of 0 lands on the
	 * first usable server, as in IPVS. */
	for (int i = 0; i < s->n_dests && (w1 < 0 || w2 < 0); i++) {
		struct dest *d = s->dests[i];
		if (!dest_usable(d))
			continue;
		int64_t w = atomic_load(&d->weight);
		r1 -= w;
		r2 -= w;
		if (r1 <= 0 && w1 < 0) {
			c1 = d;
			w1 = w;
			o1 = dest_overhead(d);
		}
		if (r2 <= 0 && w2 < 0) {
			c2 = d;
			w2 = w;
			o2 = dest_overhead(d);
		}
	}
	/* Other workers can set the overload flag between the two walks;
	 * then a draw may find nothing and, as in IPVS, the last usable
	 * server of the first walk stands in. */
	if (c2 != NULL && w2 * o1 > w1 * o2)
		return c2;
	return c1;
}

const struct sched_ops sched_twos = {
	.name = "twos", .init = twos_init, .done = twos_done,
	.update = twos_update, .pick = twos_pick,
};
