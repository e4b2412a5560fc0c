/* libnl-3 caches of links, neighbours and routes, driven by one event fd,
 * plus a command socket for neighbour resolution requests. */
#include "nl.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/neighbour.h>
#include <netlink/netlink.h>
#include <netlink/errno.h>
#include <netlink/cache.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>

struct netl {
	struct nl_cache_mngr	*mngr;
	struct nl_sock		*cmd;
	struct nl_cache		*cache[NETL_KINDS];
	netl_change_cb		 cb;
	void			*arg;
};

/* libnl has no public errno mapping; the few we act on, else EIO. */
static int
nl_errno(int err)
{
	switch (err < 0 ? -err : err) {
	case NLE_NOMEM:		return -ENOMEM;
	case NLE_PERM:		return -EPERM;
	case NLE_EXIST:		return -EEXIST;
	case NLE_OBJ_NOTFOUND:	return -ENOENT;
	case NLE_AGAIN:		return -EAGAIN;
	case NLE_INVAL:		return -EINVAL;
	default:		return -EIO;
	}
}

static void
cache_changed(struct nl_cache *cache, struct nl_object *obj, int action,
    void *arg)
{
	struct netl *n = arg;

	for (int k = 0; k < NETL_KINDS; k++)
		if (n->cache[k] == cache && n->cb)
			n->cb((enum netl_kind)k, n->arg);
}

struct netl *
netl_open(netl_change_cb cb, void *arg)
{
	static const char *names[NETL_KINDS] = { "route/link", "route/neigh",
	    "route/route", "route/addr" };
	struct netl *n = calloc(1, sizeof(*n));
	int err;

	if (n == NULL)
		return NULL;
	n->cb = cb;
	n->arg = arg;
	if ((err = nl_cache_mngr_alloc(NULL, NETLINK_ROUTE, NL_AUTO_PROVIDE,
	    &n->mngr)) < 0) {
		log_warnx("netlink: cache manager: %s", nl_geterror(err));
		goto fail;
	}
	for (int k = 0; k < NETL_KINDS; k++) {
		if ((err = nl_cache_mngr_add(n->mngr, names[k], cache_changed,
		    n, &n->cache[k])) < 0) {
			log_warnx("netlink: cache %s: %s", names[k],
			    nl_geterror(err));
			goto fail;
		}
	}
	if ((n->cmd = nl_socket_alloc()) == NULL ||
	    (err = nl_connect(n->cmd, NETLINK_ROUTE)) < 0) {
		log_warnx("netlink: command socket");
		goto fail;
	}
	return n;
fail:
	netl_close(n);
	return NULL;
}

void
netl_close(struct netl *n)
{
	if (n == NULL)
		return;
	if (n->mngr)
		nl_cache_mngr_free(n->mngr);
	if (n->cmd)
		nl_socket_free(n->cmd);
	free(n);
}

int
netl_event_fd(struct netl *n)
{
	return nl_cache_mngr_get_fd(n->mngr);
}

int
netl_process(struct netl *n)
{
	int err = nl_cache_mngr_data_ready(n->mngr);

	return err < 0 ? nl_errno(err) : 0;
}

struct nl_cache *
netl_cache(struct netl *n, enum netl_kind kind)
{
	return n->cache[kind];
}

int
netl_neigh_resolve(struct netl *n, int ifindex, int af, const uint8_t *addr)
{
	struct rtnl_neigh *ne = rtnl_neigh_alloc();
	struct nl_addr *dst;
	int err;

	if (ne == NULL)
		return -ENOMEM;
	dst = nl_addr_build(af, addr, af == AF_INET ? 4 : 16);
	if (dst == NULL) {
		rtnl_neigh_put(ne);
		return -ENOMEM;
	}
	rtnl_neigh_set_ifindex(ne, ifindex);
	rtnl_neigh_set_dst(ne, dst);
	rtnl_neigh_set_family(ne, af);
	/* NTF_USE makes the kernel start resolution as if it had a packet
	 * to send, without touching an existing entry's state. */
	rtnl_neigh_set_flags(ne, NTF_USE);
	rtnl_neigh_set_state(ne, NUD_NONE);
	err = rtnl_neigh_add(n->cmd, ne, NLM_F_CREATE | NLM_F_REPLACE);
	nl_addr_put(dst);
	rtnl_neigh_put(ne);
	return err < 0 ? nl_errno(err) : 0;
}

int
netl_ifindex(struct netl *n, const char *name)
{
	return rtnl_link_name2i(n->cache[NETL_LINKS], name);
}
