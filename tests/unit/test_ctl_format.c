/* tandemctl's listings: fixed director replies in, ipvsadm's exact text
 * out (column widths, trailing spaces, K/M/G/T, sort order). The expected
 * text was produced from ipvsadm's own printf strings, not from our code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

/* Four services, out of order: TCP before UDP, and libipvs's wrapping
 * address compare puts 192.168.0.1 before 10.0.0.100. */
static const char services_json[] =
	"{\"ok\": true, \"conn_tab_size\": 4096, \"services\": ["
	"{\"proto\": \"udp\", \"addr\": \"10.0.0.100\", \"port\": 53,"
	" \"scheduler\": \"rr\", \"persistent\": 300,"
	" \"netmask\": \"255.255.255.0\", \"dests\": []},"
	"{\"proto\": \"tcp\", \"addr\": \"10.0.0.100\", \"port\": 443,"
	" \"scheduler\": \"rr\", \"persistent\": 360,"
	" \"netmask\": \"255.255.255.255\", \"dests\": ["
	"  {\"addr\": \"10.0.0.1\", \"port\": 443, \"method\": \"dr\","
	"   \"weight\": 1, \"active\": 0, \"inactive\": 0}]},"
	"{\"proto\": \"tcp\", \"addr\": \"10.0.0.100\", \"port\": 80,"
	" \"scheduler\": \"wlc\", \"persistent\": 0,"
	" \"netmask\": \"255.255.255.255\", \"dests\": ["
	"  {\"addr\": \"10.0.0.2\", \"port\": 8080, \"method\": \"dr\","
	"   \"weight\": 3, \"active\": 12, \"inactive\": 345},"
	"  {\"addr\": \"10.0.0.1\", \"port\": 80, \"method\": \"nat\","
	"   \"weight\": 1, \"active\": 0, \"inactive\": 0}]},"
	"{\"proto\": \"tcp\", \"addr\": \"192.168.0.1\", \"port\": 80,"
	" \"scheduler\": \"wlc\", \"persistent\": 0}]}";

/* IPv6, SCTP, prefix-length masks, scheduler flags, one-packet. */
static const char flags_json[] =
	"{\"ok\": true, \"conn_tab_size\": 65536, \"services\": ["
	"{\"proto\": \"sctp\", \"addr\": \"2001:db8::1\", \"port\": 443,"
	" \"scheduler\": \"wlc\", \"persistent\": 100, \"netmask\": 64,"
	" \"dests\": ["
	"  {\"addr\": \"2001:db8::10\", \"port\": 443, \"method\": \"nat\","
	"   \"weight\": 65535, \"active\": 4294967295, \"inactive\": 7},"
	"  {\"addr\": \"2001:db8::a\", \"port\": 443, \"method\": \"tun\","
	"   \"weight\": 0, \"active\": 1, \"inactive\": 2}]},"
	"{\"proto\": \"udp\", \"addr\": \"10.0.0.1\", \"port\": 53,"
	" \"scheduler\": \"sh\", \"persistent\": 60, \"netmask\": 16,"
	" \"sched_flags\": [\"sh-fallback\", \"sh-port\"], \"ops\": true}]}";

static const char stats_json[] =
	"{\"ok\": true, \"conn_tab_size\": 4096, \"services\": ["
	"{\"proto\": \"tcp\", \"addr\": \"10.0.0.100\", \"port\": 80,"
	" \"scheduler\": \"wlc\", \"persistent\": 0,"
	" \"stats\": {\"conns\": 5, \"inpkts\": 99999999,"
	"  \"outpkts\": 100000000, \"inbytes\": 12345678901,"
	"  \"outbytes\": 123456789012345},"
	" \"dests\": [{\"addr\": \"10.0.0.1\", \"port\": 80,"
	"  \"method\": \"nat\", \"weight\": 3, \"active\": 12,"
	"  \"inactive\": 345, \"u_threshold\": 100, \"l_threshold\": 50,"
	"  \"stats\": {\"conns\": 5, \"inpkts\": 50, \"inbytes\": 3000},"
	"  \"rate\": {\"cps\": 12, \"inpps\": 300, \"outpps\": 280,"
	"   \"inbps\": 2000000000, \"outbps\": 150000}}]}]}";

static const char conns_json[] =
	"{\"ok\": true, \"conns\": ["
	"{\"proto\": \"tcp\", \"caddr\": \"192.168.1.5\", \"cport\": 51234,"
	" \"vaddr\": \"10.0.0.100\", \"vport\": 80, \"daddr\": \"10.0.0.1\","
	" \"dport\": 80, \"state\": \"ESTABLISHED\", \"expire_ms\": 899999,"
	" \"flags\": 0},"
	"{\"proto\": \"udp\", \"caddr\": \"192.168.1.5\", \"cport\": 5353,"
	" \"vaddr\": \"10.0.0.100\", \"vport\": 53, \"daddr\": \"10.0.0.2\","
	" \"dport\": 53, \"state\": \"UDP\", \"expire_ms\": 298000},"
	"{\"proto\": \"sctp\", \"caddr\": \"2001:db8::5\", \"cport\": 40000,"
	" \"vaddr\": \"2001:db8::1\", \"vport\": 443,"
	" \"daddr\": \"2001:db8::a\", \"dport\": 443, \"state\": \"NONE\","
	" \"expire_ms\": 6000000}]}";

static const char status_json[] =
	"{\"ok\": true, \"counters\": {\"drop_no_dest\": 3,"
	" \"arp_replies\": 10, \"drop_syn_flood_defence_long_name\": 7},"
	" \"owned\": [{\"instance\": \"ext\", \"vrid\": 51,"
	"  \"interface\": \"eth0\","
	"  \"vips\": [\"10.0.0.100/24\", \"10.0.1.1/24\"]}, \"int\"],"
	" \"conns\": 12, \"conn_max\": 1000000, \"workers\": 2,"
	" \"ctl_refused\": 0}";

#define VERSION_LINE	"IP Virtual Server version 1.2.1 (size=4096)\n"
#define TITLE \
	"Prot LocalAddress:Port Scheduler Flags\n" \
	"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"

/* Output capture: one memory stream per check. */
struct capture {
	char	*buf;
	size_t	 len;
	FILE	*f;
};

static FILE *
cap_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
	return c->f;
}

static void
cap_check(struct capture *c, const char *want)
{
	fclose(c->f);
	assert_string_equal(c->buf, want);
	free(c->buf);
}

static json_object *
parse_json(const char *s)
{
	json_object *o = json_tokener_parse(s);

	assert_non_null(o);
	return o;
}

static void
check_list(const char *json, unsigned fmt, int single, const char *want)
{
	json_object *o = parse_json(json);
	struct capture c;

	fmt_list(cap_open(&c), o, fmt, single);
	cap_check(&c, want);
	json_object_put(o);
}

static void
check_save(const char *json, const char *want)
{
	json_object *o = parse_json(json);
	struct capture c;

	fmt_save(cap_open(&c), o, FMT_NUMERIC);
	cap_check(&c, want);
	json_object_put(o);
}

static void
test_list_sorted(void **state)
{
	check_list(services_json, FMT_NUMERIC, 0,
	    VERSION_LINE TITLE
	    "TCP  192.168.0.1:80 wlc\n"
	    "TCP  10.0.0.100:80 wlc\n"
	    "  -> 10.0.0.1:80                  Masq    1      0          0         \n"
	    "  -> 10.0.0.2:8080                Route   3      12         345       \n"
	    "TCP  10.0.0.100:443 rr persistent 360\n"
	    "  -> 10.0.0.1:443                 Route   1      0          0         \n"
	    "UDP  10.0.0.100:53 rr persistent 300 mask 255.255.255.0\n");
}

static void
test_list_nosort(void **state)
{
	check_list(services_json, FMT_NUMERIC | FMT_NOSORT, 0,
	    VERSION_LINE TITLE
	    "UDP  10.0.0.100:53 rr persistent 300 mask 255.255.255.0\n"
	    "TCP  10.0.0.100:443 rr persistent 360\n"
	    "  -> 10.0.0.1:443                 Route   1      0          0         \n"
	    "TCP  10.0.0.100:80 wlc\n"
	    "  -> 10.0.0.2:8080                Route   3      12         345       \n"
	    "  -> 10.0.0.1:80                  Masq    1      0          0         \n"
	    "TCP  192.168.0.1:80 wlc\n");
}

/* -L -t VIP: ipvsadm's list_service prints no version line. */
static void
test_list_single(void **state)
{
	check_list("{\"ok\": true, \"services\": [{\"proto\": \"tcp\","
	    " \"addr\": \"10.0.0.100\", \"port\": 443, \"scheduler\": \"rr\","
	    " \"persistent\": 360, \"dests\": [{\"addr\": \"10.0.0.1\","
	    " \"port\": 443, \"method\": \"dr\", \"weight\": 1}]}]}",
	    FMT_NUMERIC, 1, TITLE
	    "TCP  10.0.0.100:443 rr persistent 360\n"
	    "  -> 10.0.0.1:443                 Route   1      0          0         \n");
}

static void
test_list_empty(void **state)
{
	/* no conn_tab_size: IPVS's default table size */
	check_list("{\"ok\": true, \"services\": []}", FMT_NUMERIC, 0,
	    VERSION_LINE TITLE);
}

static void
test_list_flags_ipv6(void **state)
{
	check_list(flags_json, FMT_NUMERIC, 0,
	    "IP Virtual Server version 1.2.1 (size=65536)\n" TITLE
	    "UDP  10.0.0.1:53 sh (sh-fallback,sh-port) persistent 60 mask 255.255.0.0 ops\n"
	    "SCTP [2001:db8::1]:443 wlc persistent 100 mask 64\n"
	    "  -> [2001:db8::a]:443            Tunnel  0      1          2         \n"
	    "  -> [2001:db8::10]:443           Masq    65535  4294967295 7         \n");
}

static void
test_list_stats(void **state)
{
	check_list(stats_json, FMT_NUMERIC | FMT_STATS, 0,
	    VERSION_LINE
	    "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
	    "  -> RemoteAddress:Port\n"
	    "TCP  10.0.0.100:80                       5 99999999  100000K   12345M     123T\n"
	    "  -> 10.0.0.1:80                         5       50        0     3000        0\n");
	check_list(stats_json, FMT_NUMERIC | FMT_STATS | FMT_EXACT, 0,
	    VERSION_LINE
	    "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
	    "  -> RemoteAddress:Port\n"
	    "TCP  10.0.0.100:80                       5 99999999 100000000 12345678901 123456789012345\n"
	    "  -> 10.0.0.1:80                         5       50        0     3000        0\n");
}

/* The service reports no rates: zeros. The real server's come in "rate";
 * the three first columns are never abbreviated. */
static void
test_list_rate(void **state)
{
	check_list(stats_json, FMT_NUMERIC | FMT_RATE, 0,
	    VERSION_LINE
	    "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n"
	    "  -> RemoteAddress:Port\n"
	    "TCP  10.0.0.100:80                       0        0        0        0        0\n"
	    "  -> 10.0.0.1:80                        12      300      280    2000M   150000\n");
}

static void
test_list_thresholds_pconn(void **state)
{
	check_list(stats_json, FMT_NUMERIC | FMT_THRESHOLDS, 0,
	    VERSION_LINE
	    "Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n"
	    "  -> RemoteAddress:Port\n"
	    "TCP  10.0.0.100:80 wlc\n"
	    "  -> 10.0.0.1:80                  100        50         12         345       \n");
	check_list(stats_json, FMT_NUMERIC | FMT_PERSISTENTCONN, 0,
	    VERSION_LINE
	    "Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn \n"
	    "  -> RemoteAddress:Port\n"
	    "TCP  10.0.0.100:80 wlc\n"
	    "  -> 10.0.0.1:80                  3         0           12         345       \n");
}

static void
test_save(void **state)
{
	check_save(services_json,
	    "-A -t 192.168.0.1:80 -s wlc\n"
	    "-A -t 10.0.0.100:80 -s wlc\n"
	    "-a -t 10.0.0.100:80 -r 10.0.0.1:80 -m -w 1\n"
	    "-a -t 10.0.0.100:80 -r 10.0.0.2:8080 -g -w 3\n"
	    "-A -t 10.0.0.100:443 -s rr -p 360\n"
	    "-a -t 10.0.0.100:443 -r 10.0.0.1:443 -g -w 1\n"
	    "-A -u 10.0.0.100:53 -s rr -p 300 -M 255.255.255.0\n");
	check_save(flags_json,
	    "-A -u 10.0.0.1:53 -s sh -p 60 -M 255.255.0.0 -o -b sh-fallback,sh-port\n"
	    "-A --sctp-service [2001:db8::1]:443 -s wlc -p 100 -M 64\n"
	    "-a --sctp-service [2001:db8::1]:443 -r [2001:db8::a]:443 -i -w 0\n"
	    "-a --sctp-service [2001:db8::1]:443 -r [2001:db8::10]:443 -m -w 65535\n");
	/* Tandem keeps thresholds in -S, so -R restores them. */
	check_save(stats_json,
	    "-A -t 10.0.0.100:80 -s wlc\n"
	    "-a -t 10.0.0.100:80 -r 10.0.0.1:80 -m -w 3 -x 100 -y 50\n");
}

static void
test_conns(void **state)
{
	json_object *o = parse_json(conns_json);
	json_object *empty = parse_json("{\"ok\": true, \"conns\": []}");
	struct capture c;
	FILE *f = cap_open(&c);

	fmt_conns_header(f);
	fmt_conns(f, o, FMT_NUMERIC);
	fmt_conns(f, empty, FMT_NUMERIC);	/* a last, empty page */
	cap_check(&c,
	    "IPVS connection entries\n"
	    "pro expire state       source             virtual            destination\n"
	    "TCP 14:59  ESTABLISHED 192.168.1.5:51234  10.0.0.100:80      10.0.0.1:80\n"
	    "UDP 04:58  UDP         192.168.1.5:5353   10.0.0.100:53      10.0.0.2:53\n"
	    "SCTP 100:00 NONE        [2001:db8::5]:40000 [2001:db8::1]:443  [2001:db8::a]:443\n");
	json_object_put(o);
	json_object_put(empty);
}

static void
test_timeouts(void **state)
{
	json_object *o = parse_json("{\"ok\": true, \"tcp\": 900,"
	    " \"tcpfin\": 120, \"udp\": 300}");
	struct capture c;

	fmt_timeouts(cap_open(&c), o);
	cap_check(&c, "Timeout (tcp tcpfin udp): 900 120 300\n");
	json_object_put(o);
}

static void
test_status(void **state)
{
	json_object *o = parse_json(status_json);
	json_object *bare = parse_json("{\"ok\": true}");
	struct capture c;

	fmt_status(cap_open(&c), o);
	cap_check(&c,
	    "Director\n"
	    "  connections              12\n"
	    "  connection limit         1000000\n"
	    "  workers                  2\n"
	    "  control messages refused 0\n"
	    "Owned instances\n"
	    "  ext vrid=51 interface=eth0 vips=10.0.0.100/24,10.0.1.1/24\n"
	    "  int\n"
	    "Counters\n"
	    "  arp_replies                      10\n"
	    "  drop_no_dest                     3\n"
	    "  drop_syn_flood_defence_long_name 7\n");
	fmt_status(cap_open(&c), bare);
	cap_check(&c,
	    "Director\n"
	    "  connections              0\n"
	    "  connection limit         0\n"
	    "  workers                  0\n"
	    "  control messages refused 0\n"
	    "Owned instances\n"
	    "  none\n"
	    "Counters\n"
	    "  none\n");
	json_object_put(o);
	json_object_put(bare);
}

static void
test_largenum(void **state)
{
	static const struct { uint64_t v; const char *abbr, *exact; } t[] = {
		{ 0, "        0", "        0" },
		{ 99999999, " 99999999", " 99999999" },
		{ 100000000, "  100000K", " 100000000" },
		{ 999999999, "  999999K", " 999999999" },
		{ 1000000000, "    1000M", " 1000000000" },
		{ 99999999999ULL, "   99999M", " 99999999999" },
		{ 100000000000ULL, "     100G", " 100000000000" },
		{ 100000000000000ULL, "     100T", " 100000000000000" },
		{ UINT64_MAX, "18446744T", " 18446744073709551615" },
	};
	struct capture c;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		fmt_largenum(cap_open(&c), t[i].v, 0);
		cap_check(&c, t[i].abbr);
		fmt_largenum(cap_open(&c), t[i].v, FMT_EXACT);
		cap_check(&c, t[i].exact);
	}
}

/* Replies of the wrong shape print what they can, and never crash. */
static void
test_malformed(void **state)
{
	struct capture c;

	check_list("{\"ok\": true, \"services\": \"nope\"}", 0, 0,
	    VERSION_LINE TITLE);
	check_list("{\"ok\": true, \"services\": [42,"
	    " {\"proto\": 7, \"addr\": [\"x\"], \"port\": \"80\","
	    "  \"dests\": {\"a\": 1}}, {}]}", FMT_NOSORT, 0,
	    VERSION_LINE TITLE
	    "?    :0 \n"
	    "?    :80 \n"
	    "?    :0 \n");
	check_list("[1, 2]", 0, 0, VERSION_LINE TITLE);
	fmt_list(cap_open(&c), NULL, 0, 1);
	cap_check(&c, TITLE);

	json_object *o = parse_json("{\"conns\": [1, {\"proto\": \"tcp\","
	    " \"expire_ms\": -5}]}");
	fmt_conns(cap_open(&c), o, 0);
	cap_check(&c,
	    "    00:00              :0                 :0                 :0\n"
	    "TCP 00:00              :0                 :0                 :0\n");
	json_object_put(o);

	o = parse_json("{\"counters\": [1], \"owned\": {\"x\": 1},"
	    " \"conns\": \"many\"}");
	fmt_status(cap_open(&c), o);
	cap_check(&c,
	    "Director\n"
	    "  connections              0\n"
	    "  connection limit         0\n"
	    "  workers                  0\n"
	    "  control messages refused 0\n"
	    "Owned instances\n"
	    "  none\n"
	    "Counters\n"
	    "  none\n");
	json_object_put(o);
}

static void
test_json(void **state)
{
	json_object *o = parse_json("{\"ok\": true, \"tcp\": 900,"
	    " \"path\": \"/run/tandem\"}");
	struct capture c;

	fmt_json(cap_open(&c), o);
	cap_check(&c, "{\n  \"ok\": true,\n  \"tcp\": 900,\n"
	    "  \"path\": \"/run/tandem\"\n}\n");
	json_object_put(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_sorted),
		cmocka_unit_test(test_list_nosort),
		cmocka_unit_test(test_list_single),
		cmocka_unit_test(test_list_empty),
		cmocka_unit_test(test_list_flags_ipv6),
		cmocka_unit_test(test_list_stats),
		cmocka_unit_test(test_list_rate),
		cmocka_unit_test(test_list_thresholds_pconn),
		cmocka_unit_test(test_save),
		cmocka_unit_test(test_conns),
		cmocka_unit_test(test_timeouts),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_largenum),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
