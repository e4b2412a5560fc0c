/* The SIP persistence engine's Call-ID reader: long and compact header
 * names, any case, blanks, the body left alone, bounded by the datagram. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "pe_sip.h"

static int
callid(const char *msg, size_t len, char *out)
{
	const uint8_t *id;
	size_t n;

	if (pe_sip_callid((const uint8_t *)msg, len, &id, &n) == -1)
		return -1;
	memcpy(out, id, n);
	out[n] = '\0';
	return 0;
}

static void
test_callid(void **state)
{
	char got[128];
	const char *m1 = "INVITE sip:bob@x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n"
	    "Call-ID: a84b4c76e66710@pc33\r\nCSeq: 1 INVITE\r\n\r\n";
	const char *m2 = "BYE sip:bob@x SIP/2.0\r\ni :  f81d4fae  \r\n\r\n";
	const char *m3 = "REGISTER sip:x SIP/2.0\r\nCALL-ID:x1\r\n\r\n";
	const char *m4 = "INVITE sip:x SIP/2.0\r\nVia: h\r\n\r\nCall-ID: in-body\r\n";
	const char *m5 = "INVITE sip:x SIP/2.0\r\nCall-ID: cut-here";

	assert_int_equal(callid(m1, strlen(m1), got), 0);
	assert_string_equal(got, "a84b4c76e66710@pc33");
	assert_int_equal(callid(m2, strlen(m2), got), 0);
	assert_string_equal(got, "f81d4fae");
	assert_int_equal(callid(m3, strlen(m3), got), 0);
	assert_string_equal(got, "x1");
	assert_int_equal(callid(m4, strlen(m4), got), -1);	/* body only */
	/* Bounded by the datagram: the value ends where it ends. */
	assert_int_equal(callid(m5, strlen(m5) - 5, got), 0);
	assert_string_equal(got, "cut");
	assert_int_equal(callid("Call-ID:", 8, got), -1);	/* empty */
	assert_int_equal(callid("", 0, got), -1);
	assert_int_equal(callid("Call-IDx: y\r\n", 13, got), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_callid),
	};
	return cmocka_run_group_tests_name("pe_sip", tests, NULL, NULL);
}
