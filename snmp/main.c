/* tandem-snmpd: the monitoring daemon. It polls the other daemons over
 * their control sockets and serves what they say as an AgentX subagent
 * (VRRPV3-MIB, TANDEM-MIB, traps) and as Prometheus metrics over HTTP
 * (docs/monitoring.md). One libevent loop. */
#include "snmpd.h"

#include "daemon.h"
#include "log.h"
#include "privs.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

static void
on_signal(evutil_socket_t sig, short ev, void *arg)
{
	struct snmpd *d = arg;

	(void)ev;
	log_info("signal %d: stopping", (int)sig);
	event_base_loopbreak(d->base);
}

/* SIGHUP: the snmp section again. The poll interval, traps and the HTTP
 * address apply at once; a new AgentX socket needs a restart (net-snmp's
 * agent is set up once per process). A bad file changes nothing. */
static void
on_hup(evutil_socket_t sig, short ev, void *arg)
{
	struct snmpd *d = arg;
	struct snmp_conf nc;

	(void)sig;
	(void)ev;
	if (snmp_conf_load(d->conf_path, &nc, stderr) == -1) {
		log_warnx("reload: %s has errors; nothing changed", d->conf_path);
		return;
	}
	if (strcmp(nc.agentx_socket, d->sc.agentx_socket) != 0)
		log_warnx("reload: agentx_socket %s needs a restart; "
		    "still on %s", nc.agentx_socket, d->sc.agentx_socket);
	snprintf(nc.agentx_socket, sizeof(nc.agentx_socket), "%s",
	    d->sc.agentx_socket);
	if (strcmp(nc.metrics_listen, d->sc.metrics_listen) != 0) {
		char old[sizeof(d->sc.metrics_listen)];

		snprintf(old, sizeof(old), "%s", d->sc.metrics_listen);
		snmp_http_stop(d->http);
		snprintf(d->sc.metrics_listen, sizeof(d->sc.metrics_listen),
		    "%s", nc.metrics_listen);
		d->http = snmp_http_start(d);
		if (d->http == NULL && nc.metrics_listen[0] != '\0' &&
		    strcmp(nc.metrics_listen, "none") != 0) {
			log_warnx("reload: cannot serve on %s; back on %s",
			    nc.metrics_listen, old);
			snprintf(nc.metrics_listen, sizeof(nc.metrics_listen),
			    "%s", old);
			snprintf(d->sc.metrics_listen,
			    sizeof(d->sc.metrics_listen), "%s", old);
			d->http = snmp_http_start(d);
		}
	}
	d->sc = nc;
	snmp_poll_set_interval(d->poller);
	log_info("reload: poll every %.1f s, traps %s, metrics on %s",
	    nc.poll_interval, nc.traps ? "on" : "off", nc.metrics_listen);
}

static int
run(struct snmpd *d)
{
	struct event *ev[3];

	if ((d->base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	d->agent = snmp_agent_start(d);
	d->http = snmp_http_start(d);
	if (d->http == NULL && d->sc.metrics_listen[0] != '\0' &&
	    strcmp(d->sc.metrics_listen, "none") != 0) {
		snmp_agent_stop(d->agent);
		event_base_free(d->base);
		return 1;
	}
	/* The /metrics socket is bound: from here the subagent needs no
	 * capability (it talks to snmpd and the daemons over sockets its own
	 * user owns), so a reload cannot bind a port below 1024 again. */
	privs_keep("tandem-snmpd", NULL, 0, 1);
	if ((d->poller = snmp_poll_start(d)) == NULL)
		fatalx("cannot start the poller");
	ev[0] = evsignal_new(d->base, SIGTERM, on_signal, d);
	ev[1] = evsignal_new(d->base, SIGINT, on_signal, d);
	ev[2] = evsignal_new(d->base, SIGHUP, on_hup, d);
	for (int i = 0; i < 3; i++)
		event_add(ev[i], NULL);
	event_base_dispatch(d->base);
	for (int i = 0; i < 3; i++)
		event_free(ev[i]);
	snmp_poll_stop(d->poller);
	snmp_http_stop(d->http);
	snmp_agent_stop(d->agent);
	snmp_model_free(&d->m);
	event_base_free(d->base);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct daemon_opts o;
	static struct snmpd d;
	int rc;

	daemon_opts_parse(argc, argv, "tandem-snmpd", &o);
	if (conf_load(o.file, &d.conf, stderr) == -1 ||
	    snmp_conf_load(o.file, &d.sc, stderr) == -1)
		return 1;
	if (o.check) {
		printf("%s: configuration OK\n", o.file);
		conf_free(&d.conf);
		return 0;
	}
	snprintf(d.conf_path, sizeof(d.conf_path), "%s", o.file);
	log_set_level(o.debug ? LOG_LVL_DEBUG : d.conf.node.log_level);
	snprintf(d.run_dir, sizeof(d.run_dir), "%s",
	    o.run_dir ? o.run_dir : d.conf.node.run_dir);
	signal(SIGPIPE, SIG_IGN);
	rc = run(&d);
	conf_free(&d.conf);
	return rc;
}
