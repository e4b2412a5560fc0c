/* The frame decoder: Ethernet, ARP, IPv4, TCP and UDP headers read through
 * the bounds-checked cursor into offsets and fields; any frame it cannot
 * vouch for is refused with the counter that names why. Pure: no I/O. */
#ifndef TANDEM_FRAME_H
#define TANDEM_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "addr.h"
#include "counters.h"

#define ETH_HLEN_	14
#define ETHERTYPE_IPV4	0x0800
#define ETHERTYPE_ARP	0x0806
#define ETHERTYPE_IPV6	0x86dd

#define TCPF_FIN	0x01
#define TCPF_SYN	0x02
#define TCPF_RST	0x04
#define TCPF_PSH	0x08
#define TCPF_ACK	0x10

/* What the ring told us about the frame's checksum. */
#define FRAME_CSUM_PARTIAL	0x1	/* L4 field holds the pseudo-header sum */
#define FRAME_CSUM_VALID	0x2	/* the kernel already verified it */

struct pkt {
	uint8_t		*frame;
	size_t		 len;
	int		 ifindex;
	int		 csum_flags;
	uint16_t	 ethertype;
	size_t		 l3_off, l4_off;
	size_t		 l3_len;	/* IP total length */
	size_t		 l4_len;
	uint8_t		 proto;
	uint8_t		 tcp_flags;
	struct tnd_addr	 saddr, daddr;
	uint16_t	 sport, dport;
	size_t		 l4_csum_off;	/* offset of the L4 checksum field */
	uint8_t		 icmp_type, icmp_code;
	int8_t		 sctp_event;	/* enum sctp_event of the packet */
	uint8_t		 sctp_first;	/* its first chunk's type */
	/* An ICMP error's quoted datagram: its IP header and ports. */
	size_t		 in_l3_off, in_l4_off;
	uint8_t		 in_proto;
	struct tnd_addr	 in_saddr, in_daddr;
	uint16_t	 in_sport, in_dport;
};

#define ICMP_ECHOREPLY_	0
#define ICMP_UNREACH_	3
#define ICMP_ECHO_	8
#define ICMP6_ECHO_	128
#define ICMP6_ECHOREPLY_ 129
#define ND_NS_		135
#define ND_NA_		136

#define IPV6_EXT_MAX	8	/* extension headers we walk before giving up */

/* Is this ICMP (af AF_INET) or ICMPv6 type an error that quotes a
 * datagram? */
static inline int
icmp_is_error_af(int af, uint8_t type)
{
	if (af == AF_INET6)
		return type >= 1 && type <= 4;
	return type == 3 || type == 4 || type == 11 || type == 12;
}

static inline int
icmp_is_error(uint8_t type)
{
	return icmp_is_error_af(AF_INET, type);
}

static inline int
pkt_is_icmp(const struct pkt *p)
{
	return p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6;
}

/* A neighbour solicitation's target and source link-layer address. */
struct nd_ns {
	uint8_t		 target[16];
	uint8_t		 sll[6];
	int		 has_sll;
};

struct arp {
	uint16_t	 op;
	uint8_t		 sha[6], tha[6];
	uint8_t		 spa[4], tpa[4];
};

/* Decode the Ethernet header and, for IPv4, the IP and L4 headers. Returns
 * 0, or the counter (a CNT_DROP_*) naming why the frame is refused. */
int	frame_decode(struct pkt *p, uint8_t *frame, size_t len, int csum_flags);
/* Decode a neighbour solicitation (an ICMPv6 frame frame_decode accepted
 * with icmp_type ND_NS_). */
int	frame_decode_ns(const struct pkt *p, struct nd_ns *ns);

/* Shared by frame.c and frame6.c: the L4 header at the cursor, its
 * checksum, and the IPv6 header with its extension headers. */
struct cursor;
int	frame_decode_l4(struct pkt *p, struct cursor *c);
int	frame_l4_csum_ok(const struct pkt *p);
int	frame_decode_ipv6(struct pkt *p, struct cursor *c);

/* Decode the ARP payload of a frame frame_decode accepted as ARP. */
int	frame_decode_arp(const struct pkt *p, struct arp *a);

static inline const uint8_t *pkt_eth_dst(const struct pkt *p) { return p->frame; }
static inline const uint8_t *pkt_eth_src(const struct pkt *p) { return p->frame + 6; }

#endif
