/* Child processes for track and notify scripts: run through /bin/sh as
 * the unprivileged script user, in their own process group, which is
 * killed when the timeout passes; reaped from the loop on SIGCHLD. */
#include "vrrpd.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>

struct vrrp_job {
	struct vrrp_job	*next;
	pid_t		 pid;
	int		 timed_out;
	struct event	*timeout;
	vrrp_script_done done;
	void		*arg;
};


static void
child_exec(struct vrrpd *d, const char *cmdline, const char *const *extra)
{
	const char *argv[16];
	char *cmd;
	int n = 0, fd;

	setpgid(0, 0);
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		if (fd > 2)
			close(fd);
	}
	if (getuid() == 0 && (setgroups(0, NULL) == -1 ||
	    setgid(d->script_gid) == -1 || setuid(d->script_uid) == -1))
		_exit(126);
	if (asprintf(&cmd, "%s \"$@\"", cmdline) == -1)
		_exit(126);
	argv[n++] = "sh";
	argv[n++] = "-c";
	argv[n++] = cmd;
	argv[n++] = "sh";
	for (int i = 0; extra && extra[i] && n < 15; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	execv("/bin/sh", (char *const *)argv);
	_exit(127);
}

static void
job_timeout(evutil_socket_t fd, short ev, void *arg)
{
	struct vrrp_job *j = arg;

	j->timed_out = 1;
	kill(-j->pid, SIGKILL);
	kill(j->pid, SIGKILL);
}

int
vrrp_script_run(struct vrrpd *d, const char *cmdline,
    const char *const *extra, double timeout, vrrp_script_done done,
    void *arg)
{
	struct vrrp_job *j = calloc(1, sizeof(*j));
	struct timeval tv;

	if (j == NULL)
		return -1;
	j->done = done;
	j->arg = arg;
	if ((j->pid = fork()) == -1) {
		log_warn("fork");
		free(j);
		return -1;
	}
	if (j->pid == 0)
		child_exec(d, cmdline, extra);
	setpgid(j->pid, j->pid);	/* whichever of us runs first */
	j->timeout = evtimer_new(d->base, job_timeout, j);
	tv.tv_sec = (time_t)timeout;
	tv.tv_usec = (suseconds_t)((timeout - (double)tv.tv_sec) * 1e6);
	if (j->timeout)
		evtimer_add(j->timeout, &tv);
	j->next = d->jobs;
	d->jobs = j;
	return 0;
}

static void
sigchld_cb(evutil_socket_t sig, short ev, void *arg)
{
	struct vrrpd *d = arg;
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (struct vrrp_job **p = &d->jobs; *p; p = &(*p)->next) {
			struct vrrp_job *j = *p;
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
vrrp_script_init(struct vrrpd *d)
{
	struct passwd *pw = getpwnam(d->vc.script_user);
	struct event *ev;

	if (pw == NULL) {
		log_warnx("script user %s does not exist", d->vc.script_user);
		return -1;
	}
	d->script_uid = pw->pw_uid;
	d->script_gid = pw->pw_gid;
	ev = evsignal_new(d->base, SIGCHLD, sigchld_cb, d);
	if (ev == NULL || event_add(ev, NULL) == -1)
		return -1;
	d->sigchld_ev = ev;
	return 0;
}

/* At exit: scripts still running are killed with their process groups
 * (and reaped), nobody is told. */
void
vrrp_script_shutdown(struct vrrpd *d)
{
	struct vrrp_job *j;

	while ((j = d->jobs) != NULL) {
		d->jobs = j->next;
		kill(-j->pid, SIGKILL);
		kill(j->pid, SIGKILL);
		waitpid(j->pid, NULL, 0);
		if (j->timeout)
			event_free(j->timeout);
		free(j);
	}
	if (d->sigchld_ev)
		event_free(d->sigchld_ev);
	d->sigchld_ev = NULL;
}
