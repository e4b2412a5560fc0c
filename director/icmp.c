/* ICMP at the director, as IPVS does it (ip_vs_in_icmp, ip_vs_out_icmp):
 * errors that concern a connection (fragmentation needed, port
 * unreachable, time exceeded) go to the real server (DR) or are translated
 * together with the datagram they quote (NAT), and echo requests to an
 * owned VIP are answered. */
#include "director.h"
#include "csum.h"
#include "cursor.h"
#include "xmit.h"

#include <netinet/in.h>
#include <string.h>

static void
icmp_fix_checksum(struct pkt *p)
{
	uint8_t *icmp = p->frame + p->l4_off;
	uint32_t sum = 0;

	put_be16(icmp + 2, 0);
	if (p->saddr.af == AF_INET6)	/* ICMPv6 covers a pseudo header */
		sum = csum_pseudo_v6(p->saddr.bytes, p->daddr.bytes,
		    IPPROTO_ICMPV6, (uint32_t)p->l4_len);
	put_be16(icmp + 2, (uint16_t)~csum_fold(csum_add(sum, icmp, p->l4_len)));
}

/* Rewrite one address (and port) of the quoted datagram: src when
 * which == 0, dst when 1. Its own L4 checksum cannot be fixed (the quote
 * is truncated) and is left alone, as IPVS does. */
static void
addr_rewrite(uint8_t *ip, int which, const struct tnd_addr *a)
{
	if (a->af == AF_INET6) {		/* no header checksum */
		memcpy(ip + (which ? 24 : 8), a->bytes, 16);
		return;
	}
	uint8_t *addr = ip + (which ? 16 : 12);
	csum_replace4(ip + 10, get_be32(addr), get_be32(a->bytes));
	memcpy(addr, a->bytes, 4);
}

static void
quote_rewrite(struct pkt *p, int which, const struct tnd_addr *a,
    uint16_t port)
{
	addr_rewrite(p->frame + p->in_l3_off, which, a);
	put_be16(p->frame + p->in_l4_off + (which ? 2 : 0), port);
}

static void
outer_rewrite(struct pkt *p, int which, const struct tnd_addr *a)
{
	addr_rewrite(p->frame + p->l3_off, which, a);
	if (which)
		p->daddr = *a;
	else
		p->saddr = *a;
}

static int
send_to(struct worker *w, struct pkt *p, struct netio_frame *f,
    const struct tnd_addr *to, const struct conn *c)
{
	uint8_t mac[6], smac[6];
	int oif = 0;

	if (l2_next_hop(&w->d->l2, to, &oif, mac) == -1) {
		if (c == NULL || c->in_ifindex == 0) {
			w->cnt.v[oif ? CNT_DROP_NO_NEIGH : CNT_DROP_NO_ROUTE]++;
			return -1;
		}
		oif = c->in_ifindex;
		memcpy(mac, c->client_mac, 6);
	}
	engine_source_mac(w->d, oif, p->saddr.af, smac);
	xmit_set_l2(p->frame, mac, smac);
	netio_forward(w->io, f, oif);
	w->cnt.v[CNT_TX_FRAMES]++;
	return 0;
}

/* An error about a datagram we sent to a client from VIP:vport (NAT
 * output) or forwarded to it (DR): the quote's destination is the client. */
static int
error_inbound(struct worker *w, struct pkt *p, struct netio_frame *f)
{
	struct conn_key k;
	struct conn *c;

	conn_key_in(&k, p->in_proto, &p->in_daddr, p->in_dport, &p->in_saddr,
	    p->in_sport);
	if ((c = conn_lookup_in(&w->d->conns, &k)) == NULL)
		return -1;
	if (c->method == FWD_NAT) {
		outer_rewrite(p, 1, c->daddr);
		quote_rewrite(p, 0, c->daddr, c->dport);
		icmp_fix_checksum(p);
	}
	if (send_to(w, p, f, c->daddr, NULL) == 0)
		w->cnt.v[CNT_ICMP_ERRORS_FWD]++;
	conn_put(c);
	return 0;
}

/* An error a real server sends about a datagram from the client (NAT):
 * the quote runs client -> real server; the client must see the VIP. */
static int
error_outbound(struct worker *w, struct pkt *p, struct netio_frame *f)
{
	struct conn_key k;
	struct conn *c;

	conn_key_in(&k, p->in_proto, &p->in_daddr, p->in_dport, &p->in_saddr,
	    p->in_sport);
	if ((c = conn_lookup_out(&w->d->conns, &k)) == NULL)
		return -1;
	if (c->method != FWD_NAT || (c->flags & CONN_F_TEMPLATE)) {
		conn_put(c);
		return -1;
	}
	outer_rewrite(p, 0, c->vaddr);
	quote_rewrite(p, 1, c->vaddr, c->vport);
	icmp_fix_checksum(p);
	if (send_to(w, p, f, c->caddr, c) == 0)
		w->cnt.v[CNT_ICMP_ERRORS_FWD]++;
	conn_put(c);
	return 0;
}

static void
echo_reply(struct worker *w, struct pkt *p, struct netio_frame *f)
{
	uint8_t *ip = p->frame + p->l3_off, *icmp = p->frame + p->l4_off;
	uint8_t mac[6], smac[6];
	uint8_t tmp[16];
	int v6 = p->saddr.af == AF_INET6;
	uint8_t reply = v6 ? ICMP6_ECHOREPLY_ : ICMP_ECHOREPLY_;

	/* Swapping the addresses leaves every checksum as it is. */
	if (v6) {
		memcpy(tmp, ip + 8, 16);
		memcpy(ip + 8, ip + 24, 16);
		memcpy(ip + 24, tmp, 16);
		ip[7] = 64;
	} else {
		memcpy(tmp, ip + 12, 4);
		memcpy(ip + 12, ip + 16, 4);
		memcpy(ip + 16, tmp, 4);
		csum_replace2(ip + 10, get_be16(ip + 8), (uint16_t)(64 << 8 | ip[9]));
		ip[8] = 64;
	}
	csum_replace2(icmp + 2, get_be16(icmp), (uint16_t)(reply << 8 | icmp[1]));
	icmp[0] = reply;
	memcpy(mac, pkt_eth_src(p), 6);
	engine_source_mac(w->d, p->ifindex, p->saddr.af, smac);
	xmit_set_l2(p->frame, mac, smac);
	netio_forward(w->io, f, p->ifindex);
	w->cnt.v[CNT_ICMP_ECHO_REPLIES]++;
}

void
engine_icmp(struct worker *w, struct pkt *p, struct netio_frame *f)
{
	if (p->icmp_type == (p->saddr.af == AF_INET6 ? ICMP6_ECHO_ : ICMP_ECHO_)) {
		/* RFC 5798: only in accept mode (or as the owner) does the
		 * master take packets for the VIP as its own. */
		if (vip_accepts(&w->d->vips, &p->daddr))
			echo_reply(w, p, f);
		else
			w->cnt.v[CNT_DROP_NO_SERVICE]++;
		return;
	}
	if (!icmp_is_error_af(p->saddr.af, p->icmp_type)) {
		w->cnt.v[CNT_DROP_ICMP_TYPE]++;
		return;
	}
	pthread_rwlock_rdlock(&w->d->svcs.lock);
	if (error_inbound(w, p, f) == -1 && error_outbound(w, p, f) == -1)
		w->cnt.v[CNT_DROP_ICMP_NO_CONN]++;
	pthread_rwlock_unlock(&w->d->svcs.lock);
}
