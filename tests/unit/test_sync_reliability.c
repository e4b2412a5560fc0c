/* tandem-syncd's reliability without sockets: a master and a backup joined
 * by a simulated network that drops, duplicates and reorders datagrams;
 * the backup must end with every connection the master's director fed,
 * through NACKs and resends, and through a bulk dump when it joins late. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "syncd.h"

#define NCONNS		3000
#define QMAX		20000

struct pkt {
	struct syncd	*to;
	int		 ctl;
	size_t		 len;
	uint8_t		 buf[SYNC_MAXLEN_V4];
};

struct net {
	struct pkt	*q[QMAX];
	int		 n;
	unsigned	 seed;
	int		 drop_pct, dup_pct, reorder_pct;
	int		 connected;	/* 0: the backup hears nothing */
	uint64_t	 dropped, duplicated, reordered;
};

static struct net net;
static struct syncd *master, *backup;
static uint8_t have[NCONNS];	/* the backup director's table, by cport */
static int fed;			/* connections the master's director has */

static int
rnd(int pct)
{
	return (int)(rand_r(&net.seed) % 100) < pct;
}

static void
enqueue(struct syncd *to, int ctl, const uint8_t *buf, size_t len)
{
	struct pkt *p;

	if (net.n == QMAX || (p = malloc(sizeof(*p))) == NULL)
		return;
	p->to = to;
	p->ctl = ctl;
	p->len = len;
	memcpy(p->buf, buf, len);
	net.q[net.n++] = p;
}

static int
tx(struct syncd *from, int ctl, const uint8_t *buf, size_t len)
{
	struct syncd *to = from == master ? backup : master;

	if (!net.connected || rnd(net.drop_pct)) {
		net.dropped++;
		return 0;
	}
	enqueue(to, ctl, buf, len);
	if (rnd(net.dup_pct)) {
		net.duplicated++;
		enqueue(to, ctl, buf, len);
	}
	return 0;
}

/* Deliver everything queued, some of it out of order. */
static void
deliver(void)
{
	struct tnd_addr a, b;

	addr_parse("10.0.0.1", &a);
	addr_parse("10.0.0.2", &b);

	while (net.n > 0) {
		int n = net.n;
		struct pkt *batch[QMAX];
		memcpy(batch, net.q, (size_t)n * sizeof(batch[0]));
		net.n = 0;
		for (int i = 0; i + 1 < n; i++)
			if (rnd(net.reorder_pct)) {
				struct pkt *t = batch[i];
				batch[i] = batch[i + 1];
				batch[i + 1] = t;
				net.reordered++;
			}
		for (int i = 0; i < n; i++) {
			struct pkt *p = batch[i];
			const struct tnd_addr *from = p->to == backup ? &a : &b;
			if (p->ctl)
				sync_net_ctl_input(p->to, from, p->buf, p->len);
			else
				sync_net_input(p->to, from, p->buf, p->len);
			free(p);
		}
	}
}

static void
entry(struct sync_conn *c, int i)
{
	memset(c, 0, sizeof(*c));
	c->af = AF_INET;
	c->proto = IPPROTO_TCP;
	c->flags = 3;		/* DR */
	c->state = 1;		/* ESTABLISHED */
	c->cport = (uint16_t)(1000 + i);
	c->vport = 80;
	c->dport = 80;
	c->timeout = 900;
	c->caddr.af = c->vaddr.af = c->daddr.af = AF_INET;
	c->caddr.bytes[0] = 192;
	c->vaddr.bytes[0] = 10;
	c->daddr.bytes[0] = 172;
}

static void
feed_batch(struct syncd *d, struct sync_enc *e, uint8_t *buf)
{
	static char text[SYNC_B64_LEN(SYNC_MAXLEN_MAX)];

	if (e->nconns == 0)
		return;
	sync_master_feed(d, text, sync_b64_encode(buf, e->len, text), 0);
	sync_enc_init(e, buf, SYNC_MAXLEN_MAX, 0, 0);
}

/* What a director would send syncd: conns [from, to) in base64 batches. */
static void
director_feed(struct syncd *d, int from, int to)
{
	static uint8_t buf[SYNC_MAXLEN_MAX];
	struct sync_enc e;
	struct sync_conn c;

	sync_enc_init(&e, buf, sizeof(buf), 0, 0);
	for (int i = from; i < to; i++) {
		entry(&c, i);
		if (sync_enc_add(&e, &c) == 1) {
			feed_batch(d, &e, buf);
			assert_int_equal(sync_enc_add(&e, &c), 0);
		}
	}
	feed_batch(d, &e, buf);
}

static void
collect(const struct sync_conn *c, void *arg)
{
	(void)arg;
	if (c->cport >= 1000 && c->cport < 1000 + NCONNS)
		have[c->cport - 1000] = 1;
}

/* The directors: the master's answers a dump request with its table; the
 * backup's installs. */
static int
dir_hook(struct syncd *d, json_object *req)
{
	json_object *v;
	const char *cmd = json_object_object_get_ex(req, "cmd", &v) ?
	    json_object_get_string(v) : "";

	if (strcmp(cmd, "sync_dump") == 0 && d == master) {
		director_feed(d, 0, fed);
		sync_master_dump_end(d, (uint64_t)fed);
	} else if (strcmp(cmd, "sync_install") == 0 && d == backup) {
		static uint8_t buf[SYNC_MAXLEN_MAX];
		struct sync_dec dec = { .cb = collect };
		const char *s;
		int n;
		assert_true(json_object_object_get_ex(req, "data", &v));
		s = json_object_get_string(v);
		n = sync_b64_decode(s, strlen(s), buf, sizeof(buf));
		assert_true(n > 0);
		assert_int_equal(sync_decode(&dec, buf, (size_t)n, NULL),
		    SYNC_OK);
	}
	return 0;
}

static uint64_t
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static struct syncd *
node(enum sync_role role)
{
	struct syncd *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	sync_conf_defaults(&d->sc);
	d->sc.nack_ms = 2;
	d->sc.bulk_retry_ms = 30;
	d->sc.bulk_attempts = 100;
	d->fd = d->ctl_fd = -1;
	d->tx_hook = tx;
	d->dir_hook = dir_hook;
	assert_int_equal(sync_auth_set(&d->key,
	    "a 32-byte key for the unit test.", 32), 0);
	d->auth = 1;
	assert_int_equal(sync_master_init(d), 0);
	d->role = role;
	return d;
}

/* Run the network and the backup's timers until nothing is missing. */
static void
settle(int rounds)
{
	for (int i = 0; i < rounds; i++) {
		deliver();
		usleep(3000);
		sync_master_tick(master, mono());
		sync_backup_tick(backup, mono());
		deliver();
	}
}

static int
count_have(void)
{
	int n = 0;

	for (int i = 0; i < NCONNS; i++)
		n += have[i];
	return n;
}

static void
test_lossy_network(void **state)
{
	(void)state;
	net.seed = 42;
	master = node(ROLE_MASTER);
	backup = node(ROLE_BACKUP);
	/* The master's director holds 1000 connections before the backup
	 * listens: only a bulk dump can bring them. */
	net.connected = 0;
	fed = 1000;
	director_feed(master, 0, fed);
	net.connected = 1;
	net.drop_pct = 20;
	net.dup_pct = 10;
	net.reorder_pct = 20;
	sync_backup_start(backup);
	/* New connections keep coming while the dump is under way. */
	for (int k = 1000; k < NCONNS; k += 100) {
		director_feed(master, k, k + 100);
		fed = k + 100;
		settle(2);
	}
	/* The losses end: what is still missing is asked for and resent. */
	net.drop_pct = 0;
	settle(100);
	assert_int_equal(count_have(), NCONNS);
	assert_true(backup->in_sync);
	assert_int_equal(backup->n_miss, 0);
	/* The network did drop, duplicate and reorder, and the repair was
	 * by NACK and resend (and not only by the bulk dump). */
	assert_true(net.dropped > 10 && net.duplicated > 0 && net.reordered > 0);
	assert_true(backup->c.gaps > 0);
	assert_true(backup->c.nacks_sent > 0);
	assert_true(master->c.resent > 0);
	/* Duplicates were refused as replays, never installed twice. */
	assert_true(backup->stats.refused[SYNC_ERR_REPLAY] > 0);
	sync_master_free(master);
	sync_master_free(backup);
	free(master);
	free(backup);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lossy_network),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
