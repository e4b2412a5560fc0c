/* vrrpd.sock: the `status` (alias `vrrp`) query that tandemctl vrrp and
 * tests read (every instance's state, priorities, master and counters),
 * tracked check states, and tandem-syncd's sync_state reports. */
#include "vrrpd.h"

#include "ctlmsg.h"
#include "log.h"

#include <inttypes.h>
#include <string.h>

static json_object *
counters_json(const struct vrrp_counters *c)
{
	json_object *o = json_object_new_object(), *e = json_object_new_object();

	json_object_object_add(o, "sent", json_object_new_int64((int64_t)c->sent));
	json_object_object_add(o, "received",
	    json_object_new_int64((int64_t)c->rcvd));
	json_object_object_add(o, "invalid",
	    json_object_new_int64((int64_t)c->invalid));
	json_object_object_add(o, "prio0_sent",
	    json_object_new_int64((int64_t)c->prio0_sent));
	json_object_object_add(o, "prio0_received",
	    json_object_new_int64((int64_t)c->prio0_rcvd));
	json_object_object_add(o, "addr_mismatch",
	    json_object_new_int64((int64_t)c->addr_mismatch));
	json_object_object_add(o, "garp_sent",
	    json_object_new_int64((int64_t)c->garp_sent));
	json_object_object_add(o, "freeze_stepdowns",
	    json_object_new_int64((int64_t)c->freeze_stepdowns));
	for (int i = 1; i < VRRP_ADV_E_MAX; i++)
		json_object_object_add(e, vrrp_advert_err_name(i),
		    json_object_new_int64((int64_t)c->err[i]));
	json_object_object_add(o, "errors", e);
	return o;
}

static json_object *
jaddr(const struct tnd_addr *a)
{
	char buf[ADDR_STRLEN];

	return a->af ? json_object_new_string(addr_str(a, buf, sizeof(buf))) :
	    NULL;
}

static json_object *
inst_json(const struct vrrp_inst *vi)
{
	const struct conf_vrrp_inst *c = vi->conf;
	const struct vrrp_fsm *f = &vi->fsm;
	json_object *o = json_object_new_object(), *v = json_object_new_array();
	char buf[ADDR_STRLEN + 8], a[ADDR_STRLEN];

	json_object_object_add(o, "name", json_object_new_string(c->name));
	json_object_object_add(o, "interface",
	    json_object_new_string(c->interface));
	json_object_object_add(o, "vrid", json_object_new_int(c->vrid));
	json_object_object_add(o, "version", json_object_new_int(c->version));
	json_object_object_add(o, "state",
	    json_object_new_string(vrrp_state_name(f->state)));
	json_object_object_add(o, "priority", json_object_new_int(c->priority));
	json_object_object_add(o, "effective_priority",
	    json_object_new_int(f->prio));
	json_object_object_add(o, "advert_int",
	    json_object_new_double(c->advert_cs / 100.0));
	json_object_object_add(o, "master_advert_int",
	    json_object_new_double(f->master_adv_int / 100.0));
	json_object_object_add(o, "preempt", json_object_new_boolean(c->preempt));
	json_object_object_add(o, "accept", json_object_new_boolean(c->accept));
	json_object_object_add(o, "master", jaddr(&f->master));
	json_object_object_add(o, "master_priority",
	    json_object_new_int(f->master_prio));
	json_object_object_add(o, "address", jaddr(&f->self));
	json_object_object_add(o, "last_transition_ms",
	    json_object_new_int64((int64_t)vi->changed_wall_ms));
	json_object_object_add(o, "transitions",
	    json_object_new_int64((int64_t)f->transitions));
	json_object_object_add(o, "master_transitions",
	    json_object_new_int64((int64_t)f->to_master));
	/* Since it left INIT (VRRPV3-MIB's vrrpv3OperationsUpTime). */
	json_object_object_add(o, "up_ms", json_object_new_int64(
	    f->state == VRRP_INIT ? 0 :
	    (int64_t)((vrrp_now() - f->up_since) / 1000)));
	json_object_object_add(o, "fault", json_object_new_boolean(f->fault));
	json_object_object_add(o, "group", vi->group >= 0 ?
	    json_object_new_string(vi->d->vc.groups[vi->group].name) : NULL);
	for (int i = 0; i < c->n_vips; i++) {
		snprintf(buf, sizeof(buf), "%s/%d", addr_str(&c->vips[i].addr,
		    a, sizeof(a)), c->vips[i].prefix);
		json_object_array_add(v, json_object_new_string(buf));
	}
	json_object_object_add(o, "vips", v);
	json_object_object_add(o, "hold", vrrp_hold_inst_json(vi));
	json_object_object_add(o, "counters", counters_json(&vi->cnt));
	return o;
}

json_object *
vrrp_ctl_status(struct vrrpd *d)
{
	json_object *r = ctl_reply_ok(), *arr = json_object_new_array();
	json_object *groups = json_object_new_array();

	for (int i = 0; i < d->n_inst; i++)
		json_object_array_add(arr, inst_json(&d->inst[i]));
	for (int g = 0; g < d->vc.n_groups; g++) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "name",
		    json_object_new_string(d->vc.groups[g].name));
		json_object_object_add(o, "state",
		    json_object_new_string(vrrp_state_name(d->gstate[g])));
		json_object_array_add(groups, o);
	}
	json_object_object_add(r, "instances", arr);
	json_object_object_add(r, "sync_groups", groups);
	json_object *ext = json_object_new_object();
	for (int i = 0; i < d->n_ext; i++)
		json_object_object_add(ext, d->ext[i].name,
		    json_object_new_boolean(d->ext[i].up));
	json_object_object_add(r, "checks", ext);
	json_object_object_add(r, "director_alive",
	    json_object_new_boolean(d->dir_alive));
	json_object_object_add(r, "unmatched", counters_json(&d->unmatched));
	json_object_object_add(r, "rx_dropped", json_object_new_int64(
	    (int64_t)d->rx_dropped4 + d->rx_dropped6));
	json_object_object_add(r, "ctl_refused",
	    json_object_new_int64(d->ctl ?
	    (int64_t)ctl_server_refused(d->ctl) : 0));
	json_object_object_add(r, "sync", vrrp_hold_json(d));
	return r;
}

/* {"cmd": "check_state", "name": "...", "up": true|false}: a tracked
 * check's state, as tandem-checkd (quorum) will send it. */
static json_object *
ctl_check_state(struct vrrpd *d, json_object *req)
{
	json_object *n, *up;
	const char *name;

	if (!json_object_object_get_ex(req, "name", &n) ||
	    !json_object_is_type(n, json_type_string) ||
	    (name = json_object_get_string(n))[0] == '\0' ||
	    !json_object_object_get_ex(req, "up", &up) ||
	    !json_object_is_type(up, json_type_boolean))
		return ctl_reply_error("check_state needs a name and up "
		    "(true or false)");
	if (vrrp_track_ext_set(d, name, json_object_get_boolean(up)) == -1)
		return ctl_reply_error("too many tracked checks");
	return ctl_reply_ok();
}

/* A non-negative integer member no larger than max; -1 otherwise. */
static int
get_uint(json_object *req, const char *key, int64_t max, uint64_t *out)
{
	json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(req, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return -1;
	n = json_object_get_int64(v);
	if (n < 0 || n > max)
		return -1;
	*out = (uint64_t)n;
	return 0;
}

static json_object *
sync_refuse(struct vrrpd *d, const char *why)
{
	if (d->sync_refused++ % 1000 == 0)
		log_warnx("sync_state refused (%s), %" PRIu64 " so far", why,
		    d->sync_refused);
	return ctl_reply_error("sync_state: %s", why);
}

/* {"cmd": "sync_state", "follow": NAME, "in_sync": bool, "bulk_done_ms":
 * N, "lease_ms": M} from tandem-syncd, about every 100 ms: releases the
 * preemption hold, answers with NAME's VRRP state (hold.c). */
static json_object *
ctl_sync_state(struct vrrpd *d, json_object *req)
{
	struct vrrp_sync_report r;
	json_object *v;
	const char *name;

	memset(&r, 0, sizeof(r));
	if (!json_object_object_get_ex(req, "follow", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    (name = json_object_get_string(v))[0] == '\0' ||
	    strlen(name) >= sizeof(r.follow))
		return sync_refuse(d, "follow must name an instance or a "
		    "sync group");
	snprintf(r.follow, sizeof(r.follow), "%s", name);
	if (!json_object_object_get_ex(req, "in_sync", &v) ||
	    !json_object_is_type(v, json_type_boolean))
		return sync_refuse(d, "in_sync must be true or false");
	r.in_sync = json_object_get_boolean(v);
	/* Our clock is syncd's: a completion after now is a lie. */
	if (get_uint(req, "bulk_done_ms", (int64_t)(vrrp_now() / 1000),
	    &r.bulk_done_ms) == -1)
		return sync_refuse(d, "bulk_done_ms must be a CLOCK_MONOTONIC "
		    "time in ms, not in the future (0: never)");
	if (get_uint(req, "lease_ms", 3600000, &r.lease_ms) == -1 ||
	    r.lease_ms == 0)
		return sync_refuse(d, "lease_ms must be 1 to 3600000");
	return vrrp_hold_report(d, &r);
}

json_object *
vrrp_ctl_handle(struct vrrpd *d, json_object *req)
{
	json_object *cmd;
	const char *s;

	vrrp_hold_wake(d);
	if (!json_object_object_get_ex(req, "cmd", &cmd) ||
	    (s = json_object_get_string(cmd)) == NULL)
		return ctl_reply_error("missing cmd");
	if (strcmp(s, "status") == 0 || strcmp(s, "vrrp") == 0)
		return vrrp_ctl_status(d);
	if (strcmp(s, "check_state") == 0)
		return ctl_check_state(d, req);
	if (strcmp(s, "sync_state") == 0)
		return ctl_sync_state(d, req);
	log_warnx("control: unknown command %.32s", s);
	return ctl_reply_error("unknown command %.32s", s);
}

static json_object *
ctl_handle(struct ctl_client *cl, json_object *req, void *arg)
{
	return vrrp_ctl_handle(arg, req);
}

int
vrrp_ctl_open(struct vrrpd *d)
{
	char path[CONF_PATH_MAX + 16];

	if (ctl_socket_path(path, sizeof(path), d->run_dir, "vrrpd") == -1)
		return -1;
	d->ctl = ctl_server_open(d->base, path, ctl_handle, d);
	return d->ctl ? 0 : -1;
}
