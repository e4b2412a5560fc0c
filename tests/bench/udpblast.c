/* udpblast: the UDP small-packet rate test of `make bench`. "send" blasts
 * small datagrams from many source ports at full speed for a bounded time;
 * "sink" counts the datagrams that reach it until it is told to stop (TERM
 * or INT) or its lifetime ends, and prints the count. Not part of make test. */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAGIC		"UDPBLAST"
#define MAGIC_LEN	8
#define BATCH		32
#define RX_BATCH	64
#define RX_BUF		2048

#define MAX_SECONDS	60
#define MAX_LIFETIME	600
#define MAX_PORTS	4096
#define MAX_PACKETS	1000000000ul

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: udpblast send -d ADDR -p PORT [-s SECONDS] [-l LEN] [-P PORTS]\n"
	    "                     [-n MAX_PACKETS]\n"
	    "       udpblast sink -p PORT [-b ADDR] [-T LIFETIME]\n"
	    "  send: LEN-byte datagrams (16..1472, default 64) from PORTS source\n"
	    "        ports (1..%d, default 256), %d at a time per port, for\n"
	    "        SECONDS (1..%d, default 3) or MAX_PACKETS (default and\n"
	    "        at most %lu); prints sent=N errors=N seconds=S pps=R\n"
	    "  sink: counts the datagrams send sent to PORT (any address, or\n"
	    "        ADDR) until TERM or INT, or LIFETIME seconds (1..%d,\n"
	    "        default 120); prints received=N seconds=S pps=R (S: first\n"
	    "        to last datagram)\n",
	    MAX_PORTS, BATCH, MAX_SECONDS, MAX_PACKETS, MAX_LIFETIME);
	exit(2);
}

static long
num_arg(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < lo || v > hi)
		usage();
	return v;
}

static int
resolve(const char *host, const char *port, int passive,
    struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints, *res;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV |
	    (passive ? AI_PASSIVE : 0);
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		fprintf(stderr, "udpblast: %s port %s: %s\n",
		    host ? host : "*", port, gai_strerror(rc));
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* The sender: every source port is its own connected socket, so each is a
 * flow of its own through the load balancer. */
static int
blast(const char *dst, const char *port, long secs, long len, long ports,
    unsigned long max_pkts)
{
	static int fds[MAX_PORTS];
	static unsigned char payload[1472];
	struct mmsghdr msg[BATCH];
	struct iovec iov;
	struct sockaddr_storage to;
	socklen_t tolen;
	unsigned long sent = 0, errors = 0;
	double start, end, now;
	long i;

	if (resolve(dst, port, 0, &to, &tolen) != 0)
		return 1;
	for (i = 0; i < ports; i++) {
		fds[i] = socket(to.ss_family, SOCK_DGRAM, 0);
		if (fds[i] < 0 ||
		    connect(fds[i], (struct sockaddr *)&to, tolen) != 0) {
			fprintf(stderr, "udpblast: socket %ld: %s\n", i,
			    strerror(errno));
			return 1;
		}
	}
	memset(payload, 0, sizeof(payload));
	memcpy(payload, MAGIC, MAGIC_LEN);
	iov.iov_base = payload;
	iov.iov_len = (size_t)len;
	memset(msg, 0, sizeof(msg));
	for (i = 0; i < BATCH; i++) {
		msg[i].msg_hdr.msg_iov = &iov;
		msg[i].msg_hdr.msg_iovlen = 1;
	}

	start = now_s();
	end = start + (double)secs;
	now = start;
	for (i = 0; !stop && sent < max_pkts; i = (i + 1) % ports) {
		unsigned n = BATCH;
		int r;

		if (max_pkts - sent < n)
			n = (unsigned)(max_pkts - sent);
		r = sendmmsg(fds[i], msg, n, 0);
		if (r > 0)
			sent += (unsigned long)r;
		else
			errors++;	/* ENOBUFS, or ICMP errors on the flow */
		now = now_s();
		if (now >= end)
			break;
	}
	now -= start;
	printf("sent=%lu errors=%lu seconds=%.3f pps=%.0f\n", sent, errors,
	    now, now > 0 ? (double)sent / now : 0.0);
	for (i = 0; i < ports; i++)
		close(fds[i]);
	return 0;
}

/* The sink: one socket, batched reads; counts only the sender's datagrams. */
static int
sink(const char *addr, const char *port, long lifetime)
{
	static unsigned char bufs[RX_BATCH][RX_BUF];
	struct mmsghdr msg[RX_BATCH];
	struct iovec iov[RX_BATCH];
	struct sockaddr_storage me;
	struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };
	socklen_t melen;
	unsigned long got = 0;
	double first = 0, last = 0, deadline;
	int fd, off = 0, big = 8 << 20;

	if (resolve(addr ? addr : "::", port, 1, &me, &melen) != 0)
		return 1;
	fd = socket(me.ss_family, SOCK_DGRAM, 0);
	if (fd < 0) {
		fprintf(stderr, "udpblast: socket: %s\n", strerror(errno));
		return 1;
	}
	if (me.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	/* A deep queue, past rmem_max when we may: the sink must not be
	 * what loses packets. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(fd, (struct sockaddr *)&me, melen) != 0) {
		fprintf(stderr, "udpblast: bind port %s: %s\n", port,
		    strerror(errno));
		return 1;
	}
	memset(msg, 0, sizeof(msg));
	for (int i = 0; i < RX_BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = RX_BUF;
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
	}
	printf("ready\n");
	fflush(stdout);

	deadline = now_s() + (double)lifetime;
	while (!stop) {
		int r = recvmmsg(fd, msg, RX_BATCH, 0, NULL);
		double now = now_s();

		if (r > 0) {
			for (int i = 0; i < r; i++)
				if (msg[i].msg_len >= MAGIC_LEN &&
				    memcmp(bufs[i], MAGIC, MAGIC_LEN) == 0)
					got++;
			if (first == 0)
				first = now;
			last = now;
		}
		if (now >= deadline)
			break;
	}
	last -= first;
	printf("received=%lu seconds=%.3f pps=%.0f\n", got, last,
	    last > 0 ? (double)got / last : 0.0);
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *dst = NULL, *port = NULL, *addr = NULL;
	long secs = 3, len = 64, ports = 256, lifetime = 120;
	unsigned long max_pkts = MAX_PACKETS;
	struct sigaction sa;
	int c, send_mode;

	if (argc < 2)
		usage();
	if (strcmp(argv[1], "send") == 0)
		send_mode = 1;
	else if (strcmp(argv[1], "sink") == 0)
		send_mode = 0;
	else
		usage();
	optind = 2;
	while ((c = getopt(argc, argv, "d:p:s:l:P:n:b:T:")) != -1) {
		switch (c) {
		case 'd': dst = optarg; break;
		case 'p': port = optarg; break;
		case 's': secs = num_arg(optarg, 1, MAX_SECONDS); break;
		case 'l': len = num_arg(optarg, 16, 1472); break;
		case 'P': ports = num_arg(optarg, 1, MAX_PORTS); break;
		case 'n':
			max_pkts = (unsigned long)num_arg(optarg, 1,
			    (long)MAX_PACKETS);
			break;
		case 'b': addr = optarg; break;
		case 'T': lifetime = num_arg(optarg, 1, MAX_LIFETIME); break;
		default: usage();
		}
	}
	if (optind != argc || port == NULL || (send_mode && dst == NULL))
		usage();

	/* No SA_RESTART: a signal ends a blocked recvmmsg. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (send_mode)
		return blast(dst, port, secs, len, ports, max_pkts);
	return sink(addr, port, lifetime);
}
