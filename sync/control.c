/* syncd.sock: the `status` query (configuration and counters: datagrams
 * and entries accepted, refused by reason, entries dropped alone). */
#include "syncd.h"

#include "ctl_link.h"
#include "ctlmsg.h"
#include "log.h"

#include <string.h>
#include <time.h>

static json_object *
jint(uint64_t v)
{
	return json_object_new_int64((int64_t)v);
}

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The role and what each side did: the `tandemctl sync` view. */
static void
add_role(const struct syncd *d, json_object *o)
{
	const struct sync_counters *c = &d->c;
	char a[ADDR_STRLEN] = "";
	uint64_t auth_fail = d->stats.refused[SYNC_ERR_NOAUTH] +
	    d->stats.refused[SYNC_ERR_HMAC];
	uint64_t now = mono_ms();
	json_object *lag;

	if (d->have_master)
		addr_str(&d->master, a, sizeof(a));
	json_object_object_add(o, "role",
	    json_object_new_string(sync_role_name(d->role)));
	json_object_object_add(o, "follow", json_object_new_string(d->sc.follow));
	json_object_object_add(o, "vrrp_state",
	    json_object_new_string(d->vrrp_state));
	json_object_object_add(o, "control_port",
	    json_object_new_int(d->sc.ctl_port));
	json_object_object_add(o, "peer", json_object_new_string(a));
	json_object_object_add(o, "director_link", json_object_new_boolean(
	    d->dir != NULL && ctl_link_up(d->dir)));
	json_object_object_add(o, "in_sync", json_object_new_boolean(
	    d->role == ROLE_MASTER || d->in_sync));
	json_object_object_add(o, "bulk_done_ms", jint(d->bulk_done_ms));
	json_object_object_add(o, "bulk_entries", jint(d->bulk_entries));
	json_object_object_add(o, "sequence", jint(d->role == ROLE_MASTER ?
	    d->seq : d->expect ? d->expect - 1 : 0));
	json_object_object_add(o, "last_received_ms_ago", jint(d->last_rx_ms ?
	    now - d->last_rx_ms : 0));
	json_object_object_add(o, "missing_runs", json_object_new_int(d->n_miss));
	lag = json_object_new_object();
	json_object_object_add(lag, "master", sync_lag_json(&d->lag_master));
	json_object_object_add(lag, "install", sync_lag_json(&d->lag_install));
	json_object_object_add(o, "lag", lag);
#define ADD(k, v) json_object_object_add(o, k, jint(v))
	ADD("datagrams_sent", c->sent_dgrams);
	ADD("entries_sent", c->sent_entries);
	ADD("send_errors", c->send_errors);
	ADD("resent", c->resent);
	ADD("resend_missing", c->resend_missing);
	ADD("nacks_sent", c->nacks_sent);
	ADD("nacks_received", c->nacks_received);
	ADD("gaps", c->gaps);
	ADD("lost", c->lost);
	ADD("bulk_requests", c->bulk_requests);
	ADD("bulk_served", c->bulk_served);
	ADD("bulk_done", c->bulk_done);
	ADD("installed_datagrams", c->installed_dgrams);
	ADD("install_errors", c->install_errors);
	ADD("install_dropped", c->install_dropped);
	ADD("ignored", c->ignored);
	ADD("control_refused", c->ctl_refused);
	ADD("auth_failures", auth_fail);
	ADD("replays", d->stats.refused[SYNC_ERR_REPLAY]);
	ADD("role_changes", c->role_changes);
#undef ADD
}

json_object *
sync_ctl_status(const struct syncd *d)
{
	json_object *o = ctl_reply_ok(), *r = json_object_new_object();
	json_object *er = json_object_new_object();
	char g[ADDR_STRLEN];

	json_object_object_add(o, "interface",
	    json_object_new_string(d->sc.interface));
	json_object_object_add(o, "group", json_object_new_string(
	    addr_str(&d->sc.group, g, sizeof(g))));
	json_object_object_add(o, "port", json_object_new_int(d->sc.port));
	json_object_object_add(o, "syncid", json_object_new_int(d->sc.syncid));
	json_object_object_add(o, "ttl", json_object_new_int(d->sc.ttl));
	json_object_object_add(o, "max_datagram",
	    json_object_new_int((int)d->sc.max_datagram));
	json_object_object_add(o, "auth", json_object_new_boolean(d->auth));
	json_object_object_add(o, "datagrams_received", jint(d->stats.dgrams));
	json_object_object_add(o, "entries_received", jint(d->stats.entries));
	json_object_object_add(o, "receive_errors", jint(d->rx_errors));
	for (int i = SYNC_OK + 1; i < SYNC_ERR__MAX; i++)
		json_object_object_add(r, sync_err_str((enum sync_err)i),
		    jint(d->stats.refused[i]));
	json_object_object_add(o, "refused", r);
	for (int i = 0; i < SYNC_ENT__MAX; i++)
		json_object_object_add(er,
		    sync_ent_err_str((enum sync_ent_err)i),
		    jint(d->stats.entries_refused[i]));
	json_object_object_add(o, "entries_refused", er);
	add_role(d, o);
	return o;
}

static json_object *
handle(struct ctl_client *cl, json_object *req, void *arg)
{
	struct syncd *d = arg;
	json_object *c;
	const char *cmd;

	(void)cl;
	if (!json_object_object_get_ex(req, "cmd", &c) ||
	    (cmd = json_object_get_string(c)) == NULL)
		return ctl_reply_error("no cmd");
	if (strcmp(cmd, "status") == 0 || strcmp(cmd, "sync") == 0)
		return sync_ctl_status(d);
	return ctl_reply_error("unknown command: %s", cmd);
}

int
sync_ctl_open(struct syncd *d)
{
	char path[CONF_PATH_MAX + 16];

	if (ctl_socket_path(path, sizeof(path), d->run_dir, "syncd") == -1) {
		log_warn("sync: control socket in %s", d->run_dir);
		return -1;
	}
	d->ctl = ctl_server_open(d->base, path, handle, d);
	return d->ctl ? 0 : -1;
}
