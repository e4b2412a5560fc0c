/* Frame rewriting for DR and NAT, and ARP frame construction. */
#include "xmit.h"
#include "crc32c.h"
#include "csum.h"
#include "cursor.h"

#include <netinet/in.h>
#include <string.h>

void
xmit_set_l2(uint8_t *frame, const uint8_t dst[6], const uint8_t src[6])
{
	memcpy(frame, dst, 6);
	memcpy(frame + 6, src, 6);
}

/* Rewrite one address and port of the IP header and its L4 header, fixing
 * the IPv4 header checksum and the L4 checksum incrementally. A partial
 * checksum (CHECKSUM_PARTIAL frames) covers the pseudo header only, so
 * only the address changes it; the port is summed later by whoever
 * completes the checksum. */
static void
nat_rewrite(struct pkt *p, int dst, const struct tnd_addr *a, uint16_t port)
{
	int v6 = p->saddr.af == AF_INET6;
	size_t alen = v6 ? 16 : 4;
	uint8_t *ip = p->frame + p->l3_off;
	uint8_t *l4 = p->frame + p->l4_off;
	uint8_t *addrp = ip + (v6 ? (dst ? 24 : 8) : (dst ? 16 : 12));
	uint8_t *portp = l4 + (dst ? 2 : 0);
	uint8_t *l4sum = p->frame + p->l4_csum_off;
	int partial = (p->csum_flags & FRAME_CSUM_PARTIAL) != 0;
	uint16_t old_p = get_be16(portp);
	int udp_nosum = !v6 && p->proto == IPPROTO_UDP && get_be16(l4sum) == 0;

	if (!v6)
		csum_replace4(ip + 10, get_be32(addrp), get_be32(a->bytes));
	if (p->proto == IPPROTO_SCTP) {
		/* CRC32c covers no pseudo header: only the port matters, and
		 * a CRC is recomputed, not patched. */
		memcpy(addrp, a->bytes, alen);
		put_be16(portp, port);
		sctp_csum_set(l4, p->l4_len);
		goto done;
	}
	if (!udp_nosum) {
		csum_replace_bytes(l4sum, addrp, a->bytes, alen, partial);
		if (!partial)
			csum_replace2(l4sum, old_p, port);
		/* 0 means "no checksum" in UDP; send its equivalent. */
		if (p->proto == IPPROTO_UDP && get_be16(l4sum) == 0 && !partial)
			put_be16(l4sum, 0xffff);
	}
	memcpy(addrp, a->bytes, alen);
	put_be16(portp, port);
done:
	if (dst) {
		p->daddr = *a;
		p->dport = port;
	} else {
		p->saddr = *a;
		p->sport = port;
	}
}

void
xmit_nat_dnat(struct pkt *p, const struct tnd_addr *daddr, uint16_t dport)
{
	nat_rewrite(p, 1, daddr, dport);
}

void
xmit_nat_snat(struct pkt *p, const struct tnd_addr *saddr, uint16_t sport)
{
	nat_rewrite(p, 0, saddr, sport);
}

static size_t
arp_frame(uint8_t *out, const uint8_t eth_dst[6], const uint8_t src_mac[6],
    uint16_t op, const uint8_t spa[4], const uint8_t tha[6],
    const uint8_t tpa[4])
{
	memset(out, 0, ARP_FRAME_LEN);
	memcpy(out, eth_dst, 6);
	memcpy(out + 6, src_mac, 6);
	put_be16(out + 12, ETHERTYPE_ARP);
	put_be16(out + 14, 1);			/* Ethernet */
	put_be16(out + 16, ETHERTYPE_IPV4);
	out[18] = 6;
	out[19] = 4;
	put_be16(out + 20, op);
	memcpy(out + 22, src_mac, 6);
	memcpy(out + 28, spa, 4);
	memcpy(out + 32, tha, 6);
	memcpy(out + 38, tpa, 4);
	return ARP_FRAME_LEN;
}

size_t
xmit_arp_reply(uint8_t out[ARP_FRAME_LEN], const struct arp *req,
    const uint8_t vmac[6], const uint8_t vip[4])
{
	return arp_frame(out, req->sha, vmac, 2, vip, req->sha, req->spa);
}

size_t
xmit_garp(uint8_t out[ARP_FRAME_LEN], const uint8_t vmac[6],
    const uint8_t vip[4])
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t zero[6];

	return arp_frame(out, bcast, vmac, 1, vip, zero, vip);
}

size_t
xmit_nd_advert(uint8_t out[ND_FRAME_LEN], const uint8_t vmac[6],
    const uint8_t target[16], const uint8_t dst_mac[6],
    const uint8_t dst_ip[16], int solicited)
{
	uint8_t *ip = out + 14, *icmp = out + 54;

	memset(out, 0, ND_FRAME_LEN);
	memcpy(out, dst_mac, 6);
	memcpy(out + 6, vmac, 6);
	put_be16(out + 12, ETHERTYPE_IPV6);
	ip[0] = 0x60;
	put_be16(ip + 4, 32);			/* NA + target LL option */
	ip[6] = IPPROTO_ICMPV6;
	ip[7] = 255;				/* RFC 4861: hop limit 255 */
	memcpy(ip + 8, target, 16);
	memcpy(ip + 24, dst_ip, 16);
	icmp[0] = ND_NA_;
	/* Router 0, Solicited as asked, Override 1. */
	icmp[4] = (uint8_t)((solicited ? 0x40 : 0) | 0x20);
	memcpy(icmp + 8, target, 16);
	icmp[24] = 2;				/* target link-layer address */
	icmp[25] = 1;
	memcpy(icmp + 26, vmac, 6);
	uint32_t sum = csum_pseudo_v6(ip + 8, ip + 24, IPPROTO_ICMPV6, 32);
	put_be16(icmp + 2, (uint16_t)~csum_fold(csum_add(sum, icmp, 32)));
	return ND_FRAME_LEN;
}
