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
	/* Optional (NULL): housekeeping from the control thread's 1 s tick,
	 * with the table read lock and the service's sched_lock held; now_ms
	 * is CLOCK_MONOTONIC (now_monotonic_ms). lblc and lblcr age their
	 * tables here and take it as their clock. */
	void		(*tick)(struct service *s, uint64_t now_ms);
};

const struct sched_ops *sched_find(const char *name);
/* Every scheduler's housekeeping (the control thread's 1 s tick; the
 * caller holds the table read lock). */
void	sched_tick(struct svc_table *t, uint64_t now_ms);
/* Pick under the service's scheduler lock. */
struct dest *sched_pick(struct service *s, const struct pkt *p);
/* dest_overhead for sched_least_per_weight: IPVS's active * 256 +
 * inactive (wlc, lblcr). */
static inline int64_t
sched_overhead(const struct dest *d)
{
	return dest_overhead(d);
}

/* The server of v[0..n) with the least overhead per weight, as IPVS's
 * wlc, sed and ip_vs_dest_set_min find it: the first usable one starts
 * the race and the rest only skip overloaded ones (a weight-0 server never
 * wins the strict comparison); cross-multiplied in 64 bits, so on a tie
 * the earlier server stays. NULL when none is usable. Inline, so that the
 * overhead function is too: this runs for every new connection. */
static inline struct dest *
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

extern const struct sched_ops sched_rr, sched_wrr, sched_lc, sched_wlc;
extern const struct sched_ops sched_sed, sched_nq, sched_fo, sched_ovf;
extern const struct sched_ops sched_lblc, sched_lblcr, sched_dh, sched_sh;
extern const struct sched_ops sched_mh, sched_twos;

#endif
