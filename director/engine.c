/* The per-frame path: ARP for owned VIPs, then for IPv4 frames to an owned
 * virtual MAC the connection lookup (input, then NAT output), scheduling of
 * new connections, the state machine, the rewrite and the send. Every frame
 * that is not forwarded is counted under the reason it was dropped. */
#include "director.h"
#include "frame.h"
#include "proto_sctp.h"
#include "log.h"
#include "scheduler.h"
#include "xmit.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int
iface_is_ours(const struct director *d, int ifindex)
{
	for (int i = 0; i < d->n_ifindex; i++)
		if (d->ifindex[i] == ifindex)
			return 1;
	return 0;
}

/* The source MAC of what we send on oif: the virtual MAC of an instance we
 * own there (so switches keep pointing it at us), else the port's own. */
void
engine_source_mac(struct director *d, int oif, int af, uint8_t mac[6])
{
	int vrid = vip_vrid_on(&d->vips, oif);

	if (vrid > 0)
		vip_mac(vrid, af, mac);
	else if (l2_link_mac(&d->l2, oif, mac) == -1)
		memset(mac, 0, 6);
}

static void
engine_arp(struct worker *w, struct pkt *p)
{
	struct director *d = w->d;
	struct arp a;
	struct tnd_addr tpa = { .af = AF_INET };
	uint8_t out[ARP_FRAME_LEN], vmac[6];
	int vrid;

	if (frame_decode_arp(p, &a) != 0) {
		w->cnt.v[CNT_DROP_BAD_ARP]++;
		return;
	}
	if (a.op != 1)
		return;
	memcpy(tpa.bytes, a.tpa, 4);
	if (!vip_owns_addr(&d->vips, p->ifindex, &tpa, &vrid))
		return;
	vip_mac(vrid, AF_INET, vmac);
	xmit_arp_reply(out, &a, vmac, a.tpa);
	if (netio_send(w->io, out, sizeof(out), p->ifindex) == 0)
		w->cnt.v[CNT_ARP_REPLIES]++;
}

/* One-packet scheduling (ipvsadm -o, UDP): every datagram is scheduled on
 * its own and no connection is kept; a per-worker scratch entry carries the
 * addresses through the forwarding code. */
static struct conn *
one_packet(struct worker *w, struct service *s, struct pkt *p,
    enum conn_dir *dir, int *why)
{
	struct conn *c = &w->ops;
	struct dest *dst = sched_pick(s, p);

	if (dst == NULL) {
		*why = CNT_DROP_NO_DEST;
		return NULL;
	}
	memset(c, 0, sizeof(*c));
	conn_key_in(&c->in, p->proto, &p->saddr, p->sport, &p->daddr, p->dport);
	c->dport = dst->port ? dst->port : p->dport;
	conn_key_in(&c->out, p->proto, &dst->addr, c->dport, &p->saddr, p->sport);
	c->caddr = &c->in.a1;
	c->vaddr = &c->in.a2;
	c->daddr = &c->out.a1;
	c->cport = p->sport;
	c->vport = p->dport;
	c->proto = p->proto;
	c->method = dst->method;
	c->dest = dst;
	c->flags = CONN_F_ONEPACKET;
	dest_conn_bound(dst, 0);	/* counted as a connection, as IPVS */
	dest_conn_unbound(dst, 0);
	atomic_fetch_add_explicit(&w->d->svcs.total.conns, 1, memory_order_relaxed);
	*dir = DIR_INPUT;
	return c;
}

/* A neighbour solicitation for an owned IPv6 VIP: advertise the IPv6
 * virtual MAC 00:00:5e:00:02:VRID. */
static void
engine_nd(struct worker *w, struct pkt *p)
{
	static const uint8_t all_nodes_ip[16] = { 0xff, 0x02, [15] = 1 };
	static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	static const uint8_t unspec[16];
	struct tnd_addr target = { .af = AF_INET6 };
	struct nd_ns ns;
	uint8_t out[ND_FRAME_LEN], vmac[6];
	int vrid, rc;

	if ((rc = frame_decode_ns(p, &ns)) != 0) {
		w->cnt.v[rc]++;
		return;
	}
	memcpy(target.bytes, ns.target, 16);
	if (!vip_owns_addr(&w->d->vips, p->ifindex, &target, &vrid))
		return;
	vip_mac(vrid, AF_INET6, vmac);
	if (memcmp(p->saddr.bytes, unspec, 16) == 0)	/* DAD: to all nodes */
		xmit_nd_advert(out, vmac, ns.target, all_nodes_mac,
		    all_nodes_ip, 0);
	else
		xmit_nd_advert(out, vmac, ns.target, ns.has_sll ? ns.sll :
		    pkt_eth_src(p), p->saddr.bytes, 1);
	if (netio_send(w->io, out, sizeof(out), p->ifindex) == 0)
		w->cnt.v[CNT_ND_ADVERTS]++;
}

/* Find or create the connection of an IPv4 frame; *dir tells which way it
 * goes. Returns the held connection or NULL with the counter to bump. */
static struct conn *
conn_of(struct worker *w, struct pkt *p, enum conn_dir *dir, int *why)
{
	struct director *d = w->d;
	struct conn_key k;
	struct conn *c;

	conn_key_in(&k, p->proto, &p->saddr, p->sport, &p->daddr, p->dport);
	if ((c = conn_lookup_in(&d->conns, &k)) != NULL) {
		/* IPVS conn_reuse_mode: a fresh SYN on a finished entry starts
		 * a new connection, scheduled anew. */
		int fresh = p->proto == IPPROTO_SCTP ?
		    p->sctp_first == SCTP_CT_INIT :
		    (p->tcp_flags & (TCPF_SYN | TCPF_ACK | TCPF_RST)) == TCPF_SYN;
		if (fresh && conn_reusable(c, d->conf.director.conn_reuse_mode)) {
			conn_unhash(&d->conns, c);
			conn_put(c);
		} else {
			*dir = DIR_INPUT;
			return c;
		}
	}
	/* A reply of a NAT connection: (rs, rsport) -> (client, cport). */
	if ((c = conn_lookup_out(&d->conns, &k)) != NULL) {
		if (c->method == FWD_NAT && !(c->flags & CONN_F_TEMPLATE)) {
			*dir = DIR_OUTPUT;
			return c;
		}
		conn_put(c);
	}
	/* An exact service, else a port-0 (all ports) one on the VIP. */
	struct service *s = svc_find(&d->svcs, p->proto, &p->daddr, p->dport);
	if (s == NULL)
		s = svc_find(&d->svcs, p->proto, &p->daddr, 0);
	if (s == NULL)
		s = svc_match_group(&d->svcs, p->proto, &p->daddr, p->dport);
	if (s == NULL || !vip_owned(&d->vips, &p->daddr)) {
		*why = CNT_DROP_NO_SERVICE;
		return NULL;
	}
	/* As IPVS: only a SYN (without RST) opens a TCP connection, or with
	 * sloppy_tcp any segment but a RST (a standby that missed the SYN). */
	if (p->proto == IPPROTO_TCP && ((p->tcp_flags & TCPF_RST) ||
	    (!(p->tcp_flags & TCPF_SYN) && !d->conf.director.sloppy_tcp))) {
		*why = CNT_DROP_NO_CONN;
		return NULL;
	}
	/* SCTP: only an INIT (sloppy_sctp: anything but an ABORT). */
	if (p->proto == IPPROTO_SCTP &&
	    !sctp_may_create(p->sctp_first, d->conf.director.sloppy_sctp)) {
		*why = CNT_DROP_NO_CONN;
		return NULL;
	}
	if (s->ops && p->proto == IPPROTO_UDP)
		return one_packet(w, s, p, dir, why);
	uint64_t now = now_monotonic_ms();
	struct conn *ct = NULL;
	struct dest *dst = s->persistent ? persist_pick(d, s, p, &ct, now) :
	    sched_pick(s, p);
	if (dst == NULL) {
		*why = CNT_DROP_NO_DEST;
		return NULL;
	}
	c = conn_create(&d->conns, p->proto, &p->saddr, p->sport, &p->daddr,
	    p->dport, dst, dst->port ? dst->port : p->dport, now);
	if (c == NULL) {
		int e = errno;
		if (ct)
			conn_put(ct);
		if (e == EEXIST)	/* another worker was first */
			c = conn_lookup_in(&d->conns, &k);
		if (c)
			goto found;
		*why = e == EAGAIN ? CNT_DROP_SYN_FLOOD :
		    CNT_DROP_CONN_LIMIT;	/* table full, or no memory */
		return NULL;
	}
	if (ct)
		conn_bind_control(c, ct, now);
	w->cnt.v[CNT_CONN_CREATED]++;
	atomic_fetch_add_explicit(&d->svcs.total.conns, 1, memory_order_relaxed);
	memcpy(c->client_mac, pkt_eth_src(p), 6);
	c->in_ifindex = p->ifindex;
found:
	*dir = DIR_INPUT;
	return c;
}

/* Next hop toward addr, else the MAC the conn learned on its way in. */
static int
route_out(struct worker *w, const struct tnd_addr *addr,
    const struct conn *fallback, int *oif, uint8_t mac[6], int *why)
{
	if (l2_next_hop(&w->d->l2, addr, oif, mac) == 0)
		return 0;
	if (fallback && fallback->in_ifindex) {
		*oif = fallback->in_ifindex;
		memcpy(mac, fallback->client_mac, 6);
		return 0;
	}
	*why = *oif ? CNT_DROP_NO_NEIGH : CNT_DROP_NO_ROUTE;
	return -1;
}

static void
forward(struct worker *w, struct pkt *p, struct netio_frame *f,
    struct conn *c, enum conn_dir dir)
{
	struct director *d = w->d;
	uint8_t mac[6], smac[6];
	int oif = 0, why = 0;

	if (c->method == FWD_TUN && dir != DIR_OUTPUT) {
		if ((why = tunnel_forward(w, p, f, c)) != 0)
			goto drop;
		goto count;
	}
	if (dir == DIR_OUTPUT) {
		xmit_nat_snat(p, c->vaddr, c->vport);
		if (route_out(w, c->caddr, c, &oif, mac, &why) == -1)
			goto drop;
	} else {
		if (c->method == FWD_NAT)
			xmit_nat_dnat(p, c->daddr, c->dport);
		if (route_out(w, c->daddr, NULL, &oif, mac, &why) == -1)
			goto drop;
	}
	engine_source_mac(d, oif, p->saddr.af, smac);
	xmit_set_l2(p->frame, mac, smac);
	netio_forward(w->io, f, oif);
	w->cnt.v[CNT_TX_FRAMES]++;
count:
	stats_add(&c->dest->stats, dir != DIR_OUTPUT, p->l3_len);
	stats_add(&c->dest->svc->stats, dir != DIR_OUTPUT, p->l3_len);
	stats_add(&d->svcs.total, dir != DIR_OUTPUT, p->l3_len);
	return;
drop:
	w->cnt.v[why]++;
}

static void
engine_ipv4(struct worker *w, struct pkt *p, struct netio_frame *f)
{
	struct director *d = w->d;
	enum conn_dir dir;
	struct conn *c;
	int why = 0;

	pthread_rwlock_rdlock(&d->svcs.lock);
	if ((c = conn_of(w, p, &dir, &why)) == NULL) {
		w->cnt.v[why]++;
		goto out;
	}
	/* IPVS drops packets of a connection whose real server was deleted
	 * (expire_nodest_conn off); they flow again if it is added back. */
	if (!(atomic_load(&c->dest->flags) & DEST_F_AVAILABLE)) {
		w->cnt.v[CNT_DROP_DEST_DOWN]++;
		if (d->conf.director.expire_nodest_conn)
			atomic_store(&c->expires_ms, 0);
		conn_put(c);
		goto out;
	}
	if (c->flags & CONN_F_ONEPACKET) {
		forward(w, p, f, c, dir);
		goto out;
	}
	uint64_t now = now_monotonic_ms();
	if (p->proto == IPPROTO_SCTP)
		conn_update_sctp(&d->conns, c, dir, p->sctp_event, now);
	else
		conn_update(&d->conns, c, dir, p->tcp_flags, now);
	forward(w, p, f, c, dir);
	if (dir != DIR_OUTPUT)
		csync_note(w, c, now);
	conn_put(c);
out:
	pthread_rwlock_unlock(&d->svcs.lock);
}

void
engine_frame(void *arg, struct netio_frame *f)
{
	struct worker *w = arg;
	struct director *d = w->d;
	struct pkt p;
	int rc;

	w->cnt.v[CNT_RX_FRAMES]++;
	if (!iface_is_ours(d, f->ifindex))
		return;
	if (f->len < ETH_HLEN_) {
		w->cnt.v[CNT_DROP_TRUNC_ETH]++;
		return;
	}
	/* Only frames to a virtual MAC we own on this port are ours; ARP and
	 * solicited-node multicast are looked at for questions about our
	 * VIPs, and otherwise ignored. */
	int is_arp = f->data[12] == 0x08 && f->data[13] == 0x06;
	int is_mcast = f->data[0] == 0x33 && f->data[1] == 0x33;
	if (!is_arp && !is_mcast && !vip_owns_mac(&d->vips, f->ifindex, f->data)) {
		w->cnt.v[CNT_DROP_NOT_OURS]++;
		return;
	}
	if ((rc = frame_decode(&p, f->data, f->len, f->csum_flags)) != 0) {
		if (!is_mcast)
			w->cnt.v[rc]++;
		return;
	}
	p.ifindex = f->ifindex;
	if (is_arp)
		engine_arp(w, &p);
	else if (p.proto == IPPROTO_ICMPV6 && p.icmp_type == ND_NS_)
		engine_nd(w, &p);
	else if (is_mcast)
		return;
	else if (pkt_is_icmp(&p))
		engine_icmp(w, &p, f);
	else
		engine_ipv4(w, &p, f);
}

void *
engine_worker(void *arg)
{
	struct worker *w = arg;

	while (!atomic_load(&w->d->stop)) {
		if (netio_poll(w->io, 200, engine_frame, w) < 0) {
			log_warn("worker %d: packet socket failed", w->id);
			break;
		}
	}
	return NULL;
}

void
engine_announce(struct director *d, const struct vip_instance *in)
{
	static const uint8_t all_nodes_ip[16] = { 0xff, 0x02, [15] = 1 };
	static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	uint8_t frame[ND_FRAME_LEN], vmac[6];
	struct sockaddr_ll sll;
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	if (fd == -1) {
		log_warn("announce: socket");
		return;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = in->ifindex;
	sll.sll_halen = 6;
	memset(sll.sll_addr, 0xff, 6);
	for (int i = 0; i < in->n_vips; i++) {
		size_t len;
		if (in->vips[i].addr.af == AF_INET) {
			vip_mac(in->vrid, AF_INET, vmac);
			len = xmit_garp(frame, vmac, in->vips[i].addr.bytes);
		} else {
			/* An unsolicited NA to all nodes (RFC 4861 7.2.6). */
			vip_mac(in->vrid, AF_INET6, vmac);
			len = xmit_nd_advert(frame, vmac, in->vips[i].addr.bytes,
			    all_nodes_mac, all_nodes_ip, 0);
		}
		if (sendto(fd, frame, len, 0, (struct sockaddr *)&sll,
		    sizeof(sll)) == -1)
			log_warn("announce: gratuitous ARP/NA on %s", in->ifname);
	}
	/* A service group's blocks: the first 64 addresses of each. */
	for (int i = 0; i < in->n_ranges; i++) {
		const struct addr_range *r = &in->ranges[i];
		unsigned n = addr_range_count(r, 64);
		for (unsigned k = 0; k < n; k++) {
			struct tnd_addr a;
			size_t len;
			addr_range_nth(r, k, &a);
			vip_mac(in->vrid, a.af, vmac);
			len = a.af == AF_INET ? xmit_garp(frame, vmac, a.bytes) :
			    xmit_nd_advert(frame, vmac, a.bytes, all_nodes_mac,
			    all_nodes_ip, 0);
			if (sendto(fd, frame, len, 0, (struct sockaddr *)&sll,
			    sizeof(sll)) == -1)
				log_warn("announce: on %s", in->ifname);
		}
	}
	close(fd);
}
