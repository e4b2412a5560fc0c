/* The frame decoder and the NAT/DR rewrites: fixed test vectors whose
 * checksums were computed independently (Python, RFC 1071 from scratch),
 * and every class of bad frame refused with its counter. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "csum.h"
#include "cursor.h"
#include "frame.h"
#include "xmit.h"

/* client 10.0.0.2:40000 -> VIP 10.0.0.100:80, TCP PSH|ACK, 18 bytes. */
static const char *tcp_in =
    "00005e00010102000000000208004500003a12344000400614250a0000020a000064"
    "9c40005011223344556677885018ffff0ed00000474554202f20485454502f312e30"
    "0d0a0d0a";
/* ... with the destination rewritten to 192.168.1.11:8080. */
static const char *tcp_in_nat =
    "00005e00010102000000000208004500003a1234400040065cd50a000002c0a8010b"
    "9c401f9011223344556677885018ffff38400000474554202f20485454502f312e30"
    "0d0a0d0a";
/* reply 192.168.1.11:8080 -> 10.0.0.2:40000 ... */
static const char *tcp_out =
    "00005e00010102000000000208004500003f1234400040065cd0c0a8010b0a000002"
    "1f909c4011223344556677885018ffffcf650000485454502f312e3020323030204f"
    "4b0d0a0d0a7273310a";
/* ... with the source rewritten to the VIP 10.0.0.100:80. */
static const char *tcp_out_nat =
    "00005e00010102000000000208004500003f12344000400614200a0000640a000002"
    "00509c4011223344556677885018ffffa5f50000485454502f312e3020323030204f"
    "4b0d0a0d0a7273310a";
static const char *udp_in =
    "00005e00010102000000000208004500002112344000401114330a0000020a000064"
    "14e90035000d927e68656c6c6f";
static const char *udp_in_nat =
    "00005e0001010200000000020800450000211234400040115ce20a000002c0a8010c"
    "14e914b4000dc6ae68656c6c6f";

static size_t
unhex(const char *s, uint8_t *out)
{
	size_t n = 0;

	for (; s[0] && s[1]; s += 2) {
		unsigned v;
		sscanf(s, "%2x", &v);
		out[n++] = (uint8_t)v;
	}
	return n;
}

static void
test_decode_tcp(void **state)
{
	uint8_t f[256];
	size_t n = unhex(tcp_in, f);
	struct pkt p;
	char buf[ADDR_STRLEN];

	assert_int_equal(frame_decode(&p, f, n, 0), 0);
	assert_int_equal(p.proto, IPPROTO_TCP);
	assert_string_equal(addr_str(&p.saddr, buf, sizeof(buf)), "10.0.0.2");
	assert_string_equal(addr_str(&p.daddr, buf, sizeof(buf)), "10.0.0.100");
	assert_int_equal(p.sport, 40000);
	assert_int_equal(p.dport, 80);
	assert_int_equal(p.tcp_flags, TCPF_PSH | TCPF_ACK);
	assert_int_equal(p.l3_len, 58);
}

/* Decode in_hex, rewrite the destination (dnat) or the source to
 * addr:port, and compare with the independently computed want_hex. */
static void
check_rewrite(const char *in_hex, const char *want_hex, int dnat,
    const char *addr, uint16_t port)
{
	uint8_t f[256], want[256];
	size_t n = unhex(in_hex, f), m = unhex(want_hex, want);
	struct pkt p;
	struct tnd_addr a;

	assert_int_equal(frame_decode(&p, f, n, 0), 0);
	addr_parse(addr, &a);
	if (dnat)
		xmit_nat_dnat(&p, &a, port);
	else
		xmit_nat_snat(&p, &a, port);
	assert_int_equal(n, m);
	assert_memory_equal(f, want, n);
	/* And the result decodes with valid checksums. */
	assert_int_equal(frame_decode(&p, f, n, 0), 0);
}

static void
test_dnat_vector(void **state)
{
	check_rewrite(tcp_in, tcp_in_nat, 1, "192.168.1.11", 8080);
}

static void
test_snat_vector(void **state)
{
	check_rewrite(tcp_out, tcp_out_nat, 0, "10.0.0.100", 80);
}

static void
test_udp_dnat_vector(void **state)
{
	check_rewrite(udp_in, udp_in_nat, 1, "192.168.1.12", 5300);
}

/* A CHECKSUM_PARTIAL frame: the TCP field holds the folded pseudo-header
 * sum. After the rewrite it must hold the new pseudo-header sum, so that
 * completing it over the (rewritten) segment gives the right checksum. */
static void
test_partial_checksum(void **state)
{
	uint8_t f[256], want[256];
	size_t n = unhex(tcp_in, f);
	struct pkt p;
	struct tnd_addr rs;

	unhex(tcp_in_nat, want);
	uint32_t ps = csum_pseudo_v4(f + 26, f + 30, IPPROTO_TCP, 38);
	put_be16(f + 50, csum_fold(ps));
	assert_int_equal(frame_decode(&p, f, n, FRAME_CSUM_PARTIAL), 0);
	addr_parse("192.168.1.11", &rs);
	xmit_nat_dnat(&p, &rs, 8080);
	/* Complete it as a NIC would: sum from the field over the segment. */
	uint32_t sum = csum_add(0, f + 34, 38);
	put_be16(f + 50, (uint16_t)~csum_fold(sum));
	assert_memory_equal(f, want, n);
}

static void
test_arp_reply(void **state)
{
	static const uint8_t vmac[6] = { 0, 0, 0x5e, 0, 1, 7 };
	struct arp req = { .op = 1, .sha = { 2, 0, 0, 0, 0, 2 },
	    .spa = { 10, 0, 0, 2 }, .tpa = { 10, 0, 0, 100 } };
	uint8_t out[ARP_FRAME_LEN];
	struct pkt p;
	struct arp got;

	assert_int_equal(xmit_arp_reply(out, &req, vmac, req.tpa), 60);
	assert_int_equal(frame_decode(&p, out, sizeof(out), 0), 0);
	assert_int_equal(p.ethertype, ETHERTYPE_ARP);
	assert_int_equal(frame_decode_arp(&p, &got), 0);
	assert_int_equal(got.op, 2);
	assert_memory_equal(got.sha, vmac, 6);
	assert_memory_equal(got.spa, req.tpa, 4);
	assert_memory_equal(got.tha, req.sha, 6);
	assert_memory_equal(out, req.sha, 6);		/* unicast back */
	assert_memory_equal(out + 6, vmac, 6);
}

static int
decode_hex_mod(const char *hex, size_t off, uint8_t val, size_t trunc)
{
	uint8_t f[256];
	size_t n = unhex(hex, f);
	struct pkt p;

	if (off)
		f[off] = val;
	return frame_decode(&p, f, trunc ? trunc : n, 0);
}

/* The same, with the IP header checksum made right again, so the change
 * reaches the checks after it. */
static int
decode_hex_fixed(const char *hex, size_t off, uint8_t val)
{
	uint8_t f[256];
	size_t n = unhex(hex, f);
	struct pkt p;

	f[off] = val;
	put_be16(f + 24, 0);
	put_be16(f + 24, csum_compute(f + 14, 20));
	return frame_decode(&p, f, n, 0);
}

static void
test_bad_frames(void **state)
{
	assert_int_equal(decode_hex_mod(tcp_in, 0, 0, 10), CNT_DROP_TRUNC_ETH);
	assert_int_equal(decode_hex_mod(tcp_in, 0, 0, 30), CNT_DROP_TRUNC_IP);
	assert_int_equal(decode_hex_mod(tcp_in, 0, 0, 40), CNT_DROP_BAD_IP_LEN);
	assert_int_equal(decode_hex_mod(tcp_in, 14, 0x65, 0), CNT_DROP_IP_VERSION);
	assert_int_equal(decode_hex_mod(tcp_in, 14, 0x44, 0), CNT_DROP_BAD_IHL);
	assert_int_equal(decode_hex_mod(tcp_in, 14, 0x46, 0), CNT_DROP_IP_OPTIONS);
	assert_int_equal(decode_hex_mod(tcp_in, 14, 0x4f, 0), CNT_DROP_BAD_IHL);
	assert_int_equal(decode_hex_mod(tcp_in, 16, 0x01, 0), CNT_DROP_BAD_IP_LEN);
	assert_int_equal(decode_hex_mod(tcp_in, 20, 0x20, 0), CNT_DROP_FRAGMENT);
	assert_int_equal(decode_hex_mod(tcp_in, 21, 0x10, 0), CNT_DROP_FRAGMENT);
	assert_int_equal(decode_hex_mod(tcp_in, 24, 0x00, 0), CNT_DROP_BAD_IP_CSUM);
	assert_int_equal(decode_hex_mod(tcp_in, 60, 0x00, 0), CNT_DROP_BAD_L4_CSUM);
	assert_int_equal(decode_hex_mod(tcp_in, 46, 0x40, 0), CNT_DROP_BAD_L4_HDR);
	assert_int_equal(decode_hex_mod(tcp_in, 46, 0xf0, 0), CNT_DROP_BAD_L4_HDR);
	assert_int_equal(decode_hex_mod(tcp_in, 0, 0, 50), CNT_DROP_BAD_IP_LEN);
	assert_int_equal(decode_hex_mod(tcp_in, 12, 0x86, 0), CNT_DROP_ETHERTYPE);
	assert_int_equal(decode_hex_mod(udp_in, 0, 0, 40), CNT_DROP_BAD_IP_LEN);
	assert_int_equal(decode_hex_mod(udp_in, 38, 0x01, 0), CNT_DROP_BAD_L4_HDR);
	assert_int_equal(decode_hex_fixed(udp_in, 17, 0x18), CNT_DROP_TRUNC_L4);
	assert_int_equal(decode_hex_fixed(tcp_in, 17, 0x22), CNT_DROP_TRUNC_L4);
	assert_int_equal(decode_hex_fixed(tcp_in, 22, 0x01), 0);	/* TTL 1 */
	assert_int_equal(decode_hex_fixed(tcp_in, 22, 0x00), CNT_DROP_TTL);
}

static void
test_ttl_and_padding(void **state)
{
	uint8_t f[256];
	size_t n = unhex(udp_in, f);
	struct pkt p;

	/* Ethernet padding after the datagram is not part of it. */
	memset(f + n, 0xee, 20);
	assert_int_equal(frame_decode(&p, f, n + 20, 0), 0);
	assert_int_equal(p.l4_len, 13);
}

/* IPv6 and ICMP vectors built with scapy. */
static const char *v6_tcp =
    "00005e00020102000000000286dd6000000000140640fd0000000000000000000000"
    "00000002fd0000000000000000000000000001009c40005000000000000000005002"
    "2000f84e0000";
static const char *v6_ext2 =	/* hop-by-hop, destination options, TCP */
    "00005e00020102000000000286dd6000000000240040fd0000000000000000000000"
    "00000002fd0000000000000000000000000001003c0001040000000006000104000000"
    "009c400050000000000000000050022000f84e0000";
static const char *v6_ext9 =	/* nine destination-options headers */
    "00005e00020102000000000286dd60000000005c3c40fd0000000000000000000000"
    "00000002fd0000000000000000000000000001003c000104000000003c000104000000"
    "003c000104000000003c000104000000003c000104000000003c000104000000003c00"
    "0104000000003c0001040000000006000104000000009c400050000000000000000050"
    "022000f84e0000";
static const char *v6_frag =
    "00005e00020102000000000286dd60000000001c2c40fd0000000000000000000000"
    "00000002fd00000000000000000000000000010006000000000000009c400050000000"
    "000000000050022000f84e0000";
static const char *icmp_quote_udp =
    "00005e00010102000000000208004500003800010000400166600a0000010a000064"
    "0304ee64000005004500002400010000401166630a0000640a00000200359c400010"
    "6d11";
static const char *icmp_quote_gre =
    "00005e00010102000000000208004500003800010000400166600a0000010a000064"
    "03041716000000004500001c00010000402f664d0a0000640a00000279797979797979"
    "79";
static const char *icmp_quote_short =
    "00005e00010102000000000208004500003200010000400166660a0000010a000064"
    "0304fcc6000000004500002400010000401166630a0000640a0000020035";

static void
test_ipv6(void **state)
{
	uint8_t f[512];
	size_t n;
	struct pkt p;

	n = unhex(v6_tcp, f);
	assert_int_equal(frame_decode(&p, f, n, 0), 0);
	assert_int_equal(p.proto, IPPROTO_TCP);
	assert_int_equal(p.dport, 80);
	assert_int_equal(p.l3_len, 60);
	n = unhex(v6_ext2, f);
	assert_int_equal(frame_decode(&p, f, n, 0), 0);
	assert_int_equal(p.l4_off, 14 + 40 + 16);
	n = unhex(v6_ext9, f);
	assert_int_equal(frame_decode(&p, f, n, 0), CNT_DROP_IPV6_EXT);
	n = unhex(v6_frag, f);
	assert_int_equal(frame_decode(&p, f, n, 0), CNT_DROP_FRAGMENT);
	/* An extension header running past the datagram. */
	n = unhex(v6_ext2, f);
	f[14 + 40 + 8 + 1] = 200;	/* dest opts length: 1608 bytes */
	assert_int_equal(frame_decode(&p, f, n, 0), CNT_DROP_IPV6_EXT);
	/* Payload length past the frame; hop limit 0. */
	n = unhex(v6_tcp, f);
	f[19] = 0x40;
	assert_int_equal(frame_decode(&p, f, n, 0), CNT_DROP_BAD_IP_LEN);
	n = unhex(v6_tcp, f);
	f[21] = 0;
	assert_int_equal(frame_decode(&p, f, n, 0), CNT_DROP_TTL);
	/* A bad TCP checksum over the IPv6 pseudo header. */
	n = unhex(v6_tcp, f);
	f[n - 5] ^= 1;
	assert_int_equal(frame_decode(&p, f, n, 0), CNT_DROP_BAD_L4_CSUM);
}

static void
test_icmp_quotes(void **state)
{
	uint8_t f[512];
	size_t n;
	struct pkt p;
	char buf[ADDR_STRLEN];

	n = unhex(icmp_quote_udp, f);
	assert_int_equal(frame_decode(&p, f, n, 0), 0);
	assert_int_equal(p.icmp_type, 3);
	assert_int_equal(p.in_proto, IPPROTO_UDP);
	assert_string_equal(addr_str(&p.in_saddr, buf, sizeof(buf)), "10.0.0.100");
	assert_int_equal(p.in_sport, 53);
	assert_int_equal(p.in_dport, 40000);
	n = unhex(icmp_quote_gre, f);		/* quotes a protocol we do not forward */
	assert_int_equal(frame_decode(&p, f, n, 0), CNT_DROP_ICMP_QUOTE);
	n = unhex(icmp_quote_short, f);		/* quote cut inside the ports */
	assert_int_equal(frame_decode(&p, f, n, 0), CNT_DROP_ICMP_QUOTE);
	n = unhex(icmp_quote_udp, f);
	f[36] ^= 0xff;				/* ICMP checksum */
	assert_int_equal(frame_decode(&p, f, n, 0), CNT_DROP_BAD_L4_CSUM);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_tcp),
		cmocka_unit_test(test_dnat_vector),
		cmocka_unit_test(test_snat_vector),
		cmocka_unit_test(test_udp_dnat_vector),
		cmocka_unit_test(test_partial_checksum),
		cmocka_unit_test(test_arp_reply),
		cmocka_unit_test(test_bad_frames),
		cmocka_unit_test(test_ttl_and_padding),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_icmp_quotes),
	};
	return cmocka_run_group_tests_name("frame", tests, NULL, NULL);
}
