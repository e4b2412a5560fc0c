/* Builds the served tree from the model: VRRPV3-MIB's operations,
 * associated address and statistics tables and router scalars from
 * vrrpd's status; TANDEM-MIB's daemon, director, service, real server
 * and sync objects from the director's and syncd's replies. */
#include "snmpd.h"
#include "mib.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <string.h>

static const oid vr_ops[] = { VRRPV3_OID, 1, 1, 1, 1 };
static const oid vr_assoc[] = { VRRPV3_OID, 1, 1, 2, 1 };
static const oid vr_router[] = { VRRPV3_OID, 1, 2 };
static const oid vr_stats[] = { VRRPV3_OID, 1, 2, 5, 1 };

void
mib_cell_set(struct mib_cell *c, const oid *pre, size_t plen, oid col,
    const oid *idx, size_t ilen)
{
	memcpy(c->name, pre, plen * sizeof(oid));
	c->name[plen] = col;
	memcpy(c->name + plen + 1, idx, ilen * sizeof(oid));
	c->len = plen + 1 + ilen;
}

int
mib_put_int(struct oidtab *t, const oid *pre, size_t plen, oid col,
    const oid *idx, size_t ilen, u_char type, long v)
{
	struct mib_cell c;

	mib_cell_set(&c, pre, plen, col, idx, ilen);
	return oidtab_add_int(t, c.name, c.len, NULL, 0, type, v);
}

int
mib_put_uns(struct oidtab *t, const oid *pre, size_t plen, oid col,
    const oid *idx, size_t ilen, u_char type, int64_t v)
{
	struct mib_cell c;

	mib_cell_set(&c, pre, plen, col, idx, ilen);
	if (v < 0)
		v = 0;
	return oidtab_add_uns(t, c.name, c.len, NULL, 0, type,
	    v > UINT32_MAX ? UINT32_MAX : (uint32_t)v);
}

int
mib_put_c64(struct oidtab *t, const oid *pre, size_t plen, oid col,
    const oid *idx, size_t ilen, int64_t v)
{
	struct mib_cell c;

	mib_cell_set(&c, pre, plen, col, idx, ilen);
	return oidtab_add_c64(t, c.name, c.len, NULL, 0,
	    v < 0 ? 0 : (uint64_t)v);
}

int
mib_put_str(struct oidtab *t, const oid *pre, size_t plen, oid col,
    const oid *idx, size_t ilen, const void *s, size_t len)
{
	struct mib_cell c;

	mib_cell_set(&c, pre, plen, col, idx, ilen);
	return oidtab_add_str(t, c.name, c.len, NULL, 0, ASN_OCTET_STR, s,
	    len);
}

/* An address string ("10.0.0.1", "fe80::1", "10.0.0.1/24") into
 * InetAddressType (1 ipv4, 2 ipv6, 0 unknown) and its bytes. */
int
mib_inet_parse(const char *s, uint8_t out[16], size_t *len)
{
	char buf[64];
	char *slash;

	*len = 0;
	if (s == NULL)
		return 0;
	snprintf(buf, sizeof(buf), "%s", s);
	if ((slash = strchr(buf, '/')) != NULL)
		*slash = '\0';
	if (inet_pton(AF_INET, buf, out) == 1) {
		*len = 4;
		return 1;
	}
	if (inet_pton(AF_INET6, buf, out) == 1) {
		*len = 16;
		return 2;
	}
	return 0;
}

/* An instance's address type: that of its first VIP. */
static int
inst_af(json_object *inst)
{
	json_object *v = snmp_jarray(inst, "vips");
	uint8_t b[16];
	size_t len;

	if (v == NULL || json_object_array_length(v) == 0)
		return 1;
	return mib_inet_parse(json_object_get_string(
	    json_object_array_get_idx(v, 0)), b, &len) == 2 ? 2 : 1;
}

static int64_t
cnt(json_object *inst, const char *key)
{
	return snmp_jint(snmp_jget(inst, "counters"), key, 0);
}

static int64_t
err(json_object *inst, const char *key)
{
	return snmp_jint(snmp_jget(snmp_jget(inst, "counters"), "errors"),
	    key, 0);
}

static void
vr_ops_row(struct oidtab *t, const struct snmp_model *m, json_object *inst,
    const oid *idx)
{
	const char *state = snmp_jstr(inst, "state", "INIT");
	int st = snmp_vrrp_status(state), af = (int)idx[2];
	uint8_t a[16], mac[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0 };
	json_object *vips = snmp_jarray(inst, "vips");
	size_t len;

	/* The master's address: ours while master, else the one heard. */
	mib_inet_parse(snmp_jstr(inst, st == 3 ? "address" : "master", NULL), a,
	    &len);
	mib_put_str(t, vr_ops, N(vr_ops), VROP_MASTER, idx, 3, a, len);
	mib_inet_parse(snmp_jstr(inst, "address", NULL), a, &len);
	mib_put_str(t, vr_ops, N(vr_ops), VROP_PRIMARY, idx, 3, a, len);
	mac[4] = af == 2 ? 0x02 : 0x01;
	mac[5] = (uint8_t)idx[1];
	mib_put_str(t, vr_ops, N(vr_ops), VROP_VMAC, idx, 3, mac, 6);
	mib_put_int(t, vr_ops, N(vr_ops), VROP_STATUS, idx, 3, ASN_INTEGER, st);
	mib_put_uns(t, vr_ops, N(vr_ops), VROP_PRIORITY, idx, 3, ASN_UNSIGNED,
	    snmp_jint(inst, "priority", 0));
	mib_put_int(t, vr_ops, N(vr_ops), VROP_ADDRCOUNT, idx, 3, ASN_INTEGER,
	    vips ? (long)json_object_array_length(vips) : 0);
	/* TimeInterval: centiseconds. */
	mib_put_int(t, vr_ops, N(vr_ops), VROP_ADVINT, idx, 3, ASN_INTEGER,
	    (long)(json_object_get_double(snmp_jget(inst, "advert_int")) *
	    100 + 0.5));
	mib_put_int(t, vr_ops, N(vr_ops), VROP_PREEMPT, idx, 3, ASN_INTEGER,
	    snmp_jbool(inst, "preempt") ? 1 : 2);
	/* An older vrrpd's status may lack these: no value rather than a
	 * wrong one. */
	if (snmp_jget(inst, "accept") != NULL)
		mib_put_int(t, vr_ops, N(vr_ops), VROP_ACCEPT, idx, 3,
		    ASN_INTEGER, snmp_jbool(inst, "accept") ? 1 : 2);
	/* TimeStamp: sysUpTime (centiseconds) when it left initialize; 0
	 * while in it. */
	if (snmp_jget(inst, "up_ms") != NULL) {
		int64_t up = snmp_jint(inst, "up_ms", 0) / 10;
		int64_t now = (int64_t)m->uptime_cs;
		mib_put_uns(t, vr_ops, N(vr_ops), VROP_UPTIME, idx, 3,
		    ASN_TIMETICKS, st == 1 || up > now ? 0 : now - up);
	}
	mib_put_int(t, vr_ops, N(vr_ops), VROP_ROWSTATUS, idx, 3, ASN_INTEGER, 1);
}

static void
vr_assoc_rows(struct oidtab *t, json_object *inst, const oid *idx)
{
	json_object *vips = snmp_jarray(inst, "vips");
	size_t n = vips ? json_object_array_length(vips) : 0;

	for (size_t i = 0; i < n; i++) {
		oid ai[4 + 16];
		uint8_t a[16];
		size_t len;
		int af = mib_inet_parse(json_object_get_string(
		    json_object_array_get_idx(vips, i)), a, &len);

		if (af != (int)idx[2])
			continue;
		memcpy(ai, idx, 3 * sizeof(oid));
		ai[3] = len;		/* InetAddress: length-prefixed */
		for (size_t k = 0; k < len; k++)
			ai[4 + k] = a[k];
		mib_put_int(t, vr_assoc, N(vr_assoc), 2, ai, 4 + len,
		    ASN_INTEGER, 1);	/* RowStatus active */
	}
}

static void
vr_stats_row(struct oidtab *t, const struct snmp_model *m, json_object *inst,
    const oid *idx, double poll)
{
	const struct snmp_vrmem *v = snmp_vrmem_find(m,
	    snmp_jstr(inst, "name", ""));

	mib_put_uns(t, vr_stats, N(vr_stats), VRST_TRANSITIONS, idx, 3,
	    ASN_COUNTER, snmp_jint(inst, "master_transitions", 0));
	mib_put_int(t, vr_stats, N(vr_stats), VRST_NEWMASTER_REASON, idx, 3,
	    ASN_INTEGER, v ? v->new_master_reason : 0);
	mib_put_c64(t, vr_stats, N(vr_stats), VRST_RCVD_ADV, idx, 3,
	    cnt(inst, "received"));
	mib_put_c64(t, vr_stats, N(vr_stats), VRST_ADVINT_ERR, idx, 3,
	    err(inst, "interval"));
	mib_put_c64(t, vr_stats, N(vr_stats), VRST_TTL_ERR, idx, 3,
	    err(inst, "ttl"));
	mib_put_int(t, vr_stats, N(vr_stats), VRST_PROTOERR_REASON, idx, 3,
	    ASN_INTEGER, v ? v->proto_err_reason : 0);
	mib_put_c64(t, vr_stats, N(vr_stats), VRST_RCVD_PRIO0, idx, 3,
	    cnt(inst, "prio0_received"));
	mib_put_c64(t, vr_stats, N(vr_stats), VRST_SENT_PRIO0, idx, 3,
	    cnt(inst, "prio0_sent"));
	mib_put_c64(t, vr_stats, N(vr_stats), VRST_INVALID_TYPE, idx, 3,
	    err(inst, "type"));
	mib_put_c64(t, vr_stats, N(vr_stats), VRST_ADDRLIST_ERR, idx, 3,
	    cnt(inst, "addr_mismatch") + err(inst, "count"));
	mib_put_c64(t, vr_stats, N(vr_stats), VRST_LENGTH_ERR, idx, 3,
	    err(inst, "length"));
	mib_put_uns(t, vr_stats, N(vr_stats), VRST_DISCONT, idx, 3,
	    ASN_TIMETICKS, 0);
	mib_put_uns(t, vr_stats, N(vr_stats), VRST_REFRESH, idx, 3,
	    ASN_UNSIGNED, (int64_t)(poll * 1000));
}

int
snmp_mib_vr_index(json_object *inst, oid idx[3])
{
	unsigned ifx = if_nametoindex(snmp_jstr(inst, "interface", ""));
	int64_t vrid = snmp_jint(inst, "vrid", 0);

	if (ifx == 0 || vrid < 1 || vrid > 255)
		return -1;
	idx[0] = ifx;
	idx[1] = (oid)vrid;
	idx[2] = (oid)inst_af(inst);
	return 0;
}

void
snmp_mib_vrrp(const struct snmp_model *m, struct oidtab *t, double poll)
{
	json_object *r = m->r[SRC_VRRPD], *a = snmp_jarray(r, "instances");
	size_t n = a ? json_object_array_length(a) : 0;
	int64_t csum = 0, ver = 0, vrid = 0;

	if (r == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		json_object *inst = json_object_array_get_idx(a, i);
		oid idx[3];

		csum += err(inst, "checksum");
		ver += err(inst, "version");
		if (snmp_mib_vr_index(inst, idx) == -1)
			continue;
		vr_ops_row(t, m, inst, idx);
		vr_assoc_rows(t, inst, idx);
		vr_stats_row(t, m, inst, idx, poll);
	}
	/* Adverts no instance took count against the router. */
	csum += snmp_jint(snmp_jget(snmp_jget(r, "unmatched"), "errors"),
	    "checksum", 0);
	ver += snmp_jint(snmp_jget(snmp_jget(r, "unmatched"), "errors"),
	    "version", 0);
	vrid = snmp_jint(snmp_jget(snmp_jget(r, "unmatched"), "errors"),
	    "vrid", 0);
	for (size_t i = 0; i < n; i++)
		vrid += err(json_object_array_get_idx(a, i), "vrid");
	oidtab_add_c64(t, vr_router, N(vr_router), (const oid[]){ 1, 0 }, 2,
	    (uint64_t)csum);
	oidtab_add_c64(t, vr_router, N(vr_router), (const oid[]){ 2, 0 }, 2,
	    (uint64_t)ver);
	oidtab_add_c64(t, vr_router, N(vr_router), (const oid[]){ 3, 0 }, 2,
	    (uint64_t)vrid);
	oidtab_add_uns(t, vr_router, N(vr_router), (const oid[]){ 4, 0 }, 2,
	    ASN_TIMETICKS, 0);
}

int
snmp_mib_build(const struct snmp_model *m, struct oidtab *t, double poll)
{
	oidtab_clear(t);
	snmp_mib_vrrp(m, t, poll);
	snmp_mib_tandem(m, t);
	oidtab_sort(t);
	return t->overflow ? -1 : 0;
}
