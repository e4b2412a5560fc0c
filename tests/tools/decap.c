/* decap: the real-server end of Tandem's tunnels, for tests on machines
 * whose kernel has no ipip/ip6_tunnel/gre module. Takes IPIP, IPv6-in-IPv6
 * and GRE datagrams (raw sockets for protocols 4, 41 and 47) and GUE (UDP
 * sockets on the GUE port, IPv4 and IPv6), strips the outer headers and
 * writes the inner datagram into a TUN device, so the real server's stack
 * receives what the client sent. Bounded in time. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void
usage(void)
{
	fprintf(stderr, "usage: decap -i TUNNAME [-g GUEPORT] [-t SECONDS]\n");
	exit(2);
}

static int
tun_open(const char *name)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd == -1) {
		perror("decap: /dev/net/tun");
		exit(1);
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) == -1) {
		perror("decap: TUNSETIFF");
		exit(1);
	}
	return fd;
}

/* A GRE datagram (RFC 2784/2890); an IPv4 raw socket hands over the outer
 * IP header too. The checksum, when present, must be right. */
static int
gre_decap(int tun, const unsigned char *p, size_t n, int has_ip)
{
	size_t off = has_ip ? (size_t)(p[0] & 0xf) * 4 : 0;

	if (n < off + 4)
		return -1;
	unsigned flags = (unsigned)(p[off] << 8 | p[off + 1]);
	unsigned proto = (unsigned)(p[off + 2] << 8 | p[off + 3]);
	size_t hlen = 4 + (flags & 0x8000 ? 4 : 0) + (flags & 0x2000 ? 4 : 0) +
	    (flags & 0x1000 ? 4 : 0);
	if ((proto != 0x0800 && proto != 0x86dd) || n < off + hlen + 20)
		return -1;
	if (flags & 0x8000) {
		unsigned long sum = 0;
		for (size_t i = off; i + 1 < n; i += 2)
			sum += (unsigned)(p[i] << 8 | p[i + 1]);
		if ((n - off) % 2)
			sum += (unsigned)p[n - 1] << 8;
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		if (sum != 0xffff)
			return -1;
	}
	return write(tun, p + off + hlen, n - off - hlen) > 0 ? 0 : -1;
}

int
main(int argc, char *argv[])
{
	const char *name = NULL;
	int gue_port = 0, secs = 120, ch;
	unsigned long n_ipip = 0, n_gue = 0, n_gre = 0, n_bad = 0;
	unsigned char buf[70000];

	while ((ch = getopt(argc, argv, "i:g:t:")) != -1) {
		switch (ch) {
		case 'i': name = optarg; break;
		case 'g': gue_port = atoi(optarg); break;
		case 't': secs = atoi(optarg); break;
		default: usage();
		}
	}
	if (name == NULL || secs < 1 || secs > 3600 || gue_port < 0 ||
	    gue_port > 65535)
		usage();
	int tun = tun_open(name);
	int raw = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_IPIP);
	/* An IPv6 raw socket hands over the payload: the inner datagram. */
	int raw6 = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_IPV6);
	int gre = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_GRE);
	int gre6 = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_GRE);
	int udp = -1, udp6 = -1, one = 1;
	if (raw == -1 || raw6 == -1 || gre == -1 || gre6 == -1) {
		perror("decap: raw socket");
		return 1;
	}
	if (gue_port) {
		struct sockaddr_in sin = { .sin_family = AF_INET,
		    .sin_port = htons((uint16_t)gue_port) };
		struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6,
		    .sin6_port = htons((uint16_t)gue_port) };
		udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		udp6 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (udp == -1 || udp6 == -1 ||
		    setsockopt(udp6, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) ||
		    bind(udp, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
		    bind(udp6, (struct sockaddr *)&sin6, sizeof(sin6)) == -1) {
			perror("decap: GUE socket");
			return 1;
		}
	}
	printf("decap: ready on %s\n", name);
	fflush(stdout);
	time_t end = time(NULL) + secs;
	while (time(NULL) < end) {
		/* udp and udp6 last: -1 (no GUE) is skipped by poll. */
		struct pollfd pfd[6] = { { raw, POLLIN, 0 }, { raw6, POLLIN, 0 },
		    { udp, POLLIN, 0 }, { udp6, POLLIN, 0 }, { gre, POLLIN, 0 },
		    { gre6, POLLIN, 0 } };
		if (poll(pfd, 6, 500) <= 0)
			continue;
		for (int i = 4; i < 6; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			ssize_t n = recv(pfd[i].fd, buf, sizeof(buf), 0);
			if (n > 0 && gre_decap(tun, buf, (size_t)n, i == 4) == 0)
				n_gre++;
			else
				n_bad++;
		}
		if (pfd[1].revents & POLLIN) {
			ssize_t n = recv(raw6, buf, sizeof(buf), 0);
			if (n > 40 && (buf[0] >> 4) == 6 &&
			    write(tun, buf, (size_t)n) > 0)
				n_ipip++;
			else
				n_bad++;
		}
		if (pfd[0].revents & POLLIN) {
			ssize_t n = recv(raw, buf, sizeof(buf), 0);
			size_t ihl = n > 0 ? (size_t)(buf[0] & 0xf) * 4 : 0;
			if (n > 0 && ihl >= 20 && (size_t)n > ihl + 20 &&
			    write(tun, buf + ihl, (size_t)n - ihl) > 0)
				n_ipip++;
			else
				n_bad++;
		}
		for (int i = 2; udp != -1 && i < 4; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			ssize_t n = recv(pfd[i].fd, buf, sizeof(buf), 0);
			/* GUE version 0, no options, carrying IPv4 or IPv6. */
			if (n > 24 && buf[0] == 0 && (buf[1] == IPPROTO_IPIP ||
			    buf[1] == IPPROTO_IPV6) &&
			    write(tun, buf + 4, (size_t)n - 4) > 0)
				n_gue++;
			else
				n_bad++;
		}
	}
	fprintf(stderr, "decap: ipip %lu gue %lu gre %lu bad %lu\n", n_ipip,
	    n_gue, n_gre, n_bad);
	return 0;
}
