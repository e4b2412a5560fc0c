/* syncsend: encode a fixed, numbered set of connections with Tandem's sync
 * encoder and send the datagrams as UDP multicast (TTL 1 by default); print
 * for each datagram what tshark's ipvs dissector should show, one line of
 * tab-separated field lists. For tests/integration/test_sync_wire.sh.
 *
 *   syncsend -i IFNAME [-g GROUP] [-p PORT] [-t TTL] [-s SYNCID]
 *            [-n COUNT] [-6] [-q] [-k KEYFILE] [-m MAXLEN]
 *
 * -q gives every fourth entry (1, 5, 9, ...) a sequence-data option. */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sync_auth.h"
#include "sync_wire.h"

struct sender {
	int		 fd;
	struct sockaddr_in to;
	struct sync_key	 key;
	int		 auth;
	uint64_t	 seq;
	/* what went into the current datagram, for the expected lines */
	char		 proto[2048], cport[2048], vport[2048], dport[2048];
	char		 caddr[8192], vaddr[8192], daddr[8192];
	char		 state[2048], timeout[2048], fwmark[2048];
};

static void
append(char *list, size_t cap, const char *v)
{
	size_t n = strlen(list);

	snprintf(list + n, cap - n, "%s%s", n ? "," : "", v);
}

static void
note(struct sender *s, const struct sync_conn *c)
{
	char b[64];

#define ADD(f, fmt, v) do { snprintf(b, sizeof(b), fmt, v); \
	append(s->f, sizeof(s->f), b); } while (0)
	ADD(proto, "0x%02x", c->proto);	/* as tshark prints them */
	ADD(cport, "%u", c->cport);
	ADD(vport, "%u", c->vport);
	ADD(dport, "%u", c->dport);
	ADD(state, "0x%04x", c->state);
	ADD(timeout, "%u", c->timeout);
	ADD(fwmark, "0x%08x", c->fwmark);
#undef ADD
	append(s->caddr, sizeof(s->caddr), addr_str(&c->caddr, b, sizeof(b)));
	append(s->vaddr, sizeof(s->vaddr), addr_str(&c->vaddr, b, sizeof(b)));
	append(s->daddr, sizeof(s->daddr), addr_str(&c->daddr, b, sizeof(b)));
}

static void
flush(struct sender *s, struct sync_enc *e)
{
	size_t hoff = 0;
	int len = sync_enc_finish(e, s->seq++, &hoff);

	if (len < 0)
		return;
	if (s->auth && sync_auth_sign(&s->key, e->buf, (size_t)len, hoff) == -1) {
		fprintf(stderr, "syncsend: HMAC failed\n");
		exit(1);
	}
	if (sendto(s->fd, e->buf, (size_t)len, 0, (struct sockaddr *)&s->to,
	    sizeof(s->to)) != len) {
		perror("syncsend: sendto");
		exit(1);
	}
	printf("%u\t%u\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
	    e->syncid, e->nconns, len, s->proto, s->cport, s->vport,
	    s->dport, s->caddr, s->vaddr, s->daddr, s->state, s->timeout,
	    s->fwmark);
	s->proto[0] = s->cport[0] = s->vport[0] = s->dport[0] = '\0';
	s->caddr[0] = s->vaddr[0] = s->daddr[0] = '\0';
	s->state[0] = s->timeout[0] = s->fwmark[0] = '\0';
}

/* Connection i: numbered so a lost or reordered entry shows. */
static void
make_conn(struct sync_conn *c, int i, int v6, int seq)
{
	char a[64];

	memset(c, 0, sizeof(*c));
	c->af = v6 ? AF_INET6 : AF_INET;
	c->proto = i % 5 == 4 ? 17 : 6;
	c->state = c->proto == 6 ? 1 : 0;
	c->cport = (uint16_t)(40000 + i);
	c->vport = 80;
	c->dport = (uint16_t)(8080 + i % 3);
	c->fwmark = (uint32_t)(i % 7 == 6 ? 42 : 0);
	c->timeout = (uint32_t)(900 + i);
	if (v6) {
		snprintf(a, sizeof(a), "2001:db8::%x", 0x10 + i);
		addr_parse(a, &c->caddr);
		addr_parse("2001:db8:1::1", &c->vaddr);
		snprintf(a, sizeof(a), "2001:db8:2::%x", 2 + i % 3);
		addr_parse(a, &c->daddr);
	} else {
		snprintf(a, sizeof(a), "192.0.%d.%d", 2 + i / 200, 10 + i % 200);
		addr_parse(a, &c->caddr);
		addr_parse("198.51.100.1", &c->vaddr);
		snprintf(a, sizeof(a), "10.0.0.%d", 2 + i % 3);
		addr_parse(a, &c->daddr);
	}
	if (seq && i % 4 == 1) {
		c->has_seq = 1;
		c->flags = SYNC_CF_IN_SEQ | SYNC_CF_OUT_SEQ;
		c->in_seq = (struct sync_seq){ (uint32_t)i, 1, 0 };
		c->out_seq = (struct sync_seq){ (uint32_t)i * 2, 2, 1 };
	}
}

int
main(int argc, char **argv)
{
	static uint8_t buf[SYNC_MAXLEN_MAX];
	static struct sender s;
	const char *ifname = NULL, *group = SYNC_GROUP, *keyfile = NULL;
	struct ip_mreqn mr;
	struct sync_enc e;
	struct sync_conn c;
	int opt, port = SYNC_PORT, ttl = 1, syncid = 1, count = 10, v6 = 0;
	int seq = 0;
	size_t maxlen = SYNC_MAXLEN_V4;
	int i, r;

	while ((opt = getopt(argc, argv, "i:g:p:t:s:n:6qk:m:")) != -1) {
		switch (opt) {
		case 'i': ifname = optarg; break;
		case 'g': group = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 't': ttl = atoi(optarg); break;
		case 's': syncid = atoi(optarg); break;
		case 'n': count = atoi(optarg); break;
		case '6': v6 = 1; break;
		case 'q': seq = 1; break;
		case 'k': keyfile = optarg; break;
		case 'm': maxlen = (size_t)atol(optarg); break;
		default:
			fprintf(stderr, "usage: syncsend -i IFNAME [-g GROUP] "
			    "[-p PORT] [-t TTL] [-s SYNCID] [-n COUNT] [-6] [-q] "
			    "[-k KEYFILE] [-m MAXLEN]\n");
			return 2;
		}
	}
	if (ifname == NULL || count < 1 || count > 100000 ||
	    maxlen < SYNC_MAXLEN_MIN || maxlen > sizeof(buf))
		return 2;
	if (keyfile != NULL) {
		if (sync_auth_load(&s.key, keyfile) == -1)
			return 1;
		s.auth = 1;
	}
	s.seq = 1;
	s.fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&mr, 0, sizeof(mr));
	mr.imr_ifindex = (int)if_nametoindex(ifname);
	if (s.fd == -1 || mr.imr_ifindex == 0 ||
	    setsockopt(s.fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) ||
	    setsockopt(s.fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl))) {
		perror("syncsend: socket");
		return 1;
	}
	s.to.sin_family = AF_INET;
	s.to.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, group, &s.to.sin_addr) != 1)
		return 2;
	sync_enc_init(&e, buf, maxlen, (uint8_t)syncid, s.auth);
	for (i = 0; i < count; i++) {
		make_conn(&c, i, v6, seq);
		r = sync_enc_add(&e, &c);
		if (r == 1) {
			flush(&s, &e);
			sync_enc_init(&e, buf, maxlen, (uint8_t)syncid, s.auth);
			r = sync_enc_add(&e, &c);
		}
		if (r != 0) {
			fprintf(stderr, "syncsend: entry %d does not fit\n", i);
			return 1;
		}
		note(&s, &c);
	}
	flush(&s, &e);
	close(s.fd);
	return 0;
}
