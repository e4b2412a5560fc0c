/* IPv6 frame decoding: the fixed header, a bounded walk over extension
 * headers (hop-by-hop, routing, destination options; a fragment header
 * means a fragment, which is refused), then TCP, UDP or ICMPv6, and the
 * neighbour solicitations the engine answers for owned VIPs. */
#include "frame.h"
#include "csum.h"
#include "cursor.h"

#include <netinet/in.h>

#define NH_HOPOPTS	0
#define NH_ROUTING	43
#define NH_FRAGMENT	44
#define NH_DSTOPTS	60
#define NH_NONE		59

/* Skip extension headers from *next; leaves the cursor at the upper-layer
 * header and *next naming it. */
static int
skip_ext_headers(struct cursor *c, uint8_t *next)
{
	for (int n = 0;; n++) {
		switch (*next) {
		case NH_HOPOPTS:
		case NH_ROUTING:
		case NH_DSTOPTS:
			break;
		case NH_FRAGMENT:
			return CNT_DROP_FRAGMENT;
		default:
			return 0;
		}
		if (n == IPV6_EXT_MAX)
			return CNT_DROP_IPV6_EXT;
		uint8_t nh = cur_u8(c);
		size_t len = ((size_t)cur_u8(c) + 1) * 8;
		if (!cur_ok(c) || cur_skip(c, len - 2) == -1)
			return CNT_DROP_IPV6_EXT;
		*next = nh;
	}
}

int
frame_decode_ipv6(struct pkt *p, struct cursor *c)
{
	size_t l3 = cur_off(c);
	const uint8_t *h = cur_take(c, 40);

	if (h == NULL)
		return CNT_DROP_TRUNC_IP;
	if (h[0] >> 4 != 6)
		return CNT_DROP_IP_VERSION;
	size_t plen = get_be16(h + 4);
	if (plen == 0 || plen > p->len - l3 - 40)	/* no jumbograms */
		return CNT_DROP_BAD_IP_LEN;
	if (h[7] == 0)
		return CNT_DROP_TTL;
	p->l3_off = l3;
	p->l3_len = 40 + plen;
	p->saddr.af = p->daddr.af = AF_INET6;
	memcpy(p->saddr.bytes, h + 8, 16);
	memcpy(p->daddr.bytes, h + 24, 16);

	/* Walk within the datagram, not the (padded) frame. */
	struct cursor in;
	cur_init(&in, p->frame, l3 + 40 + plen);
	cur_skip(&in, l3 + 40);
	uint8_t next = h[6];
	int rc = skip_ext_headers(&in, &next);
	if (rc)
		return rc;
	if (next == NH_NONE)
		return CNT_DROP_PROTO;
	p->proto = next;
	p->l4_len = l3 + 40 + plen - cur_off(&in);
	if ((rc = frame_decode_l4(p, &in)) != 0)
		return rc;
	if (p->proto != IPPROTO_ICMPV6 && p->proto != IPPROTO_SCTP &&
	    !frame_l4_csum_ok(p))
		return CNT_DROP_BAD_L4_CSUM;
	return 0;
}

int
frame_decode_ns(const struct pkt *p, struct nd_ns *ns)
{
	struct cursor c;

	memset(ns, 0, sizeof(*ns));
	/* RFC 4861 7.1.1: hop limit 255, code 0, at least 24 bytes. */
	if (p->proto != IPPROTO_ICMPV6 || p->icmp_type != ND_NS_ ||
	    p->icmp_code != 0 || p->frame[p->l3_off + 7] != 255 ||
	    p->l4_len < 24)
		return CNT_DROP_BAD_ND;
	cur_init(&c, p->frame, p->l4_off + p->l4_len);
	cur_skip(&c, p->l4_off + 8);
	cur_copy(&c, ns->target, 16);
	while (cur_ok(&c) && cur_left(&c) >= 8) {
		uint8_t type = cur_u8(&c);
		size_t len = (size_t)cur_u8(&c) * 8;
		if (len == 0)
			return CNT_DROP_BAD_ND;
		if (type == 1 && len == 8) {
			cur_copy(&c, ns->sll, 6);
			ns->has_sll = 1;
		} else {
			cur_skip(&c, len - 2);
		}
	}
	return cur_ok(&c) ? 0 : CNT_DROP_BAD_ND;
}
