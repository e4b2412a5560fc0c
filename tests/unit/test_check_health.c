/* The director's side of tandem-checkd (director/health.c): dest_health
 * takes servers out and back as keepalived does with IPVS, remembers them
 * against tandemctl changes, releases, dynamic weights, sorry servers,
 * alpha at start, and refuses bad updates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <json-c/json.h>

#include "director.h"

static struct director D;

static int
setup(void **state)
{
	struct tnd_addr vip, a;
	struct service *s;

	memset(&D, 0, sizeof(D));
	conf_defaults(&D.conf);
	svc_table_init(&D.svcs);
	l2tab_init(&D.l2);
	addr_parse("10.0.0.100", &vip);
	assert_int_equal(svc_add(&D.svcs, IPPROTO_TCP, &vip, 80, "rr", 0,
	    0xffffffffu, &s), 0);
	addr_parse("192.168.1.11", &a);
	assert_int_equal(svc_add_dest(&D.svcs, s, &a, 80, FWD_NAT, 3, 0, 0), 0);
	addr_parse("192.168.1.12", &a);
	assert_int_equal(svc_add_dest(&D.svcs, s, &a, 80, FWD_NAT, 2, 0, 0), 0);
	return 0;
}

static int
teardown(void **state)
{
	svc_table_free(&D.svcs);
	health_free(&D);
	l2tab_free(&D.l2);
	conf_free(&D.conf);
	return 0;
}

static struct service *
svc(void)
{
	struct tnd_addr vip;

	addr_parse("10.0.0.100", &vip);
	return svc_find(&D.svcs, IPPROTO_TCP, &vip, 80);
}

/* The weight of a listed server, or -1 when it is not listed. */
static int
weight(const char *addr)
{
	struct tnd_addr a;
	struct dest *ds;

	addr_parse(addr, &a);
	ds = svc_find_dest(svc(), &a, 80);
	return ds ? atomic_load(&ds->weight) : -1;
}

/* One update through the control handler; 1 if the reply is ok. */
static int
update(const char *addr, int up, const char *extra)
{
	char buf[512];
	json_object *req, *rep, *ok;
	int r;

	snprintf(buf, sizeof(buf), "{\"cmd\": \"dest_health\", \"updates\": "
	    "[{\"service\": {\"proto\": \"tcp\", \"addr\": \"10.0.0.100\", "
	    "\"port\": 80}, \"addr\": \"%s\", \"port\": 80, \"up\": %s, "
	    "\"weight\": 1, \"method\": \"nat\"%s}]}", addr, up ? "true" :
	    "false", extra);
	req = json_tokener_parse(buf);
	assert_non_null(req);
	rep = control_handle(NULL, req, &D);
	r = json_object_object_get_ex(rep, "ok", &ok) &&
	    json_object_get_boolean(ok);
	json_object_put(rep);
	json_object_put(req);
	return r;
}

static int
filter(const char *addr, int *w)
{
	struct tnd_addr a;

	addr_parse(addr, &a);
	return health_filter(&D, svc(), &a, 80, w);
}

static void
test_inhibit_weight_zero_and_back(void **state)
{
	int w = 5;

	assert_true(update("192.168.1.11", 0, ", \"inhibit\": true"));
	assert_int_equal(weight("192.168.1.11"), 0);	/* listed, quiescent */
	assert_true(update("192.168.1.11", 0, ", \"inhibit\": true"));
	assert_int_equal(weight("192.168.1.11"), 0);	/* a resend is harmless */
	assert_int_equal(filter("192.168.1.11", &w), 0);	/* tandemctl -e -w 5 */
	assert_int_equal(w, 0);
	assert_true(update("192.168.1.11", 1, ", \"inhibit\": true"));
	assert_int_equal(weight("192.168.1.11"), 5);	/* what tandemctl gave */
	w = 4;
	assert_int_equal(filter("192.168.1.11", &w), 0);
	assert_int_equal(w, 4);				/* up: no interference */
}

static void
test_removed_and_added_back(void **state)
{
	struct tnd_addr a;
	int w = 1;

	assert_true(update("192.168.1.12", 0, ""));
	assert_int_equal(weight("192.168.1.12"), -1);
	assert_int_equal(filter("192.168.1.12", &w), 1);	/* tandemctl -a: out */
	addr_parse("192.168.1.12", &a);
	assert_true(update("192.168.1.12", 1, ""));
	assert_int_equal(weight("192.168.1.12"), 1);	/* the weight given last */
	assert_int_equal(svc_find_dest(svc(), &a, 80)->method, FWD_NAT);
	assert_true(update("192.168.1.12", 1, ""));	/* up again: nothing */
	assert_int_equal(svc()->n_dests, 2);
}

static void
test_removed_keeps_its_weight(void **state)
{
	assert_true(update("192.168.1.12", 0, ""));
	assert_true(update("192.168.1.12", 1, ", \"weight\": 9"));
	assert_int_equal(weight("192.168.1.12"), 2);	/* the one it had */
}

static void
test_release(void **state)
{
	assert_true(update("192.168.1.11", 0, ", \"inhibit\": true"));
	assert_true(update("192.168.1.11", 1, ", \"release\": true"));
	assert_int_equal(weight("192.168.1.11"), 3);
	assert_true(update("192.168.1.12", 0, ""));
	assert_true(update("192.168.1.12", 1, ", \"release\": true"));
	assert_int_equal(weight("192.168.1.12"), -1);	/* not added back */
	int w = 1;
	assert_int_equal(filter("192.168.1.12", &w), 0);	/* forgotten */
}

static void
test_dynamic_and_sorry(void **state)
{
	assert_true(update("192.168.1.11", 1, ", \"dynamic\": true, \"weight\": 7"));
	assert_int_equal(weight("192.168.1.11"), 7);
	/* A sorry server that is not in the service comes in and goes. */
	assert_true(update("192.168.1.99", 1, ", \"sorry\": true"));
	assert_int_equal(weight("192.168.1.99"), 1);
	assert_true(update("192.168.1.99", 0, ", \"sorry\": true"));
	assert_int_equal(weight("192.168.1.99"), -1);
}

static void
test_bad_updates(void **state)
{
	json_object *req, *rep, *ok;

	assert_false(update("not-an-address", 0, ""));
	assert_false(update("fd00::1", 0, ""));		/* wrong family */
	assert_false(update("192.168.1.11", 0, ", \"weight\": 70000"));
	assert_int_equal(weight("192.168.1.11"), 3);	/* nothing applied */
	req = json_tokener_parse("{\"cmd\": \"dest_health\", \"updates\": "
	    "[{\"service\": {\"proto\": \"tcp\", \"addr\": \"10.9.9.9\", "
	    "\"port\": 80}, \"addr\": \"192.168.1.11\", \"port\": 80, "
	    "\"up\": false}]}");
	rep = control_handle(NULL, req, &D);
	assert_true(json_object_object_get_ex(rep, "ok", &ok));
	assert_false(json_object_get_boolean(ok));
	assert_string_equal(json_object_get_string(json_object_object_get(rep,
	    "error")), "0 bad update(s), 1 for no such service");
	json_object_put(rep);
	json_object_put(req);
	req = json_tokener_parse("{\"cmd\": \"dest_health\", \"updates\": 3}");
	rep = control_handle(NULL, req, &D);
	assert_false(json_object_get_boolean(json_object_object_get(rep, "ok")));
	json_object_put(rep);
	json_object_put(req);
}

static void
test_alpha_at_start(void **state)
{
	static const char text[] =
	    "director = { interfaces = [ \"eth0\" ]; };\n"
	    "virtual_servers = ( { address = \"10.0.0.200\"; port = 80;\n"
	    "  alpha = true; real_servers = (\n"
	    "  { address = \"10.0.1.1\"; check = { type = \"tcp\"; }; },\n"
	    "  { address = \"10.0.1.2\"; inhibit_on_failure = true;\n"
	    "    check = { type = \"tcp\"; }; },\n"
	    "  { address = \"10.0.1.3\"; } ); } );\n";
	struct tnd_addr vip, a;
	struct service *s;

	conf_free(&D.conf);
	assert_int_equal(conf_load_string(text, "alpha", &D.conf, NULL), 0);
	assert_int_equal(director_apply_config(&D), 0);
	health_apply_alpha(&D);
	addr_parse("10.0.0.200", &vip);
	s = svc_find(&D.svcs, IPPROTO_TCP, &vip, 80);
	assert_non_null(s);
	addr_parse("10.0.1.1", &a);
	assert_null(svc_find_dest(s, &a, 80));		/* checked: out */
	addr_parse("10.0.1.2", &a);
	assert_int_equal(atomic_load(&svc_find_dest(s, &a, 80)->weight), 0);
	addr_parse("10.0.1.3", &a);
	assert_int_equal(atomic_load(&svc_find_dest(s, &a, 80)->weight), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_inhibit_weight_zero_and_back,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_removed_and_added_back,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_removed_keeps_its_weight,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dynamic_and_sorry, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_updates, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_alpha_at_start, setup,
		    teardown),
	};
	return cmocka_run_group_tests_name("check_health", tests, NULL, NULL);
}
