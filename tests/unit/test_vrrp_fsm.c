/* The VRRP state machine driven by a simulated clock: timers, preemption,
 * priority 0 hand-over, the owner, faults, tie-breaks, sync-group holds,
 * the preemption hold for connection sync and the step-down after a
 * freeze, with RFC 5798's Master_Down_Interval and Skew_Time. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "fsm.h"

#define MS	1000ull
#define SEC	1000000ull

struct rec {
	char	log[1024];
	int	sent, last_prio;
	int	allow;		/* may_take_over answer */
};

static void
rec_send(void *arg, int prio)
{
	struct rec *r = arg;

	r->sent++;
	r->last_prio = prio;
	snprintf(r->log + strlen(r->log), sizeof(r->log) - strlen(r->log),
	    "adv%d ", prio);
}

static void
rec_trans(void *arg, enum vrrp_state from, enum vrrp_state to)
{
	struct rec *r = arg;

	snprintf(r->log + strlen(r->log), sizeof(r->log) - strlen(r->log),
	    "%s ", vrrp_state_name(to));
}

static int
rec_may(void *arg, uint64_t now)
{
	return ((struct rec *)arg)->allow;
}

static void
rec_phold(void *arg, enum vrrp_phold_end why)
{
	struct rec *r = arg;

	snprintf(r->log + strlen(r->log), sizeof(r->log) - strlen(r->log),
	    "hold-%s ", vrrp_phold_end_name(why));
}

static const struct vrrp_fsm_ops ops = { rec_send, rec_trans, rec_may,
	rec_phold };

static void
setup_fsm(struct vrrp_fsm *f, struct rec *r, int version, int prio,
    uint32_t adv, int preempt)
{
	memset(f, 0, sizeof(*f));
	memset(r, 0, sizeof(*r));
	r->allow = 1;
	f->version = version;
	f->base_prio = prio;
	f->adv_int = adv;
	f->preempt = preempt;
	f->ops = &ops;
	f->arg = r;
	addr_parse("10.0.0.1", &f->self);
	vrrp_fsm_init(f);
}

/* Advance the clock to t, running every timer due on the way. */
static void
run_until(struct vrrp_fsm *f, uint64_t t)
{
	uint64_t n;

	for (int i = 0; i < 100000 && (n = vrrp_fsm_next(f)) && n <= t; i++)
		vrrp_fsm_timer(f, n);
}

static void
test_intervals(void **state)
{
	/* v3, prio 100, 1 s: skew = 156 * 100 cs / 256 = 60.9375 cs. */
	assert_int_equal(vrrp_fsm_skew(3, 100, 100), 609375);
	assert_int_equal(vrrp_fsm_down_interval(3, 100, 100), 3609375);
	/* 20 ms, prio 200: 3 * 20 ms + 56 * 20 / 256 ms. */
	assert_int_equal(vrrp_fsm_down_interval(3, 200, 2), 60000 + 4375);
	/* v2: (256 - prio) / 256 s whatever the interval. */
	assert_int_equal(vrrp_fsm_skew(2, 100, 300), 609375);
	assert_int_equal(vrrp_fsm_down_interval(2, 100, 300), 9609375);
	assert_int_equal(vrrp_fsm_skew(3, 255, 100), 3906);
}

static void
test_backup_to_master(void **state)
{
	struct vrrp_fsm f;
	struct rec r;
	uint64_t mdi = vrrp_fsm_down_interval(3, 100, 100);

	setup_fsm(&f, &r, 3, 100, 100, 1);
	vrrp_fsm_start(&f, 0);
	assert_int_equal(f.state, VRRP_BACKUP);
	assert_int_equal(vrrp_fsm_next(&f), mdi);
	run_until(&f, mdi - 1);
	assert_int_equal(f.state, VRRP_BACKUP);
	run_until(&f, mdi);
	assert_int_equal(f.state, VRRP_MASTER);
	assert_string_equal(r.log, "BACKUP adv100 MASTER ");
	assert_true(addr_eq(&f.master, &f.self));
	/* One advert per interval from then on. */
	run_until(&f, mdi + 5 * SEC);
	assert_int_equal(r.sent, 6);
}

static void
test_master_seen(void **state)
{
	struct vrrp_fsm f;
	struct rec r;
	struct tnd_addr peer;
	uint64_t t;

	addr_parse("10.0.0.2", &peer);
	setup_fsm(&f, &r, 3, 100, 100, 1);
	vrrp_fsm_start(&f, 0);
	/* A higher master advertising every second keeps us backup. */
	for (t = SEC; t < 20 * SEC; t += SEC) {
		run_until(&f, t);
		vrrp_fsm_advert(&f, t, 150, 100, &peer);
	}
	assert_int_equal(f.state, VRRP_BACKUP);
	assert_true(addr_eq(&f.master, &peer));
	assert_int_equal(f.master_prio, 150);
	/* It stops: we take over Master_Down_Interval after its last. */
	run_until(&f, t - SEC + vrrp_fsm_down_interval(3, 100, 100) - 1);
	assert_int_equal(f.state, VRRP_BACKUP);
	run_until(&f, t - SEC + vrrp_fsm_down_interval(3, 100, 100));
	assert_int_equal(f.state, VRRP_MASTER);
}

static void
test_learns_interval(void **state)
{
	struct vrrp_fsm f;
	struct rec r;
	struct tnd_addr peer;

	addr_parse("10.0.0.2", &peer);
	setup_fsm(&f, &r, 3, 100, 100, 1);
	vrrp_fsm_start(&f, 0);
	/* v3: the backup follows the master's interval (RFC 5798 6.4.2). */
	vrrp_fsm_advert(&f, 10 * MS, 200, 10, &peer);
	assert_int_equal(f.master_adv_int, 10);
	assert_int_equal(vrrp_fsm_next(&f), 10 * MS +
	    vrrp_fsm_down_interval(3, 100, 10));
}

static void
test_preempt(void **state)
{
	struct vrrp_fsm f;
	struct rec r;
	struct tnd_addr peer;

	addr_parse("10.0.0.2", &peer);
	/* With preempt, a lower master's adverts are ignored. */
	setup_fsm(&f, &r, 3, 150, 100, 1);
	vrrp_fsm_start(&f, 0);
	for (uint64_t t = SEC; t <= 5 * SEC; t += SEC) {
		run_until(&f, t);
		if (f.state == VRRP_BACKUP)
			vrrp_fsm_advert(&f, t, 100, 100, &peer);
	}
	assert_int_equal(f.state, VRRP_MASTER);
	/* nopreempt: it holds us back as long as it advertises. */
	setup_fsm(&f, &r, 3, 150, 100, 0);
	vrrp_fsm_start(&f, 0);
	for (uint64_t t = SEC; t <= 30 * SEC; t += SEC) {
		run_until(&f, t);
		vrrp_fsm_advert(&f, t, 100, 100, &peer);
	}
	assert_int_equal(f.state, VRRP_BACKUP);
}

static void
test_preempt_delay(void **state)
{
	struct vrrp_fsm f;
	struct rec r;
	struct tnd_addr peer;
	uint64_t t;

	addr_parse("10.0.0.2", &peer);
	setup_fsm(&f, &r, 3, 150, 100, 1);
	f.preempt_delay = 10 * SEC;
	vrrp_fsm_init(&f);
	vrrp_fsm_start(&f, 0);
	for (t = SEC; t <= 30 * SEC && f.state == VRRP_BACKUP; t += SEC) {
		run_until(&f, t);
		vrrp_fsm_advert(&f, t, 100, 100, &peer);
	}
	/* Not before the delay has passed, then at the next master down. */
	assert_int_equal(f.state, VRRP_MASTER);
	assert_true(f.changed_at >= 10 * SEC);
	assert_true(f.changed_at <= 10 * SEC + vrrp_fsm_down_interval(3, 150,
	    100));
}

static void
test_master_yields(void **state)
{
	struct vrrp_fsm f;
	struct rec r;
	struct tnd_addr lower, higher;

	addr_parse("10.0.0.0", &lower);
	addr_parse("10.0.0.9", &higher);
	setup_fsm(&f, &r, 3, 100, 100, 1);
	vrrp_fsm_start(&f, 0);
	run_until(&f, 4 * SEC);
	assert_int_equal(f.state, VRRP_MASTER);
	/* Equal priority, lower address: we stay master. */
	vrrp_fsm_advert(&f, 4 * SEC, 100, 100, &lower);
	assert_int_equal(f.state, VRRP_MASTER);
	/* Lower priority: ignored. */
	vrrp_fsm_advert(&f, 4 * SEC, 99, 100, &higher);
	assert_int_equal(f.state, VRRP_MASTER);
	/* Equal priority, higher address: it wins the tie. */
	vrrp_fsm_advert(&f, 4 * SEC, 100, 100, &higher);
	assert_int_equal(f.state, VRRP_BACKUP);
	assert_true(addr_eq(&f.master, &higher));
}

static void
test_prio_zero(void **state)
{
	struct vrrp_fsm f;
	struct rec r;
	struct tnd_addr peer;

	addr_parse("10.0.0.2", &peer);
	setup_fsm(&f, &r, 3, 100, 100, 1);
	vrrp_fsm_start(&f, 0);
	vrrp_fsm_advert(&f, SEC, 200, 100, &peer);
	/* The master leaves: we take over after Skew_Time only. */
	vrrp_fsm_advert(&f, 2 * SEC, 0, 100, &peer);
	assert_int_equal(vrrp_fsm_next(&f), 2 * SEC + vrrp_fsm_skew(3, 100,
	    100));
	run_until(&f, 2 * SEC + vrrp_fsm_skew(3, 100, 100));
	assert_int_equal(f.state, VRRP_MASTER);
	/* A master shutting down sends priority 0. */
	r.log[0] = '\0';
	vrrp_fsm_shutdown(&f, 3 * SEC);
	assert_string_equal(r.log, "adv0 INIT ");
	assert_int_equal(vrrp_fsm_next(&f), 0);
	/* A master hearing priority 0 answers at once. */
	setup_fsm(&f, &r, 3, 100, 100, 1);
	vrrp_fsm_start(&f, 0);
	run_until(&f, 4 * SEC);
	int sent = r.sent;
	vrrp_fsm_advert(&f, 4 * SEC + 1, 0, 100, &peer);
	assert_int_equal(r.sent, sent + 1);
	assert_int_equal(f.state, VRRP_MASTER);
}

static void
test_owner(void **state)
{
	struct vrrp_fsm f;
	struct rec r;

	setup_fsm(&f, &r, 3, 255, 100, 0);
	vrrp_fsm_start(&f, 0);
	assert_string_equal(r.log, "adv255 MASTER ");
	vrrp_fsm_set_prio(&f, SEC, 100);	/* never moves */
	assert_int_equal(f.prio, 255);
}

static void
test_fault(void **state)
{
	struct vrrp_fsm f;
	struct rec r;

	setup_fsm(&f, &r, 3, 100, 100, 1);
	vrrp_fsm_start(&f, 0);
	run_until(&f, 4 * SEC);
	r.log[0] = '\0';
	vrrp_fsm_set_fault(&f, 4 * SEC, 1);
	assert_string_equal(r.log, "adv0 FAULT ");
	assert_int_equal(vrrp_fsm_next(&f), 0);
	/* Adverts do nothing in FAULT, and forcing cannot lift it. */
	vrrp_fsm_force(&f, 5 * SEC, VRRP_MASTER);
	assert_int_equal(f.state, VRRP_FAULT);
	vrrp_fsm_set_fault(&f, 6 * SEC, 0);
	assert_int_equal(f.state, VRRP_BACKUP);
	/* Starting while faulty starts in FAULT. */
	setup_fsm(&f, &r, 3, 100, 100, 1);
	vrrp_fsm_set_fault(&f, 0, 1);
	vrrp_fsm_start(&f, 0);
	assert_string_equal(r.log, "FAULT ");
}

static void
test_prio_change(void **state)
{
	struct vrrp_fsm f;
	struct rec r;

	setup_fsm(&f, &r, 3, 100, 100, 1);
	vrrp_fsm_start(&f, 0);
	run_until(&f, 4 * SEC);
	int sent = r.sent;
	vrrp_fsm_set_prio(&f, 4 * SEC, 80);
	/* The master tells the backups at once. */
	assert_int_equal(r.sent, sent + 1);
	assert_int_equal(r.last_prio, 80);
	vrrp_fsm_set_prio(&f, 4 * SEC, -20);
	assert_int_equal(f.prio, 1);
}

static void
test_sync_hold(void **state)
{
	struct vrrp_fsm f;
	struct rec r;
	uint64_t mdi = vrrp_fsm_down_interval(3, 100, 100);

	setup_fsm(&f, &r, 3, 100, 100, 1);
	r.allow = 0;
	vrrp_fsm_start(&f, 0);
	run_until(&f, mdi + 3 * SEC);
	assert_int_equal(f.state, VRRP_BACKUP);
	/* down_at stays passed: the group can see this member wants it. */
	assert_true(f.down_at == mdi);
	r.allow = 1;
	run_until(&f, mdi + 4 * SEC);
	assert_int_equal(f.state, VRRP_MASTER);
	vrrp_fsm_force(&f, mdi + 5 * SEC, VRRP_BACKUP);
	assert_int_equal(f.state, VRRP_BACKUP);
	vrrp_fsm_force(&f, mdi + 5 * SEC, VRRP_MASTER);
	assert_int_equal(f.state, VRRP_MASTER);
}

static void
test_v2_timers(void **state)
{
	struct vrrp_fsm f;
	struct rec r;
	struct tnd_addr peer;

	addr_parse("10.0.0.2", &peer);
	setup_fsm(&f, &r, 2, 100, 100, 1);
	vrrp_fsm_start(&f, 0);
	/* v2 does not learn the master's interval. */
	vrrp_fsm_advert(&f, SEC, 200, 300, &peer);
	assert_int_equal(f.master_adv_int, 100);
	assert_int_equal(vrrp_fsm_next(&f), SEC + 3 * SEC + 609375);
}

/* A lower-priority master advertising every second from `from` until
 * `to` (or until we are master); returns the time of its last advert. */
static uint64_t
lower_master(struct vrrp_fsm *f, uint64_t from, uint64_t to)
{
	struct tnd_addr peer;
	uint64_t t, last = 0;

	addr_parse("10.0.0.2", &peer);
	for (t = from; t <= to && f->state != VRRP_MASTER; t += SEC) {
		run_until(f, t);
		if (f->state == VRRP_BACKUP) {
			vrrp_fsm_advert(f, t, 100, 100, &peer);
			last = t;
		}
	}
	return last;
}

static void
setup_held(struct vrrp_fsm *f, struct rec *r, uint64_t max)
{
	setup_fsm(f, r, 3, 150, 100, 1);
	f->phold_max = max;
}

static void
test_phold_start(void **state)
{
	struct vrrp_fsm f;
	struct rec r;

	/* Pending from start-up: a lower master is accepted as if preempt
	 * were off, for as long as it advertises. */
	setup_held(&f, &r, 30 * SEC);
	vrrp_fsm_start(&f, SEC);
	assert_true(f.phold);
	assert_int_equal(f.phold_since, SEC);
	assert_int_equal(vrrp_fsm_phold_until(&f), 31 * SEC);
	lower_master(&f, 2 * SEC, 20 * SEC);
	assert_int_equal(f.state, VRRP_BACKUP);
	assert_int_equal(f.master_prio, 100);
	assert_string_equal(r.log, "BACKUP ");
	/* Without a hold the same backup preempts. */
	setup_held(&f, &r, 0);
	vrrp_fsm_start(&f, SEC);
	assert_false(f.phold);
	lower_master(&f, 2 * SEC, 20 * SEC);
	assert_int_equal(f.state, VRRP_MASTER);
}

static void
test_phold_master_down(void **state)
{
	struct vrrp_fsm f;
	struct rec r;
	uint64_t last, mdi = vrrp_fsm_down_interval(3, 150, 100);

	/* A silent master is a failover, not a preemption: at once. */
	setup_held(&f, &r, 30 * SEC);
	vrrp_fsm_start(&f, 0);
	last = lower_master(&f, SEC, 5 * SEC);
	run_until(&f, last + mdi - 1);
	assert_int_equal(f.state, VRRP_BACKUP);
	run_until(&f, last + mdi);
	assert_int_equal(f.state, VRRP_MASTER);
	assert_false(f.phold);
	assert_int_equal(f.phold_end, VRRP_PHOLD_MASTER);
	assert_string_equal(r.log, "BACKUP hold-master adv150 MASTER ");
	/* Never heard a master at all: the same, after one interval. */
	setup_held(&f, &r, 30 * SEC);
	vrrp_fsm_start(&f, 0);
	run_until(&f, mdi);
	assert_int_equal(f.state, VRRP_MASTER);
}

static void
test_phold_sync(void **state)
{
	struct vrrp_fsm f;
	struct rec r;
	uint64_t mdi = vrrp_fsm_down_interval(3, 150, 100);

	setup_held(&f, &r, 30 * SEC);
	vrrp_fsm_start(&f, 2 * SEC);
	lower_master(&f, 3 * SEC, 5 * SEC);
	/* A bulk sync from before the hold (or at its very start) is old. */
	assert_false(vrrp_fsm_sync_done(&f, 5 * SEC, SEC));
	assert_false(vrrp_fsm_sync_done(&f, 5 * SEC, 2 * SEC));
	assert_true(f.phold);
	lower_master(&f, 6 * SEC, 10 * SEC);
	assert_int_equal(f.state, VRRP_BACKUP);
	/* A newer one releases it; then normal preemption. */
	assert_true(vrrp_fsm_sync_done(&f, 10 * SEC + 1, 2 * SEC + 1));
	assert_false(f.phold);
	assert_int_equal(f.phold_end, VRRP_PHOLD_SYNC);
	assert_int_equal(f.phold_ended_at, 10 * SEC + 1);
	lower_master(&f, 11 * SEC, 30 * SEC);
	assert_int_equal(f.state, VRRP_MASTER);
	/* Its adverts are ignored from then on: master one interval
	 * after the last one accepted. */
	assert_int_equal(f.changed_at, 10 * SEC + mdi);
	assert_string_equal(r.log, "BACKUP hold-sync adv150 MASTER ");
	/* Nothing pending: a report does nothing. */
	assert_false(vrrp_fsm_sync_done(&f, 31 * SEC, 31 * SEC));
}

static void
test_phold_expiry(void **state)
{
	struct vrrp_fsm f;
	struct rec r;
	uint64_t mdi = vrrp_fsm_down_interval(3, 150, 100);

	setup_held(&f, &r, 5 * SEC + 500 * MS);
	vrrp_fsm_start(&f, 0);
	/* The timer wakes at the end of the hold. */
	lower_master(&f, SEC, 5 * SEC);
	assert_int_equal(vrrp_fsm_next(&f), 5 * SEC + 500 * MS);
	run_until(&f, 5 * SEC + 500 * MS);
	assert_false(f.phold);
	assert_int_equal(f.phold_end, VRRP_PHOLD_EXPIRED);
	assert_int_equal(f.state, VRRP_BACKUP);
	lower_master(&f, 6 * SEC, 30 * SEC);
	assert_int_equal(f.state, VRRP_MASTER);
	assert_int_equal(f.changed_at, 5 * SEC + mdi);
	assert_string_equal(r.log, "BACKUP hold-expired adv150 MASTER ");
}

static void
test_phold_preempt_delay(void **state)
{
	struct vrrp_fsm f;
	struct rec r;

	/* preempt_delay still applies after the hold: here it counts from
	 * start-up (keepalived's rule) and ends after the hold. */
	setup_held(&f, &r, 4 * SEC);
	f.preempt_delay = 10 * SEC;
	vrrp_fsm_start(&f, 0);
	lower_master(&f, SEC, 30 * SEC);
	assert_int_equal(f.state, VRRP_MASTER);
	assert_true(f.changed_at >= 10 * SEC);
	assert_int_equal(f.phold_end, VRRP_PHOLD_EXPIRED);
}

static void
test_phold_leave_master(void **state)
{
	struct vrrp_fsm f;
	struct rec r;
	struct tnd_addr higher;
	uint64_t mdi = vrrp_fsm_down_interval(3, 150, 100);

	addr_parse("10.0.0.9", &higher);
	setup_held(&f, &r, 30 * SEC);
	vrrp_fsm_start(&f, 0);
	run_until(&f, mdi);
	assert_int_equal(f.state, VRRP_MASTER);
	/* Losing mastership (a higher master) starts a new hold. */
	vrrp_fsm_advert(&f, 2 * SEC, 200, 100, &higher);
	assert_int_equal(f.state, VRRP_BACKUP);
	assert_true(f.phold);
	assert_int_equal(f.phold_since, 2 * SEC);
	assert_int_equal(f.pholds, 2);
	/* So does a fault; FAULT -> BACKUP keeps it. */
	vrrp_fsm_force(&f, 3 * SEC, VRRP_MASTER);
	assert_false(f.phold);
	vrrp_fsm_set_fault(&f, 4 * SEC, 1);
	assert_true(f.phold);
	vrrp_fsm_set_fault(&f, 5 * SEC, 0);
	assert_int_equal(f.state, VRRP_BACKUP);
	assert_true(f.phold);
	assert_int_equal(f.phold_since, 4 * SEC);
	/* Turning it off ends it. */
	vrrp_fsm_set_phold(&f, 6 * SEC, 0);
	assert_false(f.phold);
	assert_int_equal(f.phold_end, VRRP_PHOLD_OFF);
}

static void
test_step_down(void **state)
{
	struct vrrp_fsm f;
	struct rec r;
	uint64_t mdi = vrrp_fsm_down_interval(3, 150, 100);

	setup_held(&f, &r, 30 * SEC);
	vrrp_fsm_start(&f, 0);
	run_until(&f, mdi);
	assert_int_equal(f.state, VRRP_MASTER);
	r.log[0] = '\0';
	/* After a freeze: BACKUP at once, nothing sent, hold pending. */
	vrrp_fsm_step_down(&f, 10 * SEC);
	assert_string_equal(r.log, "BACKUP ");
	assert_int_equal(f.state, VRRP_BACKUP);
	assert_int_equal(f.adver_at, 0);
	assert_true(f.phold);
	assert_int_equal(f.phold_since, 10 * SEC);
	assert_int_equal(f.master.af, 0);
	/* The new master (lower) is accepted while the hold is pending. */
	lower_master(&f, 11 * SEC, 20 * SEC);
	assert_int_equal(f.state, VRRP_BACKUP);
	assert_string_equal(r.log, "BACKUP ");
	/* Only a master steps down. */
	vrrp_fsm_step_down(&f, 21 * SEC);
	assert_int_equal(f.transitions, 3);
	assert_int_equal(f.to_master, 1);	/* MIB's MasterTransitions */
	/* The owner never holds. */
	setup_held(&f, &r, 30 * SEC);
	f.base_prio = 255;
	vrrp_fsm_init(&f);
	vrrp_fsm_start(&f, 7 * SEC);
	assert_false(f.phold);
	assert_int_equal(f.state, VRRP_MASTER);
	/* Up since it left INIT (the MIB's UpTime); back to 0 at shutdown. */
	assert_int_equal(f.up_since, 7 * SEC);
	assert_int_equal(f.to_master, 1);
	vrrp_fsm_shutdown(&f, 9 * SEC);
	assert_int_equal(f.state, VRRP_INIT);
	assert_int_equal(f.up_since, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intervals),
		cmocka_unit_test(test_backup_to_master),
		cmocka_unit_test(test_master_seen),
		cmocka_unit_test(test_learns_interval),
		cmocka_unit_test(test_preempt),
		cmocka_unit_test(test_preempt_delay),
		cmocka_unit_test(test_master_yields),
		cmocka_unit_test(test_prio_zero),
		cmocka_unit_test(test_owner),
		cmocka_unit_test(test_fault),
		cmocka_unit_test(test_prio_change),
		cmocka_unit_test(test_sync_hold),
		cmocka_unit_test(test_v2_timers),
		cmocka_unit_test(test_phold_start),
		cmocka_unit_test(test_phold_master_down),
		cmocka_unit_test(test_phold_sync),
		cmocka_unit_test(test_phold_expiry),
		cmocka_unit_test(test_phold_preempt_delay),
		cmocka_unit_test(test_phold_leave_master),
		cmocka_unit_test(test_step_down),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
