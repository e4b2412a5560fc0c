/* Connection sync, the director's side: the workers queue connections the
 * backup must hear about, the control thread feeds them to tandem-syncd as
 * IPVS sync v1 entries (base64 over the control socket), walks the table
 * for a bulk dump, and installs the entries syncd received. */
#include "conn_sync.h"

#include "ctlmsg.h"
#include "director.h"
#include "log.h"
#include "proto_sctp.h"
#include "sync_wire.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/event.h>

/* IPVS's fwd bits in the connection flags (IP_VS_CONN_F_FWD_MASK). */
#define IPVS_F_MASQ	0
#define IPVS_F_TUNNEL	2
#define IPVS_F_DROUTE	3

/* The states worth telling the backup about (ip_vs_sync_conn_needed). */
#define TCP_SYNC_STATES	((1u << TCP_S_ESTABLISHED) | (1u << TCP_S_FIN_WAIT) | \
	(1u << TCP_S_CLOSE) | (1u << TCP_S_CLOSE_WAIT) | (1u << TCP_S_TIME_WAIT))
#define SCTP_SYNC_STATES ((1u << SCTP_S_ESTABLISHED) | \
	(1u << SCTP_S_SHUTDOWN_SENT) | (1u << SCTP_S_SHUTDOWN_RECEIVED) | \
	(1u << SCTP_S_SHUTDOWN_ACK_SENT) | (1u << SCTP_S_CLOSED))

int
csync_queue_init(struct csync_queue *q)
{
	memset(q, 0, sizeof(*q));
	q->items = calloc(CSYNC_QUEUE_MAX, sizeof(struct conn *));
	if (q->items == NULL)
		return -1;
	pthread_mutex_init(&q->lock, NULL);
	return 0;
}

void
csync_queue_free(struct csync_queue *q)
{
	for (uint32_t i = 0; i < q->n; i++)
		conn_put(q->items[i]);
	free(q->items);
	q->items = NULL;
	q->n = 0;
	pthread_mutex_destroy(&q->lock);
}

static void
enqueue(struct worker *w, struct conn *c, uint64_t now_ms)
{
	struct csync_queue *q = &w->syncq;

	if (atomic_exchange(&c->sync_queued, 1))
		return;			/* fed with its latest state anyway */
	c->sync_ms = now_ms;
	c->sync_state = c->state;
	pthread_mutex_lock(&q->lock);
	if (q->n == CSYNC_QUEUE_MAX) {
		pthread_mutex_unlock(&q->lock);
		atomic_store(&c->sync_queued, 0);
		atomic_fetch_add(&q->full, 1);
		return;
	}
	atomic_fetch_add(&c->refcnt, 1);
	q->items[q->n++] = c;
	pthread_mutex_unlock(&q->lock);
}

void
csync_note(struct worker *w, struct conn *c, uint64_t now_ms)
{
	struct csync *s = &w->d->csync;
	uint32_t pkts, mask;
	int changed;

	if (!atomic_load_explicit(&s->active, memory_order_relaxed) ||
	    (c->flags & (CONN_F_ONEPACKET | CONN_F_TEMPLATE)))
		return;
	pkts = atomic_fetch_add(&c->sync_pkts, 1) + 1;
	if (c->proto == IPPROTO_TCP || c->proto == IPPROTO_SCTP) {
		mask = c->proto == IPPROTO_TCP ? TCP_SYNC_STATES :
		    SCTP_SYNC_STATES;
		if (!((1u << c->state) & mask))
			return;
		/* Every change into a state that matters goes at once
		 * (IPVS waits for the third packet of an established one;
		 * we do not, so a fresh stream survives a failover). */
		changed = c->state != c->sync_state || c->sync_ms == 0;
		if (changed)
			goto queue;
	}
	if (c->sync_ms != 0 && now_ms - c->sync_ms >= s->refresh_ms)
		goto queue;
	if (s->period > 0 ? pkts % s->period == s->threshold :
	    pkts == s->threshold)
		goto queue;
	return;
queue:
	enqueue(w, c, now_ms);
	/* The persistence template goes with the connection it controls. */
	if (c->control != NULL)
		enqueue(w, c->control, now_ms);
}

/* The entry the wire carries for c; -1 when it cannot be expressed. */
static int
entry_of(const struct conn *c, struct sync_conn *e)
{
	const struct service *s = c->dest->svc;

	memset(e, 0, sizeof(*e));
	e->af = c->caddr->af;
	if ((e->af != AF_INET && e->af != AF_INET6) || c->daddr->af != e->af)
		return -1;
	e->proto = c->proto;
	e->flags = c->method == FWD_NAT ? IPVS_F_MASQ :
	    c->method == FWD_TUN ? IPVS_F_TUNNEL : IPVS_F_DROUTE;
	if (c->flags & CONN_F_INACTIVE)
		e->flags |= SYNC_CF_INACTIVE;
	if (c->flags & CONN_F_NOOUTPUT)
		e->flags |= SYNC_CF_NOOUTPUT;
	if (c->flags & CONN_F_TEMPLATE)
		e->flags |= SYNC_CF_TEMPLATE;
	e->state = c->state;
	e->cport = c->cport;
	e->vport = c->vport;
	e->dport = c->dport;
	e->fwmark = s->fwmark;
	e->timeout = c->timeout;
	e->caddr = *c->caddr;
	e->daddr = *c->daddr;
	if (c->vaddr->af == e->af) {
		e->vaddr = *c->vaddr;
	} else {
		/* A group's template: IPVS puts the mark in the address. */
		e->vaddr.af = e->af;
		e->vaddr.bytes[0] = (uint8_t)(s->fwmark >> 24);
		e->vaddr.bytes[1] = (uint8_t)(s->fwmark >> 16);
		e->vaddr.bytes[2] = (uint8_t)(s->fwmark >> 8);
		e->vaddr.bytes[3] = (uint8_t)s->fwmark;
	}
	return 0;
}

/* --- the feed ----------------------------------------------------------- */

struct batch {
	struct director	*d;
	const char	*event;
	uint8_t		 buf[SYNC_MAXLEN_MAX];
	struct sync_enc	 enc;
	uint64_t	 n;		/* entries sent */
	int		 failed;
	uint64_t	 oldest_ms;	/* feed: the longest-queued entry's time */
};

static void
batch_start(struct batch *b)
{
	sync_enc_init(&b->enc, b->buf, SYNC_MAXLEN_MAX, 0, 0);
}

static void
batch_flush(struct batch *b)
{
	struct csync *s = &b->d->csync;
	char *text;
	json_object *m;

	if (b->enc.nconns == 0)
		return;
	if (s->sub == NULL || b->failed ||
	    ctl_client_pending(s->sub) > CSYNC_BACKLOG_MAX) {
		s->st.backlog_drops += b->enc.nconns;
		b->failed = 1;
		batch_start(b);
		return;
	}
	text = malloc(SYNC_B64_LEN(b->enc.len));
	if (text == NULL) {
		s->st.backlog_drops += b->enc.nconns;
		batch_start(b);
		return;
	}
	sync_b64_encode(b->buf, b->enc.len, text);
	m = json_object_new_object();
	json_object_object_add(m, "event", json_object_new_string(b->event));
	json_object_object_add(m, "data", json_object_new_string(text));
	if (b->oldest_ms != 0)	/* how long updates waited here (bench) */
		json_object_object_add(m, "wait_ms", json_object_new_int64(
		    (int64_t)(now_monotonic_ms() - b->oldest_ms)));
	if (s->dumping && strcmp(b->event, "sync_dump") == 0)
		json_object_object_add(m, "id",
		    json_object_new_int64((int64_t)s->dump_id));
	if (ctl_client_send(s->sub, CTL_EVENT, 0, m) == -1) {
		s->st.backlog_drops += b->enc.nconns;
		b->failed = 1;
	} else {
		b->n += b->enc.nconns;
		s->st.fed_msgs++;
	}
	json_object_put(m);
	free(text);
	batch_start(b);
}

static void
batch_add(struct batch *b, const struct sync_conn *e)
{
	int rc;

	if ((rc = sync_enc_add(&b->enc, e)) == 1) {
		batch_flush(b);
		rc = sync_enc_add(&b->enc, e);
	}
	if (rc != 0)
		b->d->csync.st.refused++;
}

/* Take every worker's queue and send it; the state sent is the current
 * one, read under the connection's lock. */
static void
feed(struct director *d, struct batch *b)
{
	struct conn **items = calloc(CSYNC_QUEUE_MAX, sizeof(struct conn *));
	uint32_t n;

	if (items == NULL)
		return;
	b->event = "sync_conns";
	b->oldest_ms = 0;
	batch_start(b);
	for (int i = 0; i < d->n_workers; i++) {
		struct csync_queue *q = &d->workers[i].syncq;
		pthread_mutex_lock(&q->lock);
		n = q->n;
		memcpy(items, q->items, n * sizeof(struct conn *));
		q->n = 0;
		pthread_mutex_unlock(&q->lock);
		for (uint32_t k = 0; k < n; k++) {
			struct conn *c = items[k];
			struct sync_conn e;
			int ok;
			pthread_spin_lock(&c->lock);
			atomic_store(&c->sync_queued, 0);
			if (b->oldest_ms == 0 || c->sync_ms < b->oldest_ms)
				b->oldest_ms = c->sync_ms;
			ok = entry_of(c, &e) == 0;
			pthread_spin_unlock(&c->lock);
			conn_put(c);
			if (ok)
				batch_add(b, &e);
		}
	}
	batch_flush(b);
	d->csync.st.fed += b->n;
	free(items);
}

static void
dump_one(const struct conn *c, void *arg)
{
	struct batch *b = arg;
	struct sync_conn e;

	if (c->flags & CONN_F_ONEPACKET)
		return;
	/* Half-open TCP is not synced: a SYN repeated after a takeover is
	 * scheduled afresh, as IPVS's backup would. */
	if (c->proto == IPPROTO_TCP && !(c->flags & CONN_F_TEMPLATE) &&
	    !((1u << c->state) & TCP_SYNC_STATES))
		return;
	if (entry_of(c, &e) == 0)
		batch_add(b, &e);
}

/* One slice of a bulk dump, while syncd keeps up. */
static void
dump_slice(struct director *d, struct batch *b)
{
	struct csync *s = &d->csync;
	json_object *m;

	if (ctl_client_pending(s->sub) > CSYNC_BACKLOG_MAX / 2)
		return;
	b->event = "sync_dump";
	b->oldest_ms = 0;
	b->n = 0;
	b->failed = 0;
	batch_start(b);
	conn_walk_range(&d->conns, s->dump_bucket,
	    s->dump_bucket + CSYNC_DUMP_SLICE, dump_one, b);
	batch_flush(b);
	s->dump_n += b->n;
	s->dump_bucket += CSYNC_DUMP_SLICE;
	if (s->dump_bucket < d->conns.size)
		return;
	s->dumping = 0;
	s->st.dump_entries += s->dump_n;
	m = json_object_new_object();
	json_object_object_add(m, "event",
	    json_object_new_string("sync_dump_end"));
	json_object_object_add(m, "id", json_object_new_int64((int64_t)s->dump_id));
	json_object_object_add(m, "entries",
	    json_object_new_int64((int64_t)s->dump_n));
	ctl_client_send(s->sub, CTL_EVENT, 0, m);
	json_object_put(m);
	log_info("sync: bulk dump %llu done, %llu entries",
	    (unsigned long long)s->dump_id, (unsigned long long)s->dump_n);
}

static void
on_timer(evutil_socket_t fd, short ev, void *arg)
{
	struct director *d = arg;
	struct batch *b;

	if (d->csync.sub == NULL)
		return;
	if ((b = malloc(sizeof(*b))) == NULL)
		return;
	b->d = d;
	b->n = 0;
	b->failed = 0;
	/* The services' lock keeps every dest a connection points to. */
	pthread_rwlock_rdlock(&d->svcs.lock);
	feed(d, b);
	if (d->csync.dumping)
		dump_slice(d, b);
	pthread_rwlock_unlock(&d->svcs.lock);
	free(b);
}

/* Nobody to feed: let the queued connections go. */
static void
drop_queues(struct director *d)
{
	for (int i = 0; i < d->n_workers; i++) {
		struct csync_queue *q = &d->workers[i].syncq;
		pthread_mutex_lock(&q->lock);
		for (uint32_t k = 0; k < q->n; k++) {
			atomic_store(&q->items[k]->sync_queued, 0);
			conn_put(q->items[k]);
		}
		q->n = 0;
		pthread_mutex_unlock(&q->lock);
	}
}

static void
sub_closed(struct ctl_client *cl, void *arg)
{
	struct director *d = arg;

	if (d->csync.sub != cl)
		return;
	d->csync.sub = NULL;
	d->csync.dumping = 0;
	atomic_store(&d->csync.active, 0);
	evtimer_del(d->csync.timer);
	drop_queues(d);
	log_info("sync: feed to tandem-syncd stopped");
}

void
csync_init(struct director *d)
{
	struct csync *s = &d->csync;

	memset(s, 0, sizeof(*s));
	s->threshold = 3;
	s->period = 50;
	s->refresh_ms = 30000;
	s->batch_ms = 5;
	s->timer = event_new(d->base, -1, EV_PERSIST, on_timer, d);
	if (s->timer == NULL)
		fatalx("sync timer");
}

void
csync_free(struct director *d)
{
	if (d->csync.timer != NULL)
		event_free(d->csync.timer);
	d->csync.timer = NULL;
}

static int64_t
jint(json_object *o, const char *k, int64_t dflt, int64_t lo, int64_t hi,
    int *bad)
{
	json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(o, k, &v))
		return dflt;
	if (!json_object_is_type(v, json_type_int) ||
	    (n = json_object_get_int64(v)) < lo || n > hi) {
		*bad = 1;
		return dflt;
	}
	return n;
}

json_object *
csync_subscribe(struct director *d, struct ctl_client *cl, json_object *req)
{
	struct csync *s = &d->csync;
	int bad = 0;
	uint32_t th = (uint32_t)jint(req, "threshold", 3, 0, 1000000, &bad);
	uint32_t pe = (uint32_t)jint(req, "period", 50, 0, 1000000, &bad);
	int64_t rf = jint(req, "refresh_ms", 30000, 100, 86400000, &bad);
	int64_t bm = jint(req, "batch_ms", 5, 1, 10000, &bad);
	struct timeval tv;

	if (bad || (pe > 0 && th >= pe)) {
		s->st.refused++;
		return ctl_reply_error("sync_subscribe: threshold 0..period-1, "
		    "period >= 0, refresh_ms 100..86400000, batch_ms 1..10000");
	}
	if (s->sub != NULL && s->sub != cl)
		ctl_client_on_close(s->sub, NULL, NULL);
	s->sub = cl;
	s->threshold = th;
	s->period = pe;
	s->refresh_ms = (uint64_t)rf;
	s->batch_ms = (uint32_t)bm;
	s->dumping = 0;
	ctl_client_on_close(cl, sub_closed, d);
	tv.tv_sec = bm / 1000;
	tv.tv_usec = (bm % 1000) * 1000;
	evtimer_add(s->timer, &tv);
	atomic_store(&s->active, 1);
	log_info("sync: feeding tandem-syncd (threshold %u, period %u, "
	    "refresh %lld ms, batch %lld ms)", th, pe, (long long)rf,
	    (long long)bm);
	return ctl_reply_ok();
}

json_object *
csync_unsubscribe(struct director *d, struct ctl_client *cl)
{
	if (d->csync.sub == cl) {
		ctl_client_on_close(cl, NULL, NULL);
		sub_closed(cl, d);
	}
	return ctl_reply_ok();
}

json_object *
csync_dump(struct director *d, struct ctl_client *cl, json_object *req)
{
	struct csync *s = &d->csync;
	int bad = 0;
	int64_t id = jint(req, "id", 0, 0, INT64_MAX, &bad);

	if (bad || s->sub != cl) {
		s->st.refused++;
		return ctl_reply_error("sync_dump: subscribe first; id >= 0");
	}
	s->dumping = 1;
	s->dump_bucket = 0;
	s->dump_id = (uint64_t)id;
	s->dump_n = 0;
	s->st.dumps++;
	return ctl_reply_ok();
}

/* --- installing --------------------------------------------------------- */

struct install {
	struct director	*d;
	uint64_t	 seq;
	uint64_t	 now_ms;
	uint64_t	 installed, updated, skipped;
};

static int
state_ok(const struct sync_conn *e, int template)
{
	if (template)
		return 1;
	switch (e->proto) {
	case IPPROTO_TCP:
		return e->state < TCP_S_LAST;
	case IPPROTO_SCTP:
		return e->state < SCTP_S_LAST;
	case IPPROTO_UDP:
		return e->state == UDP_S_NORMAL;
	}
	return 0;
}

static int
state_active(const struct sync_conn *e)
{
	if (e->proto == IPPROTO_TCP)
		return tcp_state_active(e->state);
	if (e->proto == IPPROTO_SCTP)
		return sctp_state_active(e->state);
	return 0;
}

/* The timeout an entry carries, or the protocol's for its state (0 on the
 * wire; 3 minutes for templates, as the kernel). */
static uint32_t
entry_timeout(struct director *d, const struct sync_conn *e, int template)
{
	const struct proto_timeouts *t = &d->conns.timeouts;

	if (e->timeout != 0)
		return e->timeout;
	if (template)
		return 180;
	if (e->proto == IPPROTO_TCP)
		return t->tcp[e->state];
	if (e->proto == IPPROTO_SCTP)
		return t->sctp[e->state];
	return t->udp[UDP_S_NORMAL];
}

static void
install_one(const struct sync_conn *e, void *arg)
{
	struct install *in = arg;
	struct director *d = in->d;
	struct csync_stats *st = &d->csync.st;
	int template = (e->flags & SYNC_CF_TEMPLATE) != 0;
	struct tnd_addr vaddr = e->vaddr;
	struct service *s;
	struct dest *dst;
	struct conn_key k;
	struct conn *c;
	uint16_t cport = template ? 0 : e->cport;

	if (!state_ok(e, template)) {
		st->refused++;
		in->skipped++;
		return;
	}
	s = e->fwmark ? svc_find_fwmark(&d->svcs, e->fwmark) :
	    svc_find(&d->svcs, e->proto, &e->vaddr, e->vport);
	if (s == NULL) {
		st->no_service++;
		in->skipped++;
		return;
	}
	if (template && e->fwmark)
		vaddr = s->addr;	/* the group's own key */
	if ((dst = svc_find_dest(s, &e->daddr, e->dport)) == NULL) {
		st->no_dest++;
		in->skipped++;
		return;
	}
	uint32_t timeout = entry_timeout(d, e, template);
	int active = !(e->flags & SYNC_CF_INACTIVE) && state_active(e);
	int noout = (e->flags & SYNC_CF_NOOUTPUT) != 0;
	conn_key_in(&k, e->proto, &e->caddr, cport, &vaddr, e->vport);
	if ((c = conn_lookup_in(&d->conns, &k)) != NULL) {
		if (c->sync_seq > in->seq) {
			st->stale++;	/* a resent datagram, overtaken */
			in->skipped++;
			conn_put(c);
			return;
		}
		if (c->dest == dst) {
			conn_sync_apply(c, (uint8_t)e->state, active, noout,
			    timeout, in->now_ms);
			c->sync_seq = in->seq;
			conn_put(c);
			st->updated++;
			in->updated++;
			return;
		}
		/* The master bound it elsewhere since: follow it. */
		conn_unhash(&d->conns, c);
		conn_put(c);
	}
	c = conn_install(&d->conns, e->proto, &e->caddr, cport, &vaddr,
	    e->vport, dst, e->dport, template, (uint8_t)e->state, active, noout,
	    timeout, in->now_ms);
	if (c == NULL) {
		if (errno == EBUSY)
			st->conn_limit++;
		in->skipped++;
		return;
	}
	c->sync_seq = in->seq;
	conn_put(c);
	st->installed++;
	in->installed++;
}

json_object *
csync_install(struct director *d, json_object *req)
{
	struct install in = { .d = d, .now_ms = now_monotonic_ms() };
	struct sync_dec dec = { .cb = install_one, .arg = &in };
	struct sync_stats stats = { 0 };
	json_object *v, *r;
	const char *text;
	uint8_t *buf;
	int bad = 0, n;
	enum sync_err e;

	in.seq = (uint64_t)jint(req, "seq", 0, 0, INT64_MAX, &bad);
	if (bad || !json_object_object_get_ex(req, "data", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		d->csync.st.refused++;
		return ctl_reply_error("sync_install: needs data (base64) and "
		    "seq >= 0");
	}
	text = json_object_get_string(v);
	if ((buf = malloc(SYNC_MAXLEN_MAX)) == NULL)
		return ctl_reply_error("out of memory");
	n = sync_b64_decode(text, (size_t)json_object_get_string_len(v), buf,
	    SYNC_MAXLEN_MAX);
	if (n < 0) {
		free(buf);
		d->csync.st.refused++;
		return ctl_reply_error("sync_install: data is not a datagram "
		    "in base64");
	}
	dec.stats = &stats;
	pthread_rwlock_rdlock(&d->svcs.lock);
	e = sync_decode(&dec, buf, (size_t)n, NULL);
	pthread_rwlock_unlock(&d->svcs.lock);
	free(buf);
	if (e != SYNC_OK) {
		d->csync.st.refused++;
		return ctl_reply_error("sync_install: %s", sync_err_str(e));
	}
	r = ctl_reply_ok();
	json_object_object_add(r, "installed",
	    json_object_new_int64((int64_t)in.installed));
	json_object_object_add(r, "updated",
	    json_object_new_int64((int64_t)in.updated));
	json_object_object_add(r, "skipped",
	    json_object_new_int64((int64_t)in.skipped));
	json_object_object_add(r, "seq", json_object_new_int64((int64_t)in.seq));
	return r;
}

json_object *
csync_status(struct director *d)
{
	const struct csync_stats *st = &d->csync.st;
	json_object *o = json_object_new_object();
	uint64_t full = 0, queued = 0;

	for (int i = 0; i < d->n_workers; i++) {
		full += atomic_load(&d->workers[i].syncq.full);
		queued += d->workers[i].syncq.n;
	}
#define ADD(k, v) json_object_object_add(o, k, json_object_new_int64((int64_t)(v)))
	json_object_object_add(o, "feeding",
	    json_object_new_boolean(d->csync.sub != NULL));
	ADD("queued", queued);
	ADD("queue_full", full);
	ADD("fed", st->fed);
	ADD("fed_messages", st->fed_msgs);
	ADD("backlog_drops", st->backlog_drops);
	ADD("dumps", st->dumps);
	ADD("dump_entries", st->dump_entries);
	ADD("installed", st->installed);
	ADD("updated", st->updated);
	ADD("stale", st->stale);
	ADD("no_service", st->no_service);
	ADD("no_dest", st->no_dest);
	ADD("refused", st->refused);
	ADD("conn_limit", st->conn_limit);
#undef ADD
	return o;
}
