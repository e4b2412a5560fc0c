/* streamcheck's shared state: one struct sc for the whole run, one
 * sc_stream per TCP stream or UDP flow, one sc_short per short connection;
 * io.c moves the bytes, report.c sums them up, streamcheck.c runs the loop. */
#ifndef SC_H
#define SC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define SC_MAX_STREAMS  10000
#define SC_CONNECT_US   10000000LL  /* a connect not done by then failed */
#define SC_SHORT_US     10000000LL  /* a short connection's whole life */
#define SC_BACKLOG_MAX  (1u << 20)  /* unsent bytes per stream, at most */
#define SC_CHUNK        16384       /* bytes per send() */
#define SC_HOUSEKEEP_US 100000LL    /* timeouts and the stop file, this often */
#define SC_HARD_EXTRA_S 30          /* hard deadline: SECONDS + this */
#define SC_SHORT_LEN    16
#define SC_UDP_MAGIC    0x54445343u /* "TDSC" */
#define SC_EVENTS       512
#define SC_TICK_BATCH   256         /* streams ticked between two epoll_wait */

enum sc_kind { SC_STREAM = 1, SC_SHORT };
enum sc_state { ST_IDLE, ST_CONNECTING, ST_OPEN, ST_CLOSING, ST_DONE, ST_FAILED };
enum sc_phase { PH_RUN, PH_DRAIN, PH_END };

/* One TCP stream or UDP flow. For UDP, sent/recvd count datagrams and
 * verified holds the highest sequence number seen plus one. */
struct sc_stream {
	int kind;               /* first: epoll data points at kind */
	int fd;
	int state;
	int was_open;
	uint32_t id, events;
	uint64_t target, sent, recvd, verified, bad, ooo;
	int64_t t_start;        /* connect started */
	int64_t wait_since;     /* TCP: stall clock; UDP: last reply */
	int64_t max_stall;
};

struct sc_short {
	int kind;
	int fd;
	int state;
	uint32_t id, events;
	size_t recvd;
	int64_t t_start;
	unsigned char buf[SC_SHORT_LEN];
};

struct sc_opts {
	const char *target, *stop_file, *ready_file;
	long streams, rate_bytes, tick_ms, secs, ramp_ms, new_rate, drain_s;
	int json, udp;
};

struct sc {
	struct sc_opts o;
	struct sockaddr_storage to;
	socklen_t tolen;
	int ep, phase, hard_expired, ready;
	struct sc_stream *st;
	struct sc_short *sh;
	long nsh, nstarted;
	int64_t t0, run_end, drain_end, hard_end, t_stop;
	int64_t tick_base, next_short, next_house;
	long cursor;            /* the next stream to tick */
	uint64_t opened, open_failed, resets, timeouts, peer_closed, errors;
	uint64_t mismatches, bytes_sent, bytes_verified, completed;
	long long first_mm_stream, first_mm_off;
	uint64_t new_ok, new_failed, short_seq;
	int64_t new_max;
	unsigned char buf[65536];
};

struct sc_result {
	int64_t max_stall, median_stall;
	long worst, receiving;
	uint64_t lost, ooo;
	int pass;
};

/* io.c: the byte pattern and every socket's I/O */
void sc_close(struct sc_stream *s, int state);
void sc_stream_start(struct sc *sc, struct sc_stream *s, int64_t now);
void sc_stream_send(struct sc *sc, struct sc_stream *s, int64_t now);
void sc_stream_finish(struct sc *sc, struct sc_stream *s);
void sc_rearm(struct sc *sc, struct sc_stream *s);
void sc_stream_read(struct sc *sc, struct sc_stream *s, int64_t now);
void sc_stream_connected(struct sc *sc, struct sc_stream *s);
void sc_udp_send(struct sc *sc, struct sc_stream *s, int64_t now);
void sc_udp_read(struct sc *sc, struct sc_stream *s, int64_t now);
void sc_short_end(struct sc *sc, struct sc_short *h, int ok, int64_t now);
void sc_short_start(struct sc *sc, int64_t now);
void sc_short_event(struct sc *sc, struct sc_short *h, int64_t now);

/* report.c */
void sc_finish(struct sc *sc, struct sc_result *r, int64_t now);
void sc_print_human(const struct sc *sc, const struct sc_result *r);
void sc_print_json(const struct sc *sc, const struct sc_result *r, int64_t now);

#endif
