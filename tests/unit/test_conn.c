/* The connection table and the IPVS TCP state machine: transitions for
 * NAT (input/output) and DR (input-only), active/inactive accounting,
 * lookups both ways, expiry by state timeout and the conn_max limit. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <netinet/in.h>

#include "conn.h"
#include "frame.h"
#include "proto.h"
#include "service.h"

struct env {
	struct svc_table	 svcs;
	struct conn_table	 conns;
	struct service		*s;
	struct dest		*d;
	struct tnd_addr		 client, vip;
};

static void
env_init(struct env *e, enum fwd_method m, uint32_t max)
{
	struct tnd_addr rs;

	svc_table_init(&e->svcs);
	addr_parse("10.0.0.2", &e->client);
	addr_parse("10.0.0.100", &e->vip);
	addr_parse("192.168.1.11", &rs);
	assert_int_equal(svc_add(&e->svcs, IPPROTO_TCP, &e->vip, 80, "rr", 0,
	    0xffffffffu, &e->s), 0);
	assert_int_equal(svc_add_dest(&e->svcs, e->s, &rs, 8080, m, 1, 0, 0), 0);
	e->d = e->s->dests[0];
	assert_int_equal(conn_table_init(&e->conns, max), 0);
}

static void
env_free(struct env *e)
{
	conn_table_free(&e->conns);
	svc_table_free(&e->svcs);
}

static struct conn *
open_conn(struct env *e, uint16_t cport, uint64_t now)
{
	return conn_create(&e->conns, IPPROTO_TCP, &e->client, cport, &e->vip,
	    80, e->d, 8080, now);
}

static void
test_state_tables(void **state)
{
	/* Spot checks against ip_vs_proto_tcp.c (current mainline). */
	assert_int_equal(tcp_next_state(TCP_S_NONE, DIR_INPUT, TCPF_SYN), TCP_S_SYN_RECV);
	assert_int_equal(tcp_next_state(TCP_S_NONE, DIR_INPUT, TCPF_ACK), TCP_S_ESTABLISHED);
	assert_int_equal(tcp_next_state(TCP_S_SYN_RECV, DIR_OUTPUT, TCPF_SYN | TCPF_ACK), TCP_S_SYN_RECV);
	assert_int_equal(tcp_next_state(TCP_S_SYN_RECV, DIR_INPUT, TCPF_ACK), TCP_S_ESTABLISHED);
	assert_int_equal(tcp_next_state(TCP_S_ESTABLISHED, DIR_INPUT, TCPF_FIN | TCPF_ACK), TCP_S_CLOSE_WAIT);
	assert_int_equal(tcp_next_state(TCP_S_ESTABLISHED, DIR_INPUT_ONLY, TCPF_FIN | TCPF_ACK), TCP_S_FIN_WAIT);
	assert_int_equal(tcp_next_state(TCP_S_ESTABLISHED, DIR_OUTPUT, TCPF_FIN), TCP_S_FIN_WAIT);
	assert_int_equal(tcp_next_state(TCP_S_CLOSE_WAIT, DIR_OUTPUT, TCPF_FIN), TCP_S_TIME_WAIT);
	assert_int_equal(tcp_next_state(TCP_S_ESTABLISHED, DIR_INPUT, TCPF_RST | TCPF_ACK), TCP_S_CLOSE);
	assert_int_equal(tcp_next_state(TCP_S_LAST_ACK, DIR_INPUT, TCPF_ACK), TCP_S_CLOSE);
	assert_int_equal(tcp_next_state(TCP_S_ESTABLISHED, DIR_INPUT, 0), TCP_S_CLOSE);
	assert_string_equal(tcp_state_name(TCP_S_TIME_WAIT), "TIME_WAIT");
	assert_string_equal(udp_state_name(UDP_S_NORMAL), "UDP");
}

static void
test_nat_lifecycle(void **state)
{
	struct env e;
	struct conn_key k;
	struct tnd_addr rs;

	env_init(&e, FWD_NAT, 100);
	struct conn *c = open_conn(&e, 40000, 1000);
	assert_non_null(c);
	assert_int_equal(atomic_load(&e.d->inactive), 1);	/* starts inactive */
	conn_update(&e.conns, c, DIR_INPUT, TCPF_SYN, 1000);
	assert_int_equal(c->state, TCP_S_SYN_RECV);
	assert_int_equal(atomic_load(&e.d->active), 1);	/* SYN_RECV is active */
	assert_int_equal(c->timeout, 60);
	conn_update(&e.conns, c, DIR_OUTPUT, TCPF_SYN | TCPF_ACK, 1000);
	assert_false(c->flags & CONN_F_NOOUTPUT);
	conn_update(&e.conns, c, DIR_INPUT, TCPF_ACK, 1000);
	assert_int_equal(c->state, TCP_S_ESTABLISHED);
	assert_int_equal(c->timeout, 900);
	conn_update(&e.conns, c, DIR_INPUT, TCPF_FIN | TCPF_ACK, 1000);
	assert_int_equal(c->state, TCP_S_CLOSE_WAIT);
	assert_int_equal(atomic_load(&e.d->active), 0);
	assert_int_equal(atomic_load(&e.d->inactive), 1);

	/* Found from the reply side: (rs, 8080) -> (client, 40000). */
	addr_parse("192.168.1.11", &rs);
	conn_key_in(&k, IPPROTO_TCP, &rs, 8080, &e.client, 40000);
	struct conn *o = conn_lookup_out(&e.conns, &k);
	assert_ptr_equal(o, c);
	conn_put(o);
	conn_put(c);

	/* CLOSE_WAIT lasts 60 s. */
	assert_int_equal(conn_expire(&e.conns, 1000 + 59000), 0);
	assert_int_equal(conn_expire(&e.conns, 1000 + 61000), 1);
	assert_int_equal(atomic_load(&e.conns.count), 0);
	assert_int_equal(atomic_load(&e.d->inactive), 0);
	env_free(&e);
}

static void
test_dr_input_only(void **state)
{
	struct env e;

	env_init(&e, FWD_DR, 100);
	struct conn *c = open_conn(&e, 40001, 0);
	assert_true(c->flags & CONN_F_NOOUTPUT);
	conn_update(&e.conns, c, DIR_INPUT, TCPF_SYN, 0);
	conn_update(&e.conns, c, DIR_INPUT, TCPF_ACK, 0);
	assert_int_equal(c->state, TCP_S_ESTABLISHED);
	/* Input-only table: the client's FIN means FIN_WAIT, not CLOSE_WAIT. */
	conn_update(&e.conns, c, DIR_INPUT, TCPF_FIN | TCPF_ACK, 0);
	assert_int_equal(c->state, TCP_S_FIN_WAIT);
	assert_int_equal(c->timeout, 120);
	conn_put(c);
	env_free(&e);
}

static void
test_lookup_and_duplicate(void **state)
{
	struct env e;
	struct conn_key k;

	env_init(&e, FWD_NAT, 100);
	struct conn *c = open_conn(&e, 40002, 0);
	conn_put(c);
	conn_key_in(&k, IPPROTO_TCP, &e.client, 40002, &e.vip, 80);
	struct conn *f = conn_lookup_in(&e.conns, &k);
	assert_ptr_equal(f, c);
	conn_put(f);
	conn_key_in(&k, IPPROTO_UDP, &e.client, 40002, &e.vip, 80);
	assert_null(conn_lookup_in(&e.conns, &k));	/* other protocol */
	assert_null(open_conn(&e, 40002, 0));
	assert_int_equal(errno, EEXIST);
	assert_int_equal(atomic_load(&e.conns.count), 1);
	env_free(&e);
}

static void
test_limit(void **state)
{
	struct env e;

	env_init(&e, FWD_DR, 3);
	for (uint16_t p = 1; p <= 3; p++)
		conn_put(open_conn(&e, p, 0));
	assert_null(open_conn(&e, 4, 0));
	assert_int_equal(errno, EBUSY);
	assert_int_equal(atomic_load(&e.conns.count), 3);
	/* New connections last 3 s before their first packet. */
	assert_int_equal(conn_expire(&e.conns, 3001), 3);
	assert_non_null(open_conn(&e, 4, 4000));
	env_free(&e);
}

static void
test_held_entry_survives_expiry(void **state)
{
	struct env e;

	env_init(&e, FWD_DR, 10);
	struct conn *c = open_conn(&e, 5, 0);	/* held by us */
	assert_int_equal(conn_expire(&e.conns, 100000), 0);
	conn_put(c);
	assert_int_equal(conn_expire(&e.conns, 100000), 1);
	env_free(&e);
}

static void
test_template_lifetime(void **state)
{
	struct env e;

	env_init(&e, FWD_DR, 10);
	struct conn *ct = conn_create_template(&e.conns, IPPROTO_TCP, &e.client,
	    &e.vip, 80, e.d, 5, 0);
	assert_non_null(ct);
	assert_true(ct->flags & CONN_F_TEMPLATE);
	assert_int_equal(atomic_load(&e.d->persist), 1);
	assert_int_equal(atomic_load(&e.d->inactive), 0);	/* not a conn */
	struct conn *c = open_conn(&e, 40100, 1000);
	conn_bind_control(c, ct, 1000);		/* hands over our hold on ct */
	conn_update(&e.conns, c, DIR_INPUT, TCPF_SYN, 1000);
	conn_put(c);
	/* Past the template's 5 s but the connection (SYN_RECV, 60 s) lives:
	 * the template stays. */
	assert_int_equal(conn_expire(&e.conns, 7000), 0);
	/* The connection goes, then the template: in the same sweep when
	 * the template's bucket comes after the connection's, else in the
	 * next one. */
	uint32_t gone = conn_expire(&e.conns, 62000);
	assert_true(gone >= 1);
	gone += conn_expire(&e.conns, 62000);
	assert_int_equal(gone, 2);
	assert_int_equal(atomic_load(&e.d->persist), 0);
	assert_int_equal(atomic_load(&e.conns.count), 0);
	env_free(&e);
}

static void
test_conn_reuse(void **state)
{
	struct env e;
	struct conn_key k;

	env_init(&e, FWD_NAT, 10);
	struct conn *c = open_conn(&e, 40200, 0);
	conn_update(&e.conns, c, DIR_INPUT, TCPF_SYN, 0);
	assert_false(conn_reusable(c, 1));	/* SYN_RECV: not finished */
	conn_update(&e.conns, c, DIR_OUTPUT, TCPF_SYN | TCPF_ACK, 0);
	conn_update(&e.conns, c, DIR_INPUT, TCPF_ACK, 0);
	conn_update(&e.conns, c, DIR_INPUT, TCPF_FIN | TCPF_ACK, 0);
	conn_update(&e.conns, c, DIR_OUTPUT, TCPF_FIN | TCPF_ACK, 0);
	assert_int_equal(c->state, TCP_S_TIME_WAIT);
	assert_false(conn_reusable(c, 0));	/* mode 0: keep it */
	assert_true(conn_reusable(c, 1));
	conn_unhash(&e.conns, c);
	conn_key_in(&k, IPPROTO_TCP, &e.client, 40200, &e.vip, 80);
	assert_null(conn_lookup_in(&e.conns, &k));
	struct conn *n = open_conn(&e, 40200, 0);	/* the same ports again */
	assert_non_null(n);
	conn_put(n);
	assert_int_equal(conn_expire(&e.conns, 0), 0);	/* c still held */
	conn_put(c);
	assert_int_equal(conn_expire(&e.conns, 0), 1);	/* now freed */
	assert_int_equal(atomic_load(&e.conns.count), 1);
	env_free(&e);
}

static void
test_flush_with_templates(void **state)
{
	struct env e;

	env_init(&e, FWD_NAT, 100);
	for (uint16_t i = 0; i < 20; i++) {
		struct tnd_addr cl = e.client;
		cl.bytes[3] = (uint8_t)(10 + i);
		struct conn *ct = conn_create_template(&e.conns, IPPROTO_TCP,
		    &cl, &e.vip, 80, e.d, 300, 0);
		struct conn *c = conn_create(&e.conns, IPPROTO_TCP, &cl, 1000,
		    &e.vip, 80, e.d, 8080, 0);
		conn_bind_control(c, ct, 0);
		conn_put(c);
	}
	assert_int_equal(atomic_load(&e.conns.count), 40);
	env_free(&e);	/* flush: conns first, then templates (ASan checks) */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_tables),
		cmocka_unit_test(test_nat_lifecycle),
		cmocka_unit_test(test_dr_input_only),
		cmocka_unit_test(test_lookup_and_duplicate),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_held_entry_survives_expiry),
		cmocka_unit_test(test_template_lifetime),
		cmocka_unit_test(test_flush_with_templates),
		cmocka_unit_test(test_conn_reuse),
	};
	return cmocka_run_group_tests_name("conn", tests, NULL, NULL);
}
