/* The master's side of tandem-syncd: what the director feeds (IPVS sync v1
 * entries, base64) is packed into datagrams with Tandem's sequence number
 * and HMAC, sent, and kept in a ring for the backup's NACKs; a backup's
 * bulk request starts a dump of the director's whole table. */
#include "syncd.h"

#include "ctl_link.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

int
sync_master_init(struct syncd *d)
{
	struct timespec ts;

	d->ring = calloc(d->sc.resend_slots, sizeof(*d->ring));
	d->txbuf = malloc(d->sc.max_datagram);
	if (d->ring == NULL || d->txbuf == NULL)
		return -1;
	/* From the clock, so that a restarted master is never taken for a
	 * replay of its former self (microseconds: 2^64 lasts). */
	clock_gettime(CLOCK_REALTIME, &ts);
	d->seq = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
	d->ctl_seq = d->seq;
	d->seq0 = d->seq;
	sync_enc_init(&d->enc, d->txbuf, d->sc.max_datagram, d->sc.syncid, 1);
	return 0;
}

void
sync_master_free(struct syncd *d)
{
	if (d->ring != NULL)
		for (uint32_t i = 0; i < d->sc.resend_slots; i++)
			free(d->ring[i].buf);
	free(d->ring);
	free(d->txbuf);
	d->ring = NULL;
	d->txbuf = NULL;
}

/* Seal the datagram being built, send it and keep it for resends. */
static void
flush(struct syncd *d)
{
	struct sync_sent *s;
	size_t hoff;
	int len;
	uint64_t seq = d->seq + 1;
	uint8_t nconns = d->enc.nconns;

	if (nconns == 0)
		return;
	len = sync_enc_finish(&d->enc, seq, &hoff);
	if (len < 0 || (d->auth && sync_auth_sign(&d->key, d->txbuf,
	    (size_t)len, hoff) == -1)) {
		d->c.send_errors++;
		sync_enc_init(&d->enc, d->txbuf, d->sc.max_datagram,
		    d->sc.syncid, 1);
		return;
	}
	d->seq = seq;
	s = &d->ring[seq % d->sc.resend_slots];
	if (s->buf == NULL)
		s->buf = malloc(d->sc.max_datagram);
	if (s->buf != NULL) {
		memcpy(s->buf, d->txbuf, (size_t)len);
		s->len = (uint16_t)len;
		s->seq = seq;
	}
	if (sync_net_send(d, 0, d->txbuf, (size_t)len) == 0) {
		d->c.sent_dgrams++;
		d->c.sent_entries += nconns;
	}
	if (d->trace != NULL)
		fprintf(d->trace, "S %llu %llu %llu\n", (unsigned long long)seq,
		    (unsigned long long)sync_trace_us(),
		    (unsigned long long)d->feed_wait_ms);
	sync_enc_init(&d->enc, d->txbuf, d->sc.max_datagram, d->sc.syncid, 1);
}

static void
add_entry(const struct sync_conn *c, void *arg)
{
	struct syncd *d = arg;
	int rc = sync_enc_add(&d->enc, c);

	if (rc == 1) {
		flush(d);
		rc = sync_enc_add(&d->enc, c);
	}
	if (rc != 0)
		d->c.send_errors++;
}

void
sync_master_feed(struct syncd *d, const char *b64, size_t len,
    uint64_t wait_ms)
{
	static uint8_t buf[SYNC_MAXLEN_MAX];
	struct sync_dec dec = { .cb = add_entry, .arg = d };
	int n = sync_b64_decode(b64, len, buf, sizeof(buf));

	d->feed_wait_ms = wait_ms;

	if (n < 0 || sync_decode(&dec, buf, (size_t)n, NULL) != SYNC_OK) {
		d->c.send_errors++;
		log_warnx("sync: the director fed a malformed batch");
		return;
	}
	/* The director waited batch_delay_ms already: send what we have. */
	flush(d);
}

static void
ask_dump(struct syncd *d)
{
	json_object *req = json_object_new_object();

	json_object_object_add(req, "cmd", json_object_new_string("sync_dump"));
	json_object_object_add(req, "id",
	    json_object_new_int64((int64_t)(d->dump_id & INT64_MAX)));
	d->dumping = 1;
	d->dump_pending = 0;
	d->dump_first = d->seq + 1;
	if (sync_director_send(d, req) == -1)
		d->dumping = 0;	/* the backup asks again */
	json_object_put(req);
}

void
sync_master_bulk_request(struct syncd *d, uint64_t id)
{
	d->c.bulk_requests++;
	log_info("sync: bulk request %llu from a backup",
	    (unsigned long long)id);
	d->dump_id = id;
	if (d->dumping) {
		/* One more after this one: it starts after the request. */
		d->dump_pending = 1;
		return;
	}
	ask_dump(d);
}

void
sync_master_dump_end(struct syncd *d, uint64_t n)
{
	struct sync_ctl_msg m = { .type = SYNC_CTL_BULK_END,
	    .syncid = d->sc.syncid };
	uint8_t buf[SYNC_CTL_MAX];
	int len;

	flush(d);
	d->dumping = 0;
	m.seq = ++d->ctl_seq;
	m.id = d->dump_id;
	m.first_seq = d->dump_first;
	m.last_seq = d->seq;
	m.entries = n;
	if ((len = sync_ctl_encode(&m, d->auth ? &d->key : NULL, buf,
	    sizeof(buf))) > 0 && sync_net_send(d, 1, buf, (size_t)len) == 0)
		d->c.bulk_served++;
	log_info("sync: bulk dump %llu sent: %llu entries up to datagram %llu",
	    (unsigned long long)m.id, (unsigned long long)n,
	    (unsigned long long)d->seq);
	if (d->dump_pending)
		ask_dump(d);
}

void
sync_master_nack(struct syncd *d, const struct sync_miss *r, int n)
{
	uint64_t budget = d->sc.resend_slots;	/* per NACK */

	for (int i = 0; i < n; i++) {
		for (uint64_t s = r[i].first; s <= r[i].last && budget > 0;
		    s++, budget--) {
			struct sync_sent *x = &d->ring[s % d->sc.resend_slots];
			if (x->buf == NULL || x->seq != s) {
				d->c.resend_missing++;
				continue;
			}
			if (sync_net_send(d, 0, x->buf, x->len) == 0)
				d->c.resent++;
			if (s == UINT64_MAX)
				break;
		}
	}
}

void
sync_master_start(struct syncd *d)
{
	json_object *req = json_object_new_object();

	d->dumping = d->dump_pending = 0;
	json_object_object_add(req, "cmd",
	    json_object_new_string("sync_subscribe"));
	json_object_object_add(req, "threshold",
	    json_object_new_int64(d->sc.threshold));
	json_object_object_add(req, "period",
	    json_object_new_int64(d->sc.period));
	json_object_object_add(req, "refresh_ms",
	    json_object_new_int64(d->sc.refresh_ms));
	json_object_object_add(req, "batch_ms",
	    json_object_new_int64(d->sc.batch_ms));
	if (sync_director_send(d, req) == -1)
		log_warnx("sync: cannot subscribe to the director yet");
	json_object_put(req);
}

/* While the master has sent anything, it tells its last sequence number
 * every SYNC_HEARTBEAT_MS: a backup that lost the last datagrams before a
 * quiet spell learns of them (no later datagram would show the gap). */
void
sync_master_tick(struct syncd *d, uint64_t now_ms)
{
	struct sync_ctl_msg m = { .type = SYNC_CTL_HEARTBEAT,
	    .syncid = d->sc.syncid };
	uint8_t buf[SYNC_CTL_MAX];
	int len;

	if (d->seq == d->seq0 || now_ms - d->hb_ms < SYNC_HEARTBEAT_MS)
		return;
	d->hb_ms = now_ms;
	m.seq = ++d->ctl_seq;
	m.last_seq = d->seq;
	if ((len = sync_ctl_encode(&m, d->auth ? &d->key : NULL, buf,
	    sizeof(buf))) > 0)
		sync_net_send(d, 1, buf, (size_t)len);
}

uint64_t
sync_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t
sync_trace_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}
