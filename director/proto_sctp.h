/* IPVS's SCTP state machine (ip_vs_proto_sctp.c, current mainline): the
 * states, the event a packet's chunks make, the transition tables for
 * NAT (input/output) and DR (input-only), and the default timeouts. */
#ifndef TANDEM_PROTO_SCTP_H
#define TANDEM_PROTO_SCTP_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/* In IPVS's order (enum ip_vs_sctp_states); the value is what a
 * connection stores and what a sync peer would send. */
enum sctp_state {
	SCTP_S_NONE, SCTP_S_INIT1, SCTP_S_INIT, SCTP_S_COOKIE_SENT,
	SCTP_S_COOKIE_REPLIED, SCTP_S_COOKIE_WAIT, SCTP_S_COOKIE,
	SCTP_S_COOKIE_ECHOED, SCTP_S_ESTABLISHED, SCTP_S_SHUTDOWN_SENT,
	SCTP_S_SHUTDOWN_RECEIVED, SCTP_S_SHUTDOWN_ACK_SENT, SCTP_S_REJECTED,
	SCTP_S_CLOSED, SCTP_S_LAST
};

/* IPVS's events (enum ipvs_sctp_event_t): rows of the tables. */
enum sctp_event {
	SCTP_EV_DATA,		/* DATA, SACK, HEARTBEATs, ECN, unknown */
	SCTP_EV_INIT, SCTP_EV_INIT_ACK, SCTP_EV_COOKIE_ECHO,
	SCTP_EV_COOKIE_ACK, SCTP_EV_SHUTDOWN, SCTP_EV_SHUTDOWN_ACK,
	SCTP_EV_SHUTDOWN_COMPLETE, SCTP_EV_ERROR, SCTP_EV_ABORT,
	SCTP_EV_LAST
};

/* Chunk types (RFC 4960 3.2) that the event mapping names. Not SCTP_CID_*
 * so as not to collide with the kernel's headers. */
enum sctp_chunk_type {
	SCTP_CT_DATA = 0, SCTP_CT_INIT = 1, SCTP_CT_INIT_ACK = 2,
	SCTP_CT_SACK = 3, SCTP_CT_HEARTBEAT = 4, SCTP_CT_HEARTBEAT_ACK = 5,
	SCTP_CT_ABORT = 6, SCTP_CT_SHUTDOWN = 7, SCTP_CT_SHUTDOWN_ACK = 8,
	SCTP_CT_ERROR = 9, SCTP_CT_COOKIE_ECHO = 10, SCTP_CT_COOKIE_ACK = 11,
	SCTP_CT_ECNE = 12, SCTP_CT_CWR = 13, SCTP_CT_SHUTDOWN_COMPLETE = 14
};

/* Why a chunk list is refused; sctp_event_of returns the negated value. */
enum sctp_bad {
	SCTP_BAD_TRUNC = 1,	/* no whole chunk header after the common one */
	SCTP_BAD_CHUNK_LEN,	/* a chunk length below the 4-byte header */
	SCTP_BAD_CHUNK_OVERRUN,	/* a chunk length past the end of the packet */
};

/* The event IPVS's set_sctp_state takes from a packet: chunks/len are the
 * bytes after the 12-byte common header. Every chunk header is checked
 * first; a malformed list returns -SCTP_BAD_* for the caller to drop and
 * count. On success *first_type (may be NULL) gets the first chunk's
 * type, for sctp_may_create. */
int	sctp_event_of(const uint8_t *chunks, size_t len, uint8_t *first_type);

/* Whether a packet whose first chunk is first_type may create a
 * connection (IPVS sctp_conn_schedule): an INIT, or with sloppy_sctp
 * anything but an ABORT. */
int	sctp_may_create(uint8_t first_type, int sloppy);

/* The next state: cur and event as above, dir already turned into
 * DIR_INPUT_ONLY while the connection has seen no output (as for TCP).
 * Out-of-range arguments give SCTP_S_CLOSED. */
int	sctp_next_state(int cur, enum conn_dir dir, int event);

/* The state as ipvsadm -c shows it (the kernel's proc names, "C-SENT"...);
 * "ERR!" out of range, as the kernel. */
const char *sctp_state_name(int state);

/* IPVS's default timeouts in seconds, per state. */
void	sctp_timeouts_default(uint32_t t[SCTP_S_LAST]);

/* Whether a state counts in the dest's active connections: only
 * ESTABLISHED (set_sctp_state). */
int	sctp_state_active(int state);

#endif
