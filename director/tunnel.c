/* Tunnel forwarding (ipvsadm -i): the client's datagram goes to the real
 * server inside an outer header of its own family, IPIP / IPv6-in-IPv6
 * (protocol 4 / 41), GRE (protocol 47, RFC 2784, checksum optional) or GUE
 * (UDP with a 4-byte GUE header, checksum optional on IPv4), from the
 * director's own address, as IPVS's ip_vs_tunnel_xmit(_v6) builds it.
 * Offloaded super-frames are cut into segments first (the outer header
 * cannot carry GSO through a packet socket), and a datagram that no longer
 * fits the MTU gets ICMP "fragmentation needed" (ICMPv6 "packet too big")
 * back, for path MTU discovery. */
#include "director.h"
#include "csum.h"
#include "cursor.h"
#include "xmit.h"

#include <netinet/in.h>
#include <string.h>

#define ETH_LEN		14
#define UDP_GUE_LEN	(8 + 4)
#define GRE_LEN		4
#define GRE_CSUM_LEN	4	/* checksum and reserved, with the C bit */
#define GRE_F_CSUM	0x8000

struct tun_out {
	struct tnd_addr	 src;		/* the director's address */
	uint8_t		 mac[6], smac[6];
	int		 oif;
	unsigned	 mtu;
};

static size_t
ip_len(int af)
{
	return af == AF_INET6 ? 40 : 20;
}

static size_t
tun_overhead(const struct dest *d)
{
	size_t n = ip_len(d->addr.af);

	if (d->tun_type == TUN_GUE)
		n += UDP_GUE_LEN;
	else if (d->tun_type == TUN_GRE)
		n += GRE_LEN + (d->tun_csum ? GRE_CSUM_LEN : 0);
	return n;
}

static uint8_t
outer_proto(const struct dest *d)
{
	switch (d->tun_type) {
	case TUN_GUE:	return IPPROTO_UDP;
	case TUN_GRE:	return IPPROTO_GRE;
	default:	return d->addr.af == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IPIP;
	}
}

static void
gre_header(uint8_t *gre, const struct dest *d, size_t inner_len)
{
	put_be16(gre, d->tun_csum ? GRE_F_CSUM : 0);
	put_be16(gre + 2, d->addr.af == AF_INET6 ? ETHERTYPE_IPV6 :
	    ETHERTYPE_IPV4);
	if (d->tun_csum) {
		size_t len = GRE_LEN + GRE_CSUM_LEN + inner_len;
		put_be32(gre + 4, 0);
		put_be16(gre + 4, csum_compute(gre, len));
	}
}

/* Complete a partial TCP/UDP checksum at l4 (the field already holds the
 * pseudo-header sum). */
static void
complete_partial(uint8_t *l4, size_t l4len, uint8_t proto)
{
	size_t off = proto == IPPROTO_TCP ? 16 : 6;

	put_be16(l4 + off, (uint16_t)~csum_fold(csum_add(0, l4, l4len)));
}

static void
outer_ip(uint8_t *ip, const struct dest *d, const struct tun_out *o,
    const uint8_t *inner, size_t payload, uint8_t proto)
{
	if (d->addr.af == AF_INET6) {
		memset(ip, 0, 40);
		ip[0] = 0x60 | (inner[0] & 0x0f);	/* traffic class */
		ip[1] = inner[1] & 0xf0;
		put_be16(ip + 4, (uint16_t)payload);
		ip[6] = proto;
		ip[7] = inner[7];			/* hop limit */
		memcpy(ip + 8, o->src.bytes, 16);
		memcpy(ip + 24, d->addr.bytes, 16);
		return;
	}
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[1] = inner[1];				/* TOS as the inner */
	put_be16(ip + 2, (uint16_t)(20 + payload));
	memcpy(ip + 4, inner + 4, 2);			/* the inner's id */
	put_be16(ip + 6, get_be16(inner + 6) & 0x4000);	/* DF as the inner */
	ip[8] = inner[8];
	ip[9] = proto;
	memcpy(ip + 12, o->src.bytes, 4);
	memcpy(ip + 16, d->addr.bytes, 4);
	put_be16(ip + 10, csum_compute(ip, 20));
}

/* Write Ethernet + outer headers in front of the inner datagram at
 * out + ETH_LEN + overhead, then send the copy. */
static void
tun_send(struct worker *w, const struct conn *c, const struct tun_out *o,
    uint8_t *out, size_t inner_len)
{
	const struct dest *d = c->dest;
	int v6 = d->addr.af == AF_INET6;
	size_t ovh = tun_overhead(d), iplen = ip_len(d->addr.af);
	const uint8_t *inner = out + ETH_LEN + ovh;
	uint8_t *ip = out + ETH_LEN;
	uint8_t inner_proto = v6 ? IPPROTO_IPV6 : IPPROTO_IPIP;

	xmit_set_l2(out, o->mac, o->smac);
	put_be16(out + 12, v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);
	outer_ip(ip, d, o, inner, ovh - iplen + inner_len, outer_proto(d));
	if (d->tun_type == TUN_GRE)
		gre_header(ip + iplen, d, inner_len);
	if (d->tun_type == TUN_GUE) {
		uint8_t *udp = ip + iplen, *gue = udp + 8;
		size_t ulen = UDP_GUE_LEN + inner_len;
		/* A source port from the flow, so a receiver can spread flows. */
		uint32_t h = get_be32(c->caddr->bytes + (v6 ? 12 : 0)) ^ c->cport ^
		    ((uint32_t)c->vport << 16);
		put_be16(udp, (uint16_t)(49152 + (h ^ (h >> 16)) % 16384));
		put_be16(udp + 2, d->tun_port);
		put_be16(udp + 4, (uint16_t)ulen);
		put_be16(udp + 6, 0);
		gue[0] = 0;				/* version 0, no options */
		gue[1] = inner_proto;
		gue[2] = gue[3] = 0;
		/* IPv4 GUE goes without a checksum unless asked
		 * (--tun-csum), as IPVS sends it; IPv6 must have one
		 * (RFC 8200 8.1). */
		if (v6 || d->tun_csum) {
			uint32_t sum = v6 ? csum_pseudo_v6(ip + 8, ip + 24,
			    IPPROTO_UDP, (uint32_t)ulen) :
			    csum_pseudo_v4(ip + 12, ip + 16, IPPROTO_UDP,
			    (uint16_t)ulen);
			uint16_t cs = (uint16_t)~csum_fold(csum_add(sum, udp, ulen));
			put_be16(udp + 6, cs ? cs : 0xffff);
		}
	}
	if (netio_send(w->io, out, ETH_LEN + ovh + inner_len, o->oif) == 0)
		w->cnt.v[CNT_TX_FRAMES]++;
	else
		w->cnt.v[CNT_TX_ERRORS]++;
}

/* "Fragmentation needed" (ICMP) or "packet too big" (ICMPv6) to the
 * client, quoting its datagram, from the VIP it sent to: the client's path
 * MTU then leaves room for the tunnel. */
static void
send_too_big(struct worker *w, const struct pkt *p, unsigned mtu)
{
	uint8_t out[ETH_LEN + 40 + 8 + 128];
	const uint8_t *in = p->frame + p->l3_off;
	int v6 = p->saddr.af == AF_INET6;
	size_t iplen = ip_len(p->saddr.af);
	size_t quote = p->l3_len < 128 ? p->l3_len : 128;
	uint8_t *ip = out + ETH_LEN, *icmp = ip + iplen;

	memset(out, 0, sizeof(out));
	memcpy(out, pkt_eth_src(p), 6);
	engine_source_mac(w->d, p->ifindex, p->saddr.af, out + 6);
	put_be16(out + 12, v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);
	memcpy(icmp + 8, in, quote);
	if (v6) {
		ip[0] = 0x60;
		put_be16(ip + 4, (uint16_t)(8 + quote));
		ip[6] = IPPROTO_ICMPV6;
		ip[7] = 64;
		memcpy(ip + 8, in + 24, 16);		/* from the VIP */
		memcpy(ip + 24, in + 8, 16);		/* to the client */
		icmp[0] = 2;				/* packet too big */
		put_be32(icmp + 4, mtu);
		uint32_t sum = csum_pseudo_v6(ip + 8, ip + 24, IPPROTO_ICMPV6,
		    (uint32_t)(8 + quote));
		put_be16(icmp + 2, (uint16_t)~csum_fold(csum_add(sum, icmp,
		    8 + quote)));
	} else {
		ip[0] = 0x45;
		put_be16(ip + 2, (uint16_t)(20 + 8 + quote));
		ip[8] = 64;
		ip[9] = IPPROTO_ICMP;
		memcpy(ip + 12, in + 16, 4);
		memcpy(ip + 16, in + 12, 4);
		put_be16(ip + 10, csum_compute(ip, 20));
		icmp[0] = ICMP_UNREACH_;
		icmp[1] = 4;				/* fragmentation needed */
		put_be16(icmp + 6, (uint16_t)mtu);
		put_be16(icmp + 2, csum_compute(icmp, 8 + quote));
	}
	if (netio_send(w->io, out, ETH_LEN + iplen + 8 + quote, p->ifindex) == 0)
		w->cnt.v[CNT_TUN_FRAG_NEEDED]++;
}

/* Cut a TCP super-frame into segments of mss bytes and send each in the
 * tunnel. Sequence numbers, IPv4 ids, lengths and checksums are made right
 * for every segment. The TCP header follows the IP header directly. */
static void
tun_segment(struct worker *w, const struct pkt *p, const struct conn *c,
    const struct tun_out *o, uint16_t mss)
{
	int v6 = p->saddr.af == AF_INET6;
	const uint8_t *ip = p->frame + p->l3_off;
	size_t ihl = p->l4_off - p->l3_off;
	size_t hlen = ihl + (size_t)(ip[ihl + 12] >> 4) * 4;
	size_t payload = p->l3_len - hlen, ovh = tun_overhead(c->dest);
	uint8_t *out = w->scratch;
	uint32_t seq = get_be32(ip + ihl + 4);
	uint16_t id = get_be16(ip + 4);

	for (size_t off = 0; off < payload; off += mss) {
		size_t n = payload - off < mss ? payload - off : mss;
		uint8_t *sip = out + ETH_LEN + ovh, *tcp = sip + ihl;
		uint32_t sum;
		memcpy(sip, ip, hlen);
		memcpy(sip + hlen, ip + hlen + off, n);
		if (v6) {
			put_be16(sip + 4, (uint16_t)(hlen - 40 + n));
		} else {
			put_be16(sip + 2, (uint16_t)(hlen + n));
			put_be16(sip + 4, id++);
			put_be16(sip + 10, 0);
			put_be16(sip + 10, csum_compute(sip, ihl));
		}
		put_be32(tcp + 4, seq + (uint32_t)off);
		if (off + n < payload)		/* FIN and PSH on the last only */
			tcp[13] &= (uint8_t)~(TCPF_FIN | TCPF_PSH);
		if (off > 0)			/* CWR on the first only */
			tcp[13] &= 0x7f;
		put_be16(tcp + 16, 0);
		if (v6)
			sum = csum_pseudo_v6(sip + 8, sip + 24, IPPROTO_TCP,
			    (uint32_t)(hlen - ihl + n));
		else
			sum = csum_pseudo_v4(sip + 12, sip + 16, IPPROTO_TCP,
			    (uint16_t)(hlen - ihl + n));
		put_be16(tcp + 16, (uint16_t)~csum_fold(csum_add(sum, tcp,
		    hlen - ihl + n)));
		tun_send(w, c, o, out, hlen + n);
	}
}

static int
tun_gso(struct worker *w, struct pkt *p, const struct netio_frame *f,
    const struct conn *c, const struct tun_out *o)
{
	size_t ovh = tun_overhead(c->dest), ihl = p->l4_off - p->l3_off;
	int want = p->saddr.af == AF_INET6 ? NETIO_GSO_TCPV6 : NETIO_GSO_TCPV4;

	if (f->gso != want || f->gso_size == 0 || p->proto != IPPROTO_TCP ||
	    (p->saddr.af == AF_INET6 && ihl != 40))
		return CNT_DROP_TUN_GSO;
	size_t hlen = ihl + (size_t)(p->frame[p->l4_off + 12] >> 4) * 4;
	if (f->gso_size + hlen + ovh > o->mtu) {
		/* TCP sets DF (IPv6 never fragments): tell the client. */
		send_too_big(w, p, o->mtu - (unsigned)ovh);
		return CNT_DROP_TUN_MTU;
	}
	tun_segment(w, p, c, o, f->gso_size);
	return 0;
}

int
tunnel_forward(struct worker *w, struct pkt *p, const struct netio_frame *f,
    const struct conn *c)
{
	struct tun_out o;
	size_t ovh = tun_overhead(c->dest);

	if (c->daddr->af != p->daddr.af)
		return CNT_DROP_PROTO;		/* no cross-family tunnels yet */
	if (l2_next_hop(&w->d->l2, c->daddr, &o.oif, o.mac) == -1)
		return o.oif ? CNT_DROP_NO_NEIGH : CNT_DROP_NO_ROUTE;
	if (l2_route_source(&w->d->l2, c->daddr, &o.src, &o.mtu) == -1)
		return CNT_DROP_NO_ROUTE;
	engine_source_mac(w->d, o.oif, c->daddr->af, o.smac);
	if (f->gso != NETIO_GSO_NONE)
		return tun_gso(w, p, f, c, &o);
	if (p->l3_len + ovh > o.mtu) {
		if (p->saddr.af == AF_INET6 ||
		    (get_be16(p->frame + p->l3_off + 6) & 0x4000))
			send_too_big(w, p, o.mtu - (unsigned)ovh);
		return CNT_DROP_TUN_MTU;
	}
	if (ETH_LEN + ovh + p->l3_len > NETIO_COPY_MAX)
		return CNT_DROP_TUN_MTU;
	uint8_t *inner = w->scratch + ETH_LEN + ovh;
	memcpy(inner, p->frame + p->l3_off, p->l3_len);
	if ((p->csum_flags & FRAME_CSUM_PARTIAL) &&
	    (p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP))
		complete_partial(inner + (p->l4_off - p->l3_off), p->l4_len,
		    p->proto);
	tun_send(w, c, &o, w->scratch, p->l3_len);
	return 0;
}
