/* Locality-based least connection (IPVS ip_vs_lblc) and its replicated
 * variant (ip_vs_lblcr): a bounded, aged table sends each destination
 * address to the server (set of servers) that took it before, while that
 * one is not overloaded; otherwise wlc picks. */
#include "scheduler.h"
#include "conn.h"
#include "frame.h"

#include <stdlib.h>
#include <string.h>

#define LBLC_TAB_BITS		10	/* IP_VS_LBLC_TAB_BITS */
#define LBLC_TAB_SIZE		(1 << LBLC_TAB_BITS)
#define LBLC_TAB_MASK		(LBLC_TAB_SIZE - 1)
#define LBLC_MAX_SIZE		(LBLC_TAB_SIZE * 16)
#define LBLC_CHECK_MS		UINT64_C(60000)		/* CHECK_EXPIRE_INTERVAL */
#define LBLC_ENTRY_TIMEOUT_MS	UINT64_C(360000)	/* ENTRY_TIMEOUT, 6 min */
#define LBLC_EXPIRATION_MS	UINT64_C(86400000)	/* lblc_expiration, 1 day */
#define LBLC_FULL_EVERY		30	/* COUNT_FOR_FULL_EXPIRATION */

/* IPVS's bound and ageing: at most 16,385 entries (it adds while not
 * over 16,384); a check every 60 s drops entries idle for 6 min while the
 * table is over its bound, and every 30th check those idle for a day.
 * The clock is the scheduler tick's, so times have its 1 s grain. */
struct lblc_entry {
	struct lblc_entry	*next;
	struct tnd_addr		 addr;
	uint64_t		 lastuse;
	uint64_t		 lastmod;	/* lblcr: when the set changed */
	int			 n, cap;
	struct dest		**set;		/* newest first; lblc: one */
};

struct lblc_table {
	struct lblc_entry	*bucket[LBLC_TAB_SIZE];
	int			 entries;
	int			 rover;		/* where ageing goes on */
	int			 counter;	/* checks since a full one */
	uint64_t		 now;		/* from the last tick */
	uint64_t		 next_check;	/* 0: not ticked yet */
};

static uint32_t
lblc_hashkey(const struct tnd_addr *a)
{
	uint32_t v = 0;

	/* The kernel's fold (IPv6: XOR of the four words), then hash_32. */
	for (int i = 0; i < (a->af == AF_INET6 ? 16 : 4); i += 4)
		v ^= (uint32_t)a->bytes[i] << 24 | (uint32_t)a->bytes[i + 1] << 16 |
		    (uint32_t)a->bytes[i + 2] << 8 | a->bytes[i + 3];
	return (v * 0x61C88647u) >> (32 - LBLC_TAB_BITS);
}

/* The link that points at the entry for addr, or at the chain's end. */
static struct lblc_entry **
lblc_find(struct lblc_table *t, const struct tnd_addr *addr)
{
	struct lblc_entry **pp = &t->bucket[lblc_hashkey(addr)];

	while (*pp && !addr_eq(&(*pp)->addr, addr))
		pp = &(*pp)->next;
	return pp;
}

static void
lblc_unlink(struct lblc_table *t, struct lblc_entry **pp)
{
	struct lblc_entry *e = *pp;

	*pp = e->next;
	free(e->set);
	free(e);
	t->entries--;
}

/* A new entry for addr holding d, at the head of its chain; none when the
 * table is over its bound (IPVS's test, so it holds one more) or memory
 * is short: the pick stands, it is only not remembered. */
static void
lblc_add(struct lblc_table *t, const struct tnd_addr *addr, struct dest *d)
{
	struct lblc_entry *e;

	if (t->entries > LBLC_MAX_SIZE || (e = calloc(1, sizeof(*e))) == NULL)
		return;
	if ((e->set = malloc(sizeof(struct dest *))) == NULL) {
		free(e);
		return;
	}
	e->addr = *addr;
	e->lastuse = e->lastmod = t->now;
	e->set[0] = d;
	e->n = e->cap = 1;
	struct lblc_entry **head = &t->bucket[lblc_hashkey(addr)];
	e->next = *head;
	*head = e;
	t->entries++;
}

/* Remove entries idle for age ms in bucket j; how many went. */
static int
lblc_sweep(struct lblc_table *t, int j, uint64_t now, uint64_t age)
{
	int n = 0;

	for (struct lblc_entry **pp = &t->bucket[j]; *pp;) {
		if (now < (*pp)->lastuse + age) {
			pp = &(*pp)->next;
			continue;
		}
		lblc_unlink(t, pp);
		n++;
	}
	return n;
}

/* ip_vs_lblc_check_expire: every 30th check drops what was idle a day;
 * otherwise, over the bound, entries idle 6 min go, bucket by bucket from
 * the rover, until 4/3 of the excess (at most half the bound) went. */
static void
lblc_check_expire(struct lblc_table *t, uint64_t now)
{
	int j = t->rover, goal;

	if (t->counter % LBLC_FULL_EVERY == 0) {
		for (int i = 0; i < LBLC_TAB_SIZE; i++) {
			j = (j + 1) & LBLC_TAB_MASK;
			lblc_sweep(t, j, now, LBLC_EXPIRATION_MS);
		}
		t->rover = j;
		t->counter = 1;
		return;
	}
	if (t->entries <= LBLC_MAX_SIZE) {
		t->counter++;
		return;
	}
	goal = (t->entries - LBLC_MAX_SIZE) * 4 / 3;
	if (goal > LBLC_MAX_SIZE / 2)
		goal = LBLC_MAX_SIZE / 2;
	for (int i = 0; i < LBLC_TAB_SIZE; i++) {
		j = (j + 1) & LBLC_TAB_MASK;
		goal -= lblc_sweep(t, j, now, LBLC_ENTRY_TIMEOUT_MS);
		if (goal <= 0)
			break;
	}
	t->rover = j;
}

static void
lblc_tick(struct service *s, uint64_t now)
{
	struct lblc_table *t = s->sched_data;

	t->now = now;
	/* IPVS arms its timer when the service is made; we at the first
	 * tick, which comes within a second of that. */
	if (t->next_check == 0) {
		t->next_check = now + LBLC_CHECK_MS;
	} else if (now >= t->next_check) {
		t->next_check = now + LBLC_CHECK_MS;
		lblc_check_expire(t, now);
	}
}

static int
lblc_init(struct service *s)
{
	struct lblc_table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return -1;
	t->counter = 1;
	t->now = now_monotonic_ms();
	s->sched_data = t;
	return 0;
}

/* Entries only point at servers; the servers may be gone already. */
static void
lblc_done(struct service *s)
{
	struct lblc_table *t = s->sched_data;

	for (int i = 0; i < LBLC_TAB_SIZE; i++)
		while (t->bucket[i])
			lblc_unlink(t, &t->bucket[i]);
	free(t);
	s->sched_data = NULL;
}

/* A server left the list: forget it now, while it is still allocated (it
 * waits in the trash and may be freed at the next collection). IPVS holds
 * a reference instead and skips servers no longer available. */
static void
lblc_update(struct service *s)
{
	struct lblc_table *t = s->sched_data;

	for (int i = 0; i < LBLC_TAB_SIZE; i++) {
		for (struct lblc_entry **pp = &t->bucket[i]; *pp;) {
			struct lblc_entry *e = *pp;
			int k = 0;
			for (int j = 0; j < e->n; j++)
				if (atomic_load(&e->set[j]->flags) & DEST_F_AVAILABLE)
					e->set[k++] = e->set[j];
			e->n = k;
			if (k == 0)
				lblc_unlink(t, pp);
			else
				pp = &e->next;
		}
	}
}

/* IPVS's own overload test for lblc and lblcr: more active connections
 * than the weight while some server runs below half of its weight. */
static int
lblc_overloaded(const struct service *s, const struct dest *d)
{
	if (atomic_load(&d->active) <= atomic_load(&d->weight))
		return 0;
	for (int i = 0; i < s->n_dests; i++)
		if (atomic_load(&s->dests[i]->active) * 2 <
		    atomic_load(&s->dests[i]->weight))
			return 1;
	return 0;
}

static struct dest *
lblc_pick(struct service *s, const struct pkt *p)
{
	struct lblc_table *t = s->sched_data;
	struct lblc_entry **pp, *e;
	struct dest *d;

	if (p == NULL)
		return NULL;
	pp = lblc_find(t, &p->daddr);
	if ((e = *pp) != NULL) {
		e->lastuse = t->now;
		d = e->set[0];
		/* As IPVS, the threshold flag does not count here. */
		if (atomic_load(&d->weight) > 0 && !lblc_overloaded(s, d))
			return d;
	}
	/* __ip_vs_lblc_schedule is wlc, to the letter. */
	if ((d = sched_wlc.pick(s, p)) == NULL)
		return NULL;
	/* ip_vs_lblc_new: a changed server makes a new entry. */
	if (e && e->set[0] == d)
		return d;
	if (e)
		lblc_unlink(t, pp);
	lblc_add(t, &p->daddr, d);
	return d;
}

/* ip_vs_dest_set_insert: newest first, once. */
static void
lblcr_insert(struct lblc_table *t, struct lblc_entry *e, struct dest *d)
{
	for (int i = 0; i < e->n; i++)
		if (e->set[i] == d)
			return;
	if (e->n == e->cap) {
		struct dest **ns = realloc(e->set,
		    (size_t)e->cap * 2 * sizeof(struct dest *));
		if (ns == NULL)
			return;
		e->set = ns;
		e->cap *= 2;
	}
	memmove(&e->set[1], &e->set[0], (size_t)e->n * sizeof(struct dest *));
	e->set[0] = d;
	e->n++;
	e->lastmod = t->now;
}

static void
lblcr_erase(struct lblc_table *t, struct lblc_entry *e, struct dest *d)
{
	for (int i = 0; i < e->n; i++) {
		if (e->set[i] == d) {
			memmove(&e->set[i], &e->set[i + 1],
			    (size_t)(e->n - i - 1) * sizeof(struct dest *));
			e->n--;
			e->lastmod = t->now;
			return;
		}
	}
}

/* ip_vs_dest_set_min: wlc over the set. */
static struct dest *
lblcr_set_min(const struct lblc_entry *e)
{
	return sched_least_per_weight(e->set, e->n, sched_overhead);
}

/* ip_vs_dest_set_max: the most loaded per weight, overload ignored. */
static struct dest *
lblcr_set_max(const struct lblc_entry *e)
{
	struct dest *most = NULL;
	int64_t moh = 0;
	int i;

	for (i = 0; i < e->n; i++) {
		if (atomic_load(&e->set[i]->weight) > 0) {
			most = e->set[i];
			moh = dest_overhead(most);
			break;
		}
	}
	for (i = i + 1; i < e->n; i++) {
		struct dest *d = e->set[i];
		int64_t doh = dest_overhead(d);
		if (moh * atomic_load(&d->weight) <
		    doh * atomic_load(&most->weight) &&
		    atomic_load(&d->weight) > 0) {
			most = d;
			moh = doh;
		}
	}
	return most;
}

static struct dest *
lblcr_pick(struct service *s, const struct pkt *p)
{
	struct lblc_table *t = s->sched_data;
	struct lblc_entry *e;
	struct dest *d;

	if (p == NULL)
		return NULL;
	if ((e = *lblc_find(t, &p->daddr)) == NULL) {
		if ((d = sched_wlc.pick(s, p)) != NULL)
			lblc_add(t, &p->daddr, d);
		return d;
	}
	e->lastuse = t->now;
	d = lblcr_set_min(e);
	/* A set unchanged for a day gives up its most loaded server. */
	if (e->n > 1 && t->now > e->lastmod + LBLC_EXPIRATION_MS) {
		struct dest *m = lblcr_set_max(e);
		if (m)
			lblcr_erase(t, e, m);
	}
	if (d && !lblc_overloaded(s, d))
		return d;
	/* Replicate: wlc's choice joins the set. */
	if ((d = sched_wlc.pick(s, p)) != NULL)
		lblcr_insert(t, e, d);
	return d;
}

const struct sched_ops sched_lblc = {
	.name = "lblc", .init = lblc_init, .done = lblc_done,
	.update = lblc_update, .pick = lblc_pick, .tick = lblc_tick,
};

const struct sched_ops sched_lblcr = {
	.name = "lblcr", .init = lblc_init, .done = lblc_done,
	.update = lblc_update, .pick = lblcr_pick, .tick = lblc_tick,
};
