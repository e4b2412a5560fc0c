/* Address parsing and printing. */
#include "addr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t
get_last32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

int
addr_parse(const char *s, struct tnd_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->bytes) == 1) {
		a->af = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->bytes) == 1) {
		a->af = AF_INET6;
		return 0;
	}
	return -1;
}

int
addr_parse_prefix(const char *s, struct tnd_addr *a, int *prefix)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	char *end;
	long v;

	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (addr_parse(buf, a) == -1)
		return -1;
	if (slash == NULL) {
		*prefix = a->af == AF_INET ? 32 : 128;
		return 0;
	}
	errno = 0;
	v = strtol(slash + 1, &end, 10);
	if (errno || end == slash + 1 || *end != '\0' || v < 0 ||
	    v > (a->af == AF_INET ? 32 : 128))
		return -1;
	*prefix = (int)v;
	return 0;
}

int
addr_parse_port(const char *s, struct tnd_addr *a, uint16_t *port)
{
	char buf[64];
	const char *colon, *host = s;
	size_t n;
	char *end;
	long v;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (close == NULL || close[1] != ':')
			return -1;
		host = s + 1;
		n = (size_t)(close - host);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			return -1;
		n = (size_t)(colon - s);
	}
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, host, n);
	buf[n] = '\0';
	if (addr_parse(buf, a) == -1)
		return -1;
	errno = 0;
	v = strtol(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end != '\0' || v < 0 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

const char *
addr_str(const struct tnd_addr *a, char *buf, size_t len)
{
	if (inet_ntop(a->af == AF_INET6 ? AF_INET6 : AF_INET, a->bytes, buf,
	    (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

int
addr_in_prefix(const struct tnd_addr *a, const struct tnd_addr *net,
    int prefix)
{
	int full = prefix / 8, rest = prefix % 8;

	if (a->af != net->af)
		return 0;
	if (memcmp(a->bytes, net->bytes, (size_t)full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a->bytes[full] & mask) == (net->bytes[full] & mask);
}

static int
parse_ports(const char *s, uint16_t *lo, uint16_t *hi)
{
	char *end;
	long a, b;

	errno = 0;
	a = strtol(s, &end, 10);
	if (errno || end == s || a < 0 || a > 65535)
		return -1;
	b = a;
	if (*end == '-') {
		const char *t = end + 1;
		b = strtol(t, &end, 10);
		if (errno || end == t || b < a || b > 65535)
			return -1;
	}
	if (*end != '\0')
		return -1;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

/* "ADDR-LAST": LAST replaces the last byte (IPv4) or 16-bit group (IPv6),
 * as keepalived writes ranges. */
static int
parse_short_end(const struct tnd_addr *lo, const char *s, struct tnd_addr *hi)
{
	char *end;
	long v;

	if (addr_parse(s, hi) == 0)
		return 0;
	errno = 0;
	v = strtol(s, &end, lo->af == AF_INET6 ? 16 : 10);
	if (errno || end == s || *end != '\0' || v < 0 ||
	    v > (lo->af == AF_INET6 ? 0xffff : 255))
		return -1;
	*hi = *lo;
	if (lo->af == AF_INET6) {
		hi->bytes[14] = (uint8_t)(v >> 8);
		hi->bytes[15] = (uint8_t)v;
	} else {
		hi->bytes[3] = (uint8_t)v;
	}
	return 0;
}

int
addr_range_parse(const char *s, struct addr_range *r)
{
	char buf[128], *ports, *dash, *slash;
	int prefix, len;

	if (strlen(s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, strlen(s) + 1);
	memset(r, 0, sizeof(*r));
	r->phi = 65535;
	if ((ports = strchr(buf, ' ')) != NULL) {
		*ports++ = '\0';
		while (*ports == ' ')
			ports++;
		if (parse_ports(ports, &r->plo, &r->phi) == -1)
			return -1;
	}
	if ((slash = strchr(buf, '/')) != NULL) {
		if (addr_parse_prefix(buf, &r->lo, &prefix) == -1)
			return -1;
		len = r->lo.af == AF_INET ? 4 : 16;
		r->hi = r->lo;
		for (int i = 0; i < len; i++) {
			int keep = prefix - 8 * i;
			uint8_t mask = keep >= 8 ? 0xff : keep <= 0 ? 0 :
			    (uint8_t)(0xff << (8 - keep));
			r->lo.bytes[i] &= mask;
			r->hi.bytes[i] |= (uint8_t)~mask;
		}
		return 0;
	}
	if ((dash = strchr(buf, '-')) != NULL)
		*dash++ = '\0';
	if (addr_parse(buf, &r->lo) == -1)
		return -1;
	if (dash == NULL) {
		r->hi = r->lo;
		return 0;
	}
	if (parse_short_end(&r->lo, dash, &r->hi) == -1 ||
	    r->hi.af != r->lo.af ||
	    memcmp(r->lo.bytes, r->hi.bytes, r->lo.af == AF_INET ? 4 : 16) > 0)
		return -1;
	return 0;
}

int
addr_range_has(const struct addr_range *r, const struct tnd_addr *a,
    uint16_t port)
{
	size_t len = a->af == AF_INET ? 4 : 16;

	return a->af == r->lo.af && port >= r->plo && port <= r->phi &&
	    memcmp(a->bytes, r->lo.bytes, len) >= 0 &&
	    memcmp(a->bytes, r->hi.bytes, len) <= 0;
}

unsigned
addr_range_count(const struct addr_range *r, unsigned limit)
{
	size_t len = r->lo.af == AF_INET ? 4 : 16;
	uint64_t span = 0;

	/* Only the last 4 bytes can differ within the limits we use. */
	if (memcmp(r->lo.bytes, r->hi.bytes, len - 4) != 0)
		return limit;
	span = (uint64_t)get_last32(r->hi.bytes + len - 4) -
	    get_last32(r->lo.bytes + len - 4) + 1;
	return span > limit ? limit : (unsigned)span;
}

void
addr_range_nth(const struct addr_range *r, unsigned n, struct tnd_addr *out)
{
	size_t len = r->lo.af == AF_INET ? 4 : 16;
	uint32_t v = get_last32(r->lo.bytes + len - 4) + n;

	*out = r->lo;
	out->bytes[len - 4] = (uint8_t)(v >> 24);
	out->bytes[len - 3] = (uint8_t)(v >> 16);
	out->bytes[len - 2] = (uint8_t)(v >> 8);
	out->bytes[len - 1] = (uint8_t)v;
}

socklen_t
addr_sockaddr(const struct tnd_addr *a, uint16_t port, unsigned scope,
    struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->af == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, a->bytes, 4);
		return sizeof(*s4);
	}
	if (a->af == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, a->bytes, 16);
		if (IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr) ||
		    IN6_IS_ADDR_MC_LINKLOCAL(&s6->sin6_addr))
			s6->sin6_scope_id = scope;
		return sizeof(*s6);
	}
	return 0;
}
