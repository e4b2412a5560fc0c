/* streamcheck: the failover test's client. Holds N long-lived TCP streams
 * to VIP:PORT (a tcpecho server behind it), sends numbered bytes on each
 * every tick and verifies every echoed byte, measuring each stream's longest
 * stall; optionally opens short connections at a fixed rate too. With -u,
 * N UDP flows of numbered datagrams to udpecho instead. Reports one line on
 * stderr and, with --json, one JSON object on stdout; exit 0 only on a clean
 * run. Bounded: at most 10000 streams, exits by SECONDS + 30 s at the latest.
 *
 * Stream data: byte k of stream s belongs to the 16-byte record starting at
 * k & ~15, which holds that offset (8 bytes big-endian), s (4 bytes) and a
 * hash of both (4 bytes), so any loss, duplication or reordering shows. */

#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

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

static void usage(void)
{
	fprintf(stderr,
	    "usage: streamcheck -c VIP:PORT -n STREAMS [-u] [-r BYTES_PER_TICK] [-i TICK_MS]\n"
	    "                   [-d SECONDS] [--ramp MS] [--stop-file PATH] [--json]\n"
	    "                   [--ready-file PATH] [--new-conns RATE] [--drain SECONDS]\n"
	    "  -c VIP:PORT       server (IPv6 as [ADDR]:PORT): tcpecho, or udpecho with -u\n"
	    "  -n STREAMS        long-lived TCP streams (UDP flows with -u), 1..10000\n"
	    "  -u                UDP flows of numbered datagrams instead of TCP streams\n"
	    "  -r BYTES          sent per stream per tick (default 1024; with -u the\n"
	    "                    datagram size, 16..1400, default 64)\n"
	    "  -i TICK_MS        tick interval (default 100, 1..10000)\n"
	    "  -d SECONDS        run time (default 10, 1..86400)\n"
	    "  --ramp MS         spread the stream openings over this long (default 1000)\n"
	    "  --stop-file PATH  stop sending as soon as PATH exists\n"
	    "  --ready-file PATH written (\"opened N open_failed N\") once every stream\n"
	    "                    is open or has failed to open\n"
	    "  --json            one JSON object with every counter on stdout\n"
	    "  --new-conns RATE  also open RATE short connections per second (1..1000)\n"
	    "  --drain SECONDS   wait this long for outstanding echoes at the end (default 10)\n"
	    "Exit status: 0 when every stream opened and was verified complete, with no\n"
	    "reset, mismatch or timeout, and every new connection succeeded (UDP: every\n"
	    "flow still receiving at the end, no corrupt reply); 1 otherwise; 2 on usage.\n");
	exit(2);
}

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long ms_of(int64_t us)
{
	return (long)((us + 500) / 1000);
}

/* --- the byte pattern ---------------------------------------------------- */

static void pat_record(uint32_t id, uint64_t rec_off, unsigned char r[16])
{
	uint32_t h = (uint32_t)(rec_off * 0x9E3779B97F4A7C15ull >> 32) ^
	    (id * 0x85EBCA6Bu) ^ 0x5bd1e995u;
	int k;

	for (k = 0; k < 8; k++)
		r[k] = (unsigned char)(rec_off >> (56 - 8 * k));
	for (k = 0; k < 4; k++) {
		r[8 + k] = (unsigned char)(id >> (24 - 8 * k));
		r[12 + k] = (unsigned char)(h >> (24 - 8 * k));
	}
}

/* Fills out with stream id's bytes [off, off + len). */
static void pat_fill(uint32_t id, uint64_t off, unsigned char *out, size_t len)
{
	unsigned char r[16];

	while (len > 0) {
		size_t in = (size_t)(off & 15), n = 16 - in;

		if (n > len)
			n = len;
		pat_record(id, off - in, r);
		memcpy(out, r + in, n);
		out += n;
		off += n;
		len -= n;
	}
}

/* --- set-up -------------------------------------------------------------- */

static int sc_parse_target(struct sc *sc)
{
	char host[256], *colon;
	struct addrinfo hints, *res;
	int rc;

	if (strlen(sc->o.target) >= sizeof(host))
		return -1;
	strcpy(host, sc->o.target);
	colon = strrchr(host, ':');
	if (colon == NULL || colon == host)
		return -1;
	*colon = '\0';
	if (host[0] == '[') {
		size_t hl = strlen(host);

		if (hl < 3 || host[hl - 1] != ']')
			return -1;
		host[hl - 1] = '\0';
		memmove(host, host + 1, hl - 1);
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = sc->o.udp ? SOCK_DGRAM : SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	rc = getaddrinfo(host, colon + 1, &hints, &res);
	if (rc != 0) {
		fprintf(stderr, "streamcheck: %s: %s\n", sc->o.target,
		    gai_strerror(rc));
		return -1;
	}
	memcpy(&sc->to, res->ai_addr, res->ai_addrlen);
	sc->tolen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* Room for every stream's and short connection's descriptor. */
static int sc_raise_nofile(const struct sc *sc)
{
	rlim_t need = (rlim_t)sc->o.streams + (rlim_t)sc->nsh + 64;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	if (rl.rlim_cur >= need)
		return 0;
	if (rl.rlim_max < need) {
		fprintf(stderr, "streamcheck: needs %lu descriptors, hard limit "
		    "is %lu\n", (unsigned long)need, (unsigned long)rl.rlim_max);
		return -1;
	}
	rl.rlim_cur = need;
	return setrlimit(RLIMIT_NOFILE, &rl);
}

static int sc_setup(struct sc *sc)
{
	long i;

	if (sc_parse_target(sc) < 0) {
		fprintf(stderr, "streamcheck: bad -c '%s' (want ADDR:PORT or "
		    "[ADDR]:PORT)\n", sc->o.target);
		usage();
	}
	/* A short connection lives SC_SHORT_US at most: that many in flight. */
	sc->nsh = sc->o.new_rate > 0 ?
	    sc->o.new_rate * (SC_SHORT_US / 1000000 + 1) : 0;
	if (sc_raise_nofile(sc) < 0)
		return -1;
	sc->st = calloc((size_t)sc->o.streams, sizeof(*sc->st));
	sc->sh = calloc((size_t)sc->nsh + 1, sizeof(*sc->sh));
	sc->ep = epoll_create1(EPOLL_CLOEXEC);
	if (sc->st == NULL || sc->sh == NULL || sc->ep < 0) {
		fprintf(stderr, "streamcheck: out of memory or epoll\n");
		return -1;
	}
	for (i = 0; i < sc->o.streams; i++) {
		sc->st[i].kind = SC_STREAM;
		sc->st[i].fd = -1;
		sc->st[i].id = (uint32_t)i;
	}
	for (i = 0; i < sc->nsh; i++) {
		sc->sh[i].kind = SC_SHORT;
		sc->sh[i].fd = -1;
	}
	sc->first_mm_stream = sc->first_mm_off = -1;
	sc->t0 = now_us();
	sc->run_end = sc->t0 + (int64_t)sc->o.secs * 1000000;
	sc->hard_end = sc->run_end + (int64_t)SC_HARD_EXTRA_S * 1000000;
	sc->tick_base = sc->t0 + sc->o.tick_ms * 1000;
	sc->next_short = sc->t0;
	sc->next_house = sc->t0;
	return 0;
}

/* --- TCP streams ---------------------------------------------------------- */

static void sc_watch(struct sc *sc, int fd, void *ptr, uint32_t *cur,
    uint32_t want)
{
	struct epoll_event ev = { .events = want, .data.ptr = ptr };

	if (want == *cur)
		return;
	epoll_ctl(sc->ep, *cur == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev);
	*cur = want;
}

static void sc_close(struct sc_stream *s, int state)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->events = 0;
	s->state = state;
}

/* A stream failed with errno err: count it once, by kind. */
static void sc_fail(struct sc *sc, struct sc_stream *s, int err)
{
	if (err == ECONNRESET || err == EPIPE)
		sc->resets++;
	else if (err == ETIMEDOUT)
		sc->timeouts++;
	else if (err == 0)
		sc->peer_closed++;
	else
		sc->errors++;
	if (err != 0 && err != ECONNRESET && err != EPIPE)
		fprintf(stderr, "streamcheck: stream %u: %s\n", s->id,
		    strerror(err));
	sc_close(s, ST_FAILED);
}

static int sc_socket(const struct sc *sc, int type)
{
	int fd = socket(sc->to.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)&sc->to, sc->tolen) < 0 &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

static void sc_stream_start(struct sc *sc, struct sc_stream *s, int64_t now)
{
	s->t_start = now;
	s->fd = sc_socket(sc, sc->o.udp ? SOCK_DGRAM : SOCK_STREAM);
	if (s->fd < 0) {
		fprintf(stderr, "streamcheck: stream %u: %s\n", s->id,
		    strerror(errno));
		sc->open_failed++;
		s->state = ST_FAILED;
		return;
	}
	if (sc->o.udp) {
		s->state = ST_OPEN;
		s->was_open = 1;
		sc->opened++;
		sc_watch(sc, s->fd, s, &s->events, EPOLLIN);
		return;
	}
	s->state = ST_CONNECTING;
	sc_watch(sc, s->fd, s, &s->events, EPOLLOUT);
}

/* Writes what the socket takes of [sent, target). */
static void sc_stream_send(struct sc *sc, struct sc_stream *s, int64_t now)
{
	while (s->state == ST_OPEN && s->sent < s->target) {
		size_t len = SC_CHUNK;
		ssize_t n;

		if (s->target - s->sent < len)
			len = (size_t)(s->target - s->sent);
		pat_fill(s->id, s->sent, sc->buf, len);
		n = send(s->fd, sc->buf, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				sc_fail(sc, s, errno);
			return;
		}
		if (s->sent == s->recvd)
			s->wait_since = now;   /* the stall clock starts */
		s->sent += (uint64_t)n;
		sc->bytes_sent += (uint64_t)n;
	}
}

/* Once sending has stopped and everything came back: half-close, and wait
 * for the server's end of stream. */
static void sc_stream_finish(struct sc *sc, struct sc_stream *s)
{
	if (sc->phase == PH_RUN || s->state != ST_OPEN || sc->o.udp ||
	    s->sent != s->target || s->recvd < s->sent)
		return;
	if (shutdown(s->fd, SHUT_WR) < 0) {
		sc_fail(sc, s, errno);
		return;
	}
	s->state = ST_CLOSING;
}

static void sc_rearm(struct sc *sc, struct sc_stream *s)
{
	uint32_t want = EPOLLIN;

	if (s->fd < 0)
		return;
	if (s->state == ST_OPEN && s->sent < s->target)
		want |= EPOLLOUT;
	sc_watch(sc, s->fd, s, &s->events, want);
}

static void sc_mismatch(struct sc *sc, struct sc_stream *s, uint64_t off,
    uint64_t count)
{
	if (s->bad == 0 && sc->first_mm_stream < 0) {
		sc->first_mm_stream = s->id;
		sc->first_mm_off = (long long)off;
		fprintf(stderr, "streamcheck: stream %u: first wrong byte at "
		    "offset %llu\n", s->id, (unsigned long long)off);
	}
	s->bad += count;
	sc->mismatches += count;
}

/* Compares n received bytes (at offset recvd) with what was sent. */
static void sc_verify(struct sc *sc, struct sc_stream *s,
    const unsigned char *got, size_t n)
{
	unsigned char want[SC_CHUNK];
	size_t done = 0;

	while (done < n) {
		uint64_t off = s->recvd + done;
		size_t len = n - done, k, good = 0;

		if (len > sizeof(want))
			len = sizeof(want);
		if (off >= s->sent) {
			/* More than was ever sent: duplicated bytes. */
			sc_mismatch(sc, s, off, n - done);
			return;
		}
		if (off + len > s->sent)
			len = (size_t)(s->sent - off);
		pat_fill(s->id, off, want, len);
		if (memcmp(want, got + done, len) == 0) {
			good = len;
		} else {
			for (k = 0; k < len; k++) {
				if (want[k] == got[done + k])
					good++;
				else
					sc_mismatch(sc, s, off + k, 1);
			}
		}
		s->verified += good;
		sc->bytes_verified += good;
		done += len;
	}
}

static void sc_stream_read(struct sc *sc, struct sc_stream *s, int64_t now)
{
	ssize_t n = recv(s->fd, sc->buf, sizeof(sc->buf), 0);

	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			sc_fail(sc, s, errno);
		return;
	}
	if (n == 0) {
		if (s->state == ST_CLOSING) {
			sc->completed += s->bad == 0 && s->verified == s->sent;
			sc_close(s, ST_DONE);
		} else {
			sc_fail(sc, s, 0);
		}
		return;
	}
	if (s->sent > s->recvd && now - s->wait_since > s->max_stall)
		s->max_stall = now - s->wait_since;
	s->wait_since = now;
	sc_verify(sc, s, sc->buf, (size_t)n);
	s->recvd += (uint64_t)n;
}

static void sc_stream_connected(struct sc *sc, struct sc_stream *s)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err != 0) {
		fprintf(stderr, "streamcheck: stream %u: connect: %s\n", s->id,
		    strerror(err));
		sc->open_failed++;
		sc_close(s, ST_FAILED);
		return;
	}
	sc->opened++;
	s->was_open = 1;
	s->state = ST_OPEN;
}

/* --- UDP flows ------------------------------------------------------------ */

static void sc_udp_send(struct sc *sc, struct sc_stream *s, int64_t now)
{
	size_t len = (size_t)sc->o.rate_bytes;
	uint64_t seq = s->sent;
	int k;

	for (k = 0; k < 8; k++)
		sc->buf[k] = (unsigned char)(seq >> (56 - 8 * k));
	for (k = 0; k < 4; k++) {
		sc->buf[8 + k] = (unsigned char)(s->id >> (24 - 8 * k));
		sc->buf[12 + k] = (unsigned char)(SC_UDP_MAGIC >> (24 - 8 * k));
	}
	pat_fill(s->id, seq * 2048, sc->buf + 16, len - 16);
	if (send(s->fd, sc->buf, len, 0) < 0 && errno != EAGAIN &&
	    errno != ECONNREFUSED && errno != EINTR)
		sc->errors++;
	if (s->sent == 0)
		s->wait_since = now;
	s->sent++;
	sc->bytes_sent++;
}

/* One reply: udpecho sends "NAME:" + the datagram; the datagram is its tail. */
static void sc_udp_read(struct sc *sc, struct sc_stream *s, int64_t now)
{
	unsigned char want[1400];
	size_t len = (size_t)sc->o.rate_bytes;
	const unsigned char *p;
	uint64_t seq = 0;
	ssize_t n;
	int k;

	n = recv(s->fd, sc->buf, sizeof(sc->buf), 0);
	if (n < 0)
		return; /* EAGAIN, or an ICMP error reported on a flow: loss */
	if ((size_t)n < len || ((size_t)n > len && sc->buf[n - len - 1] != ':')) {
		sc_mismatch(sc, s, s->recvd, 1);
		return;
	}
	p = sc->buf + (size_t)n - len;
	for (k = 0; k < 8; k++)
		seq = seq << 8 | p[k];
	pat_fill(s->id, seq * 2048, want, len - 16);
	if (seq >= s->sent || memcmp(p + 12, "TDSC", 4) != 0 ||
	    ((uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 | (uint32_t)p[10] << 8 |
	    p[11]) != s->id || memcmp(p + 16, want, len - 16) != 0) {
		sc_mismatch(sc, s, seq, 1);
		return;
	}
	if (seq < s->verified)
		s->ooo++;
	else
		s->verified = seq + 1;
	if (now - s->wait_since > s->max_stall)
		s->max_stall = now - s->wait_since;
	s->wait_since = now;
	s->recvd++;
	sc->bytes_verified++;
}

/* --- short connections ---------------------------------------------------- */

static void sc_short_end(struct sc *sc, struct sc_short *h, int ok, int64_t now)
{
	close(h->fd);
	h->fd = -1;
	h->events = 0;
	h->state = ST_IDLE;
	if (!ok) {
		sc->new_failed++;
		return;
	}
	sc->new_ok++;
	if (now - h->t_start > sc->new_max)
		sc->new_max = now - h->t_start;
}

static void sc_short_start(struct sc *sc, int64_t now)
{
	struct sc_short *h = NULL;
	long i;

	for (i = 0; i < sc->nsh; i++) {
		if (sc->sh[i].state == ST_IDLE) {
			h = &sc->sh[i];
			break;
		}
	}
	if (h == NULL) {
		sc->new_failed++;
		return;
	}
	h->id = (uint32_t)(0x80000000u | sc->short_seq++);
	h->t_start = now;
	h->recvd = 0;
	h->fd = sc_socket(sc, SOCK_STREAM);
	if (h->fd < 0) {
		sc->new_failed++;
		return;
	}
	h->state = ST_CONNECTING;
	sc_watch(sc, h->fd, h, &h->events, EPOLLOUT);
}

static void sc_short_event(struct sc *sc, struct sc_short *h, int64_t now)
{
	unsigned char want[SC_SHORT_LEN];
	int err = 0;
	socklen_t el = sizeof(err);
	ssize_t n;

	pat_fill(h->id, 0, want, sizeof(want));
	if (h->state == ST_CONNECTING) {
		if (getsockopt(h->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 ||
		    err != 0 || send(h->fd, want, sizeof(want), MSG_NOSIGNAL) !=
		    (ssize_t)sizeof(want)) {
			sc_short_end(sc, h, 0, now);
			return;
		}
		h->state = ST_OPEN;
		sc_watch(sc, h->fd, h, &h->events, EPOLLIN);
		return;
	}
	n = recv(h->fd, h->buf + h->recvd, sizeof(h->buf) - h->recvd, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		sc_short_end(sc, h, 0, now);
		return;
	}
	h->recvd += (size_t)n;
	if (h->recvd == sizeof(h->buf))
		sc_short_end(sc, h, memcmp(h->buf, want, sizeof(want)) == 0, now);
}

/* --- the loop ------------------------------------------------------------- */

static void sc_tick_one(struct sc *sc, struct sc_stream *s, int64_t now)
{
	if (s->state != ST_OPEN)
		return;
	if (sc->o.udp) {
		sc_udp_send(sc, s, now);
		return;
	}
	if (s->target - s->sent + (uint64_t)sc->o.rate_bytes <= SC_BACKLOG_MAX)
		s->target += (uint64_t)sc->o.rate_bytes;
	sc_stream_send(sc, s, now);
	sc_rearm(sc, s);
}

/* When the next stream's turn comes: stream k sends k/N of the way
 * through each tick, so the load is even and no echo waits in our own
 * queue behind a burst of sends (which would show as a stall). */
static int64_t sc_slot(const struct sc *sc)
{
	return sc->tick_base + sc->o.tick_ms * 1000 * sc->cursor / sc->o.streams;
}

/* Ticks the streams whose turn has come, at most SC_TICK_BATCH at a time
 * so that echoes are read in between. */
static void sc_ticks(struct sc *sc, int64_t now)
{
	int64_t tick = sc->o.tick_ms * 1000;
	int k;

	for (k = 0; k < SC_TICK_BATCH && now >= sc_slot(sc); k++) {
		sc_tick_one(sc, &sc->st[sc->cursor], now);
		if (++sc->cursor < sc->o.streams)
			continue;
		sc->cursor = 0;
		sc->tick_base += tick;
		if (sc->tick_base + tick < now)  /* fell behind: skip, no burst */
			sc->tick_base = now;
	}
}

static void sc_stop_sending(struct sc *sc, int64_t now)
{
	long i;
	int64_t drain = (int64_t)sc->o.drain_s * 1000000;

	sc->phase = PH_DRAIN;
	sc->t_stop = now;
	/* UDP replies come within a round trip or never. */
	if (sc->o.udp && drain > 2000000)
		drain = 2000000;
	sc->drain_end = now + drain;
	if (sc->drain_end > sc->hard_end)
		sc->drain_end = sc->hard_end;
	for (i = 0; i < sc->o.streams; i++)
		sc_stream_finish(sc, &sc->st[i]);
}

/* Tells a test script that opening is over (every stream open or failed),
 * so that it can break things now: "opened N open_failed N". */
static void sc_write_ready(struct sc *sc)
{
	FILE *f = fopen(sc->o.ready_file, "w");

	sc->ready = 1;
	if (f == NULL) {
		fprintf(stderr, "streamcheck: %s: %s\n", sc->o.ready_file,
		    strerror(errno));
		return;
	}
	fprintf(f, "opened %llu open_failed %llu\n",
	    (unsigned long long)sc->opened, (unsigned long long)sc->open_failed);
	fclose(f);
}

/* Every SC_HOUSEKEEP_US: connect and short-connection timeouts, the stop
 * and ready files, and whether the drain is over. */
static void sc_housekeep(struct sc *sc, int64_t now)
{
	long i, busy = 0, opening = 0;

	for (i = 0; i < sc->o.streams; i++) {
		struct sc_stream *s = &sc->st[i];

		if (s->state == ST_CONNECTING && now - s->t_start > SC_CONNECT_US) {
			fprintf(stderr, "streamcheck: stream %u: connect timed "
			    "out\n", s->id);
			sc->open_failed++;
			sc_close(s, ST_FAILED);
		}
		opening += s->state == ST_IDLE || s->state == ST_CONNECTING;
		if (sc->o.udp)
			busy += s->state == ST_OPEN && s->recvd < s->sent;
		else
			busy += s->state != ST_DONE && s->state != ST_FAILED;
	}
	for (i = 0; i < sc->nsh; i++) {
		if (sc->sh[i].state != ST_IDLE) {
			busy++;
			if (now - sc->sh[i].t_start > SC_SHORT_US)
				sc_short_end(sc, &sc->sh[i], 0, now);
		}
	}
	if (sc->o.ready_file != NULL && !sc->ready && opening == 0)
		sc_write_ready(sc);
	if (sc->phase == PH_RUN && (now >= sc->run_end ||
	    (sc->o.stop_file != NULL && access(sc->o.stop_file, F_OK) == 0)))
		sc_stop_sending(sc, now);
	else if (sc->phase == PH_DRAIN && (busy == 0 || now >= sc->drain_end))
		sc->phase = PH_END;
	if (now >= sc->hard_end) {
		sc->hard_expired = 1;
		sc->phase = PH_END;
	}
}

static void sc_timers(struct sc *sc, int64_t now)
{
	while (sc->phase == PH_RUN && sc->nstarted < sc->o.streams &&
	    now >= sc->t0 + sc->o.ramp_ms * 1000 * sc->nstarted / sc->o.streams)
		sc_stream_start(sc, &sc->st[sc->nstarted++], now);
	if (sc->phase == PH_RUN)
		sc_ticks(sc, now);
	while (sc->phase == PH_RUN && sc->nsh > 0 && now >= sc->next_short) {
		sc_short_start(sc, now);
		sc->next_short += 1000000 / sc->o.new_rate;
	}
	if (now >= sc->next_house) {
		sc_housekeep(sc, now);
		sc->next_house = now + SC_HOUSEKEEP_US;
	}
}

static int sc_wait_ms(const struct sc *sc, int64_t now)
{
	int64_t due = sc->next_house;

	if (sc->phase == PH_RUN) {
		if (sc_slot(sc) < due)
			due = sc_slot(sc);
		if (sc->nsh > 0 && sc->next_short < due)
			due = sc->next_short;
		if (sc->nstarted < sc->o.streams)
			due = now + 1000;   /* 1 ms ramp granularity */
	}
	return due <= now ? 0 : (int)((due - now + 999) / 1000);
}

static void sc_event(struct sc *sc, void *ptr, int64_t now)
{
	struct sc_stream *s = ptr;

	if (*(int *)ptr == SC_SHORT) {
		sc_short_event(sc, ptr, now);
		return;
	}
	if (sc->o.udp) {
		sc_udp_read(sc, s, now);
		return;
	}
	if (s->state == ST_CONNECTING)
		sc_stream_connected(sc, s);
	if (s->state == ST_OPEN || s->state == ST_CLOSING)
		sc_stream_read(sc, s, now);
	if (s->state == ST_OPEN)
		sc_stream_send(sc, s, now);
	sc_stream_finish(sc, s);
	sc_rearm(sc, s);
}

static void sc_loop(struct sc *sc)
{
	struct epoll_event evs[SC_EVENTS];

	while (sc->phase != PH_END) {
		int64_t now = now_us();
		int i, n;

		sc_timers(sc, now);
		if (sc->phase == PH_END)
			break;
		n = epoll_wait(sc->ep, evs, SC_EVENTS, sc_wait_ms(sc, now_us()));
		now = now_us();
		for (i = 0; i < n; i++)
			sc_event(sc, evs[i].data.ptr, now);
	}
}

/* --- the report ----------------------------------------------------------- */

struct sc_result {
	int64_t max_stall, median_stall;
	long worst, receiving;
	uint64_t lost, ooo;
	int pass;
};

static int sc_cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Closes what is left, counts the unfinished and sums the per-stream
 * numbers; a stall still going at the end counts up to now (UDP: up to the
 * moment sending stopped). */
static void sc_finish(struct sc *sc, struct sc_result *r, int64_t now)
{
	int64_t *stalls = calloc((size_t)sc->o.streams, sizeof(*stalls));
	int64_t end = sc->o.udp ? sc->t_stop : now;
	long i, n = 0;
	uint64_t recent = (uint64_t)(sc->o.tick_ms >= 333 ? 3 : 1000 / sc->o.tick_ms);

	memset(r, 0, sizeof(*r));
	r->worst = -1;
	for (i = 0; i < sc->nsh; i++)
		if (sc->sh[i].state != ST_IDLE)
			sc_short_end(sc, &sc->sh[i], 0, now);
	for (i = 0; i < sc->o.streams; i++) {
		struct sc_stream *s = &sc->st[i];

		if (s->state == ST_IDLE || s->state == ST_CONNECTING)
			sc->open_failed++;
		else if (!sc->o.udp && (s->state == ST_OPEN || s->state == ST_CLOSING))
			sc->timeouts++;
		if (!s->was_open)
			continue;
		if ((sc->o.udp ? s->sent > 0 : s->sent > s->recvd) &&
		    s->state != ST_FAILED && end - s->wait_since > s->max_stall)
			s->max_stall = end - s->wait_since;
		if (sc->o.udp) {
			r->lost += s->sent > s->recvd ? s->sent - s->recvd : 0;
			r->ooo += s->ooo;
			r->receiving += s->sent > 0 && s->verified + recent >= s->sent;
		}
		if (r->worst < 0 || s->max_stall > r->max_stall) {
			r->max_stall = s->max_stall;
			r->worst = (long)s->id;
		}
		if (stalls != NULL)
			stalls[n++] = s->max_stall;
		sc_close(s, s->state);
	}
	if (stalls != NULL && n > 0) {
		qsort(stalls, (size_t)n, sizeof(*stalls), sc_cmp64);
		r->median_stall = stalls[n / 2];
	}
	free(stalls);
	if (sc->o.udp)
		r->pass = r->receiving == sc->o.streams && sc->mismatches == 0;
	else
		r->pass = sc->completed == (uint64_t)sc->o.streams &&
		    sc->resets == 0 && sc->timeouts == 0 && sc->errors == 0 &&
		    sc->peer_closed == 0 && sc->mismatches == 0 &&
		    sc->new_failed == 0;
	r->pass = r->pass && !sc->hard_expired &&
	    sc->opened == (uint64_t)sc->o.streams && sc->open_failed == 0;
}

static void sc_print_human(const struct sc *sc, const struct sc_result *r)
{
	const char *verdict = r->pass ? "PASS" : "FAIL";

	if (sc->o.udp) {
		fprintf(stderr, "streamcheck: udp %ld flows: opened %llu failed %llu; "
		    "datagrams sent %llu received %llu lost %llu out-of-order "
		    "%llu corrupt %llu; longest gap %ld ms (flow %ld), median %ld "
		    "ms; receiving at the end %ld/%ld%s: %s\n", sc->o.streams,
		    (unsigned long long)sc->opened,
		    (unsigned long long)sc->open_failed,
		    (unsigned long long)sc->bytes_sent,
		    (unsigned long long)sc->bytes_verified,
		    (unsigned long long)r->lost, (unsigned long long)r->ooo,
		    (unsigned long long)sc->mismatches, ms_of(r->max_stall),
		    r->worst, ms_of(r->median_stall), r->receiving, sc->o.streams,
		    sc->hard_expired ? "; HARD DEADLINE" : "", verdict);
		return;
	}
	fprintf(stderr, "streamcheck: tcp %ld streams: opened %llu failed %llu, "
	    "completed %llu, resets %llu, timeouts %llu, peer closed %llu, "
	    "errors %llu, mismatches %llu (first: stream %lld offset %lld); "
	    "bytes sent %llu verified %llu; longest stall %ld ms (stream %ld), "
	    "median %ld ms; new connections ok %llu failed %llu longest %ld ms%s: "
	    "%s\n", sc->o.streams, (unsigned long long)sc->opened,
	    (unsigned long long)sc->open_failed,
	    (unsigned long long)sc->completed, (unsigned long long)sc->resets,
	    (unsigned long long)sc->timeouts,
	    (unsigned long long)sc->peer_closed, (unsigned long long)sc->errors,
	    (unsigned long long)sc->mismatches, sc->first_mm_stream,
	    sc->first_mm_off, (unsigned long long)sc->bytes_sent,
	    (unsigned long long)sc->bytes_verified, ms_of(r->max_stall),
	    r->worst, ms_of(r->median_stall), (unsigned long long)sc->new_ok,
	    (unsigned long long)sc->new_failed, ms_of(sc->new_max),
	    sc->hard_expired ? "; HARD DEADLINE" : "", verdict);
}

/* Flat numbers only, so printf writes valid JSON without a library. */
static void sc_print_json(const struct sc *sc, const struct sc_result *r,
    int64_t now)
{
	printf("{\"mode\":\"%s\",\"streams\":%ld,\"opened\":%llu,"
	    "\"open_failed\":%llu,", sc->o.udp ? "udp" : "tcp", sc->o.streams,
	    (unsigned long long)sc->opened, (unsigned long long)sc->open_failed);
	if (sc->o.udp)
		printf("\"datagrams_sent\":%llu,\"datagrams_received\":%llu,"
		    "\"lost\":%llu,\"out_of_order\":%llu,\"mismatches\":%llu,"
		    "\"max_gap_ms\":%ld,\"median_gap_ms\":%ld,\"worst_stream\":%ld,"
		    "\"receiving\":%ld,",
		    (unsigned long long)sc->bytes_sent,
		    (unsigned long long)sc->bytes_verified,
		    (unsigned long long)r->lost, (unsigned long long)r->ooo,
		    (unsigned long long)sc->mismatches, ms_of(r->max_stall),
		    ms_of(r->median_stall), r->worst, r->receiving);
	else
		printf("\"completed\":%llu,\"resets\":%llu,\"timeouts\":%llu,"
		    "\"peer_closed\":%llu,\"errors\":%llu,\"mismatches\":%llu,"
		    "\"first_mismatch_stream\":%lld,\"first_mismatch_offset\":%lld,"
		    "\"bytes_sent\":%llu,\"bytes_verified\":%llu,"
		    "\"max_stall_ms\":%ld,\"median_stall_ms\":%ld,"
		    "\"worst_stream\":%ld,\"new_ok\":%llu,\"new_failed\":%llu,"
		    "\"new_max_ms\":%ld,",
		    (unsigned long long)sc->completed,
		    (unsigned long long)sc->resets,
		    (unsigned long long)sc->timeouts,
		    (unsigned long long)sc->peer_closed,
		    (unsigned long long)sc->errors,
		    (unsigned long long)sc->mismatches, sc->first_mm_stream,
		    sc->first_mm_off, (unsigned long long)sc->bytes_sent,
		    (unsigned long long)sc->bytes_verified, ms_of(r->max_stall),
		    ms_of(r->median_stall), r->worst,
		    (unsigned long long)sc->new_ok,
		    (unsigned long long)sc->new_failed, ms_of(sc->new_max));
	printf("\"elapsed_ms\":%ld,\"hard_deadline\":%s,\"pass\":%s}\n",
	    ms_of(now - sc->t0), sc->hard_expired ? "true" : "false",
	    r->pass ? "true" : "false");
	fflush(stdout);
}

/* --- command line ----------------------------------------------------------- */

static long sc_num(const char *arg, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "streamcheck: '%s' is not a number in %ld..%ld\n",
		    arg, lo, hi);
		usage();
	}
	return v;
}

static void sc_parse_args(struct sc_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ramp", required_argument, NULL, 'R' },
		{ "stop-file", required_argument, NULL, 'S' },
		{ "ready-file", required_argument, NULL, 'Y' },
		{ "json", no_argument, NULL, 'J' },
		{ "new-conns", required_argument, NULL, 'N' },
		{ "drain", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->rate_bytes = -1;
	o->tick_ms = 100;
	o->secs = 10;
	o->ramp_ms = 1000;
	o->drain_s = 10;
	while ((c = getopt_long(argc, argv, "c:n:ur:i:d:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o->target = optarg; break;
		case 'n': o->streams = sc_num(optarg, 1, SC_MAX_STREAMS); break;
		case 'u': o->udp = 1; break;
		case 'r': o->rate_bytes = sc_num(optarg, 1, 1 << 20); break;
		case 'i': o->tick_ms = sc_num(optarg, 1, 10000); break;
		case 'd': o->secs = sc_num(optarg, 1, 86400); break;
		case 'R': o->ramp_ms = sc_num(optarg, 0, 600000); break;
		case 'S': o->stop_file = optarg; break;
		case 'Y': o->ready_file = optarg; break;
		case 'J': o->json = 1; break;
		case 'N': o->new_rate = sc_num(optarg, 1, 1000); break;
		case 'D': o->drain_s = sc_num(optarg, 1, 600); break;
		default: usage();
		}
	}
	if (o->target == NULL || o->streams == 0 || optind != argc)
		usage();
	if (o->rate_bytes < 0)
		o->rate_bytes = o->udp ? 64 : 1024;
	if (o->udp && (o->rate_bytes < 16 || o->rate_bytes > 1400)) {
		fprintf(stderr, "streamcheck: with -u, -r is the datagram size, "
		    "16..1400\n");
		usage();
	}
	if (o->udp && o->new_rate > 0) {
		fprintf(stderr, "streamcheck: --new-conns is for TCP only\n");
		usage();
	}
}

int main(int argc, char **argv)
{
	static struct sc sc;    /* large (its buffer): not on the stack */
	struct sc_result r;
	int64_t now;

	sc_parse_args(&sc.o, argc, argv);
	signal(SIGPIPE, SIG_IGN);
	if (sc_setup(&sc) < 0)
		return 1;
	/* The last resort, should the loop itself ever hang. */
	alarm((unsigned)(sc.o.secs + SC_HARD_EXTRA_S + 10));
	sc_loop(&sc);
	now = now_us();
	if (sc.phase != PH_END || sc.t_stop == 0)
		sc.t_stop = now;
	sc_finish(&sc, &r, now);
	sc_print_human(&sc, &r);
	if (sc.o.json)
		sc_print_json(&sc, &r, now);
	free(sc.st);
	free(sc.sh);
	close(sc.ep);
	return r.pass ? 0 : 1;
}
