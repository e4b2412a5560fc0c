/* tandem-director: the forwarding engine. Loads the config, builds the
 * tables, owns its VIPs when no VRRP runs, starts the packet workers and
 * serves the control socket until SIGTERM. */
#include "director.h"
#include "ctlmsg.h"
#include "daemon.h"
#include "log.h"
#include "privs.h"
#include "scheduler.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>
#include <linux/capability.h>

static void
on_signal(evutil_socket_t sig, short ev, void *arg)
{
	struct director *d = arg;

	if (sig == SIGHUP) {
		log_info("SIGHUP: reloading %s", d->conf.path);
		json_object_put(director_reload(d));
		return;
	}
	log_info("signal %d: stopping", (int)sig);
	event_base_loopbreak(d->base);
}

static void
on_tick(evutil_socket_t fd, short ev, void *arg)
{
	struct director *d = arg;

	/* The estimator steps every 2 s, as IPVS's. */
	pthread_rwlock_rdlock(&d->svcs.lock);
	if (++d->ticks % 2 == 0)
		est_tick(&d->svcs);
	sched_tick(&d->svcs, now_monotonic_ms());
	pthread_rwlock_unlock(&d->svcs.lock);

	conn_expire(&d->conns, now_monotonic_ms());
	vip_expire(&d->vips, now_monotonic_ms());
	pthread_rwlock_wrlock(&d->svcs.lock);
	svc_trash_collect(&d->svcs);
	pthread_rwlock_unlock(&d->svcs.lock);
	reload_drain_tick(d);
	director_resolve_dests(d);
}

static void
l2_changed(enum netl_kind kind, void *arg)
{
	struct director *d = arg;

	d->l2_dirty |= 1 << kind;
}

static void
on_netlink(evutil_socket_t fd, short ev, void *arg)
{
	struct director *d = arg;

	if (netl_process(d->nl) < 0)
		log_warnx("netlink: failed to read notifications");
	for (int k = 0; k < NETL_KINDS; k++)
		if (d->l2_dirty & (1 << k))
			l2tab_rebuild(&d->l2, d->nl, (enum netl_kind)k);
	d->l2_dirty = 0;
}

static void
on_resolve(evutil_socket_t fd, short ev, void *arg)
{
	struct director *d = arg;

	l2tab_resolve_pending(&d->l2, d->nl);
}

static int
open_interfaces(struct director *d)
{
	const struct conf_director *cd = &d->conf.director;

	for (int i = 0; i < cd->n_interfaces; i++) {
		int ifx = netl_ifindex(d->nl, cd->interfaces[i]);
		if (ifx <= 0) {
			log_warnx("director.interfaces: no interface named %s",
			    cd->interfaces[i]);
			return -1;
		}
		d->ifindex[d->n_ifindex++] = ifx;
	}
	return 0;
}

static int
start_workers(struct director *d)
{
	int group = getpid() & 0xffff;

	d->n_workers = d->conf.director.workers;
	d->workers = calloc((size_t)d->n_workers, sizeof(*d->workers));
	if (d->workers == NULL)
		return -1;
	for (int i = 0; i < d->n_workers; i++) {
		struct worker *w = &d->workers[i];
		w->d = d;
		w->id = i;
		if (csync_queue_init(&w->syncq) == -1)
			return -1;
		if ((w->io = netio_open(i, group, d->conf.director.ring_slots)) == NULL)
			return -1;
	}
	for (int i = 0; i < d->n_workers; i++)
		if (pthread_create(&d->workers[i].thread, NULL, engine_worker,
		    &d->workers[i]) != 0)
			return -1;
	return 0;
}

static void
stop_workers(struct director *d)
{
	atomic_store(&d->stop, 1);
	for (int i = 0; i < d->n_workers; i++)
		if (d->workers[i].thread)
			pthread_join(d->workers[i].thread, NULL);
	for (int i = 0; i < d->n_workers; i++) {
		netio_close(d->workers[i].io);
		csync_queue_free(&d->workers[i].syncq);
	}
	free(d->workers);
}

static int
run(struct director *d)
{
	char path[256];
	struct event *ev[6];
	struct timeval one = { 1, 0 };

	if (mkdir(d->run_dir, 0700) == -1 && errno != EEXIST)
		fatal("run directory %s", d->run_dir);
	if ((d->base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	csync_init(d);
	if ((d->nl = netl_open(l2_changed, d)) == NULL)
		fatalx("netlink: cannot open the route caches");
	for (int k = 0; k < NETL_KINDS; k++)
		l2tab_rebuild(&d->l2, d->nl, (enum netl_kind)k);
	if (open_interfaces(d) == -1 || director_apply_config(d) == -1)
		return 1;
	health_apply_alpha(d);
	if (ctl_socket_path(path, sizeof(path), d->run_dir, "director") == -1 ||
	    (d->ctl = ctl_server_open(d->base, path, control_handle, d)) == NULL)
		fatalx("cannot open the control socket in %s", d->run_dir);
	if (d->conf.node.monitor_socket && control_open_monitor(d) == -1)
		fatalx("cannot open the monitoring socket in %s", d->run_dir);
	if (!d->conf.has_vrrp && director_own_all(d) == -1)
		return 1;
	director_resolve_dests(d);
	/* Packet sockets, tunnels and interface settings: nothing else,
	 * here in the only thread, which the workers inherit. */
	static const int caps[] = { CAP_NET_RAW, CAP_NET_ADMIN };
	privs_keep("tandem-director", caps, 2, 1);
	if (start_workers(d) == -1)
		fatalx("cannot start the packet workers");

	ev[0] = evsignal_new(d->base, SIGTERM, on_signal, d);
	ev[1] = evsignal_new(d->base, SIGINT, on_signal, d);
	ev[2] = evsignal_new(d->base, SIGHUP, on_signal, d);
	ev[3] = event_new(d->base, -1, EV_PERSIST, on_tick, d);
	ev[4] = event_new(d->base, netl_event_fd(d->nl), EV_READ | EV_PERSIST,
	    on_netlink, d);
	ev[5] = event_new(d->base, d->l2.rq_efd, EV_READ | EV_PERSIST,
	    on_resolve, d);
	for (int i = 0; i < 6; i++)
		event_add(ev[i], i == 3 ? &one : NULL);
	log_info("forwarding on %d interface(s) with %d worker(s), %d "
	    "service(s)", d->n_ifindex, d->n_workers, d->svcs.count);
	event_base_dispatch(d->base);

	stop_workers(d);
	for (int i = 0; i < 6; i++)
		event_free(ev[i]);
	ctl_server_close(d->ctl);
	ctl_server_close(d->ctl_ro);
	csync_free(d);
	netl_close(d->nl);
	event_base_free(d->base);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct daemon_opts o;
	struct director d;
	int rc;

	memset(&d, 0, sizeof(d));
	daemon_opts_parse(argc, argv, "tandem-director", &o);
	const char *file = o.file, *run_dir = o.run_dir;
	int check = o.check, debug = o.debug;
	if (conf_load(file, &d.conf, stderr) == -1)
		return 1;
	if (check) {
		printf("%s: configuration OK\n", file);
		conf_free(&d.conf);
		return 0;
	}
	log_set_level(debug ? LOG_LVL_DEBUG : d.conf.node.log_level);
	d.run_dir = run_dir ? run_dir : d.conf.node.run_dir;
	signal(SIGPIPE, SIG_IGN);
	svc_table_init(&d.svcs);
	vip_table_init(&d.vips);
	if (l2tab_init(&d.l2) == -1)
		fatal("eventfd");
	if (conn_table_init(&d.conns, d.conf.director.conn_max) == -1)
		fatalx("cannot allocate the connection table");
	d.conns.timeouts.tcp[TCP_S_ESTABLISHED] = d.conf.director.timeouts.tcp;
	d.conns.timeouts.tcp[TCP_S_FIN_WAIT] = d.conf.director.timeouts.tcpfin;
	d.conns.timeouts.udp[UDP_S_NORMAL] = d.conf.director.timeouts.udp;
	if (d.conf.director.half_open_max)
		d.conns.half_open_max = d.conf.director.half_open_max;
	rc = run(&d);
	conn_table_free(&d.conns);
	svc_table_free(&d.svcs);
	health_free(&d);
	l2tab_free(&d.l2);
	free(d.drains.v);
	conf_free(&d.conf);
	return rc;
}
