/* Rewriting frames for the way out: L2 addresses (DR), destination or
 * source address and port with incremental checksums (NAT), and the ARP
 * frames the engine sends for owned VIPs. Pure functions on buffers. */
#ifndef TANDEM_XMIT_H
#define TANDEM_XMIT_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "frame.h"

#define ARP_FRAME_LEN	60	/* padded to the Ethernet minimum */
#define ND_FRAME_LEN	86	/* Ethernet, IPv6, NA with one option */

void	xmit_set_l2(uint8_t *frame, const uint8_t dst[6], const uint8_t src[6]);
/* NAT inbound: destination becomes daddr:dport. */
void	xmit_nat_dnat(struct pkt *p, const struct tnd_addr *daddr,
	    uint16_t dport);
/* NAT outbound: source becomes saddr:sport. */
void	xmit_nat_snat(struct pkt *p, const struct tnd_addr *saddr,
	    uint16_t sport);
/* An ARP reply from vmac/vip to the requester in req. */
size_t	xmit_arp_reply(uint8_t out[ARP_FRAME_LEN], const struct arp *req,
	    const uint8_t vmac[6], const uint8_t vip[4]);
/* A neighbour advertisement for target at vmac, to dst (solicited), or to
 * all nodes (unsolicited, on takeover). */
size_t	xmit_nd_advert(uint8_t out[ND_FRAME_LEN], const uint8_t vmac[6],
	    const uint8_t target[16], const uint8_t dst_mac[6],
	    const uint8_t dst_ip[16], int solicited);
/* A gratuitous ARP request announcing vip at vmac. */
size_t	xmit_garp(uint8_t out[ARP_FRAME_LEN], const uint8_t vmac[6],
	    const uint8_t vip[4]);

#endif
