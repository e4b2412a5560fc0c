/* Unit tests for lib/conf*.c: the DESIGN.md example, defaults, every class
 * of error as the user sees it ("FILE:LINE: KEY: message"), etc/ examples. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glob.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"

static const char design_conf[] =
"node = { name = \"lb1\"; run_dir = \"/run/tandem\"; log_level = \"info\"; };\n"
"director = { interfaces = [ \"eth0\", \"eth1\" ]; workers = 2; conn_max = 1000000;\n"
"             timeouts = { tcp = 900; tcpfin = 120; udp = 300; }; };\n"
"vrrp = {\n"
"  instances = (\n"
"    { name = \"ext\"; interface = \"eth0\"; vrid = 51; priority = 150; advert_int = 0.1;\n"
"      version = 3; virtual_ipaddress = [ \"10.0.0.100/24\" ]; preempt = true;\n"
"      track_interfaces = [ \"eth1\" ]; },\n"
"    { name = \"int\"; interface = \"eth1\"; vrid = 52; priority = 150; advert_int = 0.1;\n"
"      version = 3; virtual_ipaddress = [ \"192.168.1.1/24\" ]; preempt = true; } );\n"
"  sync_groups = ( { name = \"pair\"; instances = [ \"ext\", \"int\" ]; } );\n"
"};\n"
"sync = { interface = \"eth2\"; group = \"224.0.0.81\"; port = 8848; syncid = 1;\n"
"         follow = \"pair\"; auth_key_file = \"/etc/tandem/sync.key\"; };\n"
"virtual_servers = (\n"
"  { address = \"10.0.0.100\"; port = 80; protocol = \"tcp\"; scheduler = \"wlc\";\n"
"    method = \"nat\"; persistence_timeout = 0; quorum = 1;\n"
"    real_servers = (\n"
"      { address = \"192.168.1.11\"; port = 80; weight = 1;\n"
"        check = { type = \"http\"; path = \"/\"; status = [ 200 ];\n"
"                  interval = 2.0; timeout = 1.0; rise = 2; fall = 3; }; },\n"
"      { address = \"192.168.1.12\"; port = 80; weight = 1; } ); } );\n"
"snmp = { agentx_socket = \"/var/agentx/master\"; traps = true; };\n";

/* A director section and one VS around the given real-server text. */
#define DIR	"director = { interfaces = [ \"eth0\" ]; };\n"

/* Load text as "t.conf"; return what was printed (caller frees). */
static char *
load(const char *text, struct tandem_conf *c, int *rc)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	*rc = conf_load_string(text, "t.conf", c, f);
	fclose(f);
	return out;
}

static void
assert_empty(const struct tandem_conf *c)
{
	static const struct tandem_conf zero;

	assert_memory_equal(c, &zero, sizeof(zero));
}

static void
expect_errors(const char *text, const char *want)
{
	struct tandem_conf c;
	int rc;
	char *out = load(text, &c, &rc);

	assert_int_equal(rc, -1);
	assert_string_equal(out, want);
	assert_empty(&c);
	conf_free(&c);
	free(out);
}

static void
expect_ok(const char *text, struct tandem_conf *c)
{
	int rc;
	char *out = load(text, c, &rc);

	assert_string_equal(out, "");
	assert_int_equal(rc, 0);
	free(out);
}

static void
assert_addr(const struct tnd_addr *a, const char *want)
{
	char buf[ADDR_STRLEN];

	assert_string_equal(addr_str(a, buf, sizeof(buf)), want);
}

static void
test_design_example(void **state)
{
	struct tandem_conf c;
	const struct conf_vs *vs;
	const struct conf_check *ck;

	expect_ok(design_conf, &c);
	assert_string_equal(c.path, "t.conf");
	assert_string_equal(c.node.name, "lb1");
	assert_string_equal(c.node.run_dir, "/run/tandem");
	assert_int_equal(c.node.log_level, LOG_LVL_INFO);
	assert_int_equal(c.director.n_interfaces, 2);
	assert_string_equal(c.director.interfaces[0], "eth0");
	assert_string_equal(c.director.interfaces[1], "eth1");
	assert_int_equal(c.director.workers, 2);
	assert_int_equal(c.director.conn_max, 1000000);
	assert_int_equal(c.director.timeouts.tcp, 900);
	assert_int_equal(c.director.timeouts.tcpfin, 120);
	assert_int_equal(c.director.timeouts.udp, 300);
	assert_int_equal(c.director.vrid, 1);
	assert_int_equal(c.director.n_vips, 0);
	assert_true(c.has_vrrp && c.has_sync && c.has_snmp);
	assert_int_equal(c.n_vs, 1);
	vs = &c.vs[0];
	assert_addr(&vs->addr, "10.0.0.100");
	assert_int_equal(vs->port, 80);
	assert_int_equal(vs->proto, IPPROTO_TCP);
	assert_string_equal(vs->scheduler, "wlc");
	assert_int_equal(vs->method, FWD_NAT);
	assert_int_equal(vs->persistence_timeout, 0);
	assert_int_equal(vs->quorum, 1);
	assert_int_equal(vs->line, 16);
	assert_int_equal(vs->n_rs, 2);
	assert_addr(&vs->rs[0].addr, "192.168.1.11");
	assert_int_equal(vs->rs[0].port, 80);
	assert_int_equal(vs->rs[0].weight, 1);
	assert_int_equal(vs->rs[0].line, 19);
	ck = &vs->rs[0].check;
	assert_true(ck->present);
	assert_string_equal(ck->type, "http");
	assert_string_equal(ck->path, "/");
	assert_int_equal(ck->n_status, 1);
	assert_int_equal(ck->status[0], 200);
	assert_true(ck->interval == 2.0 && ck->timeout == 1.0);
	assert_int_equal(ck->rise, 2);
	assert_int_equal(ck->fall, 3);
	assert_int_equal(ck->line, 20);
	assert_addr(&vs->rs[1].addr, "192.168.1.12");
	assert_int_equal(vs->rs[1].port, 80);
	assert_false(vs->rs[1].check.present);
	conf_free(&c);
	assert_empty(&c);
}

static void
test_defaults(void **state)
{
	struct tandem_conf c;
	char host[256] = "";

	conf_defaults(&c);
	gethostname(host, sizeof(host));
	host[CONF_NAME_MAX - 1] = '\0';
	assert_string_equal(c.node.name, host);
	assert_string_equal(c.node.run_dir, "/run/tandem");
	assert_int_equal(c.node.log_level, LOG_LVL_INFO);
	assert_int_equal(c.director.workers, 1);
	assert_int_equal(c.director.conn_max, 1048576);
	assert_int_equal(c.director.timeouts.tcp, 900);
	assert_int_equal(c.director.timeouts.tcpfin, 120);
	assert_int_equal(c.director.timeouts.udp, 300);
	assert_int_equal(c.director.vrid, 1);
	assert_int_equal(c.n_vs, 0);
	conf_free(&c);

	expect_ok("", &c);		/* an empty file is all defaults */
	assert_string_equal(c.node.name, host);
	assert_false(c.has_vrrp || c.has_sync || c.has_snmp);
	conf_free(&c);
}

static void
test_vs_defaults(void **state)
{
	struct tandem_conf c;
	const struct conf_vs *vs;
	const struct conf_check *ck;

	expect_ok(DIR "virtual_servers = ( { address = \"10.0.0.1\"; "
	    "port = 443;\n"
	    "real_servers = ( { address = \"10.0.1.1\";\n"
	    "check = { type = \"tcp\"; }; } ); } );\n", &c);
	vs = &c.vs[0];
	assert_int_equal(vs->proto, IPPROTO_TCP);
	assert_string_equal(vs->scheduler, "wlc");
	assert_int_equal(vs->method, FWD_DR);
	assert_int_equal(vs->quorum, 1);
	assert_int_equal(vs->persistence_prefix, 32);
	assert_int_equal(vs->rs[0].weight, 1);
	assert_int_equal(vs->rs[0].port, 443);	/* 0: the virtual port */
	assert_false(vs->has_sorry);
	ck = &vs->rs[0].check;
	assert_true(ck->present);
	assert_true(ck->interval == 60 && ck->timeout == 5);
	assert_int_equal(ck->rise, 1);
	assert_int_equal(ck->fall, 1);
	assert_int_equal(ck->retries, 1);
	assert_int_equal(ck->n_status, 0);
	assert_int_equal(ck->connect_port, 0);
	conf_free(&c);
}

/* keepalived spellings, int64 and int-for-float, the optional keys. */
static void
test_generous(void **state)
{
	struct tandem_conf c;
	const struct conf_vs *vs;

	expect_ok("node = { log_level = \"DEBUG\"; syslog = true; };\n"
	    "director = { interfaces = ( \"eth0\" ); conn_max = 4096L;\n"
	    "  virtual_ipaddress = [ \"192.168.1.1/24\", \"fd00::1/64\" ];\n"
	    "  vrid = 7; };\n"
	    "virtual_servers = (\n"
	    " { address = \"fd00::100\"; port = 0; protocol = \"UDP\";\n"
	    "   method = \"TUN\"; scheduler = \"SH\"; ops = true;\n"
	    "   sched_flags = [ \"sh-fallback\", \"port\" ];\n"
	    "   persistence_timeout = 300; persistence_granularity = 64;\n"
	    "   real_servers = ( { address = \"fd00::11\"; weight = 0L;\n"
	    "     check = { type = \"dns\"; interval = 3; "
	    "query_type = \"aaaa\";\n"
	    "       query_name = \"example.com\"; }; } ); },\n"
	    " { address = \"10.0.0.100\"; port = 80; method = \"NAT\";\n"
	    "   persistence_granularity = \"255.255.255.0\";\n"
	    "   sorry_server = { address = \"192.168.1.99\"; port = 8080; };\n"
	    "   real_servers = ( { address = \"192.168.1.11\"; port = 8080;\n"
	    "     u_threshold = 100; l_threshold = 50;\n"
	    "     inhibit_on_failure = true;\n"
	    "     check = { type = \"https\"; sni = \"www\"; status = [ 200, "
	    "301 ];\n"
	    "       digest = \"9E107D9D372BB6826BD81D3542A419D6\";\n"
	    "       regex = \"^ok\"; }; } ); } );\n", &c);
	assert_int_equal(c.node.log_level, LOG_LVL_DEBUG);
	assert_true(c.node.use_syslog);
	assert_int_equal(c.director.conn_max, 4096);
	assert_int_equal(c.director.vrid, 7);
	assert_int_equal(c.director.n_vips, 2);
	assert_addr(&c.director.vips[1].addr, "fd00::1");
	assert_int_equal(c.director.vips[1].prefix, 64);
	vs = &c.vs[0];
	assert_int_equal(vs->proto, IPPROTO_UDP);
	assert_int_equal(vs->method, FWD_TUN);
	assert_string_equal(vs->scheduler, "sh");
	assert_int_equal(vs->sched_flags, CONF_SF_FALLBACK | CONF_SF_PORT);
	assert_int_equal(vs->persistence_prefix, 64);
	assert_int_equal(vs->rs[0].weight, 0);
	assert_int_equal(vs->rs[0].port, 0);
	assert_true(vs->rs[0].check.interval == 3.0);
	assert_string_equal(vs->rs[0].check.query_type, "AAAA");
	vs = &c.vs[1];
	assert_int_equal(vs->method, FWD_NAT);
	assert_int_equal(vs->persistence_prefix, 24);
	assert_true(vs->has_sorry);
	assert_int_equal(vs->sorry.port, 8080);
	assert_int_equal(vs->rs[0].u_threshold, 100);
	assert_true(vs->rs[0].inhibit_on_failure);
	assert_int_equal(vs->rs[0].check.n_status, 2);
	assert_string_equal(vs->rs[0].check.digest,
	    "9e107d9d372bb6826bd81d3542a419d6");
	conf_free(&c);
}

static void
test_err_unknown_keys(void **state)
{
	expect_errors("node = { nmae = \"x\"; };\n"
	    "director = { worker = 2; };\n"
	    "virtual_server = ();\n",
	    "t.conf:1: node.nmae: unknown key\n"
	    "t.conf:2: director.worker: unknown key\n"
	    "t.conf:3: virtual_server: unknown key\n");
	expect_errors(DIR "virtual_servers = ( { address = \"10.0.0.1\"; "
	    "port = 80;\n"
	    "  real_servers = ( { address = \"10.0.1.1\"; wieght = 2;\n"
	    "    check = { type = \"tcp\"; intervall = 2; }; } ); } );\n",
	    "t.conf:3: virtual_servers[0].real_servers[0].wieght: unknown key\n"
	    "t.conf:4: virtual_servers[0].real_servers[0].check.intervall: "
	    "unknown key\n");
}

static void
test_err_types(void **state)
{
	expect_errors("node = { name = 5; log_level = 3; syslog = \"yes\"; };\n"
	    "director = { workers = \"2\"; timeouts = [ 1 ];\n"
	    "  interfaces = \"eth0\"; };\n"
	    "virtual_servers = { };\n",
	    "t.conf:1: node.name: expected a string, got an integer\n"
	    "t.conf:1: node.log_level: expected a string, got an integer\n"
	    "t.conf:1: node.syslog: expected true or false, got a string\n"
	    "t.conf:2: director.workers: expected an integer, got a string\n"
	    "t.conf:2: director.timeouts: expected a group { ... }, got an "
	    "array\n"
	    "t.conf:3: director.interfaces: expected an array [ ... ], got a "
	    "string\n"
	    "t.conf:4: virtual_servers: expected a list ( { ... }, ... ), got "
	    "a group\n");
	expect_errors(DIR "virtual_servers = ( { address = \"10.0.0.1\"; "
	    "port = 80;\n"
	    "  real_servers = ( { address = \"10.0.1.1\";\n"
	    "    check = { type = \"http\"; interval = \"2s\"; }; } ); } );\n",
	    "t.conf:4: virtual_servers[0].real_servers[0].check.interval: "
	    "expected a number, got a string\n");
}

static void
test_err_ranges(void **state)
{
	expect_errors("director = { workers = 65; conn_max = 67108865;\n"
	    "  timeouts = { tcp = 0; tcpfin = 2147484; udp = 1; }; "
	    "vrid = 256;\n"
	    "  interfaces = [ \"eth0\" ]; };\n"
	    "virtual_servers = ( { address = \"10.0.0.1\"; port = 65536;\n"
	    "  real_servers = ( { address = \"10.0.1.1\"; weight = 65536; },\n"
	    "    { address = \"10.0.1.2\"; weight = -1; } ); } );\n",
	    "t.conf:1: director.workers: 65 is out of range 1..64\n"
	    "t.conf:1: director.conn_max: 67108865 is out of range "
	    "1..67108864\n"
	    "t.conf:2: director.timeouts.tcp: 0 is out of range 1..2147483\n"
	    "t.conf:2: director.timeouts.tcpfin: 2147484 is out of range "
	    "1..2147483\n"
	    "t.conf:2: director.vrid: 256 is out of range 1..255\n"
	    "t.conf:4: virtual_servers[0].port: 65536 is out of range "
	    "0..65535\n"
	    "t.conf:5: virtual_servers[0].real_servers[0].weight: 65536 is out "
	    "of range 0..65535\n"
	    "t.conf:6: virtual_servers[0].real_servers[1].weight: -1 is out "
	    "of range 0..65535\n");
	expect_errors(DIR "virtual_servers = ( { address = \"10.0.0.1\"; "
	    "port = 0; } );\n",
	    "t.conf:2: virtual_servers[0].port: port 0 (every port) needs a "
	    "persistence_timeout\n");
}

static void
test_err_names(void **state)
{
	expect_errors("node = { log_level = \"loud\"; run_dir = \"tmp\"; };\n"
	    DIR "virtual_servers = ( { address = \"10.0.0.1\"; port = 80;\n"
	    "  protocol = \"icmp\"; method = \"masq\"; scheduler = \"lcx\"; "
	    "} );\n",
	    "t.conf:1: node.run_dir: \"tmp\" is not an absolute path\n"
	    "t.conf:1: node.log_level: unknown log level \"loud\" (one of: "
	    "error warning info debug)\n"
	    "t.conf:4: virtual_servers[0].protocol: unknown protocol \"icmp\" "
	    "(one of: tcp udp sctp)\n"
	    "t.conf:4: virtual_servers[0].scheduler: unknown scheduler \"lcx\" "
	    "(one of: rr wrr lc wlc sed nq fo ovf lblc lblcr dh sh mh twos)\n"
	    "t.conf:4: virtual_servers[0].method: unknown method \"masq\" "
	    "(one of: dr nat tun)\n");
}

static void
test_err_addresses(void **state)
{
	expect_errors("director = { interfaces = [ \"eth0\", \"eth0\", "
	    "\"a b\" ];\n"
	    "  virtual_ipaddress = [ \"192.168.1.1\", \"10.1/8\" ]; };\n"
	    "virtual_servers = ( { address = \"10.0.0.256\"; port = 80; },\n"
	    "  { address = \"10.0.0.1\"; port = 80;\n"
	    "    real_servers = ( { address = \"fd00::1\"; } ); } );\n",
	    "t.conf:1: director.interfaces[1]: \"eth0\" is listed twice\n"
	    "t.conf:1: director.interfaces[2]: \"a b\" is not a valid "
	    "interface name\n"
	    "t.conf:2: director.virtual_ipaddress[0]: \"192.168.1.1\" is not "
	    "an address/prefix such as \"10.0.0.100/24\"\n"
	    "t.conf:2: director.virtual_ipaddress[1]: \"10.1/8\" is not an "
	    "address/prefix such as \"10.0.0.100/24\"\n"
	    "t.conf:3: virtual_servers[0].address: \"10.0.0.256\" is not an "
	    "IPv4 or IPv6 address\n"
	    "t.conf:5: virtual_servers[1].real_servers[0].address: an IPv6 "
	    "real server for an IPv4 virtual server\n");
}

static void
test_err_duplicates(void **state)
{
	expect_errors(DIR "virtual_servers = (\n"
	    " { address = \"10.0.0.1\"; port = 80;\n"
	    "   real_servers = ( { address = \"10.0.1.1\"; },\n"
	    "     { address = \"10.0.1.1\"; port = 80; } ); },\n"
	    " { address = \"10.0.0.1\"; port = 80; protocol = \"udp\"; },\n"
	    " { address = \"10.0.0.1\"; port = 80; protocol = \"tcp\"; } );\n",
	    "t.conf:5: virtual_servers[0].real_servers[1]: duplicate real "
	    "server 10.0.1.1 port 80 (also at line 4)\n"
	    "t.conf:7: virtual_servers[2]: duplicate virtual server tcp "
	    "10.0.0.1 port 80 (also at line 3)\n");
}

static void
test_err_required(void **state)
{
	expect_errors("virtual_servers = ( { port = 80;\n"
	    "  real_servers = ( { port = 80; check = { path = \"/\"; }; } ); "
	    "} );\n",
	    "t.conf:1: virtual_servers[0].address: missing (required)\n"
	    "t.conf:1: director.interfaces: missing (required when "
	    "virtual_servers are defined)\n"
	    "t.conf:2: virtual_servers[0].real_servers[0].address: missing "
	    "(required)\n"
	    "t.conf:2: virtual_servers[0].real_servers[0].check.type: missing "
	    "(required)\n");
	expect_errors("director = { workers = 1; };\n"
	    "virtual_servers = ( { address = \"10.0.0.1\"; port = 80; } );\n",
	    "t.conf:1: director.interfaces: missing (required when "
	    "virtual_servers are defined)\n");
	expect_errors("director = { interfaces = []; };\n"
	    "virtual_servers = ( { address = \"10.0.0.1\"; port = 80; } );\n",
	    "t.conf:1: director.interfaces: must list at least one interface "
	    "when virtual_servers are defined\n");
}

static void
test_err_checks(void **state)
{
	expect_errors(DIR "virtual_servers = ( { address = \"10.0.0.1\"; "
	    "port = 80;\n"
	    "  real_servers = (\n"
	    "   { address = \"10.0.1.1\"; check = { type = \"tcp\"; "
	    "path = \"/\"; }; },\n"
	    "   { address = \"10.0.1.2\"; check = { type = \"misc\"; }; },\n"
	    "   { address = \"10.0.1.3\"; check = { type = \"http\";\n"
	    "       status = [ 200, 700 ]; digest = \"abc\"; regex = \"(\"; "
	    "}; },\n"
	    "   { address = \"10.0.1.4\"; check = { type = \"ping\"; }; } ); "
	    "} );\n",
	    "t.conf:4: virtual_servers[0].real_servers[0].check.path: not used "
	    "by tcp checks\n"
	    "t.conf:5: virtual_servers[0].real_servers[1].check.script: "
	    "missing (required for misc checks)\n"
	    "t.conf:7: virtual_servers[0].real_servers[2].check.status[1]: 700 "
	    "is out of range 100..599\n"
	    "t.conf:7: virtual_servers[0].real_servers[2].check.digest: "
	    "expected 32 (MD5) or 64 (SHA-256) hex digits\n"
	    "t.conf:7: virtual_servers[0].real_servers[2].check.regex: bad "
	    "regular expression: Unmatched ( or \\(\n"
	    "t.conf:8: virtual_servers[0].real_servers[3].check.type: unknown "
	    "check type \"ping\" (one of: tcp http https smtp dns udp icmp "
	    "misc)\n");
}

static void
test_err_services(void **state)
{
	expect_errors(DIR "virtual_servers = (\n"
	    " { address = \"10.0.0.1\"; port = 80; "
	    "sched_flags = [ \"port\" ];\n"
	    "   ops = true; persistence_granularity = \"255.0.255.0\";\n"
	    "   real_servers = ( { address = \"10.0.1.1\"; port = 8080; } ); "
	    "},\n"
	    " { address = \"10.0.0.2\"; port = 80; method = \"nat\";\n"
	    "   persistence_granularity = 33;\n"
	    "   real_servers = ( { address = \"10.0.1.1\"; port = 8080;\n"
	    "     l_threshold = 10; } ); } );\n",
	    "t.conf:3: virtual_servers[0].sched_flags: only the sh and mh "
	    "schedulers take flags\n"
	    "t.conf:4: virtual_servers[0].persistence_granularity: expected an "
	    "IPv4 netmask or a prefix length\n"
	    "t.conf:4: virtual_servers[0].ops: one-packet scheduling is for "
	    "udp services only\n"
	    "t.conf:5: virtual_servers[0].real_servers[0].port: 8080 differs "
	    "from the virtual port 80: only method nat maps ports\n"
	    "t.conf:6: virtual_servers[1].persistence_granularity: prefix 33 "
	    "is longer than the address\n"
	    "t.conf:8: virtual_servers[1].real_servers[0].l_threshold: 10 is "
	    "higher than u_threshold 0\n");
}

/* vrrp, sync, snmp: types checked, other keys left to their daemons. */
static void
test_light_sections(void **state)
{
	struct tandem_conf c;

	expect_ok("vrrp = { instances = ( { name = \"x\"; garp_delay = 5; } );"
	    " unicast_peers = [ \"10.0.0.2\" ]; };\nsync = { mcast_ttl = 1; "
	    "};\n"
	    "snmp = { };\n", &c);
	assert_true(c.has_vrrp && c.has_sync && c.has_snmp);
	conf_free(&c);
	expect_errors("vrrp = { instances = ( { vrid = 0; preempt = 1;\n"
	    "  virtual_ipaddress = [ \"10.0.0.1/33\" ]; advert_int = \"1\"; "
	    "} );\n"
	    "  sync_groups = ( { instances = [ 1 ]; } ); };\n"
	    "sync = { group = \"224.0.0\"; port = 0; interface = 2; };\n"
	    "snmp = { traps = \"yes\"; };\n",
	    "t.conf:1: vrrp.instances[0].vrid: 0 is out of range 1..255\n"
	    "t.conf:1: vrrp.instances[0].preempt: expected true or false, got "
	    "an integer\n"
	    "t.conf:2: vrrp.instances[0].advert_int: expected a number, got a "
	    "string\n"
	    "t.conf:2: vrrp.instances[0].virtual_ipaddress[0]: \"10.0.0.1/33\" "
	    "is not an address/prefix such as \"10.0.0.100/24\"\n"
	    "t.conf:3: vrrp.sync_groups[0].instances[0]: expected a string, "
	    "got an integer\n"
	    "t.conf:4: sync.interface: expected a string, got an integer\n"
	    "t.conf:4: sync.group: \"224.0.0\" is not an IPv4 or IPv6 address\n"
	    "t.conf:4: sync.port: 0 is out of range 1..65535\n"
	    "t.conf:5: snmp.traps: expected true or false, got a string\n");
}

static void
test_err_syntax(void **state)
{
	expect_errors("node = { name = \"lb1\"; };\n"
	    "director = { workers = ; };\n",
	    "t.conf:2: syntax error\n");
}

/* err NULL: errors are counted, nothing printed (fuzzing). */
static void
test_silent(void **state)
{
	struct tandem_conf c;

	assert_int_equal(conf_load_string("node = { x = 1; };", "t.conf", &c,
	    NULL), -1);
	assert_empty(&c);
	assert_int_equal(conf_load_string("node = {", NULL, &c, NULL), -1);
	assert_int_equal(conf_load_string(design_conf, NULL, &c, NULL), 0);
	assert_string_equal(c.path, "-");
	conf_free(&c);
}

static void
test_load_file(void **state)
{
	char path[] = "/tmp/test_conf_XXXXXX";
	struct tandem_conf c;
	char *out = NULL, want[256];
	size_t len;
	FILE *f;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "node = { workers = 1; };\n", 25), 25);
	close(fd);
	f = open_memstream(&out, &len);
	assert_int_equal(conf_load(path, &c, f), -1);
	fclose(f);
	snprintf(want, sizeof(want), "%s:1: node.workers: unknown key\n", path);
	assert_string_equal(out, want);
	assert_empty(&c);
	free(out);
	unlink(path);

	f = open_memstream(&out, &len);
	assert_int_equal(conf_load(path, &c, f), -1);
	fclose(f);
	snprintf(want, sizeof(want), "%s: cannot read: No such file or "
	    "directory\n", path);
	assert_string_equal(out, want);
	assert_empty(&c);
	free(out);
}

/* Every example shipped in etc/ loads cleanly (run from the repo root). */
static void
test_etc_examples(void **state)
{
	struct tandem_conf c;
	glob_t g;
	size_t i;
	int single = 0;

	assert_int_equal(glob("etc/*.conf", 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 5);
	for (i = 0; i < g.gl_pathc; i++) {
		assert_int_equal(conf_load(g.gl_pathv[i], &c, stderr), 0);
		assert_true(c.n_vs > 0);
		if (strcmp(g.gl_pathv[i], "etc/single-nat.conf") == 0) {
			single = 1;
			assert_false(c.has_vrrp);
			assert_true(c.director.n_vips > 0);
		} else
			assert_true(c.has_vrrp && c.has_sync);
		conf_free(&c);
	}
	assert_true(single);
	globfree(&g);
}

static void
test_names(void **state)
{
	assert_int_equal(conf_proto_parse("tcp"), IPPROTO_TCP);
	assert_int_equal(conf_proto_parse("UDP"), IPPROTO_UDP);
	assert_int_equal(conf_proto_parse("sctp"), IPPROTO_SCTP);
	assert_int_equal(conf_proto_parse("icmp"), -1);
	assert_string_equal(conf_proto_name(IPPROTO_SCTP), "sctp");
	assert_string_equal(conf_proto_name(1), "?");
	assert_string_equal(conf_method_name(FWD_DR), "dr");
	assert_string_equal(conf_method_name(FWD_NAT), "nat");
	assert_string_equal(conf_method_name(FWD_TUN), "tun");
}

static void
test_groups(void **state)
{
	struct tandem_conf c;
	int rc;
	char *out = load(DIR
	    "virtual_servers = (\n"
	    "  { fwmark = 1; scheduler = \"rr\"; persistence_timeout = 60;\n"
	    "    members = [ \"10.0.0.100-110 80\", \"10.0.1.0/24 8000-8100\" ];\n"
	    "    real_servers = ( { address = \"10.0.0.11\"; } ); },\n"
	    "  { fwmark = 2; protocol = \"udp\"; members = [ \"fd00::1-ff\" ];\n"
	    "    real_servers = ( { address = \"fd00::11\"; } ); } );\n",
	    &c, &rc);

	assert_int_equal(rc, 0);
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(c.n_vs, 2);
	assert_int_equal(c.vs[0].fwmark, 1);
	assert_int_equal(c.vs[0].proto, 0);		/* every protocol */
	assert_int_equal(c.vs[0].n_members, 2);
	struct tnd_addr a;
	addr_parse("10.0.0.105", &a);
	assert_true(addr_range_has(&c.vs[0].members[0], &a, 80));
	assert_false(addr_range_has(&c.vs[0].members[0], &a, 81));
	addr_parse("10.0.1.77", &a);
	assert_true(addr_range_has(&c.vs[0].members[1], &a, 8050));
	addr_parse("10.0.0.111", &a);
	assert_false(addr_range_has(&c.vs[0].members[0], &a, 80));
	assert_int_equal(c.vs[1].proto, IPPROTO_UDP);
	assert_int_equal(addr_range_count(&c.vs[1].members[0], 1000), 255);
	assert_int_equal(c.vs[0].rs[0].port, 0);	/* the packet's port */
	conf_free(&c);

	expect_errors(DIR
	    "virtual_servers = ( { fwmark = 3; address = \"10.0.0.1\";\n"
	    "  members = [ \"10.0.0.9-1\" ]; },\n"
	    "  { fwmark = 3; members = [ \"10.0.0.1\" ]; } );\n",
	    "t.conf:2: virtual_servers[0].address: a group (fwmark) has members "
	    "instead of address and port\n"
	    "t.conf:3: virtual_servers[0].members[0]: \"10.0.0.9-1\" is not "
	    "ADDR[-LAST|-ADDR|/PREFIX] [PORT[-PORT]], e.g. \"10.0.0.100-110 80\"\n"
	    "t.conf:4: virtual_servers[1].fwmark: duplicate group 3 (also at line 2)\n");
}

static void
test_vrrp_track_groups(void **state)
{
	struct tandem_conf c;
	int rc;
	char *out = load(DIR
	    "vrrp = { instances = ( { name = \"ext\"; interface = \"eth0\";\n"
	    "  vrid = 51; track_interfaces = ( { name = \"eth1\"; weight = -20; } );"
	    " } ); };\n", &c, &rc);

	assert_int_equal(rc, 0);
	assert_string_equal(out, "");
	free(out);
	conf_free(&c);
	expect_errors(DIR
	    "vrrp = { instances = ( { name = \"ext\"; interface = \"eth0\";\n"
	    "  vrid = 51; track_interfaces = ( { weight = -20; } ); } ); };\n",
	    "t.conf:3: vrrp.instances[0].track_interfaces[0]: a tracked interface "
	    "is a name or { name = ...; weight = ...; }\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_design_example),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_vs_defaults),
		cmocka_unit_test(test_generous),
		cmocka_unit_test(test_err_unknown_keys),
		cmocka_unit_test(test_err_types),
		cmocka_unit_test(test_err_ranges),
		cmocka_unit_test(test_err_names),
		cmocka_unit_test(test_err_addresses),
		cmocka_unit_test(test_err_duplicates),
		cmocka_unit_test(test_err_required),
		cmocka_unit_test(test_err_checks),
		cmocka_unit_test(test_err_services),
		cmocka_unit_test(test_light_sections),
		cmocka_unit_test(test_err_syntax),
		cmocka_unit_test(test_silent),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_etc_examples),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_vrrp_track_groups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
