/* The backup's side of tandem-syncd: every accepted datagram goes to the
 * director to install; gaps in the master's sequence are asked for again
 * (NACK), and on start, on rejoining or after losing too much, the whole
 * table is asked for (bulk request) until the master says it is complete. */
#include "syncd.h"

#include "ctl_link.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

static uint64_t now_ms(void);

static void
send_ctl(struct syncd *d, struct sync_ctl_msg *m)
{
	uint8_t buf[SYNC_CTL_MAX];
	int len;

	m->syncid = d->sc.syncid;
	m->seq = ++d->ctl_seq;
	len = sync_ctl_encode(m, d->auth ? &d->key : NULL, buf, sizeof(buf));
	if (len > 0)
		sync_net_send(d, 1, buf, (size_t)len);
}

static void
bulk_ask(struct syncd *d)
{
	struct sync_ctl_msg m = { .type = SYNC_CTL_BULK_REQ };

	m.id = d->bulk_id;
	d->bulk_tries++;
	d->bulk_next_ms = now_ms() + d->sc.bulk_retry_ms;
	d->c.bulk_requests++;
	send_ctl(d, &m);
	log_info("sync: bulk request %llu (attempt %d)",
	    (unsigned long long)m.id, d->bulk_tries);
}

/* Start over: the table is not known to be complete until a bulk dump
 * ends. */
static void
bulk_start(struct syncd *d)
{
	d->in_sync = 0;
	d->bulk_end_seen = 0;
	d->bulk_tries = 0;
	d->bulk_id++;
	d->n_miss = 0;
	if (sync_director_up(d))
		bulk_ask(d);
	else
		d->bulk_next_ms = now_ms();	/* once the director is back */
}

void
sync_backup_start(struct syncd *d)
{
	json_object *req = json_object_new_object();

	json_object_object_add(req, "cmd",
	    json_object_new_string("sync_unsubscribe"));
	(void)sync_director_send(d, req);
	json_object_put(req);
	d->have_master = 0;
	bulk_start(d);
}

static void
miss_add(struct syncd *d, uint64_t first, uint64_t last)
{
	if (d->n_miss == SYNC_MISS_MAX || last - first >= d->sc.resend_slots) {
		/* More than the master can resend: ask for everything. */
		d->c.lost += last - first + 1;
		uint64_t n = last - first + 1;
		log_warnx("sync: lost %llu datagrams; asking for a bulk dump",
		    (unsigned long long)n);
		bulk_start(d);
		return;
	}
	d->miss[d->n_miss++] = (struct sync_miss){ first, last, 0,
	    now_ms() };	/* asked_ms: wait nack_ms before the first ask */
	d->c.gaps += last - first + 1;
}

/* seq arrived: take it out of the missing runs. */
static void
miss_fill(struct syncd *d, uint64_t seq)
{
	for (int i = 0; i < d->n_miss; i++) {
		struct sync_miss *m = &d->miss[i];
		if (seq < m->first || seq > m->last)
			continue;
		if (m->first == m->last) {
			d->miss[i] = d->miss[--d->n_miss];
		} else if (seq == m->first) {
			m->first++;
		} else if (seq == m->last) {
			m->last--;
		} else if (d->n_miss < SYNC_MISS_MAX) {
			d->miss[d->n_miss++] = (struct sync_miss){ seq + 1,
			    m->last, m->tries, m->asked_ms };
			m->last = seq - 1;
		}
		/* No room to split: the run stays whole, and seq, asked
		 * again, comes back as a replay that is refused. */
		return;
	}
}

static int
missing_upto(const struct syncd *d, uint64_t seq)
{
	for (int i = 0; i < d->n_miss; i++)
		if (d->miss[i].first <= seq)
			return 1;
	return 0;
}

static void
check_bulk_done(struct syncd *d)
{
	if (d->in_sync || !d->bulk_end_seen ||
	    (d->bulk_last_seq != 0 && (d->expect <= d->bulk_last_seq ||
	    missing_upto(d, d->bulk_last_seq))))
		return;
	d->in_sync = 1;
	d->bulk_done_ms = now_ms();
	d->c.bulk_done++;
	log_info("sync: bulk sync complete (%llu entries)",
	    (unsigned long long)d->bulk_entries);
}

static void
install(struct syncd *d, const uint8_t *buf, size_t len, uint64_t seq)
{
	char *text = malloc(SYNC_B64_LEN(len));
	json_object *req;

	if (text == NULL)
		return;
	sync_b64_encode(buf, len, text);
	req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string("sync_install"));
	json_object_object_add(req, "seq",
	    json_object_new_int64((int64_t)(seq & INT64_MAX)));
	json_object_object_add(req, "data", json_object_new_string(text));
	if (sync_director_send(d, req) == 0) {
		unsigned n = sizeof(d->inst_pend) / sizeof(d->inst_pend[0]);

		d->c.installed_dgrams++;
		if (d->inst_n == n) {	/* the oldest is not timed */
			d->inst_head = (d->inst_head + 1) % n;
			d->inst_n--;
		}
		d->inst_pend[(d->inst_head + d->inst_n) % n].seq = seq & INT64_MAX;
		d->inst_pend[(d->inst_head + d->inst_n) % n].at_us = sync_mono_us();
		d->inst_n++;
	} else {
		/* The director restarts or lags: its table is no longer
		 * the master's. */
		d->c.install_dropped++;
		if (d->in_sync || d->bulk_end_seen)
			bulk_start(d);
	}
	json_object_put(req);
	free(text);
}

void
sync_backup_datagram(struct syncd *d, const struct tnd_addr *from,
    const uint8_t *buf, size_t len, uint64_t seq)
{
	char a[ADDR_STRLEN];

	d->last_rx_ms = now_ms();
	if (!d->have_master || !addr_eq(&d->master, from)) {
		/* A new master (or the first): follow it from here. */
		log_info("sync: following master %s",
		    addr_str(from, a, sizeof(a)));
		d->master = *from;
		d->have_master = 1;
		d->expect = seq + 1;
		d->follow_from = seq;
		d->n_miss = 0;
		if (d->bulk_end_seen || d->in_sync)
			bulk_start(d);
	} else if (seq >= d->expect) {
		if (seq > d->expect)
			miss_add(d, d->expect, seq - 1);
		d->expect = seq + 1;
	} else {
		miss_fill(d, seq);
		log_debug("sync: datagram %llu filled a gap",
		    (unsigned long long)seq);
	}
	install(d, buf, len, seq);
	check_bulk_done(d);
}

void
sync_backup_bulk_end(struct syncd *d, const struct tnd_addr *from,
    const struct sync_ctl_msg *m)
{
	if (m->id != d->bulk_id || d->bulk_end_seen)
		return;		/* another backup's, or an old one */
	d->bulk_end_seen = 1;
	d->bulk_last_seq = m->last_seq;
	d->bulk_entries = m->entries;
	if (m->last_seq < m->first_seq) {
		/* An empty dump: nothing to wait for. */
		if (!d->have_master || !addr_eq(&d->master, from)) {
			d->master = *from;
			d->have_master = 1;
			d->expect = d->follow_from = m->last_seq + 1;
		}
		d->bulk_last_seq = 0;
	} else if (!d->have_master || !addr_eq(&d->master, from)) {
		/* Every datagram of the dump was lost. */
		d->master = *from;
		d->have_master = 1;
		d->expect = d->follow_from = m->first_seq;
		d->n_miss = 0;
		miss_add(d, m->first_seq, m->last_seq);
		d->expect = m->last_seq + 1;
	} else {
		/* The first ones before we followed, the last ones still on
		 * their way or lost: ask for them. */
		if (m->first_seq < d->follow_from)
			miss_add(d, m->first_seq, d->follow_from - 1);
		if (m->last_seq >= d->expect) {
			miss_add(d, d->expect, m->last_seq);
			d->expect = m->last_seq + 1;
		}
	}
	check_bulk_done(d);
}

void
sync_backup_heartbeat(struct syncd *d, const struct tnd_addr *from,
    uint64_t last_seq)
{
	d->last_rx_ms = now_ms();
	if (!d->have_master || !addr_eq(&d->master, from) ||
	    last_seq < d->expect)
		return;
	/* The master sent more than we heard: the tail was lost. */
	miss_add(d, d->expect, last_seq);
	d->expect = last_seq + 1;
}

static void
send_nacks(struct syncd *d, uint64_t now)
{
	struct sync_ctl_msg m = { .type = SYNC_CTL_NACK };

	for (int i = 0; i < d->n_miss; i++) {
		struct sync_miss *r = &d->miss[i];
		if (now < r->asked_ms + (uint64_t)d->sc.nack_ms *
		    (r->tries ? 5u : 1u))
			continue;
		if (r->tries == SYNC_NACK_TRIES) {
			d->c.lost += r->last - r->first + 1;
			log_warnx("sync: datagrams %llu..%llu never came; "
			    "asking for a bulk dump",
			    (unsigned long long)r->first,
			    (unsigned long long)r->last);
			bulk_start(d);
			return;
		}
		r->tries++;
		r->asked_ms = now;
		log_debug("sync: NACK %llu..%llu (try %d)",
		    (unsigned long long)r->first, (unsigned long long)r->last,
		    r->tries);
		m.ranges[m.n_ranges++] = *r;
	}
	if (m.n_ranges > 0) {
		d->c.nacks_sent++;
		send_ctl(d, &m);
	}
}

void
sync_backup_tick(struct syncd *d, uint64_t now)
{
	if (d->role == ROLE_MASTER)
		return;
	send_nacks(d, now);
	if (d->bulk_end_seen || now < d->bulk_next_ms ||
	    !sync_director_up(d))
		return;
	if (d->bulk_tries < d->sc.bulk_attempts) {
		bulk_ask(d);
		return;
	}
	if (!d->in_sync) {
		/* Nobody answers: there is no master to copy from. */
		log_info("sync: no master answered %d bulk requests; the "
		    "table is taken as complete", d->bulk_tries);
		d->in_sync = 1;
		d->bulk_done_ms = now;
		d->bulk_end_seen = 1;
		d->bulk_last_seq = 0;
	}
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The director answered an install (in order): trace it. */
void
sync_backup_installed(struct syncd *d, int64_t seq)
{
	unsigned n = sizeof(d->inst_pend) / sizeof(d->inst_pend[0]);

	/* Answers come in order: older ones skipped were not answered
	 * (the link was lost and came back). */
	while (d->inst_n > 0) {
		uint64_t s = d->inst_pend[d->inst_head].seq;
		uint64_t at = d->inst_pend[d->inst_head].at_us;

		d->inst_head = (d->inst_head + 1) % n;
		d->inst_n--;
		if (seq >= 0 && s != (uint64_t)seq)
			continue;
		if (seq >= 0)
			sync_lag_add(&d->lag_install, sync_mono_us() - at);
		if (d->trace != NULL)
			fprintf(d->trace, "I %llu %llu\n", (unsigned long long)s,
			    (unsigned long long)sync_trace_us());
		return;
	}
}
