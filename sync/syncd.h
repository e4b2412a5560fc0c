/* tandem-syncd: its configuration (the config's sync section) and its one
 * top-level state, passed explicitly to every function. */
#ifndef TANDEM_SYNCD_H
#define TANDEM_SYNCD_H

#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

#include "sync_auth.h"
#include "conf.h"
#include "sync_wire.h"

#define SYNC_PEERS_MAX	8	/* senders with a replay window */

struct sync_conf {
	char		interface[CONF_NAME_MAX];
	struct in_addr	group;
	uint16_t	port;
	uint8_t		syncid;		/* 0: receive any */
	int		ttl;
	size_t		max_datagram;
	char		auth_key_file[CONF_PATH_MAX];	/* "": no HMAC */
};

/* One sender's replay window, kept while it is among the recent ones. */
struct sync_peer {
	struct in_addr	 addr;
	struct sync_replay replay;
	uint64_t	 last_used;
	int		 used;
};

struct syncd {
	struct tandem_conf	 conf;
	struct sync_conf	 sc;
	char			 run_dir[CONF_PATH_MAX];
	struct event_base	*base;
	struct ctl_server	*ctl;
	int			 fd;
	unsigned int		 ifindex;
	struct event		*rx_ev;
	struct sync_key		 key;
	int			 auth;
	struct sync_peer	 peers[SYNC_PEERS_MAX];
	uint64_t		 tick;		/* orders peers by last use */
	struct sync_stats	 stats;
	uint64_t		 rx_errors;	/* recvfrom failures */
};

/* conf.c */
void	sync_conf_defaults(struct sync_conf *sc);
int	sync_conf_load(const char *path, struct sync_conf *sc, FILE *err);
int	sync_conf_load_string(const char *text, struct sync_conf *sc,
	    FILE *err);

/* net.c */
int	sync_net_open(struct syncd *d);
void	sync_net_close(struct syncd *d);
struct sync_peer *sync_peer_find(struct syncd *d, struct in_addr a);
struct sync_peer *sync_peer_get(struct syncd *d, struct in_addr a);
void	sync_net_input(struct syncd *d, struct in_addr from,
	    const uint8_t *buf, size_t len);

/* control.c */
int	sync_ctl_open(struct syncd *d);
struct json_object *sync_ctl_status(const struct syncd *d);

#endif
