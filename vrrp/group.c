/* Sync groups: instances that change state together (keepalived's
 * vrrp_sync_group). A member becomes master only when every other member
 * is master or wants to be; one member's fault is the whole group's. */
#include "vrrpd.h"

#include "log.h"

static struct vrrp_inst *
member(struct vrrpd *d, int g, int m)
{
	return &d->inst[d->vc.groups[g].members[m]];
}

void
vrrp_group_follow(struct vrrp_inst *vi, enum vrrp_state to)
{
	struct vrrpd *d = vi->d;
	int g = vi->group;
	uint64_t now = vrrp_now();

	if (g < 0 || d->group_busy || vi->stopping)
		return;
	d->group_busy = 1;
	for (int m = 0; m < d->vc.groups[g].n_members; m++) {
		struct vrrp_inst *o = member(d, g, m);
		if (o == vi || o->stopping)
			continue;
		if (to == VRRP_MASTER || to == VRRP_BACKUP) {
			vrrp_fsm_force(&o->fsm, now, to);
			vrrp_inst_rearm(o);
		}
	}
	d->group_busy = 0;
	if (to != VRRP_INIT && d->gstate[g] != to) {
		d->gstate[g] = to;
		log_info("group %s: %s", d->vc.groups[g].name,
		    vrrp_state_name(to));
		vrrp_notify_group(d, g, to);
	}
}

int
vrrp_group_may_take_over(struct vrrp_inst *vi, uint64_t now)
{
	struct vrrpd *d = vi->d;
	int g = vi->group;

	if (g < 0)
		return 1;
	for (int m = 0; m < d->vc.groups[g].n_members; m++) {
		const struct vrrp_fsm *f = &member(d, g, m)->fsm;
		if (f == &vi->fsm || f->state == VRRP_MASTER)
			continue;
		if (f->state != VRRP_BACKUP || f->down_at == 0 ||
		    now < f->down_at)
			return 0;
	}
	return 1;
}

int
vrrp_group_fault(struct vrrp_inst *vi)
{
	struct vrrpd *d = vi->d;
	int g = vi->group;

	if (g < 0)
		return 0;
	for (int m = 0; m < d->vc.groups[g].n_members; m++)
		if (member(d, g, m)->own_fault)
			return 1;
	return 0;
}
