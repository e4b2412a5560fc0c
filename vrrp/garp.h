/* Gratuitous ARP and unsolicited neighbour advertisement frames for a
 * VIP, with the virtual router MAC as sender (vrrp_garp_). */
#ifndef TANDEM_VRRP_GARP_H
#define TANDEM_VRRP_GARP_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define VRRP_GARP_MAX	90

/* An ARP request announcing vip at mac (RFC 5227 announcement form:
 * sender and target address both the VIP), padded to 60 bytes. */
int	vrrp_garp_arp(const uint8_t mac[6], const struct tnd_addr *vip,
	    uint8_t *buf, size_t cap);
/* An unsolicited NA (override flag) for vip at mac, from src (link-local)
 * to ff02::1. */
int	vrrp_garp_na(const uint8_t mac[6], const struct tnd_addr *src,
	    const struct tnd_addr *vip, uint8_t *buf, size_t cap);

#endif
