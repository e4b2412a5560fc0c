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

struct health_entry;
struct health_table {			/* health.c: the down servers */
	struct health_entry	*e;
	int			 n, cap;
};

/* A real server a reload left out of the file, drained until its last
 * active connection ends (reload.c); named by key, as tandemctl may
 * delete it meanwhile. */
struct drain_key {
	uint32_t		 fwmark;
	uint8_t			 proto;
	struct tnd_addr		 vaddr, daddr;
	uint16_t		 vport, dport;
};

struct drain_list {
	struct drain_key	*v;
	int			 n, cap;
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
	struct health_table	 health;	/* from tandem-checkd */
	struct drain_list	 drains;	/* reload.c */
	struct ctl_server	*ctl_ro;	/* node.monitor_socket */
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

/* reload.c: apply the config file again (SIGHUP, "reload"): the reply
 * says what changed, or why nothing did. */
struct json_object *director_reload(struct director *d);
/* Once a second: delete drained real servers with no active connection. */
void	reload_drain_tick(struct director *d);

/* control.c */
struct ctl_client;
struct json_object *control_handle(struct ctl_client *cl,
	    struct json_object *req, void *arg);
void	director_counters(struct director *d, struct counters *out);
/* The read-only monitoring socket (node.monitor_socket). */
int	control_open_monitor(struct director *d);
/* A request's {proto, addr, port} or {fwmark}, and its service. */
int	control_req_service(struct json_object *o, uint8_t *proto,
	    struct tnd_addr *addr, uint16_t *port);
struct service *control_svc_lookup(struct director *d, uint8_t proto,
	    const struct tnd_addr *addr, uint16_t port);

/* health.c: real-server health from tandem-checkd (dest_health). The
 * caller of health_filter/health_is_down holds the service table lock. */
struct json_object *health_cmd(struct director *d, struct json_object *req);
/* Before adding or editing a destination (tandemctl, config reload):
 * when its check has it down, *weight (-1: unchanged) is kept for its
 * return and becomes 0 (inhibit_on_failure), or 1 says to leave it out. */
int	health_filter(struct director *d, struct service *s,
	    const struct tnd_addr *addr, uint16_t port, int *weight);
int	health_is_down(struct director *d, const struct dest *ds);
/* At start: real servers with a check in an alpha virtual server start
 * down until tandem-checkd says they are up. */
void	health_apply_alpha(struct director *d);
void	health_free(struct director *d);

#endif
