/* tandem-syncd's links to the director (the feed and dumps in, installs
 * out) and to tandem-vrrpd (the role: master of the followed instance or
 * sync group sends, anything else receives; our bulk sync state goes back
 * so that vrrpd holds preemption until it is complete). */
#include "syncd.h"

#include "ctl_link.h"
#include "log.h"

#include <string.h>
#include <time.h>

#include <event2/event.h>

#include <json-c/json.h>

#define VRRP_POLL_MS	100
#define VRRP_LEASE_MS	1000

const char *
sync_role_name(enum sync_role r)
{
	return r == ROLE_MASTER ? "master" : r == ROLE_BACKUP ? "backup" :
	    "none";
}

void
sync_role_set(struct syncd *d, enum sync_role r, const char *why)
{
	if (r == d->role)
		return;
	log_info("sync: role %s -> %s (%s)", sync_role_name(d->role),
	    sync_role_name(r), why);
	d->role = r;
	d->c.role_changes++;
	d->role_since_ms = 0;
	if (r == ROLE_MASTER)
		sync_master_start(d);
	else
		sync_backup_start(d);
}

int
sync_director_send(struct syncd *d, json_object *req)
{
	if (d->dir_hook != NULL)
		return d->dir_hook(d, req);
	return d->dir ? ctl_link_send(d->dir, req) : -1;
}

int
sync_director_up(const struct syncd *d)
{
	return d->dir_hook != NULL || (d->dir != NULL && ctl_link_up(d->dir));
}

static const char *
jstr(json_object *o, const char *k)
{
	json_object *v;

	if (!json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static void
dir_event(struct syncd *d, json_object *msg)
{
	const char *ev = jstr(msg, "event"), *data = jstr(msg, "data");
	json_object *v;

	if (ev == NULL)
		return;
	if (d->role != ROLE_MASTER) {
		d->c.ignored++;
		return;
	}
	if (strcmp(ev, "sync_conns") == 0 || strcmp(ev, "sync_dump") == 0) {
		int timed = json_object_object_get_ex(msg, "wait_ms", &v);
		uint64_t wait = timed ? (uint64_t)json_object_get_int64(v) : 0;

		if (data == NULL)
			return;
		/* The live feed only: a bulk dump is not lag. */
		if (timed && strcmp(ev, "sync_conns") == 0)
			sync_lag_add(&d->lag_master, wait * 1000);
		sync_master_feed(d, data, strlen(data), wait);
	} else if (strcmp(ev, "sync_dump_end") == 0) {
		uint64_t n = 0;
		if (json_object_object_get_ex(msg, "entries", &v))
			n = (uint64_t)json_object_get_int64(v);
		sync_master_dump_end(d, n);
	}
}

static void
dir_msg(struct ctl_link *l, uint16_t type, json_object *msg, void *arg)
{
	struct syncd *d = arg;
	json_object *ok;

	if (type == CTL_EVENT) {
		dir_event(d, msg);
		return;
	}
	if (json_object_object_get_ex(msg, "installed", &ok))
		sync_backup_installed(d, json_object_object_get_ex(msg, "seq",
		    &ok) ? json_object_get_int64(ok) : -1);
	else if (json_object_object_get_ex(msg, "ok", &ok) &&
	    !json_object_get_boolean(ok))
		sync_backup_installed(d, -1);
	if (json_object_object_get_ex(msg, "ok", &ok) &&
	    !json_object_get_boolean(ok)) {
		d->c.install_errors++;
		log_debug("sync: director: %s", jstr(msg, "error") ?
		    jstr(msg, "error") : "error");
	}
}

static void
dir_state(struct ctl_link *l, int up, void *arg)
{
	struct syncd *d = arg;

	if (d->dir == NULL)
		d->dir = l;	/* called from within ctl_link_new */
	log_info("sync: director link %s", up ? "up" : "down");
	if (!up)
		return;
	/* A director that (re)starts has an empty table, or wants the feed
	 * again: redo what the role asks. */
	if (d->role == ROLE_MASTER)
		sync_master_start(d);
	else if (d->role == ROLE_BACKUP)
		sync_backup_start(d);
}

static enum sync_role
role_of(const char *state)
{
	return strcmp(state, "MASTER") == 0 ? ROLE_MASTER : ROLE_BACKUP;
}

void
sync_role_vrrp_msg(struct ctl_link *l, uint16_t type, json_object *msg, void *arg)
{
	struct syncd *d = arg;
	const char *st = jstr(msg, "state"), *err = jstr(msg, "error");
	json_object *ok;

	if (type != CTL_REPLY)
		return;
	if (json_object_object_get_ex(msg, "ok", &ok) &&
	    !json_object_get_boolean(ok)) {
		log_warnx("sync: tandem-vrrpd: %s", err ? err : "error");
		return;
	}
	if (st == NULL)
		return;
	/* From FAULT or MASTER; not the first report after we start. */
	int entered_backup = strcmp(st, "BACKUP") == 0 &&
	    d->vrrp_state[0] != '\0' && strcmp(d->vrrp_state, "BACKUP") != 0;
	snprintf(d->vrrp_state, sizeof(d->vrrp_state), "%s", st);
	if (role_of(st) != d->role) {
		sync_role_set(d, role_of(st), "VRRP");
		return;
	}
	/* Back from FAULT (links were down), or vrrpd holds preemption for
	 * a sync newer than ours: our table may be stale, load it again. */
	json_object *h, *since;
	int held = json_object_object_get_ex(msg, "hold", &h) &&
	    json_object_get_boolean(h);
	uint64_t since_ms = json_object_object_get_ex(msg, "since_ms", &since) ?
	    (uint64_t)json_object_get_int64(since) : 0;
	if (d->role == ROLE_BACKUP && (entered_backup ||
	    (held && d->in_sync && d->bulk_done_ms <= since_ms))) {
		log_info("sync: VRRP %s: loading the master's table again",
		    entered_backup ? "entered BACKUP" : "holds preemption");
		sync_backup_start(d);
	}
}

void
sync_role_vrrp_state(struct ctl_link *l, int up, void *arg)
{
	struct syncd *d = arg;

	if (d->vrrp == NULL)
		d->vrrp = l;
	log_info("sync: tandem-vrrpd link %s", up ? "up" : "down");
}

/* Every VRRP_POLL_MS: our sync state to vrrpd, its state back. */
static void
vrrp_poll(struct syncd *d)
{
	json_object *req;

	if (d->vrrp == NULL || !ctl_link_up(d->vrrp) ||
	    ctl_link_pending(d->vrrp) > 0)
		return;
	req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string("sync_state"));
	json_object_object_add(req, "follow",
	    json_object_new_string(d->sc.follow));
	json_object_object_add(req, "in_sync",
	    json_object_new_boolean(d->role == ROLE_MASTER || d->in_sync));
	json_object_object_add(req, "bulk_done_ms",
	    json_object_new_int64((int64_t)d->bulk_done_ms));
	json_object_object_add(req, "lease_ms",
	    json_object_new_int64(VRRP_LEASE_MS));
	(void)ctl_link_send(d->vrrp, req);
	json_object_put(req);
}

static void
on_tick(evutil_socket_t fd, short ev, void *arg)
{
	struct syncd *d = arg;
	struct timespec ts;
	uint64_t now;
	static uint64_t last_poll;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	if (d->role == ROLE_MASTER)
		sync_master_tick(d, now);
	else
		sync_backup_tick(d, now);
	if (now - last_poll >= VRRP_POLL_MS) {
		last_poll = now;
		vrrp_poll(d);
	}
}

int
sync_role_open(struct syncd *d)
{
	struct timeval tv = { 0, 10000 };

	d->dir = ctl_link_new(d->base, d->run_dir, "director", dir_msg,
	    dir_state, d);
	if (d->dir == NULL)
		return -1;
	if (d->sc.role != ROLE_NONE) {
		sync_role_set(d, d->sc.role, "sync.role");
	} else if (d->sc.follow[0] != '\0') {
		/* Backup until vrrpd says otherwise. */
		sync_role_set(d, ROLE_BACKUP, "starting");
		d->vrrp = ctl_link_new(d->base, d->run_dir, "vrrpd",
		    sync_role_vrrp_msg, sync_role_vrrp_state, d);
		if (d->vrrp == NULL)
			return -1;
	} else {
		log_warnx("sync: neither sync.follow nor sync.role: only "
		    "receiving");
		sync_role_set(d, ROLE_BACKUP, "no sync.follow");
	}
	d->tick_ev = event_new(d->base, -1, EV_PERSIST, on_tick, d);
	if (d->tick_ev == NULL || event_add(d->tick_ev, &tv) == -1)
		return -1;
	return 0;
}

void
sync_role_close(struct syncd *d)
{
	if (d->tick_ev != NULL)
		event_free(d->tick_ev);
	d->tick_ev = NULL;
	ctl_link_free(d->vrrp);
	ctl_link_free(d->dir);
	d->vrrp = d->dir = NULL;
}
