/* One VRRP instance at run time: its state machine wired to the clock,
 * the sockets, the director, notify and sync groups; and the checks an
 * advert must pass before it reaches the state machine. */
#include "vrrpd.h"

#include "log.h"

#include <string.h>
#include <time.h>

#include <event2/event.h>

uint64_t
vrrp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t
vrrp_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000;
}

static void
inst_send(void *arg, int prio)
{
	vrrp_net_send_advert(arg, prio);
}

static void
garp_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct vrrp_inst *vi = arg;
	struct timeval tv = { 1, 0 };

	if (fd != -1)		/* a timer, not the call at takeover */
		vrrp_hold_wake(vi->d);
	if (vi->fsm.state != VRRP_MASTER)
		return;
	vrrp_net_send_garp(vi);
	if (vi->garp_left > 0)
		vi->garp_left--;
	if (vi->garp_left == 0) {
		if (vi->conf->garp_refresh <= 0)
			return;
		tv.tv_sec = (time_t)vi->conf->garp_refresh;
		tv.tv_usec = (suseconds_t)((vi->conf->garp_refresh -
		    (double)tv.tv_sec) * 1e6);
	} else {
		tv.tv_sec = 0;
		tv.tv_usec = 100000;	/* a burst spread over a few 100 ms */
	}
	evtimer_add(vi->garp_ev, &tv);
}

static void
inst_transition(void *arg, enum vrrp_state from, enum vrrp_state to)
{
	struct vrrp_inst *vi = arg;
	char buf[ADDR_STRLEN];

	vi->changed_wall_ms = vrrp_wall_ms();
	log_info("%s: %s -> %s (priority %d%s%s)", vi->conf->name,
	    vrrp_state_name(from), vrrp_state_name(to), vi->fsm.prio,
	    to == VRRP_BACKUP && vi->fsm.master.af ? ", master " : "",
	    to == VRRP_BACKUP && vi->fsm.master.af ?
	    addr_str(&vi->fsm.master, buf, sizeof(buf)) : "");
	if (to == VRRP_MASTER) {
		vi->alive_at = vrrp_now();	/* freeze check (hold.c) */
		vrrp_dir_own(vi->d->dir, vi);
		vi->garp_left = vi->conf->garp_repeat;
		if (vi->garp_left > 0 || vi->conf->garp_refresh > 0)
			garp_cb(-1, 0, vi);
	} else if (from == VRRP_MASTER) {
		evtimer_del(vi->garp_ev);
		vrrp_dir_release(vi->d->dir, vi);
	}
	vrrp_notify_inst(vi, to);
	vrrp_group_follow(vi, to);
}

static int
inst_may_take_over(void *arg, uint64_t now)
{
	return vrrp_group_may_take_over(arg, now);
}

static void
inst_phold_ended(void *arg, enum vrrp_phold_end why)
{
	struct vrrp_inst *vi = arg;
	uint64_t held = (vrrp_now() - vi->fsm.phold_since) / 1000;

	if (why == VRRP_PHOLD_EXPIRED)
		log_warnx("%s: preemption hold expired without sync (%.1f s)",
		    vi->conf->name, vi->d->vc.preempt_hold);
	else
		log_info("%s: preemption hold released after %llu ms (%s)",
		    vi->conf->name, (unsigned long long)held,
		    why == VRRP_PHOLD_SYNC ? "tandem-syncd's bulk sync is done" :
		    why == VRRP_PHOLD_MASTER ? "the master went silent" :
		    "turned off");
}

static const struct vrrp_fsm_ops inst_ops = {
	.send_advert = inst_send,
	.transition = inst_transition,
	.may_take_over = inst_may_take_over,
	.phold_ended = inst_phold_ended,
};

static void
timer_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct vrrp_inst *vi = arg;

	vrrp_hold_wake(vi->d);
	vrrp_fsm_timer(&vi->fsm, vrrp_now());
	vrrp_inst_rearm(vi);
}

void
vrrp_inst_rearm(struct vrrp_inst *vi)
{
	uint64_t next = vrrp_fsm_next(&vi->fsm), now = vrrp_now();
	struct timeval tv = { 0, 0 };

	if (next == 0) {
		evtimer_del(vi->timer);
		return;
	}
	if (next > now) {
		tv.tv_sec = (time_t)((next - now) / 1000000u);
		tv.tv_usec = (suseconds_t)((next - now) % 1000000u);
	}
	evtimer_add(vi->timer, &tv);
}

int
vrrp_inst_init(struct vrrpd *d, struct vrrp_inst *vi, int idx)
{
	const struct conf_vrrp_inst *c = &d->vc.inst[idx];

	vi->d = d;
	vi->conf = c;
	vi->idx = idx;
	vi->group = -1;
	for (int g = 0; g < d->vc.n_groups; g++)
		for (int m = 0; m < d->vc.groups[g].n_members; m++)
			if (d->vc.groups[g].members[m] == idx)
				vi->group = g;
	if ((vi->ifp = vrrp_net_if(d, c->interface)) == NULL)
		return -1;
	vi->fsm.version = c->version;
	vi->fsm.base_prio = c->priority;
	vi->fsm.adv_int = c->advert_cs;
	vi->fsm.preempt = c->preempt;
	vi->fsm.preempt_delay = (uint64_t)(c->preempt_delay * 1e6);
	vi->fsm.ops = &inst_ops;
	vi->fsm.arg = vi;
	vrrp_fsm_init(&vi->fsm);
	vi->track_prio = c->priority;
	vi->timer = evtimer_new(d->base, timer_cb, vi);
	vi->garp_ev = evtimer_new(d->base, garp_cb, vi);
	if (vi->timer == NULL || vi->garp_ev == NULL)
		return -1;
	if (c->auth_type == CONF_AUTH_HMAC && vrrp_auth_load(vi) == -1)
		return -1;
	/* Replay protection across restarts: start above any sequence
	 * number sent before (microseconds since the epoch). */
	vi->tx_seq = vrrp_wall_ms() * 1000u;
	return 0;
}

/* Our primary address on the instance's interface: the tie-breaker and
 * the advert's source. IPv6 multicast adverts come from the link-local
 * address (RFC 5798 5.1.2.1); unicast ones to a global peer from a
 * global address, so that the peer can recognise us. */
static void
inst_self(struct vrrp_inst *vi)
{
	const struct conf_vrrp_inst *c = vi->conf;

	if (c->unicast_src.af)
		vi->fsm.self = c->unicast_src;
	else if (c->af == AF_INET6 && c->n_peers &&
	    !(c->peers[0].bytes[0] == 0xfe && (c->peers[0].bytes[1] & 0xc0) ==
	    0x80) && vi->ifp->addr6g.af)
		vi->fsm.self = vi->ifp->addr6g;
	else if (c->af == AF_INET6)
		vi->fsm.self = vi->ifp->addr6;
	else
		vi->fsm.self = vi->ifp->addr4;
}

void
vrrp_inst_start(struct vrrp_inst *vi)
{
	inst_self(vi);
	vrrp_fsm_start(&vi->fsm, vrrp_now());
	vrrp_inst_rearm(vi);
}

void
vrrp_inst_stop(struct vrrp_inst *vi)
{
	vi->stopping = 1;
	vrrp_fsm_shutdown(&vi->fsm, vrrp_now());
	evtimer_del(vi->timer);
	evtimer_del(vi->garp_ev);
}

void
vrrp_inst_count_err(struct vrrpd *d, struct vrrp_inst *vi,
    enum vrrp_adv_err e)
{
	struct vrrp_counters *c = vi ? &vi->cnt : &d->unmatched;

	c->invalid++;
	c->err[e]++;
	if (c->err[e] == 1 || c->err[e] % 1000 == 0)
		log_warnx("%s: advert refused (%s), %llu so far",
		    vi ? vi->conf->name : "unknown VRID",
		    vrrp_advert_err_name(e), (unsigned long long)c->err[e]);
}

static struct vrrp_inst *
inst_find(struct vrrpd *d, const struct vrrp_if *ifp, int vrid, int af)
{
	for (int i = 0; i < d->n_inst; i++) {
		struct vrrp_inst *vi = &d->inst[i];
		if (vi->ifp == ifp && vi->conf->vrid == vrid &&
		    vi->conf->af == af)
			return vi;
	}
	return NULL;
}

/* Replay protection: each sender's sequence numbers must grow. Up to 8
 * senders are remembered; beyond that a slot is reused (a forged
 * flood of sources can only make us forget, never refuse, a sender). */
static enum vrrp_adv_err
check_seq(struct vrrp_inst *vi, const struct vrrp_advert *a)
{
	int i;

	for (i = 0; i < vi->n_seen; i++)
		if (addr_eq(&vi->seen[i].src, &a->src))
			break;
	if (i < vi->n_seen && a->seq <= vi->seen[i].seq)
		return VRRP_ADV_E_REPLAY;
	if (i == vi->n_seen) {
		if (vi->n_seen < 8)
			vi->n_seen++;
		else
			i = (int)(a->seq % 8);
		vi->seen[i].src = a->src;
	}
	vi->seen[i].seq = a->seq;
	return VRRP_ADV_OK;
}

static enum vrrp_adv_err
check_auth(struct vrrp_inst *vi, const uint8_t *p, size_t len,
    const struct vrrp_advert *a)
{
	const struct conf_vrrp_inst *c = vi->conf;
	uint8_t pass[VRRP_AUTH_LEN] = { 0 };

	if (c->auth_type == CONF_AUTH_HMAC) {
		if (!a->has_trailer || vrrp_auth_verify(vi->key, vi->key_len,
		    p, len, a->hmac_off) == -1)
			return VRRP_ADV_E_AUTH;
		return check_seq(vi, a);
	}
	if (a->has_trailer)
		return VRRP_ADV_E_AUTH;
	if (c->version == 3)
		return VRRP_ADV_OK;
	memcpy(pass, c->auth_pass, strnlen(c->auth_pass, VRRP_AUTH_LEN));
	if (a->auth_type != (c->auth_type == CONF_AUTH_PASS ? 1 : 0) ||
	    (c->auth_type == CONF_AUTH_PASS &&
	    memcmp(a->auth, pass, VRRP_AUTH_LEN) != 0))
		return VRRP_ADV_E_AUTH;
	return VRRP_ADV_OK;
}

static enum vrrp_adv_err
check_inst(struct vrrp_inst *vi, const uint8_t *p, size_t len,
    const struct vrrp_advert *a)
{
	const struct conf_vrrp_inst *c = vi->conf;
	int peer = c->n_peers == 0;

	if (a->version != c->version)
		return VRRP_ADV_E_VERSION;
	if (c->version == 2 && a->adv_int != c->advert_cs)
		return VRRP_ADV_E_INTERVAL;	/* RFC 3768 7.1 */
	for (int i = 0; i < c->n_peers; i++)
		peer |= addr_eq(&c->peers[i], &a->src);
	if (!peer)
		return VRRP_ADV_E_PEER;
	return check_auth(vi, p, len, a);
}

/* RFC 5798 7.1: a mismatch is logged, never a reason to discard. */
static void
check_addrs(struct vrrp_inst *vi, const struct vrrp_advert *a)
{
	int same = a->naddr == vi->conf->n_vips;

	for (int i = 0; same && i < a->naddr; i++) {
		int found = 0;
		for (int j = 0; j < vi->conf->n_vips; j++)
			found |= addr_eq(&a->addrs[i], &vi->conf->vips[j].addr);
		same = found;
	}
	if (!same && vi->cnt.addr_mismatch++ % 1000 == 0)
		log_warnx("%s: the master's advert lists other addresses "
		    "than ours (misconfiguration?)", vi->conf->name);
}

void
vrrp_inst_recv(struct vrrpd *d, struct vrrp_if *ifp, const uint8_t *payload,
    size_t len, struct vrrp_advert *a)
{
	struct vrrp_inst *vi = inst_find(d, ifp, a->vrid, a->src.af);
	enum vrrp_adv_err e;

	if (vi == NULL) {
		vrrp_inst_count_err(d, NULL, VRRP_ADV_E_VRID);
		return;
	}
	if ((e = check_inst(vi, payload, len, a)) != VRRP_ADV_OK) {
		vrrp_inst_count_err(d, vi, e);
		return;
	}
	if (addr_eq(&a->src, &vi->fsm.self))
		return;		/* our own, looped back */
	vi->cnt.rcvd++;
	if (a->prio == 0)
		vi->cnt.prio0_rcvd++;
	else if (vi->fsm.state == VRRP_MASTER)
		vi->heard_other_at = vrrp_now();	/* another master */
	check_addrs(vi, a);
	vrrp_fsm_advert(&vi->fsm, vrrp_now(), a->prio, a->adv_int, &a->src);
	vrrp_inst_rearm(vi);
}

void
vrrp_inst_track_all(struct vrrpd *d)
{
	uint64_t now = vrrp_now();

	for (int i = 0; i < d->n_inst; i++) {
		struct vrrp_inst *vi = &d->inst[i];
		vi->track_prio = vrrp_track_prio(vi, &vi->own_fault);
		inst_self(vi);	/* the interface's address may have changed */
	}
	for (int i = 0; i < d->n_inst; i++) {
		struct vrrp_inst *vi = &d->inst[i];
		if (vi->stopping)
			continue;
		vrrp_fsm_set_prio(&vi->fsm, now, vi->track_prio);
		vrrp_fsm_set_fault(&vi->fsm, now,
		    vi->own_fault || vrrp_group_fault(vi));
		vrrp_inst_rearm(vi);
	}
}

/* After the director (re)connects: tell it the whole truth again. */
void
vrrp_inst_resync_director(struct vrrpd *d)
{
	for (int i = 0; i < d->n_inst; i++) {
		if (d->inst[i].fsm.state == VRRP_MASTER)
			vrrp_dir_own(d->dir, &d->inst[i]);
		else
			vrrp_dir_release(d->dir, &d->inst[i]);
	}
}
