/* Frame decoding: every length is checked before any field is read. */
#include "frame.h"
#include "crc32c.h"
#include "csum.h"
#include "cursor.h"
#include "proto_sctp.h"

#include <netinet/in.h>

/* The datagram an ICMP error quotes: an IPv4 header and at least the
 * ports of TCP or UDP (RFC 792 guarantees 8 bytes of it). */
static int
decode_icmp_quote6(struct pkt *p, struct cursor *c)
{
	size_t l3 = cur_off(c);
	const uint8_t *h = cur_take(c, 40);

	/* Only a quote whose next header is TCP or UDP right away: that is
	 * what the connections we forward send. */
	if (h == NULL || h[0] >> 4 != 6 ||
	    (h[6] != IPPROTO_TCP && h[6] != IPPROTO_UDP))
		return CNT_DROP_ICMP_QUOTE;
	p->in_proto = h[6];
	p->in_l3_off = l3;
	p->in_l4_off = cur_off(c);
	p->in_saddr.af = p->in_daddr.af = AF_INET6;
	memcpy(p->in_saddr.bytes, h + 8, 16);
	memcpy(p->in_daddr.bytes, h + 24, 16);
	p->in_sport = cur_be16(c);
	p->in_dport = cur_be16(c);
	return cur_ok(c) ? 0 : CNT_DROP_ICMP_QUOTE;
}

static int
decode_icmp_quote(struct pkt *p, struct cursor *c)
{
	if (p->saddr.af == AF_INET6)
		return decode_icmp_quote6(p, c);

	size_t l3 = cur_off(c);
	const uint8_t *h = cur_take(c, 20);

	if (h == NULL || h[0] >> 4 != 4 || (h[0] & 0xf) < 5)
		return CNT_DROP_ICMP_QUOTE;
	size_t ihl = (size_t)(h[0] & 0xf) * 4;
	if (cur_skip(c, ihl - 20) == -1 || (get_be16(h + 6) & 0x1fff) != 0)
		return CNT_DROP_ICMP_QUOTE;
	p->in_proto = h[9];
	if (p->in_proto != IPPROTO_TCP && p->in_proto != IPPROTO_UDP)
		return CNT_DROP_ICMP_QUOTE;
	p->in_l3_off = l3;
	p->in_l4_off = cur_off(c);
	p->in_saddr.af = p->in_daddr.af = AF_INET;
	memcpy(p->in_saddr.bytes, h + 12, 4);
	memcpy(p->in_daddr.bytes, h + 16, 4);
	p->in_sport = cur_be16(c);
	p->in_dport = cur_be16(c);
	return cur_ok(c) ? 0 : CNT_DROP_ICMP_QUOTE;
}

static int
decode_icmp(struct pkt *p, struct cursor *c)
{
	size_t start = cur_off(c);

	p->icmp_type = cur_u8(c);
	p->icmp_code = cur_u8(c);
	cur_skip(c, 6);			/* checksum, rest of header */
	if (!cur_ok(c))
		return CNT_DROP_TRUNC_L4;
	p->l4_csum_off = start + 2;
	if (p->proto == IPPROTO_ICMPV6) {
		if (!frame_l4_csum_ok(p))
			return CNT_DROP_BAD_L4_CSUM;
	} else if (!(p->csum_flags & FRAME_CSUM_VALID) &&
	    csum_compute(p->frame + start, p->l4_len) != 0) {
		return CNT_DROP_BAD_L4_CSUM;
	}
	if (icmp_is_error_af(p->saddr.af, p->icmp_type))
		return decode_icmp_quote(p, c);
	return 0;
}

/* SCTP: the common header, every chunk header checked, the CRC32c. */
static int
decode_sctp(struct pkt *p, struct cursor *c)
{
	const uint8_t *h = cur_take(c, SCTP_HDR_LEN);
	uint8_t first = 0;

	if (h == NULL)
		return CNT_DROP_TRUNC_L4;
	p->sport = get_be16(h);
	p->dport = get_be16(h + 2);
	p->l4_csum_off = p->l4_off + SCTP_CSUM_OFF;
	int ev = sctp_event_of(h + SCTP_HDR_LEN, p->l4_len - SCTP_HDR_LEN,
	    &first);
	if (ev < 0)
		return ev == -SCTP_BAD_TRUNC ? CNT_DROP_TRUNC_L4 :
		    CNT_DROP_BAD_L4_HDR;
	p->sctp_event = (int8_t)ev;
	p->sctp_first = first;
	if (!(p->csum_flags & FRAME_CSUM_VALID) && !sctp_csum_ok(h, p->l4_len))
		return CNT_DROP_BAD_L4_CSUM;
	return 0;
}

int
frame_decode_l4(struct pkt *p, struct cursor *c)
{
	size_t l4start = cur_off(c);

	p->l4_off = l4start;
	switch (p->proto) {
	case IPPROTO_TCP: {
		if (cur_left(c) < 20)
			return CNT_DROP_TRUNC_L4;
		p->sport = cur_be16(c);
		p->dport = cur_be16(c);
		cur_skip(c, 8);			/* seq, ack */
		uint8_t doff = cur_u8(c) >> 4;
		p->tcp_flags = cur_u8(c);
		if (!cur_ok(c))
			return CNT_DROP_TRUNC_L4;
		if (doff < 5 || (size_t)doff * 4 > p->l4_len)
			return CNT_DROP_BAD_L4_HDR;
		p->l4_csum_off = l4start + 16;
		break;
	}
	case IPPROTO_UDP: {
		p->sport = cur_be16(c);
		p->dport = cur_be16(c);
		uint16_t ulen = cur_be16(c);
		if (!cur_ok(c))
			return CNT_DROP_TRUNC_L4;
		if (ulen < 8 || ulen > p->l4_len)
			return CNT_DROP_BAD_L4_HDR;
		p->l4_csum_off = l4start + 6;
		break;
	}
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return decode_icmp(p, c);
	case IPPROTO_SCTP:
		return decode_sctp(p, c);
	default:
		return CNT_DROP_PROTO;
	}
	return 0;
}

int
frame_l4_csum_ok(const struct pkt *p)
{
	uint32_t sum;

	if (p->csum_flags & (FRAME_CSUM_PARTIAL | FRAME_CSUM_VALID))
		return 1;
	if (p->saddr.af == AF_INET6) {
		/* IPv6 has no UDP without a checksum (RFC 8200 8.1). */
		sum = csum_pseudo_v6(p->saddr.bytes, p->daddr.bytes, p->proto,
		    (uint32_t)p->l4_len);
	} else {
		if (p->proto == IPPROTO_UDP &&
		    get_be16(p->frame + p->l4_csum_off) == 0)
			return 1;	/* UDP over IPv4 without a checksum */
		sum = csum_pseudo_v4(p->saddr.bytes, p->daddr.bytes, p->proto,
		    (uint16_t)p->l4_len);
	}
	sum = csum_add(sum, p->frame + p->l4_off, p->l4_len);
	return csum_fold(sum) == 0xffff;
}

static int
decode_ipv4(struct pkt *p, struct cursor *c)
{
	size_t l3 = cur_off(c);
	const uint8_t *h = cur_take(c, 20);

	if (h == NULL)
		return CNT_DROP_TRUNC_IP;
	if (h[0] >> 4 != 4)
		return CNT_DROP_IP_VERSION;
	size_t ihl = (size_t)(h[0] & 0xf) * 4;
	if (ihl < 20)
		return CNT_DROP_BAD_IHL;
	size_t tot = get_be16(h + 2);
	if (tot < 20)
		return CNT_DROP_BAD_IP_LEN;
	if (ihl > tot)
		return CNT_DROP_BAD_IHL;
	if (tot > p->len - l3)
		return CNT_DROP_BAD_IP_LEN;
	if (ihl > 20)
		return cur_skip(c, ihl - 20) == 0 ? CNT_DROP_IP_OPTIONS :
		    CNT_DROP_BAD_IHL;
	uint16_t frag = get_be16(h + 6);
	if (frag & 0x3fff)		/* MF set or a non-zero offset */
		return CNT_DROP_FRAGMENT;
	if (csum_compute(h, ihl) != 0)
		return CNT_DROP_BAD_IP_CSUM;
	if (h[8] == 0)		/* we do not route: only TTL 0 is invalid */
		return CNT_DROP_TTL;

	p->l3_off = l3;
	p->l3_len = tot;
	p->proto = h[9];
	p->saddr.af = p->daddr.af = AF_INET;
	memcpy(p->saddr.bytes, h + 12, 4);
	memcpy(p->daddr.bytes, h + 16, 4);
	p->l4_len = tot - ihl;

	/* Decode L4 within the IP datagram, not the (padded) frame. */
	struct cursor l4c;
	cur_init(&l4c, p->frame, l3 + tot);
	cur_skip(&l4c, l3 + ihl);
	int rc = frame_decode_l4(p, &l4c);
	if (rc)
		return rc;
	if (p->proto != IPPROTO_ICMP && p->proto != IPPROTO_SCTP &&
	    !frame_l4_csum_ok(p))
		return CNT_DROP_BAD_L4_CSUM;
	return 0;
}

int
frame_decode(struct pkt *p, uint8_t *frame, size_t len, int csum_flags)
{
	struct cursor c;

	memset(p, 0, sizeof(*p));
	p->frame = frame;
	p->len = len;
	p->csum_flags = csum_flags;
	cur_init(&c, frame, len);
	if (cur_skip(&c, 12) == -1)
		return CNT_DROP_TRUNC_ETH;
	p->ethertype = cur_be16(&c);
	if (!cur_ok(&c))
		return CNT_DROP_TRUNC_ETH;
	switch (p->ethertype) {
	case ETHERTYPE_ARP:
		p->l3_off = cur_off(&c);
		return 0;
	case ETHERTYPE_IPV4:
		return decode_ipv4(p, &c);
	case ETHERTYPE_IPV6:
		return frame_decode_ipv6(p, &c);
	default:
		return CNT_DROP_ETHERTYPE;
	}
}

int
frame_decode_arp(const struct pkt *p, struct arp *a)
{
	struct cursor c;

	cur_init(&c, p->frame, p->len);
	cur_skip(&c, p->l3_off);
	uint16_t htype = cur_be16(&c);
	uint16_t ptype = cur_be16(&c);
	uint8_t hlen = cur_u8(&c);
	uint8_t plen = cur_u8(&c);
	a->op = cur_be16(&c);
	cur_copy(&c, a->sha, 6);
	cur_copy(&c, a->spa, 4);
	cur_copy(&c, a->tha, 6);
	cur_copy(&c, a->tpa, 4);
	if (!cur_ok(&c) || htype != 1 || ptype != ETHERTYPE_IPV4 ||
	    hlen != 6 || plen != 4)
		return CNT_DROP_BAD_ARP;
	return 0;
}
