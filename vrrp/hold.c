/* The preemption hold for connection sync, and the step-down after a
 * freeze: which instances sync.follow covers, tandem-syncd's sync_state
 * reports, and the check at the top of every callback that a master's
 * loop has not stood still longer than its Master_Down_Interval. */
#include "vrrpd.h"

#include "ctlmsg.h"
#include "log.h"

#include <string.h>

int
vrrp_hold_lookup(const struct vrrpd *d, const char *name, int *idx, int max)
{
	const struct conf_vrrp *v = &d->vc;
	int n = 0;

	for (int i = 0; i < d->n_inst && max > 0; i++)
		if (strcmp(v->inst[i].name, name) == 0) {
			idx[0] = i;
			return 1;
		}
	for (int g = 0; g < v->n_groups; g++) {
		if (strcmp(v->groups[g].name, name) != 0)
			continue;
		for (int m = 0; m < v->groups[g].n_members && n < max; m++)
			idx[n++] = v->groups[g].members[m];
		return n;
	}
	return -1;
}

/* A sync group moves as one: what covers (or releases) one member covers
 * (or releases) them all, or the held member would stop the others from
 * taking over (vrrp_group_may_take_over). Marks them in set. */
static void
expand(const struct vrrpd *d, const int *idx, int n, int *set)
{
	for (int k = 0; k < n; k++) {
		int g = d->inst[idx[k]].group;
		set[idx[k]] = 1;
		for (int m = 0; g >= 0 && m < d->vc.groups[g].n_members; m++)
			set[d->vc.groups[g].members[m]] = 1;
	}
}

void
vrrp_hold_conf(struct vrrpd *d)
{
	int idx[CONF_VRRP_MAX_INST], set[CONF_VRRP_MAX_INST] = { 0 }, n = 0;
	uint64_t max = (uint64_t)(d->vc.preempt_hold * 1e6), now = vrrp_now();

	if (d->vc.sync_follow[0])
		n = vrrp_hold_lookup(d, d->vc.sync_follow, idx,
		    CONF_VRRP_MAX_INST);
	if (n > 0)
		expand(d, idx, n, set);
	for (int i = 0; i < d->n_inst && i < CONF_VRRP_MAX_INST; i++) {
		struct vrrp_inst *vi = &d->inst[i];
		vi->phold_cover = set[i];
		vrrp_fsm_set_phold(&vi->fsm, now, set[i] ? max : 0);
		if (set[i] && max)
			log_info("%s: preemption held up to %.1f s after start "
			    "and after leaving master, until tandem-syncd's "
			    "bulk sync (sync.follow \"%s\")", vi->conf->name,
			    d->vc.preempt_hold, d->vc.sync_follow);
	}
}

/* How long the loop stood still for a master, when longer than its
 * Master_Down_Interval: the backup has stopped hearing it and taken over,
 * unless the same stall froze the backup too. 0: the loop ran in time. */
static uint64_t
stall_of(struct vrrp_inst *vi, uint64_t now)
{
	const struct vrrp_fsm *f = &vi->fsm;
	uint64_t down = vrrp_fsm_down_interval(f->version, f->prio, f->adv_int);
	uint64_t gap = now > vi->alive_at ? now - vi->alive_at : 0;

	if (vi->alive_at == 0 || gap <= down) {
		vi->alive_at = now;
		return 0;
	}
	return gap;
}

/* A master after a stall: down without an advert if another master
 * advertised meanwhile (its adverts waited in our socket and were read
 * from drained on); otherwise the peer stood still as well (one host, or
 * a VM host's pause) and we are still the master. */
static void
after_stall(struct vrrp_inst *vi, uint64_t gap, uint64_t drained, uint64_t now)
{
	const struct vrrp_fsm *f = &vi->fsm;
	unsigned long long ms = gap / 1000, down = vrrp_fsm_down_interval(
	    f->version, f->prio, f->adv_int) / 1000;

	if (f->state != VRRP_MASTER)
		return;		/* a better master's advert did it */
	if (vi->heard_other_at < drained) {
		log_warnx("%s: this node stood still %llu ms, longer than the "
		    "Master_Down_Interval (%llu ms), but no other master "
		    "advertised meanwhile: still master", vi->conf->name, ms,
		    down);
		vi->alive_at = now;
		return;
	}
	log_warnx("%s: this node stood still %llu ms, longer than the "
	    "Master_Down_Interval (%llu ms): the backup has taken over, "
	    "stepping down without an advert", vi->conf->name, ms, down);
	/* Its sync group follows it down (group.c). */
	vrrp_fsm_step_down(&vi->fsm, now);
	vrrp_inst_rearm(vi);
}

void
vrrp_hold_wake(struct vrrpd *d)
{
	uint64_t now = vrrp_now(), gap[CONF_VRRP_MAX_INST] = { 0 }, drained;
	int was[CONF_VRRP_MAX_INST] = { 0 }, any = 0;

	/* Who is master first: a sync group follows its first member down
	 * before the loop reaches the others. */
	for (int i = 0; i < d->n_inst && i < CONF_VRRP_MAX_INST; i++) {
		struct vrrp_inst *vi = &d->inst[i];
		was[i] = !vi->stopping && vi->fsm.state == VRRP_MASTER;
		if (was[i] && (gap[i] = stall_of(vi, now)) != 0)
			any = 1;
	}
	if (!any)
		return;
	d->stalls++;
	/* Before anything is sent: what the peer said while we stood still. */
	drained = vrrp_now();
	vrrp_net_drain(d);
	for (int i = 0; i < d->n_inst && i < CONF_VRRP_MAX_INST; i++)
		if (gap[i])
			after_stall(&d->inst[i], gap[i], drained, now);
	for (int i = 0; i < d->n_inst && i < CONF_VRRP_MAX_INST; i++)
		if (was[i] && d->inst[i].fsm.state != VRRP_MASTER) {
			d->inst[i].cnt.freeze_stepdowns++;
			d->inst[i].alive_at = 0;
		}
}

/* The state of a sync group for syncd: MASTER only when every member is;
 * while they disagree, FAULT if one is, else BACKUP (else INIT). */
static enum vrrp_state
group_state(const struct vrrpd *d, const int *idx, int n)
{
	int cnt[4] = { 0 };

	for (int k = 0; k < n; k++)
		cnt[d->inst[idx[k]].fsm.state & 3]++;
	if (cnt[VRRP_MASTER] == n)
		return VRRP_MASTER;
	if (cnt[VRRP_FAULT])
		return VRRP_FAULT;
	return cnt[VRRP_BACKUP] ? VRRP_BACKUP : VRRP_INIT;
}

static json_object *
report_reply(const struct vrrpd *d, const int *idx, int n)
{
	json_object *r = ctl_reply_ok();
	const struct vrrp_fsm *first = &d->inst[idx[0]].fsm;
	uint64_t since = 0, until = 0;
	int hold = 0;
	char buf[ADDR_STRLEN] = "";

	for (int k = 0; k < n; k++) {
		const struct vrrp_fsm *f = &d->inst[idx[k]].fsm;
		if (f->changed_at > since)
			since = f->changed_at;
		hold |= f->phold;
		if (vrrp_fsm_phold_until(f) > until)
			until = vrrp_fsm_phold_until(f);
	}
	if (first->master.af)
		addr_str(&first->master, buf, sizeof(buf));
	json_object_object_add(r, "state", json_object_new_string(
	    vrrp_state_name(group_state(d, idx, n))));
	json_object_object_add(r, "since_ms",
	    json_object_new_int64((int64_t)(since / 1000)));
	json_object_object_add(r, "master", json_object_new_string(buf));
	json_object_object_add(r, "hold", json_object_new_boolean(hold));
	json_object_object_add(r, "hold_until_ms",
	    json_object_new_int64((int64_t)(until / 1000)));
	return r;
}

json_object *
vrrp_hold_report(struct vrrpd *d, const struct vrrp_sync_report *rep)
{
	int idx[CONF_VRRP_MAX_INST], set[CONF_VRRP_MAX_INST] = { 0 }, n;
	uint64_t now = vrrp_now();

	n = vrrp_hold_lookup(d, rep->follow, idx, CONF_VRRP_MAX_INST);
	if (n <= 0) {
		if (d->sync_refused++ % 1000 == 0)
			log_warnx("sync_state: no instance or sync group "
			    "\"%.32s\"", rep->follow);
		return ctl_reply_error("no instance or sync group \"%.32s\"",
		    rep->follow);
	}
	d->sync_last = *rep;
	d->sync_last.at_ms = now / 1000;
	d->sync_reports++;
	expand(d, idx, n, set);
	for (int i = 0; rep->in_sync && rep->bulk_done_ms && i < d->n_inst &&
	    i < CONF_VRRP_MAX_INST; i++) {
		struct vrrp_inst *vi = &d->inst[i];
		if (set[i] && vi->phold_cover && vrrp_fsm_sync_done(&vi->fsm,
		    now, rep->bulk_done_ms * 1000))
			vrrp_inst_rearm(vi);
	}
	return report_reply(d, idx, n);
}

json_object *
vrrp_hold_inst_json(const struct vrrp_inst *vi)
{
	const struct vrrp_fsm *f = &vi->fsm;
	json_object *o = json_object_new_object();

	json_object_object_add(o, "covered",
	    json_object_new_boolean(vi->phold_cover && f->phold_max));
	json_object_object_add(o, "held", json_object_new_boolean(f->phold));
	json_object_object_add(o, "since_ms", json_object_new_int64(
	    (int64_t)(f->pholds ? f->phold_since / 1000 : 0)));
	json_object_object_add(o, "until_ms", json_object_new_int64(
	    (int64_t)(vrrp_fsm_phold_until(f) / 1000)));
	json_object_object_add(o, "released", f->phold_end == VRRP_PHOLD_NONE ?
	    NULL : json_object_new_string(vrrp_phold_end_name(f->phold_end)));
	json_object_object_add(o, "released_ms", json_object_new_int64(
	    (int64_t)(f->phold_ended_at / 1000)));
	json_object_object_add(o, "count",
	    json_object_new_int64((int64_t)f->pholds));
	return o;
}

json_object *
vrrp_hold_json(const struct vrrpd *d)
{
	const struct vrrp_sync_report *r = &d->sync_last;
	json_object *o = json_object_new_object(), *l = NULL;
	uint64_t now = vrrp_now() / 1000;

	json_object_object_add(o, "follow", d->vc.sync_follow[0] ?
	    json_object_new_string(d->vc.sync_follow) : NULL);
	json_object_object_add(o, "preempt_hold",
	    json_object_new_double(d->vc.preempt_hold));
	json_object_object_add(o, "now_ms", json_object_new_int64((int64_t)now));
	json_object_object_add(o, "reports",
	    json_object_new_int64((int64_t)d->sync_reports));
	json_object_object_add(o, "refused",
	    json_object_new_int64((int64_t)d->sync_refused));
	json_object_object_add(o, "stalls",
	    json_object_new_int64((int64_t)d->stalls));
	if (d->sync_reports) {
		l = json_object_new_object();
		json_object_object_add(l, "follow",
		    json_object_new_string(r->follow));
		json_object_object_add(l, "in_sync",
		    json_object_new_boolean(r->in_sync));
		json_object_object_add(l, "bulk_done_ms",
		    json_object_new_int64((int64_t)r->bulk_done_ms));
		json_object_object_add(l, "lease_ms",
		    json_object_new_int64((int64_t)r->lease_ms));
		json_object_object_add(l, "at_ms",
		    json_object_new_int64((int64_t)r->at_ms));
		json_object_object_add(l, "valid", json_object_new_boolean(
		    now < r->at_ms + r->lease_ms));
	}
	json_object_object_add(o, "last_report", l);
	return o;
}
