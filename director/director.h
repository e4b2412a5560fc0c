/* The forwarding engine's one top-level context, shared by the control
 * thread (config, control socket, netlink, expiry) and the workers. */
#ifndef TANDEM_DIRECTOR_H
#define TANDEM_DIRECTOR_H

#include <pthread.h>
#include <stdatomic.h>

#include "conf.h"
#include "frame.h"
#include "conn.h"
#include "conn_sync.h"
#include "counters.h"
#include "neigh.h"
#include "netio.h"
#include "service.h"
#include "vip.h"

struct director;

struct worker {
	struct director		*d;
	int			 id;
	struct netio		*io;
	pthread_t		 thread;
	struct counters		 cnt;
	struct conn		 ops;	/* scratch for one-packet scheduling */
	uint8_t			 scratch[NETIO_COPY_MAX];	/* tunnel frames */
	struct csync_queue	 syncq;		/* for tandem-syncd */
};

struct director {
	struct tandem_conf	 conf;
	const char		*run_dir;
	struct svc_table	 svcs;
	struct conn_table	 conns;
	struct vip_table	 vips;
	struct l2tab		 l2;
	struct netl		*nl;
	int			 ifindex[CONF_MAX_IFACES];	/* director.interfaces */
	int			 n_ifindex;
	struct worker		*workers;
	int			 n_workers;
	_Atomic int		 stop;
	struct event_base	*base;
	struct ctl_server	*ctl;
	int			 l2_dirty;
	unsigned		 ticks;		/* seconds since start */
	uint64_t		 ring_drops;	/* kernel drops, ring full */
	struct csync		 csync;		/* connection sync */
};

/* engine.c: the per-frame path, run by workers. */
void	engine_frame(void *arg, struct netio_frame *f);
void	*engine_worker(void *arg);
/* The source MAC for frames sent on oif. */
void	engine_source_mac(struct director *d, int oif, int af, uint8_t mac[6]);
/* tunnel.c: send a connection's datagram to its real server in an IPIP
 * or GUE tunnel; 0, or the counter naming why it was dropped. */
int	tunnel_forward(struct worker *w, struct pkt *p,
	    const struct netio_frame *f, const struct conn *c);
/* icmp.c: ICMP errors for connections and echo requests to owned VIPs. */
void	engine_icmp(struct worker *w, struct pkt *p, struct netio_frame *f);
/* Send gratuitous ARPs for an instance's VIPs (control thread). */
void	engine_announce(struct director *d, const struct vip_instance *in);

/* persist.c: the real server for a new connection to a persistent
 * service, with its template (held) in *ct. */
struct dest *persist_pick(struct director *d, struct service *s,
	    const struct pkt *p, struct conn **ct, uint64_t now_ms);

/* setup.c: building the tables from the config. */
int	director_apply_config(struct director *d);
int	director_own_all(struct director *d);
void	director_resolve_dests(struct director *d);

/* control.c */
struct ctl_client;
struct json_object *control_handle(struct ctl_client *cl,
	    struct json_object *req, void *arg);
void	director_counters(struct director *d, struct counters *out);

#endif
