/* DNS query building and reply checking for the dns check. */
#include "dns_wire.h"
#include "cursor.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static const struct { const char *name; uint16_t type; } qtypes[] = {
	{ "A", 1 }, { "NS", 2 }, { "CNAME", 5 }, { "SOA", 6 }, { "PTR", 12 },
	{ "MX", 15 }, { "TXT", 16 }, { "AAAA", 28 }, { "SRV", 33 },
};

static const char *const rcodes[] = { "NOERROR", "FORMERR", "SERVFAIL",
	"NXDOMAIN", "NOTIMP", "REFUSED" };

int
dns_qtype(const char *name)
{
	for (size_t i = 0; i < sizeof(qtypes) / sizeof(qtypes[0]); i++)
		if (strcmp(qtypes[i].name, name) == 0)
			return qtypes[i].type;
	return -1;
}

int
dns_query_build(uint8_t *buf, size_t len, uint16_t id, const char *name,
    uint16_t qtype)
{
	size_t off = 12;
	const char *p = name;

	if (len < 12 + 1 + 4)
		return -1;
	memset(buf, 0, 12);
	put_be16(buf, id);
	put_be16(buf + 2, 0x0100);	/* RD */
	put_be16(buf + 4, 1);		/* QDCOUNT */
	while (*p && strcmp(p, ".") != 0) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		if (n == 0 || n > 63 || off + 1 + n + 5 > len)
			return -1;
		buf[off++] = (uint8_t)n;
		memcpy(buf + off, p, n);
		off += n;
		p += n + (dot ? 1 : 0);
	}
	if (off + 5 > len || off - 12 > 254)
		return -1;
	buf[off++] = 0;
	put_be16(buf + off, qtype);
	put_be16(buf + off + 2, 1);	/* IN */
	return (int)(off + 4);
}

/* Skip a possibly compressed name. */
static void
skip_name(struct cursor *c)
{
	for (int labels = 0; cur_ok(c) && labels < 128; labels++) {
		uint8_t n = cur_u8(c);
		if (n == 0)
			return;
		if ((n & 0xc0) == 0xc0) {
			cur_u8(c);
			return;
		}
		if (n & 0xc0) {
			cur_skip(c, cur_left(c) + 1);	/* invalid: fail */
			return;
		}
		cur_skip(c, n);
	}
	cur_skip(c, cur_left(c) + 1);
}

int
dns_reply_check(const uint8_t *buf, size_t len, uint16_t id, uint16_t qtype,
    const struct tnd_addr *expect, char *why, size_t whylen)
{
	struct cursor c;
	uint16_t rid, flags, qd, an, matched = 0, found = 0;

	cur_init(&c, buf, len);
	rid = cur_be16(&c);
	flags = cur_be16(&c);
	qd = cur_be16(&c);
	an = cur_be16(&c);
	cur_skip(&c, 4);
	if (!cur_ok(&c)) {
		snprintf(why, whylen, "reply too short");
		return 0;
	}
	if (rid != id || !(flags & 0x8000)) {
		snprintf(why, whylen, "not a reply to our query");
		return 0;
	}
	if ((flags & 0xf) != 0) {
		unsigned rc = flags & 0xf;
		snprintf(why, whylen, "rcode %s", rc < 6 ? rcodes[rc] : "?");
		return 0;
	}
	for (unsigned i = 0; i < qd && cur_ok(&c); i++) {
		skip_name(&c);
		cur_skip(&c, 4);
	}
	for (unsigned i = 0; i < an && cur_ok(&c); i++) {
		skip_name(&c);
		uint16_t type = cur_be16(&c);
		cur_skip(&c, 6);	/* class, ttl */
		uint16_t rdlen = cur_be16(&c);
		const uint8_t *rd = cur_take(&c, rdlen);
		if (!cur_ok(&c))
			break;
		if (type != qtype)
			continue;
		matched++;
		if (expect && expect->af && ((type == 1 && rdlen == 4 &&
		    expect->af == AF_INET && memcmp(rd, expect->bytes, 4) == 0) ||
		    (type == 28 && rdlen == 16 && expect->af == AF_INET6 &&
		    memcmp(rd, expect->bytes, 16) == 0)))
			found++;
	}
	if (!cur_ok(&c)) {
		snprintf(why, whylen, "malformed reply");
		return 0;
	}
	if (matched == 0) {
		snprintf(why, whylen, "no answer of the asked type");
		return 0;
	}
	if (expect && expect->af && !found) {
		snprintf(why, whylen, "the expected address is not answered");
		return 0;
	}
	snprintf(why, whylen, "%u answer(s)", matched);
	return 1;
}
