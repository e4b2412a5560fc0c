/* udpsend: sends N UDP datagrams to ADDR:PORT and prints each reply on its
 * own line; for tests of UDP virtual services. */

#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct opts {
	const char *dst, *port, *bind_addr, *bind_port, *msg;
	long count;
	long interval_ms;
	double wait_s;
	int new_socket;  /* a new socket (source port) for each datagram */
	int show_from;   /* prefix each reply with its source address */
};

static void usage(void)
{
	fprintf(stderr,
	    "usage: udpsend -d ADDR -p PORT [-n COUNT] [-m MSG] [-w SECONDS]\n"
	    "               [-i MS] [-b ADDR] [-s PORT] [-N] [-a]\n"
	    "  -d ADDR     destination address (IPv4 or IPv6)\n"
	    "  -p PORT     destination port\n"
	    "  -n COUNT    datagrams to send (default 1, at most 1000000)\n"
	    "  -m MSG      payload; \"%%d\" in it is replaced by the sequence number\n"
	    "              (default \"ping %%d\")\n"
	    "  -w SECONDS  how long to wait for each reply (default 1)\n"
	    "  -i MS       pause between datagrams (default 0)\n"
	    "  -b ADDR     source address;  -s PORT  source port\n"
	    "  -N          a new socket, so a new source port, per datagram\n"
	    "  -a          print \"ADDR:PORT \" of the sender before each reply\n"
	    "Exit status: 0 when every datagram got a reply, 1 otherwise.\n");
	exit(2);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int open_socket(const struct opts *o, struct sockaddr_storage *to,
    socklen_t *tolen)
{
	struct addrinfo hints, *res;
	int fd, rc, on = 1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	rc = getaddrinfo(o->dst, o->port, &hints, &res);
	if (rc != 0) {
		fprintf(stderr, "udpsend: %s port %s: %s\n", o->dst, o->port,
		    gai_strerror(rc));
		return -1;
	}
	memcpy(to, res->ai_addr, res->ai_addrlen);
	*tolen = res->ai_addrlen;
	fd = socket(res->ai_family, SOCK_DGRAM, 0);
	freeaddrinfo(res);
	if (fd < 0) {
		fprintf(stderr, "udpsend: socket: %s\n", strerror(errno));
		return -1;
	}
	if (o->bind_addr != NULL || o->bind_port != NULL) {
		const char *ba = o->bind_addr;

		if (ba == NULL)
			ba = to->ss_family == AF_INET6 ? "::" : "0.0.0.0";
		hints.ai_flags |= AI_PASSIVE;
		rc = getaddrinfo(ba, o->bind_port ? o->bind_port : "0", &hints,
		    &res);
		if (rc != 0) {
			fprintf(stderr, "udpsend: bind %s: %s\n", ba,
			    gai_strerror(rc));
			close(fd);
			return -1;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		rc = bind(fd, res->ai_addr, res->ai_addrlen);
		freeaddrinfo(res);
		if (rc < 0) {
			fprintf(stderr, "udpsend: bind: %s\n", strerror(errno));
			close(fd);
			return -1;
		}
	}
	return fd;
}

static void format_msg(const char *tmpl, long seq, char *out, size_t outsz)
{
	const char *p = strstr(tmpl, "%d");

	if (p == NULL)
		snprintf(out, outsz, "%s", tmpl);
	else
		snprintf(out, outsz, "%.*s%ld%s", (int)(p - tmpl), tmpl, seq,
		    p + 2);
}

/* Waits up to wait_s for one reply and prints it; 1 if one came, 0 if not. */
static int await_reply(int fd, const struct opts *o)
{
	double end = now_s() + o->wait_s;
	char buf[65536];

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		double left = end - now_s();
		ssize_t n;
		int r;

		if (left <= 0)
			return 0;
		r = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;
		n = recvfrom(fd, buf, sizeof(buf) - 1, 0,
		    (struct sockaddr *)&from, &flen);
		if (n < 0) {
			/* ICMP port unreachable shows up as ECONNREFUSED. */
			if (errno == ECONNREFUSED) {
				fprintf(stderr, "udpsend: connection refused\n");
				return 0;
			}
			continue;
		}
		buf[n] = '\0';
		if (n > 0 && buf[n - 1] == '\n')
			buf[--n] = '\0';
		if (o->show_from) {
			char host[NI_MAXHOST], serv[NI_MAXSERV];

			if (getnameinfo((struct sockaddr *)&from, flen, host,
			    sizeof(host), serv, sizeof(serv),
			    NI_NUMERICHOST | NI_NUMERICSERV) == 0)
				printf("%s:%s ", host, serv);
		}
		printf("%s\n", buf);
		fflush(stdout);
		return 1;
	}
}

int main(int argc, char **argv)
{
	struct opts o = { .msg = "ping %d", .count = 1, .wait_s = 1.0 };
	struct sockaddr_storage to;
	socklen_t tolen;
	long i, got = 0;
	int c, fd = -1;

	while ((c = getopt(argc, argv, "d:p:n:m:w:i:b:s:Nah")) != -1) {
		switch (c) {
		case 'd': o.dst = optarg; break;
		case 'p': o.port = optarg; break;
		case 'n': o.count = strtol(optarg, NULL, 10); break;
		case 'm': o.msg = optarg; break;
		case 'w': o.wait_s = strtod(optarg, NULL); break;
		case 'i': o.interval_ms = strtol(optarg, NULL, 10); break;
		case 'b': o.bind_addr = optarg; break;
		case 's': o.bind_port = optarg; break;
		case 'N': o.new_socket = 1; break;
		case 'a': o.show_from = 1; break;
		default: usage();
		}
	}
	if (o.dst == NULL || o.port == NULL || optind != argc ||
	    o.count < 1 || o.count > 1000000 || o.wait_s < 0 ||
	    o.wait_s > 60 || o.interval_ms < 0 || o.interval_ms > 60000)
		usage();

	for (i = 1; i <= o.count; i++) {
		char payload[1024];
		size_t len;

		if (fd < 0) {
			fd = open_socket(&o, &to, &tolen);
			if (fd < 0)
				return 1;
		}
		format_msg(o.msg, i, payload, sizeof(payload));
		len = strlen(payload);
		if (sendto(fd, payload, len, 0, (struct sockaddr *)&to,
		    tolen) < 0)
			fprintf(stderr, "udpsend: sendto: %s\n", strerror(errno));
		else
			got += await_reply(fd, &o);
		if (o.new_socket) {
			close(fd);
			fd = -1;
		}
		if (o.interval_ms > 0 && i < o.count) {
			struct timespec ts = { o.interval_ms / 1000,
			    (o.interval_ms % 1000) * 1000000L };

			nanosleep(&ts, NULL);
		}
	}
	if (fd >= 0)
		close(fd);
	return got == o.count ? 0 : 1;
}
