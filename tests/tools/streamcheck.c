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

#include "sc.h"

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
