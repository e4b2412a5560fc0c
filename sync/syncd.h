/* tandem-syncd: its configuration (the config's sync section) and its one
 * top-level state, passed explicitly to every function. */
#ifndef TANDEM_SYNCD_H
#define TANDEM_SYNCD_H

#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

#include "addr.h"
#include "conf.h"
#include "lag.h"
#include "sync_auth.h"
#include "sync_wire.h"

#define SYNC_PEERS_MAX		8	/* senders with a replay window */
#define SYNC_UNICAST_MAX	8	/* sync.peers */
#define SYNC_MISS_MAX		64	/* gaps being asked for */
#define SYNC_NACK_TRIES		5

enum sync_role { ROLE_NONE, ROLE_MASTER, ROLE_BACKUP };

struct sync_conf {
	char		interface[CONF_NAME_MAX];
	struct tnd_addr	group;		/* IPv4 or IPv6 multicast */
	uint16_t	port;
	uint16_t	ctl_port;	/* control datagrams; default port+1 */
	uint8_t		syncid;
	int		ttl;
	size_t		max_datagram;
	char		auth_key_file[CONF_PATH_MAX];	/* "": no HMAC */
	char		follow[CONF_NAME_MAX];	/* VRRP instance or group */
	enum sync_role	role;		/* fixed role; ROLE_NONE: follow */
	uint32_t	threshold, period;	/* IPVS sync_threshold */
	uint32_t	refresh_ms;	/* re-send an idle connection */
	uint32_t	batch_ms;	/* longest wait to fill a datagram */
	uint32_t	resend_slots;	/* datagrams kept for NACKs */
	uint32_t	nack_ms;	/* wait before asking for a gap */
	uint32_t	bulk_retry_ms;	/* bulk request repeated */
	int		bulk_attempts;	/* before deciding no master */
	struct tnd_addr	peers[SYNC_UNICAST_MAX];	/* unicast instead */
	int		n_peers;
};

/* One sender's replay windows (data and control), kept while recent. */
struct sync_peer {
	struct tnd_addr	 addr;
	struct sync_replay replay;
	struct sync_replay ctl_replay;
	uint64_t	 last_used;
	int		 used;
};

/* A datagram the master sent, kept for resending. */
struct sync_sent {
	uint64_t	 seq;
	uint16_t	 len;
	uint8_t		*buf;
};

/* A run of sequence numbers the backup is missing. */
struct sync_miss {
	uint64_t	 first, last;
	int		 tries;
	uint64_t	 asked_ms;
};

struct sync_counters {
	uint64_t	sent_dgrams, sent_entries, send_errors;
	uint64_t	resent, resend_missing;
	uint64_t	nacks_sent, nacks_received;
	uint64_t	gaps, lost;		/* seqs missed; given up */
	uint64_t	bulk_requests, bulk_served, bulk_done;
	uint64_t	installed_dgrams, install_errors, install_dropped;
	uint64_t	ignored;		/* data while master, etc. */
	uint64_t	ctl_refused;		/* control datagrams refused */
	uint64_t	role_changes;
};

struct ctl_link;
struct json_object;
struct sync_ctl_msg;

struct syncd {
	struct tandem_conf	 conf;
	struct sync_conf	 sc;
	char			 run_dir[CONF_PATH_MAX];
	const char		*file;		/* the config, for SIGHUP */
	struct event_base	*base;
	struct ctl_server	*ctl;
	int			 fd, ctl_fd;
	unsigned int		 ifindex;
	struct event		*rx_ev, *ctl_ev, *tick_ev;
	struct sync_key		 key;
	int			 auth;
	struct sync_peer	 peers[SYNC_PEERS_MAX];
	uint64_t		 tick;		/* orders peers by last use */
	struct sync_stats	 stats;
	uint64_t		 rx_errors;	/* recvfrom failures */
	struct sync_counters	 c;

	/* TANDEM_SYNC_TRACE set: run_dir/sync.trace gets a line per
	 * datagram sent ("S seq time_us wait_ms") or installed ("I seq
	 * time_us"), for the bench's lag measurement. */
	FILE			*trace;
	uint64_t		 feed_wait_ms;
	/* Backup: installs the director has not answered yet (oldest
	 * first), for the install lag and the trace. */
	struct {
		uint64_t	 seq, at_us;	/* at: monotonic */
	}			 inst_pend[256];
	unsigned		 inst_head, inst_n;
	struct sync_lag		 lag_master;	/* changes held in the director */
	struct sync_lag		 lag_install;	/* install to the director's answer */

	/* Replaced in unit tests by a simulated network and director. */
	int	(*tx_hook)(struct syncd *, int ctl, const uint8_t *, size_t);
	int	(*dir_hook)(struct syncd *, struct json_object *req);

	/* links to the director and to tandem-vrrpd */
	struct ctl_link		*dir, *vrrp;
	enum sync_role		 role;
	uint64_t		 role_since_ms;
	char			 vrrp_state[16];

	/* master */
	uint64_t		 seq;		/* last sent */
	uint64_t		 ctl_seq;	/* control datagrams */
	struct sync_sent	*ring;
	uint8_t			*txbuf;
	struct sync_enc		 enc;
	int			 dump_pending;	/* a request waits */
	uint64_t		 dump_id;
	int			 dumping;
	uint64_t		 dump_first;	/* first datagram of the dump */
	uint64_t		 seq0;		/* the first, minus one */
	uint64_t		 hb_ms;		/* last heartbeat */

	/* backup */
	struct tnd_addr		 master;	/* sender followed */
	int			 have_master;
	uint64_t		 expect;	/* next sequence number */
	uint64_t		 follow_from;	/* first seen from this master */
	uint64_t		 last_rx_ms;
	struct sync_miss	 miss[SYNC_MISS_MAX];
	int			 n_miss;
	int			 in_sync;
	uint64_t		 bulk_id;
	int			 bulk_tries;
	uint64_t		 bulk_next_ms;
	int			 bulk_end_seen;
	uint64_t		 bulk_last_seq;
	uint64_t		 bulk_done_ms;
	uint64_t		 bulk_entries;
};

/* conf.c */
void	sync_conf_defaults(struct sync_conf *sc);
int	sync_conf_load(const char *path, struct sync_conf *sc, FILE *err);
int	sync_conf_load_string(const char *text, struct sync_conf *sc,
	    FILE *err);
/* The sockets' family: the peers' when unicast, else the group's. */
static inline int
sync_conf_af(const struct sync_conf *sc)
{
	return sc->n_peers > 0 ? sc->peers[0].af : sc->group.af;
}

/* net.c: the data and control sockets */
int	sync_net_open(struct syncd *d);
void	sync_net_close(struct syncd *d);
struct sync_peer *sync_peer_find(struct syncd *d, const struct tnd_addr *a);
struct sync_peer *sync_peer_get(struct syncd *d, const struct tnd_addr *a);
void	sync_net_input(struct syncd *d, const struct tnd_addr *from,
	    const uint8_t *buf, size_t len);
void	sync_net_ctl_input(struct syncd *d, const struct tnd_addr *from,
	    const uint8_t *buf, size_t len);
int	sync_net_send(struct syncd *d, int ctl, const uint8_t *buf,
	    size_t len);

/* master.c: sending what the director feeds, resends, bulk dumps */
int	sync_master_init(struct syncd *d);
void	sync_master_free(struct syncd *d);
void	sync_master_start(struct syncd *d);
void	sync_master_feed(struct syncd *d, const char *b64, size_t len,
	    uint64_t wait_ms);
void	sync_master_dump_end(struct syncd *d, uint64_t n);
void	sync_master_nack(struct syncd *d, const struct sync_miss *r, int n);
void	sync_master_bulk_request(struct syncd *d, uint64_t id);
void	sync_master_tick(struct syncd *d, uint64_t now_ms);

/* backup.c: gaps, NACKs, bulk requests, installing */
void	sync_backup_start(struct syncd *d);
void	sync_backup_datagram(struct syncd *d, const struct tnd_addr *from,
	    const uint8_t *buf, size_t len, uint64_t seq);
void	sync_backup_bulk_end(struct syncd *d, const struct tnd_addr *from,
	    const struct sync_ctl_msg *m);
void	sync_backup_tick(struct syncd *d, uint64_t now_ms);
/* The director answered a sync_install: seq echoed, or -1 (an error,
 * which answers the oldest). */
void	sync_backup_installed(struct syncd *d, int64_t seq);
uint64_t sync_mono_us(void);
uint64_t sync_trace_us(void);
void	sync_backup_heartbeat(struct syncd *d, const struct tnd_addr *from,
	    uint64_t last_seq);

/* role.c: the links, the role from tandem-vrrpd */
int	sync_role_open(struct syncd *d);
void	sync_role_close(struct syncd *d);
void	sync_role_set(struct syncd *d, enum sync_role r, const char *why);
const char *sync_role_name(enum sync_role r);
int	sync_director_send(struct syncd *d, struct json_object *req);
int	sync_director_up(const struct syncd *d);
void	sync_role_vrrp_msg(struct ctl_link *l, uint16_t type,
	    struct json_object *msg, void *arg);
void	sync_role_vrrp_state(struct ctl_link *l, int up, void *arg);

/* reload.c */
int	sync_reload(struct syncd *d, const char *file);

/* ctrl.c: control datagrams (NACK, bulk request and end) */
#define SYNC_CTL_BULK_REQ	1
#define SYNC_CTL_BULK_END	2
#define SYNC_CTL_NACK		3
#define SYNC_CTL_HEARTBEAT	4
#define SYNC_HEARTBEAT_MS	200
#define SYNC_CTL_HDR_LEN	16
#define SYNC_CTL_MAX		(SYNC_CTL_HDR_LEN + 4 + SYNC_MISS_MAX * 12 + \
				 SYNC_HMAC_LEN)

struct sync_ctl_msg {
	uint8_t		 type;
	uint8_t		 syncid;
	uint64_t	 seq;		/* the sender's control sequence */
	uint64_t	 id;		/* bulk request / end */
	uint64_t	 first_seq;	/* bulk end: the dump's datagrams, */
	uint64_t	 last_seq;	/* first to last (none: last + 1) */
	uint64_t	 entries;	/* bulk end */
	struct sync_miss ranges[SYNC_MISS_MAX];	/* NACK: first, last */
	int		 n_ranges;
};

enum sync_ctl_err {
	SYNC_CTL_OK, SYNC_CTL_SHORT, SYNC_CTL_MAGIC, SYNC_CTL_TYPE,
	SYNC_CTL_LENGTH, SYNC_CTL_SYNCID, SYNC_CTL_RANGE, SYNC_CTL_NOAUTH,
	SYNC_CTL_HMAC, SYNC_CTL_REPLAY, SYNC_CTL__MAX
};

/* Into buf (SYNC_CTL_MAX bytes): the length, or -1. */
int	sync_ctl_encode(const struct sync_ctl_msg *m, const struct sync_key *k,
	    uint8_t *buf, size_t size);
/* Check (and with k, authenticate against replay) then fill m. */
enum sync_ctl_err sync_ctl_decode(const uint8_t *buf, size_t len,
	    uint8_t syncid, const struct sync_key *k, struct sync_replay *rp,
	    struct sync_ctl_msg *m);
const char *sync_ctl_err_str(enum sync_ctl_err e);

/* control.c */
int	sync_ctl_open(struct syncd *d);
struct json_object *sync_ctl_status(const struct syncd *d);

#endif
