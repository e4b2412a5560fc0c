/* SIGHUP: read the config again and apply what can change in place
 * (priorities, intervals, preempt, VIPs, tracking weights, notify, auth
 * settings, the director's tracking, sync.follow and preempt_hold),
 * without touching any instance's state. A change to the set of instances, their identity (interface,
 * VRID, family, version), the track scripts or the sync groups needs a
 * restart: the reload is then refused and the old config kept. */
#include "vrrpd.h"

#include "log.h"

#include <string.h>
#include <unistd.h>

static int
same_identity(const struct conf_vrrp *a, const struct conf_vrrp *b)
{
	if (a->n_inst != b->n_inst || a->n_groups != b->n_groups ||
	    a->n_scripts != b->n_scripts)
		return 0;
	for (int i = 0; i < a->n_inst; i++) {
		const struct conf_vrrp_inst *x = &a->inst[i], *y = &b->inst[i];
		if (strcmp(x->name, y->name) != 0 ||
		    strcmp(x->interface, y->interface) != 0 ||
		    x->vrid != y->vrid || x->af != y->af ||
		    x->version != y->version || x->n_peers != y->n_peers)
			return 0;
	}
	for (int g = 0; g < a->n_groups; g++)
		if (a->groups[g].n_members != b->groups[g].n_members ||
		    memcmp(a->groups[g].members, b->groups[g].members,
		    sizeof(int) * (size_t)a->groups[g].n_members) != 0)
			return 0;
	for (int s = 0; s < a->n_scripts; s++)
		if (strcmp(a->scripts[s].name, b->scripts[s].name) != 0)
			return 0;
	return 1;
}

static int
vips_differ(const struct conf_vrrp_inst *x, const struct conf_vrrp_inst *y)
{
	if (x->n_vips != y->n_vips)
		return 1;
	for (int i = 0; i < x->n_vips; i++)
		if (!addr_eq(&x->vips[i].addr, &y->vips[i].addr) ||
		    x->vips[i].prefix != y->vips[i].prefix)
			return 1;
	return 0;
}

/* Point instance i at its new configuration. */
static void
apply_inst(struct vrrp_inst *vi, const struct conf_vrrp_inst *c)
{
	int vips = vips_differ(vi->conf, c);

	vi->conf = c;
	vi->fsm.base_prio = c->priority;
	if (c->priority == VRRP_PRIO_OWNER)
		vi->fsm.prio = c->priority;	/* set_prio leaves owners */
	vi->fsm.adv_int = c->advert_cs;
	vi->fsm.preempt = c->preempt;
	vi->fsm.preempt_delay = (uint64_t)(c->preempt_delay * 1e6);
	if (c->version == 2 || vi->fsm.state != VRRP_BACKUP)
		vi->fsm.master_adv_int = c->advert_cs;
	if (c->auth_type == CONF_AUTH_HMAC && vrrp_auth_load(vi) == -1)
		log_warnx("%s: keeping the old HMAC key", c->name);
	if (vips && vi->fsm.state == VRRP_MASTER) {
		vrrp_dir_own(vi->d->dir, vi);	/* replaces the VIP list */
		vrrp_net_send_garp(vi);
	}
}

int
vrrp_reload(struct vrrpd *d)
{
	struct conf_vrrp nv;

	if (conf_vrrp_load(d->conf_path, &nv, stderr) == -1) {
		log_warnx("reload: %s has errors; the old configuration stays",
		    d->conf_path);
		return -1;
	}
	if (!same_identity(&d->vc, &nv)) {
		log_warnx("reload: instances, sync groups or track scripts "
		    "changed; restart tandem-vrrpd to apply that");
		conf_vrrp_free(&nv);
		return -1;
	}
	for (int i = 0; i < d->n_inst; i++)
		apply_inst(&d->inst[i], &nv.inst[i]);
	for (int s = 0; s < d->n_scripts; s++)
		d->scripts[s].conf = &nv.scripts[s];
	if (strcmp(nv.notify_fifo, d->vc.notify_fifo) != 0) {
		if (d->fifo_fd >= 0)
			close(d->fifo_fd);
		conf_vrrp_free(&d->vc);
		d->vc = nv;
		vrrp_notify_open(d);
	} else {
		conf_vrrp_free(&d->vc);
		d->vc = nv;
	}
	vrrp_hold_conf(d);	/* sync.follow, sync.preempt_hold */
	vrrp_inst_track_all(d);
	for (int i = 0; i < d->n_inst; i++)
		vrrp_inst_rearm(&d->inst[i]);
	log_info("reload: %s applied", d->conf_path);
	return 0;
}
