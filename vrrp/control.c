/* vrrpd.sock: the `status` (alias `vrrp`) query that tandemctl vrrp and
 * tests read: every instance's state, priorities, master and counters. */
#include "vrrpd.h"

#include "ctlmsg.h"
#include "log.h"

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
	json_object_object_add(o, "master", jaddr(&f->master));
	json_object_object_add(o, "master_priority",
	    json_object_new_int(f->master_prio));
	json_object_object_add(o, "address", jaddr(&f->self));
	json_object_object_add(o, "last_transition_ms",
	    json_object_new_int64((int64_t)vi->changed_wall_ms));
	json_object_object_add(o, "transitions",
	    json_object_new_int64((int64_t)f->transitions));
	json_object_object_add(o, "fault", json_object_new_boolean(f->fault));
	json_object_object_add(o, "group", vi->group >= 0 ?
	    json_object_new_string(vi->d->vc.groups[vi->group].name) : NULL);
	for (int i = 0; i < c->n_vips; i++) {
		snprintf(buf, sizeof(buf), "%s/%d", addr_str(&c->vips[i].addr,
		    a, sizeof(a)), c->vips[i].prefix);
		json_object_array_add(v, json_object_new_string(buf));
	}
	json_object_object_add(o, "vips", v);
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
	    json_object_new_int64((int64_t)ctl_server_refused(d->ctl)));
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

static json_object *
ctl_handle(struct ctl_client *cl, json_object *req, void *arg)
{
	struct vrrpd *d = arg;
	json_object *cmd;
	const char *s;

	if (!json_object_object_get_ex(req, "cmd", &cmd) ||
	    (s = json_object_get_string(cmd)) == NULL)
		return ctl_reply_error("missing cmd");
	if (strcmp(s, "status") == 0 || strcmp(s, "vrrp") == 0)
		return vrrp_ctl_status(d);
	if (strcmp(s, "check_state") == 0)
		return ctl_check_state(d, req);
	log_warnx("control: unknown command %.32s", s);
	return ctl_reply_error("unknown command %.32s", s);
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
