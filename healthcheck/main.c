/* tandem-checkd: health checks of the real servers (every check type on
 * one libevent loop), reported to tandem-director (dest_health) and to
 * tandem-vrrpd (check_state); checkd.sock answers `status` and `checks`;
 * SIGHUP reloads the config, keeping the state of unchanged checks. */
#include "checkd.h"

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
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <linux/capability.h>

static void
on_signal(evutil_socket_t sig, short ev, void *arg)
{
	struct checkd *d = arg;

	if (sig == SIGHUP) {
		log_info("SIGHUP: reloading %s", d->conf_path);
		hc_reload(d);
		return;
	}
	log_info("signal %d: stopping", (int)sig);
	event_base_loopbreak(d->base);
}

static int
run(struct checkd *d)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	struct event *ev[3] = { NULL, NULL, NULL };
	int rc = 0;

	if (mkdir(d->run_dir, 0700) == -1 && errno != EEXIST)
		fatal("run directory %s", d->run_dir);
	if ((d->base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	d->icmp4 = d->icmp6 = -1;
	d->started_ms = hc_epoch_ms();
	if (script_init(&d->jobs, d->base) == -1 || hc_tls_init(d) == -1 ||
	    hc_setup(d, &d->conf, 1) == -1 || hc_ctl_open(d) == -1 ||
	    hc_report_open(d) == -1) {
		log_warnx("cannot start");
		rc = 1;
		goto out;
	}
	for (int i = 0; i < 3; i++) {
		ev[i] = evsignal_new(d->base, sigs[i], on_signal, d);
		event_add(ev[i], NULL);
	}
	/* ICMP checks (raw sockets, opened as checks come and go), scripts
	 * run as another user, and killing their process groups. The
	 * bounding set stays: notify scripts run as root, as keepalived's. */
	static const int caps[] = { CAP_NET_RAW, CAP_SETUID, CAP_SETGID,
	    CAP_KILL };
	privs_keep("tandem-checkd", caps, 4, 0);
	event_base_dispatch(d->base);
out:
	for (int i = 0; i < 3; i++)
		if (ev[i])
			event_free(ev[i]);
	hc_report_close(d);
	ctl_server_close(d->ctl);
	hc_teardown(d);
	hc_icmp_close(d);
	script_shutdown(&d->jobs);
	hc_tls_free(d);
	event_base_free(d->base);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct daemon_opts o;
	static struct checkd d;
	int rc;

	daemon_opts_parse(argc, argv, "tandem-checkd", &o);
	if (conf_load(o.file, &d.conf, stderr) == -1)
		return 1;
	d.conf_path = o.file;
	if (o.check) {
		printf("%s: configuration OK\n", o.file);
		conf_free(&d.conf);
		return 0;
	}
	log_set_level(o.debug ? LOG_LVL_DEBUG : d.conf.node.log_level);
	snprintf(d.run_dir, sizeof(d.run_dir), "%s",
	    o.run_dir ? o.run_dir : d.conf.node.run_dir);
	signal(SIGPIPE, SIG_IGN);
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	rc = run(&d);
	conf_free(&d.conf);
	return rc;
}
