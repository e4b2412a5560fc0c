/* tandem-snmpd's sorted OID table: GET finds exact names only, GETNEXT
 * walks in lexicographic OID order (shorter prefix first), duplicates
 * are kept once, and the table refuses what does not fit. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "oidtab.h"

static const oid pre[] = { 1, 3, 6, 1, 2, 1, 207 };
#define PLEN	(sizeof(pre) / sizeof(pre[0]))

static void
test_get_next(void **state)
{
	struct oidtab t;
	const struct oidtab_ent *e;
	const oid a[] = { 1, 1, 1, 1, 6, 2, 51, 1 };
	const oid b[] = { 1, 1, 1, 1, 6, 10, 51, 1 };
	const oid c[] = { 1, 1, 1, 1, 3, 2, 51, 1 };
	const oid d[] = { 1, 2, 1, 0 };
	oid q[16];

	oidtab_init(&t);
	/* Added out of order, as the builders do. */
	assert_int_equal(oidtab_add_int(&t, pre, PLEN, b, 8, ASN_INTEGER, 2), 0);
	assert_int_equal(oidtab_add_c64(&t, pre, PLEN, d, 4,
	    0x100000002ull), 0);
	assert_int_equal(oidtab_add_int(&t, pre, PLEN, a, 8, ASN_INTEGER, 3), 0);
	assert_int_equal(oidtab_add_str(&t, pre, PLEN, c, 8, ASN_OCTET_STR,
	    "\x0a\x00\x00\x0b", 4), 0);
	assert_null(oidtab_get(&t, pre, PLEN));	/* not sorted yet */
	oidtab_sort(&t);
	assert_int_equal(t.n, 4);

	/* GET: exact names only. */
	memcpy(q, pre, sizeof(pre));
	memcpy(q + PLEN, a, sizeof(a));
	e = oidtab_get(&t, q, PLEN + 8);
	assert_non_null(e);
	assert_int_equal(e->v.i, 3);
	assert_null(oidtab_get(&t, q, PLEN + 7));

	/* GETNEXT from the MIB's root: column 3 before column 6, ifIndex 2
	 * before 10 (numeric, not textual), then the scalar. */
	e = oidtab_next(&t, pre, PLEN);
	assert_int_equal(e->type, ASN_OCTET_STR);
	assert_int_equal(e->vlen, 4);
	assert_memory_equal(e->v.s, "\x0a\x00\x00\x0b", 4);
	e = oidtab_next(&t, e->name, e->len);
	assert_int_equal(e->v.i, 3);
	e = oidtab_next(&t, e->name, e->len);
	assert_int_equal(e->v.i, 2);
	e = oidtab_next(&t, e->name, e->len);
	assert_int_equal(e->type, ASN_COUNTER64);
	assert_int_equal(e->v.c64.high, 1);
	assert_int_equal(e->v.c64.low, 2);
	assert_null(oidtab_next(&t, e->name, e->len));

	/* GETNEXT from a name between two rows. */
	q[PLEN + 5] = 5;
	e = oidtab_next(&t, q, PLEN + 8);
	assert_int_equal(e->v.i, 2);
	oidtab_free(&t);
}

static void
test_duplicates_and_limits(void **state)
{
	struct oidtab t;
	const oid a[] = { 9, 1 };
	oid big[OIDTAB_OID_MAX];
	char s[OIDTAB_VAL_MAX + 10];

	oidtab_init(&t);
	oidtab_add_int(&t, pre, PLEN, a, 2, ASN_INTEGER, 1);
	oidtab_add_int(&t, pre, PLEN, a, 2, ASN_INTEGER, 2);
	oidtab_sort(&t);
	assert_int_equal(t.n, 1);
	/* A name longer than the table holds is refused and counted. */
	memset(big, 0, sizeof(big));
	assert_int_equal(oidtab_add_int(&t, pre, PLEN, big, OIDTAB_OID_MAX,
	    ASN_INTEGER, 1), -1);
	assert_int_equal(t.overflow, 1);
	/* A long string is cut to the value buffer, never overrun. */
	memset(s, 'x', sizeof(s));
	assert_int_equal(oidtab_add_str(&t, pre, PLEN, a, 1, ASN_OCTET_STR, s,
	    sizeof(s)), 0);
	assert_int_equal(t.e[t.n - 1].vlen, OIDTAB_VAL_MAX);
	oidtab_clear(&t);
	oidtab_sort(&t);
	assert_null(oidtab_next(&t, pre, PLEN));
	oidtab_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_next),
		cmocka_unit_test(test_duplicates_and_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
