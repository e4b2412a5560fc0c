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
