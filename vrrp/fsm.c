/* The VRRP state machine: Initialize, Backup and Master of RFC 5798 6.4,
 * plus keepalived's Fault (tracking failed), preempt delay, sync-group
 * forcing, the preemption hold for connection sync and the step-down
 * after a freeze. Pure: no clock, no sockets. */
#include "fsm.h"

#include <string.h>

static const char *const state_names[] = { "INIT", "BACKUP", "MASTER",
	"FAULT" };
static const char *const phold_end_names[] = { "none", "sync", "expired",
	"master", "off" };

const char *
vrrp_state_name(enum vrrp_state s)
{
	return (unsigned)s < 4 ? state_names[s] : "?";
}

const char *
vrrp_phold_end_name(enum vrrp_phold_end e)
{
	return (unsigned)e < 5 ? phold_end_names[e] : "?";
}

uint64_t
vrrp_fsm_skew(int version, int prio, uint32_t adv_int)
{
	/* v3: ((256 - prio) * Master_Adver_Interval) / 256; v2: (256 -
	 * prio) / 256 seconds. Kept in microseconds, as keepalived does,
	 * not rounded to centiseconds. */
	if (version == 2)
		return (uint64_t)(256 - prio) * 1000000u / 256;
	return (uint64_t)(256 - prio) * adv_int * VRRP_CS / 256;
}

uint64_t
vrrp_fsm_down_interval(int version, int prio, uint32_t adv_int)
{
	return 3ull * adv_int * VRRP_CS + vrrp_fsm_skew(version, prio, adv_int);
}

/* The hold becomes pending at start-up and whenever we leave MASTER: the
 * peer that took over has connections our table may lack until syncd's
 * next bulk dump. The owner (255) is master whatever happens. */
static void
phold_start(struct vrrp_fsm *f, uint64_t now)
{
	if (f->phold_max == 0 || f->base_prio == VRRP_PRIO_OWNER)
		return;
	f->phold = 1;
	f->phold_since = now;
	f->pholds++;
}

static void
phold_stop(struct vrrp_fsm *f, uint64_t now, enum vrrp_phold_end why)
{
	if (!f->phold)
		return;
	f->phold = 0;
	f->phold_end = why;
	f->phold_ended_at = now;
	if (f->ops && f->ops->phold_ended)
		f->ops->phold_ended(f->arg, why);
}

uint64_t
vrrp_fsm_phold_until(const struct vrrp_fsm *f)
{
	return f->phold ? f->phold_since + f->phold_max : 0;
}

static void
fsm_set_state(struct vrrp_fsm *f, uint64_t now, enum vrrp_state to)
{
	enum vrrp_state from = f->state;

	if (from == to)
		return;
	/* Leaving MASTER for BACKUP or FAULT (a fault returns through
	 * BACKUP); INIT is the end. */
	if (from == VRRP_MASTER && to != VRRP_INIT)
		phold_start(f, now);
	f->state = to;
	f->changed_at = now;
	f->transitions++;
	if (to == VRRP_MASTER)
		f->to_master++;
	if (from == VRRP_INIT)
		f->up_since = now;
	else if (to == VRRP_INIT)
		f->up_since = 0;
	if (f->ops && f->ops->transition)
		f->ops->transition(f->arg, from, to);
}

static void
fsm_send(struct vrrp_fsm *f, int prio)
{
	if (f->ops && f->ops->send_advert)
		f->ops->send_advert(f->arg, prio);
}

static uint64_t
fsm_down(const struct vrrp_fsm *f)
{
	return vrrp_fsm_down_interval(f->version, f->prio, f->master_adv_int);
}

void
vrrp_fsm_init(struct vrrp_fsm *f)
{
	f->state = VRRP_INIT;
	f->prio = f->base_prio;
	f->fault = 0;
	f->running = 0;
	f->master_adv_int = f->adv_int;
	f->adver_at = f->down_at = f->preempt_at = f->hold_until = 0;
	memset(&f->master, 0, sizeof(f->master));
	f->master_prio = 0;
	f->changed_at = 0;
	f->transitions = 0;
	f->to_master = 0;
	f->up_since = 0;
	f->phold = 0;
	f->phold_since = f->phold_ended_at = 0;
	f->phold_end = VRRP_PHOLD_NONE;
	f->pholds = 0;
}

static void
become_master(struct vrrp_fsm *f, uint64_t now)
{
	/* Only through Master_Down_Interval (or the group): a hold never
	 * delays a real failover, and ends with it. */
	phold_stop(f, now, VRRP_PHOLD_MASTER);
	f->down_at = 0;
	f->preempt_at = 0;
	f->master = f->self;
	f->master_prio = f->prio;
	fsm_send(f, f->prio);
	f->adver_at = now + (uint64_t)f->adv_int * VRRP_CS;
	fsm_set_state(f, now, VRRP_MASTER);
}

static void
become_backup(struct vrrp_fsm *f, uint64_t now)
{
	f->adver_at = 0;
	f->hold_until = 0;
	f->down_at = now + fsm_down(f);
	fsm_set_state(f, now, VRRP_BACKUP);
}

/* Leaving MASTER for FAULT or INIT: a priority-0 advert hands over fast. */
static void
leave_master(struct vrrp_fsm *f)
{
	if (f->state == VRRP_MASTER)
		fsm_send(f, 0);
	f->adver_at = f->down_at = f->preempt_at = 0;
}

static void
enter_running(struct vrrp_fsm *f, uint64_t now)
{
	f->master_adv_int = f->adv_int;
	memset(&f->master, 0, sizeof(f->master));
	f->master_prio = 0;
	if (f->prio == VRRP_PRIO_OWNER)
		become_master(f, now);
	else {
		/* keepalived's preempt_delay also counts from start-up. */
		if (f->preempt_delay)
			f->preempt_at = now + f->preempt_delay;
		become_backup(f, now);
	}
}

void
vrrp_fsm_start(struct vrrp_fsm *f, uint64_t now)
{
	if (f->running)
		return;
	f->running = 1;
	phold_start(f, now);
	if (f->fault)
		fsm_set_state(f, now, VRRP_FAULT);
	else
		enter_running(f, now);
}

void
vrrp_fsm_shutdown(struct vrrp_fsm *f, uint64_t now)
{
	if (!f->running)
		return;
	f->running = 0;
	f->phold = 0;
	leave_master(f);
	fsm_set_state(f, now, VRRP_INIT);
}

void
vrrp_fsm_timer(struct vrrp_fsm *f, uint64_t now)
{
	if (f->phold && now >= vrrp_fsm_phold_until(f))
		phold_stop(f, now, VRRP_PHOLD_EXPIRED);
	if (f->state == VRRP_MASTER && f->adver_at && now >= f->adver_at) {
		fsm_send(f, f->prio);
		f->adver_at = now + (uint64_t)f->adv_int * VRRP_CS;
	} else if (f->state == VRRP_BACKUP && f->down_at && now >= f->down_at &&
	    now >= f->hold_until) {
		if (f->ops && f->ops->may_take_over &&
		    !f->ops->may_take_over(f->arg, now)) {
			/* A sync-group member still sees its master: ask
			 * again later, keeping down_at (it says we want to). */
			f->hold_until = now + (uint64_t)f->adv_int * VRRP_CS;
			return;
		}
		become_master(f, now);
	}
}

/* Backup: does this advert hold us back (RFC 5798 6.4.2)? A pending
 * preemption hold counts as preempt off. */
static int
backup_accepts(struct vrrp_fsm *f, uint64_t now, int prio)
{
	if (!f->preempt || prio >= f->prio || f->phold)
		return 1;
	if (f->preempt_delay == 0)
		return 0;
	if (f->preempt_at == 0)
		f->preempt_at = now + f->preempt_delay;
	return now < f->preempt_at;
}

static void
advert_backup(struct vrrp_fsm *f, uint64_t now, int prio, uint32_t adv_int,
    const struct tnd_addr *src)
{
	if (prio == 0) {
		f->down_at = now + vrrp_fsm_skew(f->version, f->prio,
		    f->master_adv_int);
		memset(&f->master, 0, sizeof(f->master));
		f->master_prio = 0;
		return;
	}
	if (!backup_accepts(f, now, prio))
		return;
	if (prio >= f->prio)
		f->preempt_at = 0;
	if (f->version == 3)
		f->master_adv_int = adv_int;
	f->master = *src;
	f->master_prio = prio;
	f->hold_until = 0;
	f->down_at = now + fsm_down(f);
}

/* Master: is the sender better than us (higher priority, or equal and a
 * higher primary address)? */
static int
sender_wins(const struct vrrp_fsm *f, int prio, const struct tnd_addr *src)
{
	size_t n = src->af == AF_INET6 ? 16 : 4;

	if (prio != f->prio)
		return prio > f->prio;
	return src->af == f->self.af && memcmp(src->bytes, f->self.bytes, n) > 0;
}

static void
advert_master(struct vrrp_fsm *f, uint64_t now, int prio, uint32_t adv_int,
    const struct tnd_addr *src)
{
	if (prio == 0) {
		fsm_send(f, f->prio);
		f->adver_at = now + (uint64_t)f->adv_int * VRRP_CS;
		return;
	}
	if (!sender_wins(f, prio, src))
		return;
	if (f->version == 3)
		f->master_adv_int = adv_int;
	f->master = *src;
	f->master_prio = prio;
	become_backup(f, now);
}

void
vrrp_fsm_advert(struct vrrp_fsm *f, uint64_t now, int prio, uint32_t adv_int,
    const struct tnd_addr *src)
{
	if (f->state == VRRP_BACKUP)
		advert_backup(f, now, prio, adv_int, src);
	else if (f->state == VRRP_MASTER)
		advert_master(f, now, prio, adv_int, src);
	else if (f->state == VRRP_FAULT && prio) {
		f->master = *src;	/* for the status view only */
		f->master_prio = prio;
	}
}

void
vrrp_fsm_set_prio(struct vrrp_fsm *f, uint64_t now, int prio)
{
	if (f->base_prio == VRRP_PRIO_OWNER || prio == f->prio)
		return;		/* the owner's priority never moves */
	if (prio < 1)
		prio = 1;
	if (prio > 254)
		prio = 254;
	f->prio = prio;
	if (f->state == VRRP_MASTER) {
		/* Tell the backups now: a higher one may preempt. */
		f->master_prio = prio;
		fsm_send(f, prio);
		f->adver_at = now + (uint64_t)f->adv_int * VRRP_CS;
	}
}

void
vrrp_fsm_set_fault(struct vrrp_fsm *f, uint64_t now, int fault)
{
	fault = !!fault;
	if (fault == f->fault)
		return;
	f->fault = fault;
	if (!f->running)
		return;
	if (fault) {
		leave_master(f);
		fsm_set_state(f, now, VRRP_FAULT);
	} else
		enter_running(f, now);
}

void
vrrp_fsm_force(struct vrrp_fsm *f, uint64_t now, enum vrrp_state to)
{
	if (!f->running || f->state == to)
		return;
	if (to == VRRP_FAULT) {
		leave_master(f);
		fsm_set_state(f, now, VRRP_FAULT);
	} else if (f->fault) {
		return;		/* our own fault outranks the group */
	} else if (to == VRRP_MASTER) {
		become_master(f, now);
	} else if (to == VRRP_BACKUP) {
		if (f->state == VRRP_FAULT)
			f->master_adv_int = f->adv_int;
		become_backup(f, now);
	}
}

void
vrrp_fsm_step_down(struct vrrp_fsm *f, uint64_t now)
{
	if (!f->running || f->state != VRRP_MASTER)
		return;
	/* No advert, not even priority 0: the peer is master already and
	 * anything we send now is stale. */
	memset(&f->master, 0, sizeof(f->master));
	f->master_prio = 0;
	f->preempt_at = 0;
	become_backup(f, now);
}

int
vrrp_fsm_sync_done(struct vrrp_fsm *f, uint64_t now, uint64_t bulk_done)
{
	if (!f->phold || bulk_done <= f->phold_since)
		return 0;
	phold_stop(f, now, VRRP_PHOLD_SYNC);
	return 1;
}

void
vrrp_fsm_set_phold(struct vrrp_fsm *f, uint64_t now, uint64_t max)
{
	f->phold_max = max;
	if (max == 0)
		phold_stop(f, now, VRRP_PHOLD_OFF);
}

uint64_t
vrrp_fsm_next(const struct vrrp_fsm *f)
{
	uint64_t n = 0, e = vrrp_fsm_phold_until(f);

	if (f->state == VRRP_MASTER)
		n = f->adver_at;
	else if (f->state == VRRP_BACKUP)
		n = f->hold_until > f->down_at ? f->hold_until : f->down_at;
	if (f->running && e && (n == 0 || e < n))
		n = e;	/* to log the hold's end when it comes */
	return n;
}
