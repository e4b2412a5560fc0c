/* Tunnel forwarding (ipvsadm -i): the client's IPv4 datagram goes to the
 * real server inside an outer IPv4 header, IPIP (protocol 4) or GUE (UDP
 * with a 4-byte GUE header, RFC draft-ietf-intarea-gue), from the
 * director's own address, as IPVS's ip_vs_tunnel_xmit builds it. Offloaded
 * super-frames are cut into segments first (the outer header cannot carry
 * GSO through a packet socket), and a datagram that no longer fits the MTU
 * with DF set gets ICMP "fragmentation needed" back, for path MTU
 * discovery. */
#include "director.h"
#include "csum.h"
#include "cursor.h"
#include "xmit.h"

#include <netinet/in.h>
#include <string.h>

#define ETH_LEN		14
#define IPIP_LEN	20
#define GUE_LEN		(20 + 8 + 4)

struct tun_out {
	struct tnd_addr	 src;		/* the director's address */
	uint8_t		 mac[6], smac[6];
	int		 oif;
	unsigned	 mtu;
};

static size_t
tun_overhead(const struct dest *d)
{
	return d->tun_type == TUN_GUE ? GUE_LEN : IPIP_LEN;
}

/* Complete a partial L4 checksum of the inner datagram in buf (IPv4). */
static void
complete_partial(uint8_t *ip, size_t len)
{
	size_t ihl = (size_t)(ip[0] & 0xf) * 4;
	uint8_t *l4 = ip + ihl;
	size_t off = ip[9] == IPPROTO_TCP ? 16 : 6;

	/* The field already holds the pseudo-header sum. */
	put_be16(l4 + off, (uint16_t)~csum_fold(csum_add(0, l4, len - ihl)));
}

/* Write Ethernet + outer headers in front of the inner datagram at
 * out + ETH_LEN + overhead, then send the copy. */
static void
tun_send(struct worker *w, const struct conn *c, const struct tun_out *o,
    uint8_t *out, size_t inner_len)
{
	const struct dest *d = c->dest;
	size_t ovh = tun_overhead(d);
	const uint8_t *inner = out + ETH_LEN + ovh;
	uint8_t *ip = out + ETH_LEN;

	xmit_set_l2(out, o->mac, o->smac);
	put_be16(out + 12, ETHERTYPE_IPV4);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[1] = inner[1];				/* TOS as the inner */
	put_be16(ip + 2, (uint16_t)(ovh + inner_len));
	memcpy(ip + 4, inner + 4, 2);			/* the inner's id */
	put_be16(ip + 6, get_be16(inner + 6) & 0x4000);	/* DF as the inner */
	ip[8] = inner[8];
	ip[9] = d->tun_type == TUN_GUE ? IPPROTO_UDP : IPPROTO_IPIP;
	memcpy(ip + 12, o->src.bytes, 4);
	memcpy(ip + 16, d->addr.bytes, 4);
	put_be16(ip + 10, csum_compute(ip, 20));
	if (d->tun_type == TUN_GUE) {
		uint8_t *udp = ip + 20, *gue = udp + 8;
		/* A source port from the flow, so a receiver can spread flows;
		 * no UDP checksum, as IPVS sends GUE by default. */
		uint32_t h = get_be32(c->caddr->bytes) ^ c->cport ^ (c->vport << 16);
		put_be16(udp, (uint16_t)(49152 + (h ^ (h >> 16)) % 16384));
		put_be16(udp + 2, d->tun_port);
		put_be16(udp + 4, (uint16_t)(8 + 4 + inner_len));
		put_be16(udp + 6, 0);
		gue[0] = 0;				/* version 0, no options */
		gue[1] = IPPROTO_IPIP;			/* carries IPv4 */
		gue[2] = gue[3] = 0;
	}
	if (netio_send(w->io, out, ETH_LEN + ovh + inner_len, o->oif) == 0)
		w->cnt.v[CNT_TX_FRAMES]++;
	else
		w->cnt.v[CNT_TX_ERRORS]++;
}

/* ICMP "fragmentation needed" to the client, quoting its datagram, from
 * the VIP it sent to: the client's path MTU then leaves room for the
 * tunnel. */
static void
send_frag_needed(struct worker *w, const struct pkt *p, unsigned mtu)
{
	uint8_t out[ETH_LEN + 20 + 8 + 60 + 8];
	const uint8_t *in = p->frame + p->l3_off;
	size_t ihl = (size_t)(in[0] & 0xf) * 4, quote = ihl + 8;
	uint8_t *ip = out + ETH_LEN, *icmp = ip + 20;

	if (quote > p->l3_len)
		quote = p->l3_len;
	memset(out, 0, sizeof(out));
	engine_source_mac(w->d, p->ifindex, AF_INET, out + 6);
	memcpy(out, pkt_eth_src(p), 6);
	put_be16(out + 12, ETHERTYPE_IPV4);
	ip[0] = 0x45;
	put_be16(ip + 2, (uint16_t)(20 + 8 + quote));
	ip[8] = 64;
	ip[9] = IPPROTO_ICMP;
	memcpy(ip + 12, in + 16, 4);		/* from the VIP */
	memcpy(ip + 16, in + 12, 4);		/* to the client */
	put_be16(ip + 10, csum_compute(ip, 20));
	icmp[0] = ICMP_UNREACH_;
	icmp[1] = 4;				/* fragmentation needed */
	put_be16(icmp + 6, (uint16_t)mtu);
	memcpy(icmp + 8, in, quote);
	put_be16(icmp + 2, csum_compute(icmp, 8 + quote));
	if (netio_send(w->io, out, ETH_LEN + 20 + 8 + quote, p->ifindex) == 0)
		w->cnt.v[CNT_TUN_FRAG_NEEDED]++;
}

/* Cut a TCPv4 super-frame into segments of mss bytes and send each in the
 * tunnel. Sequence numbers, IP ids, lengths and both checksums are made
 * right for every segment. */
static void
tun_segment(struct worker *w, const struct pkt *p, const struct conn *c,
    const struct tun_out *o, uint16_t mss)
{
	const uint8_t *ip = p->frame + p->l3_off;
	size_t ihl = (size_t)(ip[0] & 0xf) * 4;
	size_t hlen = ihl + (size_t)(ip[ihl + 12] >> 4) * 4;
	size_t payload = p->l3_len - hlen, ovh = tun_overhead(c->dest);
	uint8_t *out = w->scratch;
	uint32_t seq = get_be32(ip + ihl + 4);
	uint16_t id = get_be16(ip + 4);

	for (size_t off = 0; off < payload; off += mss) {
		size_t n = payload - off < mss ? payload - off : mss;
		uint8_t *sip = out + ETH_LEN + ovh, *tcp = sip + ihl;
		memcpy(sip, ip, hlen);
		memcpy(sip + hlen, ip + hlen + off, n);
		put_be16(sip + 2, (uint16_t)(hlen + n));
		put_be16(sip + 4, id++);
		put_be16(sip + 10, 0);
		put_be16(sip + 10, csum_compute(sip, ihl));
		put_be32(tcp + 4, seq + (uint32_t)off);
		if (off + n < payload)		/* FIN and PSH on the last only */
			tcp[13] &= (uint8_t)~(TCPF_FIN | TCPF_PSH);
		if (off > 0)			/* CWR on the first only */
			tcp[13] &= 0x7f;
		put_be16(tcp + 16, 0);
		uint32_t sum = csum_pseudo_v4(sip + 12, sip + 16, IPPROTO_TCP,
		    (uint16_t)(hlen - ihl + n));
		put_be16(tcp + 16, (uint16_t)~csum_fold(csum_add(sum, tcp,
		    hlen - ihl + n)));
		tun_send(w, c, o, out, hlen + n);
	}
}

int
tunnel_forward(struct worker *w, struct pkt *p, const struct netio_frame *f,
    const struct conn *c)
{
	struct tun_out o;
	size_t ovh = tun_overhead(c->dest);

	if (p->daddr.af != AF_INET)
		return CNT_DROP_PROTO;		/* IPv6 in IPv4: not yet */
	if (l2_next_hop(&w->d->l2, c->daddr, &o.oif, o.mac) == -1)
		return o.oif ? CNT_DROP_NO_NEIGH : CNT_DROP_NO_ROUTE;
	if (l2_route_source(&w->d->l2, c->daddr, &o.src, &o.mtu) == -1)
		return CNT_DROP_NO_ROUTE;
	engine_source_mac(w->d, o.oif, AF_INET, o.smac);
	if (f->gso == NETIO_GSO_TCPV4 && f->gso_size) {
		const uint8_t *ip = p->frame + p->l3_off;
		size_t ihl = (size_t)(ip[0] & 0xf) * 4;
		size_t hlen = ihl + (size_t)(ip[ihl + 12] >> 4) * 4;
		if (f->gso_size + hlen + ovh > o.mtu) {
			/* TCP always sets DF: tell the client the room left. */
			send_frag_needed(w, p, o.mtu - (unsigned)ovh);
			return CNT_DROP_TUN_MTU;
		}
		tun_segment(w, p, c, &o, f->gso_size);
		return 0;
	}
	if (f->gso != NETIO_GSO_NONE)
		return CNT_DROP_TUN_GSO;
	if (p->l3_len + ovh > o.mtu) {
		if (get_be16(p->frame + p->l3_off + 6) & 0x4000)
			send_frag_needed(w, p, o.mtu - (unsigned)ovh);
		return CNT_DROP_TUN_MTU;
	}
	if (ETH_LEN + ovh + p->l3_len > NETIO_COPY_MAX)
		return CNT_DROP_TUN_MTU;
	memcpy(w->scratch + ETH_LEN + ovh, p->frame + p->l3_off, p->l3_len);
	if ((p->csum_flags & FRAME_CSUM_PARTIAL) &&
	    (p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP))
		complete_partial(w->scratch + ETH_LEN + ovh, p->l3_len);
	tun_send(w, c, &o, w->scratch, p->l3_len);
	return 0;
}
