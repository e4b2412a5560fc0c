/* checkd.sock: `status` (counters, peers) and `checks` (every check with
 * its state, last result and reason, latency and counters, and every
 * virtual server's quorum), for tandemctl checks. */
#include "checkd.h"
#include "ctlmsg.h"
#include "log.h"
#include "ctl_link.h"

#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#define J_ADD(o, k, v)	json_object_object_add((o), (k), (v))
#define J_INT(v)	json_object_new_int64((int64_t)(v))
#define J_STR(v)	json_object_new_string(v)

static json_object *
addr_json(const struct tnd_addr *a)
{
	char buf[ADDR_STRLEN];

	return J_STR(addr_str(a, buf, sizeof(buf)));
}

json_object *
hc_ctl_check_json(const struct hc *h)
{
	json_object *o = json_object_new_object();
	const struct hc_rs *rs = h->rs;

	J_ADD(o, "vs", J_STR(rs->vs->label));
	J_ADD(o, "rs", addr_json(&rs->conf.addr));
	J_ADD(o, "rs_port", J_INT(rs->conf.port));
	J_ADD(o, "type", J_STR(hc_type_name(h->type)));
	J_ADD(o, "target", addr_json(&h->addr));
	J_ADD(o, "target_port", J_INT(h->port));
	J_ADD(o, "state", J_STR(h->hyst.up ? "up" : "down"));
	J_ADD(o, "in_director", J_STR(rs->sent == 1 ? "yes" : rs->sent == 0 ?
	    "no" : "unsent"));
	J_ADD(o, "weight", J_INT(hc_rs_weight(rs)));
	J_ADD(o, "last", J_STR(h->last_ok < 0 ? "none" : h->last_ok ? "ok" :
	    "failed"));
	J_ADD(o, "reason", J_STR(h->reason));
	J_ADD(o, "latency_ms", json_object_new_double(h->latency_us / 1000.0));
	J_ADD(o, "last_ms", J_INT(h->last_ms));
	J_ADD(o, "interval", json_object_new_double(h->ck->interval));
	J_ADD(o, "checks", J_INT(h->n_checks));
	J_ADD(o, "ok", J_INT(h->n_ok));
	J_ADD(o, "failed", J_INT(h->n_fail));
	J_ADD(o, "timeouts", J_INT(h->n_timeouts));
	J_ADD(o, "changes", J_INT(h->n_changes));
	J_ADD(o, "missed", J_INT(h->n_missed));
	J_ADD(o, "max_late_ms", J_INT(h->max_late_ms));
	return o;
}

static json_object *
vs_json(const struct hc_vs *vs)
{
	json_object *o = json_object_new_object();
	long w = 0;

	for (int i = 0; i < vs->n_rs; i++)
		if (hc_rs_up(&vs->rs[i]))
			w += hc_rs_weight(&vs->rs[i]);
	J_ADD(o, "vs", J_STR(vs->label));
	if (vs->conf.name[0])
		J_ADD(o, "name", J_STR(vs->conf.name));
	J_ADD(o, "quorum", J_INT(vs->conf.quorum));
	J_ADD(o, "hysteresis", J_INT(vs->conf.hysteresis));
	J_ADD(o, "alive_weight", J_INT(w));
	J_ADD(o, "quorum_up", json_object_new_boolean(vs->quorum_up));
	J_ADD(o, "sorry_in", json_object_new_boolean(vs->conf.has_sorry &&
	    !vs->quorum_up));
	return o;
}

/* Pages of at most PAGE entries (checks, then virtual servers), so that
 * no frame passes CTL_MAX_BODY however many checks there are; every page
 * but the last carries CTL_F_MORE, the last one the peers' states. */
#define PAGE	1000

static void
page_send(struct ctl_client *cl, json_object **page, const char *key,
    json_object **arr, int more)
{
	json_object_object_add(*page, key, *arr);
	ctl_client_send(cl, CTL_REPLY, more ? CTL_F_MORE : 0, *page);
	json_object_put(*page);
	*page = ctl_reply_ok();
	*arr = json_object_new_array();
}

static json_object *
cmd_checks(struct checkd *d, struct ctl_client *cl)
{
	json_object *r = ctl_reply_ok(), *a = json_object_new_array();

	for (int i = 0; i < d->n_checks; i++) {
		json_object_array_add(a, hc_ctl_check_json(d->checks[i]));
		if (json_object_array_length(a) == PAGE)
			page_send(cl, &r, "checks", &a, 1);
	}
	J_ADD(r, "checks", a);
	a = json_object_new_array();
	for (int i = 0; i < d->n_vs; i++) {
		json_object_array_add(a, vs_json(&d->vs[i]));
		if (json_object_array_length(a) == PAGE)
			page_send(cl, &r, "virtual_servers", &a, 1);
	}
	J_ADD(r, "virtual_servers", a);
	J_ADD(r, "director", json_object_new_boolean(hc_report_director_up(d)));
	J_ADD(r, "vrrpd", json_object_new_boolean(hc_report_vrrpd_up(d)));
	return r;
}

static json_object *
cmd_status(struct checkd *d)
{
	json_object *r = ctl_reply_ok(), *c = json_object_new_object();
	uint64_t up = 0, missed = 0;

	for (int i = 0; i < d->n_checks; i++) {
		up += (uint64_t)d->checks[i]->hyst.up;
		missed += d->checks[i]->n_missed;
	}
	J_ADD(r, "pid", J_INT(getpid()));
	J_ADD(r, "started_ms", J_INT(d->started_ms));
	J_ADD(r, "checks", J_INT(d->n_checks));
	J_ADD(r, "up", J_INT(up));
	J_ADD(r, "down", J_INT((uint64_t)d->n_checks - up));
	J_ADD(r, "director", json_object_new_boolean(hc_report_director_up(d)));
	J_ADD(r, "vrrpd", json_object_new_boolean(hc_report_vrrpd_up(d)));
	J_ADD(c, "missed", J_INT(missed));
	J_ADD(c, "director_updates", J_INT(d->cnt.dir_sent));
	J_ADD(c, "director_refused", J_INT(d->cnt.dir_refused +
	    ctl_link_refused(d->director)));
	J_ADD(c, "director_connects", J_INT(d->cnt.dir_connects));
	J_ADD(c, "vrrpd_updates", J_INT(d->cnt.vrrp_sent));
	J_ADD(c, "vrrpd_refused", J_INT(d->cnt.vrrp_refused +
	    ctl_link_refused(d->vrrpd)));
	J_ADD(c, "reloads", J_INT(d->cnt.reloads));
	J_ADD(c, "reload_errors", J_INT(d->cnt.reload_errors));
	J_ADD(c, "icmp_bad", J_INT(d->cnt.icmp_bad));
	J_ADD(c, "ctl_refused", J_INT(ctl_server_refused(d->ctl)));
	J_ADD(r, "counters", c);
	return r;
}

static json_object *
handle(struct ctl_client *cl, json_object *req, void *arg)
{
	struct checkd *d = arg;
	json_object *v;
	const char *cmd = json_object_object_get_ex(req, "cmd", &v) &&
	    json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : NULL;

	if (cmd == NULL)
		return ctl_reply_error("missing cmd");
	if (strcmp(cmd, "status") == 0)
		return cmd_status(d);
	if (strcmp(cmd, "checks") == 0)
		return cmd_checks(d, cl);
	if (strcmp(cmd, "reload") == 0)
		return hc_reload(d) == 0 ? ctl_reply_ok() :
		    ctl_reply_error("the config has errors; nothing changed");
	log_warnx("control: unknown command %.32s", cmd);
	return ctl_reply_error("unknown command %.32s", cmd);
}

int
hc_ctl_open(struct checkd *d)
{
	char path[CONF_PATH_MAX + 32];

	if (ctl_socket_path(path, sizeof(path), d->run_dir, "checkd") == -1) {
		log_warnx("run directory path too long");
		return -1;
	}
	d->ctl = ctl_server_open(d->base, path, handle, d);
	return d->ctl ? 0 : -1;
}
