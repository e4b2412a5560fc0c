/* Netlink through libnl-3: the kernel's links, neighbours and routes kept
 * current in caches by notifications (one event socket for the caller's
 * loop) and a separate command socket for requests such as starting
 * neighbour resolution. Errors come back as -errno. */
#ifndef TANDEM_NL_H
#define TANDEM_NL_H

#include <stdint.h>

struct netl;
struct nl_cache;

enum netl_kind { NETL_LINKS, NETL_NEIGHS, NETL_ROUTES, NETL_ADDRS, NETL_KINDS };

/* Called after a cache changed (the caller rebuilds what it derives). */
typedef void (*netl_change_cb)(enum netl_kind kind, void *arg);

struct netl *netl_open(netl_change_cb cb, void *arg);
void	netl_close(struct netl *n);
int	netl_event_fd(struct netl *n);
/* Read pending notifications and update the caches. */
int	netl_process(struct netl *n);
struct nl_cache *netl_cache(struct netl *n, enum netl_kind kind);
/* Ask the kernel to resolve an IPv4/IPv6 neighbour on ifindex (NTF_USE). */
int	netl_neigh_resolve(struct netl *n, int ifindex, int af,
	    const uint8_t *addr);
int	netl_ifindex(struct netl *n, const char *name);

#endif
