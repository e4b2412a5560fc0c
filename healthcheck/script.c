/* Children of tandem-checkd (misc checks and notify scripts): run through
 * /bin/sh as an unprivileged user in their own process group, the whole
 * group killed at the timeout; reaped from the loop on SIGCHLD. */
#include "checkd.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>

struct hc_job {
	struct hc_job	*next;
	struct checkd	*d;
	pid_t		 pid;
	int		 timed_out;
	struct event	*timeout;
	hc_job_done	 done;
	void		*arg;
};

static void
child_exec(const char *cmdline, uid_t uid, gid_t gid, int drop,
    const char *const *args)
{
	const char *argv[16];
	char *cmd;
	int n = 0, fd;
	sigset_t all;

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	signal(SIGPIPE, SIG_DFL);
	setpgid(0, 0);
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		if (fd > 2)
			close(fd);
	}
	if (drop && (setgroups(0, NULL) == -1 || setgid(gid) == -1 ||
	    setuid(uid) == -1))
		_exit(126);
	if (asprintf(&cmd, "%s \"$@\"", cmdline) == -1)
		_exit(126);
	argv[n++] = "sh";
	argv[n++] = "-c";
	argv[n++] = cmd;
	argv[n++] = "sh";
	for (int i = 0; args && args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	execv("/bin/sh", (char *const *)argv);
	_exit(127);
}

static void
job_timeout(evutil_socket_t fd, short ev, void *arg)
{
	struct hc_job *j = arg;

	j->timed_out = 1;
	kill(-j->pid, SIGKILL);
	kill(j->pid, SIGKILL);
}

struct hc_job *
hc_job_run(struct checkd *d, const char *cmdline, const char *user,
    const char *const *args, double timeout, hc_job_done done, void *arg)
{
	struct hc_job *j;
	struct passwd *pw = NULL;
	struct timeval tv;

	/* Only root can change user; anyone else runs scripts as itself. */
	if (user && getuid() == 0 && (pw = getpwnam(user)) == NULL) {
		log_warnx("script user %s does not exist", user);
		return NULL;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	j->d = d;
	j->done = done;
	j->arg = arg;
	if ((j->pid = fork()) == -1) {
		log_warn("fork");
		free(j);
		return NULL;
	}
	if (j->pid == 0)
		child_exec(cmdline, pw ? pw->pw_uid : 0, pw ? pw->pw_gid : 0,
		    pw != NULL, args);
	setpgid(j->pid, j->pid);	/* whichever of us runs first */
	if (timeout > 0) {
		j->timeout = evtimer_new(d->base, job_timeout, j);
		tv.tv_sec = (time_t)timeout;
		tv.tv_usec = (suseconds_t)((timeout - (double)tv.tv_sec) * 1e6);
		if (j->timeout)
			evtimer_add(j->timeout, &tv);
	}
	j->next = d->jobs;
	d->jobs = j;
	return j;
}

/* The caller no longer wants the result: the group is killed now, the
 * job reaped later without a callback. */
void
hc_job_cancel(struct checkd *d, struct hc_job *j)
{
	j->done = NULL;
	kill(-j->pid, SIGKILL);
	kill(j->pid, SIGKILL);
	if (j->timeout)
		event_free(j->timeout);
	j->timeout = NULL;
}

static void
sigchld_cb(evutil_socket_t sig, short ev, void *arg)
{
	struct checkd *d = arg;
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (struct hc_job **p = &d->jobs; *p; p = &(*p)->next) {
			struct hc_job *j = *p;
			if (j->pid != pid)
				continue;
			*p = j->next;
			/* Whatever the shell left behind goes with it. */
			kill(-pid, SIGKILL);
			if (j->timeout)
				event_free(j->timeout);
			if (j->done)
				j->done(j->arg, WIFEXITED(status) ?
				    WEXITSTATUS(status) : -1, j->timed_out);
			free(j);
			break;
		}
	}
}

int
hc_job_init(struct checkd *d)
{
	d->sigchld = evsignal_new(d->base, SIGCHLD, sigchld_cb, d);
	if (d->sigchld == NULL || event_add(d->sigchld, NULL) == -1)
		return -1;
	return 0;
}

void
hc_job_shutdown(struct checkd *d)
{
	struct hc_job *j;

	while ((j = d->jobs) != NULL) {
		d->jobs = j->next;
		kill(-j->pid, SIGKILL);
		kill(j->pid, SIGKILL);
		waitpid(j->pid, NULL, 0);
		if (j->timeout)
			event_free(j->timeout);
		free(j);
	}
	if (d->sigchld)
		event_free(d->sigchld);
	d->sigchld = NULL;
}
