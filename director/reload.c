/* Live reload of the director (SIGHUP or the control command "reload"):
 * the file is loaded and checked first, and a bad one changes nothing;
 * then only the difference between the file as last loaded and the file
 * now is applied to the running tables. Services and real servers that
 * stay are edited in place, so their connections, counters and runtime
 * state (health, tandemctl changes the file did not touch) remain. A real
 * server left out of the file is drained: weight 0 until its last active
 * connection ends, then deleted. */
#include "director.h"
#include "ctlmsg.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct reload_count {
	int	svc_add, svc_del, svc_edit;
	int	rs_add, rs_del, rs_drain, rs_edit;
	int	failed;
	char	restart[256];	/* keys that need a restart */
};

static uint32_t
vs_netmask(const struct conf_vs *vs)
{
	return vs->addr.af == AF_INET && vs->persistence_prefix < 32 ?
	    ~(0xffffffffu >> vs->persistence_prefix) : 0xffffffffu;
}

static uint16_t
rs_port(const struct conf_vs *vs, const struct conf_rs *rs)
{
	return rs->port ? rs->port : vs->port;
}

static int
vs_same(const struct conf_vs *a, const struct conf_vs *b)
{
	if (a->fwmark || b->fwmark)
		return a->fwmark == b->fwmark;
	return a->proto == b->proto && a->port == b->port &&
	    addr_eq(&a->addr, &b->addr);
}

static const struct conf_vs *
vs_in(const struct tandem_conf *c, const struct conf_vs *vs)
{
	for (int i = 0; i < c->n_vs; i++)
		if (vs_same(&c->vs[i], vs))
			return &c->vs[i];
	return NULL;
}

static const struct conf_rs *
rs_in(const struct conf_vs *vs, const struct tnd_addr *addr, uint16_t port)
{
	for (int i = 0; vs && i < vs->n_rs; i++)
		if (rs_port(vs, &vs->rs[i]) == port &&
		    addr_eq(&vs->rs[i].addr, addr))
			return &vs->rs[i];
	return NULL;
}

static struct service *
svc_of(struct director *d, const struct conf_vs *vs)
{
	return vs->fwmark ? svc_find_fwmark(&d->svcs, vs->fwmark) :
	    svc_find(&d->svcs, vs->proto, &vs->addr, vs->port);
}

/* --- draining real servers ---------------------------------------------- */

static int
drain_find(const struct director *d, const struct drain_key *k)
{
	const struct drain_list *l = &d->drains;

	for (int i = 0; i < l->n; i++)
		if (l->v[i].fwmark == k->fwmark && l->v[i].proto == k->proto &&
		    l->v[i].vport == k->vport && l->v[i].dport == k->dport &&
		    addr_eq(&l->v[i].vaddr, &k->vaddr) &&
		    addr_eq(&l->v[i].daddr, &k->daddr))
			return i;
	return -1;
}

static void
drain_key_of(struct drain_key *k, const struct service *s,
    const struct tnd_addr *daddr, uint16_t dport)
{
	memset(k, 0, sizeof(*k));
	k->fwmark = s->fwmark;
	k->proto = s->proto;
	k->vaddr = s->addr;
	k->vport = s->port;
	k->daddr = *daddr;
	k->dport = dport;
}

static void
drain_forget(struct director *d, const struct service *s,
    const struct tnd_addr *daddr, uint16_t dport)
{
	struct drain_key k;
	int i;

	drain_key_of(&k, s, daddr, dport);
	if ((i = drain_find(d, &k)) >= 0)
		d->drains.v[i] = d->drains.v[--d->drains.n];
}

static int
drain_add(struct director *d, const struct service *s, const struct dest *ds)
{
	struct drain_list *l = &d->drains;
	struct drain_key k;

	drain_key_of(&k, s, &ds->addr, ds->port);
	if (drain_find(d, &k) >= 0)
		return 0;
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 8;
		struct drain_key *v = realloc(l->v, (size_t)cap * sizeof(*v));
		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = k;
	return 0;
}

/* Once a second: delete the drained servers whose last active connection
 * ended. One that was given a weight again (tandemctl -e) stays. */
void
reload_drain_tick(struct director *d)
{
	char buf[ADDR_STRLEN];

	if (d->drains.n == 0)
		return;
	pthread_rwlock_wrlock(&d->svcs.lock);
	for (int i = 0; i < d->drains.n;) {
		const struct drain_key *k = &d->drains.v[i];
		struct service *s = k->fwmark ?
		    svc_find_fwmark(&d->svcs, k->fwmark) :
		    svc_find(&d->svcs, k->proto, &k->vaddr, k->vport);
		struct dest *ds = s ? svc_find_dest(s, &k->daddr, k->dport) :
		    NULL;
		if (ds != NULL && atomic_load(&ds->weight) == 0 &&
		    atomic_load(&ds->active) > 0) {
			i++;
			continue;
		}
		if (ds != NULL && atomic_load(&ds->weight) == 0) {
			svc_del_dest(&d->svcs, s, ds);
			log_info("reload: real server %s:%u drained and "
			    "deleted", addr_str(&k->daddr, buf, sizeof(buf)),
			    k->dport);
		}
		d->drains.v[i] = d->drains.v[--d->drains.n];
	}
	pthread_rwlock_unlock(&d->svcs.lock);
}

/* --- services and real servers ------------------------------------------ */

static int
add_rs(struct director *d, struct service *s, const struct conf_vs *vs,
    const struct conf_rs *rs, int weight)
{
	uint16_t port = rs_port(vs, rs);
	struct dest *ds;
	int rc;

	rc = svc_add_dest(&d->svcs, s, &rs->addr, port, vs->method, weight,
	    rs->u_threshold, rs->l_threshold);
	if (rc < 0)
		return rc;
	ds = svc_find_dest(s, &rs->addr, port);
	ds->tun_type = rs->tun_type;
	ds->tun_port = rs->tun_port;
	ds->tun_csum = rs->tun_csum;
	return 0;
}

static int
rs_differs(const struct conf_vs *nv, const struct conf_rs *n,
    const struct conf_vs *ov, const struct conf_rs *o)
{
	return o == NULL || nv->method != ov->method ||
	    n->weight != o->weight || n->u_threshold != o->u_threshold ||
	    n->l_threshold != o->l_threshold || n->tun_type != o->tun_type ||
	    n->tun_port != o->tun_port || n->tun_csum != o->tun_csum;
}

/* The real servers of one service: add the new, edit what the file
 * changed, drain what it left out. */
static void
apply_rs(struct director *d, struct service *s, const struct conf_vs *nv,
    const struct conf_vs *ov, struct reload_count *rc)
{
	char buf[ADDR_STRLEN];

	for (int j = 0; j < nv->n_rs; j++) {
		const struct conf_rs *n = &nv->rs[j];
		uint16_t port = rs_port(nv, n);
		const struct conf_rs *o = rs_in(ov, &n->addr, port);
		struct dest *ds = svc_find_dest(s, &n->addr, port);
		int w = n->weight, changed = rs_differs(nv, n, ov, o);

		drain_forget(d, s, &n->addr, port);
		/* Unchanged in the file: whatever runs stays, be it a weight
		 * from tandemctl or a server out for its health. */
		if (!changed)
			continue;
		/* A server tandem-checkd holds down stays down: its new
		 * weight is kept for when its check passes (health.c). */
		if (health_filter(d, s, &n->addr, port, &w) == 1) {
			rc->rs_edit++;
			continue;
		}
		if (ds == NULL) {
			if (add_rs(d, s, nv, n, w) < 0) {
				log_warnx("reload: cannot add real server %s:%u",
				    addr_str(&n->addr, buf, sizeof(buf)), port);
				rc->failed++;
			} else {
				rc->rs_add++;
			}
		} else {
			svc_edit_dest(s, ds, nv->method, w, n->u_threshold,
			    n->l_threshold);
			ds->tun_type = n->tun_type;
			ds->tun_port = n->tun_port;
			ds->tun_csum = n->tun_csum;
			rc->rs_edit++;
		}
	}
	for (int j = 0; ov && j < ov->n_rs; j++) {
		const struct conf_rs *o = &ov->rs[j];
		uint16_t port = rs_port(ov, o);
		struct dest *ds;

		if (rs_in(nv, &o->addr, port) != NULL ||
		    (ds = svc_find_dest(s, &o->addr, port)) == NULL)
			continue;
		if (atomic_load(&ds->active) == 0) {
			svc_del_dest(&d->svcs, s, ds);
			rc->rs_del++;
		} else if (drain_add(d, s, ds) == 0) {
			svc_edit_dest(s, ds, ds->method, 0, ds->u_threshold,
			    ds->l_threshold);
			rc->rs_drain++;
		} else {
			rc->failed++;
		}
	}
}

static void
set_svc_flags(struct service *s, const struct conf_vs *vs)
{
	s->pe_sip = vs->pe_sip;
	s->ops = vs->ops;
	s->sched_flags = (vs->sched_flags & CONF_SF_FALLBACK ?
	    SCHED_F_FALLBACK : 0) | (vs->sched_flags & CONF_SF_PORT ?
	    SCHED_F_PORT : 0);
}

static int
add_vs(struct director *d, const struct conf_vs *vs, struct service **out)
{
	int rc = vs->fwmark ?
	    svc_add_group(&d->svcs, vs->proto, vs->fwmark, vs->scheduler,
	    vs->persistence_timeout, vs_netmask(vs), out) :
	    svc_add(&d->svcs, vs->proto, &vs->addr, vs->port, vs->scheduler,
	    vs->persistence_timeout, vs_netmask(vs), out);

	if (rc == 0 && vs->fwmark)
		rc = svc_set_members(*out, vs->members, vs->n_members);
	return rc;
}

static int
vs_differs(const struct conf_vs *n, const struct conf_vs *o)
{
	return o == NULL || strcmp(n->scheduler, o->scheduler) != 0 ||
	    n->persistence_timeout != o->persistence_timeout ||
	    n->persistence_prefix != o->persistence_prefix ||
	    n->pe_sip != o->pe_sip || n->ops != o->ops ||
	    n->sched_flags != o->sched_flags ||
	    n->n_members != o->n_members || memcmp(n->members, o->members,
	    sizeof(n->members[0]) * (size_t)n->n_members) != 0;
}

static void
apply_vs(struct director *d, const struct conf_vs *nv,
    const struct conf_vs *ov, struct reload_count *rc)
{
	char buf[ADDR_STRLEN];
	struct service *s = svc_of(d, nv);
	int err;

	if (s == NULL && ov != NULL && !vs_differs(nv, ov))
		return;		/* deleted with tandemctl; the file is the same */
	if (s == NULL) {
		if ((err = add_vs(d, nv, &s)) < 0) {
			log_warnx("reload: cannot add service %s:%u: %s",
			    addr_str(&nv->addr, buf, sizeof(buf)), nv->port,
			    strerror(-err));
			rc->failed++;
			return;
		}
		rc->svc_add++;
		set_svc_flags(s, nv);
	} else if (vs_differs(nv, ov)) {
		if ((err = svc_edit(&d->svcs, s, nv->scheduler,
		    nv->persistence_timeout, vs_netmask(nv))) < 0) {
			log_warnx("reload: cannot change service %s:%u: %s",
			    addr_str(&nv->addr, buf, sizeof(buf)), nv->port,
			    strerror(-err));
			rc->failed++;
		}
		if (nv->fwmark)
			svc_set_members(s, nv->members, nv->n_members);
		set_svc_flags(s, nv);
		rc->svc_edit++;
	}
	apply_rs(d, s, nv, ov, rc);
}

static void
apply_services(struct director *d, const struct tandem_conf *nc,
    struct reload_count *rc)
{
	const struct tandem_conf *oc = &d->conf;

	for (int i = 0; i < oc->n_vs; i++) {
		struct service *s;
		if (vs_in(nc, &oc->vs[i]) != NULL ||
		    (s = svc_of(d, &oc->vs[i])) == NULL)
			continue;
		svc_del(&d->svcs, s);
		rc->svc_del++;
	}
	for (int i = 0; i < nc->n_vs; i++)
		apply_vs(d, &nc->vs[i], vs_in(oc, &nc->vs[i]), rc);
}

/* --- the rest of the file ----------------------------------------------- */

static void
note_restart(struct reload_count *rc, const char *key)
{
	size_t len = strlen(rc->restart);

	snprintf(rc->restart + len, sizeof(rc->restart) - len, "%s%s",
	    len ? ", " : "", key);
}

/* What the running engine cannot change keeps its running value. */
static void
keep_restart_only(const struct tandem_conf *oc, struct tandem_conf *nc,
    struct reload_count *rc)
{
	struct conf_director *n = &nc->director;
	const struct conf_director *o = &oc->director;

	if (n->n_interfaces != o->n_interfaces || memcmp(n->interfaces,
	    o->interfaces, sizeof(o->interfaces)) != 0)
		note_restart(rc, "director.interfaces");
	if (n->workers != o->workers)
		note_restart(rc, "director.workers");
	if (n->conn_max != o->conn_max)
		note_restart(rc, "director.conn_max");
	if (n->ring_slots != o->ring_slots)
		note_restart(rc, "director.ring_slots");
	if (n->vrid != o->vrid)
		note_restart(rc, "director.vrid");
	if (nc->has_vrrp != oc->has_vrrp)
		note_restart(rc, "vrrp (added or removed)");
	memcpy(n->interfaces, o->interfaces, sizeof(o->interfaces));
	n->n_interfaces = o->n_interfaces;
	n->workers = o->workers;
	n->conn_max = o->conn_max;
	n->ring_slots = o->ring_slots;
	n->vrid = o->vrid;
	nc->has_vrrp = oc->has_vrrp;
	memcpy(&nc->node, &oc->node, sizeof(nc->node));
}

static void
apply_timeouts(struct director *d, const struct tandem_conf *nc)
{
	const struct conf_timeouts *n = &nc->director.timeouts,
	    *o = &d->conf.director.timeouts;
	struct proto_timeouts *t = &d->conns.timeouts;

	/* Only what the file changed: a tandemctl --set stays otherwise. */
	if (n->tcp != o->tcp)
		t->tcp[TCP_S_ESTABLISHED] = n->tcp;
	if (n->tcpfin != o->tcpfin)
		t->tcp[TCP_S_FIN_WAIT] = n->tcpfin;
	if (n->udp != o->udp)
		t->udp[UDP_S_NORMAL] = n->udp;
	if (nc->director.half_open_max != d->conf.director.half_open_max)
		d->conns.half_open_max = nc->director.half_open_max ?
		    nc->director.half_open_max : d->conns.max / 4;
}

/* The VIPs a director without VRRP owns: did the file change them? */
static int
vips_differ(const struct tandem_conf *a, const struct tandem_conf *b)
{
	if (a->n_vs != b->n_vs || a->director.n_vips != b->director.n_vips)
		return 1;
	for (int i = 0; i < a->n_vs; i++)
		if (!addr_eq(&a->vs[i].addr, &b->vs[i].addr) ||
		    a->vs[i].n_members != b->vs[i].n_members ||
		    memcmp(a->vs[i].members, b->vs[i].members,
		    sizeof(a->vs[i].members[0]) *
		    (size_t)a->vs[i].n_members) != 0)
			return 1;
	for (int i = 0; i < a->director.n_vips; i++)
		if (!addr_eq(&a->director.vips[i].addr, &b->director.vips[i].addr) ||
		    a->director.vips[i].prefix != b->director.vips[i].prefix)
			return 1;
	return 0;
}

static json_object *
summary(const struct reload_count *rc)
{
	json_object *r = ctl_reply_ok();
	char msg[512];

	snprintf(msg, sizeof(msg), "services +%d -%d ~%d, real servers "
	    "+%d -%d ~%d, %d draining%s%s%s", rc->svc_add, rc->svc_del,
	    rc->svc_edit, rc->rs_add, rc->rs_del, rc->rs_edit, rc->rs_drain,
	    rc->failed ? ", some changes failed (see the log)" : "",
	    rc->restart[0] ? "; needs a restart: " : "", rc->restart);
	log_info("reload: %s", msg);
	json_object_object_add(r, "summary", json_object_new_string(msg));
	json_object_object_add(r, "services_added", json_object_new_int(rc->svc_add));
	json_object_object_add(r, "services_removed", json_object_new_int(rc->svc_del));
	json_object_object_add(r, "services_changed", json_object_new_int(rc->svc_edit));
	json_object_object_add(r, "servers_added", json_object_new_int(rc->rs_add));
	json_object_object_add(r, "servers_removed", json_object_new_int(rc->rs_del));
	json_object_object_add(r, "servers_changed", json_object_new_int(rc->rs_edit));
	json_object_object_add(r, "servers_draining", json_object_new_int(rc->rs_drain));
	json_object_object_add(r, "restart_needed",
	    json_object_new_string(rc->restart));
	return r;
}

json_object *
director_reload(struct director *d)
{
	struct reload_count rc;
	struct tandem_conf nc, old;
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	json_object *r;
	int revip;

	if (m == NULL)
		return ctl_reply_error("out of memory");
	if (conf_load(d->conf.path, &nc, m) == -1) {
		fclose(m);
		log_warnx("reload: %s has errors; nothing changed", d->conf.path);
		r = ctl_reply_refused(d->conf.path, text);
		for (char *save = NULL, *l = strtok_r(text, "\n", &save); l;
		    l = strtok_r(NULL, "\n", &save))
			log_warnx("reload: %s", l);
		free(text);
		return r;
	}
	fclose(m);
	free(text);
	memset(&rc, 0, sizeof(rc));
	keep_restart_only(&d->conf, &nc, &rc);
	revip = !d->conf.has_vrrp && vips_differ(&d->conf, &nc);

	/* Workers read the tables and d->conf.director under this lock. */
	pthread_rwlock_wrlock(&d->svcs.lock);
	apply_services(d, &nc, &rc);
	apply_timeouts(d, &nc);
	old = d->conf;
	d->conf = nc;
	pthread_rwlock_unlock(&d->svcs.lock);
	conf_free(&old);

	if (revip && director_own_all(d) == -1)
		log_warnx("reload: some VIPs could not be owned");
	director_resolve_dests(d);
	return summary(&rc);
}
