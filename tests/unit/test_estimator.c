/* The IPVS rate estimator: smoothing with weight 1/4 per 2-second step,
 * converging to the true rate, and rounding as ip_vs_read_estimator. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "service.h"

static void
feed(struct stats *s, uint64_t conns, uint64_t pkts, uint64_t bytes)
{
	atomic_fetch_add(&s->conns, conns);
	atomic_fetch_add(&s->inpkts, pkts);
	atomic_fetch_add(&s->outpkts, pkts / 2);
	atomic_fetch_add(&s->inbytes, bytes);
	atomic_fetch_add(&s->outbytes, bytes * 3);
}

static void
test_first_step_quarter(void **state)
{
	struct stats s;
	struct rates r;

	memset(&s, 0, sizeof(s));
	feed(&s, 200, 2000, 200000);	/* 100 cps, 1000 pps, 100 kB/s */
	est_step(&s);
	est_read(&s, &r);
	assert_int_equal(r.cps, 25);	/* a quarter of the way */
	assert_int_equal(r.inpps, 250);
	assert_int_equal(r.outpps, 125);
	assert_int_equal(r.inbps, 25000);
	assert_int_equal(r.outbps, 75000);
}

static void
test_converges(void **state)
{
	struct stats s;
	struct rates r;

	memset(&s, 0, sizeof(s));
	for (int i = 0; i < 80; i++) {
		feed(&s, 200, 2000, 200000);
		est_step(&s);
	}
	est_read(&s, &r);
	assert_int_equal(r.cps, 100);
	assert_int_equal(r.inpps, 1000);
	assert_int_equal(r.inbps, 100000);
	/* Traffic stops: the rate decays towards zero. */
	for (int i = 0; i < 80; i++)
		est_step(&s);
	est_read(&s, &r);
	assert_int_equal(r.cps, 0);
	assert_int_equal(r.inbps, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_step_quarter),
		cmocka_unit_test(test_converges),
	};
	return cmocka_run_group_tests_name("estimator", tests, NULL, NULL);
}
