/* What the workers need from the kernel's tables: interface MACs, the MAC
 * of a neighbour and the route to an address. Rebuilt by the control
 * thread from the libnl caches on every change; read by workers under a
 * read lock. Missing neighbours are queued for resolution. */
#ifndef TANDEM_NEIGH_H
#define TANDEM_NEIGH_H

#include <pthread.h>
#include <stdint.h>

#include "addr.h"
#include "nl.h"

struct l2_link {
	int		ifindex;
	char		name[16];
	uint8_t		mac[6];
	int		up;
	unsigned	mtu;
};

struct l2_neigh {
	int		ifindex;
	struct tnd_addr	addr;
	uint8_t		mac[6];
	int		used;
};

struct l2_route {
	struct tnd_addr	dst;
	int		len;
	struct tnd_addr	gw;
	int		has_gw;
	int		oif;
	uint32_t	prio;
	struct tnd_addr	src;		/* preferred source, if any */
	int		has_src;
};

struct l2_addr {
	int		ifindex;
	struct tnd_addr	addr;
};

#define RESOLVE_QUEUE	64
#define NEIGH_MAX	65536	/* entries copied from the kernel */

struct l2tab {
	pthread_rwlock_t lock;
	struct l2_link	*links;
	int		 n_links;
	struct l2_neigh	*neighs;	/* open addressing, n_slots */
	uint32_t	 n_slots;
	struct l2_route	*routes;	/* longest prefix first */
	int		 n_routes;
	struct l2_addr	*addrs;		/* the node's global addresses */
	int		 n_addrs;

	pthread_mutex_t	 rq_lock;	/* resolution requests */
	struct { int ifindex; struct tnd_addr addr; } rq[RESOLVE_QUEUE];
	int		 rq_n;
	int		 rq_efd;	/* eventfd that wakes the control loop */
};

int	l2tab_init(struct l2tab *t);
void	l2tab_free(struct l2tab *t);
/* Rebuild one part from the libnl caches (control thread). */
void	l2tab_rebuild(struct l2tab *t, struct netl *nl, enum netl_kind kind);
/* Hand queued resolution requests to the kernel (control thread). */
void	l2tab_resolve_pending(struct l2tab *t, struct netl *nl);

/* Worker-side lookups; return 0 or -1. */
int	l2_link_mac(struct l2tab *t, int ifindex, uint8_t mac[6]);
/* Next hop for dst: out interface and the MAC to send to. When the MAC is
 * unknown, resolution is requested and -1 returned with *oif set. */
int	l2_next_hop(struct l2tab *t, const struct tnd_addr *dst, int *oif,
	    uint8_t mac[6]);
/* The director's own address toward dst (the route's preferred source)
 * and the MTU of the way out, for the outer header of a tunnel. */
int	l2_route_source(struct l2tab *t, const struct tnd_addr *dst,
	    struct tnd_addr *src, unsigned *mtu);
/* Queue resolution of the next hop toward dst (any thread). */
void	l2_request(struct l2tab *t, int ifindex, const struct tnd_addr *a);

#endif
