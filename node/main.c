/* tandemd: the node supervisor. `-t` checks every section of the config;
 * otherwise it starts the daemons the config needs, restarts the ones that
 * die, reloads on SIGHUP and stops them all on SIGTERM. */
#include "node.h"
#include "ctlmsg.h"
#include "daemon.h"
#include "log.h"
#include "privs.h"

#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#define ND_STOP_MS	10000	/* then SIGKILL */

static void
stop_step(evutil_socket_t fd, short ev, void *arg)
{
	struct tandemd *t = arg;
	struct timeval poll = { 0, 100000 };

	if (nd_all_gone(t)) {
		event_base_loopbreak(t->base);
		return;
	}
	if (nd_now_ms() >= t->stop_deadline) {
		for (int k = 0; k < ND_N; k++)
			if (t->d[k].pid > 0) {
				log_warnx("%s did not stop: SIGKILL", t->d[k].bin);
				kill(t->d[k].pid, SIGKILL);
			}
		t->stop_deadline = UINT64_MAX;
	} else {
		nd_stop_all(t);		/* the director once the rest went */
	}
	evtimer_add(t->start_ev, &poll);
}

static void
on_signal(evutil_socket_t sig, short ev, void *arg)
{
	struct tandemd *t = arg;

	switch (sig) {
	case SIGCHLD:
		nd_reap(t);
		break;
	case SIGHUP: {
		json_object *r;
		log_info("SIGHUP: reload");
		r = nd_reload(t);
		json_object_put(r);
		break;
	}
	default:
		if (t->stopping)
			break;
		log_info("signal %d: stopping the daemons", (int)sig);
		event_free(t->start_ev);
		t->start_ev = evtimer_new(t->base, stop_step, t);
		t->stop_deadline = nd_now_ms() + ND_STOP_MS;
		nd_stop_all(t);
		stop_step(-1, 0, t);
		break;
	}
}

/* The daemons live beside tandemd (build/bin, or PREFIX/sbin). */
static int
find_bin_dir(struct tandemd *t)
{
	char self[CONF_PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0 || (size_t)n >= sizeof(self) - 1)
		return -1;
	self[n] = '\0';
	snprintf(t->bin_dir, sizeof(t->bin_dir), "%s", dirname(self));
	return 0;
}

static int
run(struct tandemd *t)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGCHLD };
	struct event *ev[4];
	int want[ND_N];

	if (mkdir(t->run_dir, 0700) == -1 && errno != EEXIST)
		fatal("run directory %s", t->run_dir);
	if ((t->base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	t->start_ev = NULL;
	nd_init(t);
	for (int i = 0; i < 4; i++) {
		ev[i] = evsignal_new(t->base, sigs[i], on_signal, t);
		event_add(ev[i], NULL);
	}
	if (nd_ctl_open(t) == -1)
		fatalx("cannot open the control socket in %s", t->run_dir);
	if (nd_check(t->conf_path, stderr, want) == -1)
		return 1;
	snprintf(t->conf_run, sizeof(t->conf_run), "%s/tandemd.conf",
	    t->run_dir);
	if (nd_snapshot(t->conf_path, t->conf_run) == -1)
		return 1;
	/* tandemd itself needs no capability: the daemons it runs as root get
	 * theirs from the bounding set, which it leaves as systemd set it. */
	privs_keep("tandemd", NULL, 0, 0);
	t->start_ev = evtimer_new(t->base, nd_start_step, t);
	for (int k = 0; k < ND_N; k++)
		t->d[k].wanted = want[k];
	nd_start_all(t);
	event_base_dispatch(t->base);
	log_info("every daemon stopped");

	for (int i = 0; i < 4; i++)
		event_free(ev[i]);
	for (int k = 0; k < ND_N; k++)
		event_free(t->d[k].timer);
	event_free(t->start_ev);
	ctl_server_close(t->ctl);
	ctl_server_close(t->ctl_ro);
	event_base_free(t->base);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct daemon_opts o;
	struct tandem_conf c;
	static struct tandemd t;

	daemon_opts_parse(argc, argv, "tandemd", &o);
	if (o.check) {
		if (nd_check(o.file, stderr, NULL) == -1)
			return 1;
		printf("%s: configuration OK\n", o.file);
		return 0;
	}
	if (conf_load(o.file, &c, stderr) == -1)
		return 1;
	log_set_level(o.debug ? LOG_LVL_DEBUG : c.node.log_level);
	t.conf_path = o.file;
	t.debug = o.debug;
	t.monitor = c.node.monitor_socket;
	snprintf(t.run_dir, sizeof(t.run_dir), "%s",
	    o.run_dir ? o.run_dir : c.node.run_dir);
	conf_free(&c);
	if (find_bin_dir(&t) == -1)
		fatalx("cannot find the directory of tandemd's binary");
	t.started_ms = nd_now_ms();
	signal(SIGPIPE, SIG_IGN);
	return run(&t);
}
