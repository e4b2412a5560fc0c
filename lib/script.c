/* Scripts of a daemon (see script.h): fork and exec through /bin/sh in a
 * process group of their own, the group killed at the timeout, the exit
 * status collected on SIGCHLD inside the libevent loop. */
#include "script.h"
#include "log.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>

#define SCRIPT_ARGV_MAX	16

struct script_job {
	struct script_job *next;
	pid_t		 pid;
	int		 timed_out;
	struct event	*timeout;
	script_done_cb	 done;
	void		*arg;
};

/* In the child: never returns. The daemon's signal mask and ignored
 * SIGPIPE are not the script's. */
static void
child_exec(const char *cmdline, const struct script_cred *cred,
    const char *const *args)
{
	const char *argv[SCRIPT_ARGV_MAX];
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
	/* Only root can change user; anyone else runs scripts as itself. */
	if (cred && getuid() == 0 && (setgroups(0, NULL) == -1 ||
	    setgid(cred->gid) == -1 || setuid(cred->uid) == -1))
		_exit(126);
	if (asprintf(&cmd, "%s \"$@\"", cmdline) == -1)
		_exit(126);
	argv[n++] = "sh";
	argv[n++] = "-c";
	argv[n++] = cmd;
	argv[n++] = "sh";
	for (int i = 0; args && args[i] && n < SCRIPT_ARGV_MAX - 1; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	execv("/bin/sh", (char *const *)argv);
	_exit(127);
}

static void
kill_group(pid_t pid)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);	/* before its setpgid, if it has not run */
}

static void
job_timeout(evutil_socket_t fd, short ev, void *arg)
{
	struct script_job *j = arg;

	j->timed_out = 1;
	kill_group(j->pid);
}

int
script_lookup_user(const char *user, struct script_cred *cred)
{
	struct passwd *pw = getpwnam(user);

	if (pw == NULL) {
		log_warnx("script user %s does not exist", user);
		return -1;
	}
	cred->uid = pw->pw_uid;
	cred->gid = pw->pw_gid;
	return 0;
}

struct script_job *
script_run(struct script_set *s, const char *cmdline,
    const struct script_cred *cred, const char *const *args, double timeout,
    script_done_cb done, void *arg)
{
	struct script_job *j;
	struct timeval tv;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	j->done = done;
	j->arg = arg;
	if ((j->pid = fork()) == -1) {
		log_warn("fork");
		free(j);
		return NULL;
	}
	if (j->pid == 0)
		child_exec(cmdline, cred, args);
	setpgid(j->pid, j->pid);	/* whichever of us runs first */
	if (timeout > 0) {
		j->timeout = evtimer_new(s->base, job_timeout, j);
		tv.tv_sec = (time_t)timeout;
		tv.tv_usec = (suseconds_t)((timeout - (double)tv.tv_sec) * 1e6);
		if (j->timeout)
			evtimer_add(j->timeout, &tv);
	}
	j->next = s->jobs;
	s->jobs = j;
	return j;
}

void
script_cancel(struct script_job *j)
{
	j->done = NULL;
	kill_group(j->pid);
	if (j->timeout)
		event_free(j->timeout);
	j->timeout = NULL;
}

static void
sigchld_cb(evutil_socket_t sig, short ev, void *arg)
{
	struct script_set *s = arg;
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (struct script_job **p = &s->jobs; *p; p = &(*p)->next) {
			struct script_job *j = *p;
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
script_init(struct script_set *s, struct event_base *base)
{
	s->base = base;
	s->jobs = NULL;
	s->sigchld = evsignal_new(base, SIGCHLD, sigchld_cb, s);
	if (s->sigchld == NULL || event_add(s->sigchld, NULL) == -1)
		return -1;
	return 0;
}

void
script_shutdown(struct script_set *s)
{
	struct script_job *j;

	while ((j = s->jobs) != NULL) {
		s->jobs = j->next;
		kill_group(j->pid);
		waitpid(j->pid, NULL, 0);
		if (j->timeout)
			event_free(j->timeout);
		free(j);
	}
	if (s->sigchld)
		event_free(s->sigchld);
	s->sigchld = NULL;
}
