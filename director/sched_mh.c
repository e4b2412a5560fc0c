/* Maglev hashing (IPVS ip_vs_mh): each server walks its own permutation
 * of a prime-sized lookup table (4,093 slots), claiming free slots in
 * turns proportional to its weight; a client address (and port, with
 * mh-port) hashes to a slot. Hash keys, permutations and the fill order are
 * the kernel's, so a client lands on the same server as with IPVS. */
#include "scheduler.h"
#include "frame.h"
#include "log.h"

#include <netinet/in.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdlib.h>
#include <string.h>

#define MH_TAB_SIZE	4093	/* IP_VS_MH_TAB_SIZE, the default prime */
#define MH_TAB_BITS	6	/* IP_VS_MH_TAB_BITS: weights over 2^6 shift */
/* generate_hash_secret: fixed, so every director (and IPVS) agrees. */
#define MH_KEY1		2654435761u
#define MH_KEY2		2654446892u

/* IPVS keeps a server's last non-zero weight (dest->last_weight) and fills
 * the table from it, so a quiesced (weight 0) server keeps its slots and
 * its clients come back to it. struct dest has no such field: we track it
 * here, sorted by pointer. */
struct mh_last {
	struct dest	*d;
	int		 weight;
};

struct mh_setup {
	uint32_t	 perm, skip;
	int		 turns;
};

struct mh_state {
	struct dest	*lookup[MH_TAB_SIZE];
	struct mh_last	*last;
	int		 n_last;
	EVP_MAC_CTX	*mac;		/* SipHash-1-3 */
	unsigned char	 key1[16], key2[16];
};

static uint32_t
mh_fold(const struct tnd_addr *a)
{
	uint32_t v = 0;

	for (int i = 0; i < (a->af == AF_INET6 ? 16 : 4); i += 4)
		v ^= (uint32_t)a->bytes[i] << 24 | (uint32_t)a->bytes[i + 1] << 16 |
		    (uint32_t)a->bytes[i + 2] << 8 | a->bytes[i + 3];
	return v;
}

/* The kernel's hsiphash() of one 32-bit word. On 64-bit kernels that is
 * SipHash-1-3 with the two key words as k0 and k1, cut to 32 bits, over
 * the word's little-endian (x86) bytes. */
static int
mh_hash(struct mh_state *st, const unsigned char *key, uint32_t v,
    uint32_t *out)
{
	unsigned char in[4] = { v, v >> 8, v >> 16, v >> 24 }, md[8];
	size_t len = 0;

	if (!EVP_MAC_init(st->mac, key, 16, NULL) ||
	    !EVP_MAC_update(st->mac, in, sizeof(in)) ||
	    !EVP_MAC_final(st->mac, md, &len, sizeof(md)) || len != 8)
		return -1;
	*out = (uint32_t)md[0] | (uint32_t)md[1] << 8 |
	    (uint32_t)md[2] << 16 | (uint32_t)md[3] << 24;
	return 0;
}

static void
mh_key(unsigned char *key, uint64_t k)
{
	for (int i = 0; i < 8; i++)
		key[i] = key[8 + i] = (unsigned char)(k >> (8 * i));
}

static int
mh_mac_new(struct mh_state *st)
{
	unsigned int c = 1, d = 3;
	size_t size = 8;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_uint(OSSL_MAC_PARAM_C_ROUNDS, &c),
		OSSL_PARAM_construct_uint(OSSL_MAC_PARAM_D_ROUNDS, &d),
		OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &size),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "SIPHASH", NULL);

	if (mac == NULL)
		return -1;
	st->mac = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);		/* the context holds its own reference */
	if (st->mac == NULL || !EVP_MAC_CTX_set_params(st->mac, params))
		return -1;
	mh_key(st->key1, MH_KEY1);
	mh_key(st->key2, MH_KEY2);
	return 0;
}

static int
mh_last_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct mh_last *)a)->d;
	uintptr_t y = (uintptr_t)((const struct mh_last *)b)->d;

	return (x > y) - (x < y);
}

/* As __ip_vs_update_dest: a new server takes its weight, a known one only
 * a non-zero weight. -1 on ENOMEM (the old records stay). */
static int
mh_last_refresh(struct service *s, struct mh_state *st)
{
	struct mh_last *nl = calloc((size_t)s->n_dests + 1, sizeof(*nl));

	if (nl == NULL)
		return -1;
	for (int i = 0; i < s->n_dests; i++) {
		struct mh_last key = { .d = s->dests[i] }, *old = NULL;
		int w = atomic_load(&s->dests[i]->weight);
		if (st->n_last)
			old = bsearch(&key, st->last, (size_t)st->n_last,
			    sizeof(*st->last), mh_last_cmp);
		nl[i].d = s->dests[i];
		nl[i].weight = (old && w == 0) ? old->weight : w;
	}
	qsort(nl, (size_t)s->n_dests, sizeof(*nl), mh_last_cmp);
	free(st->last);
	st->last = nl;
	st->n_last = s->n_dests;
	return 0;
}

static int
mh_last_weight(const struct mh_state *st, struct dest *d)
{
	struct mh_last key = { .d = d };
	const struct mh_last *l = bsearch(&key, st->last, (size_t)st->n_last,
	    sizeof(*st->last), mh_last_cmp);

	return l ? l->weight : 0;
}

static int
mh_gcd(int a, int b)
{
	while (b) {
		int t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* ip_vs_mh_shift_weight: keep weight/gcd within MH_TAB_BITS bits so a
 * heavy server cannot take whole runs of the table. */
static int
mh_rshift(const struct mh_state *st, int g)
{
	int mw = 0, bits = 0;

	for (int i = 0; i < st->n_last; i++)
		if (st->last[i].weight > mw)
			mw = st->last[i].weight;
	for (mw /= g; mw; mw >>= 1)
		bits++;				/* fls() */
	return bits > MH_TAB_BITS ? bits - MH_TAB_BITS : 0;
}

/* ip_vs_mh_permutate: each server's starting slot, step and turns. */
static int
mh_permutate(struct service *s, struct mh_state *st, struct mh_setup *ds,
    int g)
{
	int rshift = mh_rshift(st, g);

	for (int i = 0; i < s->n_dests; i++) {
		const struct dest *d = s->dests[i];
		uint32_t v = d->port + mh_fold(&d->addr), h1, h2;
		if (mh_hash(st, st->key1, v, &h1) < 0 ||
		    mh_hash(st, st->key2, v, &h2) < 0)
			return -1;
		int lw = mh_last_weight(st, s->dests[i]);
		ds[i].perm = h1 % MH_TAB_SIZE;
		ds[i].skip = h2 % (MH_TAB_SIZE - 1) + 1;
		ds[i].turns = ((lw / g) >> rshift) ? (lw / g) >> rshift : lw != 0;
	}
	return 0;
}

/* ip_vs_mh_populate: passes over the list in order; each server with
 * turns claims that many next free slots of its permutation, until the
 * table is full. At least one server has turns (g >= 1). */
static void
mh_populate(struct service *s, struct mh_state *st, struct mh_setup *ds)
{
	unsigned char used[MH_TAB_SIZE] = { 0 };
	int n = 0, dt = 0;

	while (n < MH_TAB_SIZE) {
		for (int i = 0; i < s->n_dests;) {
			if (ds[i].turns < 1) {
				i++;
				continue;
			}
			uint32_t c = ds[i].perm;
			while (used[c]) {
				ds[i].perm += ds[i].skip;
				if (ds[i].perm >= MH_TAB_SIZE)
					ds[i].perm -= MH_TAB_SIZE;
				c = ds[i].perm;
			}
			used[c] = 1;
			st->lookup[c] = s->dests[i];
			if (++n == MH_TAB_SIZE)
				return;
			if (++dt >= ds[i].turns) {
				dt = 0;
				i++;
			}
		}
	}
}

static int
mh_reassign(struct service *s, struct mh_state *st)
{
	struct mh_setup *ds;
	int g = 0, rc = 0;

	if (mh_last_refresh(s, st) < 0) {
		/* Forget them all rather than keep servers that left. */
		free(st->last);
		st->last = NULL;
		st->n_last = 0;
		return -1;
	}
	for (int i = 0; i < st->n_last; i++)
		if (st->last[i].weight > 0)
			g = g ? mh_gcd(st->last[i].weight, g) : st->last[i].weight;
	/* No weights at all: an empty table (ip_vs_mh_reset). IPVS refuses
	 * more servers than slots; so do we. */
	if (g < 1 || s->n_dests > MH_TAB_SIZE)
		return s->n_dests > MH_TAB_SIZE ? -1 : 0;
	if ((ds = calloc((size_t)s->n_dests, sizeof(*ds))) == NULL)
		return -1;
	if (mh_permutate(s, st, ds, g) == 0)
		mh_populate(s, st, ds);
	else
		rc = -1;
	free(ds);
	return rc;
}

static void
mh_update(struct service *s)
{
	struct mh_state *st = s->sched_data;

	/* The table is rebuilt whole; on failure it stays empty rather than
	 * keep servers that may have left (IPVS keeps the old table). */
	memset(st->lookup, 0, sizeof(st->lookup));
	if (mh_reassign(s, st) < 0) {
		memset(st->lookup, 0, sizeof(st->lookup));
		log_warnx("mh: cannot build the lookup table (%d servers)",
		    s->n_dests);
	}
}

static void
mh_done(struct service *s)
{
	struct mh_state *st = s->sched_data;

	if (st == NULL)
		return;
	EVP_MAC_CTX_free(st->mac);
	free(st->last);
	free(st);
	s->sched_data = NULL;
}

static int
mh_init(struct service *s)
{
	struct mh_state *st = calloc(1, sizeof(*st));

	if (st == NULL)
		return -1;
	s->sched_data = st;
	if (mh_mac_new(st) < 0) {
		log_warnx("mh: OpenSSL has no SipHash");
		mh_done(s);
		return -1;
	}
	mh_update(s);
	return 0;
}

/* ip_vs_mh_get_fallback, past the first slot: walk offsets from the
 * client's slot until a usable server or an empty slot. When no usable
 * server holds a slot the walk can only fail, so it is skipped: the same
 * answer without 4,093 hashes per packet while every server is down. */
static struct dest *
mh_fallback(struct mh_state *st, uint32_t v, uint32_t ihash)
{
	int any = 0;

	for (int i = 0; i < st->n_last && !any; i++)
		any = st->last[i].weight > 0 && dest_usable(st->last[i].d);
	if (!any)
		return NULL;
	for (uint32_t off = 0; off < MH_TAB_SIZE; off++) {
		uint32_t roff = (off + ihash) % MH_TAB_SIZE, h;
		if (mh_hash(st, st->key1, roff + v, &h) < 0)
			return NULL;
		struct dest *d = st->lookup[h % MH_TAB_SIZE];
		if (d == NULL)
			break;
		if (dest_usable(d))
			return d;
	}
	return NULL;
}

static struct dest *
mh_pick(struct service *s, const struct pkt *p)
{
	struct mh_state *st = s->sched_data;
	uint16_t port = 0;
	uint32_t h;

	if (p == NULL)
		return NULL;
	if ((s->sched_flags & SCHED_F_PORT) && (p->proto == IPPROTO_TCP ||
	    p->proto == IPPROTO_UDP || p->proto == IPPROTO_SCTP))
		port = p->sport;
	uint32_t v = port + mh_fold(&p->saddr);
	if (mh_hash(st, st->key1, v, &h) < 0)
		return NULL;
	struct dest *d = st->lookup[h % MH_TAB_SIZE];
	if (d == NULL)
		return NULL;
	if (dest_usable(d))
		return d;
	if (!(s->sched_flags & SCHED_F_FALLBACK))
		return NULL;
	return mh_fallback(st, v, h % MH_TAB_SIZE);
}

const struct sched_ops sched_mh = {
	.name = "mh", .init = mh_init, .done = mh_done, .update = mh_update,
	.pick = mh_pick,
};
