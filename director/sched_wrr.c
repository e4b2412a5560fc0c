/* Weighted round robin (IPVS ip_vs_wrr): a current weight cw walks down
 * from the max weight by the gcd of all weights; each pass over the list
 * picks the destinations whose weight is at least cw. Weights 4/3/2 give
 * A A B A B C A B C. */
#include "scheduler.h"

#include <stdlib.h>

struct wrr_state {
	int	cl;	/* index of the last pick; -1: the list head */
	int	cw, mw, di;
};

static int
gcd(int a, int b)
{
	while (b) {
		int t = a % b;
		a = b;
		b = t;
	}
	return a;
}

static void
wrr_recompute(struct service *s, struct wrr_state *st)
{
	int g = 0, max = 0;

	for (int i = 0; i < s->n_dests; i++) {
		int w = atomic_load(&s->dests[i]->weight);
		if (w > 0) {
			g = g ? gcd(w, g) : w;
			if (w > max)
				max = w;
		}
	}
	st->di = g ? g : 1;
	st->mw = max - (st->di - 1);
	if (st->mw < 0)
		st->mw = 0;
}

static int
wrr_init(struct service *s)
{
	struct wrr_state *st = calloc(1, sizeof(*st));

	if (st == NULL)
		return -1;
	st->cl = -1;
	wrr_recompute(s, st);
	st->cw = st->mw;
	s->sched_data = st;
	return 0;
}

static void
wrr_done(struct service *s)
{
	free(s->sched_data);
	s->sched_data = NULL;
}

static void
wrr_update(struct service *s)
{
	struct wrr_state *st = s->sched_data;

	/* As ip_vs_wrr_dest_changed: back to the list head, cw clamped. */
	st->cl = -1;
	wrr_recompute(s, st);
	if (st->cw > st->mw || st->cw == 0)
		st->cw = st->mw;
	else if (st->di > 1)
		st->cw = (st->cw / st->di) * st->di + 1;
}

static int
wrr_fits(const struct dest *d, int cw)
{
	return !(atomic_load(&d->flags) & DEST_F_OVERLOAD) &&
	    atomic_load(&d->weight) >= cw;
}

static struct dest *
wrr_pick(struct service *s, const struct pkt *p)
{
	struct wrr_state *st = s->sched_data;
	int last = st->cl, stop = -2, idx = st->cl;
	int last_pass = 0, restarted = 0;

	if (st->mw == 0)
		return NULL;
	for (;;) {
		/* Continue after idx to the end of the list. */
		for (idx = idx + 1; idx < s->n_dests; idx++) {
			if (wrr_fits(s->dests[idx], st->cw)) {
				st->cl = idx;
				return s->dests[idx];
			}
			if (idx == stop)
				return NULL;
		}
		idx = -1;		/* back at the head */
		st->cw -= st->di;
		if (st->cw <= 0) {
			st->cw = st->mw;
			if (last_pass || last == -1)
				return NULL;
			restarted = 1;
		}
		last_pass = st->cw <= st->di;
		if (last_pass && restarted && last != -1)
			stop = last;
	}
}

const struct sched_ops sched_wrr = {
	.name = "wrr", .init = wrr_init, .done = wrr_done,
	.update = wrr_update, .pick = wrr_pick,
};
