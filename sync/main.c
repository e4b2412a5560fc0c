/* tandem-syncd: connection sync between the two directors (IPVS sync v1
 * on multicast, docs/sync-protocol.md). The master of the followed VRRP
 * instance sends what its director feeds; the backup installs into its
 * director, asks again for what it missed and for a bulk dump when it
 * (re)joins. syncd.sock answers `status`. One libevent loop. */
#include "syncd.h"

#include "ctlmsg.h"
#include "daemon.h"
#include "log.h"
#include "privs.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <event2/event.h>
#include <linux/capability.h>

static void
on_signal(evutil_socket_t sig, short ev, void *arg)
{
	struct syncd *d = arg;

	if (sig == SIGHUP) {
		log_info("SIGHUP: reloading %s", d->file);
		(void)sync_reload(d, d->file);
		return;
	}
	log_info("signal %d: stopping", (int)sig);
	event_base_loopbreak(d->base);
}

static int
run(struct syncd *d)
{
	struct event *ev[3];
	int rc = 0;

	if (mkdir(d->run_dir, 0700) == -1 && errno != EEXIST)
		fatal("run directory %s", d->run_dir);
	if ((d->base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	d->fd = d->ctl_fd = -1;
	if (sync_master_init(d) == -1 || sync_net_open(d) == -1 ||
	    sync_ctl_open(d) == -1 || sync_role_open(d) == -1) {
		log_warnx("cannot start");
		rc = 1;
		goto out;
	}
	if (getenv("TANDEM_SYNC_TRACE") != NULL) {
		char path[CONF_PATH_MAX + 16];
		snprintf(path, sizeof(path), "%s/sync.trace", d->run_dir);
		/* Appending, line by line: the bench empties it at will. */
		if ((d->trace = fopen(path, "a")) == NULL)
			log_warn("sync: trace %s", path);
		else
			setvbuf(d->trace, NULL, _IOLBF, 0);
	}
	ev[0] = evsignal_new(d->base, SIGTERM, on_signal, d);
	ev[1] = evsignal_new(d->base, SIGINT, on_signal, d);
	ev[2] = evsignal_new(d->base, SIGHUP, on_signal, d);
	for (int i = 0; i < 3; i++)
		event_add(ev[i], NULL);
	/* Only what reopening the sockets on a reload needs: binding to the
	 * interface and forcing the buffer sizes. */
	static const int caps[] = { CAP_NET_RAW, CAP_NET_ADMIN };
	privs_keep("tandem-syncd", caps, 2, 1);
	log_info("syncing on %s, ports %u/%u, syncid %u%s", d->sc.interface,
	    d->sc.port, d->sc.ctl_port, d->sc.syncid,
	    d->auth ? ", HMAC required" : "");
	event_base_dispatch(d->base);
	for (int i = 0; i < 3; i++)
		event_free(ev[i]);
out:
	if (d->trace != NULL)
		fclose(d->trace);
	sync_role_close(d);
	ctl_server_close(d->ctl);
	sync_net_close(d);
	sync_master_free(d);
	event_base_free(d->base);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct daemon_opts o;
	static struct syncd d;
	int rc;

	daemon_opts_parse(argc, argv, "tandem-syncd", &o);
	const char *file = o.file, *run_dir = o.run_dir;
	d.file = file;
	int check = o.check, debug = o.debug;
	if (conf_load(file, &d.conf, stderr) == -1 ||
	    sync_conf_load(file, &d.sc, stderr) == -1)
		return 1;
	if (d.sc.auth_key_file[0] != '\0') {
		if (sync_auth_load(&d.key, d.sc.auth_key_file) == -1)
			return 1;
		d.auth = 1;
	}
	if (check) {
		printf("%s: configuration OK\n", file);
		conf_free(&d.conf);
		return 0;
	}
	log_set_level(debug ? LOG_LVL_DEBUG : d.conf.node.log_level);
	snprintf(d.run_dir, sizeof(d.run_dir), "%s",
	    run_dir ? run_dir : d.conf.node.run_dir);
	signal(SIGPIPE, SIG_IGN);
	rc = run(&d);
	conf_free(&d.conf);
	return rc;
}
