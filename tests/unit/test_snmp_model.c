/* tandem-snmpd's model: the notifications two vrrpd replies give, the
 * VRRPV3-MIB and TANDEM-MIB cells built from fixed replies, the
 * Prometheus text, the HTTP routes and the snmp config section. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "snmpd.h"
#include "mib.h"

/* One vrrpd instance on lo (ifIndex 1 in every namespace). */
static json_object *
vrrpd_reply(const char *state, const char *master, int prio, int ttl_errs)
{
	char buf[1024];

	snprintf(buf, sizeof(buf),
	    "{\"ok\":true,\"instances\":[{\"name\":\"ext\",\"interface\":\"lo\","
	    "\"vrid\":51,\"version\":3,\"state\":\"%s\",\"priority\":%d,"
	    "\"effective_priority\":%d,\"advert_int\":0.1,\"preempt\":true,"
	    "\"master\":%s,\"master_priority\":150,\"address\":\"10.0.0.12\","
	    "\"transitions\":2,\"vips\":[\"10.0.0.100/24\",\"10.0.0.101/24\"],"
	    "\"counters\":{\"sent\":5,\"received\":40,\"prio0_received\":1,"
	    "\"prio0_sent\":0,\"addr_mismatch\":0,\"errors\":{\"ttl\":%d,"
	    "\"checksum\":0,\"version\":0,\"vrid\":0,\"length\":3}}}],"
	    "\"unmatched\":{\"errors\":{\"vrid\":7}}}",
	    state, prio, prio, master, ttl_errs);
	return json_tokener_parse(buf);
}

static const char services_json[] =
    "{\"ok\":true,\"total\":{\"conns\":9,\"inpkts\":90,\"outpkts\":80,"
    "\"inbytes\":9000,\"outbytes\":8000},"
    "\"services\":[{\"proto\":\"tcp\",\"addr\":\"10.0.0.100\",\"port\":80,"
    "\"scheduler\":\"rr\",\"stats\":{\"conns\":9,\"inpkts\":90,"
    "\"outpkts\":80,\"inbytes\":9000,\"outbytes\":8000},"
    "\"rate\":{\"cps\":1,\"inpps\":2,\"outpps\":3,\"inbps\":4,\"outbps\":5},"
    "\"dests\":[{\"addr\":\"10.0.0.21\",\"port\":80,\"method\":\"dr\","
    "\"weight\":1,\"active\":2,\"inactive\":3,\"persistconns\":0,"
    "\"stats\":{\"conns\":5,\"inpkts\":50,\"outpkts\":40,"
    "\"inbytes\":5000,\"outbytes\":4000}},"
    "{\"addr\":\"10.0.0.22\",\"port\":8080,\"method\":\"nat\",\"weight\":0,"
    "\"active\":0,\"inactive\":0,\"persistconns\":0,"
    "\"stats\":{\"conns\":4,\"inpkts\":40,\"outpkts\":40,"
    "\"inbytes\":4000,\"outbytes\":4000}}]}]}";

static void
test_new_master(void **state)
{
	struct snmp_model m;
	struct snmp_event ev[8];

	memset(&m, 0, sizeof(m));
	/* First sight of a master: remembered, no notification. */
	assert_int_equal(snmp_model_set(&m, SRC_VRRPD,
	    vrrpd_reply("MASTER", "\"10.0.0.12\"", 100, 0), ev, 8), 0);
	assert_int_equal(snmp_vrmem_find(&m, "ext")->new_master_reason, 3);
	assert_int_equal(snmp_model_set(&m, SRC_VRRPD,
	    vrrpd_reply("BACKUP", "\"10.0.0.11\"", 100, 0), ev, 8), 0);
	/* Backup to master with the old master gone: masterNoResponse. */
	assert_int_equal(snmp_model_set(&m, SRC_VRRPD,
	    vrrpd_reply("MASTER", "\"10.0.0.12\"", 100, 0), ev, 8), 1);
	assert_int_equal(ev[0].kind, EV_NEW_MASTER);
	assert_string_equal(ev[0].name, "ext");
	assert_int_equal(ev[0].reason, 3);
	/* Master stays master: nothing. TTL errors moved: ProtoError. */
	assert_int_equal(snmp_model_set(&m, SRC_VRRPD,
	    vrrpd_reply("MASTER", "\"10.0.0.12\"", 100, 2), ev, 8), 1);
	assert_int_equal(ev[0].kind, EV_PROTO_ERROR);
	assert_int_equal(ev[0].reason, 1);
	assert_int_equal(snmp_vrmem_find(&m, "ext")->proto_err_reason, 1);
	/* Backup whose master has a lower priority than ours: preempted. */
	snmp_model_set(&m, SRC_VRRPD, vrrpd_reply("BACKUP", "\"10.0.0.11\"",
	    200, 2), ev, 8);
	assert_int_equal(snmp_model_set(&m, SRC_VRRPD,
	    vrrpd_reply("MASTER", "null", 200, 2), ev, 8), 1);
	assert_int_equal(ev[0].reason, 2);
	/* vrrpd gone: its rows go, the failure is counted. */
	snmp_model_set(&m, SRC_VRRPD, NULL, ev, 8);
	assert_false(snmp_daemon_up(&m, DMN_VRRPD));
	assert_int_equal(m.failures[SRC_VRRPD], 1);
	assert_int_equal(m.polls[SRC_VRRPD], 6);
	snmp_model_free(&m);
}

static const struct oidtab_ent *
cell(const struct oidtab *t, const oid *name, size_t len)
{
	const struct oidtab_ent *e = oidtab_get(t, name, len);

	assert_non_null(e);
	return e;
}

static void
test_vrrp_mib(void **state)
{
	struct snmp_model m;
	struct snmp_event ev[8];
	struct oidtab t;
	oid status[] = { VRRPV3_OID, 1, 1, 1, 1, 6, 1, 51, 1 };
	oid master[] = { VRRPV3_OID, 1, 1, 1, 1, 3, 1, 51, 1 };
	oid vmac[] = { VRRPV3_OID, 1, 1, 1, 1, 5, 1, 51, 1 };
	oid count[] = { VRRPV3_OID, 1, 1, 1, 1, 8, 1, 51, 1 };
	oid advint[] = { VRRPV3_OID, 1, 1, 1, 1, 9, 1, 51, 1 };
	oid assoc[] = { VRRPV3_OID, 1, 1, 2, 1, 2, 1, 51, 1, 4, 10, 0, 0, 101 };
	oid rcvd[] = { VRRPV3_OID, 1, 2, 5, 1, 3, 1, 51, 1 };
	oid lenerr[] = { VRRPV3_OID, 1, 2, 5, 1, 11, 1, 51, 1 };
	oid vrid_err[] = { VRRPV3_OID, 1, 2, 3, 0 };
	const struct oidtab_ent *e;

	memset(&m, 0, sizeof(m));
	oidtab_init(&t);
	snmp_model_set(&m, SRC_VRRPD, vrrpd_reply("BACKUP", "\"10.0.0.11\"",
	    100, 0), ev, 8);
	assert_int_equal(snmp_mib_build(&m, &t, 0.5), 0);
	assert_int_equal(cell(&t, status, N(status))->v.i, 2);
	e = cell(&t, master, N(master));
	assert_int_equal(e->vlen, 4);
	assert_memory_equal(e->v.s, "\x0a\x00\x00\x0b", 4);
	e = cell(&t, vmac, N(vmac));
	assert_memory_equal(e->v.s, "\x00\x00\x5e\x00\x01\x33", 6);
	assert_int_equal(cell(&t, count, N(count))->v.i, 2);
	assert_int_equal(cell(&t, advint, N(advint))->v.i, 10);
	assert_int_equal(cell(&t, assoc, N(assoc))->v.i, 1);
	assert_int_equal(cell(&t, rcvd, N(rcvd))->v.c64.low, 40);
	assert_int_equal(cell(&t, lenerr, N(lenerr))->v.c64.low, 3);
	assert_int_equal(cell(&t, vrid_err, N(vrid_err))->v.c64.low, 7);
	/* As master, the master address is our own. */
	snmp_model_set(&m, SRC_VRRPD, vrrpd_reply("MASTER", "null", 100, 0),
	    ev, 8);
	snmp_mib_build(&m, &t, 0.5);
	assert_int_equal(cell(&t, status, N(status))->v.i, 3);
	assert_memory_equal(cell(&t, master, N(master))->v.s,
	    "\x0a\x00\x00\x0c", 4);
	/* An IPv6 instance: address type ipv6(2), 16-byte addresses, the
	 * IPv6 virtual MAC, the associated address length-prefixed. */
	snmp_model_set(&m, SRC_VRRPD, json_tokener_parse(
	    "{\"ok\":true,\"instances\":[{\"name\":\"v6\",\"interface\":"
	    "\"lo\",\"vrid\":7,\"state\":\"BACKUP\",\"master\":\"fe80::1\","
	    "\"address\":\"fe80::2\",\"vips\":[\"2001:db8::100/64\"]}]}"),
	    ev, 8);
	snmp_mib_build(&m, &t, 0.5);
	{
		oid m6[] = { VRRPV3_OID, 1, 1, 1, 1, 3, 1, 7, 2 };
		oid mac6[] = { VRRPV3_OID, 1, 1, 1, 1, 5, 1, 7, 2 };
		oid a6[] = { VRRPV3_OID, 1, 1, 2, 1, 2, 1, 7, 2, 16, 0x20, 1,
		    0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0 };

		e = cell(&t, m6, N(m6));
		assert_int_equal(e->vlen, 16);
		assert_memory_equal(e->v.s, "\xfe\x80", 2);
		assert_memory_equal(cell(&t, mac6, N(mac6))->v.s,
		    "\x00\x00\x5e\x00\x02\x07", 6);
		assert_int_equal(cell(&t, a6, N(a6))->v.i, 1);
	}
	oidtab_free(&t);
	snmp_model_free(&m);
}

static void
test_tandem_mib(void **state)
{
	struct snmp_model m;
	struct snmp_event ev[8];
	struct oidtab t;
	oid rs_conns[] = { TANDEM_OID, 1, 4, 1, 10, 1, 2 };
	oid rs_port[] = { TANDEM_OID, 1, 4, 1, 4, 1, 2 };
	oid rs_method[] = { TANDEM_OID, 1, 4, 1, 5, 1, 2 };
	oid rs_active[] = { TANDEM_OID, 1, 4, 1, 7, 1, 1 };
	oid vs_outbytes[] = { TANDEM_OID, 1, 3, 1, 12, 1 };
	oid vs_outbps[] = { TANDEM_OID, 1, 3, 1, 17, 1 };
	oid vs_sched[] = { TANDEM_OID, 1, 3, 1, 6, 1 };
	oid dir_conns[] = { TANDEM_OID, 1, 2, 4, 0 };
	oid dmn_status[] = { TANDEM_OID, 1, 1, 1, 3, 1 };

	memset(&m, 0, sizeof(m));
	oidtab_init(&t);
	snmp_model_set(&m, SRC_SERVICES, json_tokener_parse(services_json),
	    ev, 8);
	snmp_mib_build(&m, &t, 1);
	assert_int_equal(cell(&t, rs_conns, N(rs_conns))->type, ASN_COUNTER64);
	assert_int_equal(cell(&t, rs_conns, N(rs_conns))->v.c64.low, 4);
	assert_int_equal(cell(&t, rs_port, N(rs_port))->v.u, 8080);
	assert_int_equal(cell(&t, rs_method, N(rs_method))->v.i, 2);
	assert_int_equal(cell(&t, rs_active, N(rs_active))->v.u, 2);
	assert_int_equal(cell(&t, vs_outbytes, N(vs_outbytes))->v.c64.low,
	    8000);
	assert_int_equal(cell(&t, vs_outbps, N(vs_outbps))->v.u, 5);
	assert_memory_equal(cell(&t, vs_sched, N(vs_sched))->v.s, "rr", 2);
	assert_int_equal(cell(&t, dir_conns, N(dir_conns))->v.c64.low, 9);
	/* Only the director's status reply makes it "up". */
	assert_int_equal(cell(&t, dmn_status, N(dmn_status))->v.i, 2);
	oidtab_free(&t);
	snmp_model_free(&m);
}

static void
test_metrics(void **state)
{
	static struct snmpd d;
	struct snmp_event ev[8];
	size_t len;
	char *text;
	const char *p;

	memset(&d, 0, sizeof(d));
	snmp_model_set(&d.m, SRC_SERVICES, json_tokener_parse(services_json),
	    ev, 8);
	snmp_model_set(&d.m, SRC_VRRPD, vrrpd_reply("MASTER", "null", 100, 0),
	    ev, 8);
	snmp_model_set(&d.m, SRC_DIRECTOR, json_tokener_parse(
	    "{\"ok\":true,\"conns\":3,\"conn_max\":100,"
	    "\"counters\":{\"no_service\":4}}"), ev, 8);
	text = snmp_metrics_text(&d, &len);
	assert_non_null(text);
	assert_int_equal(strlen(text), len);
	assert_non_null(strstr(text,
	    "# TYPE tandem_real_server_connections_total counter\n"
	    "tandem_real_server_connections_total{protocol=\"tcp\","
	    "vip=\"10.0.0.100\",port=\"80\",server=\"10.0.0.21\","
	    "server_port=\"80\"} 5\n"));
	assert_non_null(strstr(text,
	    "tandem_virtual_server_bytes_total{protocol=\"tcp\","
	    "vip=\"10.0.0.100\",port=\"80\",direction=\"out\"} 8000\n"));
	assert_non_null(strstr(text,
	    "tandem_vrrp_state{instance=\"ext\",state=\"MASTER\"} 1\n"));
	assert_non_null(strstr(text,
	    "tandem_director_events_total{event=\"no_service\"} 4\n"));
	assert_non_null(strstr(text, "tandem_daemon_up{daemon=\"director\"} 1\n"));
	assert_non_null(strstr(text, "tandem_daemon_up{daemon=\"syncd\"} 0\n"));
	/* A family's TYPE line appears once, its in and out samples after. */
	p = strstr(text, "# TYPE tandem_virtual_server_packets_total counter\n");
	assert_non_null(p);
	assert_null(strstr(p + 1, "# TYPE tandem_virtual_server_packets_total"));
	assert_non_null(strstr(p, "} 90\ntandem_virtual_server_packets_total{"));
	free(text);
	snmp_model_free(&d.m);
}

static void
test_labels_escaped(void **state)
{
	static struct snmpd d;
	struct snmp_event ev[8];
	size_t len;
	char *text;

	memset(&d, 0, sizeof(d));
	snmp_model_set(&d.m, SRC_DIRECTOR, json_tokener_parse(
	    "{\"ok\":true,\"counters\":{\"a\\\"b\\\\c\\nd\":1}}"), ev, 8);
	text = snmp_metrics_text(&d, &len);
	assert_non_null(strstr(text, "{event=\"a\\\"b\\\\c\\nd\"} 1\n"));
	free(text);
	snmp_model_free(&d.m);
}

static json_object *
checkd_reply(const char *st13, int quorum_up)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "{\"ok\":true,\"checks\":["
	    "{\"vs\":\"TCP 10.0.0.100:80\",\"rs\":\"10.0.0.21\",\"rs_port\":80,"
	    "\"type\":\"tcp\",\"state\":\"up\",\"checks\":9,\"failed\":0},"
	    "{\"vs\":\"TCP 10.0.0.100:80\",\"rs\":\"10.0.0.22\",\"rs_port\":8080,"
	    "\"type\":\"http\",\"state\":\"%s\",\"checks\":9,\"failed\":2}],"
	    "\"virtual_servers\":[{\"vs\":\"TCP 10.0.0.100:80\",\"name\":\"web\","
	    "\"quorum\":2,\"alive_weight\":1,\"quorum_up\":%s}]}", st13,
	    quorum_up ? "true" : "false");
	return json_tokener_parse(buf);
}

static void
test_checkd(void **state)
{
	struct snmp_model m;
	struct snmp_event ev[8];
	struct oidtab t;
	oid rs_chk1[] = { TANDEM_OID, 1, 4, 1, 20, 1, 1 };
	oid rs_chk2[] = { TANDEM_OID, 1, 4, 1, 20, 1, 2 };
	oid vs_quo[] = { TANDEM_OID, 1, 3, 1, 19, 1 };
	oid ck_state[] = { TANDEM_OID, 1, 7, 1, 7, 2 };
	oid ck_fail[] = { TANDEM_OID, 1, 7, 1, 9, 2 };
	oid q_name[] = { TANDEM_OID, 1, 8, 1, 3, 1 };

	memset(&m, 0, sizeof(m));
	oidtab_init(&t);
	snmp_model_set(&m, SRC_SERVICES, json_tokener_parse(services_json),
	    ev, 8);
	assert_int_equal(snmp_model_set(&m, SRC_CHECKD, checkd_reply("up", 1),
	    ev, 8), 0);
	/* 10.0.0.22:8080 goes down, and with it the quorum. */
	assert_int_equal(snmp_model_set(&m, SRC_CHECKD,
	    checkd_reply("down", 0), ev, 8), 2);
	assert_int_equal(ev[0].kind, EV_RS_DOWN);
	assert_int_equal(ev[0].reason, 2);		/* its row */
	assert_string_equal(ev[0].rs, "10.0.0.22:8080");
	assert_int_equal(ev[1].kind, EV_QUORUM_LOST);
	assert_string_equal(ev[1].name, "TCP 10.0.0.100:80");
	snmp_mib_build(&m, &t, 1);
	assert_int_equal(cell(&t, rs_chk1, N(rs_chk1))->v.i, 2);	/* up */
	assert_int_equal(cell(&t, rs_chk2, N(rs_chk2))->v.i, 3);	/* down */
	assert_int_equal(cell(&t, vs_quo, N(vs_quo))->v.i, 3);	/* lost */
	assert_int_equal(cell(&t, ck_state, N(ck_state))->v.i, 3);
	assert_int_equal(cell(&t, ck_fail, N(ck_fail))->v.c64.low, 2);
	assert_memory_equal(cell(&t, q_name, N(q_name))->v.s, "web", 3);
	assert_int_equal(snmp_model_set(&m, SRC_CHECKD, checkd_reply("up", 1),
	    ev, 8), 2);
	assert_int_equal(ev[0].kind, EV_RS_UP);
	assert_int_equal(ev[1].kind, EV_QUORUM_REGAINED);
	/* checkd gone: no check state known. */
	snmp_model_set(&m, SRC_CHECKD, NULL, ev, 8);
	snmp_mib_build(&m, &t, 1);
	assert_int_equal(cell(&t, rs_chk2, N(rs_chk2))->v.i, 1);	/* unknown */
	oidtab_free(&t);
	snmp_model_free(&m);
}

static void
test_labels_and_sync(void **state)
{
	struct snmp_model m;
	struct snmp_event ev[8];
	char b[128];
	json_object *o;

	o = json_tokener_parse("{\"proto\":\"udp\",\"addr\":"
	    "\"2001:db8::1\",\"port\":53}");
	snmp_vs_label(o, b, sizeof(b));
	assert_string_equal(b, "UDP [2001:db8::1]:53");
	json_object_put(o);
	o = json_tokener_parse("{\"fwmark\":5,\"proto\":\"any\"}");
	snmp_vs_label(o, b, sizeof(b));
	assert_string_equal(b, "FWM 5");
	json_object_put(o);
	memset(&m, 0, sizeof(m));
	assert_int_equal(snmp_model_set(&m, SRC_SYNCD, json_tokener_parse(
	    "{\"ok\":true,\"role\":\"backup\",\"peer\":\"10.0.2.1\"}"),
	    ev, 8), 0);
	/* The backup becomes master: the peer it followed is lost. */
	assert_int_equal(snmp_model_set(&m, SRC_SYNCD, json_tokener_parse(
	    "{\"ok\":true,\"role\":\"master\",\"peer\":\"\"}"), ev, 8), 1);
	assert_int_equal(ev[0].kind, EV_SYNC_PEER_LOST);
	assert_string_equal(ev[0].name, "10.0.2.1");
	/* A master has no peer to lose. */
	assert_int_equal(snmp_model_set(&m, SRC_SYNCD, json_tokener_parse(
	    "{\"ok\":true,\"role\":\"master\",\"peer\":\"\"}"), ev, 8), 0);
	snmp_model_free(&m);
}

/* A reply frame: header (type 2, flags, length) and body. */
static size_t
frame(uint8_t *out, uint16_t flags, const char *body)
{
	size_t n = strlen(body);

	out[0] = 0;
	out[1] = 2;
	out[2] = (uint8_t)(flags >> 8);
	out[3] = (uint8_t)flags;
	out[4] = out[5] = 0;
	out[6] = (uint8_t)(n >> 8);
	out[7] = (uint8_t)n;
	memcpy(out + 8, body, n);
	return 8 + n;
}

static void
test_decode_pages(void **state)
{
	uint8_t buf[512];
	json_object *a, *b;
	size_t n1, n2;
	int more;

	n1 = frame(buf, 1, "{\"ok\":true,\"checks\":[1,2]}");
	n2 = frame(buf + n1, 0, "{\"ok\":true,\"checks\":[3],"
	    "\"virtual_servers\":[9],\"director\":true}");
	/* Not whole yet: wait. */
	assert_int_equal(snmp_poll_decode(buf, 7, &a, &more), 0);
	assert_int_equal(snmp_poll_decode(buf, n1 - 1, &a, &more), 0);
	assert_int_equal(snmp_poll_decode(buf, n1 + n2, &a, &more), (int)n1);
	assert_true(more);
	assert_int_equal(snmp_poll_decode(buf + n1, n2, &b, &more), (int)n2);
	assert_false(more);
	snmp_poll_merge(a, b);
	json_object_put(b);
	assert_string_equal(json_object_to_json_string_ext(a,
	    JSON_C_TO_STRING_PLAIN), "{\"ok\":true,\"checks\":[1,2,3],"
	    "\"virtual_servers\":[9],\"director\":true}");
	json_object_put(a);
	/* Refused: ok false, trailing bytes, a request, not an object. */
	frame(buf, 0, "{\"ok\":false,\"error\":\"x\"}");
	assert_int_equal(snmp_poll_decode(buf, sizeof(buf), &a, &more), -1);
	frame(buf, 0, "{\"ok\":true} {}");
	assert_int_equal(snmp_poll_decode(buf, sizeof(buf), &a, &more), -1);
	frame(buf, 0, "[1]");
	assert_int_equal(snmp_poll_decode(buf, sizeof(buf), &a, &more), -1);
	frame(buf, 0, "{\"ok\":true}");
	buf[1] = 1;
	assert_int_equal(snmp_poll_decode(buf, sizeof(buf), &a, &more), -1);
	/* A length over the limit is refused from the header alone. */
	memcpy(buf, "\x00\x02\x00\x00\x00\x20\x00\x00", 8);
	assert_int_equal(snmp_poll_decode(buf, 8, &a, &more), -1);
	assert_null(a);
}

static void
test_routes(void **state)
{
	char big[400];

	assert_int_equal(snmp_http_route("/metrics"), ROUTE_METRICS);
	assert_int_equal(snmp_http_route("/metrics?name[]=x"), ROUTE_METRICS);
	assert_int_equal(snmp_http_route("/status"), ROUTE_STATUS);
	assert_int_equal(snmp_http_route("/metricsx"), ROUTE_NONE);
	assert_int_equal(snmp_http_route("/"), ROUTE_NONE);
	assert_int_equal(snmp_http_route("metrics"), ROUTE_BAD);
	assert_int_equal(snmp_http_route("/met rics"), ROUTE_BAD);
	assert_int_equal(snmp_http_route("/metrics\x01"), ROUTE_BAD);
	assert_int_equal(snmp_http_route("/metrics?a#b"), ROUTE_BAD);
	assert_int_equal(snmp_http_route(NULL), ROUTE_BAD);
	memset(big, 'a', sizeof(big));
	big[0] = '/';
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(snmp_http_route(big), ROUTE_BAD);
}

static void
test_conf(void **state)
{
	struct snmp_conf sc;

	assert_int_equal(snmp_conf_load_string("node = { };", &sc, NULL), 0);
	assert_string_equal(sc.agentx_socket, "/var/agentx/master");
	assert_string_equal(sc.metrics_listen, "127.0.0.1:9469");
	assert_true(sc.traps);
	assert_true(sc.poll_interval == 1.0);
	assert_int_equal(snmp_conf_load_string("snmp = { agentx_socket = "
	    "\"tcp:localhost:705\"; traps = false; metrics_listen = "
	    "\"[::1]:9100\"; poll_interval = 2; };", &sc, NULL), 0);
	assert_string_equal(sc.agentx_socket, "tcp:localhost:705");
	assert_string_equal(sc.metrics_listen, "[::1]:9100");
	assert_false(sc.traps);
	assert_true(sc.poll_interval == 2.0);
	assert_int_equal(snmp_conf_load_string(
	    "snmp = { poll_interval = 0.01; };", &sc, NULL), -1);
	assert_int_equal(snmp_conf_load_string(
	    "snmp = { traps = 1; };", &sc, NULL), -1);
	assert_int_equal(snmp_conf_load_string(
	    "snmp = { metrics_listen = 9469; };", &sc, NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_master),
		cmocka_unit_test(test_vrrp_mib),
		cmocka_unit_test(test_tandem_mib),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_labels_escaped),
		cmocka_unit_test(test_checkd),
		cmocka_unit_test(test_labels_and_sync),
		cmocka_unit_test(test_decode_pages),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_conf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
