/* UDP checks: the udp type sends its payload and wants a reply (matching
 * the expect regex when set); the dns type sends a query and checks the
 * answer (dns_wire.c). Both on a connected socket, so that an ICMP port
 * unreachable comes back as ECONNREFUSED: down at once. */
#include "checkd.h"
#include "dns_wire.h"

#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

static void
udp_reply(struct hc *h, const uint8_t *buf, size_t n)
{
	char why[HC_REASON_MAX];

	if (h->type == HC_DNS) {
		int ok = dns_reply_check(buf, n, h->seq, (uint16_t)h->qtype,
		    &h->expect_addr, why, sizeof(why));
		hc_done(h, ok, "%s", why);
		return;
	}
	if (h->regex) {
		char text[DNS_MSG_MAX + 1];	/* with its NUL for regexec */
		memcpy(text, buf, n);
		text[n] = '\0';
		if (regexec(h->regex, text, 0, NULL, 0) != 0) {
			hc_done(h, 0, "reply of %zu bytes does not match", n);
			return;
		}
	}
	hc_done(h, 1, "reply of %zu bytes", n);
}

static void
udp_readable(evutil_socket_t fd, short what, void *arg)
{
	struct hc *h = arg;
	uint8_t buf[DNS_MSG_MAX];
	ssize_t n = recv(fd, buf, sizeof(buf), 0);

	if (n >= 0) {
		if (h->type == HC_DNS && (n < 2 || (buf[0] << 8 | buf[1]) != h->seq))
			return;		/* a late reply to an earlier query */
		udp_reply(h, buf, (size_t)n);
	} else if (errno == ECONNREFUSED)
		hc_done(h, 0, "port unreachable");
	else if (errno != EAGAIN && errno != EINTR)
		hc_done(h, 0, "recv: %s", strerror(errno));
}

static int
udp_start(struct hc *h)
{
	struct sockaddr_storage ss;
	uint8_t q[512];
	const void *msg = h->ck->payload;
	socklen_t sl = 0;
	int len;

	if ((h->fd = hc_socket(h, SOCK_DGRAM)) == -1)
		return -1;
	sl = addr_sockaddr(&h->addr, h->port, 0, &ss);
	if (connect(h->fd, (struct sockaddr *)&ss, sl) == -1) {
		hc_done(h, 0, "connect: %s", strerror(errno));
		return -1;
	}
	len = (int)strlen(h->ck->payload);
	if (h->type == HC_DNS) {
		h->seq = (uint16_t)random();
		len = dns_query_build(q, sizeof(q), h->seq, h->ck->query_name,
		    (uint16_t)h->qtype);
		if (len < 0) {
			hc_done(h, 0, "query name does not fit");
			return -1;
		}
		msg = q;
	}
	h->io = event_new(h->d->base, h->fd, EV_READ | EV_PERSIST,
	    udp_readable, h);
	if (h->io == NULL || event_add(h->io, NULL) == -1) {
		hc_done(h, 0, "out of memory");
		return -1;
	}
	h->phase = "waiting for a reply";
	if (send(h->fd, msg, (size_t)len, 0) == -1) {
		hc_done(h, 0, "send: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void
udp_stop(struct hc *h)
{
	if (h->io)
		event_free(h->io);
	h->io = NULL;
	if (h->fd != -1)
		close(h->fd);
	h->fd = -1;
}

const struct hc_type_ops hc_udp_ops = { "udp", udp_start, udp_stop, 0 };
const struct hc_type_ops hc_dns_ops = { "dns", udp_start, udp_stop, 0 };
