/* tandem-syncd's sockets, IPv4 or IPv6: sync datagrams on the group (or
 * from unicast peers) and control datagrams on the control port; each
 * datagram decoded and authenticated against its sender's replay window,
 * then handed to the backup (data) or to the side it concerns (control). */
#include "syncd.h"

#include "log.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdlib.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#define SYNC_RX_BATCH	64	/* datagrams read per wake-up */

struct sync_peer *
sync_peer_find(struct syncd *d, const struct tnd_addr *a)
{
	for (int i = 0; i < SYNC_PEERS_MAX; i++)
		if (d->peers[i].used && addr_eq(&d->peers[i].addr, a))
			return &d->peers[i];
	return NULL;
}

/* Only an authenticated datagram gets here: forged traffic from many
 * addresses cannot push a real sender's window out of the table. */
struct sync_peer *
sync_peer_get(struct syncd *d, const struct tnd_addr *a)
{
	struct sync_peer *p = sync_peer_find(d, a), *lru = &d->peers[0];

	if (p == NULL) {
		for (int i = 0; i < SYNC_PEERS_MAX; i++) {
			p = &d->peers[i];
			if (!p->used || (lru->used &&
			    p->last_used < lru->last_used))
				lru = p;
		}
		/* A new sender takes the least recently used window. */
		p = lru;
		memset(p, 0, sizeof(*p));
		p->used = 1;
		p->addr = *a;
	}
	p->last_used = ++d->tick;
	return p;
}

static int
peer_allowed(const struct syncd *d, const struct tnd_addr *from)
{
	if (d->sc.n_peers == 0)
		return 1;
	for (int i = 0; i < d->sc.n_peers; i++)
		if (addr_eq(&d->sc.peers[i], from))
			return 1;
	return 0;
}

void
sync_net_input(struct syncd *d, const struct tnd_addr *from,
    const uint8_t *buf, size_t len)
{
	struct sync_dec dec = { .syncid = d->sc.syncid, .stats = &d->stats };
	struct sync_replay *win = NULL;
	struct sync_info info;
	struct sync_peer *p;
	enum sync_err e;
	char a[ADDR_STRLEN];

	if (!peer_allowed(d, from)) {
		d->c.ignored++;
		return;
	}
	/* The decoder checks against a copy of the sender's window and moves
	 * it only for an authenticated datagram; the copy is kept then. */
	if (d->auth) {
		win = malloc(sizeof(*win));
		if (win == NULL)
			return;
		p = sync_peer_find(d, from);
		if (p != NULL)
			*win = p->replay;
		else
			memset(win, 0, sizeof(*win));
		dec.key = &d->key;
		dec.replay = win;
	}
	e = sync_decode(&dec, buf, len, &info);
	if (e != SYNC_OK) {
		log_debug("sync: datagram from %s refused: %s",
		    addr_str(from, a, sizeof(a)), sync_err_str(e));
		free(win);
		return;
	}
	if (d->auth)
		sync_peer_get(d, from)->replay = *win;
	free(win);
	if (d->role == ROLE_MASTER || !info.has_seq) {
		d->c.ignored++;
		return;
	}
	sync_backup_datagram(d, from, buf, len, info.seq);
}

void
sync_net_ctl_input(struct syncd *d, const struct tnd_addr *from,
    const uint8_t *buf, size_t len)
{
	struct sync_ctl_msg m;
	struct sync_replay *win = NULL;
	struct sync_peer *p;
	enum sync_ctl_err e;
	char a[ADDR_STRLEN];

	if (!peer_allowed(d, from)) {
		d->c.ignored++;
		return;
	}
	if (d->auth) {
		if ((win = malloc(sizeof(*win))) == NULL)
			return;
		p = sync_peer_find(d, from);
		if (p != NULL)
			*win = p->ctl_replay;
		else
			memset(win, 0, sizeof(*win));
	}
	e = sync_ctl_decode(buf, len, d->sc.syncid, d->auth ? &d->key : NULL,
	    win, &m);
	if (e != SYNC_CTL_OK) {
		d->c.ctl_refused++;
		log_debug("sync: control datagram from %s refused: %s",
		    addr_str(from, a, sizeof(a)),
		    sync_ctl_err_str(e));
		free(win);
		return;
	}
	if (d->auth)
		sync_peer_get(d, from)->ctl_replay = *win;
	free(win);
	switch (m.type) {
	case SYNC_CTL_BULK_REQ:
		if (d->role == ROLE_MASTER)
			sync_master_bulk_request(d, m.id);
		break;
	case SYNC_CTL_NACK:
		d->c.nacks_received++;
		if (d->role == ROLE_MASTER)
			sync_master_nack(d, m.ranges, m.n_ranges);
		break;
	case SYNC_CTL_BULK_END:
		if (d->role != ROLE_MASTER)
			sync_backup_bulk_end(d, from, &m);
		break;
	case SYNC_CTL_HEARTBEAT:
		if (d->role != ROLE_MASTER)
			sync_backup_heartbeat(d, from, m.last_seq);
		break;
	}
}

/* The group or a peer (or, any: the wildcard of its family) and port as
 * a socket address; a link-local scope takes the sync interface. */
static socklen_t
to_sockaddr(const struct syncd *d, const struct tnd_addr *a, int any,
    uint16_t port, struct sockaddr_storage *ss)
{
	struct tnd_addr wild = { .af = a->af };

	return addr_sockaddr(any ? &wild : a, port, d->ifindex, ss);
}

static void
from_sockaddr(const struct sockaddr_storage *ss, struct tnd_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->af = (uint8_t)ss->ss_family;
	if (ss->ss_family == AF_INET6)
		memcpy(a->bytes, &((const struct sockaddr_in6 *)ss)->sin6_addr,
		    16);
	else
		memcpy(a->bytes, &((const struct sockaddr_in *)ss)->sin_addr,
		    4);
}

static void
on_read(evutil_socket_t fd, short ev, void *arg)
{
	struct syncd *d = arg;
	static uint8_t buf[SYNC_MAXLEN_MAX + 1];	/* one loop, one reader */
	struct sockaddr_storage ss;
	struct tnd_addr from;
	socklen_t fl;
	ssize_t n;

	for (int i = 0; i < SYNC_RX_BATCH; i++) {
		fl = sizeof(ss);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&ss,
		    &fl);
		if (n == -1) {
			if (errno != EAGAIN && errno != EINTR) {
				d->rx_errors++;
				log_warn("sync: recvfrom");
			}
			return;
		}
		from_sockaddr(&ss, &from);
		if (fd == d->ctl_fd)
			sync_net_ctl_input(d, &from, buf, (size_t)n);
		else
			sync_net_input(d, &from, buf, (size_t)n);
	}
}

/* The group joined on the interface, sending through it with the TTL
 * (hop limit), no other group's traffic, our own not looped: IPv4. */
static int
mcast_setup4(const struct syncd *d, int fd)
{
	struct ip_mreqn mr = { .imr_ifindex = (int)d->ifindex };
	unsigned char ttl = (unsigned char)d->sc.ttl;
	int zero = 0;

	memcpy(&mr.imr_multiaddr, d->sc.group.bytes, 4);
	if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_ALL, &zero, sizeof(zero)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &zero,
	    sizeof(zero)))
		return -1;
	return 0;
}

/* The same for IPv6. */
static int
mcast_setup6(const struct syncd *d, int fd)
{
	struct ipv6_mreq mr = { .ipv6mr_interface = d->ifindex };
	int ifindex = (int)d->ifindex, hops = d->sc.ttl, zero = 0;

	memcpy(&mr.ipv6mr_multiaddr, d->sc.group.bytes, 16);
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_ALL, &zero,
	    sizeof(zero)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex,
	    sizeof(ifindex)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
	    sizeof(hops)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero,
	    sizeof(zero)))
		return -1;
	return 0;
}

static int
sock_setup(struct syncd *d, int fd, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int one = 1;

	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, d->sc.interface,
	    (socklen_t)strlen(d->sc.interface)))
		return -1;
	/* One family per socket: an IPv6 one takes no IPv4 traffic. */
	if (sync_conf_af(&d->sc) == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &one, sizeof(one)))
		return -1;
	if (d->sc.n_peers > 0) {
		/* Unicast peers: any local address on the interface. */
		sl = to_sockaddr(d, &d->sc.peers[0], 1, port, &ss);
		return bind(fd, (struct sockaddr *)&ss, sl);
	}
	/* Bound to the group, so only sync datagrams arrive. */
	sl = to_sockaddr(d, &d->sc.group, 0, port, &ss);
	if (bind(fd, (struct sockaddr *)&ss, sl))
		return -1;
	return d->sc.group.af == AF_INET6 ? mcast_setup6(d, fd) :
	    mcast_setup4(d, fd);
}

static int
open_one(struct syncd *d, uint16_t port, int *fdp, struct event **evp)
{
	int fd = socket(sync_conf_af(&d->sc),
	    SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int buf = 4 << 20;

	if (fd == -1 || sock_setup(d, fd, port) == -1) {
		log_warn("sync: socket for port %u on %s", port,
		    d->sc.interface);
		if (fd != -1)
			close(fd);
		return -1;
	}
	/* A bulk dump arrives in a burst: room for it (best effort). */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf));
	*fdp = fd;
	*evp = event_new(d->base, fd, EV_READ | EV_PERSIST, on_read, d);
	if (*evp == NULL || event_add(*evp, NULL) == -1)
		return -1;
	return 0;
}

int
sync_net_open(struct syncd *d)
{
	d->ifindex = if_nametoindex(d->sc.interface);
	if (d->ifindex == 0) {
		log_warn("sync: interface %s", d->sc.interface);
		return -1;
	}
	if (open_one(d, d->sc.port, &d->fd, &d->rx_ev) == -1 ||
	    open_one(d, d->sc.ctl_port, &d->ctl_fd, &d->ctl_ev) == -1)
		return -1;
	return 0;
}

static int
send_to(struct syncd *d, int fd, uint16_t port, const struct tnd_addr *a,
    const uint8_t *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = to_sockaddr(d, a, 0, port, &ss);

	return sendto(fd, buf, len, 0, (struct sockaddr *)&ss, sl) == -1 ?
	    -1 : 0;
}

int
sync_net_send(struct syncd *d, int ctl, const uint8_t *buf, size_t len)
{
	uint16_t port = ctl ? d->sc.ctl_port : d->sc.port;
	int fd = ctl ? d->ctl_fd : d->fd, rc = 0;

	if (d->tx_hook != NULL)
		return d->tx_hook(d, ctl, buf, len);

	if (d->sc.n_peers == 0)
		rc = send_to(d, fd, port, &d->sc.group, buf, len);
	for (int i = 0; i < d->sc.n_peers; i++)
		if (send_to(d, fd, port, &d->sc.peers[i], buf, len) == -1)
			rc = -1;
	if (rc == -1) {
		d->c.send_errors++;
		log_debug("sync: sendto: %s", strerror(errno));
	}
	return rc;
}

void
sync_net_close(struct syncd *d)
{
	if (d->rx_ev != NULL)
		event_free(d->rx_ev);
	if (d->ctl_ev != NULL)
		event_free(d->ctl_ev);
	d->rx_ev = d->ctl_ev = NULL;
	if (d->fd >= 0)
		close(d->fd);
	if (d->ctl_fd >= 0)
		close(d->ctl_fd);
	d->fd = d->ctl_fd = -1;
}
