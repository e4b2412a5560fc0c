/* Virtual services and their real servers (destinations), as IPVS keeps
 * them: a service is (protocol, VIP, port) with a scheduler and an ordered
 * list of destinations; a deleted destination that connections still use
 * waits in the trash until they expire or it is added back. */
#ifndef TANDEM_SERVICE_H
#define TANDEM_SERVICE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "addr.h"
#include "conf.h"

struct sched_ops;

/* IPVS's rate estimator state (ip_vs_est.c): the last counter values and
 * the smoothed rates in fixed point; updated every 2 s by the control
 * thread only. */
struct est {
	uint64_t	last_conns, last_inpkts, last_outpkts;
	uint64_t	last_inbytes, last_outbytes;
	int64_t		cps, inpps, outpps, inbps, outbps;
};

struct stats {
	_Atomic uint64_t conns, inpkts, outpkts, inbytes, outbytes;
	struct est	 est;
};

struct rates {
	uint64_t	cps, inpps, outpps, inbps, outbps;
};

#define SCHED_F_FALLBACK	0x1	/* sh/mh: skip an unusable server */
#define SCHED_F_PORT		0x2	/* sh/mh: hash the source port too */

#define DEST_F_AVAILABLE	0x1	/* in its service's list */
#define DEST_F_OVERLOAD		0x2	/* at its upper threshold */

struct dest {
	struct tnd_addr		 addr;
	uint16_t		 port;
	enum fwd_method		 method;
	_Atomic int		 weight;
	_Atomic int		 flags;
	_Atomic int32_t		 active, inactive;
	_Atomic int32_t		 persist;	/* persistence templates */
	uint32_t		 u_threshold, l_threshold;
	int			 tun_type;	/* TUN_IPIP, TUN_GUE, TUN_GRE */
	uint16_t		 tun_port;	/* GUE's UDP port */
	int			 tun_csum;	/* GUE/GRE with a checksum */
	_Atomic int32_t		 refcnt;	/* connections + 1 while listed */
	struct stats		 stats;
	struct service		*svc;
	struct dest		*trash_next;
};

struct service {
	uint8_t			 proto;		/* 0: a group of every protocol */
	struct tnd_addr		 addr;		/* a group: af 0, the fwmark */
	uint16_t		 port;
	uint32_t		 fwmark;	/* a service group when not 0 */
	struct addr_range	*members;
	int			 n_members;
	uint32_t		 persistent;	/* seconds; 0 = off */
	uint32_t		 netmask;	/* host order, v4 */
	uint32_t		 sched_flags;	/* SCHED_F_*, for sh and mh */
	int			 ops;		/* UDP one-packet scheduling */
	int			 pe_sip;	/* --pe sip: Call-ID persistence */
	_Atomic int32_t		 half_open;	/* TCP conns not yet established */
	_Atomic uint64_t	 flood_until_ms; /* SYN-flood defence active */
	const struct sched_ops	*sched;
	void			*sched_data;
	pthread_mutex_t		 sched_lock;	/* scheduler state */
	struct dest		**dests;	/* IPVS list order */
	int			 n_dests, cap_dests;
	_Atomic int32_t		 refcnt;	/* dests + 1 while listed */
	struct stats		 stats;
	struct service		*next;		/* hash chain */
};

#define SVC_TAB_SIZE	256

struct svc_table {
	pthread_rwlock_t	 lock;		/* workers read, control writes */
	struct service		*hash[SVC_TAB_SIZE];
	int			 count;
	struct dest		*trash;
	struct stats		 total;
	struct service		**groups;	/* the fwmark services, to match */
	int			 n_groups, cap_groups;
};

void	svc_table_init(struct svc_table *t);
void	svc_table_free(struct svc_table *t);

/* Lookups; the caller holds t->lock (read or write). */
struct service *svc_find(struct svc_table *t, uint8_t proto,
	    const struct tnd_addr *addr, uint16_t port);
struct dest *svc_find_dest(struct service *s, const struct tnd_addr *addr,
	    uint16_t port);
struct service *svc_find_fwmark(struct svc_table *t, uint32_t fwmark);
/* The group service whose members hold (addr, port), for proto. */
struct service *svc_match_group(struct svc_table *t, uint8_t proto,
	    const struct tnd_addr *addr, uint16_t port);

/* Changes; the caller holds t->lock for writing. Return 0 or a negative
 * errno: -EEXIST, -ENOENT, -ESRCH (no such scheduler), -ENOMEM. */
int	svc_add(struct svc_table *t, uint8_t proto, const struct tnd_addr *addr,
	    uint16_t port, const char *sched, uint32_t persistent,
	    uint32_t netmask, struct service **out);
/* A service group (the stand-in for a firewall-mark service): proto 0
 * takes every protocol; members may be set later with svc_set_members. */
int	svc_add_group(struct svc_table *t, uint8_t proto, uint32_t fwmark,
	    const char *sched, uint32_t persistent, uint32_t netmask,
	    struct service **out);
int	svc_set_members(struct service *s, const struct addr_range *m, int n);
int	svc_edit(struct svc_table *t, struct service *s, const char *sched,
	    uint32_t persistent, uint32_t netmask);
int	svc_del(struct svc_table *t, struct service *s);
void	svc_clear(struct svc_table *t);
int	svc_add_dest(struct svc_table *t, struct service *s,
	    const struct tnd_addr *addr, uint16_t port, enum fwd_method m,
	    int weight, uint32_t u_thresh, uint32_t l_thresh);
int	svc_edit_dest(struct service *s, struct dest *d, enum fwd_method m,
	    int weight, uint32_t u_thresh, uint32_t l_thresh);
int	svc_del_dest(struct svc_table *t, struct service *s, struct dest *d);
void	svc_zero(struct svc_table *t, struct service *s);	/* s NULL: all */
/* Free trashed destinations no connection holds any more. */
void	svc_trash_collect(struct svc_table *t);

/* Reference counting for connections (any thread). */
void	dest_hold(struct dest *d);
void	dest_put(struct dest *d);

/* Connection accounting as IPVS does it (ip_vs_bind/unbind_dest). */
void	dest_conn_bound(struct dest *d, int active);
void	dest_conn_unbound(struct dest *d, int active);

static inline uint32_t
dest_overhead(const struct dest *d)	/* IPVS: active * 256 + inactive */
{
	return ((uint32_t)atomic_load(&d->active) << 8) +
	    (uint32_t)atomic_load(&d->inactive);
}

static inline int
dest_usable(const struct dest *d)
{
	return !(atomic_load(&d->flags) & DEST_F_OVERLOAD) &&
	    atomic_load(&d->weight) > 0;
}

void	stats_add(struct stats *s, int in, uint64_t bytes);

/* estimator.c: one 2-second step for every service, dest and the total
 * (the caller holds the table lock), and the rates per second. */
void	est_tick(struct svc_table *t);
void	est_step(struct stats *s);
void	est_read(const struct stats *s, struct rates *r);
#endif
