/* SMTP check: the greeting must be 220, HELO must get 250; then QUIT. */
#include "checkd.h"
#include "smtp_parse.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

static void
smtp_read(struct bufferevent *bev, void *arg)
{
	struct hc *h = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t len = evbuffer_get_length(in), used;
	char helo[CONF_STR_MAX + 16], host[256];
	int code, rc;

	rc = smtp_reply_parse(evbuffer_pullup(in, -1), len, &code, &used);
	if (rc == SMTP_MORE)
		return;
	if (rc == SMTP_BAD) {
		hc_done(h, 0, "not an SMTP reply");
		return;
	}
	evbuffer_drain(in, used);
	if (h->stage == 0) {
		if (code != 220) {
			hc_done(h, 0, "greeting %d, expected 220", code);
			return;
		}
		if (h->ck->helo_name[0])
			snprintf(host, sizeof(host), "%s", h->ck->helo_name);
		else if (gethostname(host, sizeof(host)) == -1)
			snprintf(host, sizeof(host), "localhost");
		host[sizeof(host) - 1] = '\0';
		snprintf(helo, sizeof(helo), "HELO %s\r\n", host);
		bufferevent_write(bev, helo, strlen(helo));
		h->stage = 1;
		h->phase = "waiting for the HELO reply";
		return;
	}
	if (code != 250) {
		hc_done(h, 0, "HELO answered %d, expected 250", code);
		return;
	}
	bufferevent_write(bev, "QUIT\r\n", 6);
	hc_done(h, 1, "greeting 220, HELO 250");
}

static void
smtp_event(struct bufferevent *bev, short what, void *arg)
{
	struct hc *h = arg;

	if (what & BEV_EVENT_CONNECTED) {
		bufferevent_setwatermark(bev, EV_READ, 0, 8192);
		h->phase = "waiting for the greeting";
		return;
	}
	hc_bev_error(h, what);
}

static int
smtp_start(struct hc *h)
{
	return hc_connect_bev(h, NULL, smtp_read, smtp_event);
}

static void
smtp_stop(struct hc *h)
{
	hc_close_bev(h);
}

const struct hc_type_ops hc_smtp_ops = { "smtp", smtp_start, smtp_stop, 0 };
