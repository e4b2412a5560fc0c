/* The AF_PACKET backend: a TPACKET_V2 receive ring per worker, a
 * classic-BPF filter that passes only frames for VRRP virtual MACs and
 * ARP, a hash fanout group across workers, virtio-net headers so offloaded
 * frames (GSO, partial checksums) pass through intact, and batched sends
 * with sendmmsg straight from the ring. V2 rather than V3: see
 * docs/engine.md ("Packet I/O"). */
#include "netio.h"
#include "frame.h"
#include "log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define RING_FRAME_SIZE	(69632u)	/* 64 KiB GSO frame + headers */
#define BATCH		64
#define VNET_LEN	sizeof(struct virtio_net_hdr)

struct txq {
	struct mmsghdr		 msg[BATCH];
	struct iovec		 iov[BATCH][2];
	struct sockaddr_ll	 sll[BATCH];
	struct virtio_net_hdr	 zero_vnet;
	uint8_t			 copies[BATCH][NETIO_COPY_MAX];
	int			 n;
};

struct netio {
	int		 fd;
	uint8_t		*ring;
	size_t		 ring_len;
	unsigned	 head;		/* next frame slot to read */
	unsigned	 slots;		/* frames in the ring */
	struct txq	 tx;
	uint64_t	 tx_errors;
};

/* Accept: ARP; a destination MAC 00:00:5e:00:01:xx / 00:00:5e:00:02:xx
 * (the VRRP virtual router MACs for IPv4 and IPv6); and 33:33:ff:xx:xx:xx,
 * the solicited-node multicast that IPv6 neighbour solicitations use. */
static struct sock_filter vmac_filter[] = {
	/* 0 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),		/* ethertype */
	/* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_ARP, 9, 0),
	/* 2 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),		/* dst[0..3] */
	/* 3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x00005e00, 0, 3),
	/* 4 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 4),		/* dst[4] */
	/* 5 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x01, 5, 0),
	/* 6 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x02, 4, 5),
	/* 7 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 0),		/* dst[0..1] */
	/* 8 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x3333, 0, 3),
	/* 9 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 2),		/* dst[2] */
	/* 10 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xff, 0, 1),
	/* 11 */ BPF_STMT(BPF_RET | BPF_K, 0x40000),		/* accept */
	/* 12 */ BPF_STMT(BPF_RET | BPF_K, 0),
};

static int
setopt(int fd, int level, int name, int val, const char *what)
{
	if (setsockopt(fd, level, name, &val, sizeof(val)) == -1) {
		log_warn("netio: %s", what);
		return -1;
	}
	return 0;
}

struct netio *
netio_open(int id, int group, unsigned slots)
{
	struct netio *io = calloc(1, sizeof(*io));
	struct tpacket_req req;
	struct sock_fprog prog = {
		.len = sizeof(vmac_filter) / sizeof(vmac_filter[0]),
		.filter = vmac_filter,
	};
	struct sockaddr_ll sll;

	if (io == NULL)
		return NULL;
	io->slots = slots;
	/* Protocol 0: nothing arrives before the filter is attached. */
	io->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (io->fd == -1) {
		log_warn("netio: socket");
		free(io);
		return NULL;
	}
	if (setopt(io->fd, SOL_PACKET, PACKET_VERSION, TPACKET_V2,
	    "PACKET_VERSION") == -1 ||
	    setopt(io->fd, SOL_PACKET, PACKET_VNET_HDR, 1, "PACKET_VNET_HDR") == -1 ||
	    setopt(io->fd, SOL_PACKET, PACKET_QDISC_BYPASS, 1,
	    "PACKET_QDISC_BYPASS") == -1 ||
	    setopt(io->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1,
	    "PACKET_IGNORE_OUTGOING") == -1)
		goto fail;
	if (setsockopt(io->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog)) == -1) {
		log_warn("netio: SO_ATTACH_FILTER");
		goto fail;
	}
	memset(&req, 0, sizeof(req));
	req.tp_block_size = RING_FRAME_SIZE;
	req.tp_block_nr = slots;
	req.tp_frame_size = RING_FRAME_SIZE;
	req.tp_frame_nr = slots;
	if (setsockopt(io->fd, SOL_PACKET, PACKET_RX_RING, &req,
	    sizeof(req)) == -1) {
		log_warn("netio: PACKET_RX_RING");
		goto fail;
	}
	io->ring_len = (size_t)RING_FRAME_SIZE * slots;
	io->ring = mmap(NULL, io->ring_len, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_LOCKED | MAP_POPULATE, io->fd, 0);
	if (io->ring == MAP_FAILED)
		io->ring = mmap(NULL, io->ring_len, PROT_READ | PROT_WRITE,
		    MAP_SHARED, io->fd, 0);
	if (io->ring == MAP_FAILED) {
		log_warn("netio: mmap");
		io->ring = NULL;
		goto fail;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	if (bind(io->fd, (struct sockaddr *)&sll, sizeof(sll)) == -1) {
		log_warn("netio: bind");
		goto fail;
	}
	if (setopt(io->fd, SOL_PACKET, PACKET_FANOUT,
	    (group & 0xffff) | (PACKET_FANOUT_HASH << 16), "PACKET_FANOUT") == -1)
		goto fail;
	log_debug("netio: worker %d ring of %u frames ready", id, slots);
	return io;
fail:
	netio_close(io);
	return NULL;
}

void
netio_close(struct netio *io)
{
	if (io == NULL)
		return;
	if (io->ring)
		munmap(io->ring, io->ring_len);
	if (io->fd != -1)
		close(io->fd);
	free(io);
}

static void
tx_flush(struct netio *io)
{
	struct txq *q = &io->tx;
	int off = 0;

	while (off < q->n) {
		int n = sendmmsg(io->fd, q->msg + off, (unsigned)(q->n - off), 0);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			/* Count the frame that failed and go on with the rest. */
			io->tx_errors++;
			off++;
			continue;
		}
		off += n;
	}
	q->n = 0;
}

static void
tx_queue(struct netio *io, void *vnet, const uint8_t *frame, size_t len,
    int ifindex)
{
	struct txq *q = &io->tx;
	int i = q->n;

	if (i == BATCH) {
		/* Only engine-built frames can overflow a batch; the ring's
		 * own frames are flushed before their slots are released. */
		tx_flush(io);
		i = 0;
	}
	memset(&q->sll[i], 0, sizeof(q->sll[i]));
	q->sll[i].sll_family = AF_PACKET;
	q->sll[i].sll_ifindex = ifindex;
	q->sll[i].sll_halen = 6;
	memcpy(q->sll[i].sll_addr, frame, 6);
	q->iov[i][0].iov_base = vnet;
	q->iov[i][0].iov_len = VNET_LEN;
	q->iov[i][1].iov_base = (void *)frame;
	q->iov[i][1].iov_len = len;
	memset(&q->msg[i], 0, sizeof(q->msg[i]));
	q->msg[i].msg_hdr.msg_name = &q->sll[i];
	q->msg[i].msg_hdr.msg_namelen = sizeof(q->sll[i]);
	q->msg[i].msg_hdr.msg_iov = q->iov[i];
	q->msg[i].msg_hdr.msg_iovlen = 2;
	q->n = i + 1;
}

void
netio_forward(struct netio *io, struct netio_frame *f, int ifindex)
{
	tx_queue(io, f->offload, f->data, f->len, ifindex);
}

int
netio_send(struct netio *io, const uint8_t *frame, size_t len, int ifindex)
{
	if (len > sizeof(io->tx.copies[0]))
		return -1;
	if (io->tx.n == BATCH)
		tx_flush(io);
	memcpy(io->tx.copies[io->tx.n], frame, len);
	tx_queue(io, &io->tx.zero_vnet, io->tx.copies[io->tx.n], len, ifindex);
	return 0;
}

uint64_t
netio_tx_errors(const struct netio *io)
{
	return io->tx_errors;
}

uint64_t
netio_ring_drops(struct netio *io)
{
	struct tpacket_stats st;
	socklen_t len = sizeof(st);

	/* Reading the statistics resets them. */
	if (getsockopt(io->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == -1)
		return 0;
	return st.tp_drops;
}

static struct tpacket2_hdr *
slot(struct netio *io, unsigned i)
{
	return (struct tpacket2_hdr *)(io->ring + (size_t)i * RING_FRAME_SIZE);
}

static int
frame_from_slot(struct tpacket2_hdr *h, struct netio_frame *f)
{
	const struct sockaddr_ll *sll = (const struct sockaddr_ll *)
	    ((uint8_t *)h + TPACKET_ALIGN(sizeof(*h)));
	struct virtio_net_hdr *vnet;

	if (h->tp_snaplen < h->tp_len || h->tp_mac < VNET_LEN ||
	    (h->tp_status & TP_STATUS_VLAN_VALID))
		return -1;
	vnet = (struct virtio_net_hdr *)((uint8_t *)h + h->tp_mac - VNET_LEN);
	f->data = (uint8_t *)h + h->tp_mac;
	f->len = h->tp_snaplen;
	f->ifindex = sll->sll_ifindex;
	f->offload = vnet;
	f->csum_flags = 0;
	f->gso_size = vnet->gso_size;
	switch (vnet->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
	case VIRTIO_NET_HDR_GSO_NONE:	f->gso = NETIO_GSO_NONE; break;
	case VIRTIO_NET_HDR_GSO_TCPV4:	f->gso = NETIO_GSO_TCPV4; break;
	case VIRTIO_NET_HDR_GSO_TCPV6:	f->gso = NETIO_GSO_TCPV6; break;
	default:			f->gso = NETIO_GSO_OTHER; break;
	}
	if (vnet->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
		f->csum_flags |= FRAME_CSUM_PARTIAL;
	if ((vnet->flags & VIRTIO_NET_HDR_F_DATA_VALID) ||
	    (h->tp_status & TP_STATUS_CSUM_VALID))
		f->csum_flags |= FRAME_CSUM_VALID;
	return 0;
}

int
netio_poll(struct netio *io, int timeout_ms, netio_rx_cb cb, void *arg)
{
	struct pollfd pfd = { .fd = io->fd, .events = POLLIN };
	unsigned taken[BATCH];
	int handled = 0;

	if (!(__atomic_load_n(&slot(io, io->head)->tp_status, __ATOMIC_ACQUIRE) &
	    TP_STATUS_USER)) {
		int rc = poll(&pfd, 1, timeout_ms);
		if (rc < 0)
			return errno == EINTR ? 0 : -1;
		if (pfd.revents & (POLLERR | POLLNVAL))
			return -1;
	}
	for (;;) {
		int n = 0;
		while (n < BATCH) {
			struct tpacket2_hdr *h = slot(io, io->head);
			if (!(__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) &
			    TP_STATUS_USER))
				break;
			struct netio_frame f;
			if (frame_from_slot(h, &f) == 0)
				cb(arg, &f);
			taken[n++] = io->head;
			io->head = (io->head + 1) % io->slots;
		}
		if (n == 0)
			break;
		tx_flush(io);
		for (int i = 0; i < n; i++)
			__atomic_store_n(&slot(io, taken[i])->tp_status,
			    TP_STATUS_KERNEL, __ATOMIC_RELEASE);
		handled += n;
		if (n < BATCH)
			break;
	}
	tx_flush(io);
	return handled;
}
