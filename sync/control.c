/* syncd.sock: the `status` query (configuration and counters: datagrams
 * and entries accepted, refused by reason, entries dropped alone). */
#include "syncd.h"

#include "ctlmsg.h"
#include "log.h"

#include <arpa/inet.h>
#include <string.h>

static json_object *
jint(uint64_t v)
{
	return json_object_new_int64((int64_t)v);
}

json_object *
sync_ctl_status(const struct syncd *d)
{
	json_object *o = ctl_reply_ok(), *r = json_object_new_object();
	json_object *er = json_object_new_object();
	char g[INET_ADDRSTRLEN];

	json_object_object_add(o, "interface",
	    json_object_new_string(d->sc.interface));
	json_object_object_add(o, "group", json_object_new_string(
	    inet_ntop(AF_INET, &d->sc.group, g, sizeof(g))));
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
