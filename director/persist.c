/* Persistence (IPVS ip_vs_sched_persist): a client's new connections to a
 * persistent service go to the real server its template names. The
 * template is keyed by the client address under the service's netmask,
 * port 0, and the service's VIP and port; it lives the service's
 * persistence timeout from its last use, and as long as connections it
 * controls live. */
#include "director.h"
#include "pe_sip.h"
#include "scheduler.h"

#include <errno.h>

static void
mask_client(const struct service *s, const struct tnd_addr *c,
    struct tnd_addr *out)
{
	*out = *c;
	if (c->af == AF_INET) {
		uint32_t a = addr_v4(c) & s->netmask;
		out->bytes[0] = (uint8_t)(a >> 24);
		out->bytes[1] = (uint8_t)(a >> 16);
		out->bytes[2] = (uint8_t)(a >> 8);
		out->bytes[3] = (uint8_t)a;
	}
}

/* ip_vs_check_template: the server must still be listed and, with
 * expire_quiescent_template, not quiesced. */
static int
template_valid(const struct director *d, const struct conn *ct)
{
	const struct dest *dst = ct->dest;

	if (!(atomic_load(&dst->flags) & DEST_F_AVAILABLE))
		return 0;
	if (d->conf.director.expire_quiescent_template &&
	    atomic_load(&dst->weight) == 0)
		return 0;
	return 1;
}

struct dest *
persist_pick(struct director *d, struct service *s, const struct pkt *p,
    struct conn **ct_out, uint64_t now_ms)
{
	struct tnd_addr client;
	struct conn_key k;
	struct conn *ct;
	struct dest *dst;

	/* A group's template serves every protocol, as IPVS's fwmark
	 * templates (protocol IPPROTO_IP): HTTP and HTTPS of one client
	 * land together. */
	uint8_t tproto = s->fwmark ? 0 : p->proto;

	*ct_out = NULL;
	if (s->pe_sip) {
		/* As IPVS: a SIP service's datagram without a Call-ID has no
		 * persistence key and is not scheduled. */
		if (pe_sip_key(p, &client) == -1)
			return NULL;
	} else {
		mask_client(s, &p->saddr, &client);
	}
	conn_key_in(&k, tproto, &client, 0, &s->addr, s->port);
	if ((ct = conn_lookup_in(&d->conns, &k)) != NULL) {
		if (template_valid(d, ct)) {
			*ct_out = ct;
			return ct->dest;
		}
		/* A stale template: let it expire now, schedule afresh. */
		atomic_store(&ct->expires_ms, 0);
		conn_put(ct);
	}
	if ((dst = sched_pick(s, p)) == NULL)
		return NULL;
	ct = conn_create_template(&d->conns, tproto, &client, &s->addr,
	    s->port, dst, s->persistent, now_ms);
	if (ct == NULL && errno == EEXIST)	/* a racing worker made it */
		ct = conn_lookup_in(&d->conns, &k);
	if (ct == NULL)
		return NULL;
	*ct_out = ct;
	return ct->dest;
}
