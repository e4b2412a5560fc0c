/* The virtual-service table: add, edit and delete services and their
 * destinations with IPVS's rules (a deleted destination still used by
 * connections goes to the trash and comes back if it is added again). */
#include "service.h"
#include "scheduler.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void
stats_add(struct stats *s, int in, uint64_t bytes)
{
	if (in) {
		atomic_fetch_add_explicit(&s->inpkts, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&s->inbytes, bytes, memory_order_relaxed);
	} else {
		atomic_fetch_add_explicit(&s->outpkts, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&s->outbytes, bytes, memory_order_relaxed);
	}
}

static void
stats_zero(struct stats *s)
{
	atomic_store(&s->conns, 0);
	atomic_store(&s->inpkts, 0);
	atomic_store(&s->outpkts, 0);
	atomic_store(&s->inbytes, 0);
	atomic_store(&s->outbytes, 0);
	memset(&s->est, 0, sizeof(s->est));	/* ip_vs_zero_estimator */
}

static unsigned
svc_hash(uint8_t proto, const struct tnd_addr *addr, uint16_t port)
{
	uint32_t h = proto * 2654435761u;

	for (int i = 0; i < (addr->af == AF_INET ? 4 : 16); i++)
		h = (h ^ addr->bytes[i]) * 16777619u;
	h ^= port * 40503u;
	return (h ^ (h >> 16)) % SVC_TAB_SIZE;
}

void
svc_table_init(struct svc_table *t)
{
	memset(t, 0, sizeof(*t));
	pthread_rwlock_init(&t->lock, NULL);
}

struct service *
svc_find(struct svc_table *t, uint8_t proto, const struct tnd_addr *addr,
    uint16_t port)
{
	struct service *s = t->hash[svc_hash(proto, addr, port)];

	for (; s; s = s->next)
		if (s->proto == proto && s->port == port &&
		    addr_eq(&s->addr, addr))
			return s;
	return NULL;
}

struct dest *
svc_find_dest(struct service *s, const struct tnd_addr *addr, uint16_t port)
{
	for (int i = 0; i < s->n_dests; i++)
		if (s->dests[i]->port == port &&
		    addr_eq(&s->dests[i]->addr, addr))
			return s->dests[i];
	return NULL;
}

static void
svc_put(struct service *s)
{
	if (atomic_fetch_sub(&s->refcnt, 1) != 1)
		return;
	if (s->sched)
		s->sched->done(s);
	pthread_mutex_destroy(&s->sched_lock);
	free(s->dests);
	free(s->members);
	free(s);
}

static void
fwmark_addr(uint32_t fwmark, struct tnd_addr *a)
{
	memset(a, 0, sizeof(*a));	/* af 0: matches no real address */
	a->bytes[0] = (uint8_t)(fwmark >> 24);
	a->bytes[1] = (uint8_t)(fwmark >> 16);
	a->bytes[2] = (uint8_t)(fwmark >> 8);
	a->bytes[3] = (uint8_t)fwmark;
}

struct service *
svc_find_fwmark(struct svc_table *t, uint32_t fwmark)
{
	for (int i = 0; i < t->n_groups; i++)
		if (t->groups[i]->fwmark == fwmark)
			return t->groups[i];
	return NULL;
}

struct service *
svc_match_group(struct svc_table *t, uint8_t proto, const struct tnd_addr *addr,
    uint16_t port)
{
	for (int i = 0; i < t->n_groups; i++) {
		struct service *s = t->groups[i];
		if (s->proto && s->proto != proto)
			continue;
		for (int j = 0; j < s->n_members; j++)
			if (addr_range_has(&s->members[j], addr, port))
				return s;
	}
	return NULL;
}

int
svc_add_group(struct svc_table *t, uint8_t proto, uint32_t fwmark,
    const char *sched, uint32_t persistent, uint32_t netmask,
    struct service **out)
{
	struct tnd_addr a;
	struct service *s;
	int rc;

	if (fwmark == 0)
		return -EINVAL;
	if (svc_find_fwmark(t, fwmark))
		return -EEXIST;
	if (t->n_groups == t->cap_groups) {
		int cap = t->cap_groups ? t->cap_groups * 2 : 8;
		struct service **g = realloc(t->groups,
		    (size_t)cap * sizeof(struct service *));
		if (g == NULL)
			return -ENOMEM;
		t->groups = g;
		t->cap_groups = cap;
	}
	fwmark_addr(fwmark, &a);
	if ((rc = svc_add(t, proto, &a, 0, sched, persistent, netmask, &s)) < 0)
		return rc;
	s->fwmark = fwmark;
	t->groups[t->n_groups++] = s;
	if (out)
		*out = s;
	return 0;
}

int
svc_set_members(struct service *s, const struct addr_range *m, int n)
{
	struct addr_range *copy = NULL;

	if (n > 0) {
		if ((copy = calloc((size_t)n, sizeof(*copy))) == NULL)
			return -ENOMEM;
		memcpy(copy, m, (size_t)n * sizeof(*copy));
	}
	free(s->members);
	s->members = copy;
	s->n_members = n;
	return 0;
}

void
dest_hold(struct dest *d)
{
	atomic_fetch_add_explicit(&d->refcnt, 1, memory_order_relaxed);
}

void
dest_put(struct dest *d)
{
	/* The last reference of a trashed dest is dropped by the collector,
	 * which runs under the table write lock; see svc_trash_collect. */
	atomic_fetch_sub_explicit(&d->refcnt, 1, memory_order_release);
}

void
dest_conn_bound(struct dest *d, int active)
{
	atomic_fetch_add(active ? &d->active : &d->inactive, 1);
	atomic_fetch_add_explicit(&d->stats.conns, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&d->svc->stats.conns, 1, memory_order_relaxed);
	if (d->u_threshold &&
	    (uint32_t)(atomic_load(&d->active) + atomic_load(&d->inactive)) >=
	    d->u_threshold)
		atomic_fetch_or(&d->flags, DEST_F_OVERLOAD);
}

void
dest_conn_unbound(struct dest *d, int active)
{
	atomic_fetch_sub(active ? &d->active : &d->inactive, 1);
	uint32_t total = (uint32_t)(atomic_load(&d->active) +
	    atomic_load(&d->inactive));
	/* IPVS's overload rule: below l_threshold, or below 3/4 of
	 * u_threshold when no lower threshold is set. */
	if (d->l_threshold) {
		if (total < d->l_threshold)
			atomic_fetch_and(&d->flags, ~DEST_F_OVERLOAD);
	} else if (d->u_threshold) {
		if (total * 4 < d->u_threshold * 3)
			atomic_fetch_and(&d->flags, ~DEST_F_OVERLOAD);
	} else {
		atomic_fetch_and(&d->flags, ~DEST_F_OVERLOAD);
	}
}

int
svc_add(struct svc_table *t, uint8_t proto, const struct tnd_addr *addr,
    uint16_t port, const char *schedname, uint32_t persistent,
    uint32_t netmask, struct service **out)
{
	const struct sched_ops *ops = sched_find(schedname);
	struct service *s;

	if (svc_find(t, proto, addr, port))
		return -EEXIST;
	if (ops == NULL)
		return -ESRCH;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -ENOMEM;
	s->proto = proto;
	s->addr = *addr;
	s->port = port;
	s->persistent = persistent;
	s->netmask = netmask;
	pthread_mutex_init(&s->sched_lock, NULL);
	s->sched = ops;
	if (ops->init(s) == -1) {
		pthread_mutex_destroy(&s->sched_lock);
		free(s);
		return -ENOMEM;
	}
	atomic_store(&s->refcnt, 1);
	unsigned h = svc_hash(proto, addr, port);
	s->next = t->hash[h];
	t->hash[h] = s;
	t->count++;
	if (out)
		*out = s;
	return 0;
}

int
svc_edit(struct svc_table *t, struct service *s, const char *schedname,
    uint32_t persistent, uint32_t netmask)
{
	if (schedname && strcmp(schedname, s->sched->name) != 0) {
		const struct sched_ops *ops = sched_find(schedname);
		const struct sched_ops *old = s->sched;
		if (ops == NULL)
			return -ESRCH;
		old->done(s);
		s->sched = ops;
		if (ops->init(s) == -1) {
			s->sched = old;
			old->init(s);
			return -ENOMEM;
		}
	}
	s->persistent = persistent;
	s->netmask = netmask;
	return 0;
}

/* Unlink d from its service; it stays in the trash while connections
 * still refer to it. */
static void
dest_unlink(struct svc_table *t, struct service *s, int idx)
{
	struct dest *d = s->dests[idx];

	memmove(&s->dests[idx], &s->dests[idx + 1],
	    (size_t)(s->n_dests - idx - 1) * sizeof(struct dest *));
	s->n_dests--;
	atomic_fetch_and(&d->flags, ~DEST_F_AVAILABLE);
	d->trash_next = t->trash;
	t->trash = d;
	atomic_fetch_sub(&d->refcnt, 1);
}

int
svc_del(struct svc_table *t, struct service *s)
{
	struct service **pp = &t->hash[svc_hash(s->proto, &s->addr, s->port)];

	while (*pp && *pp != s)
		pp = &(*pp)->next;
	if (*pp == NULL)
		return -ENOENT;
	*pp = s->next;
	t->count--;
	for (int i = 0; i < t->n_groups; i++)
		if (t->groups[i] == s) {
			t->groups[i] = t->groups[--t->n_groups];
			break;
		}
	while (s->n_dests)
		dest_unlink(t, s, s->n_dests - 1);
	svc_put(s);
	return 0;
}

void
svc_clear(struct svc_table *t)
{
	for (int i = 0; i < SVC_TAB_SIZE; i++)
		while (t->hash[i])
			svc_del(t, t->hash[i]);
}

static struct dest *
trash_take(struct svc_table *t, struct service *s, const struct tnd_addr *addr,
    uint16_t port)
{
	for (struct dest **pp = &t->trash; *pp; pp = &(*pp)->trash_next) {
		struct dest *d = *pp;
		if (d->svc == s && d->port == port && addr_eq(&d->addr, addr)) {
			*pp = d->trash_next;
			d->trash_next = NULL;
			return d;
		}
	}
	return NULL;
}

int
svc_add_dest(struct svc_table *t, struct service *s,
    const struct tnd_addr *addr, uint16_t port, enum fwd_method m, int weight,
    uint32_t u_thresh, uint32_t l_thresh)
{
	struct dest *d;

	if (svc_find_dest(s, addr, port))
		return -EEXIST;
	if (s->n_dests == s->cap_dests) {
		int cap = s->cap_dests ? s->cap_dests * 2 : 8;
		struct dest **nd = realloc(s->dests, (size_t)cap * sizeof(struct dest *));
		if (nd == NULL)
			return -ENOMEM;
		s->dests = nd;
		s->cap_dests = cap;
	}
	/* A destination deleted while connections used it comes back as it
	 * was, so those connections go on (IPVS's trash). */
	if ((d = trash_take(t, s, addr, port)) == NULL) {
		if ((d = calloc(1, sizeof(*d))) == NULL)
			return -ENOMEM;
		d->addr = *addr;
		d->port = port;
		d->svc = s;
		atomic_fetch_add(&s->refcnt, 1);
	}
	d->method = m;
	atomic_store(&d->weight, weight);
	d->u_threshold = u_thresh;
	d->l_threshold = l_thresh;
	atomic_fetch_add(&d->refcnt, 1);
	atomic_fetch_or(&d->flags, DEST_F_AVAILABLE);
	/* IPVS list_add_rcu: new destinations go to the head of the list,
	 * so schedulers scan newest first. */
	memmove(&s->dests[1], &s->dests[0],
	    (size_t)s->n_dests * sizeof(struct dest *));
	s->dests[0] = d;
	s->n_dests++;
	s->sched->update(s);
	return 0;
}

int
svc_edit_dest(struct service *s, struct dest *d, enum fwd_method m, int weight,
    uint32_t u_thresh, uint32_t l_thresh)
{
	d->method = m;
	atomic_store(&d->weight, weight);
	d->u_threshold = u_thresh;
	d->l_threshold = l_thresh;
	if (!u_thresh)
		atomic_fetch_and(&d->flags, ~DEST_F_OVERLOAD);
	s->sched->update(s);
	return 0;
}

int
svc_del_dest(struct svc_table *t, struct service *s, struct dest *d)
{
	for (int i = 0; i < s->n_dests; i++) {
		if (s->dests[i] == d) {
			dest_unlink(t, s, i);
			s->sched->update(s);
			return 0;
		}
	}
	return -ENOENT;
}

void
svc_zero(struct svc_table *t, struct service *s)
{
	if (s == NULL) {
		for (int i = 0; i < SVC_TAB_SIZE; i++)
			for (struct service *x = t->hash[i]; x; x = x->next)
				svc_zero(t, x);
		stats_zero(&t->total);
		return;
	}
	stats_zero(&s->stats);
	for (int i = 0; i < s->n_dests; i++)
		stats_zero(&s->dests[i]->stats);
}

void
svc_trash_collect(struct svc_table *t)
{
	for (struct dest **pp = &t->trash; *pp;) {
		struct dest *d = *pp;
		if (atomic_load(&d->refcnt) == 0) {
			*pp = d->trash_next;
			struct service *s = d->svc;
			free(d);
			svc_put(s);
		} else {
			pp = &d->trash_next;
		}
	}
}

void
svc_table_free(struct svc_table *t)
{
	svc_clear(t);
	svc_trash_collect(t);
	free(t->groups);
	pthread_rwlock_destroy(&t->lock);
}
