/* Real-server health from tandem-checkd (`dest_health`): a server that
 * goes down leaves scheduling (weight 0 with inhibit_on_failure, else
 * removed as IPVS removes a destination: its connections go on), one
 * that comes back gets its weight again. The table keeps only the down
 * servers, with what they had, so that a tandemctl change or a reload
 * does not bring a down server back before its check does. */
#include "director.h"
#include "cursor.h"
#include "ctlmsg.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define HEALTH_MAX		65536	/* down servers remembered */
#define HEALTH_BATCH_MAX	1000	/* updates in one message */

struct health_entry {
	uint8_t		 proto;		/* the service, as svc_lookup */
	struct tnd_addr	 saddr;
	uint16_t	 sport;
	struct tnd_addr	 addr;		/* the real server */
	uint16_t	 port;
	int		 inhibit;
	int		 weight;	/* to restore when it is up */
	enum fwd_method	 method;
	uint32_t	 u_threshold, l_threshold;
	int		 tun_type, tun_csum;
	uint16_t	 tun_port;
};

/* One update of a dest_health message, decoded. */
struct health_update {
	uint8_t		 proto;
	struct tnd_addr	 saddr, addr;
	uint16_t	 sport, port;
	int		 up, inhibit, dynamic, release, weight;
	struct health_entry params;	/* for adding it back */
};

static struct health_entry *
entry_find(struct health_table *t, uint8_t proto, const struct tnd_addr *sa,
    uint16_t sport, const struct tnd_addr *a, uint16_t port)
{
	for (int i = 0; i < t->n; i++) {
		struct health_entry *e = &t->e[i];
		if (e->port == port && e->sport == sport && e->proto == proto &&
		    addr_eq(&e->addr, a) && e->saddr.af == sa->af &&
		    memcmp(e->saddr.bytes, sa->bytes, sa->af == AF_INET6 ?
		    16 : 4) == 0)	/* af 0: a group's fwmark */
			return e;
	}
	return NULL;
}

static void
entry_del(struct health_table *t, struct health_entry *e)
{
	*e = t->e[--t->n];
}

static struct health_entry *
entry_add(struct health_table *t)
{
	if (t->n == t->cap) {
		int cap = t->cap ? t->cap * 2 : 16;
		struct health_entry *n;
		if (cap > HEALTH_MAX ||
		    (n = realloc(t->e, (size_t)cap * sizeof(*n))) == NULL)
			return NULL;
		t->e = n;
		t->cap = cap;
	}
	memset(&t->e[t->n], 0, sizeof(t->e[0]));
	return &t->e[t->n++];
}

void
health_free(struct director *d)
{
	free(d->health.e);
	memset(&d->health, 0, sizeof(d->health));
}

static void
params_of(struct health_entry *e, const struct dest *ds)
{
	e->weight = atomic_load(&ds->weight);
	e->method = ds->method;
	e->u_threshold = ds->u_threshold;
	e->l_threshold = ds->l_threshold;
	e->tun_type = ds->tun_type;
	e->tun_port = ds->tun_port;
	e->tun_csum = ds->tun_csum;
}

static int
dest_add(struct director *d, struct service *s, const struct health_entry *p,
    const struct tnd_addr *a, uint16_t port, int weight)
{
	int rc = svc_add_dest(&d->svcs, s, a, port, p->method, weight,
	    p->u_threshold, p->l_threshold);
	struct dest *ds;

	if (rc == 0 && (ds = svc_find_dest(s, a, port)) != NULL) {
		ds->tun_type = p->tun_type;
		ds->tun_port = p->tun_port;
		ds->tun_csum = p->tun_csum && p->tun_type != TUN_IPIP;
	}
	return rc;
}

/* Down: out of scheduling, remembering what it had. 1 when the table
 * changed, 0 when it was out already, or a negative errno. */
static int
health_down(struct director *d, struct service *s, const struct health_update *u)
{
	struct health_table *t = &d->health;
	struct health_entry *e = entry_find(t, u->proto, &u->saddr, u->sport,
	    &u->addr, u->port);
	struct dest *ds = svc_find_dest(s, &u->addr, u->port);

	if (e == NULL) {
		if ((e = entry_add(t)) == NULL)
			return -ENOMEM;
		*e = u->params;
		e->proto = u->proto;
		e->saddr = u->saddr;
		e->sport = u->sport;
		e->addr = u->addr;
		e->port = u->port;
		if (ds)
			params_of(e, ds);
	}
	e->inhibit = u->inhibit;
	if (ds == NULL || (u->inhibit && atomic_load(&ds->weight) == 0))
		return 0;
	if (u->inhibit)
		return svc_edit_dest(s, ds, ds->method, 0, ds->u_threshold,
		    ds->l_threshold) ?: 1;
	return svc_del_dest(&d->svcs, s, ds) ?: 1;
}

/* Up: back with the weight it had (a dynamic weight wins); release:
 * forget it, restoring an inhibited weight but adding nothing. 1 when
 * the table changed, 0 when not, or a negative errno. */
static int
health_up(struct director *d, struct service *s, const struct health_update *u,
    int *added)
{
	struct health_table *t = &d->health;
	struct health_entry *e = entry_find(t, u->proto, &u->saddr, u->sport,
	    &u->addr, u->port);
	struct dest *ds = svc_find_dest(s, &u->addr, u->port);
	int w = u->dynamic ? u->weight : e ? e->weight : u->weight, rc = 0;

	if (ds) {
		if (((e && atomic_load(&ds->weight) == 0 && e->inhibit) ||
		    u->dynamic) && atomic_load(&ds->weight) != w)
			rc = svc_edit_dest(s, ds, ds->method, w,
			    ds->u_threshold, ds->l_threshold) ?: 1;
	} else if (!u->release) {
		rc = dest_add(d, s, e ? e : &u->params, &u->addr, u->port, w) ?: 1;
		*added = rc == 1;
	}
	if (e)
		entry_del(t, e);
	return rc;
}

static int
req_addr(json_object *o, const char *key, struct tnd_addr *a)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, json_type_string) &&
	    addr_parse(json_object_get_string(v), a) == 0 ? 0 : -1;
}

static int64_t
jint(json_object *o, const char *key, int64_t dflt)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
	    json_object_get_int64(v) : dflt;
}

static const char *
jstr(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : NULL;
}

static int
decode(json_object *o, struct health_update *u)
{
	json_object *sv, *v;
	const char *m = jstr(o, "method"), *tt = jstr(o, "tun_type");
	int64_t port = jint(o, "port", -1), w = jint(o, "weight", 1);

	memset(u, 0, sizeof(*u));
	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "service", &sv) ||
	    control_req_service(sv, &u->proto, &u->saddr, &u->sport) == -1 ||
	    req_addr(o, "addr", &u->addr) == -1 ||
	    (u->saddr.af && u->saddr.af != u->addr.af) ||
	    port < 0 || port > 65535 || w < 0 || w > 65535 ||
	    !json_object_object_get_ex(o, "up", &v) ||
	    !json_object_is_type(v, json_type_boolean))
		return -1;
	u->up = json_object_get_boolean(v);
	u->port = (uint16_t)port;
	u->weight = (int)w;
	u->inhibit = jint(o, "inhibit", 0) != 0;
	u->dynamic = jint(o, "dynamic", 0) != 0;
	u->release = jint(o, "release", 0) != 0;
	u->params.weight = u->weight;
	u->params.method = m && strcmp(m, "nat") == 0 ? FWD_NAT :
	    m && strcmp(m, "tun") == 0 ? FWD_TUN : FWD_DR;
	u->params.u_threshold = (uint32_t)jint(o, "u_threshold", 0);
	u->params.l_threshold = (uint32_t)jint(o, "l_threshold", 0);
	u->params.tun_type = tt && strcmp(tt, "gue") == 0 ? TUN_GUE :
	    tt && strcmp(tt, "gre") == 0 ? TUN_GRE : TUN_IPIP;
	int64_t tp = jint(o, "tun_port", 0);
	u->params.tun_port = tp > 0 && tp <= 65535 ? (uint16_t)tp : 0;
	u->params.tun_csum = jint(o, "tun_csum", 0) != 0;
	return 0;
}

json_object *
health_cmd(struct director *d, json_object *req)
{
	json_object *ups;
	struct health_update u;
	char a[ADDR_STRLEN];
	int bad = 0, missing = 0, added = 0;
	size_t n;

	if (!json_object_object_get_ex(req, "updates", &ups) ||
	    !json_object_is_type(ups, json_type_array) ||
	    (n = json_object_array_length(ups)) > HEALTH_BATCH_MAX)
		return ctl_reply_error("updates: an array of at most %d",
		    HEALTH_BATCH_MAX);
	pthread_rwlock_wrlock(&d->svcs.lock);
	for (size_t i = 0; i < n; i++) {
		if (decode(json_object_array_get_idx(ups, i), &u) == -1) {
			bad++;
			continue;
		}
		struct service *s = control_svc_lookup(d, u.proto, &u.saddr,
		    u.sport);
		if (s == NULL) {
			missing++;
			continue;
		}
		int rc = u.up ? health_up(d, s, &u, &added) :
		    health_down(d, s, &u);
		if (rc < 0)
			bad++;
		else if (rc > 0)	/* a resend that changes nothing is quiet */
			log_info("health: real server %s:%u %s%s",
			    addr_str(&u.addr, a, sizeof(a)), u.port,
			    u.release ? "released" : u.up ? "up" : "down",
			    !u.up && u.inhibit ? " (weight 0)" : "");
	}
	pthread_rwlock_unlock(&d->svcs.lock);
	if (added)
		director_resolve_dests(d);
	if (bad || missing)
		return ctl_reply_error("%d bad update(s), %d for no such service",
		    bad, missing);
	return ctl_reply_ok();
}

int
health_filter(struct director *d, struct service *s,
    const struct tnd_addr *addr, uint16_t port, int *weight)
{
	struct health_entry *e;
	uint8_t proto = s->fwmark ? 0 : s->proto;

	e = entry_find(&d->health, proto, &s->addr, s->fwmark ? 0 : s->port,
	    addr, port);
	if (e == NULL)
		return 0;
	if (*weight >= 0)	/* -1: unchanged */
		e->weight = *weight;	/* what it gets when its check passes */
	if (!e->inhibit)
		return 1;
	*weight = 0;
	return 0;
}

void
health_apply_alpha(struct director *d)
{
	const struct tandem_conf *c = &d->conf;
	struct health_update u;

	pthread_rwlock_wrlock(&d->svcs.lock);
	for (int i = 0; i < c->n_vs; i++) {
		const struct conf_vs *vs = &c->vs[i];
		if (!vs->alpha)
			continue;
		memset(&u, 0, sizeof(u));
		if (vs->fwmark) {
			put_be32(u.saddr.bytes, vs->fwmark);
		} else {
			u.proto = vs->proto;
			u.saddr = vs->addr;
			u.sport = vs->port;
		}
		struct service *s = control_svc_lookup(d, u.proto, &u.saddr,
		    u.sport);
		for (int j = 0; s && j < vs->n_rs; j++) {
			const struct conf_rs *rs = &vs->rs[j];
			if (!rs->check.present)
				continue;
			u.addr = rs->addr;
			u.port = rs->port;
			u.inhibit = rs->inhibit_on_failure;
			u.params.weight = rs->weight;
			health_down(d, s, &u);
		}
	}
	pthread_rwlock_unlock(&d->svcs.lock);
}

int
health_is_down(struct director *d, const struct dest *ds)
{
	const struct service *s = ds->svc;

	return entry_find(&d->health, s->fwmark ? 0 : s->proto, &s->addr,
	    s->fwmark ? 0 : s->port, &ds->addr, ds->port) != NULL;
}
