/* IPVS's TCP state tables (ip_vs_proto_tcp.c, current mainline), the event
 * index, the active-state set and the default timeouts; UDP's one state. */
#include "proto.h"
#include "proto_sctp.h"

_Static_assert(SCTP_STATES == SCTP_S_LAST, "proto.h's SCTP_STATES");
#include "frame.h"

#define sNO TCP_S_NONE
#define sES TCP_S_ESTABLISHED
#define sSS TCP_S_SYN_SENT
#define sSR TCP_S_SYN_RECV
#define sFW TCP_S_FIN_WAIT
#define sTW TCP_S_TIME_WAIT
#define sCL TCP_S_CLOSE
#define sCW TCP_S_CLOSE_WAIT
#define sLA TCP_S_LAST_ACK
#define sLI TCP_S_LISTEN
#define sSA TCP_S_SYNACK

/* [direction][event: syn fin ack rst][current state] */
static const uint8_t tcp_states[3][4][TCP_S_LAST] = {
	[DIR_INPUT] = {
	/*        sNO  sES  sSS  sSR  sFW  sTW  sCL  sCW  sLA  sLI  sSA */
	/*syn*/ { sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR },
	/*fin*/ { sCL, sCW, sSS, sTW, sTW, sTW, sCL, sCW, sLA, sLI, sTW },
	/*ack*/ { sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES },
	/*rst*/ { sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sSR },
	},
	[DIR_OUTPUT] = {
	/*syn*/ { sSS, sES, sSS, sSR, sSS, sSS, sSS, sSS, sSS, sLI, sSR },
	/*fin*/ { sTW, sFW, sSS, sTW, sFW, sTW, sCL, sTW, sLA, sLI, sTW },
	/*ack*/ { sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sLA, sES, sES },
	/*rst*/ { sCL, sCL, sSS, sCL, sCL, sTW, sCL, sCL, sCL, sCL, sCL },
	},
	[DIR_INPUT_ONLY] = {
	/*syn*/ { sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR },
	/*fin*/ { sCL, sFW, sSS, sTW, sFW, sTW, sCL, sCW, sLA, sLI, sTW },
	/*ack*/ { sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES },
	/*rst*/ { sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sCL },
	},
};

static const char *const tcp_names[TCP_S_LAST] = {
	"NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT",
	"TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "SYNACK",
};

void
proto_timeouts_default(struct proto_timeouts *t)
{
	static const uint32_t tcp[TCP_S_LAST] = {
		[TCP_S_NONE] = 2, [TCP_S_ESTABLISHED] = 15 * 60,
		[TCP_S_SYN_SENT] = 2 * 60, [TCP_S_SYN_RECV] = 60,
		[TCP_S_FIN_WAIT] = 2 * 60, [TCP_S_TIME_WAIT] = 2 * 60,
		[TCP_S_CLOSE] = 10, [TCP_S_CLOSE_WAIT] = 60,
		[TCP_S_LAST_ACK] = 30, [TCP_S_LISTEN] = 2 * 60,
		[TCP_S_SYNACK] = 120,
	};
	for (int i = 0; i < TCP_S_LAST; i++)
		t->tcp[i] = tcp[i];
	t->udp[UDP_S_NORMAL] = 5 * 60;
	sctp_timeouts_default(t->sctp);
}

/* IPVS's tcp_state_idx: RST first, then SYN, FIN, ACK. */
static int
tcp_event(uint8_t flags)
{
	if (flags & TCPF_RST)
		return 3;
	if (flags & TCPF_SYN)
		return 0;
	if (flags & TCPF_FIN)
		return 1;
	if (flags & TCPF_ACK)
		return 2;
	return -1;
}

enum tcp_state
tcp_next_state(enum tcp_state cur, enum conn_dir dir, uint8_t tcp_flags)
{
	int ev = tcp_event(tcp_flags);

	if (ev < 0 || cur >= TCP_S_LAST)
		return TCP_S_CLOSE;
	return (enum tcp_state)tcp_states[dir][ev][cur];
}

/* Current mainline's tcp_state_active_table: these count as active. */
int
tcp_state_active(int state)
{
	return state == TCP_S_ESTABLISHED || state == TCP_S_SYN_SENT ||
	    state == TCP_S_SYN_RECV || state == TCP_S_SYNACK;
}

const char *
tcp_state_name(int state)
{
	if (state < 0 || state >= TCP_S_LAST)
		return "ERR!";
	return tcp_names[state];
}

const char *
udp_state_name(int state)
{
	return state == UDP_S_NORMAL ? "UDP" : "ERR!";
}
