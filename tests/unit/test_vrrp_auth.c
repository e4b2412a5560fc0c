/* HMAC-SHA256 of Tandem's advert trailer against a vector computed with
 * Python's hmac module, and the refusals: another key, a changed byte,
 * a changed sequence number. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "vrrpd.h"

static const uint8_t key[] = "0123456789abcdef0123456789abcdef";
/* HMAC-SHA256(key, v3 advert VRID 51 prio 150 10.0.0.100, flag 0x8,
 * checksum 0, seq 42, HMAC zeroed). */
static const uint8_t want[32] = { 0x99, 0x35, 0xe1, 0x6d, 0x4e, 0xdc, 0x91,
	0xde, 0x3a, 0x0c, 0xb1, 0xa0, 0xfd, 0x9d, 0xca, 0x08, 0x9b, 0x69, 0x50,
	0xad, 0x77, 0x3a, 0xa5, 0x86, 0x8e, 0x3f, 0x05, 0x1c, 0xb7, 0x36, 0x37,
	0x18 };

static int
build(struct vrrp_inst *vi, uint8_t *buf, size_t cap)
{
	struct vrrp_advert a;
	int len;

	memset(&a, 0, sizeof(a));
	addr_parse("10.0.0.1", &a.src);
	addr_parse("224.0.0.18", &a.dst);
	a.version = 3;
	a.vrid = 51;
	a.prio = 150;
	a.adv_int = 100;
	a.naddr = 1;
	a.seq = 42;
	addr_parse("10.0.0.100", &a.addrs[0]);
	len = vrrp_advert_encode(&a, 1, buf, cap);
	vrrp_auth_sign(vi, buf, (size_t)len, (size_t)len - VRRP_HMAC_LEN);
	vrrp_advert_checksum(&a, buf, (size_t)len);
	return len;
}

static void
test_vector(void **state)
{
	struct vrrp_inst vi;
	struct vrrp_advert a;
	uint8_t buf[128];
	int len;

	memset(&vi, 0, sizeof(vi));
	memcpy(vi.key, key, 32);
	vi.key_len = 32;
	len = build(&vi, buf, sizeof(buf));
	assert_int_equal(len, 52);
	assert_memory_equal(buf + 20, want, 32);
	memset(&a, 0, sizeof(a));
	addr_parse("10.0.0.1", &a.src);
	addr_parse("224.0.0.18", &a.dst);
	a.ttl = 255;
	assert_int_equal(vrrp_advert_decode(buf, (size_t)len, &a), VRRP_ADV_OK);
	assert_true(a.has_trailer);
	assert_true(a.seq == 42);
	assert_int_equal(vrrp_auth_verify(key, 32, buf, (size_t)len,
	    a.hmac_off), 0);
	/* Another key, a changed priority, a changed sequence number. */
	assert_int_equal(vrrp_auth_verify((const uint8_t *)"another key of 32 "
	    "bytes.........", 32, buf, (size_t)len, a.hmac_off), -1);
	buf[2] = 254;
	assert_int_equal(vrrp_auth_verify(key, 32, buf, (size_t)len,
	    a.hmac_off), -1);
	buf[2] = 150;
	buf[19] = 43;
	assert_int_equal(vrrp_auth_verify(key, 32, buf, (size_t)len,
	    a.hmac_off), -1);
	/* The HMAC must end the payload. */
	assert_int_equal(vrrp_auth_verify(key, 32, buf, (size_t)len, 8), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
