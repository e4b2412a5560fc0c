/* The poller: every poll_interval, one control request to each daemon's
 * socket in the run directory, sent and answered without ever blocking
 * the loop (a bufferevent per request). A daemon that is down, slow or
 * answers badly just has no reply in the model until it answers again. */
#include "snmpd.h"

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

/* A reply larger than this is refused: our daemons' replies are small,
 * and the buffer must stay bounded whatever a socket sends. */
#define POLL_MAX_REPLY	CTL_MAX_BODY
/* Pages of one reply (CTL_F_MORE): bounds what a daemon can make us hold. */
#define POLL_MAX_PAGES	32

struct poll_req {
	struct snmp_poller	*p;
	enum snmp_src		 src;
	struct bufferevent	*bev;
	json_object		*acc;		/* pages so far */
	int			 pages;
	int			 warned;	/* down: said once */
};

struct snmp_poller {
	struct snmpd	*d;
	struct event	*tick;
	struct poll_req	 req[SRC__MAX];
};

static const struct {
	const char *daemon, *cmd;
} srcs[SRC__MAX] = {
	[SRC_DIRECTOR] = { "director", "status" },
	[SRC_SERVICES] = { "director", "get_services" },
	[SRC_VRRPD] = { "vrrpd", "status" },
	[SRC_SYNCD] = { "syncd", "status" },
	[SRC_CHECKD] = { "checkd", "checks" },
};

static void
req_close(struct poll_req *r)
{
	if (r->bev != NULL) {
		bufferevent_free(r->bev);
		r->bev = NULL;
	}
	json_object_put(r->acc);
	r->acc = NULL;
	r->pages = 0;
}

/* The request failed: the daemon's rows go until it answers again. */
static void
req_fail(struct poll_req *r, const char *why)
{
	req_close(r);
	if (!r->warned)
		log_info("%s %s: %s", srcs[r->src].daemon, srcs[r->src].cmd,
		    why);
	r->warned = 1;
	snmpd_update(r->p->d, r->src, NULL);
}

int
snmp_poll_decode(const uint8_t *buf, size_t len, json_object **reply,
    int *more)
{
	struct ctl_hdr h;
	json_tokener *tok;
	json_object *o;

	*reply = NULL;
	*more = 0;
	if (len < CTL_HDR_LEN)
		return 0;
	if (ctl_hdr_decode(buf, CTL_HDR_LEN, &h) == -1 ||
	    h.type != CTL_REPLY || h.len > POLL_MAX_REPLY)
		return -1;
	if (len - CTL_HDR_LEN < (size_t)h.len)
		return 0;
	if ((tok = json_tokener_new()) == NULL)
		return -1;
	o = json_tokener_parse_ex(tok, (const char *)buf + CTL_HDR_LEN,
	    (int)h.len);
	/* Exactly one object, nothing after it. */
	if (o == NULL || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != (size_t)h.len ||
	    !json_object_is_type(o, json_type_object) ||
	    !snmp_jbool(o, "ok")) {
		json_object_put(o);
		json_tokener_free(tok);
		return -1;
	}
	json_tokener_free(tok);
	*reply = o;
	*more = (h.flags & CTL_F_MORE) != 0;
	return (int)(CTL_HDR_LEN + h.len);
}

void
snmp_poll_merge(json_object *acc, json_object *page)
{
	json_object_object_foreach(page, key, val) {
		json_object *have;

		if (json_object_is_type(val, json_type_array) &&
		    json_object_object_get_ex(acc, key, &have) &&
		    json_object_is_type(have, json_type_array)) {
			for (size_t i = 0; i < json_object_array_length(val);
			    i++)
				json_object_array_add(have, json_object_get(
				    json_object_array_get_idx(val, i)));
			continue;
		}
		json_object_object_add(acc, key, json_object_get(val));
	}
}

/* Whole frames only: the header, then the body once all of it is here;
 * the pages of one reply are merged before the model sees them. */
static void
on_read(struct bufferevent *bev, void *arg)
{
	struct poll_req *r = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	json_object *page, *reply;
	int rc, more;

	for (;;) {
		size_t len = evbuffer_get_length(in);

		rc = snmp_poll_decode(evbuffer_pullup(in, (ev_ssize_t)len),
		    len, &page, &more);
		if (rc == 0)
			return;
		if (rc < 0 || ++r->pages > POLL_MAX_PAGES) {
			json_object_put(page);
			req_fail(r, rc < 0 ? "malformed or refused reply" :
			    "too many pages");
			return;
		}
		evbuffer_drain(in, (size_t)rc);
		if (r->acc == NULL) {
			r->acc = page;
		} else {
			snmp_poll_merge(r->acc, page);
			json_object_put(page);
		}
		if (!more)
			break;
	}
	reply = r->acc;
	r->acc = NULL;
	req_close(r);
	if (r->warned)
		log_info("%s answers again", srcs[r->src].daemon);
	r->warned = 0;
	snmpd_update(r->p->d, r->src, reply);
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct poll_req *r = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED)
		return;
	req_fail(r, (what & BEV_EVENT_EOF) ? "closed" :
	    (what & BEV_EVENT_TIMEOUT) ? "no answer" : strerror(errno));
}

static struct timeval
interval(const struct snmpd *d)
{
	struct timeval tv;

	tv.tv_sec = (time_t)d->sc.poll_interval;
	tv.tv_usec = (suseconds_t)((d->sc.poll_interval - (double)tv.tv_sec) *
	    1e6);
	return tv;
}

static void
req_start(struct poll_req *r)
{
	struct snmpd *d = r->p->d;
	struct sockaddr_un sun;
	struct timeval tv;
	uint8_t hdr[CTL_HDR_LEN];
	char body[64];
	struct ctl_hdr h = { CTL_REQUEST, 0, 0 };

	if (r->bev != NULL) {		/* the last one never answered */
		req_fail(r, "no answer");
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (ctl_socket_path(sun.sun_path, sizeof(sun.sun_path), d->run_dir,
	    srcs[r->src].daemon) == -1)
		return;
	r->bev = bufferevent_socket_new(d->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (r->bev == NULL)
		return;
	bufferevent_setcb(r->bev, on_read, NULL, on_event, r);
	/* Neither way may grow without bound, nor wait forever. */
	bufferevent_setwatermark(r->bev, EV_READ, 0,
	    CTL_HDR_LEN + POLL_MAX_REPLY);
	tv = interval(d);
	bufferevent_set_timeouts(r->bev, &tv, &tv);
	bufferevent_enable(r->bev, EV_READ | EV_WRITE);
	h.len = (uint32_t)snprintf(body, sizeof(body), "{\"cmd\":\"%s\"}",
	    srcs[r->src].cmd);
	ctl_hdr_encode(hdr, &h);
	bufferevent_write(r->bev, hdr, sizeof(hdr));
	bufferevent_write(r->bev, body, h.len);
	if (bufferevent_socket_connect(r->bev, (struct sockaddr *)&sun,
	    sizeof(sun)) == -1)
		req_fail(r, strerror(errno));
}

static void
on_tick(evutil_socket_t fd, short ev, void *arg)
{
	struct snmp_poller *p = arg;

	(void)fd;
	(void)ev;
	for (int i = 0; i < SRC__MAX; i++)
		req_start(&p->req[i]);
}

struct snmp_poller *
snmp_poll_start(struct snmpd *d)
{
	struct snmp_poller *p = calloc(1, sizeof(*p));
	struct timeval tv;

	if (p == NULL)
		return NULL;
	p->d = d;
	for (int i = 0; i < SRC__MAX; i++) {
		p->req[i].p = p;
		p->req[i].src = (enum snmp_src)i;
	}
	tv = interval(d);
	p->tick = event_new(d->base, -1, EV_PERSIST, on_tick, p);
	if (p->tick == NULL || event_add(p->tick, &tv) == -1) {
		snmp_poll_stop(p);
		return NULL;
	}
	on_tick(-1, 0, p);
	return p;
}

void
snmp_poll_set_interval(struct snmp_poller *p)
{
	struct timeval tv;

	if (p == NULL)
		return;
	tv = interval(p->d);
	event_del(p->tick);
	event_add(p->tick, &tv);
}

void
snmp_poll_stop(struct snmp_poller *p)
{
	if (p == NULL)
		return;
	for (int i = 0; i < SRC__MAX; i++)
		req_close(&p->req[i]);
	if (p->tick != NULL)
		event_free(p->tick);
	free(p);
}
