/* VRRP advertisement decoding and encoding (RFC 5798 section 5, RFC 3768
 * section 5), with the IPv4/IPv6 pseudo-header checksum of version 3 and
 * the plain checksum of version 2, and the frames Tandem sends them in. */
#include "advert.h"

#include "csum.h"
#include "cursor.h"

#include <netinet/in.h>
#include <string.h>

#define V3_F_TRAILER	0x8	/* in the reserved nibble: Tandem trailer */

static const char *const err_names[VRRP_ADV_E_MAX] = {
	"ok", "length", "ip", "ttl", "version", "type", "checksum", "count",
	"interval", "vrid", "auth", "peer", "replay",
};

const char *
vrrp_advert_err_name(enum vrrp_adv_err e)
{
	return (unsigned)e < VRRP_ADV_E_MAX ? err_names[e] : "?";
}

void
vrrp_vmac(int vrid, int af, uint8_t mac[6])
{
	static const uint8_t base[5] = { 0x00, 0x00, 0x5e, 0x00, 0x01 };

	memcpy(mac, base, 5);
	if (af == AF_INET6)
		mac[4] = 0x02;
	mac[5] = (uint8_t)vrid;
}

static size_t
alen(int af)
{
	return af == AF_INET6 ? 16 : 4;
}

/* Sum of the pseudo header of v3 (RFC 5798 5.2.8): IPv4 or IPv6. */
static uint32_t
pseudo_sum(const struct vrrp_advert *a, size_t len)
{
	uint32_t sum;

	if (a->src.af == AF_INET)
		return csum_pseudo_v4(a->src.bytes, a->dst.bytes, VRRP_PROTO,
		    (uint16_t)len);
	sum = csum_add(0, a->src.bytes, 16);
	sum = csum_add(sum, a->dst.bytes, 16);
	return sum + (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff) +
	    VRRP_PROTO;
}

/* The checksum over p as it stands (field included): 0 when correct. */
static uint16_t
sum_over(const struct vrrp_advert *a, int version, const uint8_t *p,
    size_t len)
{
	uint32_t sum = version == 3 ? pseudo_sum(a, len) : 0;

	return (uint16_t)~csum_fold(csum_add(sum, p, len));
}

void
vrrp_advert_checksum(const struct vrrp_advert *a, uint8_t *p, size_t len)
{
	put_be16(p + 6, 0);
	put_be16(p + 6, sum_over(a, a->version, p, len));
}

/* After the fixed header: addresses, v2 auth data, the Tandem trailer. */
static enum vrrp_adv_err
decode_body(struct cursor *c, int flags, struct vrrp_advert *a)
{
	size_t al = alen(a->src.af), need = a->naddr * al;
	size_t extra = a->version == 2 ? VRRP_AUTH_LEN : 0;

	if (flags & V3_F_TRAILER)
		extra += VRRP_TRAILER_LEN;
	if (a->naddr == 0 || a->naddr > VRRP_MAX_ADDRS ||
	    cur_left(c) != need + extra)
		return VRRP_ADV_E_COUNT;
	for (int i = 0; i < a->naddr; i++) {
		a->addrs[i].af = a->src.af;
		cur_copy(c, a->addrs[i].bytes, al);
	}
	if (a->version == 2)
		cur_copy(c, a->auth, VRRP_AUTH_LEN);
	if (flags & V3_F_TRAILER) {
		a->has_trailer = 1;
		a->auth_type = VRRP_AUTH_HMAC;
		a->seq = (uint64_t)cur_be32(c) << 32;
		a->seq |= cur_be32(c);
		a->hmac_off = cur_off(c);
		cur_copy(c, a->hmac, VRRP_HMAC_LEN);
	}
	return cur_ok(c) ? VRRP_ADV_OK : VRRP_ADV_E_LEN;
}

enum vrrp_adv_err
vrrp_advert_decode(const uint8_t *p, size_t len, struct vrrp_advert *a)
{
	struct cursor c;
	uint8_t vt, b4;
	int flags = 0;

	a->has_trailer = 0;
	a->auth_type = VRRP_AUTH_NONE;
	memset(a->auth, 0, sizeof(a->auth));
	cur_init(&c, p, len);
	if (a->src.af != AF_INET && a->src.af != AF_INET6)
		return VRRP_ADV_E_IP;
	if (a->ttl != VRRP_TTL && !a->any_ttl)
		return VRRP_ADV_E_TTL;
	vt = cur_u8(&c);
	a->vrid = cur_u8(&c);
	a->prio = cur_u8(&c);
	a->naddr = cur_u8(&c);
	b4 = cur_u8(&c);
	a->adv_int = cur_u8(&c);
	if (!cur_ok(&c) || cur_skip(&c, 2) == -1)
		return VRRP_ADV_E_LEN;
	a->version = vt >> 4;
	a->type = vt & 0xf;
	if (a->version != 3 && !(a->version == 2 && a->src.af == AF_INET))
		return VRRP_ADV_E_VERSION;
	if (a->type != VRRP_TYPE_ADVERT)
		return VRRP_ADV_E_TYPE;
	if (sum_over(a, a->version, p, len) != 0)
		return VRRP_ADV_E_CSUM;
	if (a->version == 3) {
		flags = b4 >> 4;
		a->adv_int = (uint16_t)((b4 & 0xf) << 8 | a->adv_int);
	} else {
		a->auth_type = b4;
		a->adv_int = (uint16_t)(a->adv_int * 100);
	}
	enum vrrp_adv_err e = decode_body(&c, flags, a);
	if (e != VRRP_ADV_OK)
		return e;
	if (a->adv_int == 0)
		return VRRP_ADV_E_INTERVAL;
	return VRRP_ADV_OK;
}

enum vrrp_adv_err
vrrp_advert_decode_ip4(const uint8_t *pkt, size_t len, struct vrrp_advert *a)
{
	struct cursor c;
	uint8_t vihl, proto;
	uint16_t tot;
	size_t hl;

	cur_init(&c, pkt, len);
	vihl = cur_u8(&c);
	cur_skip(&c, 1);
	tot = cur_be16(&c);
	cur_skip(&c, 4);
	a->ttl = cur_u8(&c);
	proto = cur_u8(&c);
	cur_skip(&c, 2);
	memset(&a->src, 0, sizeof(a->src));
	memset(&a->dst, 0, sizeof(a->dst));
	a->src.af = a->dst.af = AF_INET;
	cur_copy(&c, a->src.bytes, 4);
	cur_copy(&c, a->dst.bytes, 4);
	if (!cur_ok(&c))
		return VRRP_ADV_E_LEN;
	hl = (size_t)(vihl & 0xf) * 4;
	if (vihl >> 4 != 4 || proto != VRRP_PROTO)
		return VRRP_ADV_E_IP;
	/* The kernel hands raw sockets the datagram with its total length
	 * as sent; anything else means a header that lies. */
	if (hl < 20 || tot < hl || tot > len)
		return VRRP_ADV_E_LEN;
	return vrrp_advert_decode(pkt + hl, tot - hl, a);
}

int
vrrp_advert_encode(const struct vrrp_advert *a, int with_trailer,
    uint8_t *buf, size_t cap)
{
	size_t al = alen(a->src.af), off = 8;
	size_t len = 8 + a->naddr * al;

	if (a->version == 2)
		len += VRRP_AUTH_LEN;
	if (with_trailer)
		len += VRRP_TRAILER_LEN;
	if (a->naddr > VRRP_MAX_ADDRS || len > cap ||
	    (a->version == 2 && a->src.af != AF_INET))
		return -1;
	buf[0] = (uint8_t)(a->version << 4 | VRRP_TYPE_ADVERT);
	buf[1] = a->vrid;
	buf[2] = a->prio;
	buf[3] = a->naddr;
	if (a->version == 3) {
		buf[4] = (uint8_t)((with_trailer ? V3_F_TRAILER << 4 : 0) |
		    ((a->adv_int >> 8) & 0xf));
		buf[5] = (uint8_t)a->adv_int;
	} else {
		buf[4] = a->auth_type;
		buf[5] = (uint8_t)(a->adv_int / 100);
	}
	for (int i = 0; i < a->naddr; i++, off += al)
		memcpy(buf + off, a->addrs[i].bytes, al);
	if (a->version == 2) {
		memcpy(buf + off, a->auth, VRRP_AUTH_LEN);
		off += VRRP_AUTH_LEN;
	}
	if (with_trailer) {
		put_be32(buf + off, (uint32_t)(a->seq >> 32));
		put_be32(buf + off + 4, (uint32_t)a->seq);
		memset(buf + off + 8, 0, VRRP_HMAC_LEN);
	}
	vrrp_advert_checksum(a, buf, len);
	return (int)len;
}

static size_t
ip4_header(uint8_t *h, const struct vrrp_advert *a, size_t plen,
    uint16_t id)
{
	memset(h, 0, 20);
	h[0] = 0x45;
	h[1] = 0xc0;			/* precedence: network control */
	put_be16(h + 2, (uint16_t)(20 + plen));
	put_be16(h + 4, id);
	h[8] = VRRP_TTL;
	h[9] = VRRP_PROTO;
	memcpy(h + 12, a->src.bytes, 4);
	memcpy(h + 16, a->dst.bytes, 4);
	put_be16(h + 10, csum_compute(h, 20));
	return 20;
}

static size_t
ip6_header(uint8_t *h, const struct vrrp_advert *a, size_t plen)
{
	memset(h, 0, 40);
	h[0] = 0x6c;			/* traffic class 0xc0 */
	put_be16(h + 4, (uint16_t)plen);
	h[6] = VRRP_PROTO;
	h[7] = VRRP_TTL;
	memcpy(h + 8, a->src.bytes, 16);
	memcpy(h + 24, a->dst.bytes, 16);
	return 40;
}

int
vrrp_advert_frame(const uint8_t *payload, size_t plen,
    const struct vrrp_advert *a, const uint8_t src_mac[6],
    const uint8_t dst_mac[6], uint16_t ip_id, uint8_t *buf, size_t cap)
{
	size_t hl = a->src.af == AF_INET6 ? 40 : 20;
	size_t off = 14;

	if (14 + hl + plen > cap || plen > 0xffff - 40)
		return -1;
	memcpy(buf, dst_mac, 6);
	memcpy(buf + 6, src_mac, 6);
	put_be16(buf + 12, a->src.af == AF_INET6 ? 0x86dd : 0x0800);
	if (a->src.af == AF_INET6)
		off += ip6_header(buf + off, a, plen);
	else
		off += ip4_header(buf + off, a, plen, ip_id);
	memcpy(buf + off, payload, plen);
	return (int)(off + plen);
}
