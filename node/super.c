/* The supervisor proper: start each daemon the config wants in the
 * foreground of its own process, in order; reap the dead, say why they
 * died and restart them with exponential backoff; stop them last first. */
#include "node.h"
#include "ctlmsg.h"
#include "log.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

/* tandem-snmpd serves no control socket (it is a client of the others):
 * it is only watched as a process. */
static const struct {
	const char *name, *bin;
	int has_sock;
} nd_names[ND_N] = {
	[ND_DIRECTOR] = { "director", "tandem-director", 1 },
	[ND_VRRPD] = { "vrrpd", "tandem-vrrpd", 1 },
	[ND_SYNCD] = { "syncd", "tandem-syncd", 1 },
	[ND_CHECKD] = { "checkd", "tandem-checkd", 1 },
	[ND_SNMPD] = { "snmpd", "tandem-snmpd", 0 },
};

static void on_restart(evutil_socket_t fd, short ev, void *arg);

uint64_t
nd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
nd_init(struct tandemd *t)
{
	for (int k = 0; k < ND_N; k++) {
		struct nd_daemon *dm = &t->d[k];
		memset(dm, 0, sizeof(*dm));
		dm->kind = (enum nd_kind)k;
		dm->name = nd_names[k].name;
		dm->bin = nd_names[k].bin;
		dm->has_sock = nd_names[k].has_sock;
		dm->t = t;
		dm->timer = evtimer_new(t->base, on_restart, dm);
	}
}

int
nd_backoff_ms(int fails)
{
	long ms = ND_BACKOFF_MIN;

	for (int i = 1; i < fails && ms < ND_BACKOFF_MAX; i++)
		ms *= 2;
	return ms > ND_BACKOFF_MAX ? ND_BACKOFF_MAX : (int)ms;
}

void
nd_exit_reason(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)%s",
		    WTERMSIG(status), strsignal(WTERMSIG(status)),
		    WCOREDUMP(status) ? ", core dumped" : "");
	else
		snprintf(buf, len, "ended with wait status 0x%x", status);
}

/* The child: its own process, the daemon in the foreground, and a death
 * signal so that a killed tandemd leaves nothing running unsupervised. */
static void __attribute__((noreturn))
child_exec(const struct tandemd *t, const char *path, const char *bin)
{
	char *argv[8];
	int n = 0;
	sigset_t all;

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	signal(SIGPIPE, SIG_DFL);	/* ignored dispositions survive exec */
	argv[n++] = (char *)bin;
	argv[n++] = (char *)"-f";
	argv[n++] = (char *)t->conf_run;
	argv[n++] = (char *)"--run-dir";
	argv[n++] = (char *)t->run_dir;
	if (t->debug)
		argv[n++] = (char *)"-d";
	argv[n] = NULL;
	execv(path, argv);
	fprintf(stderr, "tandemd: cannot run %s: %s\n", path, strerror(errno));
	_exit(127);
}

static int
spawn(struct nd_daemon *dm)
{
	struct tandemd *t = dm->t;
	char path[CONF_PATH_MAX + 32];
	pid_t pid;

	snprintf(path, sizeof(path), "%s/%s", t->bin_dir, dm->bin);
	if (access(path, X_OK) == -1) {
		if (dm->state != ND_MISSING)
			log_warnx("%s is not installed (%s): not started",
			    dm->bin, path);
		dm->state = ND_MISSING;
		return -1;
	}
	if ((pid = fork()) == -1) {
		log_warn("fork for %s", dm->bin);
		return -1;
	}
	if (pid == 0)
		child_exec(t, path, dm->bin);
	dm->pid = pid;
	dm->state = ND_RUNNING;
	dm->started_ms = nd_now_ms();
	log_info("started %s, pid %d", dm->bin, (int)pid);
	return 0;
}

/* The restart timer, delay_ms from now. */
static void
arm(struct nd_daemon *dm)
{
	struct timeval tv;

	tv.tv_sec = dm->delay_ms / 1000;
	tv.tv_usec = (suseconds_t)(dm->delay_ms % 1000) * 1000;
	evtimer_add(dm->timer, &tv);
}

static void
on_restart(evutil_socket_t fd, short ev, void *arg)
{
	struct nd_daemon *dm = arg;

	if (dm->state != ND_WAITING || dm->t->stopping)
		return;
	dm->restarts++;
	if (spawn(dm) == -1 && dm->state == ND_WAITING) {
		/* fork failed: try again later, backed off as a death. */
		dm->delay_ms = nd_backoff_ms(++dm->fails);
		arm(dm);
	}
}

static int
any_reply(json_object *reply, void *arg)
{
	return 0;
}

int
nd_answers(const struct tandemd *t, const struct nd_daemon *dm)
{
	struct timeval tv = { 1, 0 };
	json_object *req;
	int fd, rc;

	if ((fd = ctl_connect(t->run_dir, dm->name)) == -1)
		return 0;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string("status"));
	/* Any whole reply, even an error, is an answer. */
	rc = ctl_call(fd, req, any_reply, NULL);
	json_object_put(req);
	close(fd);
	return rc == 0;
}

/* Ordered start: the next wanted daemon once the one before answers on
 * its control socket (or ND_READY_MS passed: it is then left to its own
 * restarts, and the rest still start). */
void
nd_start_step(evutil_socket_t fd, short ev, void *arg)
{
	struct tandemd *t = arg;
	struct timeval poll = { 0, 100000 };

	if (t->stopping)
		return;
	if (t->start_next > 0) {
		struct nd_daemon *prev = &t->d[t->start_next - 1];
		if (prev->state == ND_RUNNING && prev->has_sock &&
		    !nd_answers(t, prev) &&
		    nd_now_ms() < t->ready_deadline) {
			evtimer_add(t->start_ev, &poll);
			return;
		}
	}
	while (t->start_next < ND_N) {
		struct nd_daemon *dm = &t->d[t->start_next++];
		if (!dm->wanted || dm->pid > 0 || dm->state == ND_WAITING)
			continue;	/* running, stopping or due to restart */
		if (spawn(dm) == 0) {
			t->ready_deadline = nd_now_ms() + ND_READY_MS;
			evtimer_add(t->start_ev, &poll);
			return;
		}
	}
}

void
nd_start_all(struct tandemd *t)
{
	t->start_next = 0;
	nd_start_step(-1, 0, t);
}

static struct nd_daemon *
by_pid(struct tandemd *t, pid_t pid)
{
	for (int k = 0; k < ND_N; k++)
		if (t->d[k].pid == pid)
			return &t->d[k];
	return NULL;
}

static void
died(struct nd_daemon *dm, int status)
{
	uint64_t ran = nd_now_ms() - dm->started_ms;
	pid_t pid = dm->pid;

	nd_exit_reason(status, dm->last_exit, sizeof(dm->last_exit));
	dm->pid = 0;
	if (dm->t->stopping || !dm->wanted) {
		log_info("%s stopped (%s)", dm->bin, dm->last_exit);
		dm->state = dm->wanted ? ND_STOPPING : ND_OFF;
		return;
	}
	if (dm->state == ND_STOPPING) {
		/* Stopped by a reload, and wanted again by the next one. */
		log_info("%s stopped (%s); wanted again: starting it",
		    dm->bin, dm->last_exit);
		dm->fails = 0;
		dm->delay_ms = ND_BACKOFF_MIN;
		dm->state = ND_WAITING;
		arm(dm);
		return;
	}
	/* A daemon that ran a while had a fault, not a broken start: it
	 * comes back at once; quick deaths in a row double the wait. */
	dm->fails = ran >= ND_STABLE_MS ? 1 : dm->fails + 1;
	dm->delay_ms = nd_backoff_ms(dm->fails);
	dm->state = ND_WAITING;
	log_warnx("%s (pid %d) %s after %llu.%03llu s; restarting in %d ms",
	    dm->bin, (int)pid, dm->last_exit,
	    (unsigned long long)(ran / 1000), (unsigned long long)(ran % 1000),
	    dm->delay_ms);
	arm(dm);
}

void
nd_reap(struct tandemd *t)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct nd_daemon *dm = by_pid(t, pid);
		if (dm != NULL)
			died(dm, status);
	}
}

static void
term(struct nd_daemon *dm)
{
	evtimer_del(dm->timer);
	if (dm->state == ND_WAITING || dm->state == ND_MISSING)
		dm->state = ND_OFF;
	if (dm->pid > 0 && dm->state != ND_STOPPING) {
		kill(dm->pid, SIGTERM);	/* once: SIGKILL comes later */
		dm->state = ND_STOPPING;
	}
}

/* vrrpd and the others first (vrrpd then releases its VIPs through a live
 * director), the director once they are gone. */
void
nd_stop_all(struct tandemd *t)
{
	int others = 0;

	t->stopping = 1;
	for (int k = ND_N - 1; k > ND_DIRECTOR; k--) {
		term(&t->d[k]);
		others |= t->d[k].pid > 0;
	}
	if (!others)
		term(&t->d[ND_DIRECTOR]);
}

int
nd_all_gone(const struct tandemd *t)
{
	for (int k = 0; k < ND_N; k++)
		if (t->d[k].pid > 0)
			return 0;
	return 1;
}

void
nd_apply_plan(struct tandemd *t, const int want[ND_N])
{
	int start = 0;

	for (int k = ND_N - 1; k >= 0; k--) {
		struct nd_daemon *dm = &t->d[k];
		if (dm->wanted && !want[k]) {
			dm->wanted = 0;
			log_info("%s is no longer wanted by the config: "
			    "stopping it", dm->bin);
			term(dm);
		} else if (!dm->wanted && want[k]) {
			dm->wanted = 1;
			dm->fails = 0;
			start = 1;
		}
	}
	if (start)
		nd_start_all(t);
}

int
nd_catches_hup(pid_t pid)
{
	char path[64], line[256];
	unsigned long long mask = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "SigCgt: %llx", &mask) == 1)
			break;
	fclose(f);
	return ((mask >> (SIGHUP - 1)) & 1) != 0;
}
