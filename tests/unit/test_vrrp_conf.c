/* The vrrp section: DESIGN.md's example as written, defaults, and the
 * errors tandem-vrrpd refuses to start with. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

static const char design[] =
"vrrp = {\n"
"  instances = (\n"
"    { name = \"ext\"; interface = \"eth0\"; vrid = 51; priority = 150; advert_int = 0.1;\n"
"      version = 3; virtual_ipaddress = [ \"10.0.0.100/24\" ]; preempt = true;\n"
"      track_interfaces = [ \"eth1\" ]; },\n"
"    { name = \"int\"; interface = \"eth1\"; vrid = 52; priority = 150; advert_int = 0.1;\n"
"      version = 3; virtual_ipaddress = [ \"192.168.1.1/24\" ]; preempt = true; } );\n"
"  sync_groups = ( { name = \"pair\"; instances = [ \"ext\", \"int\" ]; } );\n"
"};\n";

static void
test_design_example(void **state)
{
	struct conf_vrrp v;
	struct tandem_conf c;

	assert_int_equal(conf_load_string(design, "t.conf", &c, stderr), 0);
	conf_free(&c);
	assert_int_equal(conf_vrrp_load_string(design, "t.conf", &v, stderr), 0);
	assert_int_equal(v.n_inst, 2);
	assert_string_equal(v.inst[0].name, "ext");
	assert_int_equal(v.inst[0].advert_cs, 10);
	assert_int_equal(v.inst[0].priority, 150);
	assert_int_equal(v.inst[0].n_track_if, 1);
	assert_int_equal(v.inst[0].track_if[0].weight, 0);
	assert_int_equal(v.inst[1].af, AF_INET);
	assert_int_equal(v.n_groups, 1);
	assert_int_equal(v.groups[0].n_members, 2);
	assert_int_equal(v.groups[0].members[1], 1);
	assert_true(v.track_director);
	assert_string_equal(v.script_user, "nobody");
	conf_vrrp_free(&v);
}

static void
test_defaults_and_more(void **state)
{
	struct conf_vrrp v;
	const char *t =
	    "vrrp = { notify_fifo = \"/run/x.fifo\"; track_director = false;\n"
	    " scripts = ( { name = \"chk\"; script = \"/bin/true\"; "
	    "interval = 2; weight = -10; } );\n"
	    " instances = ( { name = \"a\"; interface = \"eth0\"; vrid = 1;\n"
	    "  virtual_ipaddress = [ \"2001:db8::1/64\" ];\n"
	    "  unicast_peers = [ \"fe80::2\" ]; track_scripts = [ \"chk\" ];\n"
	    "  preempt = false; preempt_delay = 5; } ); };\n";

	assert_int_equal(conf_vrrp_load_string(t, "t.conf", &v, stderr), 0);
	assert_int_equal(v.inst[0].priority, 100);
	assert_int_equal(v.inst[0].version, 3);
	assert_int_equal(v.inst[0].advert_cs, 100);
	assert_int_equal(v.inst[0].af, AF_INET6);
	assert_int_equal(v.inst[0].n_peers, 1);
	assert_false(v.inst[0].preempt);
	assert_false(v.inst[0].track_director);
	assert_true(v.scripts[0].timeout == 2.0);
	assert_int_equal(v.scripts[0].weight, -10);
	conf_vrrp_free(&v);
	/* No vrrp section at all. */
	assert_int_equal(conf_vrrp_load_string("node = { };", "t", &v, NULL), 0);
	assert_int_equal(v.n_inst, 0);
}

static void
expect_errors(const char *text, const char *want)
{
	struct conf_vrrp v;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_int_equal(conf_vrrp_load_string(text, "t.conf", &v, f), -1);
	fclose(f);
	assert_string_equal(buf, want);
	free(buf);
}

static void
test_errors(void **state)
{
	expect_errors(
	    "vrrp = { instances = (\n"
	    " { name = \"a\"; interface = \"eth0\"; vrid = 1; version = 2;\n"
	    "   advert_int = 1.5; virtual_ipaddress = [ \"10.0.0.1/24\" ]; },\n"
	    " { name = \"a\"; interface = \"eth0\"; vrid = 1;\n"
	    "   virtual_ipaddress = [ \"10.0.0.2/24\", \"fe80::1/64\" ];\n"
	    "   track_scripts = [ \"nope\" ]; auth_type = \"pass\"; } );\n"
	    " sync_groups = ( { name = \"g\"; instances = [ \"b\" ]; } ); };\n",
	    "t.conf:1: vrrp.instances: \"a\" tracks script \"nope\", which "
	    "vrrp.scripts does not define\n"
	    "t.conf:3: vrrp.instances[0].advert_int: version 2 counts whole "
	    "seconds\n"
	    "t.conf:4: vrrp.instances[1].auth_type: \"pass\" exists in version 2 "
	    "only\n"
	    "t.conf:4: vrrp.instances[1].auth_pass: missing (required by "
	    "\"pass\")\n"
	    "t.conf:4: vrrp.instances[1].name: \"a\" is also at line 2\n"
	    "t.conf:5: vrrp.instances[1].virtual_ipaddress[1]: IPv4 and IPv6 "
	    "addresses in one instance (use two instances)\n"
	    "t.conf:7: vrrp.sync_groups[0].instances[0]: no instance \"b\"\n");
	expect_errors("vrrp = { instances = ( { name = \"a\"; } ); };\n",
	    "t.conf:1: vrrp.instances[0].interface: missing (required)\n"
	    "t.conf:1: vrrp.instances[0].vrid: missing (required)\n"
	    "t.conf:1: vrrp.instances[0].virtual_ipaddress: missing (required)\n");
}

static void
test_sync_follow(void **state)
{
	struct conf_vrrp v;
	struct tandem_conf c;
	char *t;

	/* DESIGN.md's sync section: follow the group, hold 30 s. */
	assert_int_not_equal(asprintf(&t, "%ssync = { interface = \"eth2\"; "
	    "follow = \"pair\"; };\n", design), -1);
	assert_int_equal(conf_vrrp_load_string(t, "t.conf", &v, stderr), 0);
	assert_string_equal(v.sync_follow, "pair");
	assert_true(v.preempt_hold == 30.0);
	conf_vrrp_free(&v);
	free(t);
	assert_int_not_equal(asprintf(&t, "%ssync = { follow = \"ext\"; "
	    "preempt_hold = 2.5; };\n", design), -1);
	assert_int_equal(conf_load_string(t, "t.conf", &c, stderr), 0);
	conf_free(&c);
	assert_int_equal(conf_vrrp_load_string(t, "t.conf", &v, stderr), 0);
	assert_string_equal(v.sync_follow, "ext");
	assert_true(v.preempt_hold == 2.5);
	conf_vrrp_free(&v);
	free(t);
	/* No sync section: nothing followed. */
	assert_int_equal(conf_vrrp_load_string(design, "t.conf", &v, NULL), 0);
	assert_string_equal(v.sync_follow, "");
	conf_vrrp_free(&v);
	assert_int_not_equal(asprintf(&t, "%ssync = { follow = \"nope\"; "
	    "preempt_hold = -1; };\n", design), -1);
	expect_errors(t, "t.conf:10: sync.preempt_hold: -1 is out of range "
	    "0..3600\n"
	    "t.conf:10: sync.follow: \"nope\" is neither a vrrp instance nor "
	    "a sync group\n");
	assert_int_equal(conf_load_string(t, "t.conf", &c, NULL), -1);
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_design_example),
		cmocka_unit_test(test_defaults_and_more),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_sync_follow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
