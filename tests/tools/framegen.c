/* framegen: injects crafted Ethernet/IPv4 frames on an interface through
 * AF_PACKET, well-formed or broken on purpose, for the director's bad-input
 * and SYN-flood tests. Every run is bounded in frame count and time. */

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_COUNT   10000000L
#define MAX_SECONDS 600
#define MAX_PAYLOAD 1400
#define FRAME_MAX   2048

enum fg_case {
	FG_VALID, FG_PAD, FG_TRUNC_ETH, FG_TRUNC_IP, FG_TRUNC_TCP,
	FG_TRUNC_UDP, FG_BAD_VERSION, FG_IHL_SHORT, FG_IHL_LONG, FG_LEN_LONG,
	FG_LEN_SHORT, FG_LEN_TINY, FG_IP_OPTIONS, FG_FRAG_FIRST, FG_FRAG_MIDDLE,
	FG_FRAG_LAST, FG_BAD_IPCSUM, FG_BAD_L4CSUM, FG_TCP_DOFF_SHORT,
	FG_TCP_DOFF_LONG, FG_UDP_LEN_LONG, FG_UDP_LEN_SHORT, FG_UDP_NOCSUM,
	FG_SYN_FLOOD,
};

static const struct {
	const char *name;
	enum fg_case c;
	const char *help;
} fg_cases[] = {
	{ "valid", FG_VALID, "a well-formed TCP (or with -u UDP) frame" },
	{ "pad", FG_PAD, "valid, with 16 bytes of trailer after the IP packet" },
	{ "trunc-eth", FG_TRUNC_ETH, "an Ethernet header with the IPv4 ethertype and nothing after it (14 bytes; AF_PACKET sends no shorter frame)" },
	{ "trunc-ip", FG_TRUNC_IP, "ethernet header and 12 bytes of IP header" },
	{ "trunc-tcp", FG_TRUNC_TCP, "IP header and 10 bytes of TCP header, lengths consistent" },
	{ "trunc-udp", FG_TRUNC_UDP, "IP header and 4 bytes of UDP header, lengths consistent" },
	{ "bad-version", FG_BAD_VERSION, "IP version 6 in an IPv4 ethertype frame" },
	{ "ihl-short", FG_IHL_SHORT, "IHL 4 (16 bytes), below the minimum" },
	{ "ihl-long", FG_IHL_LONG, "IHL 15 (60 bytes), more than total length and frame hold" },
	{ "len-long", FG_LEN_LONG, "total length 100 bytes more than the frame holds" },
	{ "len-short", FG_LEN_SHORT, "total length ends inside the L4 header" },
	{ "len-tiny", FG_LEN_TINY, "total length 10, smaller than the IP header" },
	{ "ip-options", FG_IP_OPTIONS, "valid, with 12 bytes of IP options (record route, NOP)" },
	{ "frag-first", FG_FRAG_FIRST, "first fragment: MF set, offset 0, with the L4 header" },
	{ "frag-middle", FG_FRAG_MIDDLE, "middle fragment: MF set, offset 1480, no L4 header" },
	{ "frag-last", FG_FRAG_LAST, "last fragment: MF clear, offset 1480, no L4 header" },
	{ "bad-ipcsum", FG_BAD_IPCSUM, "IP header checksum wrong" },
	{ "bad-l4csum", FG_BAD_L4CSUM, "TCP or UDP checksum wrong" },
	{ "tcp-doff-short", FG_TCP_DOFF_SHORT, "TCP data offset 2 (8 bytes), below the minimum" },
	{ "tcp-doff-long", FG_TCP_DOFF_LONG, "TCP data offset 15 (60 bytes), past the packet's end" },
	{ "udp-len-long", FG_UDP_LEN_LONG, "UDP length 100 bytes more than the IP payload" },
	{ "udp-len-short", FG_UDP_LEN_SHORT, "UDP length 4, below the 8-byte header" },
	{ "udp-nocsum", FG_UDP_NOCSUM, "valid UDP with checksum 0 (none, allowed in IPv4)" },
	{ "syn-flood", FG_SYN_FLOOD, "valid SYNs, each from a random source in -N CIDR and a random port" },
};

struct fg {
	enum fg_case c;
	int udp;
	uint8_t dmac[6], smac[6];
	uint32_t saddr, daddr;     /* network order */
	uint32_t flood_net, flood_mask; /* host order */
	uint16_t sport, dport;
	uint8_t tcp_flags;
	const char *payload;
	uint64_t rng;
	int verbose;
};

static void usage(void)
{
	size_t i;

	fprintf(stderr,
	    "usage: framegen -i IFACE -D MAC -d DSTIP -p DPORT [options] CASE\n"
	    "  -i IFACE    interface to send on\n"
	    "  -D MAC      destination MAC (e.g. the virtual MAC 00:00:5e:00:01:01)\n"
	    "  -S MAC      source MAC (default: the interface's)\n"
	    "  -d DSTIP    destination IPv4 address (a VIP, or an unknown one)\n"
	    "  -p DPORT    destination port\n"
	    "  -s SRCIP    source IPv4 address (default: the interface's)\n"
	    "  -P SPORT    source port (default: random, the same for every frame)\n"
	    "  -u          UDP instead of TCP\n"
	    "  -F FLAGS    TCP flags from FSRPAU (default S)\n"
	    "  -m PAYLOAD  payload bytes (default none; at most %d)\n"
	    "  -n COUNT    frames to send (default 1, at most %ld)\n"
	    "  -r PPS      at most this many frames a second (default: no limit)\n"
	    "  -t SECONDS  stop after this long whatever the count (default 30, at most %d)\n"
	    "  -N CIDR     spoofed sources for syn-flood (default 198.18.0.0/15)\n"
	    "  -x SEED     random seed (default 1)\n"
	    "  -v          print each frame in hex\n"
	    "  -l          list the cases\n"
	    "cases:", MAX_PAYLOAD, MAX_COUNT, MAX_SECONDS);
	for (i = 0; i < sizeof(fg_cases) / sizeof(fg_cases[0]); i++)
		fprintf(stderr, " %s", fg_cases[i].name);
	fprintf(stderr, "\n");
	exit(2);
}

static void list_cases(void)
{
	size_t i;

	for (i = 0; i < sizeof(fg_cases) / sizeof(fg_cases[0]); i++)
		printf("%-15s %s\n", fg_cases[i].name, fg_cases[i].help);
	exit(0);
}

static uint64_t rng_next(struct fg *g)
{
	/* xorshift64*: reproducible from -x SEED. */
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return g->rng * 2685821657736338717ULL;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
	    &b[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (b[i] > 255)
			return -1;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

static int parse_cidr(const char *s, uint32_t *net, uint32_t *mask)
{
	char buf[64], *slash;
	struct in_addr a;
	long bits = 32;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash != NULL) {
		*slash = '\0';
		bits = strtol(slash + 1, NULL, 10);
	}
	if (inet_pton(AF_INET, buf, &a) != 1 || bits < 1 || bits > 32)
		return -1;
	*mask = bits == 32 ? 0xffffffffu : ~(0xffffffffu >> bits);
	*net = ntohl(a.s_addr) & *mask;
	return 0;
}

static int parse_flags(const char *s, uint8_t *flags)
{
	static const char order[] = "FSRPAU";
	const char *p;

	*flags = 0;
	for (; *s != '\0'; s++) {
		p = strchr(order, *s);
		if (p == NULL)
			return -1;
		*flags |= (uint8_t)(1u << (p - order));
	}
	return 0;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	while (len > 1) {
		sum += (uint32_t)(p[0] << 8 | p[1]);
		p += 2;
		len -= 2;
	}
	if (len == 1)
		sum += (uint32_t)(p[0] << 8);
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Checksum of an L4 segment with the IPv4 pseudo-header. */
static uint16_t l4_csum(const uint8_t *ip, const uint8_t *l4, size_t len,
    uint8_t proto)
{
	uint32_t sum = 0;

	sum = csum_add(sum, ip + 12, 8); /* source and destination */
	sum += proto;
	sum += (uint32_t)len;
	sum = csum_add(sum, l4, len);
	return csum_fold(sum);
}

static int case_is_udp(enum fg_case c)
{
	return c == FG_TRUNC_UDP || c == FG_UDP_LEN_LONG ||
	    c == FG_UDP_LEN_SHORT || c == FG_UDP_NOCSUM;
}

static int case_is_tcp(enum fg_case c)
{
	return c == FG_TRUNC_TCP || c == FG_TCP_DOFF_SHORT ||
	    c == FG_TCP_DOFF_LONG || c == FG_SYN_FLOOD;
}

/* Writes the L4 header and payload at l4; returns their length. */
static size_t build_l4(struct fg *g, uint8_t *l4, uint16_t sport)
{
	size_t plen = g->payload ? strlen(g->payload) : 0;
	size_t hl = g->udp ? 8 : 20;

	if (g->udp) {
		put16(l4, sport);
		put16(l4 + 2, g->dport);
		put16(l4 + 4, (uint16_t)(8 + plen));
		put16(l4 + 6, 0);
	} else {
		put16(l4, sport);
		put16(l4 + 2, g->dport);
		put32(l4 + 4, (uint32_t)rng_next(g));
		put32(l4 + 8, (g->tcp_flags & 0x10) ? (uint32_t)rng_next(g) : 0);
		l4[12] = 5 << 4;
		l4[13] = g->tcp_flags;
		put16(l4 + 14, 64240);
		put16(l4 + 16, 0);
		put16(l4 + 18, 0);
	}
	if (plen > 0)
		memcpy(l4 + hl, g->payload, plen);
	return hl + plen;
}

static void set_l4_csum(struct fg *g, uint8_t *ip, uint8_t *l4, size_t len)
{
	uint16_t c;

	if (g->udp) {
		put16(l4 + 6, 0);
		if (g->c == FG_UDP_NOCSUM)
			return;
		c = l4_csum(ip, l4, len, IPPROTO_UDP);
		put16(l4 + 6, c == 0 ? 0xffff : c);
	} else {
		put16(l4 + 16, 0);
		put16(l4 + 16, l4_csum(ip, l4, len, IPPROTO_TCP));
	}
}

/* Builds frame number seq of the chosen case into f; returns its length. */
static size_t build_frame(struct fg *g, uint8_t *f, uint32_t seq)
{
	uint8_t *ip = f + 14, *l4;
	size_t ihl = 20, l4len, iplen, flen;
	uint16_t sport = g->sport, frag = 0;
	uint32_t saddr = g->saddr;

	memset(f, 0, FRAME_MAX);
	memcpy(f, g->dmac, 6);
	memcpy(f + 6, g->smac, 6);
	put16(f + 12, ETHERTYPE_IP);
	if (g->c == FG_TRUNC_ETH)
		return 14;

	if (g->c == FG_SYN_FLOOD) {
		uint32_t host = (uint32_t)rng_next(g) & ~g->flood_mask;

		saddr = htonl(g->flood_net | host);
		sport = (uint16_t)(1024 + rng_next(g) % 64511);
	}
	if (g->c == FG_IP_OPTIONS) {
		ihl = 32;
		/* Record route: type 7, length 11, pointer 4, two empty
		 * slots; then NOP to fill the 32-bit word. */
		ip[20] = 7;
		ip[21] = 11;
		ip[22] = 4;
		ip[31] = 1;
	}
	l4 = ip + ihl;
	l4len = build_l4(g, l4, sport);

	ip[0] = (uint8_t)(4 << 4 | ihl / 4);
	ip[1] = 0;
	put16(ip + 4, (uint16_t)seq);
	ip[8] = 64;
	ip[9] = g->udp ? IPPROTO_UDP : IPPROTO_TCP;
	memcpy(ip + 12, &saddr, 4);
	memcpy(ip + 16, &g->daddr, 4);

	/* Header defects go in before the checksum, so that each case has
	 * only the defect it names. */
	switch (g->c) {
	case FG_TCP_DOFF_SHORT:
		l4[12] = 2 << 4;
		break;
	case FG_TCP_DOFF_LONG:
		l4[12] = 15 << 4;
		break;
	case FG_UDP_LEN_LONG:
		put16(l4 + 4, (uint16_t)(l4len + 100));
		break;
	case FG_UDP_LEN_SHORT:
		put16(l4 + 4, 4);
		break;
	default:
		break;
	}
	set_l4_csum(g, ip, l4, l4len);

	switch (g->c) {
	case FG_TRUNC_TCP:
		l4len = 10;
		break;
	case FG_TRUNC_UDP:
		l4len = 4;
		break;
	case FG_BAD_L4CSUM:
		if (g->udp)
			put16(l4 + 6, (uint16_t)(((l4[6] << 8) | l4[7]) ^ 0x5a5a));
		else
			put16(l4 + 16, (uint16_t)(((l4[16] << 8) | l4[17]) ^ 0x5a5a));
		break;
	case FG_FRAG_FIRST:
		frag = 0x2000;
		break;
	case FG_FRAG_MIDDLE:
	case FG_FRAG_LAST:
		/* A later fragment carries data only: payload bytes where the
		 * L4 header would be. */
		frag = (uint16_t)((g->c == FG_FRAG_MIDDLE ? 0x2000 : 0) | 185);
		memset(l4, 0xab, l4len);
		break;
	default:
		break;
	}
	put16(ip + 6, frag);
	iplen = ihl + l4len;
	flen = 14 + iplen;

	switch (g->c) {
	case FG_TRUNC_IP:
		put16(ip + 2, (uint16_t)iplen);
		flen = 14 + 12;
		break;
	case FG_LEN_LONG:
		put16(ip + 2, (uint16_t)(iplen + 100));
		break;
	case FG_LEN_SHORT:
		put16(ip + 2, (uint16_t)(ihl + 4));
		break;
	case FG_LEN_TINY:
		put16(ip + 2, 10);
		break;
	case FG_PAD:
		put16(ip + 2, (uint16_t)iplen);
		memset(f + flen, 0xee, 16);
		flen += 16;
		break;
	default:
		put16(ip + 2, (uint16_t)iplen);
		break;
	}
	if (g->c == FG_BAD_VERSION)
		ip[0] = (uint8_t)(6 << 4 | (ip[0] & 0x0f));
	if (g->c == FG_IHL_SHORT)
		ip[0] = 4 << 4 | 4;
	if (g->c == FG_IHL_LONG)
		ip[0] = 4 << 4 | 15;
	put16(ip + 10, 0);
	put16(ip + 10, csum_fold(csum_add(0, ip, ihl)));
	if (g->c == FG_BAD_IPCSUM)
		ip[10] ^= 0x5a;
	return flen;
}

static void hexdump(const uint8_t *f, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		printf("%02x%s", f[i], (i % 16 == 15 || i + 1 == len) ? "\n" : " ");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int iface_info(int fd, const char *ifname, int *ifindex, uint8_t mac[6],
    int want_mac, uint32_t *addr, int want_addr)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (strlen(ifname) >= sizeof(ifr.ifr_name)) {
		fprintf(stderr, "framegen: interface name too long\n");
		return -1;
	}
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
		fprintf(stderr, "framegen: %s: %s\n", ifname, strerror(errno));
		return -1;
	}
	*ifindex = ifr.ifr_ifindex;
	if (want_mac) {
		if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
			fprintf(stderr, "framegen: %s: no MAC: %s\n", ifname,
			    strerror(errno));
			return -1;
		}
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	}
	if (want_addr) {
		struct sockaddr_in sin;
		int ufd = socket(AF_INET, SOCK_DGRAM, 0);
		int rc = ufd < 0 ? -1 : ioctl(ufd, SIOCGIFADDR, &ifr);

		if (ufd >= 0)
			close(ufd);
		if (rc < 0) {
			fprintf(stderr, "framegen: %s has no IPv4 address; "
			    "give -s\n", ifname);
			return -1;
		}
		memcpy(&sin, &ifr.ifr_addr, sizeof(sin));
		*addr = sin.sin_addr.s_addr;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct fg g;
	const char *ifname = NULL, *case_name, *flood = "198.18.0.0/15";
	int have_dmac = 0, have_smac = 0, have_saddr = 0, have_sport = 0;
	int have_daddr = 0, have_dport = 0;
	long count = 1, pps = 0, secs = 30, sent = 0, errors = 0;
	uint64_t seed = 1;
	int c, fd, ifindex;
	size_t i;
	struct sockaddr_ll sll;
	uint8_t frame[FRAME_MAX];
	double start, end;

	memset(&g, 0, sizeof(g));
	g.tcp_flags = 0x02;
	while ((c = getopt(argc, argv, "i:D:S:d:p:s:P:uF:m:n:r:t:N:x:vlh")) != -1) {
		switch (c) {
		case 'i': ifname = optarg; break;
		case 'D':
			if (parse_mac(optarg, g.dmac) < 0)
				usage();
			have_dmac = 1;
			break;
		case 'S':
			if (parse_mac(optarg, g.smac) < 0)
				usage();
			have_smac = 1;
			break;
		case 'd':
			if (inet_pton(AF_INET, optarg, &g.daddr) != 1)
				usage();
			have_daddr = 1;
			break;
		case 's':
			if (inet_pton(AF_INET, optarg, &g.saddr) != 1)
				usage();
			have_saddr = 1;
			break;
		case 'p':
			g.dport = (uint16_t)strtoul(optarg, NULL, 10);
			have_dport = 1;
			break;
		case 'P':
			g.sport = (uint16_t)strtoul(optarg, NULL, 10);
			have_sport = 1;
			break;
		case 'u': g.udp = 1; break;
		case 'F':
			if (parse_flags(optarg, &g.tcp_flags) < 0)
				usage();
			break;
		case 'm': g.payload = optarg; break;
		case 'n': count = strtol(optarg, NULL, 10); break;
		case 'r': pps = strtol(optarg, NULL, 10); break;
		case 't': secs = strtol(optarg, NULL, 10); break;
		case 'N': flood = optarg; break;
		case 'x': seed = strtoull(optarg, NULL, 10); break;
		case 'v': g.verbose = 1; break;
		case 'l': list_cases(); break;
		default: usage();
		}
	}
	if (optind + 1 != argc || ifname == NULL || !have_dmac || !have_daddr ||
	    !have_dport || count < 1 || count > MAX_COUNT || pps < 0 ||
	    secs < 1 || secs > MAX_SECONDS ||
	    (g.payload != NULL && strlen(g.payload) > MAX_PAYLOAD))
		usage();
	case_name = argv[optind];
	for (i = 0; i < sizeof(fg_cases) / sizeof(fg_cases[0]); i++)
		if (strcmp(case_name, fg_cases[i].name) == 0)
			break;
	if (i == sizeof(fg_cases) / sizeof(fg_cases[0])) {
		fprintf(stderr, "framegen: unknown case %s (-l lists them)\n",
		    case_name);
		return 2;
	}
	g.c = fg_cases[i].c;
	if (case_is_udp(g.c))
		g.udp = 1;
	if (case_is_tcp(g.c) && g.udp) {
		fprintf(stderr, "framegen: case %s is TCP only\n", case_name);
		return 2;
	}
	if (parse_cidr(flood, &g.flood_net, &g.flood_mask) < 0) {
		fprintf(stderr, "framegen: bad -N %s\n", flood);
		return 2;
	}
	g.rng = seed ? seed : 1;
	if (!have_sport)
		g.sport = (uint16_t)(1024 + rng_next(&g) % 64511);

	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		fprintf(stderr, "framegen: AF_PACKET socket: %s\n", strerror(errno));
		return 1;
	}
	if (iface_info(fd, ifname, &ifindex, g.smac, !have_smac, &g.saddr,
	    !have_saddr) < 0)
		return 1;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = ifindex;
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, g.dmac, 6);

	start = now_s();
	end = start + (double)secs;
	for (sent = 0; sent < count; ) {
		size_t len = build_frame(&g, frame, (uint32_t)sent);
		double t = now_s();

		if (t >= end)
			break;
		if (pps > 0) {
			double due = start + (double)sent / (double)pps;

			if (due > t) {
				struct timespec ts;
				double d = due - t;

				ts.tv_sec = (time_t)d;
				ts.tv_nsec = (long)((d - (double)ts.tv_sec) * 1e9);
				nanosleep(&ts, NULL);
			}
		}
		if (g.verbose)
			hexdump(frame, len);
		if (sendto(fd, frame, len, 0, (struct sockaddr *)&sll,
		    sizeof(sll)) < 0) {
			if (errno == ENOBUFS || errno == EAGAIN) {
				struct timespec ts = { 0, 100000 };

				nanosleep(&ts, NULL);
				continue;
			}
			if (++errors == 1)
				fprintf(stderr, "framegen: sendto: %s\n",
				    strerror(errno));
			if (errors > 100)
				break;
		}
		sent++;
	}
	close(fd);
	printf("framegen: %s: sent %ld of %ld frames in %.2f s\n", case_name,
	    sent - errors, count, now_s() - start);
	return errors > 0 ? 1 : 0;
}
