/* The IPVS sync v1 codec against fixed vectors built independently with
 * Python's struct and hmac modules (docs/sync-protocol.md), a round trip
 * through full datagrams, and every malformed or forged datagram refused
 * and counted under its reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include "sync_auth.h"
#include "sync_wire.h"

/* A: syncid 7, one IPv4 TCP entry with sequence data (70 bytes).
 * B: syncid 9, an IPv6 UDP template with PE data "call-1@x" and name
 * "sip" (87 bytes, one byte of padding), then an IPv4 TCP entry ending in
 * Tandem's sequence 0x0102030405060708 and HMAC (key below). */
static const uint8_t vec_a[70] = {
	0x00, 0x07, 0x00, 0x46, 0x01, 0x01, 0x00, 0x00, 0x00, 0x06, 0x00, 0x3e,
	0x00, 0x00, 0x06, 0x00, 0x00, 0x01, 0x9c, 0x40, 0x00, 0x50, 0x1f, 0x90,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x84, 0xc0, 0x00, 0x02, 0x0a,
	0xc6, 0x33, 0x64, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x01, 0x18, 0x00, 0x00,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00,
	0x00, 0x04, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x06,
};

static const uint8_t vec_b[176] = {
	0x00, 0x09, 0x00, 0xb0, 0x02, 0x01, 0x00, 0x00, 0x01, 0x11, 0x00, 0x57,
	0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x13, 0xc4, 0x13, 0xc4, 0x13, 0xc4,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x68, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x08, 0x63, 0x61,
	0x6c, 0x6c, 0x2d, 0x31, 0x40, 0x78, 0x03, 0x03, 0x73, 0x69, 0x70, 0x00,
	0x00, 0x06, 0x00, 0x50, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xa0, 0x28,
	0x01, 0xbb, 0x01, 0xbb, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x03, 0x84,
	0xc0, 0x00, 0x02, 0x0b, 0xc6, 0x33, 0x64, 0x01, 0x0a, 0x00, 0x00, 0x03,
	0x60, 0x08, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x61, 0x20,
	0x59, 0x87, 0x30, 0x9f, 0xc5, 0x74, 0xd5, 0xd6, 0xd7, 0x0f, 0x27, 0xab,
	0xb7, 0x71, 0x1e, 0xba, 0x8f, 0xa6, 0xb0, 0x48, 0xd7, 0x68, 0x32, 0xbc,
	0xe3, 0x85, 0x29, 0xdb, 0x6b, 0x0f, 0xf8, 0x30,
};

static const char key_b[] = "0123456789abcdef0123456789abcdef";

struct got {
	int		 n;
	struct sync_conn c[8];
};

static void
collect(const struct sync_conn *c, void *arg)
{
	struct got *g = arg;

	if (g->n < 8)
		g->c[g->n] = *c;
	g->n++;
}

static void
conn_a(struct sync_conn *c)
{
	memset(c, 0, sizeof(*c));
	c->af = AF_INET;
	c->proto = 6;
	c->flags = SYNC_CF_IN_SEQ | SYNC_CF_OUT_SEQ;
	c->state = 1;
	c->cport = 40000;
	c->vport = 80;
	c->dport = 8080;
	c->timeout = 900;
	addr_parse("192.0.2.10", &c->caddr);
	addr_parse("198.51.100.1", &c->vaddr);
	addr_parse("10.0.0.2", &c->daddr);
	c->has_seq = 1;
	c->in_seq = (struct sync_seq){ 1, 2, 3 };
	c->out_seq = (struct sync_seq){ 4, 5, 6 };
}

static void
conns_b(struct sync_conn *c)
{
	memset(c, 0, 2 * sizeof(*c));
	c[0].af = AF_INET6;
	c[0].proto = 17;
	c[0].flags = SYNC_CF_TEMPLATE;
	c[0].cport = c[0].vport = c[0].dport = 5060;
	c[0].timeout = 360;
	addr_parse("2001:db8::10", &c[0].caddr);
	addr_parse("2001:db8:1::1", &c[0].vaddr);
	addr_parse("2001:db8:2::2", &c[0].daddr);
	c[0].pe_data_len = 8;
	memcpy(c[0].pe_data, "call-1@x", 8);
	c[0].pe_name_len = 3;
	memcpy(c[0].pe_name, "sip", 4);
	c[1].af = AF_INET;
	c[1].proto = 6;
	c[1].state = 1;
	c[1].cport = 41000;
	c[1].vport = c[1].dport = 443;
	c[1].fwmark = 5;
	c[1].timeout = 900;
	addr_parse("192.0.2.11", &c[1].caddr);
	addr_parse("198.51.100.1", &c[1].vaddr);
	addr_parse("10.0.0.3", &c[1].daddr);
}

static void
assert_conn_equal(const struct sync_conn *a, const struct sync_conn *b)
{
	assert_int_equal(a->af, b->af);
	assert_int_equal(a->proto, b->proto);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->state, b->state);
	assert_int_equal(a->cport, b->cport);
	assert_int_equal(a->vport, b->vport);
	assert_int_equal(a->dport, b->dport);
	assert_int_equal(a->fwmark, b->fwmark);
	assert_int_equal(a->timeout, b->timeout);
	assert_memory_equal(&a->caddr, &b->caddr, sizeof(a->caddr));
	assert_memory_equal(&a->vaddr, &b->vaddr, sizeof(a->vaddr));
	assert_memory_equal(&a->daddr, &b->daddr, sizeof(a->daddr));
	assert_int_equal(a->has_seq, b->has_seq);
	if (a->has_seq) {
		assert_memory_equal(&a->in_seq, &b->in_seq, sizeof(a->in_seq));
		assert_memory_equal(&a->out_seq, &b->out_seq,
		    sizeof(a->out_seq));
	}
	assert_int_equal(a->pe_data_len, b->pe_data_len);
	assert_memory_equal(a->pe_data, b->pe_data, a->pe_data_len);
	assert_int_equal(a->pe_name_len, b->pe_name_len);
	assert_string_equal(a->pe_name, b->pe_name);
}

static void
test_encode_vectors(void **state)
{
	struct sync_conn c[2];
	struct sync_enc e;
	struct sync_key k;
	uint8_t buf[SYNC_MAXLEN_V4];
	size_t hoff = 0;

	conn_a(&c[0]);
	sync_enc_init(&e, buf, sizeof(buf), 7, 0);
	assert_int_equal(sync_enc_add(&e, &c[0]), 0);
	assert_int_equal(sync_enc_finish(&e, 0, NULL), sizeof(vec_a));
	assert_memory_equal(buf, vec_a, sizeof(vec_a));

	conns_b(c);
	assert_int_equal(sync_auth_set(&k, key_b, 32), 0);
	sync_enc_init(&e, buf, sizeof(buf), 9, 1);
	assert_int_equal(sync_enc_add(&e, &c[0]), 0);
	assert_int_equal(sync_enc_add(&e, &c[1]), 0);
	assert_int_equal(sync_enc_finish(&e, 0x0102030405060708ULL, &hoff),
	    sizeof(vec_b));
	assert_int_equal(hoff, sizeof(vec_b) - SYNC_HMAC_LEN);
	assert_int_equal(sync_auth_sign(&k, buf, sizeof(vec_b), hoff), 0);
	assert_memory_equal(buf, vec_b, sizeof(vec_b));
}

static void
test_decode_vectors(void **state)
{
	struct sync_conn want[2];
	struct sync_stats st = { 0 };
	struct sync_replay rp = { 0 };
	struct sync_info in;
	struct sync_key k;
	struct got g = { 0 };
	struct sync_dec d = { .syncid = 7, .stats = &st, .cb = collect,
	    .arg = &g };

	assert_int_equal(sync_decode(&d, vec_a, sizeof(vec_a), &in), SYNC_OK);
	assert_int_equal(g.n, 1);
	assert_int_equal(in.syncid, 7);
	assert_int_equal(in.nconns, 1);
	assert_false(in.has_seq);
	conn_a(&want[0]);
	assert_conn_equal(&g.c[0], &want[0]);

	memset(&g, 0, sizeof(g));
	assert_int_equal(sync_auth_set(&k, key_b, 32), 0);
	d.syncid = 9;
	d.key = &k;
	d.replay = &rp;
	assert_int_equal(sync_decode(&d, vec_b, sizeof(vec_b), &in), SYNC_OK);
	assert_int_equal(g.n, 2);
	assert_true(in.has_seq && in.has_hmac);
	assert_true(in.seq == 0x0102030405060708ULL);
	assert_int_equal(in.hmac_off, sizeof(vec_b) - SYNC_HMAC_LEN);
	conns_b(want);
	assert_conn_equal(&g.c[0], &want[0]);
	assert_conn_equal(&g.c[1], &want[1]);
	assert_int_equal(st.dgrams, 2);
	assert_int_equal(st.entries, 3);

	/* Without a key, Tandem's options are skipped like an IPVS
	 * receiver skips them; syncid 0 takes any group. */
	memset(&g, 0, sizeof(g));
	d.key = NULL;
	d.syncid = 0;
	assert_int_equal(sync_decode(&d, vec_b, sizeof(vec_b), NULL), SYNC_OK);
	assert_int_equal(g.n, 2);
}

/* Many entries of both families: full datagrams split where the encoder
 * says, each decoding back to what went in. */
struct trip {
	uint8_t			 buf[SYNC_MAXLEN_V4];
	struct sync_enc		 e;
	struct sync_key		 k;
	struct sync_replay	 rp;
	struct sync_stats	 st;
	struct got		 g;
	int			 in_dgram, total, dgrams;
	uint64_t		 seq;
};

static void
trip_flush(struct trip *t)
{
	struct sync_dec d = { .syncid = 9, .key = &t->k, .replay = &t->rp,
	    .stats = &t->st, .cb = collect, .arg = &t->g };
	size_t hoff = 0;
	int len;

	len = sync_enc_finish(&t->e, t->seq++, &hoff);
	assert_true(len > 0 && (size_t)len <= sizeof(t->buf));
	assert_int_equal(sync_auth_sign(&t->k, t->buf, (size_t)len, hoff), 0);
	memset(&t->g, 0, sizeof(t->g));
	assert_int_equal(sync_decode(&d, t->buf, (size_t)len, NULL), SYNC_OK);
	assert_int_equal(t->g.n, t->in_dgram);
	assert_int_equal(t->g.c[0].cport, 1000 + t->total);
	t->total += t->in_dgram;
	t->in_dgram = 0;
	t->dgrams++;
	sync_enc_init(&t->e, t->buf, sizeof(t->buf), 9, 1);
}

/* Many entries of both families: full datagrams split where the encoder
 * says, each decoding back to what went in. */
static void
test_round_trip(void **state)
{
	static struct trip t;
	struct sync_conn c[2], *sent;
	int i, r;

	memset(&t, 0, sizeof(t));
	t.seq = 1000;
	assert_int_equal(sync_auth_set(&t.k, key_b, 32), 0);
	conns_b(c);
	sync_enc_init(&t.e, t.buf, sizeof(t.buf), 9, 1);
	for (i = 0; i < 100; i++) {
		sent = &c[i % 2];
		sent->cport = (uint16_t)(1000 + i);
		r = sync_enc_add(&t.e, sent);
		if (r == 1) {
			trip_flush(&t);
			r = sync_enc_add(&t.e, sent);
		}
		assert_int_equal(r, 0);
		t.in_dgram++;
	}
	trip_flush(&t);
	assert_int_equal(t.total, 100);
	assert_true(t.dgrams >= 5);	/* 100 x ~62 bytes in 1428 */
	assert_int_equal(t.st.entries, 100);
	assert_int_equal(t.st.dgrams, (uint64_t)t.dgrams);
}

static void
test_encoder_limits(void **state)
{
	static uint8_t buf[SYNC_MAXLEN_MAX];
	struct sync_conn c;
	struct sync_enc e;
	int i, r = 0;

	conn_a(&c);
	c.has_seq = 0;
	/* 36-byte entries: the one-byte count ends the datagram at 255. */
	sync_enc_init(&e, buf, sizeof(buf), 1, 0);
	for (i = 0; i < 300 && (r = sync_enc_add(&e, &c)) == 0; i++)
		;
	assert_int_equal(r, 1);
	assert_int_equal(i, 255);
	assert_int_equal(sync_enc_finish(&e, 0, NULL), 8 + 255 * 36);
	/* The kernel's default length: 40 entries of 36 in 1472. */
	sync_enc_init(&e, buf, SYNC_MAXLEN_V4, 1, 0);
	for (i = 0; i < 300 && (r = sync_enc_add(&e, &c)) == 0; i++)
		;
	assert_int_equal(i, 40);
	/* An entry that fits no datagram, an invalid entry, nothing sent. */
	sync_enc_init(&e, buf, 40, 1, 0);
	assert_int_equal(sync_enc_add(&e, &c), -1);
	sync_enc_init(&e, buf, sizeof(buf), 1, 0);
	c.vaddr.af = AF_INET6;
	assert_int_equal(sync_enc_add(&e, &c), -1);
	assert_int_equal(sync_enc_finish(&e, 0, NULL), -1);
}

/* Decode buf as vector B's receiver would; the reason it was refused. */
static enum sync_err
refuse(uint8_t *buf, size_t len, int sign, struct sync_stats *st,
    struct got *g)
{
	struct sync_key k;
	struct sync_dec d = { .syncid = 9, .key = &k, .stats = st,
	    .cb = collect, .arg = g };

	assert_int_equal(sync_auth_set(&k, key_b, 32), 0);
	if (sign)
		sync_auth_sign(&k, buf, len, len - SYNC_HMAC_LEN);
	return sync_decode(&d, buf, len, NULL);
}

static void
test_refused(void **state)
{
	uint8_t b[512];
	struct sync_stats st = { 0 };
	struct got g = { 0 };
	const size_t n = sizeof(vec_b);
	size_t i;

#define RESET() memcpy(b, vec_b, n)
	RESET();
	assert_int_equal(refuse(b, 7, 0, &st, &g), SYNC_ERR_SHORT);
	assert_int_equal(refuse(b, 0, 0, &st, &g), SYNC_ERR_SHORT);
	/* Truncated in transit: the header's size no longer matches. */
	assert_int_equal(refuse(b, n - 1, 0, &st, &g), SYNC_ERR_SIZE);
	/* A size that lies along with it: the last entry runs past. */
	b[3] = (uint8_t)(n - 10);
	assert_int_equal(refuse(b, n - 10, 0, &st, &g), SYNC_ERR_ENTRY_SIZE);
	RESET();
	b[1] = 8;
	assert_int_equal(refuse(b, n, 1, &st, &g), SYNC_ERR_SYNCID);
	RESET();
	b[5] = 0;		/* version 0 */
	assert_int_equal(refuse(b, n, 1, &st, &g), SYNC_ERR_VERSION);
	RESET();
	b[6] = 1;		/* spare */
	assert_int_equal(refuse(b, n, 1, &st, &g), SYNC_ERR_VERSION);
	/* Counts that overflow: checked before authentication. */
	memcpy(b, vec_a, sizeof(vec_a));
	b[1] = 9;
	b[4] = 2;		/* two entries counted, one present */
	assert_int_equal(refuse(b, sizeof(vec_a), 0, &st, &g),
	    SYNC_ERR_COUNT);
	b[4] = 255;
	assert_int_equal(refuse(b, sizeof(vec_a), 0, &st, &g),
	    SYNC_ERR_COUNT);
	RESET();
	b[4] = 3;		/* vector B's last entry is no longer last */
	assert_int_equal(refuse(b, n, 1, &st, &g), SYNC_ERR_TND_OPT);
	RESET();
	b[11] = 0x40;		/* first entry size 0x40 < 72 */
	assert_int_equal(refuse(b, n, 1, &st, &g), SYNC_ERR_ENTRY_SIZE);
	b[10] = 0x0f;		/* 0xf40: past the datagram */
	assert_int_equal(refuse(b, n, 1, &st, &g), SYNC_ERR_ENTRY_SIZE);
	RESET();
	b[10] = 0x10;		/* entry version 1 */
	assert_int_equal(refuse(b, n, 1, &st, &g), SYNC_ERR_ENTRY_VER);
	RESET();
	b[8] = 2;		/* entry type */
	assert_int_equal(refuse(b, n, 1, &st, &g), SYNC_ERR_TYPE);
	RESET();
	b[81] = 0;		/* PE data option of length 0 */
	assert_int_equal(refuse(b, n, 1, &st, &g), SYNC_ERR_OPTION);
	RESET();
	b[81] = 20;		/* PE data option past its entry */
	assert_int_equal(refuse(b, n, 1, &st, &g), SYNC_ERR_OPTION);
	RESET();
	b[90] = 2;		/* PE name turned into a second PE data */
	assert_int_equal(refuse(b, n, 1, &st, &g), SYNC_ERR_OPTION);
	RESET();
	b[90] = 1;		/* sequence data of the wrong length */
	assert_int_equal(refuse(b, n, 1, &st, &g), SYNC_ERR_OPTION);
	RESET();
	b[133] = 7;		/* Tandem sequence of the wrong length */
	assert_int_equal(refuse(b, n, 1, &st, &g), SYNC_ERR_TND_OPT);
	RESET();
	b[132] = 0x61;		/* a second HMAC option (and 8 bytes long) */
	assert_int_equal(refuse(b, n, 1, &st, &g), SYNC_ERR_TND_OPT);
	RESET();
	b[132] = 0x45;		/* unknown optional: skipped, but no seq */
	assert_int_equal(refuse(b, n, 1, &st, &g), SYNC_ERR_NOAUTH);
	RESET();
	b[136] ^= 1;		/* forged: a changed sequence number */
	assert_int_equal(refuse(b, n, 0, &st, &g), SYNC_ERR_HMAC);
	RESET();
	b[n - 1] ^= 1;		/* forged: a changed HMAC */
	assert_int_equal(refuse(b, n, 0, &st, &g), SYNC_ERR_HMAC);
	RESET();
	b[28] ^= 1;		/* forged: a changed timeout */
	assert_int_equal(refuse(b, n, 0, &st, &g), SYNC_ERR_HMAC);
	/* Trailing bytes: four are too many (three could be padding). */
	RESET();
	memset(b + n, 0, 4);
	b[3] = (uint8_t)(n + 4);
	assert_int_equal(refuse(b, n + 4, 0, &st, &g), SYNC_ERR_TRAILING);
	/* Vector A with no trailer: refused once a key is required. */
	memcpy(b, vec_a, sizeof(vec_a));
	b[1] = 9;
	assert_int_equal(refuse(b, sizeof(vec_a), 0, &st, &g),
	    SYNC_ERR_NOAUTH);
	assert_int_equal(g.n, 0);	/* nothing reported */
	assert_int_equal(st.dgrams, 0);
	assert_int_equal(st.refused[SYNC_ERR_HMAC], 3);
	assert_int_equal(st.refused[SYNC_ERR_OPTION], 4);
	for (i = SYNC_OK + 1; i < SYNC_ERR_REPLAY; i++)	/* replay: below */
		assert_true(st.refused[i] > 0);
#undef RESET
}

/* Tandem's options only in the last entry: vector B's two entries
 * swapped in order leaves them in the first. */
static void
test_tandem_option_placement(void **state)
{
	uint8_t b[256];
	struct sync_stats st = { 0 };
	struct got g = { 0 };
	const size_t e1 = 87, pad = 1, e2 = sizeof(vec_b) - 8 - 88;

	memcpy(b, vec_b, 8);
	memcpy(b + 8, vec_b + 8 + e1 + pad, e2);	/* 80, aligned */
	memcpy(b + 8 + e2, vec_b + 8, e1);
	b[3] = (uint8_t)(8 + e2 + e1);
	assert_int_equal(refuse(b, 8 + e2 + e1, 0, &st, &g),
	    SYNC_ERR_TND_OPT);
	assert_int_equal(g.n, 0);
}

/* An unknown mandatory option drops its entry, not the datagram. */
static void
test_unknown_mandatory(void **state)
{
	uint8_t b[128];
	struct sync_stats st = { 0 };
	struct got g = { 0 };
	struct sync_dec d = { .stats = &st, .cb = collect, .arg = &g };
	size_t n = sizeof(vec_a);

	memcpy(b, vec_a, n);
	b[n] = 0x05;		/* mandatory, unknown */
	b[n + 1] = 2;
	b[n + 2] = b[n + 3] = 0xaa;
	b[3] = (uint8_t)(n + 4);
	b[11] = (uint8_t)(b[11] + 4);
	assert_int_equal(sync_decode(&d, b, n + 4, NULL), SYNC_OK);
	assert_int_equal(g.n, 0);
	assert_int_equal(st.entries_refused[SYNC_ENT_MANDATORY], 1);
	b[n] = 0x45;		/* the same, optional: skipped */
	assert_int_equal(sync_decode(&d, b, n + 4, NULL), SYNC_OK);
	assert_int_equal(g.n, 1);
	/* PE data without an engine name: the entry alone refused. */
	memcpy(b, vec_b, 8);
	memcpy(b + 8, vec_b + 8, 82 + 8);
	b[4] = 1;
	b[3] = 8 + 82;
	b[10] = 0;
	b[11] = 82;
	d.syncid = 0;
	assert_int_equal(sync_decode(&d, b, 90, NULL), SYNC_OK);
	assert_int_equal(st.entries_refused[SYNC_ENT_PE], 1);
	assert_int_equal(g.n, 1);
}

static void
test_replay(void **state)
{
	struct sync_replay r = { 0 };
	struct sync_stats st = { 0 };
	struct sync_key k;
	struct got g = { 0 };
	struct sync_dec d = { .syncid = 9, .key = &k, .replay = &r,
	    .stats = &st, .cb = collect, .arg = &g };

	assert_int_equal(sync_auth_set(&k, key_b, 32), 0);
	assert_int_equal(sync_decode(&d, vec_b, sizeof(vec_b), NULL), SYNC_OK);
	assert_int_equal(sync_decode(&d, vec_b, sizeof(vec_b), NULL),
	    SYNC_ERR_REPLAY);
	assert_int_equal(g.n, 2);
	assert_int_equal(st.refused[SYNC_ERR_REPLAY], 1);

	/* The window itself: reordering inside it, too old, seen twice. */
	memset(&r, 0, sizeof(r));
	assert_int_equal(sync_replay_check(&r, 100), 0);
	sync_replay_accept(&r, 100);
	assert_int_equal(sync_replay_check(&r, 100), -1);
	assert_int_equal(sync_replay_check(&r, 99), 0);
	sync_replay_accept(&r, 99);
	assert_int_equal(sync_replay_check(&r, 99), -1);
	sync_replay_accept(&r, 110);
	assert_int_equal(sync_replay_check(&r, 105), 0);
	assert_int_equal(sync_replay_check(&r, 100), -1);
	/* A resend fills a gap once, anywhere in the window. */
	sync_replay_accept(&r, 5000);
	assert_int_equal(sync_replay_check(&r, 5000 - SYNC_REPLAY_WINDOW), -1);
	assert_int_equal(sync_replay_check(&r, 5000 - SYNC_REPLAY_WINDOW + 1),
	    0);
	assert_int_equal(sync_replay_check(&r, 1000), 0);
	sync_replay_accept(&r, 1000);
	assert_int_equal(sync_replay_check(&r, 1000), -1);
	assert_int_equal(sync_replay_check(&r, 110), -1);	/* too old */
	assert_int_equal(sync_replay_check(&r, 4999), 0);
	/* Moving on clears the slots it passes: 5000 + window reuses
	 * 5000's slot, and 5000 is then outside. */
	sync_replay_accept(&r, 5000 + SYNC_REPLAY_WINDOW);
	assert_int_equal(sync_replay_check(&r, 5001), 0);
	assert_int_equal(sync_replay_check(&r, 5000), -1);
	sync_replay_accept(&r, 1000000);
	assert_int_equal(sync_replay_check(&r, 999999), 0);
	assert_int_equal(sync_replay_check(&r, UINT64_MAX), 0);
}

static void
test_key(void **state)
{
	struct sync_key k;

	assert_int_equal(sync_auth_set(&k, "short", 5), -1);
	assert_int_equal(sync_auth_set(&k, key_b, 32), 0);
	assert_int_equal(sync_auth_load(&k, "/nonexistent/key"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_vectors),
		cmocka_unit_test(test_decode_vectors),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_encoder_limits),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_tandem_option_placement),
		cmocka_unit_test(test_unknown_mandatory),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
