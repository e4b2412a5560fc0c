/* IPVS's SCTP tables (ip_vs_proto_sctp.c, current mainline): the chunk
 * walk that picks a packet's event, the transitions, names and timeouts. */
#include "proto_sctp.h"
#include "cursor.h"

#define sNO SCTP_S_NONE
#define sI1 SCTP_S_INIT1
#define sIN SCTP_S_INIT
#define sCS SCTP_S_COOKIE_SENT
#define sCR SCTP_S_COOKIE_REPLIED
#define sCW SCTP_S_COOKIE_WAIT
#define sCO SCTP_S_COOKIE
#define sCE SCTP_S_COOKIE_ECHOED
#define sES SCTP_S_ESTABLISHED
#define sSS SCTP_S_SHUTDOWN_SENT
#define sSR SCTP_S_SHUTDOWN_RECEIVED
#define sSA SCTP_S_SHUTDOWN_ACK_SENT
#define sRJ SCTP_S_REJECTED
#define sCL SCTP_S_CLOSED

/* [direction][event][current state]. The states are those of the real
 * server; INIT1 (first INIT) and REJECTED (INIT answered by ABORT) exist
 * only for their short timeouts. */
static const uint8_t sctp_states[3][SCTP_EV_LAST][SCTP_S_LAST] = {
	[DIR_INPUT] = {
/*          sNO  sI1  sIN  sCS  sCR  sCW  sCO  sCE  sES  sSS  sSR  sSA  sRJ  sCL */
/* d   */ { sES, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
/* i   */ { sI1, sIN, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sIN, sIN },
/* i_a */ { sCW, sCW, sCW, sCS, sCR, sCO, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
/* c_e */ { sCR, sIN, sIN, sCR, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
/* c_a */ { sES, sI1, sIN, sCS, sCR, sCW, sCO, sES, sES, sSS, sSR, sSA, sRJ, sCL },
/* s   */ { sSR, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sSR, sSS, sSR, sSA, sRJ, sCL },
/* s_a */ { sCL, sIN, sIN, sCS, sCR, sCW, sCO, sCE, sES, sCL, sSR, sCL, sRJ, sCL },
/* s_c */ { sCL, sCL, sCL, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sCL, sRJ, sCL },
/* err */ { sCL, sI1, sIN, sCS, sCR, sCW, sCO, sCL, sES, sSS, sSR, sSA, sRJ, sCL },
/* ab  */ { sCL, sCL, sCL, sCL, sCL, sRJ, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
	},
	[DIR_OUTPUT] = {
/* d   */ { sES, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
/* i   */ { sCW, sCW, sCW, sCW, sCW, sCW, sCW, sCW, sES, sCW, sCW, sCW, sCW, sCW },
/* i_a */ { sCS, sCS, sCS, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
/* c_e */ { sCE, sCE, sCE, sCE, sCE, sCE, sCE, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
/* c_a */ { sES, sES, sES, sES, sES, sES, sES, sES, sES, sSS, sSR, sSA, sRJ, sCL },
/* s   */ { sSS, sSS, sSS, sSS, sSS, sSS, sSS, sSS, sSS, sSS, sSR, sSA, sRJ, sCL },
/* s_a */ { sSA, sSA, sSA, sSA, sSA, sCW, sCO, sCE, sES, sSA, sSA, sSA, sRJ, sCL },
/* s_c */ { sCL, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
/* err */ { sCL, sCL, sCL, sCL, sCL, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
/* ab  */ { sCL, sRJ, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
	},
	[DIR_INPUT_ONLY] = {
/* d   */ { sES, sI1, sIN, sCS, sCR, sES, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
/* i   */ { sI1, sIN, sIN, sIN, sIN, sIN, sCO, sCE, sES, sSS, sSR, sSA, sIN, sIN },
/* i_a */ { sCE, sCE, sCE, sCE, sCE, sCE, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
/* c_e */ { sES, sES, sES, sES, sES, sES, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
/* c_a */ { sES, sI1, sIN, sES, sES, sCW, sES, sES, sES, sSS, sSR, sSA, sRJ, sCL },
/* s   */ { sSR, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sSR, sSS, sSR, sSA, sRJ, sCL },
/* s_a */ { sCL, sIN, sIN, sCS, sCR, sCW, sCO, sCE, sCL, sCL, sSR, sCL, sRJ, sCL },
/* s_c */ { sCL, sCL, sCL, sCL, sCL, sCW, sCO, sCE, sES, sSS, sCL, sCL, sRJ, sCL },
/* err */ { sCL, sI1, sIN, sCS, sCR, sCW, sCO, sCE, sES, sSS, sSR, sSA, sRJ, sCL },
/* ab  */ { sCL, sCL, sCL, sCL, sCL, sRJ, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
	},
};

/* Chunk type -> event (IPVS sctp_events); types past the table, i.e.
 * every extension chunk (AUTH, ASCONF, FORWARD-TSN, I-DATA...), count
 * as DATA. */
static const uint8_t sctp_events[] = {
	[SCTP_CT_DATA] = SCTP_EV_DATA,
	[SCTP_CT_INIT] = SCTP_EV_INIT,
	[SCTP_CT_INIT_ACK] = SCTP_EV_INIT_ACK,
	[SCTP_CT_SACK] = SCTP_EV_DATA,
	[SCTP_CT_HEARTBEAT] = SCTP_EV_DATA,
	[SCTP_CT_HEARTBEAT_ACK] = SCTP_EV_DATA,
	[SCTP_CT_ABORT] = SCTP_EV_ABORT,
	[SCTP_CT_SHUTDOWN] = SCTP_EV_SHUTDOWN,
	[SCTP_CT_SHUTDOWN_ACK] = SCTP_EV_SHUTDOWN_ACK,
	[SCTP_CT_ERROR] = SCTP_EV_ERROR,
	[SCTP_CT_COOKIE_ECHO] = SCTP_EV_COOKIE_ECHO,
	[SCTP_CT_COOKIE_ACK] = SCTP_EV_COOKIE_ACK,
	[SCTP_CT_ECNE] = SCTP_EV_DATA,
	[SCTP_CT_CWR] = SCTP_EV_DATA,
	[SCTP_CT_SHUTDOWN_COMPLETE] = SCTP_EV_SHUTDOWN_COMPLETE,
};

static const char *const sctp_names[SCTP_S_LAST] = {
	[SCTP_S_NONE] = "NONE",
	[SCTP_S_INIT1] = "INIT1",
	[SCTP_S_INIT] = "INIT",
	[SCTP_S_COOKIE_SENT] = "C-SENT",
	[SCTP_S_COOKIE_REPLIED] = "C-REPLIED",
	[SCTP_S_COOKIE_WAIT] = "C-WAIT",
	[SCTP_S_COOKIE] = "COOKIE",
	[SCTP_S_COOKIE_ECHOED] = "C-ECHOED",
	[SCTP_S_ESTABLISHED] = "ESTABLISHED",
	[SCTP_S_SHUTDOWN_SENT] = "S-SENT",
	[SCTP_S_SHUTDOWN_RECEIVED] = "S-RECEIVED",
	[SCTP_S_SHUTDOWN_ACK_SENT] = "S-ACK-SENT",
	[SCTP_S_REJECTED] = "REJECTED",
	[SCTP_S_CLOSED] = "CLOSED",
};

/* Read one chunk header at the cursor and step over the chunk and its
 * padding. Returns the type, or -SCTP_BAD_*. The length must cover the
 * header (a shorter one would never advance) and fit in the packet; the
 * last chunk's padding may be missing, since the endpoint, not the
 * director, judges that. */
static int
chunk_next(struct cursor *c)
{
	uint8_t type = cur_u8(c);
	(void)cur_u8(c);			/* flags */
	uint16_t clen = cur_be16(c);

	if (!cur_ok(c))
		return -SCTP_BAD_TRUNC;
	if (clen < 4)
		return -SCTP_BAD_CHUNK_LEN;
	size_t body = (size_t)clen - 4;
	if (body > cur_left(c))
		return -SCTP_BAD_CHUNK_OVERRUN;
	size_t padded = ((size_t)clen + 3) / 4 * 4 - 4;
	cur_skip(c, padded < cur_left(c) ? padded : cur_left(c));
	return type;
}

int
sctp_event_of(const uint8_t *chunks, size_t len, uint8_t *first_type)
{
	struct cursor c;
	int first, second = -1, t;

	cur_init(&c, chunks, len);
	if ((first = chunk_next(&c)) < 0)
		return first;
	/* Walk the rest too, so that a bad chunk anywhere drops the packet;
	 * fewer than 4 bytes left are trailing padding, as Linux reads them. */
	while (cur_left(&c) >= 4) {
		if ((t = chunk_next(&c)) < 0)
			return t;
		if (second < 0)
			second = t;
	}
	if (first_type)
		*first_type = (uint8_t)first;
	/* set_sctp_state reads only the first chunk, except that an ABORT
	 * bundled right behind a COOKIE-ECHO or COOKIE-ACK (RFC 4960 3.3.7
	 * allows control chunks before an ABORT) is the event. */
	t = first;
	if ((first == SCTP_CT_COOKIE_ECHO || first == SCTP_CT_COOKIE_ACK) &&
	    second == SCTP_CT_ABORT)
		t = SCTP_CT_ABORT;
	if ((size_t)t >= sizeof(sctp_events))
		return SCTP_EV_DATA;
	return sctp_events[t];
}

int
sctp_may_create(uint8_t first_type, int sloppy)
{
	if (first_type == SCTP_CT_ABORT)
		return 0;
	return first_type == SCTP_CT_INIT || sloppy;
}

int
sctp_next_state(int cur, enum conn_dir dir, int event)
{
	if (cur < 0 || cur >= SCTP_S_LAST || event < 0 ||
	    event >= SCTP_EV_LAST || (unsigned)dir > DIR_INPUT_ONLY)
		return SCTP_S_CLOSED;
	return sctp_states[dir][event][cur];
}

const char *
sctp_state_name(int state)
{
	if (state < 0 || state >= SCTP_S_LAST)
		return "ERR!";
	return sctp_names[state];
}

/* IP_VS_SCTP_MAX_RTO, 61 s, for the handshake and shutdown states; INIT1
 * and REJECTED age in 4 s so that unanswered or refused INITs do not
 * fill the table. */
void
sctp_timeouts_default(uint32_t t[SCTP_S_LAST])
{
	static const uint32_t def[SCTP_S_LAST] = {
		[SCTP_S_NONE] = 2, [SCTP_S_INIT1] = 4, [SCTP_S_INIT] = 61,
		[SCTP_S_COOKIE_SENT] = 61, [SCTP_S_COOKIE_REPLIED] = 61,
		[SCTP_S_COOKIE_WAIT] = 61, [SCTP_S_COOKIE] = 61,
		[SCTP_S_COOKIE_ECHOED] = 61, [SCTP_S_ESTABLISHED] = 15 * 60,
		[SCTP_S_SHUTDOWN_SENT] = 61, [SCTP_S_SHUTDOWN_RECEIVED] = 61,
		[SCTP_S_SHUTDOWN_ACK_SENT] = 61, [SCTP_S_REJECTED] = 4,
		[SCTP_S_CLOSED] = 61,
	};

	for (int i = 0; i < SCTP_S_LAST; i++)
		t[i] = def[i];
}

int
sctp_state_active(int state)
{
	return state == SCTP_S_ESTABLISHED;
}
