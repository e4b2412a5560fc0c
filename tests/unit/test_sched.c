/* Schedulers: the exact pick sequences IPVS gives (rr, wrr, lc, wlc),
 * with the destination list in IPVS order (newest first). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "scheduler.h"
#include "service.h"
#include "sched_fixture.h"

struct fixture {
	struct svc_table t;
	struct service *s;
};

/* Add servers "A", "B", ... in the given order; with IPVS's head insert
 * the last added is first in the list. Names map to 10.0.0.(1+i). */

static void
picks(struct service *s, int n, char *out)
{
	for (int i = 0; i < n; i++)
		out[i] = name_of(sched_pick(s, NULL));
	out[n] = '\0';
}

static void
test_rr_newest_first(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "rr");
	char got[16];

	add(&t, s, 0, 1);	/* A */
	add(&t, s, 1, 1);	/* B */
	add(&t, s, 2, 1);	/* C: list is C B A */
	picks(s, 7, got);
	assert_string_equal(got, "CBACBAC");
	svc_table_free(&t);
}

static void
test_rr_skips_weight_zero(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "rr");
	char got[16];

	add(&t, s, 0, 1);
	add(&t, s, 1, 0);	/* B quiesced */
	add(&t, s, 2, 1);
	picks(s, 4, got);
	assert_string_equal(got, "CACA");
	svc_table_free(&t);
}

static void
test_wrr_432(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "wrr");
	char got[32];

	/* List order A B C with weights 4 3 2: add C, B, A. Each add runs
	 * ip_vs_wrr_dest_changed, which leaves cw at 1 (C alone gave mw 1),
	 * so the first pass picks every server once; from then on the cycle
	 * is the textbook one, cw = 4, 3, 2, 1. */
	add(&t, s, 2, 2);
	add(&t, s, 1, 3);
	add(&t, s, 0, 4);
	picks(s, 21, got);
	assert_string_equal(got, "ABC" "AABABCABC" "AABABCABC");
	svc_table_free(&t);
}

static void
test_wrr_gcd(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "wrr");
	char got[32];

	/* Weights 4 and 2: gcd 2, mw 3; after the warm-up pass at cw 1
	 * the cycle is cw 3 (A), cw 1 (A B). */
	add(&t, s, 1, 2);
	add(&t, s, 0, 4);
	picks(s, 8, got);
	assert_string_equal(got, "AB" "AAB" "AAB");
	svc_table_free(&t);
}

static void
test_wrr_all_zero(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "wrr");

	add(&t, s, 0, 0);
	assert_null(sched_pick(s, NULL));
	svc_table_free(&t);
}

static void
set_conns(struct service *s, char name, int active, int inactive)
{
	for (int i = 0; i < s->n_dests; i++)
		if (name_of(s->dests[i]) == name) {
			atomic_store(&s->dests[i]->active, active);
			atomic_store(&s->dests[i]->inactive, inactive);
		}
}

static void
test_lc(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "lc");

	add(&t, s, 0, 1);
	add(&t, s, 1, 5);	/* weight does not matter to lc */
	add(&t, s, 2, 1);	/* list: C B A */
	/* Ties: the first in list order wins. */
	assert_int_equal(name_of(sched_pick(s, NULL)), 'C');
	set_conns(s, 'C', 1, 0);	/* 256 */
	set_conns(s, 'B', 0, 300);	/* 300 */
	set_conns(s, 'A', 0, 255);	/* 255 */
	assert_int_equal(name_of(sched_pick(s, NULL)), 'A');
	set_conns(s, 'A', 0, 257);
	assert_int_equal(name_of(sched_pick(s, NULL)), 'C');
	svc_table_free(&t);
}

static void
test_wlc(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "wlc");

	add(&t, s, 0, 1);	/* A w1 */
	add(&t, s, 1, 3);	/* B w3; list: B A */
	assert_int_equal(name_of(sched_pick(s, NULL)), 'B');
	/* B: 2 active (512)/3 = 170.7; A: 171 inactive /1 -> B still. */
	set_conns(s, 'B', 2, 0);
	set_conns(s, 'A', 0, 171);
	assert_int_equal(name_of(sched_pick(s, NULL)), 'B');
	/* A: 170/1 < 512/3 -> A. */
	set_conns(s, 'A', 0, 170);
	assert_int_equal(name_of(sched_pick(s, NULL)), 'A');
	/* Equal ratios keep the first found (strict >). */
	set_conns(s, 'B', 0, 3);
	set_conns(s, 'A', 0, 1);
	assert_int_equal(name_of(sched_pick(s, NULL)), 'B');
	svc_table_free(&t);
}

static void
test_wlc_weight_zero_and_overload(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "wlc");

	add(&t, s, 0, 1);
	add(&t, s, 1, 0);	/* B quiesced: list B A */
	assert_int_equal(name_of(sched_pick(s, NULL)), 'A');
	atomic_fetch_or(&s->dests[1]->flags, DEST_F_OVERLOAD);	/* A */
	assert_null(sched_pick(s, NULL));
	svc_table_free(&t);
}

static void
test_dest_delete_and_readd(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "rr");
	struct tnd_addr a;

	add(&t, s, 0, 1);
	addr_parse("10.0.0.1", &a);
	struct dest *d = svc_find_dest(s, &a, 80);
	dest_hold(d);			/* a connection uses it */
	assert_int_equal(svc_del_dest(&t, s, d), 0);
	assert_null(svc_find_dest(s, &a, 80));
	svc_trash_collect(&t);		/* still held: stays in the trash */
	assert_non_null(t.trash);
	assert_int_equal(svc_add_dest(&t, s, &a, 80, FWD_DR, 2, 0, 0), 0);
	assert_ptr_equal(svc_find_dest(s, &a, 80), d);	/* the same one */
	assert_null(t.trash);
	dest_put(d);
	assert_int_equal(svc_add_dest(&t, s, &a, 80, FWD_DR, 1, 0, 0), -EEXIST);
	svc_table_free(&t);
}

static void
test_unknown_scheduler(void **state)
{
	struct svc_table t;
	struct tnd_addr vip;

	svc_table_init(&t);
	addr_parse("10.0.0.100", &vip);
	assert_int_equal(svc_add(&t, IPPROTO_TCP, &vip, 80, "nope", 0, 0, NULL),
	    -ESRCH);
	svc_table_free(&t);
}

static void
test_thresholds(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "rr");
	struct tnd_addr a;

	addr_parse("10.0.0.1", &a);
	assert_int_equal(svc_add_dest(&t, s, &a, 80, FWD_DR, 1, 2, 1), 0);
	struct dest *d = s->dests[0];
	dest_conn_bound(d, 0);
	assert_false(atomic_load(&d->flags) & DEST_F_OVERLOAD);
	dest_conn_bound(d, 0);		/* 2 >= upper 2 */
	assert_true(atomic_load(&d->flags) & DEST_F_OVERLOAD);
	assert_null(sched_pick(s, NULL));
	dest_conn_unbound(d, 0);	/* 1, not below lower 1 */
	assert_true(atomic_load(&d->flags) & DEST_F_OVERLOAD);
	dest_conn_unbound(d, 0);	/* 0 < 1 */
	assert_false(atomic_load(&d->flags) & DEST_F_OVERLOAD);
	svc_table_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rr_newest_first),
		cmocka_unit_test(test_rr_skips_weight_zero),
		cmocka_unit_test(test_wrr_432),
		cmocka_unit_test(test_wrr_gcd),
		cmocka_unit_test(test_wrr_all_zero),
		cmocka_unit_test(test_lc),
		cmocka_unit_test(test_wlc),
		cmocka_unit_test(test_wlc_weight_zero_and_overload),
		cmocka_unit_test(test_dest_delete_and_readd),
		cmocka_unit_test(test_unknown_scheduler),
		cmocka_unit_test(test_thresholds),
	};
	return cmocka_run_group_tests_name("sched", tests, NULL, NULL);
}
