/* tandem-vrrpd's sockets: raw IPPROTO_VRRP sockets receive adverts
 * (multicast groups joined per interface, TTL/hop limit and arrival
 * interface from the kernel); an AF_PACKET socket sends adverts and
 * gratuitous ARP/NA with the virtual MAC as source; raw IP sockets send
 * unicast adverts to configured peers. */
#include "vrrpd.h"

#include "garp.h"
#include "log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#define RX_BATCH	64

static const uint8_t mcast4[4] = { 224, 0, 0, 18 };
static const uint8_t mcast6[16] = { 0xff, 0x02, [15] = 0x12 };
static const uint8_t mmac4[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x12 };
static const uint8_t mmac6[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x12 };

int
vrrp_net_refresh_if(struct vrrpd *d, struct vrrp_if *ifp)
{
	struct ifaddrs *ifa, *i;

	if (getifaddrs(&ifa) == -1)
		return -1;
	memset(&ifp->addr4, 0, sizeof(ifp->addr4));
	memset(&ifp->addr6, 0, sizeof(ifp->addr6));
	memset(&ifp->addr6g, 0, sizeof(ifp->addr6g));
	for (i = ifa; i; i = i->ifa_next) {
		if (i->ifa_addr == NULL || strcmp(i->ifa_name, ifp->name) != 0)
			continue;
		int af = i->ifa_addr->sa_family;
		if (af == AF_PACKET) {
			const struct sockaddr_ll *ll = (const void *)i->ifa_addr;
			if (ll->sll_halen == 6)
				memcpy(ifp->mac, ll->sll_addr, 6);
		} else if (af == AF_INET && ifp->addr4.af == 0) {
			const struct sockaddr_in *sin = (const void *)i->ifa_addr;
			ifp->addr4.af = AF_INET;
			memcpy(ifp->addr4.bytes, &sin->sin_addr, 4);
		} else if (af == AF_INET6) {
			const struct sockaddr_in6 *s6 = (const void *)i->ifa_addr;
			struct tnd_addr *t = IN6_IS_ADDR_LINKLOCAL(
			    &s6->sin6_addr) ? &ifp->addr6 : &ifp->addr6g;
			if (t->af == 0) {
				t->af = AF_INET6;
				memcpy(t->bytes, &s6->sin6_addr, 16);
			}
		}
	}
	freeifaddrs(ifa);
	ifp->ifindex = (int)if_nametoindex(ifp->name);
	return ifp->ifindex > 0 ? 0 : -1;
}

struct vrrp_if *
vrrp_net_if(struct vrrpd *d, const char *name)
{
	struct vrrp_if *ifp;

	for (int i = 0; i < d->n_ifs; i++)
		if (strcmp(d->ifs[i].name, name) == 0)
			return &d->ifs[i];
	if (d->n_ifs >= VRRP_MAX_IFS) {
		log_warnx("more than %d interfaces", VRRP_MAX_IFS);
		return NULL;
	}
	ifp = &d->ifs[d->n_ifs];
	memset(ifp, 0, sizeof(*ifp));
	snprintf(ifp->name, sizeof(ifp->name), "%s", name);
	if (vrrp_net_refresh_if(d, ifp) == -1) {
		log_warnx("interface %s: not found", name);
		return NULL;
	}
	d->n_ifs++;
	return ifp;
}

static struct vrrp_if *
if_by_index(struct vrrpd *d, int ifindex)
{
	for (int i = 0; i < d->n_ifs; i++)
		if (d->ifs[i].ifindex == ifindex)
			return &d->ifs[i];
	return NULL;
}

int
vrrp_net_join(struct vrrpd *d, struct vrrp_if *ifp, int af)
{
	if (af == AF_INET && !ifp->joined4) {
		struct ip_mreqn mr = { .imr_ifindex = ifp->ifindex };
		memcpy(&mr.imr_multiaddr, mcast4, 4);
		if (setsockopt(d->rx_fd4, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr,
		    sizeof(mr)) == -1 && errno != EADDRINUSE) {
			log_warn("%s: join 224.0.0.18", ifp->name);
			return -1;
		}
		ifp->joined4 = 1;
	} else if (af == AF_INET6 && !ifp->joined6) {
		struct ipv6_mreq mr = { .ipv6mr_interface =
		    (unsigned)ifp->ifindex };
		memcpy(&mr.ipv6mr_multiaddr, mcast6, 16);
		if (setsockopt(d->rx_fd6, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mr,
		    sizeof(mr)) == -1 && errno != EADDRINUSE) {
			log_warn("%s: join ff02::12", ifp->name);
			return -1;
		}
		ifp->joined6 = 1;
	}
	return 0;
}

/* The instance the VRID byte of a datagram names, if any. */
static struct vrrp_inst *
inst_of(struct vrrpd *d, struct vrrp_if *ifp, int af, const uint8_t *vrrp,
    size_t len)
{
	for (int i = 0; len >= 2 && ifp && i < d->n_inst; i++)
		if (d->inst[i].ifp == ifp && d->inst[i].conf->vrid == vrrp[1] &&
		    d->inst[i].conf->af == af)
			return &d->inst[i];
	return NULL;
}

/* A refused datagram counts for the instance its VRID byte names, when
 * there is one; otherwise for "unknown VRID". */
static void
count_bad(struct vrrpd *d, struct vrrp_if *ifp, int af, const uint8_t *vrrp,
    size_t len, enum vrrp_adv_err e)
{
	vrrp_inst_count_err(d, inst_of(d, ifp, af, vrrp, len), e);
}

/* Unicast adverts to a unicast instance are taken at any TTL, as
 * keepalived sends IPv6 ones with the default hop limit (and checks none
 * on unicast itself); only configured peers are accepted there. */
static int
unicast_any_ttl(struct vrrpd *d, struct vrrp_if *ifp, int af,
    const uint8_t *vrrp, size_t len, const uint8_t *dst)
{
	struct vrrp_inst *vi = inst_of(d, ifp, af, vrrp, len);
	int mcast = af == AF_INET ? (dst[0] & 0xf0) == 0xe0 : dst[0] == 0xff;

	return vi && vi->conf->n_peers > 0 && !mcast;
}

static void
recv4_one(struct vrrpd *d, const uint8_t *pkt, size_t len, int ifindex)
{
	struct vrrp_if *ifp = if_by_index(d, ifindex);
	struct vrrp_advert a;
	size_t hl = len ? (size_t)(pkt[0] & 0xf) * 4 : 0;
	enum vrrp_adv_err e;

	if (ifp == NULL)
		return;		/* an interface we run nothing on */
	a.any_ttl = len >= 20 && hl < len && unicast_any_ttl(d, ifp, AF_INET,
	    pkt + hl, len - hl, pkt + 16);
	e = vrrp_advert_decode_ip4(pkt, len, &a);
	if (e != VRRP_ADV_OK) {
		count_bad(d, ifp, AF_INET, pkt + (hl <= len ? hl : len),
		    hl <= len ? len - hl : 0, e);
		return;
	}
	vrrp_inst_recv(d, ifp, pkt + hl, len - hl, &a);
}

/* The kernel's count of datagrams dropped on a full socket buffer
 * (SO_RXQ_OVFL): a flood we could not read is still counted. */
static void
rx_overflow(const struct cmsghdr *c, uint32_t *dropped)
{
	if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL)
		memcpy(dropped, CMSG_DATA(c), sizeof(*dropped));
}

/* Up to RX_BATCH datagrams; how many were read. */
static int
rx4_read(struct vrrpd *d, int fd)
{
	uint8_t buf[2048], cbuf[256];
	int n;

	for (n = 0; n < RX_BATCH; n++) {
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
		    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
		int ifindex = 0;
		ssize_t r = recvmsg(fd, &msg, MSG_DONTWAIT);
		if (r < 0)
			break;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c;
		    c = CMSG_NXTHDR(&msg, c)) {
			if (c->cmsg_level == IPPROTO_IP &&
			    c->cmsg_type == IP_PKTINFO) {
				struct in_pktinfo pi;
				memcpy(&pi, CMSG_DATA(c), sizeof(pi));
				ifindex = pi.ipi_ifindex;
			} else
				rx_overflow(c, &d->rx_dropped4);
		}
		if (msg.msg_flags & MSG_TRUNC)
			count_bad(d, if_by_index(d, ifindex), AF_INET, NULL, 0,
			    VRRP_ADV_E_LEN);
		else
			recv4_one(d, buf, (size_t)r, ifindex);
	}
	return n;
}

static int
rx6_read(struct vrrpd *d, int fd)
{
	uint8_t buf[2048], cbuf[256];
	int n;

	for (n = 0; n < RX_BATCH; n++) {
		struct sockaddr_in6 from;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr msg = { .msg_name = &from, .msg_namelen =
		    sizeof(from), .msg_iov = &iov, .msg_iovlen = 1,
		    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
		struct vrrp_advert a;
		int ifindex = 0;
		ssize_t r = recvmsg(fd, &msg, MSG_DONTWAIT);
		if (r < 0)
			break;
		memset(&a, 0, sizeof(a));
		a.ttl = -1;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c;
		    c = CMSG_NXTHDR(&msg, c)) {
			if (c->cmsg_level != IPPROTO_IPV6)
				continue;
			if (c->cmsg_type == IPV6_PKTINFO) {
				struct in6_pktinfo pi;
				memcpy(&pi, CMSG_DATA(c), sizeof(pi));
				ifindex = (int)pi.ipi6_ifindex;
				a.dst.af = AF_INET6;
				memcpy(a.dst.bytes, &pi.ipi6_addr, 16);
			} else if (c->cmsg_type == IPV6_HOPLIMIT)
				memcpy(&a.ttl, CMSG_DATA(c), sizeof(int));
		}
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c;
		    c = CMSG_NXTHDR(&msg, c))
			rx_overflow(c, &d->rx_dropped6);
		struct vrrp_if *ifp = if_by_index(d, ifindex);
		if (ifp == NULL)
			continue;
		a.src.af = AF_INET6;
		memcpy(a.src.bytes, &from.sin6_addr, 16);
		a.any_ttl = unicast_any_ttl(d, ifp, AF_INET6, buf, (size_t)r,
		    a.dst.bytes);
		enum vrrp_adv_err e = (msg.msg_flags & MSG_TRUNC) ?
		    VRRP_ADV_E_LEN : vrrp_advert_decode(buf, (size_t)r, &a);
		if (e != VRRP_ADV_OK)
			count_bad(d, ifp, AF_INET6, buf, (size_t)r, e);
		else
			vrrp_inst_recv(d, ifp, buf, (size_t)r, &a);
	}
	return n;
}

static void
rx4_cb(evutil_socket_t fd, short ev, void *arg)
{
	vrrp_hold_wake(arg);
	rx4_read(arg, fd);
}

static void
rx6_cb(evutil_socket_t fd, short ev, void *arg)
{
	vrrp_hold_wake(arg);
	rx6_read(arg, fd);
}

void
vrrp_net_drain(struct vrrpd *d)
{
	/* Bounded: a 1 MiB buffer holds some 16 batches of adverts. */
	for (int i = 0; i < 32 && d->rx_fd4 >= 0; i++)
		if (rx4_read(d, d->rx_fd4) < RX_BATCH)
			break;
	for (int i = 0; i < 32 && d->rx_fd6 >= 0; i++)
		if (rx6_read(d, d->rx_fd6) < RX_BATCH)
			break;
}

static int
open_rx(struct vrrpd *d)
{
	int on = 1, buf = 1 << 20;

	d->rx_fd4 = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    VRRP_PROTO);
	d->rx_fd6 = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    VRRP_PROTO);
	if (d->rx_fd4 == -1 || d->rx_fd6 == -1) {
		log_warn("raw VRRP socket");
		return -1;
	}
	if (setsockopt(d->rx_fd4, IPPROTO_IP, IP_PKTINFO, &on,
	    sizeof(on)) == -1 ||
	    setsockopt(d->rx_fd6, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
	    sizeof(on)) == -1 ||
	    setsockopt(d->rx_fd6, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on,
	    sizeof(on)) == -1) {
		log_warn("raw VRRP socket options");
		return -1;
	}
	for (int i = 0; i < 2; i++) {
		int fd = i ? d->rx_fd6 : d->rx_fd4;
		setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on));
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	}
	d->rx_ev4 = event_new(d->base, d->rx_fd4, EV_READ | EV_PERSIST, rx4_cb,
	    d);
	d->rx_ev6 = event_new(d->base, d->rx_fd6, EV_READ | EV_PERSIST, rx6_cb,
	    d);
	if (d->rx_ev4 == NULL || d->rx_ev6 == NULL)
		return -1;
	event_add(d->rx_ev4, NULL);
	event_add(d->rx_ev6, NULL);
	return 0;
}

int
vrrp_net_open(struct vrrpd *d)
{
	int ttl = VRRP_TTL;

	d->tx_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	d->uni_fd4 = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	d->uni_fd6 = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (d->tx_fd == -1 || d->uni_fd4 == -1 || d->uni_fd6 == -1) {
		log_warn("send sockets");
		return -1;
	}
	setsockopt(d->uni_fd6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl,
	    sizeof(ttl));
	if (open_rx(d) == -1)
		return -1;
	for (int i = 0; i < d->n_inst; i++)
		if (d->inst[i].conf->n_peers == 0 &&
		    vrrp_net_join(d, d->inst[i].ifp, d->inst[i].conf->af) == -1)
			return -1;
	return 0;
}

void
vrrp_net_close(struct vrrpd *d)
{
	if (d->rx_ev4)
		event_free(d->rx_ev4);
	if (d->rx_ev6)
		event_free(d->rx_ev6);
	d->rx_ev4 = d->rx_ev6 = NULL;
	int *fds[] = { &d->tx_fd, &d->uni_fd4, &d->uni_fd6, &d->rx_fd4,
	    &d->rx_fd6 };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}

static int
send_frame(struct vrrpd *d, const struct vrrp_if *ifp, const uint8_t *f,
    size_t len)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
	    .sll_ifindex = ifp->ifindex, .sll_halen = 6 };

	memcpy(sll.sll_addr, f, 6);
	if (sendto(d->tx_fd, f, len, 0, (struct sockaddr *)&sll,
	    sizeof(sll)) == -1) {
		log_warn("%s: send", ifp->name);
		return -1;
	}
	return 0;
}

/* The advert's fields from the instance's configuration. */
static void
advert_fill(struct vrrp_inst *vi, int prio, struct vrrp_advert *a)
{
	const struct conf_vrrp_inst *c = vi->conf;

	memset(a, 0, sizeof(*a));
	a->version = (uint8_t)c->version;
	a->vrid = (uint8_t)c->vrid;
	a->prio = (uint8_t)prio;
	a->naddr = (uint8_t)c->n_vips;
	a->adv_int = (uint16_t)c->advert_cs;
	for (int i = 0; i < c->n_vips; i++)
		a->addrs[i] = c->vips[i].addr;
	if (c->auth_type == CONF_AUTH_PASS) {
		a->auth_type = VRRP_AUTH_PASS;
		memcpy(a->auth, c->auth_pass, strnlen(c->auth_pass, 8));
	}
	a->src = vi->fsm.self;
	a->ttl = VRRP_TTL;
}

/* Encode (and sign) for destination dst; payload length or -1. */
static int
advert_build(struct vrrp_inst *vi, struct vrrp_advert *a,
    const struct tnd_addr *dst, uint8_t *buf, size_t cap)
{
	int hmac = vi->conf->auth_type == CONF_AUTH_HMAC;
	int len;

	a->dst = *dst;
	if (hmac)
		a->seq = ++vi->tx_seq;
	if ((len = vrrp_advert_encode(a, hmac, buf, cap)) < 0)
		return -1;
	if (hmac) {
		vrrp_auth_sign(vi, buf, (size_t)len,
		    (size_t)len - VRRP_HMAC_LEN);
		vrrp_advert_checksum(a, buf, (size_t)len);
	}
	return len;
}

static int
send_unicast(struct vrrp_inst *vi, struct vrrp_advert *a)
{
	struct vrrpd *d = vi->d;
	uint8_t pl[VRRP_FRAME_MAX], fr[VRRP_FRAME_MAX], zero[6] = { 0 };
	int rc = 0;

	for (int i = 0; i < vi->conf->n_peers; i++) {
		const struct tnd_addr *p = &vi->conf->peers[i];
		struct sockaddr_storage ss;
		socklen_t sl;
		int len = advert_build(vi, a, p, pl, sizeof(pl)), flen;
		if (len < 0 || (flen = vrrp_advert_frame(pl, (size_t)len, a,
		    zero, zero, d->ip_id++, fr, sizeof(fr))) < 0)
			return -1;
		sl = addr_sockaddr(p, 0, (unsigned)vi->ifp->ifindex, &ss);
		if (sendto(p->af == AF_INET ? d->uni_fd4 : d->uni_fd6, fr + 14,
		    (size_t)flen - 14, 0, (struct sockaddr *)&ss, sl) == -1) {
			log_warn("%s: unicast advert", vi->conf->name);
			rc = -1;
		}
	}
	return rc;
}

int
vrrp_net_send_advert(struct vrrp_inst *vi, int prio)
{
	struct vrrpd *d = vi->d;
	struct vrrp_advert a;
	struct tnd_addr dst = { .af = (uint8_t)vi->conf->af };
	uint8_t pl[VRRP_FRAME_MAX], fr[VRRP_FRAME_MAX], vmac[6];
	int len, flen, rc;

	if (vi->fsm.self.af == 0) {
		if (vi->cnt.tx_noaddr++ == 0)
			log_warnx("%s: %s has no %s address to send from",
			    vi->conf->name, vi->ifp->name,
			    vi->conf->af == AF_INET6 ? "link-local" : "IPv4");
		return -1;
	}
	advert_fill(vi, prio, &a);
	if (vi->conf->n_peers) {
		rc = send_unicast(vi, &a);
	} else {
		memcpy(dst.bytes, dst.af == AF_INET ? mcast4 : mcast6,
		    dst.af == AF_INET ? 4 : 16);
		vrrp_vmac(vi->conf->vrid, dst.af, vmac);
		len = advert_build(vi, &a, &dst, pl, sizeof(pl));
		flen = len < 0 ? -1 : vrrp_advert_frame(pl, (size_t)len, &a,
		    vmac, dst.af == AF_INET ? mmac4 : mmac6, d->ip_id++, fr,
		    sizeof(fr));
		rc = flen < 0 ? -1 : send_frame(d, vi->ifp, fr, (size_t)flen);
	}
	if (rc == 0) {
		vi->cnt.sent++;
		if (prio == 0)
			vi->cnt.prio0_sent++;
	}
	return rc;
}

int
vrrp_net_send_garp(struct vrrp_inst *vi)
{
	uint8_t fr[VRRP_GARP_MAX], vmac[6];
	int len;

	vrrp_vmac(vi->conf->vrid, vi->conf->af, vmac);
	for (int i = 0; i < vi->conf->n_vips; i++) {
		const struct tnd_addr *v = &vi->conf->vips[i].addr;
		if (v->af == AF_INET)
			len = vrrp_garp_arp(vmac, v, fr, sizeof(fr));
		else
			len = vrrp_garp_na(vmac, &vi->ifp->addr6, v, fr,
			    sizeof(fr));
		if (len > 0 && send_frame(vi->d, vi->ifp, fr, (size_t)len) == 0)
			vi->cnt.garp_sent++;
	}
	return 0;
}
