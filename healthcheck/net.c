/* Sockets for the probes: the target's address, a non-blocking socket
 * bound to the check's source address, and a connecting bufferevent
 * (plain or TLS) whose errors become a check's reason. */
#include "checkd.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

int
hc_socket(struct hc *h, int type)
{
	const struct tnd_addr *src = &h->ck->bindto;
	struct sockaddr_storage ss;
	socklen_t sl = 0;
	int fd;

	fd = socket(h->addr.af, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		hc_done(h, 0, "socket: %s", strerror(errno));
		return -1;
	}
	if (src->af) {
		sl = addr_sockaddr(src, 0, 0, &ss);
		if (src->af != h->addr.af ||
		    bind(fd, (struct sockaddr *)&ss, sl) == -1) {
			int e = src->af != h->addr.af ? EAFNOSUPPORT : errno;
			close(fd);
			hc_done(h, 0, "bind to the source address: %s",
			    strerror(e));
			return -1;
		}
	}
	return fd;
}

int
hc_connect_bev(struct hc *h, SSL *ssl,
    void (*readcb)(struct bufferevent *, void *),
    void (*eventcb)(struct bufferevent *, short, void *))
{
	struct sockaddr_storage ss;
	socklen_t sl = 0;
	int fd;

	if ((fd = hc_socket(h, SOCK_STREAM)) == -1) {
		if (ssl)
			SSL_free(ssl);
		return -1;
	}
	sl = addr_sockaddr(&h->addr, h->port, 0, &ss);
	if (ssl) {
		h->bev = bufferevent_openssl_socket_new(h->d->base, fd, ssl,
		    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
		if (h->bev)
			bufferevent_openssl_set_allow_dirty_shutdown(h->bev, 1);
	} else
		h->bev = bufferevent_socket_new(h->d->base, fd,
		    BEV_OPT_CLOSE_ON_FREE);
	if (h->bev == NULL) {
		if (ssl)
			SSL_free(ssl);
		close(fd);
		hc_done(h, 0, "out of memory");
		return -1;
	}
	h->ssl = ssl;
	h->phase = "connecting";
	bufferevent_setcb(h->bev, readcb, NULL, eventcb, h);
	if (bufferevent_socket_connect(h->bev, (struct sockaddr *)&ss,
	    (int)sl) == -1) {
		int e = errno;
		hc_done(h, 0, "connect: %s", strerror(e ? e : ECONNREFUSED));
		return -1;
	}
	bufferevent_enable(h->bev, EV_READ | EV_WRITE);
	return 0;
}

void
hc_close_bev(struct hc *h)
{
	if (h->bev) {
		if (h->ssl) {
			/* A check does not wait for a TLS goodbye. */
			SSL_set_shutdown(h->ssl, SSL_RECEIVED_SHUTDOWN);
			SSL_shutdown(h->ssl);
		}
		bufferevent_free(h->bev);	/* frees the SSL too */
	}
	h->bev = NULL;
	h->ssl = NULL;
}

void
hc_bev_error(struct hc *h, short what)
{
	const char *stage = h->phase && strcmp(h->phase, "connecting") == 0 ?
	    "connect" : "read";
	unsigned long e;
	char buf[128];
	int err = EVUTIL_SOCKET_ERROR();

	if (h->ssl && (e = bufferevent_get_openssl_error(h->bev)) != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		hc_done(h, 0, "TLS: %s", buf);
	} else if (what & BEV_EVENT_EOF)
		hc_done(h, 0, "%s: closed by the server", stage);
	else
		hc_done(h, 0, "%s: %s", stage, strerror(err ? err : EIO));
}
