/* The director's reload (director/reload.c) on its tables, without packets:
 * only the file's difference is applied, a bad file changes nothing, a
 * removed server with connections is drained and deleted once they end,
 * and what the file did not change (a tandemctl weight) stays. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "director.h"
#include "ctlmsg.h"
#include "scheduler.h"

/* A vrrp section: the director then owns no VIP itself (no interfaces
 * needed here). */
#define HEAD \
	"director = { interfaces = [ \"lo\" ]; };\n" \
	"vrrp = { instances = ( { name = \"a\"; interface = \"lo\"; vrid = 1;\n" \
	"  virtual_ipaddress = [ \"10.0.0.100/24\" ]; } ); };\n"

struct fixture {
	struct director	 d;
	char		 path[64];
};

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	snprintf(fx->path, sizeof(fx->path), "/tmp/test_reload_%d.conf",
	    (int)getpid());
	write_file(fx->path, HEAD
	    "virtual_servers = ( { address = \"10.0.0.100\"; port = 80;\n"
	    "  protocol = \"tcp\"; scheduler = \"wrr\"; method = \"nat\";\n"
	    "  real_servers = ( { address = \"192.168.1.11\"; weight = 1; },\n"
	    "    { address = \"192.168.1.12\"; weight = 1; } ); },\n"
	    "  { address = \"10.0.0.100\"; port = 53; protocol = \"udp\";\n"
	    "  real_servers = ( { address = \"192.168.1.11\"; } ); } );\n");
	assert_int_equal(conf_load(fx->path, &fx->d.conf, stderr), 0);
	svc_table_init(&fx->d.svcs);
	vip_table_init(&fx->d.vips);
	assert_int_equal(l2tab_init(&fx->d.l2), 0);
	assert_int_equal(conn_table_init(&fx->d.conns, 1024), 0);
	assert_int_equal(director_apply_config(&fx->d), 0);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	conn_table_free(&fx->d.conns);
	svc_table_free(&fx->d.svcs);
	l2tab_free(&fx->d.l2);
	health_free(&fx->d);
	free(fx->d.drains.v);
	conf_free(&fx->d.conf);
	unlink(fx->path);
	free(fx);
	return 0;
}

static struct service *
svc(struct fixture *fx, int proto, uint16_t port)
{
	struct tnd_addr a;

	assert_int_equal(addr_parse("10.0.0.100", &a), 0);
	return svc_find(&fx->d.svcs, (uint8_t)proto, &a, port);
}

static struct dest *
dest(struct service *s, const char *addr, uint16_t port)
{
	struct tnd_addr a;

	assert_int_equal(addr_parse(addr, &a), 0);
	return svc_find_dest(s, &a, port);
}

static int
reply_ok(json_object *r)
{
	json_object *ok;

	return json_object_object_get_ex(r, "ok", &ok) &&
	    json_object_get_boolean(ok);
}

static int
reply_int(json_object *r, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(r, key, &v) ? json_object_get_int(v) :
	    -1;
}

static void
test_difference_applied(void **state)
{
	struct fixture *fx = *state;
	struct service *s = svc(fx, IPPROTO_TCP, 80);
	struct dest *keep = dest(s, "192.168.1.12", 80);
	json_object *r;

	/* rs1 goes (no connection: deleted), rs2 stays with weight 3, rs3
	 * comes; wlc instead of wrr; the UDP service goes, 443 comes. */
	write_file(fx->path, HEAD
	    "virtual_servers = ( { address = \"10.0.0.100\"; port = 80;\n"
	    "  protocol = \"tcp\"; scheduler = \"wlc\"; method = \"nat\";\n"
	    "  real_servers = ( { address = \"192.168.1.12\"; weight = 3; },\n"
	    "    { address = \"192.168.1.13\"; weight = 1; } ); },\n"
	    "  { address = \"10.0.0.100\"; port = 443; protocol = \"tcp\";\n"
	    "  real_servers = ( { address = \"192.168.1.11\"; } ); } );\n");
	r = director_reload(&fx->d);
	assert_true(reply_ok(r));
	assert_int_equal(reply_int(r, "services_added"), 1);
	assert_int_equal(reply_int(r, "services_removed"), 1);
	assert_int_equal(reply_int(r, "services_changed"), 1);
	/* rs3 on :80 and the new service's server */
	assert_int_equal(reply_int(r, "servers_added"), 2);
	assert_int_equal(reply_int(r, "servers_removed"), 1);
	assert_int_equal(reply_int(r, "servers_changed"), 1);
	json_object_put(r);
	assert_ptr_equal(svc(fx, IPPROTO_TCP, 80), s);	/* edited in place */
	assert_string_equal(s->sched->name, "wlc");
	assert_ptr_equal(dest(s, "192.168.1.12", 80), keep);
	assert_int_equal(atomic_load(&keep->weight), 3);
	assert_null(dest(s, "192.168.1.11", 80));
	assert_non_null(dest(s, "192.168.1.13", 80));
	assert_null(svc(fx, IPPROTO_UDP, 53));
	assert_non_null(svc(fx, IPPROTO_TCP, 443));
}

static void
test_bad_file_changes_nothing(void **state)
{
	struct fixture *fx = *state;
	struct service *s = svc(fx, IPPROTO_TCP, 80);
	json_object *r, *err;

	write_file(fx->path, HEAD
	    "virtual_servers = ( { address = \"10.0.0.100\"; port = 80;\n"
	    "  protocol = \"tcp\"; scheduler = \"fastest\";\n"
	    "  real_servers = ( { address = \"192.168.1.11\"; } ); } );\n");
	r = director_reload(&fx->d);
	assert_false(reply_ok(r));
	assert_true(json_object_object_get_ex(r, "error", &err));
	assert_non_null(strstr(json_object_get_string(err),
	    ":5: virtual_servers[0].scheduler: unknown scheduler"));
	json_object_put(r);
	assert_string_equal(s->sched->name, "wrr");
	assert_int_equal(s->n_dests, 2);
	assert_non_null(svc(fx, IPPROTO_UDP, 53));
	assert_string_equal(fx->d.conf.vs[0].scheduler, "wrr");
}

static void
test_removed_server_drained(void **state)
{
	struct fixture *fx = *state;
	struct service *s = svc(fx, IPPROTO_TCP, 80);
	struct dest *rs1 = dest(s, "192.168.1.11", 80);
	json_object *r;

	atomic_store(&rs1->active, 1);		/* an established connection */
	write_file(fx->path, HEAD
	    "virtual_servers = ( { address = \"10.0.0.100\"; port = 80;\n"
	    "  protocol = \"tcp\"; scheduler = \"wrr\"; method = \"nat\";\n"
	    "  real_servers = ( { address = \"192.168.1.12\"; weight = 1; } ); },\n"
	    "  { address = \"10.0.0.100\"; port = 53; protocol = \"udp\";\n"
	    "  real_servers = ( { address = \"192.168.1.11\"; } ); } );\n");
	r = director_reload(&fx->d);
	assert_int_equal(reply_int(r, "servers_draining"), 1);
	json_object_put(r);
	/* Still listed, at weight 0: its connection goes on, no new one. */
	assert_ptr_equal(dest(s, "192.168.1.11", 80), rs1);
	assert_int_equal(atomic_load(&rs1->weight), 0);
	reload_drain_tick(&fx->d);
	assert_non_null(dest(s, "192.168.1.11", 80));
	atomic_store(&rs1->active, 0);		/* it ended */
	reload_drain_tick(&fx->d);
	assert_null(dest(s, "192.168.1.11", 80));
	assert_int_equal(fx->d.drains.n, 0);
}

static void
test_runtime_change_kept(void **state)
{
	struct fixture *fx = *state;
	struct service *s = svc(fx, IPPROTO_TCP, 80);
	struct dest *rs2 = dest(s, "192.168.1.12", 80);
	json_object *r;

	/* tandemctl -e set rs2's weight to 7 and -D deleted the UDP service;
	 * the file changes rs1 only. */
	svc_edit_dest(s, rs2, FWD_NAT, 7, 0, 0);
	svc_del(&fx->d.svcs, svc(fx, IPPROTO_UDP, 53));
	write_file(fx->path, HEAD
	    "virtual_servers = ( { address = \"10.0.0.100\"; port = 80;\n"
	    "  protocol = \"tcp\"; scheduler = \"wrr\"; method = \"nat\";\n"
	    "  real_servers = ( { address = \"192.168.1.11\"; weight = 4; },\n"
	    "    { address = \"192.168.1.12\"; weight = 1; } ); },\n"
	    "  { address = \"10.0.0.100\"; port = 53; protocol = \"udp\";\n"
	    "  real_servers = ( { address = \"192.168.1.11\"; } ); } );\n");
	r = director_reload(&fx->d);
	assert_true(reply_ok(r));
	assert_int_equal(reply_int(r, "servers_changed"), 1);
	json_object_put(r);
	assert_int_equal(atomic_load(&dest(s, "192.168.1.11", 80)->weight), 4);
	assert_int_equal(atomic_load(&rs2->weight), 7);
	assert_null(svc(fx, IPPROTO_UDP, 53));
}

static void
test_restart_only_keys(void **state)
{
	struct fixture *fx = *state;
	json_object *r, *v;

	write_file(fx->path,
	    "director = { interfaces = [ \"lo\" ]; workers = 4;\n"
	    "  conn_max = 2048; timeouts = { tcp = 60; }; };\n"
	    "vrrp = { instances = ( { name = \"a\"; interface = \"lo\"; vrid = 1;\n"
	    "  virtual_ipaddress = [ \"10.0.0.100/24\" ]; } ); };\n"
	    "virtual_servers = ( { address = \"10.0.0.100\"; port = 80;\n"
	    "  protocol = \"tcp\"; scheduler = \"wrr\"; method = \"nat\";\n"
	    "  real_servers = ( { address = \"192.168.1.11\"; weight = 1; },\n"
	    "    { address = \"192.168.1.12\"; weight = 1; } ); },\n"
	    "  { address = \"10.0.0.100\"; port = 53; protocol = \"udp\";\n"
	    "  real_servers = ( { address = \"192.168.1.11\"; } ); } );\n");
	r = director_reload(&fx->d);
	assert_true(reply_ok(r));
	assert_true(json_object_object_get_ex(r, "restart_needed", &v));
	assert_string_equal(json_object_get_string(v),
	    "director.workers, director.conn_max");
	json_object_put(r);
	assert_int_equal(fx->d.conf.director.workers, 1);	/* as running */
	assert_int_equal(fx->d.conns.timeouts.tcp[TCP_S_ESTABLISHED], 60);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_difference_applied, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_file_changes_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_removed_server_drained,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_runtime_change_kept, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_restart_only_keys, setup,
		    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
