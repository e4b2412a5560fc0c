/* Round robin (IPVS ip_vs_rr): the next usable destination after the last
 * one picked, in list order, wrapping around once. */
#include "scheduler.h"

#include <stdint.h>
#include <stdlib.h>

struct rr_state {
	struct dest	*last;	/* NULL: start at the list head */
	int		 idx;	/* where last was found (a hint) */
};

static int
rr_init(struct service *s)
{
	struct rr_state *st = calloc(1, sizeof(*st));

	if (st == NULL)
		return -1;
	s->sched_data = st;
	return 0;
}

static void
rr_done(struct service *s)
{
	free(s->sched_data);
	s->sched_data = NULL;
}

static int
rr_index(const struct service *s, const struct dest *d, int hint)
{
	/* The list seldom changes between picks: try the hint first. */
	if (hint >= 0 && hint < s->n_dests && s->dests[hint] == d)
		return hint;
	for (int i = 0; i < s->n_dests; i++)
		if (s->dests[i] == d)
			return i;
	return -1;
}

static void
rr_update(struct service *s)
{
	struct rr_state *st = s->sched_data;

	/* The cursor stays on its destination while it is listed (IPVS keeps
	 * a list pointer); when that one leaves, restart at the head. */
	if (st->last && (st->idx = rr_index(s, st->last, st->idx)) < 0)
		st->last = NULL;
}

static struct dest *
rr_pick(struct service *s, const struct pkt *p)
{
	struct rr_state *st = s->sched_data;
	int n = s->n_dests;
	int last = st->last ? rr_index(s, st->last, st->idx) : -1;

	for (int i = 1; i <= n; i++) {
		int idx = (last + i) % n;
		struct dest *d = s->dests[idx];
		if (dest_usable(d)) {
			st->last = d;
			st->idx = idx;
			return d;
		}
	}
	return NULL;
}

const struct sched_ops sched_rr = {
	.name = "rr", .init = rr_init, .done = rr_done, .update = rr_update,
	.pick = rr_pick,
};
