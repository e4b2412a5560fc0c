/* tandem-syncd's lag quantiles (sync/lag.c): nearest-rank median and
 * p99 over the last SYNC_LAG_N samples. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lag.h"

#include <string.h>

static void
test_empty(void **state)
{
	struct sync_lag l;
	uint64_t med = 1, p99 = 1;

	memset(&l, 0, sizeof(l));
	sync_lag_quantiles(&l, &med, &p99);
	assert_int_equal(med, 0);
	assert_int_equal(p99, 0);
}

static void
test_quantiles(void **state)
{
	struct sync_lag l;
	uint64_t med, p99;

	memset(&l, 0, sizeof(l));
	/* 1..100 ms, added out of order. */
	for (int i = 0; i < 100; i++)
		sync_lag_add(&l, (uint64_t)((i * 37) % 100 + 1) * 1000);
	sync_lag_quantiles(&l, &med, &p99);
	assert_int_equal(med, 50000);
	assert_int_equal(p99, 99000);
	/* One sample: it is both. */
	memset(&l, 0, sizeof(l));
	sync_lag_add(&l, 7);
	sync_lag_quantiles(&l, &med, &p99);
	assert_int_equal(med, 7);
	assert_int_equal(p99, 7);
}

static void
test_window(void **state)
{
	struct sync_lag l;
	uint64_t med, p99;

	memset(&l, 0, sizeof(l));
	/* Only the last SYNC_LAG_N count: the old, small ones are gone. */
	for (int i = 0; i < SYNC_LAG_N; i++)
		sync_lag_add(&l, 1000);
	for (int i = 0; i < SYNC_LAG_N; i++)
		sync_lag_add(&l, 5000);
	assert_int_equal(l.n, SYNC_LAG_N);
	sync_lag_quantiles(&l, &med, &p99);
	assert_int_equal(med, 5000);
	/* A sample past 32 bits is held at the top, not wrapped. */
	sync_lag_add(&l, (uint64_t)1 << 40);
	for (int i = 0; i < 20; i++)
		sync_lag_add(&l, (uint64_t)1 << 40);
	sync_lag_quantiles(&l, &med, &p99);
	assert_int_equal(p99, UINT32_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_quantiles),
		cmocka_unit_test(test_window),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
