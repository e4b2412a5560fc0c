/* IPVS's rate estimator (ip_vs_est.c): every 2 seconds the difference of
 * each counter is scaled (<< 9 for counts, << 4 for bytes, which with the
 * 2-s period gives rates per second in 2^10 and 2^5 fixed point) and folded
 * into the rate with weight 1/4. Reading rounds back to whole units. */
#include "service.h"

static void
fold(int64_t *rate, uint64_t now, uint64_t *last, int shift)
{
	int64_t r = (int64_t)((now - *last) << shift);

	*last = now;
	*rate += (r - *rate) >> 2;
}

void
est_step(struct stats *s)
{
	struct est *e = &s->est;

	fold(&e->cps, atomic_load(&s->conns), &e->last_conns, 9);
	fold(&e->inpps, atomic_load(&s->inpkts), &e->last_inpkts, 9);
	fold(&e->outpps, atomic_load(&s->outpkts), &e->last_outpkts, 9);
	fold(&e->inbps, atomic_load(&s->inbytes), &e->last_inbytes, 4);
	fold(&e->outbps, atomic_load(&s->outbytes), &e->last_outbytes, 4);
}

void
est_read(const struct stats *s, struct rates *r)
{
	const struct est *e = &s->est;

	r->cps = (uint64_t)(e->cps + 0x1ff) >> 10;
	r->inpps = (uint64_t)(e->inpps + 0x1ff) >> 10;
	r->outpps = (uint64_t)(e->outpps + 0x1ff) >> 10;
	r->inbps = (uint64_t)(e->inbps + 0xf) >> 5;
	r->outbps = (uint64_t)(e->outbps + 0xf) >> 5;
}

void
est_tick(struct svc_table *t)
{
	for (int h = 0; h < SVC_TAB_SIZE; h++)
		for (struct service *s = t->hash[h]; s; s = s->next) {
			est_step(&s->stats);
			for (int i = 0; i < s->n_dests; i++)
				est_step(&s->dests[i]->stats);
		}
	est_step(&t->total);
}
