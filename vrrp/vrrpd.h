/* tandem-vrrpd's state: the daemon context, its interfaces and instances,
 * and the functions each vrrp/ module offers the others. */
#ifndef TANDEM_VRRPD_H
#define TANDEM_VRRPD_H

#include <net/if.h>
#include <stdint.h>

#include <json-c/json.h>

#include "addr.h"
#include "advert.h"
#include "conf.h"
#include "fsm.h"
#include "script.h"

struct event;
struct event_base;
struct ctl_server;
struct netl;
struct vrrp_dir;
struct vrrp_job;

#define VRRP_MAX_IFS	16

struct vrrp_if {
	char		 name[IFNAMSIZ];
	int		 ifindex;
	uint8_t		 mac[6];
	int		 up;		/* IFF_UP and carrier */
	struct tnd_addr	 addr4;		/* primary IPv4 (af 0: none) */
	struct tnd_addr	 addr6;		/* link-local IPv6 */
	struct tnd_addr	 addr6g;	/* first global IPv6 (unicast peers) */
	int		 joined4, joined6;
};

struct vrrp_counters {
	uint64_t	sent, rcvd, invalid;
	uint64_t	err[VRRP_ADV_E_MAX];
	uint64_t	prio0_sent, prio0_rcvd;
	uint64_t	addr_mismatch;
	uint64_t	garp_sent;
	uint64_t	tx_noaddr;	/* adverts not sent: no source address */
	uint64_t	freeze_stepdowns;	/* masters that found the loop
						 * stalled past Master_Down */
};

/* A track script shared by instances. */
struct vrrp_tscript {
	const struct conf_vrrp_script *conf;
	int		 ok;		/* current result after rise/fall */
	int		 run_ok, run_fail;	/* consecutive results */
	struct event	*ev;
	int		 running;
	struct vrrpd	*d;
};

/* A state reported from outside (tandem-checkd's quorum, or any client of
 * vrrpd.sock): down until reported up. */
struct vrrp_ext {
	char		 name[CONF_NAME_MAX];
	int		 up;
};

#define VRRP_MAX_EXT	64

struct vrrp_inst {
	struct vrrpd	*d;
	const struct conf_vrrp_inst *conf;
	int		 idx;
	int		 group;		/* sync group index, -1 none */
	struct vrrp_if	*ifp;
	struct vrrp_fsm	 fsm;
	struct event	*timer;
	struct event	*garp_ev;
	int		 garp_left;
	struct vrrp_counters cnt;
	uint64_t	 changed_wall_ms;	/* last transition, epoch ms */
	/* HMAC authentication (Tandem pairs) */
	uint8_t		 key[64];
	size_t		 key_len;
	uint64_t	 tx_seq;
	struct vrrp_seen {		/* last sequence accepted per sender */
		struct tnd_addr	 src;
		uint64_t	 seq;
	}		 seen[8];
	int		 n_seen;
	int		 stopping;
	int		 own_fault;	/* tracking, before the group's */
	int		 track_prio;
	int		 phold_cover;	/* sync.follow covers it (hold.c) */
	uint64_t	 alive_at;	/* master: the loop last ran (us) */
	uint64_t	 heard_other_at;	/* master: another node's
						 * advert arrived (us) */
};

/* The last sync_state report of tandem-syncd (control.c, hold.c). */
struct vrrp_sync_report {
	char		 follow[CONF_NAME_MAX];
	int		 in_sync;
	uint64_t	 bulk_done_ms;	/* CLOCK_MONOTONIC ms, 0 never */
	uint64_t	 lease_ms;
	uint64_t	 at_ms;		/* when it arrived (monotonic) */
};

struct vrrpd {
	struct event_base	*base;
	struct tandem_conf	 conf;
	struct conf_vrrp	 vc;
	const char		*conf_path;
	char			 run_dir[CONF_PATH_MAX];
	struct vrrp_inst	*inst;
	int			 n_inst;
	struct vrrp_if		 ifs[VRRP_MAX_IFS];
	int			 n_ifs;
	struct vrrp_tscript	*scripts;
	int			 n_scripts;
	int			 tx_fd;		/* AF_PACKET, for every send */
	int			 uni_fd4, uni_fd6;	/* unicast adverts */
	int			 rx_fd4, rx_fd6;
	struct event		*rx_ev4, *rx_ev6;
	struct netl		*nl;
	struct event		*nl_ev;
	struct ctl_server	*ctl;
	struct vrrp_dir		*dir;
	int			 dir_alive;
	int			 fifo_fd;
	int			 group_busy;	/* sync propagation running */
	enum vrrp_state		*gstate;	/* per sync group */
	struct vrrp_counters	 unmatched;	/* adverts for no instance */
	uint32_t		 rx_dropped4, rx_dropped6;	/* SO_RXQ_OVFL */
	uint16_t		 ip_id;
	struct script_set	 jobs;		/* running scripts */
	struct vrrp_ext		 ext[VRRP_MAX_EXT];
	int			 n_ext;
	struct script_cred	 script_cred;	/* vc.script_user */
	struct vrrp_sync_report	 sync_last;	/* sync_state (hold.c) */
	uint64_t		 sync_reports, sync_refused;
	uint64_t		 stalls;	/* loop stalls past a master's
						 * Master_Down_Interval */
};

/* time.c-like helpers (inst.c) */
uint64_t vrrp_now(void);		/* monotonic microseconds */
uint64_t vrrp_wall_ms(void);

/* inst.c */
int	vrrp_inst_init(struct vrrpd *d, struct vrrp_inst *vi, int idx);
void	vrrp_inst_start(struct vrrp_inst *vi);
void	vrrp_inst_stop(struct vrrp_inst *vi);
void	vrrp_inst_rearm(struct vrrp_inst *vi);
void	vrrp_inst_recv(struct vrrpd *d, struct vrrp_if *ifp,
	    const uint8_t *payload, size_t len, struct vrrp_advert *a);
void	vrrp_inst_count_err(struct vrrpd *d, struct vrrp_inst *vi,
	    enum vrrp_adv_err e);
/* Recompute every instance's priority and fault from tracking. */
void	vrrp_inst_track_all(struct vrrpd *d);
void	vrrp_inst_resync_director(struct vrrpd *d);

/* group.c */
void	vrrp_group_follow(struct vrrp_inst *vi, enum vrrp_state to);
int	vrrp_group_may_take_over(struct vrrp_inst *vi, uint64_t now);
int	vrrp_group_fault(struct vrrp_inst *vi);	/* a member's own */

/* net.c */
int	vrrp_net_open(struct vrrpd *d);
void	vrrp_net_close(struct vrrpd *d);
struct vrrp_if *vrrp_net_if(struct vrrpd *d, const char *name);
int	vrrp_net_refresh_if(struct vrrpd *d, struct vrrp_if *ifp);
int	vrrp_net_join(struct vrrpd *d, struct vrrp_if *ifp, int af);
int	vrrp_net_send_advert(struct vrrp_inst *vi, int prio);
int	vrrp_net_send_garp(struct vrrp_inst *vi);
/* Read every advert waiting in the receive sockets (after a stall). */
void	vrrp_net_drain(struct vrrpd *d);

/* track.c */
int	vrrp_track_open(struct vrrpd *d);
void	vrrp_track_close(struct vrrpd *d);
/* Effective priority of vi and whether it must be in FAULT. */
int	vrrp_track_prio(struct vrrp_inst *vi, int *fault);
/* A tracked check's state from a client; -1 when the table is full. */
int	vrrp_track_ext_set(struct vrrpd *d, const char *name, int up);

/* notify.c */
void	vrrp_notify_inst(struct vrrp_inst *vi, enum vrrp_state to);
void	vrrp_notify_group(struct vrrpd *d, int g, enum vrrp_state to);
int	vrrp_notify_open(struct vrrpd *d);
/* The FIFO line keepalived writes: INSTANCE "name" MASTER 100 */
int	vrrp_notify_line(char *buf, size_t len, const char *kind,
	    const char *name, enum vrrp_state st, int prio);


/* director.c: the director client */
struct vrrp_dir *vrrp_dir_open(struct vrrpd *d);
void	vrrp_dir_close(struct vrrp_dir *dir);
void	vrrp_dir_own(struct vrrp_dir *dir, const struct vrrp_inst *vi);
void	vrrp_dir_release(struct vrrp_dir *dir, const struct vrrp_inst *vi);
/* Send what is queued now, blocking up to the timeout (shutdown). */
void	vrrp_dir_flush(struct vrrp_dir *dir);

/* hold.c: the preemption hold for connection sync, and the step-down of
 * a master whose loop stood still (a freeze). */
/* Which instances sync.follow covers, and preempt_hold, from d->vc. */
void	vrrp_hold_conf(struct vrrpd *d);
/* At the top of every callback, before anything is sent. */
void	vrrp_hold_wake(struct vrrpd *d);
/* Instances a name means: an instance, or every member of a sync group;
 * -1 when it names neither, else how many went to idx (at most max). */
int	vrrp_hold_lookup(const struct vrrpd *d, const char *name, int *idx,
	    int max);
/* A sync_state report: ends the holds it releases; the reply (an error
 * reply, counted, for a name that is no instance or sync group). */
json_object *vrrp_hold_report(struct vrrpd *d,
	    const struct vrrp_sync_report *r);
/* The hold of one instance, and the daemon's sync view, for status. */
json_object *vrrp_hold_inst_json(const struct vrrp_inst *vi);
json_object *vrrp_hold_json(const struct vrrpd *d);

/* reload.c: SIGHUP; 0, or -1 with the old configuration kept */
int	vrrp_reload(struct vrrpd *d);

/* control.c */
int	vrrp_ctl_open(struct vrrpd *d);
json_object *vrrp_ctl_status(struct vrrpd *d);
/* One request (the fuzz target calls it without a socket). */
json_object *vrrp_ctl_handle(struct vrrpd *d, json_object *req);

/* auth.c */
int	vrrp_auth_load(struct vrrp_inst *vi);
void	vrrp_auth_sign(const struct vrrp_inst *vi, uint8_t *p, size_t len,
	    size_t hmac_off);
int	vrrp_auth_verify(const uint8_t *key, size_t key_len,
	    const uint8_t *p, size_t len, size_t hmac_off);

#endif
