/* tandem-syncd's multicast socket: joined on the configured interface,
 * bound to the group and port; each datagram decoded and authenticated
 * against its sender's replay window. Installing into the director is
 * not written yet: entries are only counted. */
#include "syncd.h"

#include "log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#define SYNC_RX_BATCH	64	/* datagrams read per wake-up */

struct sync_peer *
sync_peer_find(struct syncd *d, struct in_addr a)
{
	for (int i = 0; i < SYNC_PEERS_MAX; i++)
		if (d->peers[i].used && d->peers[i].addr.s_addr == a.s_addr)
			return &d->peers[i];
	return NULL;
}

/* Only an authenticated datagram gets here: forged traffic from many
 * addresses cannot push a real sender's window out of the table. */
struct sync_peer *
sync_peer_get(struct syncd *d, struct in_addr a)
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
		p->addr = a;
	}
	p->last_used = ++d->tick;
	return p;
}

static void
count_entry(const struct sync_conn *c, void *arg)
{
	(void)c;
	(void)arg;
}

void
sync_net_input(struct syncd *d, struct in_addr from, const uint8_t *buf,
    size_t len)
{
	struct sync_dec dec = { .syncid = d->sc.syncid, .stats = &d->stats,
	    .cb = count_entry, .arg = d };
	struct sync_replay win = { 0 };
	struct sync_peer *p;
	enum sync_err e;
	char a[INET_ADDRSTRLEN];

	/* The decoder checks against a copy of the sender's window and moves
	 * it only for an authenticated datagram; the copy is kept then. */
	if (d->auth) {
		p = sync_peer_find(d, from);
		if (p != NULL)
			win = p->replay;
		dec.key = &d->key;
		dec.replay = &win;
	}
	e = sync_decode(&dec, buf, len, NULL);
	if (e != SYNC_OK) {
		log_debug("sync: datagram from %s refused: %s",
		    inet_ntop(AF_INET, &from, a, sizeof(a)), sync_err_str(e));
		return;
	}
	if (d->auth)
		sync_peer_get(d, from)->replay = win;
}

static void
on_read(evutil_socket_t fd, short ev, void *arg)
{
	struct syncd *d = arg;
	uint8_t buf[SYNC_MAXLEN_MAX + 1];
	struct sockaddr_in from;
	socklen_t fl;
	ssize_t n;

	for (int i = 0; i < SYNC_RX_BATCH; i++) {
		fl = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
		    &fl);
		if (n == -1) {
			if (errno != EAGAIN && errno != EINTR) {
				d->rx_errors++;
				log_warn("sync: recvfrom");
			}
			return;
		}
		sync_net_input(d, from.sin_addr, buf, (size_t)n);
	}
}

static int
sock_setup(struct syncd *d, int fd)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
	    .sin_port = htons(d->sc.port), .sin_addr = d->sc.group };
	struct ip_mreqn mr = { .imr_multiaddr = d->sc.group,
	    .imr_ifindex = (int)d->ifindex };
	int one = 1, zero = 0;
	unsigned char ttl = (unsigned char)d->sc.ttl;

	/* Bound to the group, and no other group's traffic (IP_MULTICAST_ALL
	 * off), so only sync datagrams arrive; our own are not looped. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_ALL, &zero, sizeof(zero)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &zero,
	    sizeof(zero)))
		return -1;
	return 0;
}

int
sync_net_open(struct syncd *d)
{
	int fd;

	d->ifindex = if_nametoindex(d->sc.interface);
	if (d->ifindex == 0) {
		log_warn("sync: interface %s", d->sc.interface);
		return -1;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1 || sock_setup(d, fd) == -1) {
		log_warn("sync: multicast socket on %s", d->sc.interface);
		if (fd != -1)
			close(fd);
		return -1;
	}
	d->fd = fd;
	d->rx_ev = event_new(d->base, fd, EV_READ | EV_PERSIST, on_read, d);
	if (d->rx_ev == NULL || event_add(d->rx_ev, NULL) == -1)
		return -1;
	return 0;
}

void
sync_net_close(struct syncd *d)
{
	if (d->rx_ev != NULL)
		event_free(d->rx_ev);
	d->rx_ev = NULL;
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}
