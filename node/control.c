/* tandemd.sock: `status` (every daemon's pid, uptime, restarts, health)
 * and `reload` (check the config, then have each daemon apply it); the
 * same reload runs on SIGHUP. */
#include "node.h"
#include "ctlmsg.h"
#include "log.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static const char *const state_names[] = {
	[ND_OFF] = "off", [ND_RUNNING] = "running", [ND_WAITING] = "restarting",
	[ND_MISSING] = "not installed", [ND_STOPPING] = "stopped",
};

static json_object *
daemon_json(struct tandemd *t, struct nd_daemon *dm, uint64_t now)
{
	json_object *o = json_object_new_object();
	int running = dm->state == ND_RUNNING && dm->pid > 0;

	json_object_object_add(o, "name", json_object_new_string(dm->name));
	json_object_object_add(o, "bin", json_object_new_string(dm->bin));
	json_object_object_add(o, "state",
	    json_object_new_string(state_names[dm->state]));
	json_object_object_add(o, "pid", json_object_new_int(running ?
	    (int)dm->pid : 0));
	json_object_object_add(o, "uptime_s", json_object_new_int64(running ?
	    (int64_t)((now - dm->started_ms) / 1000) : 0));
	json_object_object_add(o, "restarts",
	    json_object_new_int(dm->restarts));
	json_object_object_add(o, "health", json_object_new_string(
	    !running ? "-" : !dm->has_sock ? "no socket" :
	    nd_answers(t, dm) ? "ok" : "no answer"));
	json_object_object_add(o, "last_exit",
	    json_object_new_string(dm->last_exit));
	if (dm->state == ND_WAITING)
		json_object_object_add(o, "restart_in_ms",
		    json_object_new_int(dm->delay_ms));
	return o;
}

static json_object *
cmd_status(struct tandemd *t)
{
	json_object *r = ctl_reply_ok(), *arr = json_object_new_array();
	uint64_t now = nd_now_ms();

	json_object_object_add(r, "pid", json_object_new_int((int)getpid()));
	json_object_object_add(r, "config", json_object_new_string(t->conf_path));
	json_object_object_add(r, "uptime_s",
	    json_object_new_int64((int64_t)((now - t->started_ms) / 1000)));
	json_object_object_add(r, "reloads", json_object_new_int(t->reloads));
	json_object_object_add(r, "reload_failures",
	    json_object_new_int(t->reload_failures));
	for (int k = 0; k < ND_N; k++)
		json_object_array_add(arr, daemon_json(t, &t->d[k], now));
	json_object_object_add(r, "daemons", arr);
	return r;
}

struct dir_reply {
	char	msg[512];
	int	ok;
};

static int
on_dir_reply(json_object *reply, void *arg)
{
	struct dir_reply *dr = arg;
	json_object *v;

	dr->ok = json_object_object_get_ex(reply, "ok", &v) &&
	    json_object_get_boolean(v);
	if (json_object_object_get_ex(reply, dr->ok ? "summary" : "error", &v))
		snprintf(dr->msg, sizeof(dr->msg), "%s",
		    json_object_get_string(v));
	return 0;
}

/* The director reloads through its control socket, so that its answer
 * (what changed, or why it refused) comes back here. */
static void
reload_director(struct tandemd *t, json_object *out)
{
	struct dir_reply dr = { "", 0 };
	struct timeval tv = { 10, 0 };
	json_object *req;
	char msg[600];
	int fd;

	if ((fd = ctl_connect(t->run_dir, "director")) == -1) {
		json_object_object_add(out, "director", json_object_new_string(
		    "not answering; it reads the file when it restarts"));
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string("reload"));
	if (ctl_call(fd, req, on_dir_reply, &dr) == -1)
		snprintf(msg, sizeof(msg), "no reply to reload");
	else
		snprintf(msg, sizeof(msg), "%s%s", dr.ok ? "reloaded" :
		    "refused: ", dr.ok ? "" : dr.msg);
	if (dr.ok && dr.msg[0] != '\0')
		snprintf(msg, sizeof(msg), "reloaded: %s", dr.msg);
	json_object_put(req);
	close(fd);
	json_object_object_add(out, "director", json_object_new_string(msg));
}

static void
reload_other(struct nd_daemon *dm, json_object *out)
{
	const char *what;

	if (nd_catches_hup(dm->pid)) {
		kill(dm->pid, SIGHUP);
		what = "SIGHUP sent";
	} else {
		/* Its default action would kill it. */
		log_warnx("reload: %s does not reload (it does not catch "
		    "SIGHUP); restart it to apply the new file", dm->bin);
		what = "does not reload; restart it to apply the file";
	}
	json_object_object_add(out, dm->name, json_object_new_string(what));
}

json_object *
nd_reload(struct tandemd *t)
{
	int want[ND_N], was[ND_N];
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	json_object *r, *dmn;

	if (m == NULL)
		return ctl_reply_error("out of memory");
	if (nd_check(t->conf_path, m, want) == -1) {
		fclose(m);
		t->reload_failures++;
		log_warnx("reload: %s has errors; nothing changed", t->conf_path);
		r = ctl_reply_refused(t->conf_path, text);
		for (char *save = NULL, *l = strtok_r(text, "\n", &save); l;
		    l = strtok_r(NULL, "\n", &save))
			log_warnx("reload: %s", l);
		free(text);
		return r;
	}
	fclose(m);
	free(text);
	if (nd_snapshot(t->conf_path, t->conf_run) == -1) {
		t->reload_failures++;
		return ctl_reply_error("cannot copy %s to %s; nothing changed",
		    t->conf_path, t->conf_run);
	}
	t->reloads++;
	log_info("reload: %s checked; applying it", t->conf_path);
	for (int k = 0; k < ND_N; k++)
		was[k] = t->d[k].state == ND_RUNNING && t->d[k].pid > 0;
	nd_apply_plan(t, want);
	dmn = json_object_new_object();
	for (int k = 0; k < ND_N; k++) {
		struct nd_daemon *dm = &t->d[k];
		if (!want[k])
			continue;
		if (!was[k])
			json_object_object_add(dmn, dm->name,
			    json_object_new_string(dm->state == ND_MISSING ?
			    "not installed" : "started with the new file"));
		else if (k == ND_DIRECTOR)
			reload_director(t, dmn);
		else
			reload_other(dm, dmn);
	}
	r = ctl_reply_ok();
	json_object_object_add(r, "daemons", dmn);
	return r;
}

static json_object *
handle(struct ctl_client *cl, json_object *req, void *arg)
{
	struct tandemd *t = arg;
	json_object *cmd;
	const char *s;

	if (!json_object_object_get_ex(req, "cmd", &cmd) ||
	    (s = json_object_get_string(cmd)) == NULL)
		return ctl_reply_error("missing cmd");
	if (strcmp(s, "status") == 0)
		return cmd_status(t);
	if (strcmp(s, "reload") == 0)
		return nd_reload(t);
	log_warnx("control: unknown command %.32s", s);
	return ctl_reply_error("unknown command %.32s", s);
}

int
nd_ctl_open(struct tandemd *t)
{
	char path[CONF_PATH_MAX + 16];

	if (ctl_socket_path(path, sizeof(path), t->run_dir, "tandemd") == -1)
		return -1;
	t->ctl = ctl_server_open(t->base, path, handle, t);
	if (t->ctl == NULL)
		return -1;
	if (t->monitor) {
		/* node.monitor_socket: the status, for any local user. */
		static const char *const ro[] = { "status", NULL };
		if (ctl_socket_path(path, sizeof(path), t->run_dir,
		    "tandemd.ro") == -1 || (t->ctl_ro = ctl_server_open_ro(
		    t->base, path, handle, t, ro)) == NULL)
			return -1;
		if (chmod(t->run_dir, 0711) == -1)
			log_warn("chmod %s", t->run_dir);
	}
	return 0;
}
