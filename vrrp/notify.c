/* Notify: keepalived's notify scripts (notify_master/backup/fault/stop
 * without arguments, notify with TYPE NAME STATE PRIORITY) and its FIFO,
 * one line per transition in the order they happen. */
#include "vrrpd.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *
notify_state(enum vrrp_state st)
{
	return st == VRRP_INIT ? "STOP" : vrrp_state_name(st);
}

int
vrrp_notify_line(char *buf, size_t len, const char *kind, const char *name,
    enum vrrp_state st, int prio)
{
	int n;

	if (prio >= 0)
		n = snprintf(buf, len, "%s \"%s\" %s %d\n", kind, name,
		    notify_state(st), prio);
	else
		n = snprintf(buf, len, "%s \"%s\" %s\n", kind, name,
		    notify_state(st));
	return n < 0 || (size_t)n >= len ? -1 : n;
}

int
vrrp_notify_open(struct vrrpd *d)
{
	const char *path = d->vc.notify_fifo;
	struct stat st;

	d->fifo_fd = -1;
	if (path[0] == '\0')
		return 0;
	if (stat(path, &st) == -1) {
		if (errno != ENOENT || mkfifo(path, 0600) == -1) {
			log_warn("notify fifo %s", path);
			return -1;
		}
	} else if (!S_ISFIFO(st.st_mode)) {
		log_warnx("notify fifo %s exists and is not a FIFO", path);
		return -1;
	}
	/* Read-write: opening never waits for, nor fails without, a
	 * reader; lines wait in the pipe (64 KiB) until one comes. */
	d->fifo_fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (d->fifo_fd == -1) {
		log_warn("notify fifo %s", path);
		return -1;
	}
	return 0;
}

static void
fifo_write(struct vrrpd *d, const char *line, int len)
{
	if (d->fifo_fd < 0)
		return;
	if (write(d->fifo_fd, line, (size_t)len) != len)
		log_warn("notify fifo: a line was lost");
}

static void
run(struct vrrpd *d, const char *script, const char *const *args)
{
	if (script[0] != '\0')
		script_run(&d->jobs, script, &d->script_cred, args, 30, NULL,
		    NULL);
}

static const char *
state_script(const char *m, const char *b, const char *f, const char *s,
    enum vrrp_state st)
{
	switch (st) {
	case VRRP_MASTER:	return m;
	case VRRP_BACKUP:	return b;
	case VRRP_FAULT:	return f;
	default:		return s;
	}
}

void
vrrp_notify_inst(struct vrrp_inst *vi, enum vrrp_state to)
{
	const struct conf_vrrp_inst *c = vi->conf;
	char line[CONF_NAME_MAX + 48], prio[8];
	const char *args[5];
	int n;

	n = vrrp_notify_line(line, sizeof(line), "INSTANCE", c->name, to,
	    vi->fsm.prio);
	if (n > 0)
		fifo_write(vi->d, line, n);
	run(vi->d, state_script(c->notify_master, c->notify_backup,
	    c->notify_fault, c->notify_stop, to), NULL);
	snprintf(prio, sizeof(prio), "%d", vi->fsm.prio);
	args[0] = "INSTANCE";
	args[1] = c->name;
	args[2] = notify_state(to);
	args[3] = prio;
	args[4] = NULL;
	run(vi->d, c->notify, args);
}

void
vrrp_notify_group(struct vrrpd *d, int g, enum vrrp_state to)
{
	const struct conf_vrrp_group *gr = &d->vc.groups[g];
	char line[CONF_NAME_MAX + 48];
	const char *args[4];
	int n;

	n = vrrp_notify_line(line, sizeof(line), "GROUP", gr->name, to, -1);
	if (n > 0)
		fifo_write(d, line, n);
	run(d, state_script(gr->notify_master, gr->notify_backup,
	    gr->notify_fault, "", to), NULL);
	args[0] = "GROUP";
	args[1] = gr->name;
	args[2] = notify_state(to);
	args[3] = NULL;
	run(d, gr->notify, args);
}
