/* Schedulers sh and dh: the kernel's 256-bucket tables and hashes. The
 * expected server strings come from a model of ip_vs_sh.c and ip_vs_dh.c
 * written apart from Tandem's code (Python, from the kernel source):
 * source 10.1.0.i (sh) or destination 10.2.0.i (dh), i = 0..15. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "frame.h"
#include "scheduler.h"
#include "service.h"
#include "sched_fixture.h"

static void
mkpkt(struct pkt *p, const char *src, uint16_t sport, const char *dst)
{
	memset(p, 0, sizeof(*p));
	p->proto = IPPROTO_TCP;
	assert_int_equal(addr_parse(src, &p->saddr), 0);
	assert_int_equal(addr_parse(dst, &p->daddr), 0);
	p->sport = sport;
	p->dport = 80;
}

/* sh picks for sources 10.1.0.0 .. 10.1.0.15. */
static void
sh_sources(struct service *s, char *out)
{
	struct pkt p;
	char src[32];

	for (int i = 0; i < 16; i++) {
		snprintf(src, sizeof(src), "10.1.0.%d", i);
		mkpkt(&p, src, 40000, "10.0.0.100");
		out[i] = name_of(sched_pick(s, &p));
	}
	out[16] = '\0';
}

/* A 1, B 2, C 1 added in that order: list C B A, buckets C B B A ... */
static struct service *
sh_cba(struct svc_table *t)
{
	struct service *s = mk(t, "sh");

	add(t, s, 0, 1);
	add(t, s, 1, 2);
	add(t, s, 2, 1);
	return s;
}

static void
test_sh_kernel_buckets(void **state)
{
	struct svc_table t;
	struct service *s = sh_cba(&t);
	char got[17];

	sh_sources(s, got);
	assert_string_equal(got, "CBABABBCBCBABABA");
	/* The same source always maps to the same server; without sh-port
	 * the source port does not matter. */
	for (int i = 0; i < 100; i++) {
		struct pkt p;
		mkpkt(&p, "10.1.0.2", (uint16_t)(1000 + i), "10.0.0.100");
		assert_int_equal(name_of(sched_pick(s, &p)), 'A');
	}
	svc_table_free(&t);
}

static void
test_sh_ipv6_fold(void **state)
{
	struct svc_table t;
	struct service *s = sh_cba(&t);
	char got[17], src[64];
	struct pkt p;

	/* IPv6 sources fold to the XOR of their four 32-bit words. */
	for (int i = 0; i < 16; i++) {
		snprintf(src, sizeof(src), "2001:db8::%x", i);
		mkpkt(&p, src, 40000, "2001:db8::100");
		got[i] = name_of(sched_pick(s, &p));
	}
	got[16] = '\0';
	assert_string_equal(got, "BACBCBABBCBCBABA");
	svc_table_free(&t);
}

static void
test_sh_port_spreads(void **state)
{
	struct svc_table t;
	struct service *s = sh_cba(&t);
	char got[17];
	struct pkt p;

	s->sched_flags = SCHED_F_PORT;
	for (int i = 0; i < 16; i++) {
		mkpkt(&p, "10.1.0.1", (uint16_t)(1000 + i), "10.0.0.100");
		got[i] = name_of(sched_pick(s, &p));
	}
	got[16] = '\0';
	assert_string_equal(got, "BACBCBCBABACBCBC");
	/* Not for protocols without ports. */
	mkpkt(&p, "10.1.0.1", 1000, "10.0.0.100");
	p.proto = IPPROTO_ICMP;
	assert_int_equal(name_of(sched_pick(s, &p)), 'B');
	svc_table_free(&t);
}

static void
test_sh_quiesced_and_fallback(void **state)
{
	struct svc_table t;
	struct service *s = sh_cba(&t);
	char got[17];

	/* Weight 0 refills the table (B keeps one bucket in three) and
	 * its sources get nothing ... */
	assert_int_equal(svc_edit_dest(s, dest_of(s, 'B'), FWD_DR, 0, 0, 0), 0);
	sh_sources(s, got);
	assert_string_equal(got, "-CCA-ACACAC-C-C-");
	/* ... unless sh-fallback walks on to a usable one. */
	s->sched_flags = SCHED_F_FALLBACK;
	sh_sources(s, got);
	assert_string_equal(got, "ACCAAACACACACACA");
	svc_table_free(&t);
}

static void
test_sh_overload_and_fallback(void **state)
{
	struct svc_table t;
	struct service *s = sh_cba(&t);
	char got[17];

	/* Overload leaves the table alone. */
	atomic_fetch_or(&dest_of(s, 'C')->flags, DEST_F_OVERLOAD);
	sh_sources(s, got);
	assert_string_equal(got, "-BABABB-B-BABABA");
	s->sched_flags = SCHED_F_FALLBACK | SCHED_F_PORT;
	sh_sources(s, got);	/* sh-port changes the buckets: just usable */
	for (int i = 0; i < 16; i++)
		assert_true(got[i] == 'A' || got[i] == 'B');
	s->sched_flags = SCHED_F_FALLBACK;
	sh_sources(s, got);
	assert_string_equal(got, "BBABABBBBBBABABA");
	/* Nothing usable: fallback gives up. */
	atomic_fetch_or(&dest_of(s, 'A')->flags, DEST_F_OVERLOAD);
	atomic_fetch_or(&dest_of(s, 'B')->flags, DEST_F_OVERLOAD);
	sh_sources(s, got);
	assert_string_equal(got, "----------------");
	svc_table_free(&t);
}

static void
test_sh_empty_and_delete(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "sh");
	struct pkt p;

	mkpkt(&p, "10.1.0.1", 1, "10.0.0.100");
	assert_null(sched_pick(s, &p));
	assert_null(sched_pick(s, NULL));
	add(&t, s, 0, 1);
	add(&t, s, 1, 1);
	assert_int_equal(svc_del_dest(&t, s, dest_of(s, 'B')), 0);
	svc_trash_collect(&t);		/* B is freed: no bucket may keep it */
	for (int i = 0; i < 16; i++) {
		char src[32];
		snprintf(src, sizeof(src), "10.1.0.%d", i);
		mkpkt(&p, src, 1, "10.0.0.100");
		assert_int_equal(name_of(sched_pick(s, &p)), 'A');
	}
	svc_table_free(&t);
}

static void
dh_dests(struct service *s, char *out)
{
	struct pkt p;
	char dst[32];

	for (int i = 0; i < 16; i++) {
		snprintf(dst, sizeof(dst), "10.2.0.%d", i);
		/* The source must not matter. */
		mkpkt(&p, i % 2 ? "192.0.2.1" : "198.51.100.7", 1234, dst);
		out[i] = name_of(sched_pick(s, &p));
	}
	out[16] = '\0';
}

static void
test_dh_kernel_buckets(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "dh");
	char got[17];

	add(&t, s, 0, 1);
	add(&t, s, 1, 5);	/* dh ignores weights: one bucket each */
	add(&t, s, 2, 1);	/* list C B A */
	dh_dests(s, got);
	assert_string_equal(got, "CBCBABABACACBCBC");
	dh_dests(s, got);
	assert_string_equal(got, "CBCBABABACACBCBC");
	/* A quiesced server's destinations get nothing (no fallback). */
	assert_int_equal(svc_edit_dest(s, dest_of(s, 'B'), FWD_DR, 0, 0, 0), 0);
	dh_dests(s, got);
	assert_string_equal(got, "C-C-A-A-ACAC-C-C");
	atomic_store(&dest_of(s, 'B')->weight, 1);
	atomic_fetch_or(&dest_of(s, 'C')->flags, DEST_F_OVERLOAD);
	dh_dests(s, got);
	assert_string_equal(got, "-B-BABABA-A-B-B-");
	svc_table_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sh_kernel_buckets),
		cmocka_unit_test(test_sh_ipv6_fold),
		cmocka_unit_test(test_sh_port_spreads),
		cmocka_unit_test(test_sh_quiesced_and_fallback),
		cmocka_unit_test(test_sh_overload_and_fallback),
		cmocka_unit_test(test_sh_empty_and_delete),
		cmocka_unit_test(test_dh_kernel_buckets),
	};
	return cmocka_run_group_tests_name("sched_hash", tests, NULL, NULL);
}
