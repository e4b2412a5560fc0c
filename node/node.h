/* tandemd, the node supervisor: its one context, the table of daemons it
 * runs, and the pure helpers (plan, backoff, exit reasons) the unit tests
 * check. */
#ifndef TANDEM_NODE_H
#define TANDEM_NODE_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "conf.h"

/* The daemons in start order; stopped in reverse. */
enum nd_kind { ND_DIRECTOR, ND_VRRPD, ND_SYNCD, ND_CHECKD, ND_SNMPD, ND_N };

#define ND_STABLE_MS	10000	/* a run this long resets the backoff */
#define ND_BACKOFF_MIN	100	/* first restart after a quick death, ms */
#define ND_BACKOFF_MAX	30000
#define ND_READY_MS	5000	/* how long a start waits for the socket */

enum nd_state {
	ND_OFF,			/* not wanted by the config */
	ND_RUNNING,
	ND_WAITING,		/* dead, restart timer armed */
	ND_MISSING,		/* wanted, but its binary is not installed */
	ND_STOPPING,		/* SIGTERM sent, not restarted */
};

struct event;
struct tandemd;

struct nd_daemon {
	enum nd_kind	 kind;
	const char	*name;		/* "director": its socket's name */
	const char	*bin;		/* "tandem-director" */
	int		 has_sock;	/* serves NAME.sock */
	enum nd_state	 state;
	int		 wanted;
	pid_t		 pid;
	uint64_t	 started_ms;	/* monotonic */
	int		 restarts;	/* since tandemd started */
	int		 fails;		/* quick deaths in a row */
	int		 delay_ms;	/* of the restart timer armed */
	char		 last_exit[64];	/* "killed by signal 9" */
	struct event	*timer;		/* restart */
	struct tandemd	*t;
};

struct tandemd {
	const char	*conf_path;	/* the operator's file */
	char		 conf_run[CONF_PATH_MAX + 32];	/* its last good copy */
	char		 run_dir[CONF_PATH_MAX];
	char		 bin_dir[CONF_PATH_MAX];
	int		 debug;
	uint64_t	 started_ms;
	struct nd_daemon d[ND_N];
	int		 start_next;	/* ordered start: next kind to start */
	uint64_t	 ready_deadline;	/* of the daemon started last */
	int		 stopping;
	uint64_t	 stop_deadline;
	int		 reloads, reload_failures;
	struct event_base *base;
	struct event	*start_ev;	/* ordered start / stop polling */
	struct ctl_server *ctl;
	struct ctl_server *ctl_ro;	/* node.monitor_socket */
	int		 monitor;
};

/* check.c: every section of path, each error "FILE:LINE: KEY: message"
 * to err; which daemons the config asks for in want[] (may be NULL).
 * 0 when the whole file is good, -1 otherwise. */
int	nd_check(const char *path, FILE *err, int want[ND_N]);
/* The daemons a (valid) config needs. */
void	nd_plan(const struct tandem_conf *c, int want[ND_N]);
/* Copy the checked file src to dst (mode 0600, replaced atomically): the
 * daemons read that copy, so one restarted after the operator saved a
 * broken file still gets the last good one. 0 or -1 (logged). */
int	nd_snapshot(const char *src, const char *dst);

/* super.c */
void	nd_init(struct tandemd *t);
/* The restart delay after `fails` quick deaths in a row (fails >= 1). */
int	nd_backoff_ms(int fails);
/* "exited with status 1", "killed by signal 9 (core dumped)". */
void	nd_exit_reason(int status, char *buf, size_t len);
/* Start the wanted daemons in order, each once the one before answers. */
void	nd_start_all(struct tandemd *t);
/* The ordered start's timer callback (arg: the tandemd). */
void	nd_start_step(int fd, short ev, void *arg);
/* Reap children; restart what died unless stopping. */
void	nd_reap(struct tandemd *t);
/* SIGTERM the daemons, last started first; done when nd_all_gone. */
void	nd_stop_all(struct tandemd *t);
int	nd_all_gone(const struct tandemd *t);
/* Apply a new want[]: start what is newly wanted, stop the rest. */
void	nd_apply_plan(struct tandemd *t, const int want[ND_N]);
/* Does the daemon's control socket answer a request now? */
int	nd_answers(const struct tandemd *t, const struct nd_daemon *dm);
/* Does pid catch SIGHUP (/proc/PID/status SigCgt)? */
int	nd_catches_hup(pid_t pid);
uint64_t nd_now_ms(void);

/* control.c: tandemd.sock, and reload (SIGHUP or the reload command). */
int	nd_ctl_open(struct tandemd *t);
/* Check the config, then have every daemon apply it. Returns the reply
 * (ok with what each daemon did, or the errors). */
struct json_object *nd_reload(struct tandemd *t);

#endif
