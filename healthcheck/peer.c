/* The control-socket client of tandem-checkd (see peer.h). */
#include "peer.h"
#include "ctlmsg.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#define PEER_RETRY_US	500000L
#define PEER_OUT_MAX	(16u << 20)	/* a peer that stops reading */

struct hc_peer {
	struct event_base	*base;
	struct bufferevent	*bev;
	struct event		*retry;
	struct sockaddr_un	 sun;
	char			 name[32];
	int			 up;
	int			 warned;	/* "cannot reach" said once */
	void			(*on_connect)(void *);
	void			*arg;
	uint64_t		 refused, connects;
};

static void peer_try(evutil_socket_t fd, short what, void *arg);

static void
peer_retry(struct hc_peer *p)
{
	struct timeval tv = { 0, PEER_RETRY_US };

	if (p->bev)
		bufferevent_free(p->bev);
	p->bev = NULL;
	if (p->up)
		log_warnx("%s went away; reconnecting", p->name);
	p->up = 0;
	evtimer_add(p->retry, &tv);
}

static void
peer_read(struct bufferevent *bev, void *arg)
{
	struct hc_peer *p = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t hb[CTL_HDR_LEN];
	struct ctl_hdr h;

	while (evbuffer_get_length(in) >= CTL_HDR_LEN) {
		evbuffer_copyout(in, hb, sizeof(hb));
		if (ctl_hdr_decode(hb, sizeof(hb), &h) == -1) {
			log_warnx("%s: bad reply frame", p->name);
			peer_retry(p);
			return;
		}
		if (evbuffer_get_length(in) < CTL_HDR_LEN + (size_t)h.len)
			return;
		evbuffer_drain(in, CTL_HDR_LEN);
		char *body = malloc((size_t)h.len + 1);
		if (body == NULL) {
			peer_retry(p);
			return;
		}
		evbuffer_remove(in, body, h.len);
		body[h.len] = '\0';
		json_object *r = json_tokener_parse(body), *ok, *err;
		free(body);
		if (r == NULL || !json_object_object_get_ex(r, "ok", &ok) ||
		    !json_object_get_boolean(ok)) {
			p->refused++;
			log_warnx("%s refused an update: %s", p->name,
			    r && json_object_object_get_ex(r, "error", &err) ?
			    json_object_get_string(err) : "bad reply");
		}
		json_object_put(r);
	}
}

static void
peer_event(struct bufferevent *bev, short what, void *arg)
{
	struct hc_peer *p = arg;

	if (what & BEV_EVENT_CONNECTED) {
		p->up = 1;
		p->warned = 0;
		p->connects++;
		log_info("connected to %s", p->name);
		if (p->on_connect)
			p->on_connect(p->arg);
		return;
	}
	if (!p->up && !p->warned) {
		log_info("cannot reach %s at %s yet; retrying", p->name,
		    p->sun.sun_path);
		p->warned = 1;
	}
	peer_retry(p);
}

static void
peer_try(evutil_socket_t fd, short what, void *arg)
{
	struct hc_peer *p = arg;

	p->bev = bufferevent_socket_new(p->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (p->bev == NULL) {
		peer_retry(p);
		return;
	}
	bufferevent_setcb(p->bev, peer_read, NULL, peer_event, p);
	bufferevent_enable(p->bev, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(p->bev, (struct sockaddr *)&p->sun,
	    sizeof(p->sun)) == -1) {
		if (!p->warned) {
			log_info("cannot reach %s at %s yet; retrying",
			    p->name, p->sun.sun_path);
			p->warned = 1;
		}
		peer_retry(p);
	}
}

struct hc_peer *
hc_peer_new(struct event_base *base, const char *run_dir, const char *daemon,
    void (*on_connect)(void *), void *arg)
{
	struct hc_peer *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->base = base;
	p->on_connect = on_connect;
	p->arg = arg;
	snprintf(p->name, sizeof(p->name), "tandem-%s", daemon);
	p->sun.sun_family = AF_UNIX;
	if (ctl_socket_path(p->sun.sun_path, sizeof(p->sun.sun_path), run_dir,
	    daemon) == -1 || (p->retry = evtimer_new(base, peer_try, p)) == NULL) {
		free(p);
		return NULL;
	}
	peer_try(-1, 0, p);
	return p;
}

void
hc_peer_free(struct hc_peer *p)
{
	if (p == NULL)
		return;
	if (p->bev)
		bufferevent_free(p->bev);
	event_free(p->retry);
	free(p);
}

int
hc_peer_send(struct hc_peer *p, json_object *req)
{
	const char *s = json_object_to_json_string_ext(req,
	    JSON_C_TO_STRING_PLAIN);
	size_t len = strlen(s);
	struct ctl_hdr h = { CTL_REQUEST, 0, (uint32_t)len };
	uint8_t hb[CTL_HDR_LEN];

	if (!p->up || len > CTL_MAX_BODY)
		return -1;
	if (evbuffer_get_length(bufferevent_get_output(p->bev)) > PEER_OUT_MAX) {
		log_warnx("%s is not reading; reconnecting", p->name);
		peer_retry(p);
		return -1;
	}
	ctl_hdr_encode(hb, &h);
	if (bufferevent_write(p->bev, hb, sizeof(hb)) == -1 ||
	    bufferevent_write(p->bev, s, len) == -1)
		return -1;
	return 0;
}

int
hc_peer_up(const struct hc_peer *p)
{
	return p && p->up;
}

uint64_t
hc_peer_refused(const struct hc_peer *p)
{
	return p ? p->refused : 0;
}

uint64_t
hc_peer_connects(const struct hc_peer *p)
{
	return p ? p->connects : 0;
}
