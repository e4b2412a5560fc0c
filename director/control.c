/* The director's control commands (docs/control-protocol.md): listings,
 * ipvsadm-style changes to services and real servers, timeouts, and the
 * own/release messages of tandem-vrrpd. Runs on the control thread. */
#include "director.h"
#include "ctlmsg.h"
#include "log.h"
#include "proto.h"
#include "proto_sctp.h"
#include "scheduler.h"

#include "cursor.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/stat.h>

#define CONNS_PER_PAGE	2000

static json_object *
jstats(const struct stats *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "conns", json_object_new_int64((int64_t)atomic_load(&s->conns)));
	json_object_object_add(o, "inpkts", json_object_new_int64((int64_t)atomic_load(&s->inpkts)));
	json_object_object_add(o, "outpkts", json_object_new_int64((int64_t)atomic_load(&s->outpkts)));
	json_object_object_add(o, "inbytes", json_object_new_int64((int64_t)atomic_load(&s->inbytes)));
	json_object_object_add(o, "outbytes", json_object_new_int64((int64_t)atomic_load(&s->outbytes)));
	return o;
}

static json_object *
jrate(const struct stats *s)
{
	json_object *o = json_object_new_object();
	struct rates r;

	est_read(s, &r);
	json_object_object_add(o, "cps", json_object_new_int64((int64_t)r.cps));
	json_object_object_add(o, "inpps", json_object_new_int64((int64_t)r.inpps));
	json_object_object_add(o, "outpps", json_object_new_int64((int64_t)r.outpps));
	json_object_object_add(o, "inbps", json_object_new_int64((int64_t)r.inbps));
	json_object_object_add(o, "outbps", json_object_new_int64((int64_t)r.outbps));
	return o;
}

static json_object *
jaddr(const struct tnd_addr *a)
{
	char buf[ADDR_STRLEN];

	return json_object_new_string(addr_str(a, buf, sizeof(buf)));
}

/* A group member as the config writes it: "LO-HI PLO-PHI". */
static json_object *
jrange(const struct addr_range *r)
{
	char lo[ADDR_STRLEN], hi[ADDR_STRLEN], buf[2 * ADDR_STRLEN + 16];

	addr_str(&r->lo, lo, sizeof(lo));
	addr_str(&r->hi, hi, sizeof(hi));
	snprintf(buf, sizeof(buf), "%s-%s %u-%u", lo, hi, r->plo, r->phi);
	return json_object_new_string(buf);
}

static json_object *
jdest(const struct dest *d)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "addr", jaddr(&d->addr));
	json_object_object_add(o, "port", json_object_new_int(d->port));
	json_object_object_add(o, "method", json_object_new_string(conf_method_name(d->method)));
	if (d->method == FWD_TUN) {
		static const char *const names[] = { "ipip", "gue", "gre" };
		json_object_object_add(o, "tun_type", json_object_new_string(
		    names[d->tun_type]));
		json_object_object_add(o, "tun_port", json_object_new_int(d->tun_port));
		json_object_object_add(o, "tun_csum", json_object_new_boolean(d->tun_csum));
	}
	json_object_object_add(o, "weight", json_object_new_int(atomic_load(&d->weight)));
	json_object_object_add(o, "active", json_object_new_int(atomic_load(&d->active)));
	json_object_object_add(o, "inactive", json_object_new_int(atomic_load(&d->inactive)));
	json_object_object_add(o, "persistconns", json_object_new_int(atomic_load(&d->persist)));
	json_object_object_add(o, "u_threshold", json_object_new_int64(d->u_threshold));
	json_object_object_add(o, "l_threshold", json_object_new_int64(d->l_threshold));
	json_object_object_add(o, "stats", jstats(&d->stats));
	json_object_object_add(o, "rate", jrate(&d->stats));
	return o;
}

static json_object *
jservice(const struct service *s)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	struct in_addr m = { htonl(s->netmask) };

	if (s->fwmark) {
		json_object *mem = json_object_new_array();
		json_object_object_add(o, "fwmark", json_object_new_int64(s->fwmark));
		json_object_object_add(o, "proto", json_object_new_string(
		    s->proto ? conf_proto_name(s->proto) : "any"));
		for (int i = 0; i < s->n_members; i++)
			json_object_array_add(mem, jrange(&s->members[i]));
		json_object_object_add(o, "members", mem);
	} else {
		json_object_object_add(o, "proto", json_object_new_string(conf_proto_name(s->proto)));
		json_object_object_add(o, "addr", jaddr(&s->addr));
		json_object_object_add(o, "port", json_object_new_int(s->port));
	}
	json_object_object_add(o, "scheduler", json_object_new_string(s->sched->name));
	json_object_object_add(o, "persistent", json_object_new_int64(s->persistent));
	json_object_object_add(o, "netmask", json_object_new_string(inet_ntoa(m)));
	json_object_object_add(o, "ops", json_object_new_boolean(s->ops));
	if (s->pe_sip)
		json_object_object_add(o, "pe", json_object_new_string("sip"));
	json_object_object_add(o, "stats", jstats(&s->stats));
	json_object_object_add(o, "rate", jrate(&s->stats));
	for (int i = 0; i < s->n_dests; i++)
		json_object_array_add(a, jdest(s->dests[i]));
	json_object_object_add(o, "dests", a);
	return o;
}

/* Read the service named in a request: {proto, addr, port}, or
 * {fwmark} for a service group, which comes back as an address of family
 * 0 holding the mark (svc_lookup's convention). */
static int
req_service(json_object *o, uint8_t *proto, struct tnd_addr *addr,
    uint16_t *port)
{
	json_object *v;
	int p;

	if (json_object_object_get_ex(o, "fwmark", &v)) {
		int64_t m = json_object_get_int64(v);
		if (m < 1 || m > INT32_MAX)
			return -1;
		memset(addr, 0, sizeof(*addr));
		put_be32(addr->bytes, (uint32_t)m);
		*proto = 0;
		*port = 0;
		return 0;
	}
	if (!json_object_object_get_ex(o, "proto", &v) ||
	    (p = conf_proto_parse(json_object_get_string(v))) < 0)
		return -1;
	*proto = (uint8_t)p;
	if (!json_object_object_get_ex(o, "addr", &v) ||
	    addr_parse(json_object_get_string(v), addr) == -1)
		return -1;
	if (!json_object_object_get_ex(o, "port", &v) ||
	    json_object_get_int(v) < 0 || json_object_get_int(v) > 65535)
		return -1;
	*port = (uint16_t)json_object_get_int(v);
	return 0;
}

static struct service *
svc_lookup(struct director *d, uint8_t proto, const struct tnd_addr *addr,
    uint16_t port)
{
	if (addr->af == 0)
		return svc_find_fwmark(&d->svcs, get_be32(addr->bytes));
	return svc_find(&d->svcs, proto, addr, port);
}

static int64_t
req_int(json_object *o, const char *key, int64_t dflt)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return dflt;
	return json_object_get_int64(v);
}

static const char *
req_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static json_object *
errno_reply(int rc, const char *what)
{
	switch (rc) {
	case -EEXIST:
		return ctl_reply_error("%s already exists", what);
	case -ENOENT:
		return ctl_reply_error(strcmp(what, "Service") == 0 ?
		    "Service not defined" : "No such destination");
	case -ESRCH:
		return ctl_reply_error("Scheduler not found");
	case -ENOMEM:
		return ctl_reply_error("Memory allocation problem");
	default:
		return ctl_reply_error("%s", strerror(-rc));
	}
}

static json_object *
cmd_get_services(struct director *d, json_object *req)
{
	json_object *r = ctl_reply_ok(), *a = json_object_new_array();
	json_object *svc;
	uint8_t proto;
	struct tnd_addr addr;
	uint16_t port;
	int only = json_object_object_get_ex(req, "service", &svc) &&
	    req_service(svc, &proto, &addr, &port) == 0;

	pthread_rwlock_rdlock(&d->svcs.lock);
	if (only) {
		struct service *s = svc_lookup(d, proto, &addr, port);
		if (s == NULL) {
			pthread_rwlock_unlock(&d->svcs.lock);
			json_object_put(r);
			json_object_put(a);
			return ctl_reply_error("Service not defined");
		}
		json_object_array_add(a, jservice(s));
	} else {
		for (int h = 0; h < SVC_TAB_SIZE; h++)
			for (struct service *s = d->svcs.hash[h]; s; s = s->next)
				json_object_array_add(a, jservice(s));
	}
	json_object_object_add(r, "total", jstats(&d->svcs.total));
	json_object_object_add(r, "total_rate", jrate(&d->svcs.total));
	pthread_rwlock_unlock(&d->svcs.lock);
	json_object_object_add(r, "services", a);
	json_object_object_add(r, "conn_tab_size", json_object_new_int64(d->conns.size));
	return r;
}

struct conn_page {
	struct ctl_client	*cl;
	json_object		*arr;
	uint64_t		 now;
	int			 failed;	/* the client stopped reading */
};

static void
conn_page_flush(struct conn_page *pg, int more)
{
	json_object *r = ctl_reply_ok();

	json_object_object_add(r, "conns", pg->arr);
	if (ctl_client_send(pg->cl, CTL_REPLY, more ? CTL_F_MORE : 0, r) == -1)
		pg->failed = 1;
	json_object_put(r);
	pg->arr = json_object_new_array();
}

static void
conn_to_json(const struct conn *c, void *arg)
{
	struct conn_page *pg = arg;

	if (pg->failed)
		return;
	json_object *o = json_object_new_object();
	uint64_t exp = atomic_load(&c->expires_ms);

	json_object_object_add(o, "proto", json_object_new_string(conf_proto_name(c->proto)));
	json_object_object_add(o, "caddr", jaddr(c->caddr));
	json_object_object_add(o, "cport", json_object_new_int(c->cport));
	json_object_object_add(o, "vaddr", jaddr(c->vaddr));
	json_object_object_add(o, "vport", json_object_new_int(c->vport));
	json_object_object_add(o, "daddr", jaddr(c->daddr));
	json_object_object_add(o, "dport", json_object_new_int(c->dport));
	json_object_object_add(o, "state", json_object_new_string(
	    c->proto == IPPROTO_UDP ? udp_state_name(c->state) :
	    c->proto == IPPROTO_SCTP ? sctp_state_name(c->state) :
	    tcp_state_name(c->state)));
	json_object_object_add(o, "expire_ms", json_object_new_int64(
	    exp > pg->now ? (int64_t)(exp - pg->now) : 0));
	json_object_object_add(o, "method", json_object_new_string(conf_method_name(c->method)));
	json_object_array_add(pg->arr, o);
	if (json_object_array_length(pg->arr) >= CONNS_PER_PAGE)
		conn_page_flush(pg, 1);
}

static json_object *
cmd_get_conns(struct director *d, struct ctl_client *cl)
{
	struct conn_page pg = { cl, json_object_new_array(), now_monotonic_ms(), 0 };

	conn_walk(&d->conns, conn_to_json, &pg);
	conn_page_flush(&pg, 0);
	json_object_put(pg.arr);
	return NULL;
}

/* The service's netmask from a request: dotted IPv4 or a prefix length. */
static int
req_netmask(json_object *req, uint32_t *mask)
{
	json_object *v;
	struct in_addr m;

	if (!json_object_object_get_ex(req, "netmask", &v))
		return 0;
	if (json_object_is_type(v, json_type_int)) {
		int64_t len = json_object_get_int64(v);
		if (len < 0 || len > 128)
			return -1;
		*mask = len >= 32 ? 0xffffffffu : ~(0xffffffffu >> len);
		return 1;
	}
	if (inet_pton(AF_INET, json_object_get_string(v), &m) != 1)
		return -1;
	*mask = ntohl(m.s_addr);
	return 1;
}

/* Scheduler flags by ipvsadm's names (-b sh-fallback,sh-port ...). */
static int
req_sched_flags(json_object *req, uint32_t *flags)
{
	json_object *v;

	*flags = 0;
	if (!json_object_object_get_ex(req, "sched_flags", &v))
		return 0;
	if (!json_object_is_type(v, json_type_array))
		return -1;
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		const char *f = json_object_get_string(json_object_array_get_idx(v, i));
		if (f && (strcmp(f, "sh-fallback") == 0 || strcmp(f, "mh-fallback") == 0))
			*flags |= SCHED_F_FALLBACK;
		else if (f && (strcmp(f, "sh-port") == 0 || strcmp(f, "mh-port") == 0))
			*flags |= SCHED_F_PORT;
		else
			return -1;
	}
	return 1;
}

static json_object *
cmd_service(struct director *d, json_object *req, const char *cmd)
{
	uint8_t proto;
	struct tnd_addr addr;
	uint16_t port;
	struct service *s;
	uint32_t mask = 0xffffffffu, flags = 0;
	int rc = 0, has_mask, has_flags;

	json_object *sv;
	if (!json_object_object_get_ex(req, "service", &sv) ||
	    req_service(sv, &proto, &addr, &port) == -1)
		return ctl_reply_error("bad or missing service (proto, addr, port)");
	const char *sched = req_str(req, "scheduler");
	int64_t persistent = req_int(req, "persistent", 0);
	if (persistent < 0 || persistent > 2147483)
		return ctl_reply_error("bad persistence timeout");
	if ((has_mask = req_netmask(req, &mask)) == -1)
		return ctl_reply_error("bad netmask");
	if ((has_flags = req_sched_flags(req, &flags)) == -1)
		return ctl_reply_error("bad scheduler flags");
	const char *pename = req_str(req, "pe");
	if (pename && *pename && strcmp(pename, "sip") != 0)
		return ctl_reply_error("Persistence engine not found");
	if (port == 0 && addr.af != 0 && persistent == 0 &&
	    strcmp(cmd, "del_service") != 0)
		return ctl_reply_error("a port-0 service must be persistent");

	pthread_rwlock_wrlock(&d->svcs.lock);
	s = svc_lookup(d, proto, &addr, port);
	if (strcmp(cmd, "add_service") == 0 && addr.af == 0) {
		rc = svc_add_group(&d->svcs, (uint8_t)conf_proto_parse_any(
		    req_str(req, "proto")), get_be32(addr.bytes),
		    sched ? sched : "wlc", (uint32_t)persistent, mask, &s);
	} else if (strcmp(cmd, "add_service") == 0) {
		rc = svc_add(&d->svcs, proto, &addr, port, sched ? sched : "wlc",
		    (uint32_t)persistent, mask, &s);
	} else if (s == NULL) {
		rc = -ENOENT;
	} else if (strcmp(cmd, "edit_service") == 0) {
		rc = svc_edit(&d->svcs, s, sched,
		    (uint32_t)req_int(req, "persistent", s->persistent),
		    has_mask ? mask : s->netmask);
	} else {
		rc = svc_del(&d->svcs, s);
		s = NULL;
	}
	if (rc == 0 && s) {
		if (has_flags || strcmp(cmd, "add_service") == 0)
			s->sched_flags = flags;
		s->ops = (int)req_int(req, "ops", s->ops) && proto == IPPROTO_UDP;
		const char *pe = req_str(req, "pe");
		if (pe || strcmp(cmd, "add_service") == 0 || has_flags)
			s->pe_sip = pe && strcmp(pe, "sip") == 0;
	}
	pthread_rwlock_unlock(&d->svcs.lock);
	return rc ? errno_reply(rc, "Service") : ctl_reply_ok();
}

static json_object *
cmd_dest(struct director *d, json_object *req, const char *cmd)
{
	json_object *sv;
	uint8_t proto;
	struct tnd_addr saddr, addr;
	uint16_t sport;
	int rc;

	if (!json_object_object_get_ex(req, "service", &sv) ||
	    req_service(sv, &proto, &saddr, &sport) == -1)
		return ctl_reply_error("bad or missing service (proto, addr, port)");
	const char *as = req_str(req, "addr");
	if (as == NULL || addr_parse(as, &addr) == -1 ||
	    (saddr.af != 0 && addr.af != saddr.af))
		return ctl_reply_error("bad or missing real server address");
	int64_t port = req_int(req, "port", sport);
	if (port < 0 || port > 65535)
		return ctl_reply_error("bad real server port");
	const char *ms = req_str(req, "method");
	int64_t weight = req_int(req, "weight", -1);
	if (weight > 65535 || weight < -1)
		return ctl_reply_error("bad weight");
	const char *tt = req_str(req, "tun_type");
	int64_t tport = req_int(req, "tun_port", 0);
	int64_t tcsum = req_int(req, "tun_csum", 0);
	if ((tt && strcmp(tt, "ipip") != 0 && strcmp(tt, "gue") != 0 &&
	    strcmp(tt, "gre") != 0) || tport < 0 || tport > 65535 ||
	    (tt && strcmp(tt, "gue") == 0 && !tport))
		return ctl_reply_error("bad tunnel type or port (ipip, gre, or gue with a port)");

	pthread_rwlock_wrlock(&d->svcs.lock);
	struct service *s = svc_lookup(d, proto, &saddr, sport);
	struct dest *ds = s ? svc_find_dest(s, &addr, (uint16_t)port) : NULL;
	enum fwd_method m = ds ? ds->method : FWD_DR;
	if (ms && strcmp(ms, "nat") == 0)
		m = FWD_NAT;
	else if (ms && strcmp(ms, "tun") == 0)
		m = FWD_TUN;
	else if (ms)
		m = FWD_DR;
	if (s == NULL) {
		pthread_rwlock_unlock(&d->svcs.lock);
		return errno_reply(-ENOENT, "Service");
	}
	/* A server whose check has it down stays out (or at weight 0). */
	int hw = weight < 0 && strcmp(cmd, "add_dest") == 0 ? 1 : (int)weight;
	if (strcmp(cmd, "del_dest") != 0 &&
	    health_filter(d, s, &addr, (uint16_t)port, &hw) == 1) {
		pthread_rwlock_unlock(&d->svcs.lock);
		return ctl_reply_ok();
	}
	if (strcmp(cmd, "del_dest") != 0)
		weight = hw;
	if (strcmp(cmd, "add_dest") == 0)
		rc = svc_add_dest(&d->svcs, s, &addr, (uint16_t)port, m,
		    weight < 0 ? 1 : (int)weight,
		    (uint32_t)req_int(req, "u_threshold", 0),
		    (uint32_t)req_int(req, "l_threshold", 0));
	else if (ds == NULL)
		rc = -ENOENT;
	else if (strcmp(cmd, "edit_dest") == 0)
		rc = svc_edit_dest(s, ds, m,
		    weight < 0 ? atomic_load(&ds->weight) : (int)weight,
		    (uint32_t)req_int(req, "u_threshold", ds->u_threshold),
		    (uint32_t)req_int(req, "l_threshold", ds->l_threshold));
	else
		rc = svc_del_dest(&d->svcs, s, ds);
	if (rc == 0 && strcmp(cmd, "del_dest") != 0 &&
	    (ds = svc_find_dest(s, &addr, (uint16_t)port)) != NULL && tt) {
		ds->tun_type = strcmp(tt, "gue") == 0 ? TUN_GUE :
		    strcmp(tt, "gre") == 0 ? TUN_GRE : TUN_IPIP;
		ds->tun_port = (uint16_t)tport;
		ds->tun_csum = tcsum != 0 && ds->tun_type != TUN_IPIP;
	}
	pthread_rwlock_unlock(&d->svcs.lock);
	if (rc == 0 && strcmp(cmd, "add_dest") == 0)
		director_resolve_dests(d);
	return rc ? errno_reply(rc, "Destination") : ctl_reply_ok();
}

static json_object *
cmd_timeouts(struct director *d, json_object *req, int set)
{
	struct proto_timeouts *t = &d->conns.timeouts;

	if (set) {
		int64_t tcp = req_int(req, "tcp", 0), fin = req_int(req, "tcpfin", 0),
		    udp = req_int(req, "udp", 0);
		if (tcp < 0 || fin < 0 || udp < 0 || tcp > 2147483 ||
		    fin > 2147483 || udp > 2147483)
			return ctl_reply_error("Invalid argument");
		/* As ipvsadm --set: 0 leaves a value as it is. */
		if (tcp)
			t->tcp[TCP_S_ESTABLISHED] = (uint32_t)tcp;
		if (fin)
			t->tcp[TCP_S_FIN_WAIT] = (uint32_t)fin;
		if (udp)
			t->udp[UDP_S_NORMAL] = (uint32_t)udp;
		return ctl_reply_ok();
	}
	json_object *r = ctl_reply_ok();
	json_object_object_add(r, "tcp", json_object_new_int64(t->tcp[TCP_S_ESTABLISHED]));
	json_object_object_add(r, "tcpfin", json_object_new_int64(t->tcp[TCP_S_FIN_WAIT]));
	json_object_object_add(r, "udp", json_object_new_int64(t->udp[UDP_S_NORMAL]));
	return r;
}

static json_object *
cmd_own(struct director *d, json_object *req)
{
	struct vip_instance in;
	json_object *vips;
	const char *name = req_str(req, "instance"), *ifname = req_str(req, "interface");
	int64_t vrid = req_int(req, "vrid", 0);

	memset(&in, 0, sizeof(in));
	if (name == NULL || strlen(name) >= sizeof(in.name))
		return ctl_reply_error("bad or missing instance name");
	if (vrid < 1 || vrid > 255)
		return ctl_reply_error("bad or missing vrid");
	if (ifname == NULL || strlen(ifname) >= sizeof(in.ifname) ||
	    (in.ifindex = netl_ifindex(d->nl, ifname)) <= 0)
		return ctl_reply_error("unknown interface");
	if (!json_object_object_get_ex(req, "vips", &vips) ||
	    !json_object_is_type(vips, json_type_array) ||
	    json_object_array_length(vips) > CONF_MAX_VIPS)
		return ctl_reply_error("bad or missing vips");
	snprintf(in.name, sizeof(in.name), "%s", name);
	snprintf(in.ifname, sizeof(in.ifname), "%s", ifname);
	in.vrid = (int)vrid;
	/* Without the key (older callers), accept as the owner would. */
	in.accept = (int)req_int(req, "accept", 1) != 0;
	int64_t lease = req_int(req, "lease_ms", 0);
	if (lease < 0 || lease > 3600000)
		return ctl_reply_error("bad lease_ms");
	if (lease)
		in.lease_until_ms = now_monotonic_ms() + (uint64_t)lease;
	for (size_t i = 0; i < json_object_array_length(vips); i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(vips, i));
		if (s == NULL || addr_parse_prefix(s, &in.vips[i].addr,
		    &in.vips[i].prefix) == -1)
			return ctl_reply_error("bad VIP %s", s ? s : "(null)");
		in.n_vips++;
	}
	if (vip_own(&d->vips, &in) < 0)
		return ctl_reply_error("too many instances");
	log_info("own %s: VRID %d on %s, %d VIP(s)", in.name, in.vrid,
	    in.ifname, in.n_vips);
	engine_announce(d, &in);
	return ctl_reply_ok();
}

void
director_counters(struct director *d, struct counters *out)
{
	memset(out, 0, sizeof(*out));
	for (int w = 0; w < d->n_workers; w++)
		for (int i = 0; i < CNT_MAX; i++)
			out->v[i] += d->workers[w].cnt.v[i];
	for (int w = 0; w < d->n_workers; w++)
		if (d->workers[w].io) {
			out->v[CNT_TX_ERRORS] += netio_tx_errors(d->workers[w].io);
			d->ring_drops += netio_ring_drops(d->workers[w].io);
		}
	out->v[CNT_DROP_RING_FULL] = d->ring_drops;
}

static json_object *
cmd_status(struct director *d)
{
	json_object *r = ctl_reply_ok(), *c = json_object_new_object();
	json_object *owned = json_object_new_array();
	struct counters cnt;

	director_counters(d, &cnt);
	for (int i = 0; i < CNT_MAX; i++)
		json_object_object_add(c, counter_names[i],
		    json_object_new_int64((int64_t)cnt.v[i]));
	json_object_object_add(c, "ctl_refused",
	    json_object_new_int64((int64_t)ctl_server_refused(d->ctl)));
	json_object_object_add(r, "counters", c);
	pthread_rwlock_rdlock(&d->vips.lock);
	for (int i = 0; i < d->vips.n; i++) {
		json_object *o = json_object_new_object(), *v = json_object_new_array();
		const struct vip_instance *in = &d->vips.inst[i];
		json_object_object_add(o, "instance", json_object_new_string(in->name));
		json_object_object_add(o, "vrid", json_object_new_int(in->vrid));
		json_object_object_add(o, "interface", json_object_new_string(in->ifname));
		for (int j = 0; j < in->n_vips; j++)
			json_object_array_add(v, jaddr(&in->vips[j].addr));
		json_object_object_add(o, "vips", v);
		json_object_array_add(owned, o);
	}
	pthread_rwlock_unlock(&d->vips.lock);
	json_object_object_add(r, "owned", owned);
	json_object_object_add(r, "conns", json_object_new_int64(atomic_load(&d->conns.count)));
	json_object_object_add(r, "conn_max", json_object_new_int64(d->conns.max));
	json_object_object_add(r, "workers", json_object_new_int(d->n_workers));
	json_object_object_add(r, "sync", csync_status(d));
	return r;
}

json_object *
control_handle(struct ctl_client *cl, json_object *req, void *arg)
{
	struct director *d = arg;
	const char *cmd = req_str(req, "cmd");

	if (cmd == NULL)
		return ctl_reply_error("missing cmd");
	if (strcmp(cmd, "status") == 0) {
		/* tandem-vrrpd's poll renews the leases of what it owns. */
		int64_t renew = req_int(req, "renew_ms", 0);
		if (renew > 0 && renew <= 3600000 && !ctl_client_readonly(cl))
			vip_renew(&d->vips, now_monotonic_ms(), (uint64_t)renew);
		return cmd_status(d);
	}
	if (strcmp(cmd, "get_services") == 0)
		return cmd_get_services(d, req);
	if (strcmp(cmd, "get_conns") == 0)
		return cmd_get_conns(d, cl);
	if (strcmp(cmd, "add_service") == 0 || strcmp(cmd, "edit_service") == 0 ||
	    strcmp(cmd, "del_service") == 0)
		return cmd_service(d, req, cmd);
	if (strcmp(cmd, "add_dest") == 0 || strcmp(cmd, "edit_dest") == 0 ||
	    strcmp(cmd, "del_dest") == 0)
		return cmd_dest(d, req, cmd);
	if (strcmp(cmd, "clear") == 0) {
		pthread_rwlock_wrlock(&d->svcs.lock);
		svc_clear(&d->svcs);
		pthread_rwlock_unlock(&d->svcs.lock);
		return ctl_reply_ok();
	}
	if (strcmp(cmd, "zero") == 0) {
		json_object *sv;
		uint8_t proto;
		struct tnd_addr addr;
		uint16_t port;
		struct service *s = NULL;
		pthread_rwlock_wrlock(&d->svcs.lock);
		if (json_object_object_get_ex(req, "service", &sv)) {
			if (req_service(sv, &proto, &addr, &port) == -1 ||
			    (s = svc_lookup(d, proto, &addr, port)) == NULL) {
				pthread_rwlock_unlock(&d->svcs.lock);
				return ctl_reply_error("Service not defined");
			}
		}
		svc_zero(&d->svcs, s);
		pthread_rwlock_unlock(&d->svcs.lock);
		return ctl_reply_ok();
	}
	if (strcmp(cmd, "get_timeouts") == 0)
		return cmd_timeouts(d, req, 0);
	if (strcmp(cmd, "set_timeouts") == 0)
		return cmd_timeouts(d, req, 1);
	if (strcmp(cmd, "own") == 0)
		return cmd_own(d, req);
	if (strcmp(cmd, "sync_subscribe") == 0)
		return csync_subscribe(d, cl, req);
	if (strcmp(cmd, "sync_unsubscribe") == 0)
		return csync_unsubscribe(d, cl);
	if (strcmp(cmd, "sync_dump") == 0)
		return csync_dump(d, cl, req);
	if (strcmp(cmd, "sync_install") == 0)
		return csync_install(d, req);
	if (strcmp(cmd, "dest_health") == 0)
		return health_cmd(d, req);
	if (strcmp(cmd, "reload") == 0)
		return director_reload(d);
	if (strcmp(cmd, "release") == 0) {
		const char *name = req_str(req, "instance");
		if (name == NULL || vip_release(&d->vips, name) < 0)
			return ctl_reply_error("no such instance");
		log_info("release %s", name);
		return ctl_reply_ok();
	}
	log_warnx("control: unknown command %.32s", cmd);
	return ctl_reply_error("unknown command %.32s", cmd);
}

int
control_req_service(json_object *o, uint8_t *proto, struct tnd_addr *addr,
    uint16_t *port)
{
	return req_service(o, proto, addr, port);
}

struct service *
control_svc_lookup(struct director *d, uint8_t proto,
    const struct tnd_addr *addr, uint16_t port)
{
	return svc_lookup(d, proto, addr, port);
}

/* node.monitor_socket: director.ro.sock, for monitoring users; the run
 * directory becomes searchable (not listable) so that they reach it. */
int
control_open_monitor(struct director *d)
{
	static const char *const ro[] = { "status", "get_services",
	    "get_conns", "get_timeouts", NULL };
	char path[256];

	if (ctl_socket_path(path, sizeof(path), d->run_dir, "director.ro") ==
	    -1 || (d->ctl_ro = ctl_server_open_ro(d->base, path, control_handle,
	    d, ro)) == NULL)
		return -1;
	if (chmod(d->run_dir, 0711) == -1)
		log_warn("chmod %s", d->run_dir);
	return 0;
}
