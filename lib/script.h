/* A daemon's scripts (vrrpd's track and notify scripts, checkd's misc
 * checks and notify scripts): run through /bin/sh, as an unprivileged
 * user when root, in their own process group, the whole group killed at
 * the timeout; reaped from the daemon's libevent loop on SIGCHLD. */
#ifndef TANDEM_SCRIPT_H
#define TANDEM_SCRIPT_H

#include <sys/types.h>

struct event;
struct event_base;
struct script_job;

/* status: the exit status, -1 when a signal ended it; timed_out: its
 * group was killed at the timeout. */
typedef void (*script_done_cb)(void *arg, int status, int timed_out);

/* Who a script runs as (see script_lookup_user). */
struct script_cred {
	uid_t		 uid;
	gid_t		 gid;
};

/* The running scripts of one daemon, in its top-level context. */
struct script_set {
	struct event_base *base;
	struct event	*sigchld;
	struct script_job *jobs;
};

/* Takes SIGCHLD in base: it reaps every child of the process. */
int	script_init(struct script_set *s, struct event_base *base);
/* Scripts still running are killed with their groups and reaped; no
 * callback runs. */
void	script_shutdown(struct script_set *s);
/* The user's uid and gid; -1, logged, when there is no such user. */
int	script_lookup_user(const char *user, struct script_cred *cred);
/* Run "cmdline "$@"" through /bin/sh with args (NULL-terminated, at most
 * 11, or NULL) as $1..., stdin and stdout on /dev/null. With cred, and
 * when running as root, as that user without supplementary groups.
 * timeout <= 0: none. done (may be NULL) runs once it is reaped. NULL
 * when it cannot start. */
struct script_job *script_run(struct script_set *s, const char *cmdline,
	    const struct script_cred *cred, const char *const *args,
	    double timeout, script_done_cb done, void *arg);
/* The caller no longer wants the result: the group is killed now, the
 * job reaped later without a callback. */
void	script_cancel(struct script_job *j);

#endif
