/* Shortest expected delay (IPVS ip_vs_sed) and never queue (ip_vs_nq):
 * the expected delay of a server is (active + 1) / weight; nq first sends
 * to any idle server (no active connections) in list order. Inactive
 * connections do not count, as in IPVS. */
#include "scheduler.h"

static int  sed_init(struct service *s) { return 0; }
static void sed_done(struct service *s) { }
static void sed_update(struct service *s) { }

static int64_t
sed_overhead(const struct dest *d)
{
	return (int64_t)atomic_load(&d->active) + 1;
}

/* Is a's delay above b's, ie oa/wa > ob/wb? Cross-multiplied as IPVS does
 * (64-bit), so a tie is never "above" and the earlier server stays. */
static int
sed_above(int64_t oa, const struct dest *a, int64_t ob, const struct dest *b)
{
	return oa * atomic_load(&b->weight) > ob * atomic_load(&a->weight);
}

static struct dest *
sed_pick(struct service *s, const struct pkt *p)
{
	return sched_least_per_weight(s->dests, s->n_dests, sed_overhead);
}

static struct dest *
nq_pick(struct service *s, const struct pkt *p)
{
	struct dest *least = NULL;
	int64_t loh = 0;

	for (int i = 0; i < s->n_dests; i++) {
		struct dest *d = s->dests[i];
		if (!dest_usable(d))
			continue;
		/* An idle server takes the connection at once. */
		if (atomic_load(&d->active) == 0)
			return d;
		int64_t doh = sed_overhead(d);
		if (least == NULL || sed_above(loh, least, doh, d)) {
			least = d;
			loh = doh;
		}
	}
	return least;
}

const struct sched_ops sched_sed = {
	.name = "sed", .init = sed_init, .done = sed_done,
	.update = sed_update, .pick = sed_pick,
};

const struct sched_ops sched_nq = {
	.name = "nq", .init = sed_init, .done = sed_done,
	.update = sed_update, .pick = nq_pick,
};
