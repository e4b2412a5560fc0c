/* VRRP advert encoding and decoding against fixed vectors (computed
 * independently with Python's struct and ipaddress), and every refusal
 * the decoder makes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "advert.h"
#include "garp.h"
#include "csum.h"

/* v3 IPv4: 10.0.0.1 -> 224.0.0.18, VRID 51, prio 150, 100 cs, 10.0.0.100 */
static const uint8_t v3_4[] = { 0x31, 0x33, 0x96, 0x01, 0x00, 0x64, 0x43,
	0x73, 0x0a, 0x00, 0x00, 0x64 };
/* v2: VRID 51, prio 100, 1 s, PASS "secret", 10.0.0.100 and .101 */
static const uint8_t v2[] = { 0x21, 0x33, 0x64, 0x02, 0x01, 0x01, 0x28,
	0xb4, 0x0a, 0x00, 0x00, 0x64, 0x0a, 0x00, 0x00, 0x65, 0x73, 0x65,
	0x63, 0x72, 0x65, 0x74, 0x00, 0x00 };
/* v3 IPv6: fe80::1 -> ff02::12, VRID 7, prio 200, 10 cs, 2001:db8::100 */
static const uint8_t v3_6[] = { 0x31, 0x07, 0xc8, 0x01, 0x00, 0x0a, 0xda,
	0x14, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x00 };
/* The IPv4 header Tandem puts around v3_4 (IP id 0x1234). */
static const uint8_t ip4hdr[] = { 0x45, 0xc0, 0x00, 0x20, 0x12, 0x34, 0x00,
	0x00, 0xff, 0x70, 0xbe, 0x66, 0x0a, 0x00, 0x00, 0x01, 0xe0, 0x00,
	0x00, 0x12 };

static void
meta(struct vrrp_advert *a, const char *src, const char *dst)
{
	memset(a, 0, sizeof(*a));
	assert_int_equal(addr_parse(src, &a->src), 0);
	assert_int_equal(addr_parse(dst, &a->dst), 0);
	a->ttl = 255;
}

static void
test_v3_ipv4(void **state)
{
	struct vrrp_advert a, b;
	uint8_t buf[256];

	meta(&a, "10.0.0.1", "224.0.0.18");
	a.version = 3;
	a.vrid = 51;
	a.prio = 150;
	a.adv_int = 100;
	a.naddr = 1;
	addr_parse("10.0.0.100", &a.addrs[0]);
	assert_int_equal(vrrp_advert_encode(&a, 0, buf, sizeof(buf)),
	    sizeof(v3_4));
	assert_memory_equal(buf, v3_4, sizeof(v3_4));

	meta(&b, "10.0.0.1", "224.0.0.18");
	assert_int_equal(vrrp_advert_decode(v3_4, sizeof(v3_4), &b),
	    VRRP_ADV_OK);
	assert_int_equal(b.version, 3);
	assert_int_equal(b.vrid, 51);
	assert_int_equal(b.prio, 150);
	assert_int_equal(b.adv_int, 100);
	assert_int_equal(b.naddr, 1);
	assert_true(addr_eq(&b.addrs[0], &a.addrs[0]));
}

static void
test_v3_frame(void **state)
{
	static const uint8_t vmac[6] = { 0, 0, 0x5e, 0, 1, 51 };
	static const uint8_t mmac[6] = { 1, 0, 0x5e, 0, 0, 0x12 };
	struct vrrp_advert a, b;
	uint8_t f[VRRP_FRAME_MAX], mac[6];

	meta(&a, "10.0.0.1", "224.0.0.18");
	memset(&b, 0, sizeof(b));
	assert_int_equal(vrrp_advert_frame(v3_4, sizeof(v3_4), &a, vmac, mmac,
	    0x1234, f, sizeof(f)), 14 + 20 + sizeof(v3_4));
	assert_memory_equal(f, mmac, 6);
	assert_memory_equal(f + 6, vmac, 6);
	assert_int_equal(f[12], 0x08);
	assert_memory_equal(f + 14, ip4hdr, sizeof(ip4hdr));
	assert_memory_equal(f + 34, v3_4, sizeof(v3_4));
	/* ... and back through the raw-socket decoder. */
	assert_int_equal(vrrp_advert_decode_ip4(f + 14, 32, &b), VRRP_ADV_OK);
	assert_int_equal(b.ttl, 255);
	assert_true(addr_eq(&b.src, &a.src));
	vrrp_vmac(51, AF_INET, mac);
	assert_memory_equal(mac, vmac, 6);
	vrrp_vmac(7, AF_INET6, mac);
	assert_int_equal(mac[4], 2);
}

static void
test_v2(void **state)
{
	struct vrrp_advert a, b;
	uint8_t buf[256];

	meta(&a, "10.0.0.1", "224.0.0.18");
	a.version = 2;
	a.vrid = 51;
	a.prio = 100;
	a.adv_int = 100;
	a.naddr = 2;
	a.auth_type = VRRP_AUTH_PASS;
	memcpy(a.auth, "secret", 6);
	addr_parse("10.0.0.100", &a.addrs[0]);
	addr_parse("10.0.0.101", &a.addrs[1]);
	assert_int_equal(vrrp_advert_encode(&a, 0, buf, sizeof(buf)),
	    sizeof(v2));
	assert_memory_equal(buf, v2, sizeof(v2));
	/* v2's checksum has no pseudo header: any addresses decode it. */
	meta(&b, "192.0.2.1", "192.0.2.2");
	assert_int_equal(vrrp_advert_decode(v2, sizeof(v2), &b), VRRP_ADV_OK);
	assert_int_equal(b.version, 2);
	assert_int_equal(b.adv_int, 100);
	assert_int_equal(b.auth_type, VRRP_AUTH_PASS);
	assert_memory_equal(b.auth, "secret\0\0", 8);
	assert_true(addr_eq(&b.addrs[1], &a.addrs[1]));
}

static void
test_v3_ipv6(void **state)
{
	struct vrrp_advert a, b;
	uint8_t buf[256];

	meta(&a, "fe80::1", "ff02::12");
	a.version = 3;
	a.vrid = 7;
	a.prio = 200;
	a.adv_int = 10;
	a.naddr = 1;
	addr_parse("2001:db8::100", &a.addrs[0]);
	assert_int_equal(vrrp_advert_encode(&a, 0, buf, sizeof(buf)),
	    sizeof(v3_6));
	assert_memory_equal(buf, v3_6, sizeof(v3_6));
	meta(&b, "fe80::1", "ff02::12");
	assert_int_equal(vrrp_advert_decode(v3_6, sizeof(v3_6), &b),
	    VRRP_ADV_OK);
	assert_int_equal(b.adv_int, 10);
	/* The pseudo header counts: another source breaks the checksum. */
	meta(&b, "fe80::2", "ff02::12");
	assert_int_equal(vrrp_advert_decode(v3_6, sizeof(v3_6), &b),
	    VRRP_ADV_E_CSUM);
	/* Version 2 is IPv4 only. */
	meta(&b, "fe80::1", "ff02::12");
	memcpy(buf, v2, sizeof(v2));
	assert_int_equal(vrrp_advert_decode(buf, sizeof(v2), &b),
	    VRRP_ADV_E_VERSION);
}

static enum vrrp_adv_err
decode_mod(size_t off, uint8_t val, size_t len, int ttl, int fix)
{
	struct vrrp_advert a;
	uint8_t buf[64];

	memcpy(buf, v3_4, sizeof(v3_4));
	if (off < sizeof(buf))
		buf[off] = val;
	meta(&a, "10.0.0.1", "224.0.0.18");
	a.ttl = ttl;
	a.version = 3;
	if (fix)
		vrrp_advert_checksum(&a, buf, len);
	return vrrp_advert_decode(buf, len, &a);
}

static void
test_refusals(void **state)
{
	assert_int_equal(decode_mod(99, 0, 12, 255, 0), VRRP_ADV_OK);
	assert_int_equal(decode_mod(99, 0, 12, 64, 0), VRRP_ADV_E_TTL);
	assert_int_equal(decode_mod(0, 0x41, 12, 255, 1), VRRP_ADV_E_VERSION);
	assert_int_equal(decode_mod(0, 0x32, 12, 255, 1), VRRP_ADV_E_TYPE);
	assert_int_equal(decode_mod(2, 0x97, 12, 255, 0), VRRP_ADV_E_CSUM);
	assert_int_equal(decode_mod(3, 2, 12, 255, 1), VRRP_ADV_E_COUNT);
	assert_int_equal(decode_mod(3, 0, 12, 255, 1), VRRP_ADV_E_COUNT);
	assert_int_equal(decode_mod(5, 0, 12, 255, 1), VRRP_ADV_E_INTERVAL);
	assert_int_equal(decode_mod(99, 0, 7, 255, 0), VRRP_ADV_E_LEN);
	assert_int_equal(decode_mod(99, 0, 0, 255, 0), VRRP_ADV_E_LEN);
	assert_int_equal(decode_mod(99, 0, 10, 255, 1), VRRP_ADV_E_COUNT);
}

static void
test_ip4_header(void **state)
{
	struct vrrp_advert a;
	uint8_t p[32];

	memset(&a, 0, sizeof(a));
	memcpy(p, ip4hdr, 20);
	memcpy(p + 20, v3_4, 12);
	assert_int_equal(vrrp_advert_decode_ip4(p, 32, &a), VRRP_ADV_OK);
	assert_int_equal(vrrp_advert_decode_ip4(p, 31, &a), VRRP_ADV_E_LEN);
	assert_int_equal(vrrp_advert_decode_ip4(p, 12, &a), VRRP_ADV_E_LEN);
	p[9] = 17;
	assert_int_equal(vrrp_advert_decode_ip4(p, 32, &a), VRRP_ADV_E_IP);
	p[9] = 112;
	p[0] = 0x44;
	assert_int_equal(vrrp_advert_decode_ip4(p, 32, &a), VRRP_ADV_E_LEN);
	p[0] = 0x45;
	p[8] = 1;
	assert_int_equal(vrrp_advert_decode_ip4(p, 32, &a), VRRP_ADV_E_TTL);
	/* A unicast instance's caller may waive the TTL check. */
	a.any_ttl = 1;
	assert_int_equal(vrrp_advert_decode_ip4(p, 32, &a), VRRP_ADV_OK);
}

static void
test_trailer(void **state)
{
	struct vrrp_advert a, b;
	uint8_t buf[256];
	int len;

	meta(&a, "10.0.0.1", "224.0.0.18");
	a.version = 3;
	a.vrid = 51;
	a.prio = 150;
	a.adv_int = 100;
	a.naddr = 1;
	a.seq = 0x0102030405060708ull;
	addr_parse("10.0.0.100", &a.addrs[0]);
	len = vrrp_advert_encode(&a, 1, buf, sizeof(buf));
	assert_int_equal(len, 12 + VRRP_TRAILER_LEN);
	memset(buf + 20, 0xab, VRRP_HMAC_LEN);
	vrrp_advert_checksum(&a, buf, (size_t)len);
	meta(&b, "10.0.0.1", "224.0.0.18");
	assert_int_equal(vrrp_advert_decode(buf, (size_t)len, &b), VRRP_ADV_OK);
	assert_true(b.has_trailer);
	assert_true(b.seq == a.seq);
	assert_int_equal(b.hmac_off, 20);
	assert_int_equal(b.hmac[31], 0xab);
}

static void
test_garp(void **state)
{
	static const uint8_t mac[6] = { 0, 0, 0x5e, 0, 2, 7 };
	struct tnd_addr vip, src;
	uint8_t f[VRRP_GARP_MAX];
	uint32_t sum;

	addr_parse("10.0.0.100", &vip);
	assert_int_equal(vrrp_garp_arp(mac, &vip, f, sizeof(f)), 60);
	assert_int_equal(f[0], 0xff);
	assert_int_equal(f[21], 1);			/* request */
	assert_memory_equal(f + 22, mac, 6);
	assert_memory_equal(f + 28, vip.bytes, 4);
	assert_memory_equal(f + 38, vip.bytes, 4);
	addr_parse("2001:db8::100", &vip);
	addr_parse("fe80::1", &src);
	assert_int_equal(vrrp_garp_na(mac, &src, &vip, f, sizeof(f)), 86);
	assert_int_equal(f[54], 136);
	/* The ICMPv6 checksum verifies over the pseudo header. */
	sum = csum_add(0, f + 22, 32) + 32 + 58;
	assert_int_equal(csum_fold(csum_add(sum, f + 54, 32)), 0xffff);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v3_ipv4),
		cmocka_unit_test(test_v3_frame),
		cmocka_unit_test(test_v2),
		cmocka_unit_test(test_v3_ipv6),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_ip4_header),
		cmocka_unit_test(test_trailer),
		cmocka_unit_test(test_garp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
