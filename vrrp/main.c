/* tandem-vrrpd: VRRP v2/v3 instances and sync groups from the config's
 * vrrp section; tells tandem-director which VIPs this node owns. One
 * libevent loop; SIGTERM sends priority-0 adverts and releases. */
#include "vrrpd.h"

#include "ctlmsg.h"
#include "daemon.h"
#include "log.h"
#include "privs.h"

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
	struct vrrpd *d = arg;

	vrrp_hold_wake(d);
	if (sig == SIGHUP) {
		vrrp_reload(d);
		return;
	}
	log_info("signal %d: stopping", (int)sig);
	event_base_loopbreak(d->base);
}

static int
setup(struct vrrpd *d)
{
	d->n_inst = d->vc.n_inst;
	d->inst = calloc((size_t)d->n_inst + 1, sizeof(*d->inst));
	d->gstate = calloc((size_t)d->vc.n_groups + 1, sizeof(*d->gstate));
	if (d->inst == NULL || d->gstate == NULL)
		return -1;
	for (int i = 0; i < d->n_inst; i++)
		if (vrrp_inst_init(d, &d->inst[i], i) == -1)
			return -1;
	vrrp_hold_conf(d);
	if (script_lookup_user(d->vc.script_user, &d->script_cred) == -1 ||
	    script_init(&d->jobs, d->base) == -1 || vrrp_notify_open(d) == -1 ||
	    vrrp_net_open(d) == -1 || vrrp_track_open(d) == -1 ||
	    vrrp_ctl_open(d) == -1 || vrrp_dir_open(d) == NULL)
		return -1;
	return 0;
}

/* Also after a start that failed half-way: anything may be missing. */
static void
teardown(struct vrrpd *d)
{
	for (int i = 0; d->inst && i < d->n_inst; i++)
		if (d->inst[i].timer && d->inst[i].garp_ev)
			vrrp_inst_stop(&d->inst[i]);
	if (d->dir) {
		vrrp_dir_flush(d->dir);
		vrrp_dir_close(d->dir);
	}
	ctl_server_close(d->ctl);
	vrrp_track_close(d);
	script_shutdown(&d->jobs);
	vrrp_net_close(d);
	for (int i = 0; d->inst && i < d->n_inst; i++) {
		if (d->inst[i].timer)
			event_free(d->inst[i].timer);
		if (d->inst[i].garp_ev)
			event_free(d->inst[i].garp_ev);
	}
	if (d->fifo_fd >= 0)
		close(d->fifo_fd);
	free(d->inst);
	free(d->gstate);
}

static int
run(struct vrrpd *d)
{
	struct event *ev[3];
	int rc = 0;

	if (mkdir(d->run_dir, 0700) == -1 && errno != EEXIST)
		fatal("run directory %s", d->run_dir);
	if ((d->base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	d->fifo_fd = -1;
	d->tx_fd = d->uni_fd4 = d->uni_fd6 = d->rx_fd4 = d->rx_fd6 = -1;
	if (setup(d) == -1) {
		log_warnx("cannot start");
		rc = 1;
		goto out;
	}
	/* Adverts and ARP (raw and packet sockets), and scripts run as
	 * script_user (setuid, setgid, and killing them on timeout). */
	static const int caps[] = { CAP_NET_RAW, CAP_NET_ADMIN, CAP_SETUID,
	    CAP_SETGID, CAP_KILL };
	privs_keep("tandem-vrrpd", caps, 5, 1);
	ev[0] = evsignal_new(d->base, SIGTERM, on_signal, d);
	ev[1] = evsignal_new(d->base, SIGINT, on_signal, d);
	ev[2] = evsignal_new(d->base, SIGHUP, on_signal, d);
	for (int i = 0; i < 3; i++)
		event_add(ev[i], NULL);
	vrrp_inst_track_all(d);
	for (int i = 0; i < d->n_inst; i++)
		vrrp_inst_start(&d->inst[i]);
	log_info("%d instance(s), %d sync group(s)", d->n_inst,
	    d->vc.n_groups);
	event_base_dispatch(d->base);
	for (int i = 0; i < 3; i++)
		event_free(ev[i]);
out:
	teardown(d);
	event_base_free(d->base);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct daemon_opts o;
	struct vrrpd d;
	int rc;

	memset(&d, 0, sizeof(d));
	daemon_opts_parse(argc, argv, "tandem-vrrpd", &o);
	const char *file = o.file, *run_dir = o.run_dir;
	int check = o.check, debug = o.debug;
	if (conf_load(file, &d.conf, stderr) == -1 ||
	    conf_vrrp_load(file, &d.vc, stderr) == -1)
		return 1;
	if (check) {
		printf("%s: configuration OK\n", file);
		conf_vrrp_free(&d.vc);
		conf_free(&d.conf);
		return 0;
	}
	log_set_level(debug ? LOG_LVL_DEBUG : d.conf.node.log_level);
	snprintf(d.run_dir, sizeof(d.run_dir), "%s",
	    run_dir ? run_dir : d.conf.node.run_dir);
	d.conf_path = file;
	signal(SIGPIPE, SIG_IGN);
	rc = run(&d);
	conf_vrrp_free(&d.vc);
	conf_free(&d.conf);
	return rc;
}
