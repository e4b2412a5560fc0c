/* The VRRP state machine of one instance (RFC 5798 section 6.4, RFC 3768
 * section 6.4), pure: every call takes the time, side effects go through
 * the ops table, and vrrp_fsm_next() says when the next timer is due, so
 * that unit tests drive it with a simulated clock. Times in microseconds. */
#ifndef TANDEM_VRRP_FSM_H
#define TANDEM_VRRP_FSM_H

#include <stdint.h>

#include "addr.h"

enum vrrp_state { VRRP_INIT, VRRP_BACKUP, VRRP_MASTER, VRRP_FAULT };

/* Why the last preemption hold ended (none yet: VRRP_PHOLD_NONE). */
enum vrrp_phold_end {
	VRRP_PHOLD_NONE,
	VRRP_PHOLD_SYNC,	/* tandem-syncd reported a newer bulk sync */
	VRRP_PHOLD_EXPIRED,	/* preempt_hold passed without one */
	VRRP_PHOLD_MASTER,	/* the master went silent: we took over */
	VRRP_PHOLD_OFF,		/* the configuration turned it off */
};

#define VRRP_PRIO_OWNER	255
#define VRRP_CS		10000u	/* microseconds in a centisecond */

struct vrrp_fsm_ops {
	/* Send one advertisement with this priority (0: leaving master). */
	void	(*send_advert)(void *arg, int prio);
	/* The state changed (after the fsm's own fields are updated). */
	void	(*transition)(void *arg, enum vrrp_state from,
		    enum vrrp_state to);
	/* Sync groups: may this backup become master now? NULL: yes. */
	int	(*may_take_over)(void *arg, uint64_t now);
	/* A preemption hold ended (NULL: nothing to do). */
	void	(*phold_ended)(void *arg, enum vrrp_phold_end why);
};

struct vrrp_fsm {
	/* configuration */
	int		version;	/* 2 or 3 */
	int		base_prio;	/* 1..255 */
	uint32_t	adv_int;	/* centiseconds (v2: multiple of 100) */
	int		preempt;
	uint64_t	preempt_delay;	/* us */
	struct tnd_addr	self;		/* our primary address, tie-break */
	uint64_t	phold_max;	/* us; 0: no preemption hold */
	const struct vrrp_fsm_ops *ops;
	void		*arg;
	/* state */
	enum vrrp_state	state;
	int		prio;		/* effective priority */
	int		fault;		/* tracking holds us in FAULT */
	int		running;	/* started and not shut down */
	uint32_t	master_adv_int;	/* centiseconds, learnt (v3) */
	uint64_t	adver_at;	/* master: next advert; 0 off */
	uint64_t	down_at;	/* backup: master down; 0 off */
	uint64_t	preempt_at;	/* backup: preempt allowed from */
	uint64_t	hold_until;	/* backup: sync group said wait */
	struct tnd_addr	master;		/* who is master (ourselves too) */
	int		master_prio;
	uint64_t	changed_at;	/* time of the last transition */
	uint64_t	transitions;	/* every state change */
	uint64_t	to_master;	/* changes into MASTER */
	uint64_t	up_since;	/* when it left INIT; 0 in INIT */
	/* Preemption hold (connection sync): pending from start-up and from
	 * every exit from MASTER until a newer bulk sync or phold_max. */
	int		phold;		/* pending: do not preempt */
	uint64_t	phold_since;
	enum vrrp_phold_end phold_end;	/* why the last one ended */
	uint64_t	phold_ended_at;
	uint64_t	pholds;		/* how many times it became pending */
};

/* Initialise with the configuration already set in f (base_prio, adv_int,
 * version, preempt, preempt_delay, self, ops, arg). */
void	vrrp_fsm_init(struct vrrp_fsm *f);
void	vrrp_fsm_start(struct vrrp_fsm *f, uint64_t now);
void	vrrp_fsm_shutdown(struct vrrp_fsm *f, uint64_t now);
/* Run the timers due at now. */
void	vrrp_fsm_timer(struct vrrp_fsm *f, uint64_t now);
/* A valid advertisement for this instance (checked by the caller). */
void	vrrp_fsm_advert(struct vrrp_fsm *f, uint64_t now, int prio,
	    uint32_t adv_int, const struct tnd_addr *src);
/* Tracking: a new effective priority, or fault set / cleared. */
void	vrrp_fsm_set_prio(struct vrrp_fsm *f, uint64_t now, int prio);
void	vrrp_fsm_set_fault(struct vrrp_fsm *f, uint64_t now, int fault);
/* Sync groups: follow another member into MASTER, BACKUP or FAULT. */
void	vrrp_fsm_force(struct vrrp_fsm *f, uint64_t now, enum vrrp_state to);
/* Freeze: our loop stood still longer than Master_Down_Interval, so the
 * backup has taken over: go to BACKUP at once, without an advert. */
void	vrrp_fsm_step_down(struct vrrp_fsm *f, uint64_t now);
/* tandem-syncd's bulk sync completed at bulk_done (same clock): ends a
 * pending hold that began before it. 1 when it ended one. */
int	vrrp_fsm_sync_done(struct vrrp_fsm *f, uint64_t now, uint64_t bulk_done);
/* A new preempt_hold (0: off, which ends a pending hold). */
void	vrrp_fsm_set_phold(struct vrrp_fsm *f, uint64_t now, uint64_t max);
/* When the pending hold runs out, or 0 when none is pending. */
uint64_t vrrp_fsm_phold_until(const struct vrrp_fsm *f);
const char *vrrp_phold_end_name(enum vrrp_phold_end e);	/* "sync" ... */
/* The earliest pending timer, or 0 when none. */
uint64_t vrrp_fsm_next(const struct vrrp_fsm *f);

/* Master_Down_Interval and Skew_Time for priority prio and interval
 * adv_int (centiseconds), in microseconds. */
uint64_t vrrp_fsm_skew(int version, int prio, uint32_t adv_int);
uint64_t vrrp_fsm_down_interval(int version, int prio, uint32_t adv_int);
const char *vrrp_state_name(enum vrrp_state s);	/* "MASTER" ... */

#endif
