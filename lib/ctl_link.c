/* A daemon's non-blocking link to another daemon's control socket, inside
 * its libevent loop: framed JSON requests out, replies and events in,
 * reconnecting on its own while the peer is away. */
#include "ctl_link.h"

#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#define LINK_RETRY_MS	200
#define LINK_OUT_HIWAT	(16u << 20)

struct ctl_link {
	struct event_base	*base;
	struct bufferevent	*bev;
	struct event		*retry;
	char			 path[108];
	char			 name[32];
	ctl_link_msg_cb		 on_msg;
	ctl_link_state_cb	 on_state;
	void			*arg;
	int			 up;
	uint64_t		 refused;	/* malformed frames */
};

static void link_down(struct ctl_link *l);

static void
arm_retry(struct ctl_link *l)
{
	struct timeval tv = { 0, (suseconds_t)LINK_RETRY_MS * 1000 };

	evtimer_add(l->retry, &tv);
}

static void
on_read(struct bufferevent *bev, void *arg)
{
	struct ctl_link *l = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t hdr[CTL_HDR_LEN];
	struct ctl_hdr h;

	while (evbuffer_get_length(in) >= CTL_HDR_LEN) {
		evbuffer_copyout(in, hdr, sizeof(hdr));
		if (ctl_hdr_decode(hdr, sizeof(hdr), &h) == -1) {
			l->refused++;
			log_warnx("%s: bad frame header; reconnecting", l->name);
			link_down(l);
			return;
		}
		if (evbuffer_get_length(in) < CTL_HDR_LEN + (size_t)h.len)
			return;
		evbuffer_drain(in, CTL_HDR_LEN);
		char *body = malloc((size_t)h.len + 1);
		if (body == NULL) {
			link_down(l);
			return;
		}
		evbuffer_remove(in, body, h.len);
		body[h.len] = '\0';
		json_object *msg = json_tokener_parse(body);
		free(body);
		if (msg == NULL || !json_object_is_type(msg, json_type_object)) {
			l->refused++;
			json_object_put(msg);
			continue;
		}
		l->on_msg(l, h.type, msg, l->arg);
		json_object_put(msg);
		if (l->bev == NULL)	/* the callback dropped the link */
			return;
	}
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct ctl_link *l = arg;

	if (what & BEV_EVENT_CONNECTED)
		return;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		link_down(l);
}

static void
link_down(struct ctl_link *l)
{
	int was = l->up;

	if (l->bev != NULL)
		bufferevent_free(l->bev);
	l->bev = NULL;
	l->up = 0;
	arm_retry(l);
	if (was && l->on_state)
		l->on_state(l, 0, l->arg);
}

static void
try_connect(evutil_socket_t fd0, short ev, void *arg)
{
	struct ctl_link *l = arg;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	memcpy(sun.sun_path, l->path, sizeof(l->path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		/* A Unix socket connects at once or not at all. */
		if (fd != -1)
			close(fd);
		arm_retry(l);
		return;
	}
	l->bev = bufferevent_socket_new(l->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (l->bev == NULL) {
		close(fd);
		arm_retry(l);
		return;
	}
	bufferevent_setwatermark(l->bev, EV_READ, 0, CTL_HDR_LEN + CTL_MAX_BODY);
	bufferevent_setcb(l->bev, on_read, NULL, on_event, l);
	bufferevent_enable(l->bev, EV_READ | EV_WRITE);
	l->up = 1;
	if (l->on_state)
		l->on_state(l, 1, l->arg);
}

struct ctl_link *
ctl_link_new(struct event_base *base, const char *run_dir, const char *daemon,
    ctl_link_msg_cb on_msg, ctl_link_state_cb on_state, void *arg)
{
	struct ctl_link *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	if (ctl_socket_path(l->path, sizeof(l->path), run_dir, daemon) == -1 ||
	    (l->retry = evtimer_new(base, try_connect, l)) == NULL) {
		free(l);
		return NULL;
	}
	snprintf(l->name, sizeof(l->name), "%s link", daemon);
	l->base = base;
	l->on_msg = on_msg;
	l->on_state = on_state;
	l->arg = arg;
	try_connect(-1, 0, l);
	return l;
}

void
ctl_link_free(struct ctl_link *l)
{
	if (l == NULL)
		return;
	if (l->bev != NULL)
		bufferevent_free(l->bev);
	event_free(l->retry);
	free(l);
}

int
ctl_link_up(const struct ctl_link *l)
{
	return l != NULL && l->up;
}

void
ctl_link_reset(struct ctl_link *l)
{
	if (l->bev != NULL)
		link_down(l);
}

const char *
ctl_link_path(const struct ctl_link *l)
{
	return l->path;
}

size_t
ctl_link_pending(const struct ctl_link *l)
{
	return l->bev ? evbuffer_get_length(bufferevent_get_output(l->bev)) : 0;
}

uint64_t
ctl_link_refused(const struct ctl_link *l)
{
	return l ? l->refused : 0;
}

int
ctl_link_send(struct ctl_link *l, json_object *req)
{
	const char *s;
	size_t len;
	struct ctl_hdr h;
	uint8_t hdr[CTL_HDR_LEN];

	if (!l->up) {
		errno = ENOTCONN;
		return -1;
	}
	s = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	len = strlen(s);
	if (len > CTL_MAX_BODY || ctl_link_pending(l) + len > LINK_OUT_HIWAT) {
		errno = len > CTL_MAX_BODY ? EMSGSIZE : ENOBUFS;
		return -1;
	}
	h.type = CTL_REQUEST;
	h.flags = 0;
	h.len = (uint32_t)len;
	ctl_hdr_encode(hdr, &h);
	if (bufferevent_write(l->bev, hdr, sizeof(hdr)) == -1 ||
	    bufferevent_write(l->bev, s, len) == -1)
		return -1;
	return 0;
}
