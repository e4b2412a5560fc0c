/* Schedulers lblc and lblcr: a destination address stays on its server
 * (set of servers) while IPVS's overload rule allows, the table keeps
 * IPVS's bound and ageing, and servers that leave are forgotten. Time is
 * driven through the scheduler's tick. */
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
#define SCHED_FIXTURE_OWN_MK
#include "sched_fixture.h"

#define T0		1000000ull	/* ms; any start will do */
#define MINUTE		60000ull
#define HOUR		(60 * MINUTE)

static struct service *
mk(struct svc_table *t, const char *sched)
{
	struct tnd_addr vip;
	struct service *s = NULL;

	svc_table_init(t);
	addr_parse("10.0.0.100", &vip);
	assert_int_equal(svc_add(t, IPPROTO_TCP, &vip, 80, sched, 0,
	    0xffffffffu, &s), 0);
	assert_non_null(s->sched->tick);
	s->sched->tick(s, T0);
	return s;
}

static void
set_conns(struct service *s, char name, int active, int inactive)
{
	atomic_store(&dest_of(s, name)->active, active);
	atomic_store(&dest_of(s, name)->inactive, inactive);
}

/* The server picked for a packet to daddr (host-order IPv4). */
static char
pick_to(struct service *s, uint32_t daddr)
{
	struct pkt p;

	memset(&p, 0, sizeof(p));
	p.proto = IPPROTO_TCP;
	addr_parse("192.0.2.1", &p.saddr);
	p.daddr.af = AF_INET;
	for (int i = 0; i < 4; i++)
		p.daddr.bytes[i] = (uint8_t)(daddr >> (24 - 8 * i));
	p.sport = 1234;
	p.dport = 80;
	return name_of(sched_pick(s, &p));
}

#define X	0x0a080001u	/* 10.8.0.1 */
#define Y	0x0a080002u
#define Z	0x0a080003u
#define W	0x0a080004u

/* Ticks every minute from "from" (exclusive) to "to" (inclusive). */
static void
run_clock(struct service *s, uint64_t from, uint64_t to)
{
	for (uint64_t now = from + MINUTE; now <= to; now += MINUTE)
		s->sched->tick(s, now);
}

static void
test_lblc_sticky(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "lblc");

	add(&t, s, 0, 1);
	add(&t, s, 1, 1);	/* list B A */
	assert_int_equal(pick_to(s, X), 'B');	/* wlc: the first of equals */
	set_conns(s, 'B', 0, 5);
	assert_int_equal(pick_to(s, Y), 'A');	/* new address: wlc */
	assert_int_equal(pick_to(s, X), 'B');	/* remembered */
	assert_int_equal(pick_to(s, Y), 'A');
	svc_table_free(&t);
}

static void
test_lblc_overload_rule(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "lblc");

	add(&t, s, 0, 1);
	add(&t, s, 1, 1);	/* list B A */
	assert_int_equal(pick_to(s, X), 'B');
	/* More active than its weight, but nobody is below half of its
	 * weight: B stays although wlc would say A. */
	set_conns(s, 'B', 2, 0);
	set_conns(s, 'A', 1, 0);
	assert_int_equal(pick_to(s, X), 'B');
	/* A below half: B counts as overloaded, X moves to A and stays. */
	set_conns(s, 'A', 0, 0);
	assert_int_equal(pick_to(s, X), 'A');
	set_conns(s, 'B', 0, 0);
	set_conns(s, 'A', 0, 9);
	assert_int_equal(pick_to(s, X), 'A');
	svc_table_free(&t);
}

static void
test_lblc_threshold_flag_and_weight(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "lblc");

	add(&t, s, 0, 1);
	add(&t, s, 1, 1);	/* list B A */
	assert_int_equal(pick_to(s, X), 'B');
	/* As IPVS, the threshold flag does not move a remembered address;
	 * new ones avoid the server. */
	atomic_fetch_or(&dest_of(s, 'B')->flags, DEST_F_OVERLOAD);
	assert_int_equal(pick_to(s, X), 'B');
	assert_int_equal(pick_to(s, Y), 'A');
	/* Weight 0 does. */
	assert_int_equal(svc_edit_dest(s, dest_of(s, 'B'), FWD_DR, 0, 0, 0), 0);
	assert_int_equal(pick_to(s, X), 'A');
	/* Nothing usable: nothing. */
	atomic_fetch_or(&dest_of(s, 'A')->flags, DEST_F_OVERLOAD);
	assert_int_equal(pick_to(s, Z), '-');
	svc_table_free(&t);
}

static void
test_lblc_deleted_server(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "lblc");

	add(&t, s, 0, 1);
	add(&t, s, 1, 1);
	assert_int_equal(pick_to(s, X), 'B');
	assert_int_equal(svc_del_dest(&t, s, dest_of(s, 'B')), 0);
	svc_trash_collect(&t);		/* B is freed */
	assert_int_equal(pick_to(s, X), 'A');
	/* Added back, it is a new server to the table. */
	add(&t, s, 1, 1);
	set_conns(s, 'A', 0, 3);
	assert_int_equal(pick_to(s, X), 'A');
	assert_int_equal(pick_to(s, Y), 'B');
	svc_table_free(&t);
}

static void
test_lblc_bounded(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "lblc");

	add(&t, s, 0, 1);
	add(&t, s, 1, 1);	/* list B A */
	set_conns(s, 'B', 0, 1);	/* wlc says A */
	assert_int_equal(pick_to(s, X), 'A');
	for (uint32_t i = 0; i < 16383; i++)
		assert_int_equal(pick_to(s, 0x0a100000u + i), 'A');
	/* 16,384 entries: IPVS adds while not over 16,384, so Z is the
	 * last one remembered and W is not. */
	assert_int_equal(pick_to(s, Z), 'A');
	assert_int_equal(pick_to(s, W), 'A');
	set_conns(s, 'A', 0, 2);	/* wlc now says B */
	assert_int_equal(pick_to(s, X), 'A');
	assert_int_equal(pick_to(s, Z), 'A');
	assert_int_equal(pick_to(s, W), 'B');
	/* Over the bound, a check removes entries idle for 6 minutes,
	 * from the rover on, until 4/3 of the excess went. */
	run_clock(s, T0, T0 + 5 * MINUTE);
	assert_int_equal(pick_to(s, W), 'B');
	set_conns(s, 'B', 0, 5);
	assert_int_equal(pick_to(s, W), 'A');	/* still not remembered */
	set_conns(s, 'B', 0, 0);
	run_clock(s, T0 + 5 * MINUTE, T0 + 6 * MINUTE);
	assert_int_equal(pick_to(s, W), 'B');	/* remembered now */
	set_conns(s, 'B', 0, 5);
	assert_int_equal(pick_to(s, W), 'B');
	svc_table_free(&t);
}

static void
test_lblc_expires_after_a_day(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "lblc");
	uint64_t now = T0;

	add(&t, s, 0, 1);
	add(&t, s, 1, 1);	/* list B A */
	set_conns(s, 'B', 0, 1);
	assert_int_equal(pick_to(s, X), 'A');
	assert_int_equal(pick_to(s, Y), 'A');
	/* Y is used every hour, X never again. */
	for (int h = 0; h < 25; h++) {
		run_clock(s, now, now + HOUR);
		now += HOUR;
		assert_int_equal(pick_to(s, Y), 'A');
	}
	set_conns(s, 'A', 0, 2);	/* wlc now says B */
	assert_int_equal(pick_to(s, Y), 'A');
	assert_int_equal(pick_to(s, X), 'B');
	svc_table_free(&t);
}

/* lblcr with A 1, B 1, C 0 (list C B A) where X has the set {A, B}. */
static struct service *
lblcr_ab(struct svc_table *t)
{
	struct service *s = mk(t, "lblcr");

	add(t, s, 0, 1);
	add(t, s, 1, 1);
	add(t, s, 2, 0);
	assert_int_equal(pick_to(s, X), 'B');	/* set {B} */
	set_conns(s, 'B', 2, 0);		/* overloaded: A below half */
	assert_int_equal(pick_to(s, X), 'A');	/* set {A, B} */
	assert_int_equal(pick_to(s, X), 'A');	/* the set's least loaded */
	return s;
}

static void
test_lblcr_replicates(void **state)
{
	struct svc_table t;
	struct service *s = lblcr_ab(&t);

	/* The set's least loaded, not the service's: C is idle. */
	assert_int_equal(svc_edit_dest(s, dest_of(s, 'C'), FWD_DR, 1, 0, 0), 0);
	set_conns(s, 'A', 0, 400);
	set_conns(s, 'B', 0, 300);
	assert_int_equal(pick_to(s, X), 'B');
	assert_int_equal(pick_to(s, Y), 'C');
	/* The threshold flag keeps a server out of the set's choice. */
	atomic_fetch_or(&dest_of(s, 'B')->flags, DEST_F_OVERLOAD);
	assert_int_equal(pick_to(s, X), 'A');
	svc_table_free(&t);
}

static void
test_lblcr_set_shrinks(void **state)
{
	struct svc_table t;
	struct service *s = lblcr_ab(&t);
	uint64_t now = T0;

	set_conns(s, 'A', 0, 400);
	set_conns(s, 'B', 0, 300);
	/* Used every hour, unchanged for a day: then the most loaded (A)
	 * leaves the set. */
	for (int h = 0; h < 24; h++) {
		run_clock(s, now, now + HOUR);
		now += HOUR;
		assert_int_equal(pick_to(s, X), 'B');
	}
	run_clock(s, now, now + MINUTE);
	assert_int_equal(pick_to(s, X), 'B');	/* A is dropped here */
	set_conns(s, 'A', 0, 0);
	assert_int_equal(pick_to(s, X), 'B');	/* A would have won */
	svc_table_free(&t);
}

static void
test_lblcr_deleted_server(void **state)
{
	struct svc_table t;
	struct service *s = lblcr_ab(&t);

	set_conns(s, 'B', 0, 0);
	assert_int_equal(svc_del_dest(&t, s, dest_of(s, 'A')), 0);
	svc_trash_collect(&t);		/* A is freed */
	assert_int_equal(pick_to(s, X), 'B');
	assert_int_equal(svc_del_dest(&t, s, dest_of(s, 'B')), 0);
	svc_trash_collect(&t);
	assert_int_equal(pick_to(s, X), '-');	/* C has weight 0 */
	svc_table_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lblc_sticky),
		cmocka_unit_test(test_lblc_overload_rule),
		cmocka_unit_test(test_lblc_threshold_flag_and_weight),
		cmocka_unit_test(test_lblc_deleted_server),
		cmocka_unit_test(test_lblc_bounded),
		cmocka_unit_test(test_lblc_expires_after_a_day),
		cmocka_unit_test(test_lblcr_replicates),
		cmocka_unit_test(test_lblcr_set_shrinks),
		cmocka_unit_test(test_lblcr_deleted_server),
	};
	return cmocka_run_group_tests_name("sched_lblc", tests, NULL, NULL);
}
