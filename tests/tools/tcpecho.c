/* tcpecho: a TCP echo server for the stream tests (runs on each real server):
 * echoes every byte back in order, epoll, one bounded buffer per connection
 * (a full buffer stops reading: back-pressure), at most -n connections at
 * once, exits by itself after -t seconds. SIGUSR1 prints a summary line. */

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
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ECHO_BUF   16384   /* per connection: bounds memory at MAX_CONNS x 16 KiB */
#define ECHO_EVENTS 256

struct echo_conn {
	int fd;
	int eof;                /* the peer has shut down its sending side */
	uint32_t events;        /* what epoll watches for now */
	uint64_t echoed;        /* bytes written back so far (for --corrupt-after) */
	size_t off, len;        /* pending bytes: buf[off .. off+len) */
	unsigned char buf[ECHO_BUF];
};

struct echo {
	int ep, lfd, sfd;
	int listening;          /* lfd is in the epoll set */
	long max_conns, open;
	uint64_t accepted, closed, resets, bytes;
	long long corrupt_after; /* -1: never; else flip the byte at this offset */
};

static void usage(void)
{
	fprintf(stderr,
	    "usage: tcpecho [-4|-6] -l ADDR -p PORT [-n MAX_CONNS] [-t SECONDS]\n"
	    "  -4 | -6       address family of ADDR (default: what ADDR is)\n"
	    "  -l ADDR       listen address (0.0.0.0 or :: for every address)\n"
	    "  -p PORT       TCP port\n"
	    "  -n MAX_CONNS  connections open at once (default 4096, at most 100000)\n"
	    "  -t SECONDS    exit after this long (default 600, at most 86400)\n"
	    "SIGUSR1 prints a summary line to stderr; SIGTERM/SIGINT exit.\n");
	exit(2);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int echo_listen(int family, const char *addr, const char *port)
{
	struct addrinfo hints, *res;
	int fd, on = 1, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	rc = getaddrinfo(addr, port, &hints, &res);
	if (rc != 0) {
		fprintf(stderr, "tcpecho: %s port %s: %s\n", addr, port,
		    gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "tcpecho: socket: %s\n", strerror(errno));
		freeaddrinfo(res);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, res->ai_addr, res->ai_addrlen) < 0 ||
	    listen(fd, 4096) < 0) {
		fprintf(stderr, "tcpecho: bind/listen %s:%s: %s\n", addr, port,
		    strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

static void echo_summary(const struct echo *e)
{
	fprintf(stderr, "tcpecho: accepted %llu open %ld closed %llu resets %llu "
	    "bytes %llu\n", (unsigned long long)e->accepted, e->open,
	    (unsigned long long)e->closed, (unsigned long long)e->resets,
	    (unsigned long long)e->bytes);
}

/* Starts or stops watching the listener: a full house stops accepting, so
 * new connections wait in the backlog instead of being refused. */
static void echo_set_listening(struct echo *e, int on)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };

	if (on == e->listening)
		return;
	if (epoll_ctl(e->ep, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, e->lfd, &ev) == 0)
		e->listening = on;
}

static void echo_close(struct echo *e, struct echo_conn *c)
{
	close(c->fd);
	free(c);
	e->open--;
	e->closed++;
	echo_set_listening(e, 1);
}

static void echo_accept(struct echo *e)
{
	while (e->open < e->max_conns) {
		struct epoll_event ev = { .events = EPOLLIN };
		struct echo_conn *c;
		int fd;

		fd = accept4(e->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				fprintf(stderr, "tcpecho: accept: %s\n",
				    strerror(errno));
			return;
		}
		c = calloc(1, sizeof(*c));
		if (c == NULL) {
			close(fd);
			return;
		}
		c->fd = fd;
		c->events = EPOLLIN;
		ev.data.ptr = c;
		if (epoll_ctl(e->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			free(c);
			return;
		}
		e->open++;
		e->accepted++;
	}
	echo_set_listening(e, 0);
}

/* Flips the one byte at stream offset corrupt_after, if it is in the
 * pending bytes: a deliberately broken server, for the checker's own test. */
static void echo_corrupt(const struct echo *e, struct echo_conn *c)
{
	uint64_t at;

	if (e->corrupt_after < 0)
		return;
	at = (uint64_t)e->corrupt_after;
	if (at >= c->echoed && at < c->echoed + c->len)
		c->buf[c->off + (at - c->echoed)] ^= 0xff;
}

/* Reads what fits, writes what the socket takes; -1 when the connection
 * is finished (error, or the peer's end of stream fully echoed). */
static int echo_io(struct echo *e, struct echo_conn *c)
{
	ssize_t n;

	if (!c->eof && c->len < ECHO_BUF) {
		if (c->off > 0) {
			memmove(c->buf, c->buf + c->off, c->len);
			c->off = 0;
		}
		n = recv(c->fd, c->buf + c->len, ECHO_BUF - c->len, 0);
		if (n == 0) {
			c->eof = 1;
		} else if (n > 0) {
			size_t before = c->len;

			c->len += (size_t)n;
			/* Only the new bytes can hold the offset not yet seen. */
			if (e->corrupt_after >= 0 &&
			    (uint64_t)e->corrupt_after >= c->echoed + before)
				echo_corrupt(e, c);
		} else if (errno != EAGAIN && errno != EINTR) {
			e->resets++;
			return -1;
		}
	}
	while (c->len > 0) {
		n = send(c->fd, c->buf + c->off, c->len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			e->resets++;
			return -1;
		}
		c->off += (size_t)n;
		c->len -= (size_t)n;
		c->echoed += (uint64_t)n;
		e->bytes += (uint64_t)n;
	}
	if (c->len == 0)
		c->off = 0;
	return c->eof && c->len == 0 ? -1 : 0;
}

/* Watches for input while there is room, for output while bytes wait. */
static void echo_rearm(struct echo *e, struct echo_conn *c)
{
	struct epoll_event ev = { .data.ptr = c };

	ev.events = 0;
	if (!c->eof && c->len < ECHO_BUF)
		ev.events |= EPOLLIN;
	if (c->len > 0)
		ev.events |= EPOLLOUT;
	if (ev.events != c->events) {
		epoll_ctl(e->ep, EPOLL_CTL_MOD, c->fd, &ev);
		c->events = ev.events;
	}
}

/* Handles the signals; 1 when it is time to exit. */
static int echo_signal(struct echo *e)
{
	struct signalfd_siginfo si;

	while (read(e->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGUSR1)
			echo_summary(e);
		else
			return 1;
	}
	return 0;
}

static int echo_setup(struct echo *e, int family, const char *addr,
    const char *port)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &e->sfd };
	struct rlimit rl;
	sigset_t set;

	/* Room for every connection's descriptor, where the hard limit allows. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur < (rlim_t)e->max_conns + 64) {
		rl.rlim_cur = (rlim_t)e->max_conns + 64;
		if (rl.rlim_cur > rl.rlim_max)
			rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	e->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	e->ep = epoll_create1(EPOLL_CLOEXEC);
	e->lfd = echo_listen(family, addr, port);
	if (e->sfd < 0 || e->ep < 0 || e->lfd < 0)
		return -1;
	if (epoll_ctl(e->ep, EPOLL_CTL_ADD, e->sfd, &ev) < 0)
		return -1;
	echo_set_listening(e, 1);
	return e->listening ? 0 : -1;
}

static int echo_run(struct echo *e, double end)
{
	struct epoll_event evs[ECHO_EVENTS];

	for (;;) {
		double left = end - now_s();
		int i, n;

		if (left <= 0)
			return 0;
		n = epoll_wait(e->ep, evs, ECHO_EVENTS, (int)(left * 1000) + 1);
		if (n < 0 && errno != EINTR) {
			fprintf(stderr, "tcpecho: epoll_wait: %s\n", strerror(errno));
			return -1;
		}
		for (i = 0; i < n; i++) {
			struct echo_conn *c = evs[i].data.ptr;

			if (c == NULL) {
				echo_accept(e);
			} else if (evs[i].data.ptr == &e->sfd) {
				if (echo_signal(e))
					return 0;
			} else if (echo_io(e, c) < 0) {
				echo_close(e, c);
			} else {
				echo_rearm(e, c);
			}
		}
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		/* Hidden: a broken server, for streamcheck's own tests. */
		{ "corrupt-after", required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	struct echo e = { .max_conns = 4096, .corrupt_after = -1 };
	const char *addr = NULL, *port = NULL;
	int family = AF_UNSPEC, c, rc;
	long secs = 600;
	char *endp;

	while ((c = getopt_long(argc, argv, "46l:p:n:t:h", longopts, NULL)) != -1) {
		switch (c) {
		case '4': family = AF_INET; break;
		case '6': family = AF_INET6; break;
		case 'l': addr = optarg; break;
		case 'p': port = optarg; break;
		case 'n':
			e.max_conns = strtol(optarg, &endp, 10);
			if (*endp != '\0')
				usage();
			break;
		case 't':
			secs = strtol(optarg, &endp, 10);
			if (*endp != '\0')
				usage();
			break;
		case 'C':
			e.corrupt_after = strtoll(optarg, &endp, 10);
			if (*endp != '\0' || e.corrupt_after < 0)
				usage();
			break;
		default: usage();
		}
	}
	if (addr == NULL || port == NULL || optind != argc || secs <= 0 ||
	    secs > 86400 || e.max_conns < 1 || e.max_conns > 100000)
		usage();
	if (echo_setup(&e, family, addr, port) < 0) {
		if (e.lfd >= 0)
			fprintf(stderr, "tcpecho: setup: %s\n", strerror(errno));
		return 1;
	}
	rc = echo_run(&e, now_s() + (double)secs);
	echo_summary(&e);
	return rc < 0 ? 1 : 0;
}
