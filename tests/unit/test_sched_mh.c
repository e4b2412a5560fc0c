/* Scheduler mh (Maglev): the kernel's 4,093-slot table, SipHash-1-3 keys
 * and fill order, the quiesced servers' kept slots, mh-fallback and
 * mh-port, and the disruption when a server leaves. Expected strings and
 * counts come from a model of ip_vs_mh.c and the kernel's hsiphash written
 * apart from Tandem's code (Python, with its own SipHash checked against
 * the SipHash paper's vectors); sources are 10.1.0.i, i = 0..15. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "scheduler.h"
#include "service.h"
#define SCHED_FIXTURE_OWN_MK
#include "sched_fixture.h"

static struct service *
mk(struct svc_table *t)
{
	struct tnd_addr vip;
	struct service *s = NULL;

	svc_table_init(t);
	addr_parse("10.0.0.100", &vip);
	assert_int_equal(svc_add(t, IPPROTO_TCP, &vip, 80, "mh", 0,
	    0xffffffffu, &s), 0);
	return s;
}

static void
mkpkt(struct pkt *p, uint32_t src, uint16_t sport)
{
	memset(p, 0, sizeof(*p));
	p->proto = IPPROTO_TCP;
	p->saddr.af = p->daddr.af = AF_INET;
	for (int i = 0; i < 4; i++)
		p->saddr.bytes[i] = (uint8_t)(src >> (24 - 8 * i));
	addr_parse("10.0.0.100", &p->daddr);
	p->sport = sport;
	p->dport = 80;
}

#define SRC(i)	(0x0a010000u + (uint32_t)(i))	/* 10.1.0.i */

static void
mh_sources(struct service *s, char *out)
{
	struct pkt p;

	for (int i = 0; i < 16; i++) {
		mkpkt(&p, SRC(i), 40000);
		out[i] = name_of(sched_pick(s, &p));
	}
	out[16] = '\0';
}

static struct service *
mh_cba(struct svc_table *t, int wa, int wb, int wc)
{
	struct service *s = mk(t);

	add(t, s, 0, wa);
	add(t, s, 1, wb);
	add(t, s, 2, wc);	/* list C B A */
	return s;
}

static void
test_mh_kernel_table(void **state)
{
	struct svc_table t;
	struct service *s = mh_cba(&t, 1, 1, 1);
	char got[17];

	mh_sources(s, got);
	assert_string_equal(got, "CAAAABABCAACABBC");
	/* The source port does not count without mh-port. */
	for (int i = 0; i < 50; i++) {
		struct pkt p;
		mkpkt(&p, SRC(1), (uint16_t)(1000 + i));
		assert_int_equal(name_of(sched_pick(s, &p)), 'A');
	}
	svc_table_free(&t);
}

static void
test_mh_weights(void **state)
{
	struct svc_table t;
	struct service *s = mh_cba(&t, 1, 2, 3);
	int count[3] = { 0 };
	char got[17];
	struct pkt p;

	mh_sources(s, got);
	assert_string_equal(got, "CCACABCBCACCBCBC");
	/* Slots 682 / 1364 / 2047; over the model's 10,000 sources
	 * 172.16.0.0 + 7919 i: A 1671, B 3339, C 4990. */
	for (uint32_t i = 0; i < 10000; i++) {
		mkpkt(&p, 0xac100000u + i * 7919u, 1);
		count[name_of(sched_pick(s, &p)) - 'A']++;
	}
	assert_int_equal(count[0], 1671);
	assert_int_equal(count[1], 3339);
	assert_int_equal(count[2], 4990);
	svc_table_free(&t);
}

static void
test_mh_quiesced_keeps_slots(void **state)
{
	struct svc_table t;
	struct service *s = mh_cba(&t, 1, 1, 1);
	char got[17];

	/* Weight 0 keeps B's slots (the table is built from the last
	 * non-zero weight): its sources get nothing, the others stay. */
	assert_int_equal(svc_edit_dest(s, dest_of(s, 'B'), FWD_DR, 0, 0, 0), 0);
	mh_sources(s, got);
	assert_string_equal(got, "CAAAA-A-CAACA--C");
	/* mh-fallback moves only B's sources. */
	s->sched_flags = SCHED_F_FALLBACK;
	mh_sources(s, got);
	assert_string_equal(got, "CAAAAAAACAACAAAC");
	atomic_fetch_or(&dest_of(s, 'C')->flags, DEST_F_OVERLOAD);
	mh_sources(s, got);
	assert_string_equal(got, "AAAAAAAAAAAAAAAA");
	/* Back to weight 1: every source returns to its server. */
	atomic_fetch_and(&dest_of(s, 'C')->flags, ~DEST_F_OVERLOAD);
	assert_int_equal(svc_edit_dest(s, dest_of(s, 'B'), FWD_DR, 1, 0, 0), 0);
	mh_sources(s, got);
	assert_string_equal(got, "CAAAABABCAACABBC");
	svc_table_free(&t);
}

static void
test_mh_added_quiesced_has_no_slots(void **state)
{
	struct svc_table t;
	struct service *s = mh_cba(&t, 1, 0, 1);
	char got[17];

	/* Added with weight 0, B never had a weight: no slots at all. */
	mh_sources(s, got);
	assert_string_equal(got, "CAAAACACCAACAACC");
	/* Nothing with a weight: an empty table. */
	assert_int_equal(svc_edit_dest(s, dest_of(s, 'A'), FWD_DR, 0, 0, 0), 0);
	assert_int_equal(svc_edit_dest(s, dest_of(s, 'C'), FWD_DR, 0, 0, 0), 0);
	s->sched_flags = SCHED_F_FALLBACK;
	mh_sources(s, got);
	assert_string_equal(got, "----------------");
	svc_table_free(&t);
}

static void
test_mh_port(void **state)
{
	struct svc_table t;
	struct service *s = mh_cba(&t, 1, 1, 1);
	char got[17];
	struct pkt p;

	s->sched_flags = SCHED_F_PORT;
	for (int i = 0; i < 16; i++) {
		mkpkt(&p, SRC(1), (uint16_t)(1000 + i));
		got[i] = name_of(sched_pick(s, &p));
	}
	got[16] = '\0';
	assert_string_equal(got, "BCCCAACAAAABCCCA");
	svc_table_free(&t);
}

/* Server i of the disruption test: 10.0.(i / 250).(1 + i % 250). */
static void
add_nth(struct svc_table *t, struct service *s, int i)
{
	struct tnd_addr a;
	char buf[32];

	snprintf(buf, sizeof(buf), "10.0.%d.%d", i / 250, 1 + i % 250);
	addr_parse(buf, &a);
	assert_int_equal(svc_add_dest(t, s, &a, 80, FWD_DR, 1, 0, 0), 0);
}

static void
test_mh_disruption(void **state)
{
	enum { N = 10, K = 10000 };
	struct svc_table t;
	struct service *s = mk(&t);
	struct dest **before = calloc(K, sizeof(*before));
	int moved = 0, on_gone = 0, others_moved = 0;
	struct pkt p;

	assert_non_null(before);
	for (int i = 0; i < N; i++)
		add_nth(&t, s, i);
	for (uint32_t k = 0; k < K; k++) {
		mkpkt(&p, 0xac100000u + k * 7919u, 1);
		before[k] = sched_pick(s, &p);
	}
	struct dest *gone = s->dests[N - 1 - N / 2];	/* server 5 */
	assert_int_equal(gone->addr.bytes[3], 6);
	assert_int_equal(svc_del_dest(&t, s, gone), 0);
	for (uint32_t k = 0; k < K; k++) {
		mkpkt(&p, 0xac100000u + k * 7919u, 1);
		struct dest *d = sched_pick(s, &p);
		assert_non_null(d);
		assert_ptr_not_equal(d, gone);
		moved += d != before[k];
		on_gone += before[k] == gone;
		others_moved += d != before[k] && before[k] != gone;
	}
	/* About 1/N of the keys move, nearly all of them the gone server's;
	 * the exact counts are the kernel model's. */
	assert_true(moved <= K / N + K / 50);
	assert_true(others_moved <= (K - on_gone) * 3 / 100);
	assert_int_equal(moved, 1089);
	assert_int_equal(on_gone, 973);
	assert_int_equal(others_moved, 116);
	free(before);
	svc_table_free(&t);
}

static void
test_mh_big_weights_shift(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t);
	int count[2] = { 0 };
	struct pkt p;

	/* 1000 and 10: gcd 10, so 100 and 1, which need 7 bits: shifted
	 * by one to 50 turns and 0, made 1. B keeps 1 slot in 51 (the
	 * model: 81 of 4,093). */
	add(&t, s, 0, 1000);
	add(&t, s, 1, 10);
	for (uint32_t i = 0; i < 10000; i++) {
		mkpkt(&p, 0xac100000u + i * 7919u, 1);
		count[name_of(sched_pick(s, &p)) - 'A']++;
	}
	assert_true(count[1] > 100 && count[1] < 300);
	svc_table_free(&t);
}

static void
test_mh_no_dests_and_null(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t);
	struct pkt p;

	mkpkt(&p, SRC(1), 1);
	assert_null(sched_pick(s, &p));
	assert_null(sched_pick(s, NULL));
	/* Switching scheduler runs done and init on a live service. */
	add(&t, s, 0, 1);
	assert_int_equal(svc_edit(&t, s, "rr", 0, 0xffffffffu), 0);
	assert_int_equal(svc_edit(&t, s, "mh", 0, 0xffffffffu), 0);
	assert_int_equal(name_of(sched_pick(s, &p)), 'A');
	svc_table_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mh_kernel_table),
		cmocka_unit_test(test_mh_weights),
		cmocka_unit_test(test_mh_quiesced_keeps_slots),
		cmocka_unit_test(test_mh_added_quiesced_has_no_slots),
		cmocka_unit_test(test_mh_port),
		cmocka_unit_test(test_mh_disruption),
		cmocka_unit_test(test_mh_big_weights_shift),
		cmocka_unit_test(test_mh_no_dests_and_null),
	};
	return cmocka_run_group_tests_name("sched_mh", tests, NULL, NULL);
}
