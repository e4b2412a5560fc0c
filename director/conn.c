/* The connection table: two chained hash tables (input and output tuples)
 * with striped locks, a reference count for packets in flight and an
 * expiry sweep. Lock order: an input stripe, then an output stripe. */
#include "conn.h"
#include "proto_sctp.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

uint64_t
now_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int
conn_table_init(struct conn_table *t, uint32_t max)
{
	uint32_t size = 4096;

	memset(t, 0, sizeof(*t));
	/* About four entries per bucket at the limit. */
	while (size < max / 4 && size < (1u << 24))
		size <<= 1;
	t->size = size;
	t->mask = size - 1;
	t->nlocks = size < 1024 ? size : 1024;
	t->max = max;
	t->half_open_max = max / 4 > 1024 ? max / 4 : 1024;
	proto_timeouts_default(&t->timeouts);
	if (getrandom(&t->seed, sizeof(t->seed), 0) != sizeof(t->seed))
		t->seed = (uint32_t)time(NULL);
	t->in_hash = calloc(size, sizeof(struct conn *));
	t->out_hash = calloc(size, sizeof(struct conn *));
	t->in_locks = calloc(t->nlocks, sizeof(*t->in_locks));
	t->out_locks = calloc(t->nlocks, sizeof(*t->out_locks));
	if (!t->in_hash || !t->out_hash || !t->in_locks || !t->out_locks) {
		conn_table_free(t);
		return -1;
	}
	for (uint32_t i = 0; i < t->nlocks; i++) {
		pthread_mutex_init(&t->in_locks[i], NULL);
		pthread_mutex_init(&t->out_locks[i], NULL);
	}
	pthread_mutex_init(&t->dead_lock, NULL);
	return 0;
}

void
conn_table_free(struct conn_table *t)
{
	if (t->in_hash && t->in_locks)
		conn_flush(t);
	if (t->in_locks) {
		for (uint32_t i = 0; i < t->nlocks; i++) {
			pthread_mutex_destroy(&t->in_locks[i]);
			pthread_mutex_destroy(&t->out_locks[i]);
		}
		pthread_mutex_destroy(&t->dead_lock);
	}
	free(t->in_hash);
	free(t->out_hash);
	free(t->in_locks);
	free(t->out_locks);
	memset(t, 0, sizeof(*t));
}

void
conn_key_in(struct conn_key *k, uint8_t proto, const struct tnd_addr *c,
    uint16_t cport, const struct tnd_addr *v, uint16_t vport)
{
	k->proto = proto;
	k->a1 = *c;
	k->p1 = cport;
	k->a2 = *v;
	k->p2 = vport;
}

static inline uint32_t
mix(uint32_t h, uint32_t v)
{
	v *= 0xcc9e2d51u;
	v = (v << 15) | (v >> 17);
	v *= 0x1b873593u;
	h ^= v;
	h = (h << 13) | (h >> 19);
	return h * 5 + 0xe6546b64u;
}

static uint32_t
key_hash(const struct conn_table *t, const struct conn_key *k)
{
	uint32_t h = t->seed ^ k->proto;
	int words = k->a1.af == AF_INET ? 1 : 4;

	for (int i = 0; i < words; i++) {
		uint32_t a, b;
		memcpy(&a, k->a1.bytes + (size_t)4 * i, 4);
		memcpy(&b, k->a2.bytes + (size_t)4 * i, 4);
		h = mix(h, a);
		h = mix(h, b);
	}
	h = mix(h, (uint32_t)k->p1 << 16 | k->p2);
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	return h & t->mask;
}

static int
key_eq(const struct conn_key *a, const struct conn_key *b)
{
	return a->proto == b->proto && a->p1 == b->p1 && a->p2 == b->p2 &&
	    addr_eq(&a->a1, &b->a1) && addr_eq(&a->a2, &b->a2);
}

static struct conn *
lookup(struct conn_table *t, const struct conn_key *k, int out)
{
	uint32_t h = key_hash(t, k);
	pthread_mutex_t *lk = out ? &t->out_locks[h % t->nlocks] :
	    &t->in_locks[h % t->nlocks];
	struct conn *c;

	pthread_mutex_lock(lk);
	if (out) {
		for (c = t->out_hash[h]; c; c = c->out_next)
			if (key_eq(&c->out, k))
				break;
	} else {
		for (c = t->in_hash[h]; c; c = c->in_next)
			if (key_eq(&c->in, k))
				break;
	}
	if (c)
		atomic_fetch_add(&c->refcnt, 1);
	pthread_mutex_unlock(lk);
	return c;
}

struct conn *
conn_lookup_in(struct conn_table *t, const struct conn_key *k)
{
	return lookup(t, k, 0);
}

struct conn *
conn_lookup_out(struct conn_table *t, const struct conn_key *k)
{
	return lookup(t, k, 1);
}

void
conn_put(struct conn *c)
{
	atomic_fetch_sub(&c->refcnt, 1);
}

static void
conn_set_expiry(struct conn *c, uint64_t now_ms)
{
	atomic_store_explicit(&c->expires_ms, now_ms + (uint64_t)c->timeout * 1000,
	    memory_order_relaxed);
}

static struct conn *
conn_new(struct conn_table *t, uint8_t proto, const struct tnd_addr *caddr,
    uint16_t cport, const struct tnd_addr *vaddr, uint16_t vport,
    struct dest *d, uint16_t dport, uint64_t now_ms, uint32_t timeout,
    int template, int synced)
{
	struct conn *c, *x;
	int half = !template && !synced && proto == IPPROTO_TCP;

	if (half) {
		uint32_t n = (uint32_t)atomic_load(&d->svc->half_open);
		/* Past half the bound the service is under a SYN flood: its
		 * half-open entries age fast for a while (see due_ms). */
		if (n >= t->half_open_max / 2)
			atomic_store(&d->svc->flood_until_ms, now_ms + FLOOD_HOLD_MS);
		if (n >= t->half_open_max) {
			errno = EAGAIN;
			return NULL;
		}
	}
	if (atomic_fetch_add(&t->count, 1) >= t->max) {
		atomic_fetch_sub(&t->count, 1);
		errno = EBUSY;
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		atomic_fetch_sub(&t->count, 1);
		errno = ENOMEM;
		return NULL;
	}
	conn_key_in(&c->in, proto, caddr, cport, vaddr, vport);
	conn_key_in(&c->out, proto, &d->addr, dport, caddr, cport);
	c->caddr = &c->in.a1;
	c->vaddr = &c->in.a2;
	c->daddr = &c->out.a1;
	c->cport = cport;
	c->vport = vport;
	c->dport = dport;
	c->proto = proto;
	c->method = d->method;
	c->dest = d;
	/* IPVS: every new connection starts inactive; only NAT sees output. */
	c->flags = template ? CONN_F_TEMPLATE : CONN_F_INACTIVE;
	if (d->method != FWD_NAT)
		c->flags |= CONN_F_NOOUTPUT;
	if (synced)
		c->flags |= CONN_F_SYNCED;
	c->state = proto == IPPROTO_UDP || template ? 0 : TCP_S_NONE;
	c->timeout = timeout;
	conn_set_expiry(c, now_ms);
	atomic_store(&c->refcnt, 1);
	pthread_spin_init(&c->lock, PTHREAD_PROCESS_PRIVATE);

	uint32_t hi = key_hash(t, &c->in), ho = key_hash(t, &c->out);
	pthread_mutex_lock(&t->in_locks[hi % t->nlocks]);
	for (x = t->in_hash[hi]; x; x = x->in_next)
		if (key_eq(&x->in, &c->in))
			break;
	if (x) {
		pthread_mutex_unlock(&t->in_locks[hi % t->nlocks]);
		pthread_spin_destroy(&c->lock);
		free(c);
		atomic_fetch_sub(&t->count, 1);
		errno = EEXIST;
		return NULL;
	}
	dest_hold(d);
	if (half) {
		c->flags |= CONN_F_HALFOPEN;
		atomic_fetch_add(&d->svc->half_open, 1);
	}
	if (template)
		atomic_fetch_add(&d->persist, 1);
	else
		dest_conn_bound(d, 0);
	pthread_mutex_lock(&t->out_locks[ho % t->nlocks]);
	c->out_next = t->out_hash[ho];
	t->out_hash[ho] = c;
	pthread_mutex_unlock(&t->out_locks[ho % t->nlocks]);
	c->in_next = t->in_hash[hi];
	t->in_hash[hi] = c;
	pthread_mutex_unlock(&t->in_locks[hi % t->nlocks]);
	return c;
}

struct conn *
conn_create(struct conn_table *t, uint8_t proto, const struct tnd_addr *caddr,
    uint16_t cport, const struct tnd_addr *vaddr, uint16_t vport,
    struct dest *d, uint16_t dport, uint64_t now_ms)
{
	/* IPVS ip_vs_conn_new: 3 s until the first packet sets the state. */
	return conn_new(t, proto, caddr, cport, vaddr, vport, d, dport, now_ms,
	    3, 0, 0);
}

struct conn *
conn_create_template(struct conn_table *t, uint8_t proto,
    const struct tnd_addr *caddr, const struct tnd_addr *vaddr, uint16_t vport,
    struct dest *d, uint32_t timeout, uint64_t now_ms)
{
	return conn_new(t, proto, caddr, 0, vaddr, vport, d, d->port, now_ms,
	    timeout, 1, 0);
}

/* Defined below with the state machines. */
static void count_activity(struct conn *c, int active);

struct conn *
conn_install(struct conn_table *t, uint8_t proto, const struct tnd_addr *caddr,
    uint16_t cport, const struct tnd_addr *vaddr, uint16_t vport,
    struct dest *d, uint16_t dport, int template, uint8_t state, int active,
    int nooutput, uint32_t timeout, uint64_t now_ms)
{
	struct conn *c = conn_new(t, proto, caddr, cport, vaddr, vport, d,
	    dport, now_ms, timeout, template, 1);

	if (c != NULL && !template)
		conn_sync_apply(c, state, active, nooutput, timeout, now_ms);
	return c;
}

void
conn_sync_apply(struct conn *c, uint8_t state, int active, int nooutput,
    uint32_t timeout, uint64_t now_ms)
{
	pthread_spin_lock(&c->lock);
	if (!(c->flags & CONN_F_TEMPLATE)) {
		count_activity(c, active);
		c->state = state;
		/* Replies seen by the master are not a reason to drop the
		 * input-only view here: only ever clear the flag. */
		if (!nooutput)
			c->flags &= (uint16_t)~CONN_F_NOOUTPUT;
	}
	c->timeout = timeout;
	conn_set_expiry(c, now_ms);
	pthread_spin_unlock(&c->lock);
}

void
conn_bind_control(struct conn *c, struct conn *ct, uint64_t now_ms)
{
	c->control = ct;
	atomic_fetch_add(&ct->n_control, 1);
	conn_set_expiry(ct, now_ms);
}

static void
tcp_transition(struct conn_table *t, struct conn *c, enum conn_dir dir,
    uint8_t flags, uint64_t now_ms)
{
	/* IPVS set_tcp_state: input-only until the first output packet. */
	if (c->flags & CONN_F_NOOUTPUT) {
		if (dir == DIR_OUTPUT)
			c->flags &= (uint16_t)~CONN_F_NOOUTPUT;
		else
			dir = DIR_INPUT_ONLY;
	}
	enum tcp_state ns = tcp_next_state((enum tcp_state)c->state, dir, flags);
	if (ns != c->state && c->dest) {
		if (!(c->flags & CONN_F_INACTIVE) && !tcp_state_active(ns)) {
			atomic_fetch_sub(&c->dest->active, 1);
			atomic_fetch_add(&c->dest->inactive, 1);
			c->flags |= CONN_F_INACTIVE;
		} else if ((c->flags & CONN_F_INACTIVE) &&
		    tcp_state_active(ns)) {
			atomic_fetch_add(&c->dest->active, 1);
			atomic_fetch_sub(&c->dest->inactive, 1);
			c->flags &= (uint16_t)~CONN_F_INACTIVE;
		}
	}
	c->state = (uint8_t)ns;
	c->timeout = t->timeouts.tcp[ns];
	if (c->flags & CONN_F_HALFOPEN) {
		struct service *s = c->dest->svc;
		if (ns == TCP_S_ESTABLISHED) {
			c->flags &= (uint16_t)~CONN_F_HALFOPEN;
			atomic_fetch_sub(&s->half_open, 1);
		} else if (now_ms < atomic_load(&s->flood_until_ms) &&
		    c->timeout > HALFOPEN_FAST_TIMEOUT) {
			/* Under a SYN flood half-open entries age fast. */
			c->timeout = HALFOPEN_FAST_TIMEOUT;
		}
	}
}

/* Active/inactive accounting on a state change, as set_tcp_state and
 * set_sctp_state do it. */
static void
count_activity(struct conn *c, int active)
{
	if (c->dest == NULL)
		return;
	if (!(c->flags & CONN_F_INACTIVE) && !active) {
		atomic_fetch_sub(&c->dest->active, 1);
		atomic_fetch_add(&c->dest->inactive, 1);
		c->flags |= CONN_F_INACTIVE;
	} else if ((c->flags & CONN_F_INACTIVE) && active) {
		atomic_fetch_add(&c->dest->active, 1);
		atomic_fetch_sub(&c->dest->inactive, 1);
		c->flags &= (uint16_t)~CONN_F_INACTIVE;
	}
}

void
conn_update_sctp(struct conn_table *t, struct conn *c, enum conn_dir dir,
    int event, uint64_t now_ms)
{
	pthread_spin_lock(&c->lock);
	if (c->flags & CONN_F_NOOUTPUT) {
		if (dir == DIR_OUTPUT)
			c->flags &= (uint16_t)~CONN_F_NOOUTPUT;
		else
			dir = DIR_INPUT_ONLY;
	}
	int ns = sctp_next_state(c->state, dir, event);
	if (ns != c->state)
		count_activity(c, sctp_state_active(ns));
	c->state = (uint8_t)ns;
	c->timeout = t->timeouts.sctp[ns];
	conn_set_expiry(c, now_ms);
	pthread_spin_unlock(&c->lock);
}

void
conn_update(struct conn_table *t, struct conn *c, enum conn_dir dir,
    uint8_t tcp_flags, uint64_t now_ms)
{
	pthread_spin_lock(&c->lock);
	if (c->proto == IPPROTO_TCP)
		tcp_transition(t, c, dir, tcp_flags, now_ms);
	else
		c->timeout = t->timeouts.udp[UDP_S_NORMAL];
	conn_set_expiry(c, now_ms);
	pthread_spin_unlock(&c->lock);
}

static void
conn_free(struct conn_table *t, struct conn *c)
{
	if (c->flags & CONN_F_TEMPLATE) {
		atomic_fetch_sub(&c->dest->persist, 1);
		dest_put(c->dest);
	} else if (c->dest) {
		dest_conn_unbound(c->dest, !(c->flags & CONN_F_INACTIVE));
		dest_put(c->dest);
	}
	if (c->flags & CONN_F_HALFOPEN)
		atomic_fetch_sub(&c->dest->svc->half_open, 1);
	if (c->control) {
		atomic_fetch_sub(&c->control->n_control, 1);
		conn_put(c->control);
	}
	pthread_spin_destroy(&c->lock);
	free(c);
	atomic_fetch_sub(&t->count, 1);
}

static void
unlink_out(struct conn_table *t, struct conn *c)
{
	uint32_t ho = key_hash(t, &c->out);
	struct conn **pp;

	for (pp = &t->out_hash[ho]; *pp; pp = &(*pp)->out_next)
		if (*pp == c) {
			*pp = c->out_next;
			return;
		}
}

enum sweep { SWEEP_EXPIRED, SWEEP_CONNS, SWEEP_ALL };

/* When an entry is due: its expiry, or for a half-open connection of a
 * service under a SYN flood, 3 s after its last packet. */
static uint64_t
due_ms(const struct conn *c, uint64_t now_ms)
{
	uint64_t exp = atomic_load(&c->expires_ms);

	if ((c->flags & CONN_F_HALFOPEN) && c->timeout > HALFOPEN_FAST_TIMEOUT &&
	    now_ms < atomic_load(&c->dest->svc->flood_until_ms))
		exp -= (uint64_t)(c->timeout - HALFOPEN_FAST_TIMEOUT) * 1000;
	return exp;
}

/* Sweep one input bucket: expired idle entries, or (shutdown) every
 * connection and then every template, so that no connection outlives the
 * template it refers to. */
static uint32_t
sweep_bucket(struct conn_table *t, uint32_t b, uint64_t now_ms, enum sweep how)
{
	int force = how != SWEEP_EXPIRED;

	struct conn *dead = NULL, **pp;
	uint32_t n = 0;

	pthread_mutex_lock(&t->in_locks[b % t->nlocks]);
	for (pp = &t->in_hash[b]; *pp;) {
		struct conn *c = *pp;
		if (how == SWEEP_CONNS && (c->flags & CONN_F_TEMPLATE)) {
			pp = &c->in_next;
			continue;
		}
		/* A template stays while it controls connections (IPVS
		 * re-arms its timer instead). */
		if (!force && (due_ms(c, now_ms) > now_ms ||
		    atomic_load(&c->refcnt) > 0 ||
		    atomic_load(&c->n_control) > 0)) {
			pp = &c->in_next;
			continue;
		}
		uint32_t ho = key_hash(t, &c->out);
		pthread_mutex_lock(&t->out_locks[ho % t->nlocks]);
		/* Re-check under the output lock: an output lookup may have
		 * taken a reference meanwhile. */
		if (!force && atomic_load(&c->refcnt) > 0) {
			pthread_mutex_unlock(&t->out_locks[ho % t->nlocks]);
			pp = &c->in_next;
			continue;
		}
		unlink_out(t, c);
		pthread_mutex_unlock(&t->out_locks[ho % t->nlocks]);
		*pp = c->in_next;
		c->in_next = dead;
		dead = c;
	}
	pthread_mutex_unlock(&t->in_locks[b % t->nlocks]);
	while (dead) {
		struct conn *c = dead;
		dead = c->in_next;
		conn_free(t, c);
		n++;
	}
	return n;
}

static void
unlink_in(struct conn_table *t, struct conn *c)
{
	uint32_t hi = key_hash(t, &c->in);
	struct conn **pp;

	for (pp = &t->in_hash[hi]; *pp; pp = &(*pp)->in_next)
		if (*pp == c) {
			*pp = c->in_next;
			return;
		}
}

void
conn_unhash(struct conn_table *t, struct conn *c)
{
	uint32_t hi = key_hash(t, &c->in), ho = key_hash(t, &c->out);

	pthread_mutex_lock(&t->in_locks[hi % t->nlocks]);
	pthread_mutex_lock(&t->out_locks[ho % t->nlocks]);
	unlink_out(t, c);
	unlink_in(t, c);
	pthread_mutex_unlock(&t->out_locks[ho % t->nlocks]);
	pthread_mutex_unlock(&t->in_locks[hi % t->nlocks]);
	pthread_mutex_lock(&t->dead_lock);
	c->in_next = t->dead;
	t->dead = c;
	pthread_mutex_unlock(&t->dead_lock);
}

int
conn_reusable(const struct conn *c, int conn_reuse_mode)
{
	if (conn_reuse_mode == 0 || c->control)
		return 0;
	if (c->proto == IPPROTO_SCTP)
		return c->state == SCTP_S_CLOSED;
	if (c->proto != IPPROTO_TCP)
		return 0;
	return c->state == TCP_S_TIME_WAIT || ((conn_reuse_mode & 2) &&
	    c->state == TCP_S_FIN_WAIT && (c->flags & CONN_F_NOOUTPUT));
}

/* Free unhashed entries nobody holds any more. */
static uint32_t
reap_dead(struct conn_table *t, int force)
{
	struct conn *keep = NULL, *free_list = NULL, *c;
	uint32_t n = 0;

	pthread_mutex_lock(&t->dead_lock);
	while ((c = t->dead) != NULL) {
		t->dead = c->in_next;
		if (!force && atomic_load(&c->refcnt) > 0) {
			c->in_next = keep;
			keep = c;
		} else {
			c->in_next = free_list;
			free_list = c;
		}
	}
	t->dead = keep;
	pthread_mutex_unlock(&t->dead_lock);
	while ((c = free_list) != NULL) {
		free_list = c->in_next;
		conn_free(t, c);
		n++;
	}
	return n;
}

uint32_t
conn_expire(struct conn_table *t, uint64_t now_ms)
{
	uint32_t n = reap_dead(t, 0);

	for (uint32_t b = 0; b < t->size; b++)
		if (t->in_hash[b])
			n += sweep_bucket(t, b, now_ms, SWEEP_EXPIRED);
	return n;
}

void
conn_flush(struct conn_table *t)
{
	reap_dead(t, 1);
	for (enum sweep how = SWEEP_CONNS; how <= SWEEP_ALL; how++)
		for (uint32_t b = 0; b < t->size; b++)
			if (t->in_hash[b])
				sweep_bucket(t, b, 0, how);
}

void
conn_walk(struct conn_table *t, void (*fn)(const struct conn *, void *),
    void *arg)
{
	conn_walk_range(t, 0, t->size, fn, arg);
}

void
conn_walk_range(struct conn_table *t, uint32_t from, uint32_t to,
    void (*fn)(const struct conn *, void *), void *arg)
{
	if (to > t->size)
		to = t->size;
	for (uint32_t b = from; b < to; b++) {
		if (t->in_hash[b] == NULL)
			continue;
		pthread_mutex_lock(&t->in_locks[b % t->nlocks]);
		for (struct conn *c = t->in_hash[b]; c; c = c->in_next)
			fn(c, arg);
		pthread_mutex_unlock(&t->in_locks[b % t->nlocks]);
	}
}
