/* Packet I/O behind one small interface. Backends: netio_packet.c
 * (AF_PACKET mmap ring with a classic-BPF filter and a fanout group);
 * AF_XDP is planned behind the same calls. Each worker owns one netio. */
#ifndef TANDEM_NETIO_H
#define TANDEM_NETIO_H

#include <stddef.h>
#include <stdint.h>

struct netio;

/* One received frame. data points at the Ethernet header inside the ring;
 * the engine may rewrite it in place and hand it back with netio_forward.
 * The offload header travels with it, so GSO super-frames and partial
 * checksums are carried through instead of being broken up or fixed. */
struct netio_frame {
	uint8_t		*data;
	size_t		 len;
	int		 ifindex;
	int		 csum_flags;	/* FRAME_CSUM_* */
	uint16_t	 gso_size;	/* a super-frame: segment payload size */
	uint8_t		 gso;		/* NETIO_GSO_* */
	void		*offload;	/* backend's per-frame offload header */
};

#define NETIO_GSO_NONE	0
#define NETIO_GSO_TCPV4	1
#define NETIO_GSO_TCPV6	2
#define NETIO_GSO_OTHER	3	/* UDP: carried, not segmented */

#define NETIO_COPY_MAX	2048	/* the largest frame netio_send copies */

/* Open worker `id` in fanout group `group` with a receive ring of `slots`
 * frames (each big enough for a 64 KiB offloaded frame). */
struct netio *netio_open(int id, int group, unsigned slots);
void	netio_close(struct netio *io);

typedef void (*netio_rx_cb)(void *arg, struct netio_frame *f);

/* Wait up to timeout_ms for frames and hand each to cb; returns the number
 * handled, or -1 on a fatal socket error. Frames queued with netio_forward
 * or netio_send are sent before it returns. */
int	netio_poll(struct netio *io, int timeout_ms, netio_rx_cb cb, void *arg);
/* Queue a received frame, as rewritten, for transmission on ifindex. */
void	netio_forward(struct netio *io, struct netio_frame *f, int ifindex);
/* Queue a copy of a frame built by the engine (ARP replies). */
int	netio_send(struct netio *io, const uint8_t *frame, size_t len,
	    int ifindex);
uint64_t netio_tx_errors(const struct netio *io);
/* Frames the kernel dropped because the receive ring was full, since the
 * last call (any thread). */
uint64_t netio_ring_drops(struct netio *io);

#endif
