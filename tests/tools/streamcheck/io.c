/* streamcheck's per-socket I/O: the byte pattern, TCP streams (connect,
 * send, verify, half-close), UDP flows and the short connections. */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sc.h"

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

void sc_close(struct sc_stream *s, int state)
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

void sc_stream_start(struct sc *sc, struct sc_stream *s, int64_t now)
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
void sc_stream_send(struct sc *sc, struct sc_stream *s, int64_t now)
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
void sc_stream_finish(struct sc *sc, struct sc_stream *s)
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

void sc_rearm(struct sc *sc, struct sc_stream *s)
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

void sc_stream_read(struct sc *sc, struct sc_stream *s, int64_t now)
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

void sc_stream_connected(struct sc *sc, struct sc_stream *s)
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

void sc_udp_send(struct sc *sc, struct sc_stream *s, int64_t now)
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
void sc_udp_read(struct sc *sc, struct sc_stream *s, int64_t now)
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

void sc_short_end(struct sc *sc, struct sc_short *h, int ok, int64_t now)
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

void sc_short_start(struct sc *sc, int64_t now)
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

void sc_short_event(struct sc *sc, struct sc_short *h, int64_t now)
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
