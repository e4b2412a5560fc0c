/* Config loading: libconfig parses the file, the key tables below validate
 * node, director and virtual_servers into struct tandem_conf (checks are in
 * conf_check.c, the table walker in conf_walk.c). vrrp, sync and snmp are
 * only type-checked here; their own daemons read them. */
#include "conf.h"
#include "conf_walk.h"
#include "log.h"

#include <errno.h>
#include <libconfig.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char *const sched_names[] = { "rr", "wrr", "lc", "wlc", "sed",
	"nq", "fo", "ovf", "lblc", "lblcr", "dh", "sh", "mh", "twos", NULL };
static const char *const method_names[] = { "dr", "nat", "tun", NULL };
static const char *const tun_type_names[] = { "ipip", "gue", "gre", NULL };

/* --- node and director -------------------------------------------------- */

static void
log_level_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	static const char *const names[] = { "error", "warning", "info",
	    "debug", NULL };
	int lvl = cw_enum(p, s, "log level", names);

	if (lvl >= 0 && obj)
		((struct conf_node *)obj)->log_level = lvl;
}

static void
iface_list_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	struct conf_director *d = obj;	/* NULL: validate only */
	int i, n;

	if (!cw_want_strings(p, s))
		return;
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		const config_setting_t *e =
		    config_setting_get_elem(s, (unsigned)i);
		const char *v = cw_str_checked(p, e, IFNAMSIZ, KF_IFNAME);
		if (v == NULL)
			continue;
		if (cw_dup_str(s, i))
			cw_err(p, e, NULL, "\"%s\" is listed twice", v);
		else if (d && d->n_interfaces >= CONF_MAX_IFACES)
			cw_err(p, e, NULL, "more than %d interfaces",
			    CONF_MAX_IFACES);
		else if (d)
			memcpy(d->interfaces[d->n_interfaces++], v,
			    strlen(v) + 1);
	}
}

/* "addr/prefix" entries: director.virtual_ipaddress, vrrp instances. */
static void
vip_list_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	struct conf_director *d = obj;	/* NULL: validate only */
	struct conf_vip vip;
	int i, n;

	if (!cw_want_strings(p, s))
		return;
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		const config_setting_t *e =
		    config_setting_get_elem(s, (unsigned)i);
		const char *v = cw_str(p, e);
		if (v == NULL)
			continue;
		if (strchr(v, '/') == NULL ||
		    addr_parse_prefix(v, &vip.addr, &vip.prefix) == -1)
			cw_err(p, e, NULL, "\"%s\" is not an address/prefix "
			    "such as \"10.0.0.100/24\"", v);
		else if (cw_dup_str(s, i))
			cw_err(p, e, NULL, "\"%s\" is listed twice", v);
		else if (d && d->n_vips >= CONF_MAX_VIPS)
			cw_err(p, e, NULL, "more than %d addresses",
			    CONF_MAX_VIPS);
		else if (d)
			d->vips[d->n_vips++] = vip;
	}
}

static void
name_list_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	if (!cw_want_strings(p, s))
		return;
	for (int i = 0; i < config_setting_length(s); i++)
		cw_str_checked(p, config_setting_get_elem(s, (unsigned)i),
		    CONF_NAME_MAX, 0);
}

static const struct cw_key node_keys[] = {
	KS("name", struct conf_node, name, 0),
	KS("run_dir", struct conf_node, run_dir, KF_ABS),
	KF("log_level", log_level_fn, 0),
	KB("syslog", struct conf_node, use_syslog),
	KB("monitor_socket", struct conf_node, monitor_socket),
	KEND
};

static const struct cw_key timeout_keys[] = {
	KI("tcp", K_U32, struct conf_timeouts, tcp, 1, 2147483, 0),
	KI("tcpfin", K_U32, struct conf_timeouts, tcpfin, 1, 2147483, 0),
	KI("udp", K_U32, struct conf_timeouts, udp, 1, 2147483, 0),
	KEND
};

static const struct cw_key director_keys[] = {
	KF("interfaces", iface_list_fn, 0),
	KI("workers", K_INT, struct conf_director, workers, 1, 64, 0),
	KI("conn_max", K_U32, struct conf_director, conn_max, 1, 1 << 26, 0),
	{ .name = "timeouts", .type = K_GROUP, .sub = timeout_keys,
	  .off = offsetof(struct conf_director, timeouts) },
	KI("vrid", K_INT, struct conf_director, vrid, 1, 255, 0),
	KF("virtual_ipaddress", vip_list_fn, 0),
	KB("expire_nodest_conn", struct conf_director, expire_nodest_conn),
	KB("expire_quiescent_template", struct conf_director,
	    expire_quiescent_template),
	KI("conn_reuse_mode", K_INT, struct conf_director, conn_reuse_mode,
	    0, 2, 0),
	KB("sloppy_tcp", struct conf_director, sloppy_tcp),
	KB("sloppy_sctp", struct conf_director, sloppy_sctp),
	KI("half_open_max", K_U32, struct conf_director, half_open_max, 1,
	    1 << 26, 0),
	KI("ring_slots", K_U32, struct conf_director, ring_slots, 16, 8192, 0),
	KEND
};

/* --- real servers ------------------------------------------------------- */

#define RS	struct conf_rs

static void tun_type_fn(struct cw_parse *, const config_setting_t *, void *);

static const struct cw_key rs_keys[] = {
	{ .name = "address", .type = K_ADDR, .flags = KF_REQ,
	  .off = offsetof(RS, addr) },
	KI("port", K_U16, RS, port, 0, 65535, 0),
	KI("weight", K_INT, RS, weight, 0, 65535, 0),
	KI("u_threshold", K_U32, RS, u_threshold, 0, INT32_MAX, 0),
	KI("l_threshold", K_U32, RS, l_threshold, 0, INT32_MAX, 0),
	KB("inhibit_on_failure", RS, inhibit_on_failure),
	KF("tun_type", tun_type_fn, 0),
	KI("tun_port", K_U16, RS, tun_port, 1, 65535, 0),
	KB("tun_csum", RS, tun_csum),
	KF("check", conf_check_parse, 0),
	KS("notify_up", RS, notify_up, 0),
	KS("notify_down", RS, notify_down, 0),
	KEND
};

static const struct cw_key sorry_keys[] = {
	{ .name = "address", .type = K_ADDR, .flags = KF_REQ,
	  .off = offsetof(RS, addr) },
	KI("port", K_U16, RS, port, 0, 65535, 0),
	KEND
};

static void
rs_defaults(struct conf_rs *rs, int line)
{
	memset(rs, 0, sizeof(*rs));
	rs->weight = 1;
	rs->line = line;
}

/* What a real server needs from its virtual server: same family, port. */
static void
rs_finish(struct cw_parse *p, const config_setting_t *s,
    const struct conf_vs *vs, struct conf_rs *rs)
{
	const config_setting_t *port = config_setting_get_member(s, "port");

	if (rs->addr.af && vs->addr.af && rs->addr.af != vs->addr.af)
		cw_err(p, config_setting_get_member(s, "address"), NULL,
		    "an IPv%d real server for an IPv%d virtual server",
		    rs->addr.af == AF_INET ? 4 : 6,
		    vs->addr.af == AF_INET ? 4 : 6);
	if (rs->port == 0)
		rs->port = vs->port;
	else if (vs->method != FWD_NAT && rs->port != vs->port && port)
		cw_err(p, port, NULL, "%u differs from the virtual port %u: "
		    "only method nat maps ports", rs->port, vs->port);
	if (rs->tun_type == TUN_GUE && rs->tun_port == 0)
		cw_err(p, s, "tun_port", "a GUE tunnel needs its UDP port");
	if (rs->tun_csum && rs->tun_type == TUN_IPIP)
		cw_err(p, s, "tun_csum", "only GUE and GRE tunnels carry a checksum");
	if ((rs->tun_type != TUN_IPIP || rs->tun_port) && vs->method != FWD_TUN)
		cw_err(p, s, "tun_type", "tunnel settings need method tun");
	if (rs->l_threshold > rs->u_threshold)	/* IPVS refuses it too */
		cw_err(p, s, "l_threshold", "%u is higher than u_threshold %u",
		    rs->l_threshold, rs->u_threshold);
}

static void
rs_parse(struct cw_parse *p, const config_setting_t *s, struct conf_vs *vs,
    int i)
{
	struct conf_rs *rs = &vs->rs[i];
	char buf[ADDR_STRLEN];

	rs_defaults(rs, config_setting_source_line(s));
	if (!cw_want_group(p, s))
		return;
	cw_walk(p, s, rs_keys, rs, 0);
	rs_finish(p, s, vs, rs);
	for (int j = 0; j < i && rs->addr.af; j++)
		if (addr_eq(&rs->addr, &vs->rs[j].addr) &&
		    rs->port == vs->rs[j].port) {
			cw_err(p, s, NULL, "duplicate real server %s port %u "
			    "(also at line %d)", addr_str(&rs->addr, buf,
			    sizeof(buf)), rs->port, vs->rs[j].line);
			break;
		}
}

static void
rs_list_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	struct conf_vs *vs = obj;
	int n;

	if (!cw_want_list(p, s) || (n = config_setting_length(s)) == 0)
		return;
	if ((vs->rs = calloc((size_t)n, sizeof(*vs->rs))) == NULL) {
		cw_err(p, s, NULL, "out of memory");
		return;
	}
	vs->n_rs = n;
	for (int i = 0; i < n; i++)
		rs_parse(p, config_setting_get_elem(s, (unsigned)i), vs, i);
}

static void
sorry_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	struct conf_vs *vs = obj;

	rs_defaults(&vs->sorry, config_setting_source_line(s));
	if (!cw_want_group(p, s))
		return;
	vs->has_sorry = 1;
	cw_walk(p, s, sorry_keys, &vs->sorry, 0);
	rs_finish(p, s, vs, &vs->sorry);
}

/* --- virtual servers ---------------------------------------------------- */

static void
proto_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	static const char *const names[] = { "tcp", "udp", "sctp", NULL };
	int i = cw_enum(p, s, "protocol", names);

	if (i >= 0)
		((struct conf_vs *)obj)->proto = (uint8_t)conf_proto_parse(
		    names[i]);
}

static void
sched_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	struct conf_vs *vs = obj;
	int i = cw_enum(p, s, "scheduler", sched_names);

	if (i >= 0)
		snprintf(vs->scheduler, sizeof(vs->scheduler), "%s",
		    sched_names[i]);
}

static void
tun_type_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	int i = cw_enum(p, s, "tun_type", tun_type_names);

	if (i >= 0)
		((struct conf_rs *)obj)->tun_type = i;
}

static void
method_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	int i = cw_enum(p, s, "method", method_names);

	if (i >= 0)
		((struct conf_vs *)obj)->method = (enum fwd_method)i;
}

/* keepalived's persistence_granularity: a netmask or a prefix length. */
static void
granularity_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	struct conf_vs *vs = obj;
	struct tnd_addr a;
	long long v;
	uint32_t m;

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		if (cw_int(p, s, 0, 128, &v) == 0)
			vs->persistence_prefix = (int)v;
		return;
	}
	if (addr_parse(config_setting_get_string(s), &a) == 0 &&
	    a.af == AF_INET) {
		m = addr_v4(&a);
		if ((m & (~m >> 1)) == 0) {	/* ones, then zeros */
			vs->persistence_prefix = __builtin_popcount(m);
			return;
		}
	}
	cw_err(p, s, NULL, "expected an IPv4 netmask or a prefix length");
}

static void
sched_flags_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	static const char *const names[] = { "fallback", "port",
	    "sh-fallback", "sh-port", "mh-fallback", "mh-port", NULL };
	struct conf_vs *vs = obj;
	int i, f;

	if (!cw_want_strings(p, s))
		return;
	for (i = 0; i < config_setting_length(s); i++) {
		f = cw_enum(p, config_setting_get_elem(s, (unsigned)i),
		    "scheduler flag", names);
		if (f >= 0)
			vs->sched_flags |= f % 2 ? CONF_SF_PORT :
			    CONF_SF_FALLBACK;
	}
}

#define VS	struct conf_vs

/* Order matters: real_servers and sorry_server use the keys before them. */
static void members_fn(struct cw_parse *, const config_setting_t *, void *);

static const char *const pe_names[] = { "sip", NULL };

/* ipvsadm --pe: the only engine IPVS has is sip. */
static void
pe_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	if (cw_enum(p, s, "persistence_engine", pe_names) == 0)
		((struct conf_vs *)obj)->pe_sip = 1;
}

static const struct cw_key vs_keys[] = {
	/* address and port, or fwmark and members (checked in vs_finish) */
	{ .name = "address", .type = K_ADDR, .off = offsetof(VS, addr) },
	KI("port", K_U16, VS, port, 0, 65535, 0),
	KI("fwmark", K_U32, VS, fwmark, 1, INT32_MAX, 0),
	KF("members", members_fn, 0),
	KF("protocol", proto_fn, 0),
	KF("scheduler", sched_fn, 0),
	KF("sched_flags", sched_flags_fn, 0),
	KF("method", method_fn, 0),
	KI("persistence_timeout", K_U32, VS, persistence_timeout, 0, 2147483,
	    0),
	KF("persistence_granularity", granularity_fn, 0),
	KB("ops", VS, ops),
	KF("persistence_engine", pe_fn, 0),
	KI("quorum", K_INT, VS, quorum, 0, 1 << 30, 0),
	KI("hysteresis", K_INT, VS, hysteresis, 0, 1 << 30, 0),
	KF("real_servers", rs_list_fn, 0),
	KF("sorry_server", sorry_fn, 0),
	KS("name", VS, name, 0),
	KB("alpha", VS, alpha),
	KS("quorum_up", VS, quorum_up, 0),
	KS("quorum_down", VS, quorum_down, 0),
	KEND
};

static void
vs_defaults(struct conf_vs *vs, int line)
{
	memset(vs, 0, sizeof(*vs));
	vs->proto = IPPROTO_TCP;
	snprintf(vs->scheduler, sizeof(vs->scheduler), "wlc");
	vs->method = FWD_DR;
	vs->persistence_prefix = -1;
	vs->quorum = 1;
	vs->line = line;
}

/* A service group's members: "ADDR[-LAST|-ADDR|/PREFIX] [PORT[-PORT]]". */
static void
members_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	struct conf_vs *vs = obj;

	if (!cw_want_strings(p, s))
		return;
	for (int i = 0; i < config_setting_length(s); i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *v = cw_str(p, e);
		struct addr_range r;
		if (v == NULL)
			continue;
		if (addr_range_parse(v, &r) == -1)
			cw_err(p, e, NULL, "\"%s\" is not ADDR[-LAST|-ADDR|/PREFIX] "
			    "[PORT[-PORT]], e.g. \"10.0.0.100-110 80\"", v);
		else if (vs->n_members == CONF_MAX_MEMBERS)
			cw_err(p, e, NULL, "more than %d members",
			    CONF_MAX_MEMBERS);
		else if (vs->n_members && r.lo.af != vs->members[0].lo.af)
			cw_err(p, e, NULL, "members of one family only");
		else
			vs->members[vs->n_members++] = r;
	}
}

/* Either address and port, or a group: fwmark and members. */
static void
vs_check_identity(struct cw_parse *p, const config_setting_t *s,
    struct conf_vs *vs)
{
	int has_addr = config_setting_get_member(s, "address") != NULL;
	int has_port = config_setting_get_member(s, "port") != NULL;

	if (!vs->fwmark && !config_setting_get_member(s, "fwmark")) {
		if (!has_addr)
			cw_err(p, s, "address", "missing (required)");
		if (!has_port)
			cw_err(p, s, "port", "missing (required)");
		if (config_setting_get_member(s, "members"))
			cw_err(p, s, "members", "only a group (fwmark) has members");
		return;
	}
	if (has_addr || has_port)
		cw_err(p, s, has_addr ? "address" : "port", "a group (fwmark) "
		    "has members instead of address and port");
	if (vs->n_members == 0 && !config_setting_get_member(s, "members"))
		cw_err(p, s, "members", "missing (required for a group)");
	if (!config_setting_get_member(s, "protocol"))
		vs->proto = 0;			/* every protocol, as IPVS */
	if (vs->n_members)
		vs->addr.af = vs->members[0].lo.af;	/* the group's family */
}

static void
vs_finish(struct cw_parse *p, const config_setting_t *s, struct conf_vs *vs)
{
	const config_setting_t *port = config_setting_get_member(s, "port");
	int full;

	vs_check_identity(p, s, vs);
	full = vs->addr.af == AF_INET6 ? 128 : 32;

	/* Only a port written as 0, not one left 0 by an earlier error. */
	if (port && config_setting_type(port) == CONFIG_TYPE_INT &&
	    config_setting_get_int(port) == 0 && vs->persistence_timeout == 0)
		cw_err(p, port, NULL, "port 0 (every port) needs a "
		    "persistence_timeout");
	if (vs->sched_flags && strcmp(vs->scheduler, "sh") != 0 &&
	    strcmp(vs->scheduler, "mh") != 0)
		cw_err(p, config_setting_get_member(s, "sched_flags"), NULL,
		    "only the sh and mh schedulers take flags");
	if (vs->pe_sip && (vs->proto != IPPROTO_UDP || !vs->persistence_timeout))
		cw_err(p, config_setting_get_member(s, "persistence_engine"), NULL,
		    "the sip engine is for persistent udp services");
	if (vs->ops && vs->proto != IPPROTO_UDP)
		cw_err(p, config_setting_get_member(s, "ops"), NULL,
		    "one-packet scheduling is for udp services only");
	if (vs->persistence_prefix < 0)
		vs->persistence_prefix = full;
	else if (vs->persistence_prefix > full)
		cw_err(p, s, "persistence_granularity", "prefix %d is longer "
		    "than the address", vs->persistence_prefix);
}

static void
vs_parse(struct cw_parse *p, const config_setting_t *s, struct tandem_conf *c,
    int i)
{
	struct conf_vs *vs = &c->vs[i];
	char buf[ADDR_STRLEN];

	vs_defaults(vs, config_setting_source_line(s));
	if (!cw_want_group(p, s))
		return;
	cw_walk(p, s, vs_keys, vs, 0);
	vs_finish(p, s, vs);
	for (int j = 0; j < i && vs->addr.af; j++) {
		const struct conf_vs *o = &c->vs[j];
		if (o->fwmark || vs->fwmark) {
			if (o->fwmark == vs->fwmark) {
				cw_err(p, s, "fwmark", "duplicate group %u (also "
				    "at line %d)", vs->fwmark, o->line);
				break;
			}
			continue;
		}
		if (o->proto == vs->proto && o->port == vs->port &&
		    addr_eq(&o->addr, &vs->addr)) {
			cw_err(p, s, NULL, "duplicate virtual server %s %s "
			    "port %u (also at line %d)",
			    conf_proto_name(vs->proto),
			    addr_str(&vs->addr, buf, sizeof(buf)), vs->port,
			    o->line);
			break;
		}
	}
}

static void
vs_list_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	struct tandem_conf *c = obj;
	int n;

	if (!cw_want_list(p, s) || (n = config_setting_length(s)) == 0)
		return;
	if ((c->vs = calloc((size_t)n, sizeof(*c->vs))) == NULL) {
		cw_err(p, s, NULL, "out of memory");
		return;
	}
	c->n_vs = n;
	for (int i = 0; i < n; i++)
		vs_parse(p, config_setting_get_elem(s, (unsigned)i), c, i);
}

/* --- vrrp, sync, snmp: types only, for tandem-vrrpd/syncd/snmpd -------- */

/* vrrp track_interfaces: names, or groups { name; weight; } that
 * lib/conf_vrrp.c checks in full for tandem-vrrpd. */
static void
track_if_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	const config_setting_t *e = config_setting_get_elem(s, 0);

	if (e != NULL && config_setting_type(e) == CONFIG_TYPE_GROUP) {
		for (int i = 0; i < config_setting_length(s); i++) {
			e = config_setting_get_elem(s, (unsigned)i);
			if (config_setting_type(e) != CONFIG_TYPE_GROUP ||
			    config_setting_get_member(e, "name") == NULL)
				cw_err(p, e, NULL, "a tracked interface is a name "
				    "or { name = ...; weight = ...; }");
		}
		return;
	}
	iface_list_fn(p, s, obj);
}

static const struct cw_key vrrp_inst_keys[] = {
	{ .name = "name", .type = K_STR, .size = CONF_NAME_MAX },
	{ .name = "interface", .type = K_STR, .flags = KF_IFNAME },
	{ .name = "vrid", .type = K_INT, .min = 1, .max = 255 },
	{ .name = "priority", .type = K_INT, .min = 1, .max = 255 },
	{ .name = "advert_int", .type = K_DBL, .dmin = 0.01, .dmax = 255 },
	{ .name = "version", .type = K_INT, .min = 2, .max = 3 },
	KF("virtual_ipaddress", vip_list_fn, 0),
	{ .name = "preempt", .type = K_BOOL },
	KF("track_interfaces", track_if_fn, 0),
	KEND
};

static const struct cw_key vrrp_group_keys[] = {
	{ .name = "name", .type = K_STR, .size = CONF_NAME_MAX },
	KF("instances", name_list_fn, 0),
	KEND
};

static const struct cw_key vrrp_keys[] = {
	{ .name = "instances", .type = K_GLIST, .flags = KF_LAX,
	  .sub = vrrp_inst_keys },
	{ .name = "sync_groups", .type = K_GLIST, .flags = KF_LAX,
	  .sub = vrrp_group_keys },
	KEND
};

static const struct cw_key sync_keys[] = {
	{ .name = "interface", .type = K_STR, .flags = KF_IFNAME },
	{ .name = "group", .type = K_ADDR },
	{ .name = "port", .type = K_INT, .min = 1, .max = 65535 },
	{ .name = "syncid", .type = K_INT, .min = 0, .max = 255 },
	{ .name = "follow", .type = K_STR, .size = CONF_NAME_MAX },
	{ .name = "preempt_hold", .type = K_DBL, .dmin = 0, .dmax = 3600 },
	{ .name = "auth_key_file", .type = K_STR, .flags = KF_ABS },
	KEND
};

static const struct cw_key snmp_keys[] = {
	{ .name = "agentx_socket", .type = K_STR },
	{ .name = "traps", .type = K_BOOL },
	{ .name = "metrics_listen", .type = K_STR, .flags = KF_EMPTY },
	{ .name = "poll_interval", .type = K_DBL, .dmin = 0.1, .dmax = 3600 },
	KEND
};

#define TC	struct tandem_conf

static const struct cw_key top_keys[] = {
	{ .name = "node", .type = K_GROUP, .sub = node_keys,
	  .off = offsetof(TC, node) },
	{ .name = "director", .type = K_GROUP, .sub = director_keys,
	  .off = offsetof(TC, director) },
	KF("virtual_servers", vs_list_fn, 0),
	{ .name = "vrrp", .type = K_GROUP, .sub = vrrp_keys,
	  .flags = KF_NOSTORE | KF_LAX },
	{ .name = "sync", .type = K_GROUP, .sub = sync_keys,
	  .flags = KF_NOSTORE | KF_LAX },
	{ .name = "snmp", .type = K_GROUP, .sub = snmp_keys,
	  .flags = KF_NOSTORE | KF_LAX },
	KEND
};

/* --- loading ------------------------------------------------------------ */

void
conf_defaults(struct tandem_conf *c)
{
	char host[256];

	memset(c, 0, sizeof(*c));
	snprintf(c->path, sizeof(c->path), "%s", CONF_DEFAULT_PATH);
	if (gethostname(host, sizeof(host)) == -1 || host[0] == '\0')
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(c->node.name, sizeof(c->node.name), "%.*s",
	    CONF_NAME_MAX - 1, host);
	snprintf(c->node.run_dir, sizeof(c->node.run_dir), "%s",
	    CONF_DEFAULT_RUNDIR);
	c->node.log_level = LOG_LVL_INFO;
	c->director.workers = 1;
	c->director.conn_max = 1048576;
	c->director.timeouts = (struct conf_timeouts){ 900, 120, 300 };
	c->director.vrid = 1;
	c->director.conn_reuse_mode = 1;
	c->director.ring_slots = 256;
}

/* Checks across sections, once every section is read. */
static void
conf_finish(struct cw_parse *p, const config_setting_t *root,
    struct tandem_conf *c)
{
	const config_setting_t *dir = config_setting_get_member(root,
	    "director");
	const config_setting_t *ifs = dir ?
	    config_setting_get_member(dir, "interfaces") : NULL;

	if (c->n_vs > 0 && c->director.n_interfaces == 0) {
		if (ifs)
			cw_err(p, ifs, NULL, "must list at least one interface "
			    "when virtual_servers are defined");
		else if (dir)
			cw_err(p, dir, "interfaces", "missing (required when "
			    "virtual_servers are defined)");
		else
			cw_err_key(p, config_setting_get_member(root,
			    "virtual_servers"), "director.interfaces",
			    "missing (required when virtual_servers are "
			    "defined)");
	}
	c->has_vrrp = config_setting_get_member(root, "vrrp") != NULL;
	c->has_sync = config_setting_get_member(root, "sync") != NULL;
	c->has_snmp = config_setting_get_member(root, "snmp") != NULL;
}

/* Parsed cfg (or a libconfig error) into c. */
static int
conf_build(config_t *cfg, int ok, const char *name, struct tandem_conf *c,
    FILE *err)
{
	struct cw_parse p = { .name = name ? name : "-", .err = err };

	conf_defaults(c);
	name = p.name;
	if (strlen(name) >= sizeof(c->path)) {
		if (err)
			fprintf(err, "%s: path too long\n", name);
		return -1;
	}
	snprintf(c->path, sizeof(c->path), "%s", name);
	if (!ok) {
		if (err)
			fprintf(err, "%s:%d: %s\n", config_error_file(cfg) ?
			    config_error_file(cfg) : name,
			    config_error_line(cfg), config_error_text(cfg));
		return -1;
	}
	cw_walk(&p, config_root_setting(cfg), top_keys, c, 0);
	conf_finish(&p, config_root_setting(cfg), c);
	cw_flush(&p);
	return p.nerr ? -1 : 0;
}

int
conf_load(const char *path, struct tandem_conf *c, FILE *err)
{
	config_t cfg;
	int ok, rc;

	/* No include_dir: libconfig 1.5 would prefix it to absolute paths
	 * too, so relative @include paths follow the working directory. */
	config_init(&cfg);
	errno = 0;
	ok = config_read_file(&cfg, path);
	if (!ok && config_error_type(&cfg) == CONFIG_ERR_FILE_IO) {
		if (err)
			fprintf(err, "%s: cannot read: %s\n", path,
			    strerror(errno ? errno : EIO));
		config_destroy(&cfg);
		conf_defaults(c);
		conf_free(c);
		return -1;
	}
	rc = conf_build(&cfg, ok, path, c, err);
	config_destroy(&cfg);
	if (rc == -1)
		conf_free(c);
	return rc;
}

int
conf_load_string(const char *text, const char *name, struct tandem_conf *c,
    FILE *err)
{
	config_t cfg;
	int rc;

	config_init(&cfg);
	rc = conf_build(&cfg, config_read_string(&cfg, text), name, c, err);
	config_destroy(&cfg);
	if (rc == -1)
		conf_free(c);
	return rc;
}

void
conf_free(struct tandem_conf *c)
{
	for (int i = 0; i < c->n_vs; i++)
		free(c->vs[i].rs);
	free(c->vs);
	memset(c, 0, sizeof(*c));
}

const char *
conf_method_name(enum fwd_method m)
{
	return (unsigned)m < 3 ? method_names[m] : "?";
}

int
conf_proto_parse(const char *s)
{
	if (strcasecmp(s, "tcp") == 0)
		return IPPROTO_TCP;
	if (strcasecmp(s, "udp") == 0)
		return IPPROTO_UDP;
	if (strcasecmp(s, "sctp") == 0)
		return IPPROTO_SCTP;
	return -1;
}

const char *
conf_proto_name(int proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_SCTP:
		return "sctp";
	}
	return "?";
}

int
conf_proto_parse_any(const char *s)
{
	if (s == NULL || strcmp(s, "any") == 0)
		return 0;
	int p = conf_proto_parse(s);
	return p < 0 ? 0 : p;
}
