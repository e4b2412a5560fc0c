/* Schedulers sed, nq, fo, ovf and twos: pick sequences worked out from
 * IPVS's definitions (ip_vs_sed.c, ip_vs_nq.c, ip_vs_fo.c, ip_vs_ovf.c,
 * ip_vs_twos.c), with the list in IPVS order (newest first). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "scheduler.h"
#include "service.h"
#include "sched_fixture.h"

/* n picks; each picked server gains an active connection, as an
 * established one would count. */
static void
picks_active(struct service *s, int n, char *out)
{
	for (int i = 0; i < n; i++) {
		struct dest *d = sched_pick(s, NULL);
		out[i] = name_of(d);
		if (d)
			atomic_fetch_add(&d->active, 1);
	}
	out[n] = '\0';
}

static void
test_sed_sequence(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "sed");
	char got[16];

	add(&t, s, 0, 1);	/* A */
	add(&t, s, 1, 2);	/* B */
	add(&t, s, 2, 3);	/* C: list C B A */
	/* (active + 1) / weight, the first of equals in list order:
	 * C 1/3; B 1/2 < C 2/3; C 2/3; C 3/3 = B 2/2 = A 1/1, C first;
	 * B 2/2 = A 1 (B first); A 1/1 < B 3/2; ... period 6. */
	picks_active(s, 12, got);
	assert_string_equal(got, "CBCCBA" "CBCCBA");
	svc_table_free(&t);
}

static void
test_sed_ignores_inactive(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "sed");

	add(&t, s, 0, 1);
	add(&t, s, 1, 1);	/* list B A */
	atomic_store(&dest_of(s, 'B')->inactive, 1000);
	assert_int_equal(name_of(sched_pick(s, NULL)), 'B');
	atomic_store(&dest_of(s, 'B')->active, 1);
	assert_int_equal(name_of(sched_pick(s, NULL)), 'A');
	svc_table_free(&t);
}

static void
test_sed_weight_zero_and_overload(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "sed");
	char got[8];

	add(&t, s, 0, 1);	/* A */
	add(&t, s, 1, 0);	/* B quiesced */
	add(&t, s, 2, 5);	/* C: list C B A */
	atomic_fetch_or(&dest_of(s, 'C')->flags, DEST_F_OVERLOAD);
	picks_active(s, 3, got);
	assert_string_equal(got, "AAA");
	atomic_fetch_or(&dest_of(s, 'A')->flags, DEST_F_OVERLOAD);
	assert_null(sched_pick(s, NULL));
	svc_table_free(&t);
}

static void
test_nq_sequence(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "nq");
	char got[16];

	add(&t, s, 0, 1);
	add(&t, s, 1, 2);
	add(&t, s, 2, 3);	/* list C B A */
	/* Idle servers first, in list order; from then on as sed, the
	 * least (active + 1) / weight and the first of equals. */
	picks_active(s, 12, got);
	assert_string_equal(got, "CBA" "CCBCBCCBA");
	svc_table_free(&t);
}

static void
test_nq_idle_beats_weight(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "nq");

	add(&t, s, 0, 1);	/* A, idle, weight 1 */
	add(&t, s, 1, 100);	/* B, list B A */
	atomic_store(&dest_of(s, 'B')->active, 1);	/* 2/100 */
	assert_int_equal(name_of(sched_pick(s, NULL)), 'A');
	/* A weight-0 or overloaded idle server does not count. */
	atomic_store(&dest_of(s, 'A')->weight, 0);
	assert_int_equal(name_of(sched_pick(s, NULL)), 'B');
	atomic_store(&dest_of(s, 'A')->weight, 1);
	atomic_fetch_or(&dest_of(s, 'A')->flags, DEST_F_OVERLOAD);
	assert_int_equal(name_of(sched_pick(s, NULL)), 'B');
	svc_table_free(&t);
}

static void
test_fo(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "fo");

	add(&t, s, 0, 5);	/* A */
	add(&t, s, 1, 10);	/* B */
	add(&t, s, 2, 10);	/* C: list C B A */
	/* Highest weight; the first of equals. Connections do not matter. */
	atomic_store(&dest_of(s, 'C')->active, 1000);
	assert_int_equal(name_of(sched_pick(s, NULL)), 'C');
	atomic_fetch_or(&dest_of(s, 'C')->flags, DEST_F_OVERLOAD);
	assert_int_equal(name_of(sched_pick(s, NULL)), 'B');
	assert_int_equal(svc_edit_dest(s, dest_of(s, 'B'), FWD_DR, 0, 0, 0), 0);
	assert_int_equal(name_of(sched_pick(s, NULL)), 'A');
	atomic_fetch_or(&dest_of(s, 'A')->flags, DEST_F_OVERLOAD);
	assert_null(sched_pick(s, NULL));
	svc_table_free(&t);
}

static void
test_ovf(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "ovf");
	char got[16];

	add(&t, s, 0, 2);	/* A */
	add(&t, s, 1, 3);	/* B: list B A */
	add(&t, s, 2, 0);	/* C quiesced: list C B A */
	/* B until it has more active connections than its weight (3 + 1
	 * picks), then A likewise, then nothing. */
	picks_active(s, 8, got);
	assert_string_equal(got, "BBBBAAA-");
	/* Inactive connections do not count; one active leaving frees B. */
	atomic_fetch_sub(&dest_of(s, 'B')->active, 1);
	atomic_store(&dest_of(s, 'B')->inactive, 50);
	assert_int_equal(name_of(sched_pick(s, NULL)), 'B');
	svc_table_free(&t);
}

static void
test_ovf_ties_and_overload(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "ovf");

	add(&t, s, 0, 4);
	add(&t, s, 1, 4);	/* list B A: B first among equals */
	assert_int_equal(name_of(sched_pick(s, NULL)), 'B');
	atomic_fetch_or(&dest_of(s, 'B')->flags, DEST_F_OVERLOAD);
	assert_int_equal(name_of(sched_pick(s, NULL)), 'A');
	svc_table_free(&t);
}

/* Shares of n twos picks per server, indexed by name. */
static void
twos_shares(struct service *s, int n, double *share)
{
	int count[26] = { 0 };

	for (int i = 0; i < n; i++) {
		struct dest *d = sched_pick(s, NULL);
		assert_non_null(d);
		count[name_of(d) - 'A']++;
	}
	for (int i = 0; i < 26; i++)
		share[i] = (double)count[i] / n;
}

static void
test_twos_weighted_draws(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "twos");
	double share[26];

	add(&t, s, 0, 1);	/* A */
	add(&t, s, 1, 3);	/* B: list B A */
	/* Idle servers tie, so the first draw wins. Draws are in
	 * [0, total] = [0, 4] and 0 lands on the list head: B takes
	 * 4 of 5 (the kernel's modulo), A 1 of 5. */
	twos_shares(s, 40000, share);
	assert_true(share[1] > 0.78 && share[1] < 0.82);
	assert_true(share[0] > 0.18 && share[0] < 0.22);
	svc_table_free(&t);
}

static void
test_twos_prefers_less_loaded(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "twos");
	double share[26];

	add(&t, s, 0, 1);	/* A */
	add(&t, s, 1, 1);	/* B: list B A */
	atomic_store(&dest_of(s, 'B')->active, 10);
	/* Each draw is B with 2/3 (0 and 1 of [0, 2]); B wins only when
	 * both draws are B: 4/9. */
	twos_shares(s, 40000, share);
	assert_true(share[1] > 0.42 && share[1] < 0.47);
	svc_table_free(&t);
}

static void
test_twos_never_unusable(void **state)
{
	struct svc_table t;
	struct service *s = mk(&t, "twos");

	add(&t, s, 0, 0);	/* A quiesced */
	add(&t, s, 1, 5);	/* B overloaded */
	add(&t, s, 2, 1);	/* C */
	add(&t, s, 3, 2);	/* D */
	atomic_fetch_or(&dest_of(s, 'B')->flags, DEST_F_OVERLOAD);
	atomic_store(&dest_of(s, 'D')->active, 3);
	for (int i = 0; i < 5000; i++) {
		char c = name_of(sched_pick(s, NULL));
		assert_true(c == 'C' || c == 'D');
	}
	atomic_fetch_or(&dest_of(s, 'C')->flags, DEST_F_OVERLOAD);
	atomic_fetch_or(&dest_of(s, 'D')->flags, DEST_F_OVERLOAD);
	assert_null(sched_pick(s, NULL));
	svc_table_free(&t);
}

static void
test_names_registered(void **state)
{
	static const char *const names[] = {
		"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed",
		"nq", "fo", "ovf", "mh", "twos",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct sched_ops *o = sched_find(names[i]);
		assert_non_null(o);
		assert_string_equal(o->name, names[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sed_sequence),
		cmocka_unit_test(test_sed_ignores_inactive),
		cmocka_unit_test(test_sed_weight_zero_and_overload),
		cmocka_unit_test(test_nq_sequence),
		cmocka_unit_test(test_nq_idle_beats_weight),
		cmocka_unit_test(test_fo),
		cmocka_unit_test(test_ovf),
		cmocka_unit_test(test_ovf_ties_and_overload),
		cmocka_unit_test(test_twos_weighted_draws),
		cmocka_unit_test(test_twos_prefers_less_loaded),
		cmocka_unit_test(test_twos_never_unusable),
		cmocka_unit_test(test_names_registered),
	};
	return cmocka_run_group_tests_name("sched_more", tests, NULL, NULL);
}
