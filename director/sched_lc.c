/* Least connection (IPVS ip_vs_lc) and weighted least connection
 * (ip_vs_wlc). The overhead is active * 256 + inactive; wlc compares
 * overhead/weight by cross-multiplying, and both keep the first of equals
 * in list order. */
#include "scheduler.h"

static int  lc_init(struct service *s) { return 0; }
static void lc_done(struct service *s) { }
static void lc_update(struct service *s) { }

static struct dest *
lc_pick(struct service *s, const struct pkt *p)
{
	struct dest *least = NULL;
	uint32_t loh = 0;

	for (int i = 0; i < s->n_dests; i++) {
		struct dest *d = s->dests[i];
		if (!dest_usable(d))
			continue;
		uint32_t doh = dest_overhead(d);
		if (least == NULL || doh < loh) {
			least = d;
			loh = doh;
		}
	}
	return least;
}

static struct dest *
wlc_pick(struct service *s, const struct pkt *p)
{
	return sched_least_per_weight(s->dests, s->n_dests, sched_overhead);
}

const struct sched_ops sched_lc = {
	.name = "lc", .init = lc_init, .done = lc_done, .update = lc_update,
	.pick = lc_pick,
};

const struct sched_ops sched_wlc = {
	.name = "wlc", .init = lc_init, .done = lc_done, .update = lc_update,
	.pick = wlc_pick,
};
