/* Scheduler registry and the locked pick. */
#include "scheduler.h"

#include <string.h>

static const struct sched_ops *const schedulers[] = {
	&sched_rr, &sched_wrr, &sched_lc, &sched_wlc,
	&sched_lblc, &sched_lblcr, &sched_dh, &sched_sh, &sched_sed, &sched_nq,
	&sched_fo, &sched_ovf, &sched_mh, &sched_twos,
};

const struct sched_ops *
sched_find(const char *name)
{
	for (size_t i = 0; i < sizeof(schedulers) / sizeof(schedulers[0]); i++)
		if (strcmp(schedulers[i]->name, name) == 0)
			return schedulers[i];
	return NULL;
}

struct dest *
sched_pick(struct service *s, const struct pkt *p)
{
	struct dest *d;

	pthread_mutex_lock(&s->sched_lock);
	d = s->sched->pick(s, p);
	pthread_mutex_unlock(&s->sched_lock);
	return d;
}

int64_t
sched_overhead(const struct dest *d)
{
	return dest_overhead(d);
}

struct dest *
sched_least_per_weight(struct dest *const *v, int n,
    int64_t (*overhead)(const struct dest *))
{
	struct dest *least = NULL;
	int64_t loh = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (dest_usable(v[i])) {
			least = v[i];
			loh = overhead(least);
			break;
		}
	}
	for (i = i + 1; i < n; i++) {
		struct dest *d = v[i];
		if (atomic_load(&d->flags) & DEST_F_OVERLOAD)
			continue;
		int64_t doh = overhead(d);
		if (loh * atomic_load(&d->weight) >
		    doh * atomic_load(&least->weight)) {
			least = d;
			loh = doh;
		}
	}
	return least;
}

void
sched_tick(struct svc_table *t, uint64_t now_ms)
{
	for (int i = 0; i < SVC_TAB_SIZE; i++)
		for (struct service *s = t->hash[i]; s; s = s->next) {
			if (s->sched->tick == NULL)
				continue;
			pthread_mutex_lock(&s->sched_lock);
			s->sched->tick(s, now_ms);
			pthread_mutex_unlock(&s->sched_lock);
		}
}
