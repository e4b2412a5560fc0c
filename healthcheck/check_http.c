/* HTTP and HTTPS GET checks: one request per attempt (Connection: close),
 * the response read up to max_response bytes, then its status, body
 * digest and regex checked (http_parse.c). HTTPS goes through an OpenSSL
 * bufferevent with SNI, verifying the certificate when asked. */
#include "checkd.h"
#include "http_parse.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <openssl/ssl.h>

static void
http_finish(struct hc *h, int eof)
{
	struct evbuffer *in = bufferevent_get_input(h->bev);
	size_t len = evbuffer_get_length(in);
	struct http_resp r;
	char why[HC_REASON_MAX];
	int rc;

	if (len > (size_t)h->ck->max_response) {
		hc_done(h, 0, "response larger than %u bytes",
		    h->ck->max_response);
		return;
	}
	const uint8_t *buf = len ? evbuffer_pullup(in, -1) : (const uint8_t *)"";
	rc = http_resp_parse(buf, len, eof, &r, why, sizeof(why));
	if (rc == HTTP_MORE) {
		h->phase = "reading the response";
		return;
	}
	if (rc == HTTP_BAD) {
		hc_done(h, 0, "%s", why);
		return;
	}
	int ok = http_resp_match(&r, h->ck->status, h->ck->n_status,
	    h->ck->digest, h->regex, why, sizeof(why));
	http_resp_free(&r);
	hc_done(h, ok, "%s", why);
}

static void
http_read(struct bufferevent *bev, void *arg)
{
	http_finish(arg, 0);
}

static void
http_event(struct bufferevent *bev, short what, void *arg)
{
	struct hc *h = arg;
	char req[1024], a[ADDR_STRLEN], host[ADDR_STRLEN + 8];
	int n, v6 = h->addr.af == AF_INET6;

	if (what & BEV_EVENT_CONNECTED) {
		/* Host: the virtual host, else the address being checked. */
		snprintf(host, sizeof(host), "%s%s%s", v6 ? "[" : "",
		    addr_str(&h->addr, a, sizeof(a)), v6 ? "]" : "");
		n = http_request(req, sizeof(req), h->ck->path,
		    h->ck->virtualhost[0] ? h->ck->virtualhost : host);
		if (n < 0) {
			hc_done(h, 0, "request too long");
			return;
		}
		bufferevent_write(bev, req, (size_t)n);
		/* Read at most one byte past the limit: then it is too big. */
		bufferevent_setwatermark(bev, EV_READ, 0,
		    (size_t)h->ck->max_response + 1);
		h->phase = "waiting for the response";
		return;
	}
	if ((what & BEV_EVENT_EOF) && h->phase &&
	    strcmp(h->phase, "connecting") != 0) {
		http_finish(h, 1);
		return;
	}
	hc_bev_error(h, what);
}

static int
http_start(struct hc *h)
{
	return hc_connect_bev(h, NULL, http_read, http_event);
}

static int
https_start(struct hc *h)
{
	const char *name = h->ck->sni[0] ? h->ck->sni : h->ck->virtualhost;
	SSL *ssl = SSL_new(h->tls ? h->tls : h->d->tls);

	if (ssl == NULL) {
		hc_done(h, 0, "TLS: cannot make a session");
		return -1;
	}
	if (name[0])
		SSL_set_tlsext_host_name(ssl, name);
	if (h->ck->tls_verify && name[0])
		SSL_set1_host(ssl, name);
	return hc_connect_bev(h, ssl, http_read, http_event);
}

static void
http_stop(struct hc *h)
{
	hc_close_bev(h);
}

const struct hc_type_ops hc_http_ops = { "http", http_start, http_stop, 0 };
const struct hc_type_ops hc_https_ops = { "https", https_start, http_stop, 0 };
