/* The scheduler interface: each scheduler picks a destination for a new
 * connection with IPVS's exact semantics (see docs/engine.md). */
#ifndef TANDEM_SCHEDULER_H
#define TANDEM_SCHEDULER_H

#include "service.h"

struct pkt;

struct sched_ops {
	const char	*name;
	/* Allocate state; 0 or -ENOMEM. Called under the table write lock. */
	int		(*init)(struct service *s);
	void		(*done)(struct service *s);
	/* The destination list or a weight changed (write lock held). */
	void		(*update)(struct service *s);
	/* Pick a destination; the caller holds the table read lock and the
	 * service's sched_lock. NULL when none is available. */
	struct dest	*(*pick)(struct service *s, const struct pkt *p);
};

const struct sched_ops *sched_find(const char *name);
/* Pick under the service's scheduler lock. */
struct dest *sched_pick(struct service *s, const struct pkt *p);

extern const struct sched_ops sched_rr, sched_wrr, sched_lc, sched_wlc;

#endif
