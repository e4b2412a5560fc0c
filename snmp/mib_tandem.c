/* TANDEM-MIB from the model (mibs/TANDEM-MIB.txt): the daemon status
 * table, the director's scalars and named counters, the virtual and real
 * server tables with IPVS's statistics as Counter64, and syncd's scalars. */
#include "snmpd.h"
#include "mib.h"

#include <netinet/in.h>
#include <string.h>

static const oid td_daemon[] = { TANDEM_OID, 1, 1, 1 };
static const oid td_dir[] = { TANDEM_OID, 1, 2 };
static const oid td_vs[] = { TANDEM_OID, 1, 3, 1 };
static const oid td_rs[] = { TANDEM_OID, 1, 4, 1 };
static const oid td_sync[] = { TANDEM_OID, 1, 5 };
static const oid td_cnt[] = { TANDEM_OID, 1, 6, 1 };
static const oid td_check[] = { TANDEM_OID, 1, 7, 1 };
static const oid td_quorum[] = { TANDEM_OID, 1, 8, 1 };

static const char *const stat_keys[] = {
	"conns", "inpkts", "outpkts", "inbytes", "outbytes",
};
static const char *const rate_keys[] = {
	"cps", "inpps", "outpps", "inbps", "outbps",
};

static void
daemons(const struct snmp_model *m, struct oidtab *t)
{
	static const enum snmp_src first[DMN__MAX] = {
		SRC_DIRECTOR, SRC_VRRPD, SRC_SYNCD, SRC_CHECKD,
	};

	for (int i = 0; i < DMN__MAX; i++) {
		const char *name = snmp_daemon_name((enum snmp_daemon)i);
		oid idx[1] = { (oid)i + 1 };

		mib_put_str(t, td_daemon, N(td_daemon), 2, idx, 1, name,
		    strlen(name));
		mib_put_int(t, td_daemon, N(td_daemon), 3, idx, 1, ASN_INTEGER,
		    snmp_daemon_up(m, (enum snmp_daemon)i) ? 1 : 2);
		mib_put_c64(t, td_daemon, N(td_daemon), 4, idx, 1,
		    (int64_t)m->polls[first[i]]);
		mib_put_c64(t, td_daemon, N(td_daemon), 5, idx, 1,
		    (int64_t)m->failures[first[i]]);
	}
}

/* Five Counter64 columns from col, then five Gauge32 rates. */
static void
stats_cols(struct oidtab *t, const oid *pre, size_t plen, oid col,
    const oid *idx, size_t ilen, json_object *o)
{
	json_object *s = snmp_jget(o, "stats"), *r = snmp_jget(o, "rate");

	for (size_t k = 0; k < N(stat_keys); k++)
		mib_put_c64(t, pre, plen, col + (oid)k, idx, ilen,
		    snmp_jint(s, stat_keys[k], 0));
	for (size_t k = 0; k < N(rate_keys); k++)
		mib_put_uns(t, pre, plen, col + 5 + (oid)k, idx, ilen,
		    ASN_GAUGE, snmp_jint(r, rate_keys[k], 0));
}

static long
proto_num(const char *p)
{
	int v = conf_proto_parse(p);

	return v < 0 ? 0 : v;
}

static long
method_num(const char *m)
{
	if (strcmp(m, "nat") == 0)
		return 2;
	if (strcmp(m, "tun") == 0)
		return 3;
	return 1;
}

static void
addr_cols(struct oidtab *t, const oid *pre, size_t plen, oid col,
    const oid *idx, size_t ilen, json_object *o)
{
	uint8_t a[16];
	size_t len;
	int af = mib_inet_parse(snmp_jstr(o, "addr", NULL), a, &len);

	mib_put_int(t, pre, plen, col, idx, ilen, ASN_INTEGER, af);
	mib_put_str(t, pre, plen, col + 1, idx, ilen, a, len);
	mib_put_uns(t, pre, plen, col + 2, idx, ilen, ASN_UNSIGNED,
	    snmp_jint(o, "port", 0));
}

static void
rs_rows(const struct snmp_model *m, struct oidtab *t, json_object *svc,
    oid vsi)
{
	json_object *d = snmp_jarray(svc, "dests");
	size_t n = d ? json_object_array_length(d) : 0;

	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(d, i);
		oid idx[2] = { vsi, (oid)i + 1 };
		int chk = snmp_rs_check(m, svc, o);

		addr_cols(t, td_rs, N(td_rs), 2, idx, 2, o);
		mib_put_int(t, td_rs, N(td_rs), 5, idx, 2, ASN_INTEGER,
		    method_num(snmp_jstr(o, "method", "dr")));
		mib_put_int(t, td_rs, N(td_rs), 6, idx, 2, ASN_INTEGER,
		    (long)snmp_jint(o, "weight", 0));
		mib_put_uns(t, td_rs, N(td_rs), 7, idx, 2, ASN_GAUGE,
		    snmp_jint(o, "active", 0));
		mib_put_uns(t, td_rs, N(td_rs), 8, idx, 2, ASN_GAUGE,
		    snmp_jint(o, "inactive", 0));
		mib_put_uns(t, td_rs, N(td_rs), 9, idx, 2, ASN_GAUGE,
		    snmp_jint(o, "persistconns", 0));
		stats_cols(t, td_rs, N(td_rs), 10, idx, 2, o);
		/* 20: check state, 1 unknown (no checkd), 2 up, 3 down. */
		mib_put_int(t, td_rs, N(td_rs), 20, idx, 2, ASN_INTEGER,
		    1 + chk);
	}
}

static void
services(const struct snmp_model *m, struct oidtab *t)
{
	json_object *a = snmp_jarray(m->r[SRC_SERVICES], "services");
	size_t n = a ? json_object_array_length(a) : 0;

	for (size_t i = 0; i < n; i++) {
		json_object *svc = json_object_array_get_idx(a, i);
		json_object *d = snmp_jarray(svc, "dests");
		const char *sched = snmp_jstr(svc, "scheduler", "");
		oid idx[1] = { (oid)i + 1 };

		mib_put_int(t, td_vs, N(td_vs), 2, idx, 1, ASN_INTEGER,
		    proto_num(snmp_jstr(svc, "proto", "")));
		addr_cols(t, td_vs, N(td_vs), 3, idx, 1, svc);
		mib_put_str(t, td_vs, N(td_vs), 6, idx, 1, sched,
		    strlen(sched));
		mib_put_uns(t, td_vs, N(td_vs), 7, idx, 1, ASN_UNSIGNED,
		    snmp_jint(svc, "fwmark", 0));
		stats_cols(t, td_vs, N(td_vs), 8, idx, 1, svc);
		mib_put_uns(t, td_vs, N(td_vs), 18, idx, 1, ASN_GAUGE,
		    d ? (int64_t)json_object_array_length(d) : 0);
		/* 19: quorum, 1 unknown (no checkd), 2 met, 3 lost. */
		mib_put_int(t, td_vs, N(td_vs), 19, idx, 1, ASN_INTEGER,
		    1 + snmp_vs_quorum(m, svc));
		rs_rows(m, t, svc, idx[0]);
	}
}

static void
director(const struct snmp_model *m, struct oidtab *t)
{
	json_object *st = m->r[SRC_DIRECTOR], *tot;
	json_object *c = snmp_jget(st, "counters");
	static const oid zero[1] = { 0 };
	oid i = 1;

	if (st != NULL) {
		mib_put_uns(t, td_dir, N(td_dir), 1, zero, 1, ASN_GAUGE,
		    snmp_jint(st, "conns", 0));
		mib_put_uns(t, td_dir, N(td_dir), 2, zero, 1, ASN_GAUGE,
		    snmp_jint(st, "conn_max", 0));
		mib_put_uns(t, td_dir, N(td_dir), 3, zero, 1, ASN_GAUGE,
		    snmp_jint(st, "workers", 0));
	}
	if ((tot = snmp_jget(m->r[SRC_SERVICES], "total")) != NULL)
		for (size_t k = 0; k < N(stat_keys); k++)
			mib_put_c64(t, td_dir, N(td_dir), 4 + (oid)k, zero, 1,
			    snmp_jint(tot, stat_keys[k], 0));
	if (c == NULL || !json_object_is_type(c, json_type_object))
		return;
	json_object_object_foreach(c, key, val) {
		oid idx[1] = { i++ };
		mib_put_str(t, td_cnt, N(td_cnt), 2, idx, 1, key, strlen(key));
		mib_put_c64(t, td_cnt, N(td_cnt), 3, idx, 1,
		    json_object_get_int64(val));
	}
}

static int64_t
sum_object(json_object *o)
{
	int64_t s = 0;

	if (o == NULL || !json_object_is_type(o, json_type_object))
		return 0;
	json_object_object_foreach(o, key, val) {
		(void)key;
		s += json_object_get_int64(val);
	}
	return s;
}

static void
sync_scalars(const struct snmp_model *m, struct oidtab *t)
{
	json_object *s = m->r[SRC_SYNCD];
	static const oid zero[1] = { 0 };
	static const struct {
		oid col;
		const char *key;
	} c64[] = {
		{ 1, "datagrams_received" }, { 2, "entries_received" },
		{ 3, "receive_errors" }, { 10, "datagrams_sent" },
		{ 11, "gaps" }, { 12, "resent" }, { 13, "auth_failures" },
		{ 16, "lost" },
	};
	const char *role = snmp_jstr(s, "role", ""), *peer;
	uint8_t a[16];
	size_t len;
	int af;

	if (s == NULL)
		return;
	for (size_t i = 0; i < N(c64); i++)
		mib_put_c64(t, td_sync, N(td_sync), c64[i].col, zero, 1,
		    snmp_jint(s, c64[i].key, 0));
	mib_put_c64(t, td_sync, N(td_sync), 4, zero, 1,
	    sum_object(snmp_jget(s, "refused")));
	mib_put_c64(t, td_sync, N(td_sync), 5, zero, 1,
	    sum_object(snmp_jget(s, "entries_refused")));
	mib_put_int(t, td_sync, N(td_sync), 6, zero, 1, ASN_INTEGER,
	    strcmp(role, "master") == 0 ? 2 : strcmp(role, "backup") == 0 ?
	    3 : 1);
	peer = snmp_jstr(s, "peer", "");
	af = mib_inet_parse(peer, a, &len);
	mib_put_int(t, td_sync, N(td_sync), 7, zero, 1, ASN_INTEGER, af);
	mib_put_str(t, td_sync, N(td_sync), 8, zero, 1, a, len);
	/* 9: the peer a backup follows, 2 up or 3 lost; 1 unknown when not
	 * a backup (a master hears nobody; its last peer is history). */
	mib_put_int(t, td_sync, N(td_sync), 9, zero, 1, ASN_INTEGER,
	    strcmp(role, "backup") != 0 ? 1 : af ? 2 : 3);
	mib_put_uns(t, td_sync, N(td_sync), 14, zero, 1, ASN_GAUGE,
	    snmp_jint(s, "last_received_ms_ago", 0));
	mib_put_int(t, td_sync, N(td_sync), 15, zero, 1, ASN_INTEGER,
	    snmp_jbool(s, "in_sync") ? 1 : 2);
}

/* tandem-checkd's checks and quorums, in its own order. */
static void
checks(const struct snmp_model *m, struct oidtab *t)
{
	json_object *a = snmp_jarray(m->r[SRC_CHECKD], "checks");
	json_object *q = snmp_jarray(m->r[SRC_CHECKD], "virtual_servers");
	size_t n = a ? json_object_array_length(a) : 0;
	size_t nq = q ? json_object_array_length(q) : 0;

	for (size_t i = 0; i < n; i++) {
		json_object *c = json_object_array_get_idx(a, i);
		const char *vs = snmp_jstr(c, "vs", ""), *ty =
		    snmp_jstr(c, "type", ""), *why = snmp_jstr(c, "reason", "");
		oid idx[1] = { (oid)i + 1 };
		uint8_t b[16];
		size_t len;

		mib_put_str(t, td_check, N(td_check), 2, idx, 1, vs,
		    strlen(vs));
		mib_put_int(t, td_check, N(td_check), 3, idx, 1, ASN_INTEGER,
		    mib_inet_parse(snmp_jstr(c, "rs", NULL), b, &len));
		mib_put_str(t, td_check, N(td_check), 4, idx, 1, b, len);
		mib_put_uns(t, td_check, N(td_check), 5, idx, 1, ASN_UNSIGNED,
		    snmp_jint(c, "rs_port", 0));
		mib_put_str(t, td_check, N(td_check), 6, idx, 1, ty,
		    strlen(ty));
		mib_put_int(t, td_check, N(td_check), 7, idx, 1, ASN_INTEGER,
		    strcmp(snmp_jstr(c, "state", ""), "up") == 0 ? 2 : 3);
		mib_put_c64(t, td_check, N(td_check), 8, idx, 1,
		    snmp_jint(c, "checks", 0));
		mib_put_c64(t, td_check, N(td_check), 9, idx, 1,
		    snmp_jint(c, "failed", 0));
		mib_put_c64(t, td_check, N(td_check), 10, idx, 1,
		    snmp_jint(c, "changes", 0));
		mib_put_str(t, td_check, N(td_check), 11, idx, 1, why,
		    strlen(why));
	}
	for (size_t i = 0; i < nq; i++) {
		json_object *v = json_object_array_get_idx(q, i);
		const char *vs = snmp_jstr(v, "vs", ""), *name =
		    snmp_jstr(v, "name", "");
		oid idx[1] = { (oid)i + 1 };

		mib_put_str(t, td_quorum, N(td_quorum), 2, idx, 1, vs,
		    strlen(vs));
		mib_put_str(t, td_quorum, N(td_quorum), 3, idx, 1, name,
		    strlen(name));
		mib_put_int(t, td_quorum, N(td_quorum), 4, idx, 1, ASN_INTEGER,
		    (long)snmp_jint(v, "quorum", 0));
		mib_put_int(t, td_quorum, N(td_quorum), 5, idx, 1, ASN_INTEGER,
		    (long)snmp_jint(v, "alive_weight", 0));
		mib_put_int(t, td_quorum, N(td_quorum), 6, idx, 1, ASN_INTEGER,
		    snmp_jbool(v, "quorum_up") ? 2 : 3);
		mib_put_int(t, td_quorum, N(td_quorum), 7, idx, 1, ASN_INTEGER,
		    snmp_jbool(v, "sorry_in") ? 1 : 2);
	}
}

void
snmp_mib_tandem(const struct snmp_model *m, struct oidtab *t)
{
	daemons(m, t);
	director(m, t);
	services(m, t);
	sync_scalars(m, t);
	checks(m, t);
}
