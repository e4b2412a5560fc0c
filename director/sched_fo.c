/* Weighted failover (IPVS ip_vs_fo) and overflow (ip_vs_ovf): all new
 * connections go to the usable server of highest weight, the first in list
 * order among equals. ovf also treats the weight as a limit on active
 * connections: a server with more active connections than its weight is
 * passed over for the next one. */
#include "scheduler.h"

static int  fo_init(struct service *s) { return 0; }
static void fo_done(struct service *s) { }
static void fo_update(struct service *s) { }

static struct dest *
fo_pick(struct service *s, const struct pkt *p)
{
	struct dest *best = NULL;
	int hw = 0;

	for (int i = 0; i < s->n_dests; i++) {
		struct dest *d = s->dests[i];
		int w = atomic_load(&d->weight);
		if (!(atomic_load(&d->flags) & DEST_F_OVERLOAD) && w > hw) {
			best = d;
			hw = w;
		}
	}
	return best;
}

static struct dest *
ovf_pick(struct service *s, const struct pkt *p)
{
	struct dest *best = NULL;
	int hw = 0;

	for (int i = 0; i < s->n_dests; i++) {
		struct dest *d = s->dests[i];
		int w = atomic_load(&d->weight);
		/* "More than the weight", as IPVS: a server runs up to
		 * weight + 1 active connections before it overflows. */
		if ((atomic_load(&d->flags) & DEST_F_OVERLOAD) || w == 0 ||
		    atomic_load(&d->active) > w)
			continue;
		if (best == NULL || w > hw) {
			best = d;
			hw = w;
		}
	}
	return best;
}

const struct sched_ops sched_fo = {
	.name = "fo", .init = fo_init, .done = fo_done, .update = fo_update,
	.pick = fo_pick,
};

const struct sched_ops sched_ovf = {
	.name = "ovf", .init = fo_init, .done = fo_done, .update = fo_update,
	.pick = ovf_pick,
};
