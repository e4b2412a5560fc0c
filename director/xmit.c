/* Frame rewriting for DR and NAT, and ARP frame construction. */
#include "xmit.h"
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

/* Rewrite one address and port of the IPv4 header and its L4 header,
 * fixing the IP checksum and the L4 checksum incrementally. A partial
 * checksum (CHECKSUM_PARTIAL frames) covers the pseudo header only, so
 * only the address changes it; the port is summed later by whoever
 * completes the checksum. */
static void
nat_rewrite(struct pkt *p, int dst, const struct tnd_addr *a, uint16_t port)
{
	uint8_t *ip = p->frame + p->l3_off;
	uint8_t *l4 = p->frame + p->l4_off;
	uint8_t *addrp = ip + (dst ? 16 : 12);
	uint8_t *portp = l4 + (dst ? 2 : 0);
	uint8_t *l4sum = p->frame + p->l4_csum_off;
	uint32_t old_a = get_be32(addrp), new_a = get_be32(a->bytes);
	uint16_t old_p = get_be16(portp);
	int udp_nosum = p->proto == IPPROTO_UDP && get_be16(l4sum) == 0;

	csum_replace4(ip + 10, old_a, new_a);
	if (!udp_nosum) {
		if (p->csum_flags & FRAME_CSUM_PARTIAL) {
			csum_partial_replace4(l4sum, old_a, new_a);
		} else {
			csum_replace4(l4sum, old_a, new_a);
			csum_replace2(l4sum, old_p, port);
		}
		/* 0 means "no checksum" in UDP; send its equivalent. */
		if (p->proto == IPPROTO_UDP && get_be16(l4sum) == 0 &&
		    !(p->csum_flags & FRAME_CSUM_PARTIAL))
			put_be16(l4sum, 0xffff);
	}
	put_be32(addrp, new_a);
	put_be16(portp, port);
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
