/* SCTP: CRC32c against the RFC 3720 test vectors and packets built by
 * scapy (tests/tools/sctp_vectors.py), the chunk walk that picks IPVS's
 * event with malformed chunk lists refused, and IPVS's state machine
 * through whole associations in NAT (input/output) and DR (input-only). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "crc32c.h"
#include "cursor.h"
#include "proto_sctp.h"

/* SCTP packets (common header and chunks) of one association, client
 * 10.0.0.2:40000 -> VIP 10.0.0.100:3868, checksums by scapy. */
static const uint8_t pkt_init[32] = {
	0x9c, 0x40, 0x0f, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x07, 0x61, 0xf4, 0xe5,
	0x01, 0x00, 0x00, 0x14, 0x11, 0x22, 0x33, 0x44, 0x00, 0x01, 0xa0, 0x00,
	0x00, 0x0a, 0xff, 0xff, 0x00, 0x00, 0x03, 0xe8,
};
static const uint8_t pkt_init_ack[52] = {
	0x0f, 0x1c, 0x9c, 0x40, 0x11, 0x22, 0x33, 0x44, 0x02, 0xf0, 0x5c, 0x7a,
	0x02, 0x00, 0x00, 0x28, 0x55, 0x66, 0x77, 0x88, 0x00, 0x01, 0xa0, 0x00,
	0x00, 0x0a, 0x00, 0x0a, 0x00, 0x00, 0x13, 0x88, 0x00, 0x07, 0x00, 0x14,
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
	0x0c, 0x0d, 0x0e, 0x0f,
};
static const uint8_t pkt_cookie_echo[32] = {
	0x9c, 0x40, 0x0f, 0x1c, 0x55, 0x66, 0x77, 0x88, 0x60, 0xb1, 0xab, 0x97,
	0x0a, 0x00, 0x00, 0x14, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};
static const uint8_t pkt_cookie_ack[16] = {
	0x0f, 0x1c, 0x9c, 0x40, 0x11, 0x22, 0x33, 0x44, 0x12, 0x3e, 0x20, 0xc6,
	0x0b, 0x00, 0x00, 0x04,
};
static const uint8_t pkt_data[36] = {
	0x9c, 0x40, 0x0f, 0x1c, 0x55, 0x66, 0x77, 0x88, 0x53, 0x67, 0x83, 0xe8,
	0x00, 0x00, 0x00, 0x15, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x00, 0x00, 0x00,
};
static const uint8_t pkt_data_dnat[36] = {
	0x9c, 0x40, 0x1f, 0x90, 0x55, 0x66, 0x77, 0x88, 0x5e, 0xa7, 0x72, 0x35,
	0x00, 0x00, 0x00, 0x15, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x00, 0x00, 0x00,
};
static const uint8_t pkt_sack[28] = {
	0x0f, 0x1c, 0x9c, 0x40, 0x11, 0x22, 0x33, 0x44, 0x03, 0x7f, 0xdb, 0xf8,
	0x03, 0x00, 0x00, 0x10, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x01, 0xa0, 0x00,
	0x00, 0x00, 0x00, 0x00,
};
static const uint8_t pkt_shutdown[20] = {
	0x9c, 0x40, 0x0f, 0x1c, 0x55, 0x66, 0x77, 0x88, 0xe8, 0x79, 0x76, 0x4a,
	0x07, 0x00, 0x00, 0x08, 0x00, 0x00, 0x13, 0x88,
};
static const uint8_t pkt_shutdown_ack[16] = {
	0x0f, 0x1c, 0x9c, 0x40, 0x11, 0x22, 0x33, 0x44, 0x2b, 0xb7, 0x02, 0xa4,
	0x08, 0x00, 0x00, 0x04,
};
static const uint8_t pkt_shutdown_complete[16] = {
	0x9c, 0x40, 0x0f, 0x1c, 0x55, 0x66, 0x77, 0x88, 0x23, 0x01, 0x28, 0x7e,
	0x0e, 0x00, 0x00, 0x04,
};
static const uint8_t pkt_abort[16] = {
	0x9c, 0x40, 0x0f, 0x1c, 0x55, 0x66, 0x77, 0x88, 0xc5, 0x62, 0x6c, 0x88,
	0x06, 0x00, 0x00, 0x04,
};
static const uint8_t pkt_cookie_echo_data[52] = {
	0x9c, 0x40, 0x0f, 0x1c, 0x55, 0x66, 0x77, 0x88, 0xb0, 0x79, 0x4e, 0x64,
	0x0a, 0x00, 0x00, 0x14, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x00, 0x00, 0x00, 0x12,
	0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x68, 0x69, 0x00, 0x00,
};
static const uint8_t pkt_cookie_ack_abort[20] = {
	0x0f, 0x1c, 0x9c, 0x40, 0x11, 0x22, 0x33, 0x44, 0x74, 0x30, 0x1a, 0xff,
	0x0b, 0x00, 0x00, 0x04, 0x06, 0x00, 0x00, 0x04,
};

#define PKT(a)	a, sizeof(a)

/* The event of a whole SCTP packet, through an exact-size heap copy so
 * that ASan sees any read past its end. */
static int
event_of(const uint8_t *pkt, size_t len, uint8_t *first)
{
	size_t n = len - SCTP_HDR_LEN;
	uint8_t *b = malloc(n ? n : 1);
	int ev;

	assert_non_null(b);
	memcpy(b, pkt + SCTP_HDR_LEN, n);
	ev = sctp_event_of(b, n, first);
	free(b);
	return ev;
}

static void
test_crc32c_vectors(void **state)
{
	/* RFC 3720 appendix B.4. */
	uint8_t buf[48];

	memset(buf, 0, 32);
	assert_int_equal(crc32c(0, buf, 32), 0x8a9136aa);
	memset(buf, 0xff, 32);
	assert_int_equal(crc32c(0, buf, 32), 0x62a8ab43);
	for (int i = 0; i < 32; i++)
		buf[i] = (uint8_t)i;
	assert_int_equal(crc32c(0, buf, 32), 0x46dd794e);
	for (int i = 0; i < 32; i++)
		buf[i] = (uint8_t)(31 - i);
	assert_int_equal(crc32c(0, buf, 32), 0x113fdb5c);
	/* The iSCSI Read(10) command PDU. */
	static const uint8_t read10[48] = {
		0x01, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0x14, 0, 0, 0, 0, 0, 0x04, 0, 0, 0, 0, 0x14, 0, 0, 0, 0x18,
		0x28, 0, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0,
	};
	assert_int_equal(crc32c(0, read10, sizeof(read10)), 0xd9963a56);
	/* The catalogue's check value, and nothing for nothing. */
	assert_int_equal(crc32c(0, "123456789", 9), 0xe3069283);
	assert_int_equal(crc32c(0, buf, 0), 0);
}

static void
test_crc32c_chained(void **state)
{
	/* Extending in pieces equals one pass, whatever the split. */
	uint32_t whole = crc32c(0, pkt_init_ack, sizeof(pkt_init_ack));

	for (size_t cut = 0; cut <= sizeof(pkt_init_ack); cut++) {
		uint32_t c = crc32c(0, pkt_init_ack, cut);
		c = crc32c(c, pkt_init_ack + cut, sizeof(pkt_init_ack) - cut);
		assert_int_equal(c, whole);
	}
}

static void
test_sctp_csum_scapy(void **state)
{
	static const struct { const uint8_t *p; size_t len; } pk[] = {
		{ PKT(pkt_init) }, { PKT(pkt_init_ack) },
		{ PKT(pkt_cookie_echo) }, { PKT(pkt_cookie_ack) },
		{ PKT(pkt_data) }, { PKT(pkt_sack) }, { PKT(pkt_shutdown) },
		{ PKT(pkt_shutdown_ack) }, { PKT(pkt_shutdown_complete) },
		{ PKT(pkt_abort) }, { PKT(pkt_cookie_echo_data) },
		{ PKT(pkt_cookie_ack_abort) }, { PKT(pkt_data_dnat) },
	};
	uint8_t b[64];

	for (size_t i = 0; i < sizeof(pk) / sizeof(pk[0]); i++) {
		assert_true(sctp_csum_ok(pk[i].p, pk[i].len));
		/* Recomputed from a zeroed field, the same bytes come back. */
		memcpy(b, pk[i].p, pk[i].len);
		memset(b + SCTP_CSUM_OFF, 0, 4);
		sctp_csum_set(b, pk[i].len);
		assert_memory_equal(b, pk[i].p, pk[i].len);
	}
	/* Stored least significant byte first (RFC 4960 appendix B). */
	assert_int_equal(sctp_crc(PKT(pkt_init)), 0xe5f46107);
	/* A flipped bit anywhere, checksum field included, is caught. */
	for (size_t bit = 0; bit < sizeof(pkt_data) * 8; bit++) {
		memcpy(b, pkt_data, sizeof(pkt_data));
		b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_false(sctp_csum_ok(b, sizeof(pkt_data)));
	}
	/* Too short for a common header: never valid, never written. */
	memset(b, 0xaa, sizeof(b));
	assert_false(sctp_csum_ok(b, SCTP_HDR_LEN - 1));
	sctp_csum_set(b, SCTP_HDR_LEN - 1);
	for (size_t i = 0; i < sizeof(b); i++)
		assert_int_equal(b[i], 0xaa);
}

static void
test_sctp_csum_nat(void **state)
{
	/* NAT rewrites the destination port: the old checksum fails, the
	 * recomputed one is scapy's for the rewritten packet. */
	uint8_t b[sizeof(pkt_data)];

	memcpy(b, pkt_data, sizeof(b));
	put_be16(b + 2, 8080);
	assert_false(sctp_csum_ok(b, sizeof(b)));
	sctp_csum_set(b, sizeof(b));
	assert_true(sctp_csum_ok(b, sizeof(b)));
	assert_memory_equal(b, pkt_data_dnat, sizeof(b));
}

static void
test_events(void **state)
{
	uint8_t first = 0xff;

	assert_int_equal(event_of(PKT(pkt_init), &first), SCTP_EV_INIT);
	assert_int_equal(first, SCTP_CT_INIT);
	assert_int_equal(event_of(PKT(pkt_init_ack), &first), SCTP_EV_INIT_ACK);
	assert_int_equal(event_of(PKT(pkt_cookie_echo), NULL),
	    SCTP_EV_COOKIE_ECHO);
	assert_int_equal(event_of(PKT(pkt_cookie_ack), NULL),
	    SCTP_EV_COOKIE_ACK);
	assert_int_equal(event_of(PKT(pkt_data), &first), SCTP_EV_DATA);
	assert_int_equal(first, SCTP_CT_DATA);
	assert_int_equal(event_of(PKT(pkt_sack), NULL), SCTP_EV_DATA);
	assert_int_equal(event_of(PKT(pkt_shutdown), NULL), SCTP_EV_SHUTDOWN);
	assert_int_equal(event_of(PKT(pkt_shutdown_ack), NULL),
	    SCTP_EV_SHUTDOWN_ACK);
	assert_int_equal(event_of(PKT(pkt_shutdown_complete), NULL),
	    SCTP_EV_SHUTDOWN_COMPLETE);
	assert_int_equal(event_of(PKT(pkt_abort), &first), SCTP_EV_ABORT);
	assert_int_equal(first, SCTP_CT_ABORT);
	/* Bundles: the first chunk decides, except an ABORT right behind a
	 * COOKIE-ECHO or COOKIE-ACK; first_type stays the first chunk. */
	assert_int_equal(event_of(PKT(pkt_cookie_echo_data), NULL),
	    SCTP_EV_COOKIE_ECHO);
	assert_int_equal(event_of(PKT(pkt_cookie_ack_abort), &first),
	    SCTP_EV_ABORT);
	assert_int_equal(first, SCTP_CT_COOKIE_ACK);
}

static void
test_events_other_chunks(void **state)
{
	/* type, flags, length 4: each alone in a packet. */
	static const struct { uint8_t type; int ev; } t[] = {
		{ SCTP_CT_HEARTBEAT, SCTP_EV_DATA },
		{ SCTP_CT_HEARTBEAT_ACK, SCTP_EV_DATA },
		{ SCTP_CT_ERROR, SCTP_EV_ERROR },
		{ SCTP_CT_ECNE, SCTP_EV_DATA }, { SCTP_CT_CWR, SCTP_EV_DATA },
		{ 15, SCTP_EV_DATA },		/* AUTH: past IPVS's table */
		{ 64, SCTP_EV_DATA },		/* I-DATA */
		{ 192, SCTP_EV_DATA },		/* FORWARD-TSN */
		{ 255, SCTP_EV_DATA },
	};
	uint8_t c[4] = { 0, 0, 0, 4 };

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		c[0] = t[i].type;
		assert_int_equal(sctp_event_of(c, sizeof(c), NULL), t[i].ev);
	}
	/* A SACK before an ABORT is not looked behind: DATA, as IPVS. */
	static const uint8_t sack_abort[] = {
		3, 0, 0, 16, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0,
		6, 0, 0, 4,
	};
	assert_int_equal(sctp_event_of(sack_abort, sizeof(sack_abort), NULL),
	    SCTP_EV_DATA);
}

static void
test_malformed(void **state)
{
	static const struct { uint8_t b[24]; size_t len; int want; } t[] = {
		{ { 0 }, 0, -SCTP_BAD_TRUNC },		/* no chunk at all */
		{ { 1, 0, 0 }, 3, -SCTP_BAD_TRUNC },	/* half a header */
		{ { 1, 0, 0, 0 }, 4, -SCTP_BAD_CHUNK_LEN },	/* length 0 */
		{ { 0, 0, 0, 3, 0 }, 8, -SCTP_BAD_CHUNK_LEN },	/* length 3 */
		{ { 1, 0, 0, 20 }, 16, -SCTP_BAD_CHUNK_OVERRUN },
		{ { 0, 0, 0xff, 0xff }, 24, -SCTP_BAD_CHUNK_OVERRUN },
		/* A good first chunk, then a bad one: still refused. */
		{ { 11, 0, 0, 4, 6, 0, 0, 0 }, 8, -SCTP_BAD_CHUNK_LEN },
		{ { 11, 0, 0, 4, 6, 0, 0, 12 }, 8, -SCTP_BAD_CHUNK_OVERRUN },
		{ { 10, 0, 0, 8, 1, 2, 3, 4, 6, 0, 0, 9 }, 16,
		    -SCTP_BAD_CHUNK_OVERRUN },
		/* Tolerated: 1-3 trailing bytes, an unpadded last chunk. */
		{ { 11, 0, 0, 4, 0, 0 }, 6, SCTP_EV_COOKIE_ACK },
		{ { 0, 3, 0, 17 }, 17, SCTP_EV_DATA },
		{ { 0, 3, 0, 17 }, 19, SCTP_EV_DATA },
		/* A COOKIE-ECHO whose padded end leaves no room for a second
		 * chunk header: its own event. */
		{ { 10, 0, 0, 5, 0, 0, 0, 0, 6, 0, 0 }, 11,
		    SCTP_EV_COOKIE_ECHO },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint8_t *b = malloc(t[i].len ? t[i].len : 1);
		uint8_t first = 0xee;

		assert_non_null(b);
		memcpy(b, t[i].b, t[i].len);
		int ev = sctp_event_of(b, t[i].len, &first);
		if (ev != t[i].want)
			fail_msg("case %zu: got %d, want %d", i, ev, t[i].want);
		if (ev < 0)
			assert_int_equal(first, 0xee);	/* left alone */
		free(b);
	}
}

/* The event a cut of the packet at n bytes of chunks gets: refused,
 * unless the cut leaves 0-3 bytes after a whole chunk (they look like
 * padding, and Linux reads them so) or cuts only the last chunk's
 * padding. */
struct cut_ok {
	size_t	from, to;
	int	ev;
};

static void
check_cuts(const uint8_t *pkt, size_t len, const struct cut_ok *ok,
    size_t nok)
{
	for (size_t n = 0; n < len - SCTP_HDR_LEN; n++) {
		uint8_t *b = malloc(n ? n : 1);
		int want = -1;

		assert_non_null(b);
		memcpy(b, pkt + SCTP_HDR_LEN, n);
		int ev = sctp_event_of(b, n, NULL);
		free(b);
		for (size_t k = 0; k < nok; k++)
			if (n >= ok[k].from && n <= ok[k].to)
				want = ok[k].ev;
		if (want >= 0 ? ev != want : ev >= 0)
			fail_msg("cut at %zu: event %d, want %d", n, ev, want);
	}
}

static void
test_truncated_packets(void **state)
{
	/* Every other cut of a real packet is refused, reading nothing past
	 * the cut (ASan checks the exact-size copies). */
	static const struct cut_ok echo_data[] = {
		{ 20, 23, SCTP_EV_COOKIE_ECHO },	/* COOKIE-ECHO whole */
		{ 38, 39, SCTP_EV_COOKIE_ECHO },	/* DATA's padding cut */
	};
	static const struct cut_ok ack_abort[] = {
		{ 4, 7, SCTP_EV_COOKIE_ACK },
	};
	static const struct cut_ok data[] = {
		{ 21, 23, SCTP_EV_DATA },
	};

	check_cuts(PKT(pkt_init), NULL, 0);
	check_cuts(PKT(pkt_init_ack), NULL, 0);
	check_cuts(PKT(pkt_shutdown), NULL, 0);
	check_cuts(PKT(pkt_cookie_echo_data), echo_data, 2);
	check_cuts(PKT(pkt_cookie_ack_abort), ack_abort, 1);
	check_cuts(PKT(pkt_data), data, 1);
}

static void
test_may_create(void **state)
{
	/* sctp_conn_schedule: INIT only; sloppy anything but an ABORT. */
	assert_true(sctp_may_create(SCTP_CT_INIT, 0));
	assert_false(sctp_may_create(SCTP_CT_DATA, 0));
	assert_false(sctp_may_create(SCTP_CT_COOKIE_ECHO, 0));
	assert_false(sctp_may_create(SCTP_CT_ABORT, 0));
	assert_true(sctp_may_create(SCTP_CT_DATA, 1));
	assert_true(sctp_may_create(SCTP_CT_SHUTDOWN, 1));
	assert_false(sctp_may_create(SCTP_CT_ABORT, 1));
}

/* One packet of an association: who sends it, and the state after. */
struct step {
	const uint8_t	*pkt;
	size_t		 len;
	enum conn_dir	 dir;
	int		 want;
};

static void
run_steps(const struct step *s, size_t n)
{
	int st = SCTP_S_NONE;

	for (size_t i = 0; i < n; i++) {
		int ev = event_of(s[i].pkt, s[i].len, NULL);
		assert_true(ev >= 0);
		st = sctp_next_state(st, s[i].dir, ev);
		if (st != s[i].want)
			fail_msg("step %zu: %s, want %s", i, sctp_state_name(st),
			    sctp_state_name(s[i].want));
	}
}

static void
test_nat_association(void **state)
{
	/* Client packets are input, the real server's replies output. */
	static const struct step s[] = {
		{ PKT(pkt_init), DIR_INPUT, SCTP_S_INIT1 },
		{ PKT(pkt_init_ack), DIR_OUTPUT, SCTP_S_COOKIE_SENT },
		{ PKT(pkt_cookie_echo), DIR_INPUT, SCTP_S_COOKIE_REPLIED },
		{ PKT(pkt_cookie_ack), DIR_OUTPUT, SCTP_S_ESTABLISHED },
		{ PKT(pkt_data), DIR_INPUT, SCTP_S_ESTABLISHED },
		{ PKT(pkt_sack), DIR_OUTPUT, SCTP_S_ESTABLISHED },
		{ PKT(pkt_shutdown), DIR_INPUT, SCTP_S_SHUTDOWN_RECEIVED },
		{ PKT(pkt_shutdown_ack), DIR_OUTPUT, SCTP_S_SHUTDOWN_ACK_SENT },
		{ PKT(pkt_shutdown_complete), DIR_INPUT, SCTP_S_CLOSED },
	};

	run_steps(s, sizeof(s) / sizeof(s[0]));
}

static void
test_dr_association(void **state)
{
	/* DR sees only the client's side: input-only throughout. */
	static const struct step s[] = {
		{ PKT(pkt_init), DIR_INPUT_ONLY, SCTP_S_INIT1 },
		{ PKT(pkt_init), DIR_INPUT_ONLY, SCTP_S_INIT },	/* resent */
		{ PKT(pkt_cookie_echo), DIR_INPUT_ONLY, SCTP_S_ESTABLISHED },
		{ PKT(pkt_data), DIR_INPUT_ONLY, SCTP_S_ESTABLISHED },
		{ PKT(pkt_shutdown), DIR_INPUT_ONLY, SCTP_S_SHUTDOWN_RECEIVED },
		{ PKT(pkt_shutdown_complete), DIR_INPUT_ONLY, SCTP_S_CLOSED },
	};

	run_steps(s, sizeof(s) / sizeof(s[0]));
}

static void
test_aborts(void **state)
{
	/* The real server refuses the INIT: REJECTED, 4 s. */
	static const struct step refused[] = {
		{ PKT(pkt_init), DIR_INPUT, SCTP_S_INIT1 },
		{ PKT(pkt_abort), DIR_OUTPUT, SCTP_S_REJECTED },
		/* A new INIT on the same tuple starts over. */
		{ PKT(pkt_init), DIR_INPUT, SCTP_S_INIT },
	};
	/* The client aborts an established association. */
	static const struct step nat[] = {
		{ PKT(pkt_init), DIR_INPUT, SCTP_S_INIT1 },
		{ PKT(pkt_init_ack), DIR_OUTPUT, SCTP_S_COOKIE_SENT },
		{ PKT(pkt_cookie_echo_data), DIR_INPUT, SCTP_S_COOKIE_REPLIED },
		{ PKT(pkt_cookie_ack), DIR_OUTPUT, SCTP_S_ESTABLISHED },
		{ PKT(pkt_abort), DIR_INPUT, SCTP_S_CLOSED },
	};
	/* COOKIE-ACK with an ABORT behind it closes instead of
	 * establishing. */
	static const struct step bundled[] = {
		{ PKT(pkt_init), DIR_INPUT, SCTP_S_INIT1 },
		{ PKT(pkt_init_ack), DIR_OUTPUT, SCTP_S_COOKIE_SENT },
		{ PKT(pkt_cookie_echo), DIR_INPUT, SCTP_S_COOKIE_REPLIED },
		{ PKT(pkt_cookie_ack_abort), DIR_OUTPUT, SCTP_S_CLOSED },
	};
	static const struct step dr[] = {
		{ PKT(pkt_init), DIR_INPUT_ONLY, SCTP_S_INIT1 },
		{ PKT(pkt_cookie_echo), DIR_INPUT_ONLY, SCTP_S_ESTABLISHED },
		{ PKT(pkt_abort), DIR_INPUT_ONLY, SCTP_S_CLOSED },
	};

	run_steps(refused, sizeof(refused) / sizeof(refused[0]));
	run_steps(nat, sizeof(nat) / sizeof(nat[0]));
	run_steps(bundled, sizeof(bundled) / sizeof(bundled[0]));
	run_steps(dr, sizeof(dr) / sizeof(dr[0]));
}

static void
test_table_spots(void **state)
{
	/* Cells of ip_vs_proto_sctp.c's sctp_states that the associations
	 * above do not reach. */
	assert_int_equal(sctp_next_state(SCTP_S_NONE, DIR_OUTPUT,
	    SCTP_EV_INIT), SCTP_S_COOKIE_WAIT);	/* server-side INIT */
	assert_int_equal(sctp_next_state(SCTP_S_COOKIE_WAIT, DIR_INPUT,
	    SCTP_EV_INIT_ACK), SCTP_S_COOKIE);
	assert_int_equal(sctp_next_state(SCTP_S_COOKIE_WAIT, DIR_INPUT,
	    SCTP_EV_ABORT), SCTP_S_REJECTED);
	assert_int_equal(sctp_next_state(SCTP_S_ESTABLISHED, DIR_OUTPUT,
	    SCTP_EV_INIT), SCTP_S_ESTABLISHED);
	assert_int_equal(sctp_next_state(SCTP_S_ESTABLISHED, DIR_OUTPUT,
	    SCTP_EV_SHUTDOWN), SCTP_S_SHUTDOWN_SENT);
	assert_int_equal(sctp_next_state(SCTP_S_SHUTDOWN_SENT, DIR_INPUT,
	    SCTP_EV_SHUTDOWN_ACK), SCTP_S_CLOSED);
	assert_int_equal(sctp_next_state(SCTP_S_COOKIE_ECHOED, DIR_INPUT,
	    SCTP_EV_ERROR), SCTP_S_CLOSED);
	assert_int_equal(sctp_next_state(SCTP_S_COOKIE_ECHOED,
	    DIR_INPUT_ONLY, SCTP_EV_ERROR), SCTP_S_COOKIE_ECHOED);
	assert_int_equal(sctp_next_state(SCTP_S_CLOSED, DIR_INPUT,
	    SCTP_EV_INIT), SCTP_S_INIT);
	assert_int_equal(sctp_next_state(SCTP_S_COOKIE_WAIT, DIR_INPUT_ONLY,
	    SCTP_EV_DATA), SCTP_S_ESTABLISHED);
	/* Out of range: CLOSED, never an index past the table. */
	assert_int_equal(sctp_next_state(SCTP_S_LAST, DIR_INPUT, 0),
	    SCTP_S_CLOSED);
	assert_int_equal(sctp_next_state(-1, DIR_INPUT, 0), SCTP_S_CLOSED);
	assert_int_equal(sctp_next_state(0, DIR_INPUT, SCTP_EV_LAST),
	    SCTP_S_CLOSED);
	assert_int_equal(sctp_next_state(0, DIR_INPUT, -SCTP_BAD_TRUNC),
	    SCTP_S_CLOSED);
	assert_int_equal(sctp_next_state(0, (enum conn_dir)3, 0),
	    SCTP_S_CLOSED);
}

static void
test_names_timeouts_active(void **state)
{
	static const char *const names[SCTP_S_LAST] = {
		"NONE", "INIT1", "INIT", "C-SENT", "C-REPLIED", "C-WAIT",
		"COOKIE", "C-ECHOED", "ESTABLISHED", "S-SENT", "S-RECEIVED",
		"S-ACK-SENT", "REJECTED", "CLOSED",
	};
	static const uint32_t secs[SCTP_S_LAST] = {
		2, 4, 61, 61, 61, 61, 61, 61, 900, 61, 61, 61, 4, 61,
	};
	uint32_t t[SCTP_S_LAST];

	sctp_timeouts_default(t);
	for (int i = 0; i < SCTP_S_LAST; i++) {
		assert_string_equal(sctp_state_name(i), names[i]);
		assert_int_equal(t[i], secs[i]);
		assert_int_equal(sctp_state_active(i), i == SCTP_S_ESTABLISHED);
	}
	assert_string_equal(sctp_state_name(SCTP_S_LAST), "ERR!");
	assert_string_equal(sctp_state_name(-1), "ERR!");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32c_vectors),
		cmocka_unit_test(test_crc32c_chained),
		cmocka_unit_test(test_sctp_csum_scapy),
		cmocka_unit_test(test_sctp_csum_nat),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_events_other_chunks),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_truncated_packets),
		cmocka_unit_test(test_may_create),
		cmocka_unit_test(test_nat_association),
		cmocka_unit_test(test_dr_association),
		cmocka_unit_test(test_aborts),
		cmocka_unit_test(test_table_spots),
		cmocka_unit_test(test_names_timeouts_active),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
