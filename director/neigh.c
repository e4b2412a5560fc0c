/* Snapshots of links, neighbours and routes for the data path. */
#include "neigh.h"
#include "log.h"

#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netlink/cache.h>
#include <netlink/route/link.h>
#include <netlink/route/addr.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>

int
l2tab_init(struct l2tab *t)
{
	memset(t, 0, sizeof(*t));
	pthread_rwlock_init(&t->lock, NULL);
	pthread_mutex_init(&t->rq_lock, NULL);
	t->rq_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return t->rq_efd == -1 ? -1 : 0;
}

void
l2tab_free(struct l2tab *t)
{
	free(t->links);
	free(t->neighs);
	free(t->routes);
	free(t->addrs);
	if (t->rq_efd != -1)
		close(t->rq_efd);
	pthread_rwlock_destroy(&t->lock);
	pthread_mutex_destroy(&t->rq_lock);
}

static int
addr_from_nl(struct nl_addr *a, struct tnd_addr *out)
{
	unsigned len;

	if (a == NULL)
		return -1;
	len = nl_addr_get_len(a);
	memset(out, 0, sizeof(*out));
	out->af = (uint8_t)nl_addr_get_family(a);
	if (!((out->af == AF_INET && len == 4) ||
	    (out->af == AF_INET6 && len == 16)))
		return -1;
	memcpy(out->bytes, nl_addr_get_binary_addr(a), len);
	return 0;
}

static uint32_t
slot_hash(int ifindex, const struct tnd_addr *a)
{
	uint32_t h = 2166136261u ^ (uint32_t)ifindex;

	for (int i = 0; i < (a->af == AF_INET ? 4 : 16); i++)
		h = (h ^ a->bytes[i]) * 16777619u;
	return h;
}

static void
rebuild_links(struct l2tab *t, struct nl_cache *c)
{
	int n = nl_cache_nitems(c), i = 0;
	struct l2_link *links = calloc((size_t)n + 1, sizeof(*links));

	if (links == NULL)
		return;
	for (struct nl_object *o = nl_cache_get_first(c); o && i < n;
	    o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o;
		struct nl_addr *ll = rtnl_link_get_addr(l);
		links[i].ifindex = rtnl_link_get_ifindex(l);
		snprintf(links[i].name, sizeof(links[i].name), "%s",
		    rtnl_link_get_name(l) ? rtnl_link_get_name(l) : "?");
		if (ll && nl_addr_get_len(ll) == 6)
			memcpy(links[i].mac, nl_addr_get_binary_addr(ll), 6);
		links[i].up = (rtnl_link_get_flags(l) & IFF_UP) != 0;
		links[i].mtu = rtnl_link_get_mtu(l);
		i++;
	}
	pthread_rwlock_wrlock(&t->lock);
	free(t->links);
	t->links = links;
	t->n_links = i;
	pthread_rwlock_unlock(&t->lock);
}

static void
rebuild_neighs(struct l2tab *t, struct nl_cache *c)
{
	uint32_t slots = 64;
	int n = nl_cache_nitems(c);

	if (n > NEIGH_MAX)
		n = NEIGH_MAX;
	while (slots < (uint32_t)n * 2)
		slots <<= 1;
	struct l2_neigh *tab = calloc(slots, sizeof(*tab));
	if (tab == NULL)
		return;
	int copied = 0;
	for (struct nl_object *o = nl_cache_get_first(c); o && copied < n;
	    o = nl_cache_get_next(o)) {
		struct rtnl_neigh *ne = (struct rtnl_neigh *)o;
		struct nl_addr *ll = rtnl_neigh_get_lladdr(ne);
		struct tnd_addr a;
		int st = rtnl_neigh_get_state(ne);
		if (!(st & (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE |
		    NUD_PERMANENT | NUD_NOARP)) || ll == NULL ||
		    nl_addr_get_len(ll) != 6 ||
		    addr_from_nl(rtnl_neigh_get_dst(ne), &a) == -1)
			continue;
		int ifindex = rtnl_neigh_get_ifindex(ne);
		uint32_t h = slot_hash(ifindex, &a) & (slots - 1);
		while (tab[h].used)
			h = (h + 1) & (slots - 1);
		tab[h].used = 1;
		tab[h].ifindex = ifindex;
		tab[h].addr = a;
		memcpy(tab[h].mac, nl_addr_get_binary_addr(ll), 6);
		copied++;
	}
	pthread_rwlock_wrlock(&t->lock);
	free(t->neighs);
	t->neighs = tab;
	t->n_slots = slots;
	pthread_rwlock_unlock(&t->lock);
}

static int
route_cmp(const void *a, const void *b)
{
	const struct l2_route *x = a, *y = b;

	if (x->len != y->len)
		return y->len - x->len;
	return x->prio < y->prio ? -1 : x->prio > y->prio;
}

static void
rebuild_routes(struct l2tab *t, struct nl_cache *c)
{
	int n = nl_cache_nitems(c), i = 0;
	struct l2_route *r = calloc((size_t)n + 1, sizeof(*r));

	if (r == NULL)
		return;
	for (struct nl_object *o = nl_cache_get_first(c); o && i < n;
	    o = nl_cache_get_next(o)) {
		struct rtnl_route *rt = (struct rtnl_route *)o;
		if (rtnl_route_get_table(rt) != RT_TABLE_MAIN ||
		    rtnl_route_get_type(rt) != RTN_UNICAST ||
		    rtnl_route_get_nnexthops(rt) < 1)
			continue;
		struct rtnl_nexthop *nh = rtnl_route_nexthop_n(rt, 0);
		struct nl_addr *dst = rtnl_route_get_dst(rt);
		memset(&r[i], 0, sizeof(r[i]));
		r[i].len = (int)nl_addr_get_prefixlen(dst);
		r[i].dst.af = (uint8_t)rtnl_route_get_family(rt);
		if (nl_addr_get_len(dst) > 0 && addr_from_nl(dst, &r[i].dst) == -1)
			continue;
		r[i].oif = rtnl_route_nh_get_ifindex(nh);
		r[i].has_gw = addr_from_nl(rtnl_route_nh_get_gateway(nh),
		    &r[i].gw) == 0;
		r[i].prio = rtnl_route_get_priority(rt);
		r[i].has_src = addr_from_nl(rtnl_route_get_pref_src(rt),
		    &r[i].src) == 0;
		i++;
	}
	qsort(r, (size_t)i, sizeof(*r), route_cmp);
	pthread_rwlock_wrlock(&t->lock);
	free(t->routes);
	t->routes = r;
	t->n_routes = i;
	pthread_rwlock_unlock(&t->lock);
}

static void
rebuild_addrs(struct l2tab *t, struct nl_cache *c)
{
	int n = nl_cache_nitems(c), i = 0;
	struct l2_addr *a = calloc((size_t)n + 1, sizeof(*a));

	if (a == NULL)
		return;
	for (struct nl_object *o = nl_cache_get_first(c); o && i < n;
	    o = nl_cache_get_next(o)) {
		struct rtnl_addr *ra = (struct rtnl_addr *)o;
		if (rtnl_addr_get_scope(ra) != RT_SCOPE_UNIVERSE ||
		    addr_from_nl(rtnl_addr_get_local(ra), &a[i].addr) == -1)
			continue;
		a[i].ifindex = rtnl_addr_get_ifindex(ra);
		i++;
	}
	pthread_rwlock_wrlock(&t->lock);
	free(t->addrs);
	t->addrs = a;
	t->n_addrs = i;
	pthread_rwlock_unlock(&t->lock);
}

void
l2tab_rebuild(struct l2tab *t, struct netl *nl, enum netl_kind kind)
{
	struct nl_cache *c = netl_cache(nl, kind);

	switch (kind) {
	case NETL_LINKS:	rebuild_links(t, c); break;
	case NETL_NEIGHS:	rebuild_neighs(t, c); break;
	case NETL_ROUTES:	rebuild_routes(t, c); break;
	case NETL_ADDRS:	rebuild_addrs(t, c); break;
	default:		break;
	}
}

int
l2_link_mac(struct l2tab *t, int ifindex, uint8_t mac[6])
{
	int rc = -1;

	pthread_rwlock_rdlock(&t->lock);
	for (int i = 0; i < t->n_links; i++)
		if (t->links[i].ifindex == ifindex) {
			memcpy(mac, t->links[i].mac, 6);
			rc = 0;
			break;
		}
	pthread_rwlock_unlock(&t->lock);
	return rc;
}

/* Caller holds the read lock. */
static int
neigh_find(struct l2tab *t, int ifindex, const struct tnd_addr *a,
    uint8_t mac[6])
{
	if (t->n_slots == 0)
		return -1;
	uint32_t h = slot_hash(ifindex, a) & (t->n_slots - 1);
	for (uint32_t n = 0; n < t->n_slots && t->neighs[h].used; n++) {
		if (t->neighs[h].ifindex == ifindex &&
		    addr_eq(&t->neighs[h].addr, a)) {
			memcpy(mac, t->neighs[h].mac, 6);
			return 0;
		}
		h = (h + 1) & (t->n_slots - 1);
	}
	return -1;
}

int
l2_next_hop(struct l2tab *t, const struct tnd_addr *dst, int *oif,
    uint8_t mac[6])
{
	const struct l2_route *r = NULL;
	struct tnd_addr hop;
	int rc;

	pthread_rwlock_rdlock(&t->lock);
	for (int i = 0; i < t->n_routes; i++)
		if (t->routes[i].dst.af == dst->af &&
		    addr_in_prefix(dst, &t->routes[i].dst, t->routes[i].len)) {
			r = &t->routes[i];
			break;
		}
	if (r == NULL) {
		pthread_rwlock_unlock(&t->lock);
		*oif = 0;
		return -1;
	}
	*oif = r->oif;
	hop = r->has_gw ? r->gw : *dst;
	rc = neigh_find(t, r->oif, &hop, mac);
	pthread_rwlock_unlock(&t->lock);
	if (rc == -1)
		l2_request(t, *oif, &hop);
	return rc;
}

int
l2_route_source(struct l2tab *t, const struct tnd_addr *dst,
    struct tnd_addr *src, unsigned *mtu)
{
	int rc = -1, oif = 0;

	pthread_rwlock_rdlock(&t->lock);
	for (int i = 0; i < t->n_routes; i++)
		if (t->routes[i].dst.af == dst->af &&
		    addr_in_prefix(dst, &t->routes[i].dst, t->routes[i].len)) {
			oif = t->routes[i].oif;
			if (t->routes[i].has_src) {
				*src = t->routes[i].src;
				rc = 0;
			}
			break;
		}
	/* No preferred source (IPv6 routes rarely have one): the first
	 * global address of that family on the way out. */
	for (int i = 0; rc == -1 && oif && i < t->n_addrs; i++)
		if (t->addrs[i].ifindex == oif && t->addrs[i].addr.af == dst->af) {
			*src = t->addrs[i].addr;
			rc = 0;
		}
	*mtu = 1500;
	for (int i = 0; rc == 0 && i < t->n_links; i++)
		if (t->links[i].ifindex == oif && t->links[i].mtu)
			*mtu = t->links[i].mtu;
	pthread_rwlock_unlock(&t->lock);
	return rc;
}

void
l2_request(struct l2tab *t, int ifindex, const struct tnd_addr *a)
{
	uint64_t one = 1;

	pthread_mutex_lock(&t->rq_lock);
	for (int i = 0; i < t->rq_n; i++)
		if (t->rq[i].ifindex == ifindex && addr_eq(&t->rq[i].addr, a)) {
			pthread_mutex_unlock(&t->rq_lock);
			return;
		}
	if (t->rq_n < RESOLVE_QUEUE) {
		t->rq[t->rq_n].ifindex = ifindex;
		t->rq[t->rq_n].addr = *a;
		t->rq_n++;
	}
	pthread_mutex_unlock(&t->rq_lock);
	if (write(t->rq_efd, &one, sizeof(one)) == -1 && errno != EAGAIN)
		log_warn("neigh: eventfd");
}

void
l2tab_resolve_pending(struct l2tab *t, struct netl *nl)
{
	uint64_t v;
	int n, rc;
	struct { int ifindex; struct tnd_addr addr; } rq[RESOLVE_QUEUE];

	if (read(t->rq_efd, &v, sizeof(v)) == -1 && errno != EAGAIN)
		log_warn("neigh: eventfd");
	pthread_mutex_lock(&t->rq_lock);
	n = t->rq_n;
	memcpy(rq, t->rq, (size_t)n * sizeof(rq[0]));
	t->rq_n = 0;
	pthread_mutex_unlock(&t->rq_lock);
	for (int i = 0; i < n; i++) {
		if (rq[i].ifindex <= 0)
			continue;
		rc = netl_neigh_resolve(nl, rq[i].ifindex, rq[i].addr.af,
		    rq[i].addr.bytes);
		if (rc < 0) {
			char buf[ADDR_STRLEN];
			log_debug("neigh: resolving %s failed (%d)",
			    addr_str(&rq[i].addr, buf, sizeof(buf)), rc);
		}
	}
}
