/* tandem-checkd's rise/fall hysteresis and keepalived's quorum rule. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "hyst.h"

static void
test_fall_needs_a_run(void **state)
{
	struct hc_hyst h;

	hc_hyst_init(&h, 1, 2, 3);
	assert_int_equal(hc_hyst_feed(&h, 0), 0);
	assert_int_equal(hc_hyst_feed(&h, 0), 0);
	assert_int_equal(hc_hyst_feed(&h, 1), 0);	/* the run restarts */
	assert_int_equal(hc_hyst_feed(&h, 0), 0);
	assert_int_equal(hc_hyst_feed(&h, 0), 0);
	assert_int_equal(h.up, 1);
	assert_int_equal(hc_hyst_feed(&h, 0), 1);	/* third in a row */
	assert_int_equal(h.up, 0);
	assert_int_equal(hc_hyst_feed(&h, 0), 0);	/* stays down */
}

static void
test_rise_from_alpha(void **state)
{
	struct hc_hyst h;

	hc_hyst_init(&h, 0, 2, 1);
	assert_int_equal(hc_hyst_feed(&h, 1), 0);
	assert_int_equal(hc_hyst_feed(&h, 0), 0);
	assert_int_equal(hc_hyst_feed(&h, 1), 0);
	assert_int_equal(hc_hyst_feed(&h, 1), 1);
	assert_int_equal(h.up, 1);
	assert_int_equal(hc_hyst_feed(&h, 0), 1);	/* fall 1 */
}

static void
test_zero_rise_fall_mean_one(void **state)
{
	struct hc_hyst h;

	hc_hyst_init(&h, 1, 0, 0);
	assert_int_equal(hc_hyst_feed(&h, 0), 1);
	assert_int_equal(hc_hyst_feed(&h, 1), 1);
}

static void
test_quorum_hysteresis(void **state)
{
	/* quorum 4, hysteresis 1: lost below 3, regained at 5 */
	assert_int_equal(hc_quorum_next(1, 4, 4, 1), 1);
	assert_int_equal(hc_quorum_next(1, 3, 4, 1), 1);
	assert_int_equal(hc_quorum_next(1, 2, 4, 1), 0);
	assert_int_equal(hc_quorum_next(0, 3, 4, 1), 0);
	assert_int_equal(hc_quorum_next(0, 4, 4, 1), 0);
	assert_int_equal(hc_quorum_next(0, 5, 4, 1), 1);
	/* no hysteresis: the plain comparison */
	assert_int_equal(hc_quorum_next(1, 0, 1, 0), 0);
	assert_int_equal(hc_quorum_next(0, 1, 1, 0), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fall_needs_a_run),
		cmocka_unit_test(test_rise_from_alpha),
		cmocka_unit_test(test_zero_rise_fall_mean_one),
		cmocka_unit_test(test_quorum_hysteresis),
	};
	return cmocka_run_group_tests_name("check_hyst", tests, NULL, NULL);
}
