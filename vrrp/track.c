/* Tracking with keepalived's weights: interfaces (link state from the
 * libnl link cache, kept current by netlink notifications), track scripts
 * (interval, timeout, rise/fall) and the director engine's liveness. */
#include "vrrpd.h"

#include "log.h"
#include "nl.h"

#include <net/if.h>

#include <event2/event.h>
#include <netlink/route/link.h>

static int
link_up(struct vrrpd *d, const char *name)
{
	struct rtnl_link *l;
	unsigned flags;

	if (d->nl == NULL)
		return 1;
	l = rtnl_link_get_by_name(netl_cache(d->nl, NETL_LINKS), name);
	if (l == NULL)
		return 0;
	flags = rtnl_link_get_flags(l);
	rtnl_link_put(l);
	return (flags & IFF_UP) && (flags & IFF_RUNNING);
}

/* keepalived: a positive weight adds while up, a negative one subtracts
 * while down, weight 0 means FAULT while down. */
static void
apply(int ok, int weight, int *prio, int *fault)
{
	if (weight == 0 && !ok)
		*fault = 1;
	else if ((weight > 0 && ok) || (weight < 0 && !ok))
		*prio += weight;
}

static const struct vrrp_tscript *
script_find(struct vrrpd *d, const char *name)
{
	for (int i = 0; i < d->n_scripts; i++)
		if (strcmp(d->scripts[i].conf->name, name) == 0)
			return &d->scripts[i];
	return NULL;
}

static int
ext_up(const struct vrrpd *d, const char *name)
{
	for (int i = 0; i < d->n_ext; i++)
		if (strcmp(d->ext[i].name, name) == 0)
			return d->ext[i].up;
	return 0;
}

int
vrrp_track_ext_set(struct vrrpd *d, const char *name, int up)
{
	int i;

	for (i = 0; i < d->n_ext; i++)
		if (strcmp(d->ext[i].name, name) == 0)
			break;
	if (i == d->n_ext) {
		if (d->n_ext == VRRP_MAX_EXT || strlen(name) >= CONF_NAME_MAX)
			return -1;
		snprintf(d->ext[d->n_ext++].name, CONF_NAME_MAX, "%s", name);
	} else if (d->ext[i].up == up)
		return 0;
	d->ext[i].up = up;
	log_info("tracked check %s: %s", name, up ? "up" : "down");
	vrrp_inst_track_all(d);
	return 0;
}

int
vrrp_track_prio(struct vrrp_inst *vi, int *fault)
{
	const struct conf_vrrp_inst *c = vi->conf;
	struct vrrpd *d = vi->d;
	int prio = c->priority, f = 0;

	vi->ifp->up = link_up(d, vi->ifp->name);
	if (!vi->ifp->up)
		f = 1;
	for (int i = 0; i < c->n_track_if; i++)
		apply(link_up(d, c->track_if[i].name), c->track_if[i].weight,
		    &prio, &f);
	for (int i = 0; i < c->n_track_scripts; i++) {
		const struct vrrp_tscript *s = script_find(d,
		    c->track_scripts[i].name);
		if (s)
			apply(s->ok, c->track_scripts[i].has_weight ?
			    c->track_scripts[i].weight : s->conf->weight,
			    &prio, &f);
	}
	for (int i = 0; i < c->n_track_checks; i++)
		apply(ext_up(d, c->track_checks[i].name),
		    c->track_checks[i].weight, &prio, &f);
	if (c->track_director)
		apply(d->dir_alive, d->vc.director_weight, &prio, &f);
	if (c->priority == VRRP_PRIO_OWNER) {
		if (prio != c->priority)
			f = 1;	/* the owner's priority never moves */
		prio = c->priority;
	} else if (prio < 1)
		prio = 1;
	else if (prio > 254)
		prio = 254;
	*fault = f;
	return prio;
}

static void
links_changed(enum netl_kind kind, void *arg)
{
	struct vrrpd *d = arg;

	if (kind != NETL_LINKS)
		return;
	for (int i = 0; i < d->n_ifs; i++)
		vrrp_net_refresh_if(d, &d->ifs[i]);
	vrrp_inst_track_all(d);
}

static void
nl_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct vrrpd *d = arg;

	vrrp_hold_wake(d);
	if (netl_process(d->nl) < 0)
		log_warnx("netlink: lost notifications");
}

/* --- track scripts ------------------------------------------------------ */

static void tscript_arm(struct vrrp_tscript *s);

static void
tscript_done(void *arg, int status, int timed_out)
{
	struct vrrp_tscript *s = arg;
	int good = !timed_out && status == 0, was = s->ok;

	vrrp_hold_wake(s->d);
	s->running = 0;
	if (good) {
		s->run_fail = 0;
		if (++s->run_ok >= s->conf->rise)
			s->ok = 1;
	} else {
		s->run_ok = 0;
		if (++s->run_fail >= s->conf->fall)
			s->ok = 0;
	}
	if (s->ok != was) {
		log_info("track script %s: %s%s", s->conf->name,
		    s->ok ? "up" : "down", timed_out ? " (timed out)" : "");
		vrrp_inst_track_all(s->d);
	}
	tscript_arm(s);
}

static void
tscript_tick(evutil_socket_t fd, short ev, void *arg)
{
	struct vrrp_tscript *s = arg;

	if (s->running)
		return;
	if (script_run(&s->d->jobs, s->conf->script, &s->d->script_cred, NULL,
	    s->conf->timeout, tscript_done, s) != NULL)
		s->running = 1;
	else
		tscript_done(s, -1, 0);
}

static void
tscript_arm(struct vrrp_tscript *s)
{
	struct timeval tv;

	tv.tv_sec = (time_t)s->conf->interval;
	tv.tv_usec = (suseconds_t)((s->conf->interval - (double)tv.tv_sec) *
	    1e6);
	evtimer_add(s->ev, &tv);
}

int
vrrp_track_open(struct vrrpd *d)
{
	d->nl = netl_open(links_changed, d);
	if (d->nl == NULL)
		return -1;
	d->nl_ev = event_new(d->base, netl_event_fd(d->nl),
	    EV_READ | EV_PERSIST, nl_cb, d);
	if (d->nl_ev == NULL || event_add(d->nl_ev, NULL) == -1)
		return -1;
	d->n_scripts = d->vc.n_scripts;
	d->scripts = calloc((size_t)d->n_scripts + 1, sizeof(*d->scripts));
	if (d->scripts == NULL)
		return -1;
	for (int i = 0; i < d->n_scripts; i++) {
		struct vrrp_tscript *s = &d->scripts[i];
		s->conf = &d->vc.scripts[i];
		s->d = d;
		s->ok = 0;	/* failed until it has risen, as keepalived */
		if ((s->ev = evtimer_new(d->base, tscript_tick, s)) == NULL)
			return -1;
		tscript_tick(-1, 0, s);
	}
	return 0;
}

void
vrrp_track_close(struct vrrpd *d)
{
	for (int i = 0; i < d->n_scripts; i++)
		if (d->scripts[i].ev)
			event_free(d->scripts[i].ev);
	free(d->scripts);
	d->scripts = NULL;
	if (d->nl_ev)
		event_free(d->nl_ev);
	netl_close(d->nl);
	d->nl = NULL;
}
