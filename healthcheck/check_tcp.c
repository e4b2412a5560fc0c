/* TCP connect check: up when the three-way handshake completes. */
#include "checkd.h"

#include <event2/bufferevent.h>
#include <event2/event.h>

static void
tcp_event(struct bufferevent *bev, short what, void *arg)
{
	struct hc *h = arg;

	if (what & BEV_EVENT_CONNECTED)
		hc_done(h, 1, "connected");
	else
		hc_bev_error(h, what);
}

static int
tcp_start(struct hc *h)
{
	return hc_connect_bev(h, NULL, NULL, tcp_event);
}

static void
tcp_stop(struct hc *h)
{
	hc_close_bev(h);
}

const struct hc_type_ops hc_tcp_ops = { "tcp", tcp_start, tcp_stop, 0 };
