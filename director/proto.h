/* Protocol state machines with IPVS's states, tables and timeouts:
 * TCP (input, output and input-only tables) and UDP. */
#ifndef TANDEM_PROTO_H
#define TANDEM_PROTO_H

#include <stdint.h>

enum tcp_state {
	TCP_S_NONE, TCP_S_ESTABLISHED, TCP_S_SYN_SENT, TCP_S_SYN_RECV,
	TCP_S_FIN_WAIT, TCP_S_TIME_WAIT, TCP_S_CLOSE, TCP_S_CLOSE_WAIT,
	TCP_S_LAST_ACK, TCP_S_LISTEN, TCP_S_SYNACK, TCP_S_LAST
};

enum udp_state { UDP_S_NORMAL, UDP_S_LAST };

/* Direction of a packet relative to the connection. */
enum conn_dir {
	DIR_INPUT,		/* client -> virtual service */
	DIR_OUTPUT,		/* real server -> client (NAT only) */
	DIR_INPUT_ONLY		/* input while no output was ever seen */
};

/* Timeouts in seconds, per protocol state, changeable with --set. */
#define SCTP_STATES	14	/* enum sctp_state in proto_sctp.h */

struct proto_timeouts {
	uint32_t	tcp[TCP_S_LAST];
	uint32_t	udp[UDP_S_LAST];
	uint32_t	sctp[SCTP_STATES];
};

void	proto_timeouts_default(struct proto_timeouts *t);
/* The next TCP state for a packet with these flags in this direction. */
enum tcp_state tcp_next_state(enum tcp_state cur, enum conn_dir dir,
	    uint8_t tcp_flags);
const char *tcp_state_name(int state);
/* Whether a TCP state counts in the dest's active connections. */
int	tcp_state_active(int state);
const char *udp_state_name(int state);

#endif
