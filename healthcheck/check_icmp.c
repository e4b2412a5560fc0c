/* ICMP echo check: one raw socket per family for every check (thousands
 * of checks, two descriptors); a reply is matched to its check by the
 * echo identifier (the check's index), sequence and source address. */
#include "checkd.h"
#include "cursor.h"
#include "csum.h"
#include "log.h"

#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#define ICMP_PAYLOAD	"tandem-checkd echo"

/* A reply: its check by identifier, then sequence and sender. */
static void
echo_reply(struct checkd *d, uint16_t ident, uint16_t seq,
    const struct tnd_addr *from)
{
	if (ident >= (unsigned)d->n_checks) {
		d->cnt.icmp_bad++;
		return;
	}
	struct hc *h = d->checks[ident];
	if (h->type != HC_ICMP || !h->running || seq != h->seq ||
	    !addr_eq(from, &h->addr))
		return;		/* late, or someone else's */
	hc_done(h, 1, "echo reply");
}

static void
icmp4_readable(evutil_socket_t fd, short what, void *arg)
{
	struct checkd *d = arg;
	uint8_t buf[1500];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	struct cursor c;
	struct tnd_addr a = { .af = AF_INET };

	for (int i = 0; i < 64; i++) {
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
		    (struct sockaddr *)&from, &fl);
		if (n < 0)
			return;
		cur_init(&c, buf, (size_t)n);
		uint8_t vihl = cur_u8(&c);
		cur_skip(&c, (size_t)((vihl & 0xf) * 4) - 1);
		uint8_t type = cur_u8(&c);
		cur_skip(&c, 3);
		uint16_t ident = cur_be16(&c), seq = cur_be16(&c);
		if (!cur_ok(&c) || (vihl & 0xf) < 5) {
			d->cnt.icmp_bad++;
			continue;
		}
		if (type != ICMP_ECHOREPLY)
			continue;
		memcpy(a.bytes, &from.sin_addr, 4);
		echo_reply(d, ident, seq, &a);
	}
}

static void
icmp6_readable(evutil_socket_t fd, short what, void *arg)
{
	struct checkd *d = arg;
	uint8_t buf[1500];
	struct sockaddr_in6 from;
	socklen_t fl = sizeof(from);
	struct cursor c;
	struct tnd_addr a = { .af = AF_INET6 };

	for (int i = 0; i < 64; i++) {
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
		    (struct sockaddr *)&from, &fl);
		if (n < 0)
			return;
		cur_init(&c, buf, (size_t)n);
		uint8_t type = cur_u8(&c);
		cur_skip(&c, 3);
		uint16_t ident = cur_be16(&c), seq = cur_be16(&c);
		if (!cur_ok(&c)) {
			d->cnt.icmp_bad++;
			continue;
		}
		if (type != ICMP6_ECHO_REPLY)
			continue;
		memcpy(a.bytes, &from.sin6_addr, 16);
		echo_reply(d, ident, seq, &a);
	}
}

static int
open_one(struct checkd *d, int af, int *fd, struct event **ev)
{
	*fd = socket(af, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    af == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6);
	if (*fd == -1) {
		log_warn("ICMP%s socket", af == AF_INET ? "" : "v6");
		return -1;
	}
	if (af == AF_INET6) {
		struct icmp6_filter f;
		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
		setsockopt(*fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
	}
	*ev = event_new(d->base, *fd, EV_READ | EV_PERSIST,
	    af == AF_INET ? icmp4_readable : icmp6_readable, d);
	if (*ev == NULL || event_add(*ev, NULL) == -1)
		return -1;
	return 0;
}

int
hc_icmp_open(struct checkd *d)
{
	int need4 = 0, need6 = 0;

	for (int i = 0; i < d->n_checks; i++)
		if (d->checks[i]->type == HC_ICMP) {
			need4 |= d->checks[i]->addr.af == AF_INET;
			need6 |= d->checks[i]->addr.af == AF_INET6;
		}
	if (need4 && d->icmp4 == -1 &&
	    open_one(d, AF_INET, &d->icmp4, &d->icmp4_ev) == -1)
		return -1;
	if (need6 && d->icmp6 == -1 &&
	    open_one(d, AF_INET6, &d->icmp6, &d->icmp6_ev) == -1)
		return -1;
	return 0;
}

void
hc_icmp_close(struct checkd *d)
{
	if (d->icmp4_ev)
		event_free(d->icmp4_ev);
	if (d->icmp6_ev)
		event_free(d->icmp6_ev);
	if (d->icmp4 != -1)
		close(d->icmp4);
	if (d->icmp6 != -1)
		close(d->icmp6);
	d->icmp4_ev = d->icmp6_ev = NULL;
	d->icmp4 = d->icmp6 = -1;
}

static int
icmp_start(struct hc *h)
{
	uint8_t pkt[8 + sizeof(ICMP_PAYLOAD) - 1];
	struct sockaddr_storage ss;
	socklen_t sl = 0;
	int v4 = h->addr.af == AF_INET, fd = v4 ? h->d->icmp4 : h->d->icmp6;

	if (fd == -1) {
		hc_done(h, 0, "no ICMP socket");
		return -1;
	}
	h->seq++;
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = v4 ? ICMP_ECHO : ICMP6_ECHO_REQUEST;
	put_be16(pkt + 4, (uint16_t)h->idx);
	put_be16(pkt + 6, h->seq);
	memcpy(pkt + 8, ICMP_PAYLOAD, sizeof(ICMP_PAYLOAD) - 1);
	if (v4)		/* the kernel sums ICMPv6 itself */
		put_be16(pkt + 2, csum_compute(pkt, sizeof(pkt)));
	sl = addr_sockaddr(&h->addr, 0, 0, &ss);
	h->phase = "waiting for the echo reply";
	if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&ss, sl) == -1) {
		hc_done(h, 0, "send: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void
icmp_stop(struct hc *h)
{
}

const struct hc_type_ops hc_icmp_ops = { "icmp", icmp_start, icmp_stop, 0 };
