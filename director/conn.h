/* The connection table: every flow through the director, found by its
 * input tuple (client -> VIP) and, for NAT replies, by its output tuple
 * (real server -> client). Bounded by conn_max; entries expire by the
 * timeout of their protocol state, as in IPVS. */
#ifndef TANDEM_CONN_H
#define TANDEM_CONN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "addr.h"
#include "proto.h"
#include "service.h"

#define CONN_F_INACTIVE		0x0001	/* counted in the dest's inactive */
#define CONN_F_NOOUTPUT		0x0002	/* no reply seen (DR/TUN: never) */
#define CONN_F_SYNCED		0x0004	/* installed by connection sync */
#define CONN_F_TEMPLATE		0x0008	/* a persistence template */
#define CONN_F_ONEPACKET	0x0010	/* UDP one-packet: never in the table */
#define CONN_F_HALFOPEN		0x0020	/* TCP, not yet established */

#define HALFOPEN_FAST_TIMEOUT	3	/* seconds, under a SYN flood */
#define FLOOD_HOLD_MS		10000	/* defence stays on this long */

struct conn_key {
	uint8_t		 proto;
	struct tnd_addr	 a1, a2;	/* in: client, vip; out: rs, client */
	uint16_t	 p1, p2;
};

struct conn {
	struct conn		*in_next, *out_next;
	struct conn_key		 in, out;
	struct tnd_addr		*caddr, *vaddr, *daddr;	/* into the keys */
	uint16_t		 cport, vport, dport;
	uint8_t			 proto;
	uint8_t			 state;
	uint16_t		 flags;
	enum fwd_method		 method;
	uint32_t		 timeout;	/* seconds, of the current state */
	_Atomic uint64_t	 expires_ms;	/* monotonic */
	_Atomic int32_t		 refcnt;	/* packets being handled */
	pthread_spinlock_t	 lock;		/* state, flags, timeout */
	struct dest		*dest;
	struct conn		*control;	/* its persistence template */
	_Atomic int32_t		 n_control;	/* template: conns it controls */
	uint8_t			 client_mac[6];	/* source of its input frames */
	int			 in_ifindex;
	/* Connection sync (conn_sync.c): what was last sent, and on a
	 * backup the sequence number of the datagram last applied. */
	_Atomic uint32_t	 sync_pkts;	/* input packets, for threshold */
	_Atomic int		 sync_queued;	/* in a worker's sync queue */
	uint8_t			 sync_state;	/* state when last queued */
	uint64_t		 sync_ms;	/* when last queued */
	uint64_t		 sync_seq;	/* backup: last datagram applied */
};

struct conn_table {
	struct conn		**in_hash, **out_hash;
	pthread_mutex_t		*in_locks, *out_locks;
	uint32_t		 size, mask, nlocks;
	uint32_t		 seed;
	uint32_t		 max;
	uint32_t		 half_open_max;	/* per service */
	_Atomic uint32_t	 count;
	struct proto_timeouts	 timeouts;
	pthread_mutex_t		 dead_lock;	/* unhashed, waiting for 0 refs */
	struct conn		*dead;
};

int	conn_table_init(struct conn_table *t, uint32_t max);
void	conn_table_free(struct conn_table *t);

void	conn_key_in(struct conn_key *k, uint8_t proto, const struct tnd_addr *c,
	    uint16_t cport, const struct tnd_addr *v, uint16_t vport);

/* Find by input or output tuple; on success the conn is held (refcnt) and
 * must be released with conn_put. */
struct conn *conn_lookup_in(struct conn_table *t, const struct conn_key *k);
struct conn *conn_lookup_out(struct conn_table *t, const struct conn_key *k);
void	conn_put(struct conn *c);

/* Create a connection bound to d (held), inserted in both tables and
 * returned held. NULL with errno EBUSY at conn_max, EAGAIN when d's service
 * holds half_open_max half-open TCP connections, EEXIST if a racing worker
 * created the same one, ENOMEM. */
struct conn *conn_create(struct conn_table *t, uint8_t proto,
	    const struct tnd_addr *caddr, uint16_t cport,
	    const struct tnd_addr *vaddr, uint16_t vport, struct dest *d,
	    uint16_t dport, uint64_t now_ms);

/* A persistence template: client (already masked) and port 0 to the
 * service's VIP and port, bound to d, living timeout seconds; returned
 * held. Templates do not count as connections of d (only in persist). */
struct conn *conn_create_template(struct conn_table *t, uint8_t proto,
	    const struct tnd_addr *caddr, const struct tnd_addr *vaddr,
	    uint16_t vport, struct dest *d, uint32_t timeout, uint64_t now_ms);
/* A connection or template from connection sync: bound to d without
 * asking its scheduler, in the given state (active or not, as the master
 * counts it), expiring timeout seconds from now; returned held. NULL with
 * errno as conn_create (no half-open accounting: the master did that). */
struct conn *conn_install(struct conn_table *t, uint8_t proto,
	    const struct tnd_addr *caddr, uint16_t cport,
	    const struct tnd_addr *vaddr, uint16_t vport, struct dest *d,
	    uint16_t dport, int template, uint8_t state, int active,
	    int nooutput, uint32_t timeout, uint64_t now_ms);
/* A synced update of an existing entry: state, activity, timeout. */
void	conn_sync_apply(struct conn *c, uint8_t state, int active,
	    int nooutput, uint32_t timeout, uint64_t now_ms);

/* Put c under the template ct, handing over the caller's hold on ct;
 * ct's lifetime restarts. */
void	conn_bind_control(struct conn *c, struct conn *ct, uint64_t now_ms);

/* Take a held connection out of both tables at once (a new connection
 * reuses its ports); it is freed once nobody holds it. */
void	conn_unhash(struct conn_table *t, struct conn *c);
/* IPVS is_new_conn_expected: may a SYN replace this entry? */
int	conn_reusable(const struct conn *c, int conn_reuse_mode);

/* Apply a packet to the state machine and refresh the expiry. */
void	conn_update(struct conn_table *t, struct conn *c, enum conn_dir dir,
	    uint8_t tcp_flags, uint64_t now_ms);

/* The same for an SCTP packet, whose event the decoder found. */
void	conn_update_sctp(struct conn_table *t, struct conn *c,
	    enum conn_dir dir, int event, uint64_t now_ms);

/* Remove every expired, idle entry; returns how many were removed. */
uint32_t conn_expire(struct conn_table *t, uint64_t now_ms);
/* Remove everything (shutdown). */
void	conn_flush(struct conn_table *t);

/* Walk every entry under its bucket lock (for listings). */
void	conn_walk(struct conn_table *t, void (*fn)(const struct conn *, void *),
	    void *arg);

/* The same for buckets [from, to) only (a bulk dump in slices). */
void	conn_walk_range(struct conn_table *t, uint32_t from, uint32_t to,
	    void (*fn)(const struct conn *, void *), void *arg);

uint64_t now_monotonic_ms(void);

#endif
