/* tandem-syncd's sync section (defaults, every key, refusals) and its
 * per-sender replay windows (found again, the least recently used one
 * given to a new sender). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "syncd.h"

static int
load(const char *text, struct sync_conf *sc)
{
	return sync_conf_load_string(text, sc, NULL);
}

static void
test_defaults(void **state)
{
	struct sync_conf sc;
	char g[ADDR_STRLEN];

	assert_int_equal(load("sync = { interface = \"eth1\"; };", &sc), 0);
	assert_string_equal(sc.interface, "eth1");
	assert_string_equal(addr_str(&sc.group, g, sizeof(g)), "224.0.0.81");
	assert_int_equal(sync_conf_af(&sc), AF_INET);
	assert_int_equal(sc.port, 8848);
	assert_int_equal(sc.syncid, 0);
	assert_int_equal(sc.ttl, 1);
	assert_int_equal(sc.max_datagram, 1472);
	assert_string_equal(sc.auth_key_file, "");
}

static void
test_every_key(void **state)
{
	struct sync_conf sc;
	char g[ADDR_STRLEN];

	assert_int_equal(load("sync = { interface = \"eth2\"; group = "
	    "\"239.1.2.3\"; port = 9000; syncid = 42; ttl = 2; "
	    "max_datagram = 9000; auth_key_file = \"/etc/tandem/sync.key\"; };",
	    &sc), 0);
	assert_string_equal(addr_str(&sc.group, g, sizeof(g)), "239.1.2.3");
	assert_int_equal(sc.port, 9000);
	assert_int_equal(sc.syncid, 42);
	assert_int_equal(sc.ttl, 2);
	assert_int_equal(sc.max_datagram, 9000);
	assert_string_equal(sc.auth_key_file, "/etc/tandem/sync.key");
}

static void
test_refused(void **state)
{
	struct sync_conf sc;
	static const char *const bad[] = {
		"node = { name = \"a\"; };",			/* no section */
		"sync = { group = \"224.0.0.81\"; };",		/* no interface */
		"sync = { interface = \"\"; };",
		"sync = { interface = 3; };",
		"sync = { interface = \"e\"; group = \"10.0.0.1\"; };",
		"sync = { interface = \"e\"; group = \"nonsense\"; };",
		"sync = { interface = \"e\"; port = 0; };",
		"sync = { interface = \"e\"; port = 65536; };",
		"sync = { interface = \"e\"; port = \"8848\"; };",
		"sync = { interface = \"e\"; syncid = 256; };",
		"sync = { interface = \"e\"; ttl = 0; };",
		"sync = { interface = \"e\"; max_datagram = 100; };",
		"sync = { interface = \"e\"; max_datagram = 70000; };",
		"sync = { interface = \"e\"; ",		/* syntax */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (load(bad[i], &sc) != -1)
			fail_msg("accepted: %s", bad[i]);
}

/* An IPv6 group or IPv6 peers: the sockets' family follows, and so does
 * the default datagram length (1500 less IPv6's 48 header bytes). */
static void
test_ipv6(void **state)
{
	struct sync_conf sc;
	char g[ADDR_STRLEN];

	assert_int_equal(load("sync = { interface = \"eth2\"; "
	    "group = \"ff02::8:81\"; };", &sc), 0);
	assert_string_equal(addr_str(&sc.group, g, sizeof(g)), "ff02::8:81");
	assert_int_equal(sync_conf_af(&sc), AF_INET6);
	assert_int_equal(sc.max_datagram, 1452);
	assert_int_equal(load("sync = { interface = \"eth2\"; "
	    "group = \"ff05::8:81\"; max_datagram = 1400; ttl = 3; };",
	    &sc), 0);
	assert_int_equal(sc.max_datagram, 1400);
	assert_int_equal(sc.ttl, 3);
	/* Peers alone: the default (IPv4) group is not used. */
	assert_int_equal(load("sync = { interface = \"eth2\"; "
	    "peers = [ \"fd00:16::12\", \"fe80::2\" ]; };", &sc), 0);
	assert_int_equal(sc.n_peers, 2);
	assert_int_equal(sync_conf_af(&sc), AF_INET6);
	assert_int_equal(sc.max_datagram, 1452);
	assert_string_equal(addr_str(&sc.peers[1], g, sizeof(g)), "fe80::2");
	assert_int_equal(load("sync = { interface = \"eth2\"; "
	    "group = \"ff02::8:81\"; peers = [ \"fd00:16::12\" ]; };", &sc),
	    0);
	assert_int_equal(sync_conf_af(&sc), AF_INET6);
	/* IPv4 stays as it was. */
	assert_int_equal(load("sync = { interface = \"eth2\"; "
	    "peers = [ \"172.16.0.12\" ]; };", &sc), 0);
	assert_int_equal(sync_conf_af(&sc), AF_INET);
	assert_int_equal(sc.max_datagram, 1472);
}

/* One family per config; a group must be multicast and peers unicast;
 * each refusal names FILE:LINE: KEY. */
static void
test_ipv6_refused(void **state)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "sync = { interface = \"e\";\n group = \"2001:db8::1\"; };",
		  "-:2: sync.group: must be an IPv6 multicast address\n" },
		{ "sync = { interface = \"e\";\n group = \"10.0.0.1\"; };",
		  "-:2: sync.group: must be an IPv4 multicast address\n" },
		{ "sync = { interface = \"e\"; group = \"224.0.0.81\";\n"
		  " peers = [ \"fd00::2\" ]; };",
		  "-:2: sync.peers: IPv6 peers with an IPv4 group: one family "
		  "only\n" },
		{ "sync = { interface = \"e\"; group = \"ff02::8:81\";\n"
		  " peers = [ \"172.16.0.12\" ]; };",
		  "-:2: sync.peers: IPv4 peers with an IPv6 group: one family "
		  "only\n" },
		{ "sync = { interface = \"e\";\n"
		  " peers = [ \"172.16.0.12\", \"fd00::2\" ]; };",
		  "-:2: sync.peers: must be all IPv4 or all IPv6\n" },
		{ "sync = { interface = \"e\";\n peers = [ \"ff02::1\" ]; };",
		  "-:2: sync.peers: must be unicast IPv4 or IPv6 addresses\n" },
		{ "sync = { interface = \"e\";\n peers = [ \"224.0.0.1\" ]; };",
		  "-:2: sync.peers: must be unicast IPv4 or IPv6 addresses\n" },
	};
	struct sync_conf sc;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char out[256] = "";
		FILE *f = fmemopen(out, sizeof(out) - 1, "w");
		assert_non_null(f);
		if (sync_conf_load_string(bad[i].text, &sc, f) != -1)
			fail_msg("accepted: %s", bad[i].text);
		fclose(f);
		assert_string_equal(out, bad[i].msg);
	}
}

static void
test_peers(void **state)
{
	static struct syncd d;
	struct sync_peer *p[SYNC_PEERS_MAX + 1];
	struct tnd_addr a;
	char s[ADDR_STRLEN];

	for (int i = 0; i <= SYNC_PEERS_MAX; i++) {
		snprintf(s, sizeof(s), "10.0.0.%d", i + 1);
		addr_parse(s, &a);
		p[i] = sync_peer_get(&d, &a);
		sync_replay_accept(&p[i]->replay, 100);
	}
	/* The ninth sender took the first's window, fresh. */
	assert_ptr_equal(p[SYNC_PEERS_MAX], p[0]);
	assert_int_equal(sync_replay_check(&p[0]->replay, 100), -1);
	addr_parse("10.0.0.2", &a);
	assert_ptr_equal(sync_peer_get(&d, &a), p[1]);
	assert_int_equal(sync_replay_check(&p[1]->replay, 100), -1);
	/* The first comes back: the least recently used (the third) goes. */
	addr_parse("10.0.0.1", &a);
	assert_ptr_equal(sync_peer_get(&d, &a), p[2]);
	assert_int_equal(sync_replay_check(&p[2]->replay, 100), 0);
	/* An IPv6 sender whose first bytes are 10.0.0.1's is another one. */
	addr_parse("a00:1::", &a);
	assert_null(sync_peer_find(&d, &a));
	assert_ptr_not_equal(sync_peer_get(&d, &a), p[2]);
	assert_non_null(sync_peer_find(&d, &a));
}

/* A signed datagram of one entry, syncid 9, sequence seq. */
static size_t
signed_dgram(uint8_t *buf, size_t cap, const struct sync_key *k, uint64_t seq)
{
	struct sync_conn c;
	struct sync_enc e;
	size_t hoff = 0;
	int len;

	memset(&c, 0, sizeof(c));
	c.af = AF_INET;
	c.proto = 6;
	c.state = 1;
	c.cport = 40000;
	c.vport = 80;
	c.dport = 8080;
	c.timeout = 900;
	addr_parse("192.0.2.10", &c.caddr);
	addr_parse("198.51.100.1", &c.vaddr);
	addr_parse("10.0.0.2", &c.daddr);
	sync_enc_init(&e, buf, cap, 9, 1);
	assert_int_equal(sync_enc_add(&e, &c), 0);
	len = sync_enc_finish(&e, seq, &hoff);
	assert_true(len > 0);
	assert_int_equal(sync_auth_sign(k, buf, (size_t)len, hoff), 0);
	return (size_t)len;
}

/* Datagrams that fail authentication from many addresses leave the real
 * sender's window alone; its replays stay refused. */
static void
test_input_windows(void **state)
{
	static struct syncd d;
	struct tnd_addr a, real;
	char s[ADDR_STRLEN];
	uint8_t buf[256], bad[256];
	size_t n;

	assert_int_equal(sync_auth_set(&d.key,
	    "0123456789abcdef0123456789abcdef", 32), 0);
	d.auth = 1;
	d.sc.syncid = 9;
	addr_parse("10.0.0.1", &real);
	n = signed_dgram(buf, sizeof(buf), &d.key, 5);
	sync_net_input(&d, &real, buf, n);
	assert_int_equal(d.stats.dgrams, 1);
	assert_int_equal(d.stats.entries, 1);
	memcpy(bad, buf, n);
	bad[n - 1] ^= 1;
	for (int i = 0; i < 3 * SYNC_PEERS_MAX; i++) {
		snprintf(s, sizeof(s), "10.0.1.%d", i);
		addr_parse(s, &a);
		sync_net_input(&d, &a, bad, n);
		assert_null(sync_peer_find(&d, &a));
	}
	assert_int_equal(d.stats.refused[SYNC_ERR_HMAC], 3 * SYNC_PEERS_MAX);
	assert_non_null(sync_peer_find(&d, &real));
	sync_net_input(&d, &real, buf, n);
	assert_int_equal(d.stats.refused[SYNC_ERR_REPLAY], 1);
	/* The same datagram from another (authenticated) sender: its own
	 * window. */
	addr_parse("10.0.0.2", &a);
	sync_net_input(&d, &a, buf, n);
	assert_int_equal(d.stats.dgrams, 2);
	assert_int_equal(d.stats.entries, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_ipv6_refused),
		cmocka_unit_test(test_peers),
		cmocka_unit_test(test_input_windows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
