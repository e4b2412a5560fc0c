/* Addresses as Tandem stores them: family plus bytes in network order,
 * with parsing and printing for config, control messages and listings. */
#ifndef TANDEM_ADDR_H
#define TANDEM_ADDR_H

#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

struct tnd_addr {
	uint8_t		af;		/* AF_INET or AF_INET6 */
	uint8_t		bytes[16];	/* v4 uses the first 4 */
};

/* "10.0.0.1" or "fe80::1"; returns 0 or -1. */
int	 addr_parse(const char *s, struct tnd_addr *a);
/* "10.0.0.1/24" (prefix optional: full length when absent). */
int	 addr_parse_prefix(const char *s, struct tnd_addr *a, int *prefix);
/* "10.0.0.1:80" or "[fe80::1]:80" (port required). */
int	 addr_parse_port(const char *s, struct tnd_addr *a, uint16_t *port);
const char *addr_str(const struct tnd_addr *a, char *buf, size_t len);
/* Same family and, for the first prefix bits, the same bytes. */
int	 addr_in_prefix(const struct tnd_addr *a, const struct tnd_addr *net,
	    int prefix);

static inline int
addr_eq(const struct tnd_addr *a, const struct tnd_addr *b)
{
	return a->af == b->af &&
	    memcmp(a->bytes, b->bytes, a->af == AF_INET ? 4 : 16) == 0;
}

static inline uint32_t
addr_v4(const struct tnd_addr *a)	/* host order */
{
	return (uint32_t)a->bytes[0] << 24 | (uint32_t)a->bytes[1] << 16 |
	    (uint32_t)a->bytes[2] << 8 | a->bytes[3];
}

#define ADDR_STRLEN	46

/* The address and port (host order) as a socket address; an IPv6
 * link-local address (unicast or multicast) takes scope (an ifindex, 0
 * for none). Its length, or 0 for a family that is neither. */
socklen_t addr_sockaddr(const struct tnd_addr *a, uint16_t port,
	    unsigned scope, struct sockaddr_storage *ss);

/* A block of addresses and ports: the members of a service group, the
 * user-space stand-in for IPVS's firewall-mark services. */
struct addr_range {
	struct tnd_addr	lo, hi;		/* same family, lo <= hi */
	uint16_t	plo, phi;	/* ports; 0-65535 for all */
};

/* keepalived's virtual_server_group member syntax: "ADDR", "ADDR-LAST"
 * (the last byte or group of an address range), "ADDR-ADDR" or
 * "ADDR/PREFIX", then optionally a space and "PORT" or "PORT-PORT".
 * Returns 0 or -1. */
int	addr_range_parse(const char *s, struct addr_range *r);
int	addr_range_has(const struct addr_range *r, const struct tnd_addr *a,
	    uint16_t port);
/* How many addresses the range holds, saturated at limit. */
unsigned addr_range_count(const struct addr_range *r, unsigned limit);
/* The n-th address of the range (n < addr_range_count). */
void	addr_range_nth(const struct addr_range *r, unsigned n,
	    struct tnd_addr *out);

#endif
