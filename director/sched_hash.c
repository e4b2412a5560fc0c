/* Source hashing (IPVS ip_vs_sh) and destination hashing (ip_vs_dh): a
 * 256-bucket table filled from the destination list, indexed by a hash of
 * the client's (sh) or the packet's destination (dh) address. Buckets and
 * hashes are the kernel's, so an address lands on the same server as with
 * IPVS given the same list. */
#include "scheduler.h"
#include "frame.h"

#include <netinet/in.h>
#include <stdlib.h>

#define HASH_TAB_BITS	8	/* IP_VS_SH_TAB_BITS, IP_VS_DH_TAB_BITS */
#define HASH_TAB_SIZE	(1 << HASH_TAB_BITS)
#define HASH_TAB_MASK	(HASH_TAB_SIZE - 1)

struct hash_state {
	struct dest	*bucket[HASH_TAB_SIZE];
};

/* The kernel's address fold: the IPv4 address, or the XOR of the four
 * 32-bit words of an IPv6 one, in host order. */
static uint32_t
hash_fold(const struct tnd_addr *a)
{
	uint32_t v = 0;

	for (int i = 0; i < (a->af == AF_INET6 ? 16 : 4); i += 4)
		v ^= (uint32_t)a->bytes[i] << 24 | (uint32_t)a->bytes[i + 1] << 16 |
		    (uint32_t)a->bytes[i + 2] << 8 | a->bytes[i + 3];
	return v;
}

/* The kernel's hash_32 (linux/hash.h, GOLDEN_RATIO_32). */
static uint32_t
hash_32(uint32_t v, int bits)
{
	return (v * 0x61C88647u) >> (32 - bits);
}

static void
hash_done(struct service *s)
{
	free(s->sched_data);
	s->sched_data = NULL;
}

/* ip_vs_sh_reassign: walk the list round robin, giving each server as
 * many consecutive buckets as its weight, and a weight-0 server one. */
static void
sh_update(struct service *s)
{
	struct hash_state *st = s->sched_data;
	int i = 0, count = 0;

	for (int b = 0; b < HASH_TAB_SIZE; b++) {
		if (s->n_dests == 0) {
			st->bucket[b] = NULL;
			continue;
		}
		struct dest *d = s->dests[i];
		st->bucket[b] = d;
		if (++count >= atomic_load(&d->weight)) {
			i = (i + 1) % s->n_dests;
			count = 0;
		}
	}
}

/* ip_vs_dh_reassign: one bucket per server in turn; dh ignores weights
 * except that weight 0 makes a server unavailable. */
static void
dh_update(struct service *s)
{
	struct hash_state *st = s->sched_data;

	for (int b = 0; b < HASH_TAB_SIZE; b++)
		st->bucket[b] = s->n_dests ? s->dests[b % s->n_dests] : NULL;
}

static int
sh_init(struct service *s)
{
	if ((s->sched_data = calloc(1, sizeof(struct hash_state))) == NULL)
		return -1;
	sh_update(s);
	return 0;
}

static int
dh_init(struct service *s)
{
	if ((s->sched_data = calloc(1, sizeof(struct hash_state))) == NULL)
		return -1;
	dh_update(s);
	return 0;
}

/* The source port when sh-port is set, for the protocols with ports. */
static uint16_t
sh_port(const struct service *s, const struct pkt *p)
{
	if (!(s->sched_flags & SCHED_F_PORT))
		return 0;
	if (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP &&
	    p->proto != IPPROTO_SCTP)
		return 0;
	return p->sport;
}

/* ip_vs_sh_get_fallback: when the client's server is unusable, try the
 * buckets from a point derived from the hash, until an empty one. */
static struct dest *
sh_fallback(const struct hash_state *st, uint32_t h)
{
	for (uint32_t off = 0; off < HASH_TAB_SIZE; off++) {
		uint32_t roff = (off + h) % HASH_TAB_SIZE;
		struct dest *d = st->bucket[(roff + h) & HASH_TAB_MASK];
		if (d == NULL)
			break;
		if (dest_usable(d))
			return d;
	}
	return NULL;
}

static struct dest *
sh_pick(struct service *s, const struct pkt *p)
{
	const struct hash_state *st = s->sched_data;

	if (p == NULL)
		return NULL;
	/* ip_vs_sh_hashkey with offset 0; the fallback adds its offset to
	 * this same value. */
	uint32_t h = hash_32(sh_port(s, p) + hash_fold(&p->saddr),
	    HASH_TAB_BITS) & HASH_TAB_MASK;
	struct dest *d = st->bucket[h];

	if (d == NULL)
		return NULL;
	if (dest_usable(d))
		return d;
	return (s->sched_flags & SCHED_F_FALLBACK) ? sh_fallback(st, h) : NULL;
}

static struct dest *
dh_pick(struct service *s, const struct pkt *p)
{
	const struct hash_state *st = s->sched_data;

	if (p == NULL)
		return NULL;
	struct dest *d = st->bucket[hash_32(hash_fold(&p->daddr),
	    HASH_TAB_BITS)];
	return d && dest_usable(d) ? d : NULL;
}

const struct sched_ops sched_sh = {
	.name = "sh", .init = sh_init, .done = hash_done,
	.update = sh_update, .pick = sh_pick,
};

const struct sched_ops sched_dh = {
	.name = "dh", .init = dh_init, .done = hash_done,
	.update = dh_update, .pick = dh_pick,
};
