/* Gratuitous ARP and unsolicited NA frames, built byte by byte. */
#include "garp.h"

#include "csum.h"
#include "cursor.h"

#include <string.h>

int
vrrp_garp_arp(const uint8_t mac[6], const struct tnd_addr *vip,
    uint8_t *buf, size_t cap)
{
	if (cap < 60 || vip->af != AF_INET)
		return -1;
	memset(buf, 0, 60);
	memset(buf, 0xff, 6);
	memcpy(buf + 6, mac, 6);
	put_be16(buf + 12, 0x0806);
	put_be16(buf + 14, 1);		/* Ethernet */
	put_be16(buf + 16, 0x0800);
	buf[18] = 6;
	buf[19] = 4;
	put_be16(buf + 20, 1);		/* request */
	memcpy(buf + 22, mac, 6);
	memcpy(buf + 28, vip->bytes, 4);
	memcpy(buf + 38, vip->bytes, 4);
	return 60;
}

int
vrrp_garp_na(const uint8_t mac[6], const struct tnd_addr *src,
    const struct tnd_addr *vip, uint8_t *buf, size_t cap)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
	uint8_t *ip = buf + 14, *icmp = buf + 54;
	uint32_t sum;

	if (cap < 86 || vip->af != AF_INET6)
		return -1;
	memset(buf, 0, 86);
	buf[0] = 0x33; buf[1] = 0x33; buf[5] = 0x01;
	memcpy(buf + 6, mac, 6);
	put_be16(buf + 12, 0x86dd);
	ip[0] = 0x60;
	put_be16(ip + 4, 32);
	ip[6] = 58;
	ip[7] = 255;
	memcpy(ip + 8, src->bytes, 16);
	memcpy(ip + 24, all_nodes, 16);
	icmp[0] = 136;
	icmp[4] = 0x20;			/* Override */
	memcpy(icmp + 8, vip->bytes, 16);
	icmp[24] = 2;			/* target link-layer address */
	icmp[25] = 1;
	memcpy(icmp + 26, mac, 6);
	sum = csum_add(0, ip + 8, 32);
	sum += 32 + 58;
	put_be16(icmp + 2, (uint16_t)~csum_fold(csum_add(sum, icmp, 32)));
	return 86;
}
