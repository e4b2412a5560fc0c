/* Control-protocol framing: the documented test vector, and headers that
 * must be refused before any body is read. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ctlmsg.h"

static void
test_vector(void **state)
{
	static const uint8_t want[8] = { 0, 1, 0, 0, 0, 0, 0, 0x10 };
	struct ctl_hdr h = { CTL_REQUEST, 0, 16 }, back;
	uint8_t out[CTL_HDR_LEN];

	ctl_hdr_encode(out, &h);
	assert_memory_equal(out, want, 8);
	assert_int_equal(ctl_hdr_decode(out, sizeof(out), &back), 0);
	assert_int_equal(back.type, CTL_REQUEST);
	assert_int_equal(back.len, 16);
}

static void
test_refused(void **state)
{
	uint8_t b[8] = { 0, 1, 0, 0, 0, 0x10, 0, 1 };	/* 1 MiB + 1 */
	struct ctl_hdr h;

	assert_int_equal(ctl_hdr_decode(b, 8, &h), -1);
	b[5] = 0x10; b[6] = 0; b[7] = 0;		/* exactly 1 MiB */
	assert_int_equal(ctl_hdr_decode(b, 8, &h), 0);
	b[1] = 0;					/* type 0 */
	assert_int_equal(ctl_hdr_decode(b, 8, &h), -1);
	b[1] = 99;					/* unknown type */
	assert_int_equal(ctl_hdr_decode(b, 8, &h), -1);
	b[1] = 1;
	assert_int_equal(ctl_hdr_decode(b, 7, &h), -1);	/* short */
}

static void
test_reply_helpers(void **state)
{
	json_object *e = ctl_reply_error("Service %s", "not defined");
	json_object *v;

	assert_true(json_object_object_get_ex(e, "ok", &v));
	assert_false(json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(e, "error", &v));
	assert_string_equal(json_object_get_string(v), "Service not defined");
	json_object_put(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_reply_helpers),
	};
	return cmocka_run_group_tests_name("ctlmsg", tests, NULL, NULL);
}
