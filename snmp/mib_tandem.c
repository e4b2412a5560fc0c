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
		    chk == 0 ? 1 : chk == 1 ? 2 : 3);
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

	if (s == NULL)
		return;
	mib_put_c64(t, td_sync, N(td_sync), 1, zero, 1,
	    snmp_jint(s, "datagrams_received", 0));
	mib_put_c64(t, td_sync, N(td_sync), 2, zero, 1,
	    snmp_jint(s, "entries_received", 0));
	mib_put_c64(t, td_sync, N(td_sync), 3, zero, 1,
	    snmp_jint(s, "receive_errors", 0));
	mib_put_c64(t, td_sync, N(td_sync), 4, zero, 1,
	    sum_object(snmp_jget(s, "refused")));
	mib_put_c64(t, td_sync, N(td_sync), 5, zero, 1,
	    sum_object(snmp_jget(s, "entries_refused")));
}

void
snmp_mib_tandem(const struct snmp_model *m, struct oidtab *t)
{
	daemons(m, t);
	director(m, t);
	services(m, t);
	sync_scalars(m, t);
}
