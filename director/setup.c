/* Building the engine's tables from the configuration: services and real
 * servers, the VIPs a director without VRRP owns itself, and the first
 * resolution of every real server's MAC. */
#include "director.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int
director_apply_config(struct director *d)
{
	const struct tandem_conf *c = &d->conf;
	char buf[ADDR_STRLEN];

	pthread_rwlock_wrlock(&d->svcs.lock);
	for (int i = 0; i < c->n_vs; i++) {
		const struct conf_vs *vs = &c->vs[i];
		struct service *s;
		uint32_t mask = vs->addr.af == AF_INET && vs->persistence_prefix < 32 ?
		    ~(0xffffffffu >> vs->persistence_prefix) : 0xffffffffu;
		int rc = vs->fwmark ?
		    svc_add_group(&d->svcs, vs->proto, vs->fwmark, vs->scheduler,
		    vs->persistence_timeout, mask, &s) :
		    svc_add(&d->svcs, vs->proto, &vs->addr, vs->port,
		    vs->scheduler, vs->persistence_timeout, mask, &s);
		if (rc == 0 && vs->fwmark)
			rc = svc_set_members(s, vs->members, vs->n_members);
		if (rc < 0) {
			log_warnx("service %s:%u: %s", addr_str(&vs->addr, buf,
			    sizeof(buf)), vs->port, strerror(-rc));
			pthread_rwlock_unlock(&d->svcs.lock);
			return -1;
		}
		s->pe_sip = vs->pe_sip;
		s->ops = vs->ops;
		s->sched_flags = (vs->sched_flags & CONF_SF_FALLBACK ?
		    SCHED_F_FALLBACK : 0) | (vs->sched_flags & CONF_SF_PORT ?
		    SCHED_F_PORT : 0);
		for (int j = 0; j < vs->n_rs; j++) {
			const struct conf_rs *rs = &vs->rs[j];
			rc = svc_add_dest(&d->svcs, s, &rs->addr,
			    rs->port ? rs->port : vs->port, vs->method,
			    rs->weight, rs->u_threshold, rs->l_threshold);
			if (rc < 0) {
				log_warnx("real server %s: %s", addr_str(&rs->addr,
				    buf, sizeof(buf)), strerror(-rc));
				pthread_rwlock_unlock(&d->svcs.lock);
				return -1;
			}
			struct dest *ds = svc_find_dest(s, &rs->addr,
			    rs->port ? rs->port : vs->port);
			ds->tun_type = rs->tun_type;
			ds->tun_port = rs->tun_port;
			ds->tun_csum = rs->tun_csum;
		}
	}
	pthread_rwlock_unlock(&d->svcs.lock);
	return 0;
}

/* The interface whose connected subnet holds addr: the route to it must
 * have no gateway and leave through one of director.interfaces. */
static int
iface_for(struct director *d, const struct tnd_addr *addr)
{
	uint8_t mac[6];
	int oif = 0;

	l2_next_hop(&d->l2, addr, &oif, mac);
	for (int i = 0; i < d->n_ifindex; i++)
		if (d->ifindex[i] == oif)
			return oif;
	return -1;
}

/* The instance (one per interface, VRID director.vrid) that owns addr:
 * found or made; its index, or -1. */
static int
instance_for(struct director *d, struct vip_instance *inst, int *n_inst,
    const struct tnd_addr *addr)
{
	char buf[ADDR_STRLEN];
	int ifx = iface_for(d, addr), i;

	if (ifx < 0) {
		log_warnx("VIP %s is in no subnet of director.interfaces",
		    addr_str(addr, buf, sizeof(buf)));
		return -1;
	}
	for (i = 0; i < *n_inst; i++)
		if (inst[i].ifindex == ifx)
			return i;
	if (*n_inst == CONF_MAX_IFACES)
		return -1;
	memset(&inst[i], 0, sizeof(inst[i]));
	inst[i].ifindex = ifx;
	inst[i].vrid = d->conf.director.vrid;
	inst[i].accept = 1;		/* the director is the owner here */
	for (int k = 0; k < d->n_ifindex; k++)
		if (d->ifindex[k] == ifx)
			snprintf(inst[i].ifname, sizeof(inst[i].ifname), "%s",
			    d->conf.director.interfaces[k]);
	snprintf(inst[i].name, sizeof(inst[i].name), "director-%s",
	    inst[i].ifname);
	(*n_inst)++;
	return i;
}

static int
add_vip(struct director *d, struct vip_instance *inst, int *n_inst,
    const struct tnd_addr *addr, int prefix)
{
	int i = instance_for(d, inst, n_inst, addr);

	if (i < 0)
		return -1;
	for (int j = 0; j < inst[i].n_vips; j++)
		if (addr_eq(&inst[i].vips[j].addr, addr))
			return 0;
	if (inst[i].n_vips == CONF_MAX_VIPS)
		return -1;
	inst[i].vips[inst[i].n_vips].addr = *addr;
	inst[i].vips[inst[i].n_vips].prefix = prefix;
	inst[i].n_vips++;
	return 0;
}

/* A service group's block of addresses, owned on the interface of its
 * first address. */
static int
add_range(struct director *d, struct vip_instance *inst, int *n_inst,
    const struct addr_range *r)
{
	int i = instance_for(d, inst, n_inst, &r->lo);

	if (i < 0 || inst[i].n_ranges == CONF_MAX_MEMBERS)
		return -1;
	inst[i].ranges[inst[i].n_ranges++] = *r;
	return 0;
}

/* After a reload: an interface whose VIPs all left the file is released. */
static void
release_stale(struct director *d, const struct vip_instance *inst, int n)
{
	char stale[VIP_MAX_INSTANCES][CONF_NAME_MAX];
	int n_stale = 0;

	pthread_rwlock_rdlock(&d->vips.lock);
	for (int i = 0; i < d->vips.n; i++) {
		const char *name = d->vips.inst[i].name;
		int j;
		if (strncmp(name, "director-", 9) != 0)
			continue;
		for (j = 0; j < n && strcmp(inst[j].name, name) != 0; j++)
			;
		if (j == n)
			snprintf(stale[n_stale++], CONF_NAME_MAX, "%s", name);
	}
	pthread_rwlock_unlock(&d->vips.lock);
	for (int i = 0; i < n_stale; i++) {
		vip_release(&d->vips, stale[i]);
		log_info("released %s: no VIP of the file is on it", stale[i]);
	}
}

/* Without a vrrp section the director owns every VIP itself. */
int
director_own_all(struct director *d)
{
	struct vip_instance inst[CONF_MAX_IFACES];
	const struct tandem_conf *c = &d->conf;
	int n = 0;

	for (int i = 0; i < c->n_vs; i++) {
		for (int j = 0; j < c->vs[i].n_members; j++)
			if (add_range(d, inst, &n, &c->vs[i].members[j]) == -1)
				return -1;
		if (!c->vs[i].fwmark && add_vip(d, inst, &n, &c->vs[i].addr,
		    c->vs[i].addr.af == AF_INET ? 32 : 128) == -1)
			return -1;
	}
	for (int i = 0; i < c->director.n_vips; i++)
		if (add_vip(d, inst, &n, &c->director.vips[i].addr,
		    c->director.vips[i].prefix) == -1)
			return -1;
	for (int i = 0; i < n; i++) {
		if (vip_own(&d->vips, &inst[i]) < 0)
			return -1;
		log_info("owning %d VIP(s) on %s with VRID %d", inst[i].n_vips,
		    inst[i].ifname, inst[i].vrid);
		engine_announce(d, &inst[i]);
	}
	release_stale(d, inst, n);
	return 0;
}

void
director_resolve_dests(struct director *d)
{
	uint8_t mac[6];
	int oif;

	pthread_rwlock_rdlock(&d->svcs.lock);
	for (int h = 0; h < SVC_TAB_SIZE; h++)
		for (struct service *s = d->svcs.hash[h]; s; s = s->next)
			for (int i = 0; i < s->n_dests; i++)
				l2_next_hop(&d->l2, &s->dests[i]->addr, &oif, mac);
	pthread_rwlock_unlock(&d->svcs.lock);
}
