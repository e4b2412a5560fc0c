/* Address parsing and printing. */
#include "addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

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
