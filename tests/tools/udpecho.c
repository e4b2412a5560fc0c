/* udpecho: a UDP echo server for tests; each reply is "NAME:" + the datagram,
 * sent from the address the datagram was sent to (so DR real servers answer
 * from the VIP even when bound to the wildcard address). */

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

static void usage(void)
{
	fprintf(stderr,
	    "usage: udpecho [-b ADDR] -p PORT [-n NAME] [-t SECONDS] [-c COUNT] [-q]\n"
	    "  -b ADDR     bind address (default: 0.0.0.0; IPv6 addresses work too)\n"
	    "  -p PORT     UDP port\n"
	    "  -n NAME     reply prefix, the reply being NAME:payload (default: echo)\n"
	    "  -t SECONDS  exit after this long (default 60, at most 3600)\n"
	    "  -c COUNT    exit after echoing COUNT datagrams (default: no limit)\n"
	    "  -q          do not log each datagram to stdout\n");
	exit(2);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int open_socket(const char *addr, const char *port)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, on = 1, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	rc = getaddrinfo(addr, port, &hints, &res);
	if (rc != 0) {
		fprintf(stderr, "udpecho: %s port %s: %s\n", addr, port,
		    gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, 0);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		/* Learn the local address of each datagram, to answer from it. */
		if (ai->ai_family == AF_INET)
			setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
		else
			setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
			    sizeof(on));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		fprintf(stderr, "udpecho: bind %s:%s: %s\n", addr, port,
		    strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

/* Receives one datagram and sends the reply back from the same local address. */
static int echo_one(int fd, const char *name, int quiet)
{
	char buf[65536], out[65536 + 256];
	char cbuf[256];
	struct sockaddr_storage peer;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr msg;
	struct cmsghdr *cm;
	ssize_t n;
	size_t plen;

	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &peer;
	msg.msg_namelen = sizeof(peer);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	n = recvmsg(fd, &msg, 0);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;

	plen = strlen(name);
	if (plen + 1 + (size_t)n > sizeof(out))
		n = (ssize_t)(sizeof(out) - plen - 1);
	memcpy(out, name, plen);
	out[plen] = ':';
	/* buf was filled by recvmsg() through iov. */
	// cppcheck-suppress uninitvar
	memcpy(out + plen + 1, buf, (size_t)n);

	/* Reply with only the packet-info control message, its interface
	 * index cleared so that routing picks the way out. */
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			pi.ipi_ifindex = 0;
			pi.ipi_spec_dst = pi.ipi_addr;
			memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
			msg.msg_controllen = CMSG_SPACE(sizeof(pi));
			memmove(cbuf, cm, msg.msg_controllen);
			break;
		}
		if (cm->cmsg_level == IPPROTO_IPV6 &&
		    cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi6;

			memcpy(&pi6, CMSG_DATA(cm), sizeof(pi6));
			pi6.ipi6_ifindex = 0;
			memcpy(CMSG_DATA(cm), &pi6, sizeof(pi6));
			msg.msg_controllen = CMSG_SPACE(sizeof(pi6));
			memmove(cbuf, cm, msg.msg_controllen);
			break;
		}
	}
	if (cm == NULL) {
		msg.msg_control = NULL;
		msg.msg_controllen = 0;
	}
	iov.iov_base = out;
	iov.iov_len = plen + 1 + (size_t)n;
	msg.msg_flags = 0;
	if (sendmsg(fd, &msg, 0) < 0) {
		fprintf(stderr, "udpecho: sendmsg: %s\n", strerror(errno));
		return 0;
	}
	if (!quiet) {
		char host[NI_MAXHOST], serv[NI_MAXSERV];

		if (getnameinfo((struct sockaddr *)&peer, msg.msg_namelen, host,
		    sizeof(host), serv, sizeof(serv),
		    NI_NUMERICHOST | NI_NUMERICSERV) == 0)
			printf("%s:%s %zd bytes\n", host, serv, n);
		fflush(stdout);
	}
	return 1;
}

int main(int argc, char **argv)
{
	const char *addr = "0.0.0.0", *port = NULL, *name = "echo";
	long secs = 60, count = -1, done = 0;
	int quiet = 0, c, fd;
	double end;

	while ((c = getopt(argc, argv, "b:p:n:t:c:qh")) != -1) {
		switch (c) {
		case 'b': addr = optarg; break;
		case 'p': port = optarg; break;
		case 'n': name = optarg; break;
		case 't': secs = strtol(optarg, NULL, 10); break;
		case 'c': count = strtol(optarg, NULL, 10); break;
		case 'q': quiet = 1; break;
		default: usage();
		}
	}
	if (port == NULL || optind != argc || secs <= 0 || secs > 3600 ||
	    strlen(name) > 200)
		usage();
	fd = open_socket(addr, port);
	if (fd < 0)
		return 1;
	end = now_s() + (double)secs;
	while (count < 0 || done < count) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		double left = end - now_s();
		int r;

		if (left <= 0)
			break;
		r = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0)
			continue;
		r = echo_one(fd, name, quiet);
		if (r < 0) {
			fprintf(stderr, "udpecho: recvmsg: %s\n", strerror(errno));
			break;
		}
		done += r;
	}
	close(fd);
	return 0;
}
