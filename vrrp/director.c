/* The director client: own/release requests and a periodic `status` poll
 * on tandem-director's control socket, without blocking the loop (one
 * bufferevent, one request in flight, a timeout on each). The poll is the
 * director's liveness for tracking: `director_fall` missed answers in a
 * row and the director counts as gone. */
#include "vrrpd.h"

#include "ctlmsg.h"
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

#define DIR_QUEUE	128

struct vrrp_dir {
	struct vrrpd		*d;
	struct bufferevent	*bev;
	struct event		*tick;
	char			*queue[DIR_QUEUE];	/* request bodies */
	int			 head, n;
	int			 inflight;	/* 1: queue[head]; 2: poll */
	uint64_t		 sent_at;
	uint64_t		 ticked_at;	/* the last dir_tick */
	int			 fails;
};

static void dir_pump(struct vrrp_dir *dir);

static void
dir_set_alive(struct vrrp_dir *dir, int alive)
{
	struct vrrpd *d = dir->d;

	if (d->dir_alive == alive)
		return;
	d->dir_alive = alive;
	log_info("director %s", alive ? "answers" : "is gone or stuck");
	vrrp_inst_track_all(d);
}

static void
dir_fail(struct vrrp_dir *dir)
{
	if (dir->bev) {
		bufferevent_free(dir->bev);
		dir->bev = NULL;
	}
	dir->inflight = 0;
	if (++dir->fails >= dir->d->vc.director_fall)
		dir_set_alive(dir, 0);
}

static void
dir_push(struct vrrp_dir *dir, json_object *req)
{
	const char *s = json_object_to_json_string_ext(req,
	    JSON_C_TO_STRING_PLAIN);

	if (dir->n == DIR_QUEUE) {
		log_warnx("director: request queue full, dropped one");
		json_object_put(req);
		return;
	}
	dir->queue[(dir->head + dir->n++) % DIR_QUEUE] = strdup(s);
	json_object_put(req);
	dir_pump(dir);
}

static json_object *
req_new(const char *cmd, const struct vrrp_inst *vi)
{
	json_object *r = json_object_new_object();

	json_object_object_add(r, "cmd", json_object_new_string(cmd));
	if (vi)
		json_object_object_add(r, "instance",
		    json_object_new_string(vi->conf->name));
	return r;
}

/* How long the director keeps what we own without hearing from us: three
 * polls and a timeout. A dead or frozen vrrpd then stops owning the VIPs
 * about when the peer's Master_Down_Interval makes it master. */
static int64_t
lease_ms(const struct vrrp_dir *dir)
{
	return (int64_t)((3 * dir->d->vc.director_interval +
	    dir->d->vc.director_timeout) * 1000);
}

void
vrrp_dir_own(struct vrrp_dir *dir, const struct vrrp_inst *vi)
{
	json_object *r = req_new("own", vi), *v = json_object_new_array();
	char a[ADDR_STRLEN], buf[ADDR_STRLEN + 8];

	json_object_object_add(r, "vrid", json_object_new_int(vi->conf->vrid));
	json_object_object_add(r, "interface",
	    json_object_new_string(vi->conf->interface));
	for (int i = 0; i < vi->conf->n_vips; i++) {
		snprintf(buf, sizeof(buf), "%s/%d", addr_str(
		    &vi->conf->vips[i].addr, a, sizeof(a)),
		    vi->conf->vips[i].prefix);
		json_object_array_add(v, json_object_new_string(buf));
	}
	json_object_object_add(r, "vips", v);
	json_object_object_add(r, "accept",
	    json_object_new_boolean(vi->conf->accept));
	json_object_object_add(r, "lease_ms", json_object_new_int64(lease_ms(dir)));
	dir_push(dir, r);
}

void
vrrp_dir_release(struct vrrp_dir *dir, const struct vrrp_inst *vi)
{
	dir_push(dir, req_new("release", vi));
}

static int
dir_send(struct vrrp_dir *dir, const char *body)
{
	struct ctl_hdr h = { CTL_REQUEST, 0, (uint32_t)strlen(body) };
	uint8_t hdr[CTL_HDR_LEN];

	ctl_hdr_encode(hdr, &h);
	dir->sent_at = vrrp_now();
	return bufferevent_write(dir->bev, hdr, sizeof(hdr)) == 0 &&
	    bufferevent_write(dir->bev, body, h.len) == 0 ? 0 : -1;
}

static void
dir_reply(struct vrrp_dir *dir, json_object *reply)
{
	json_object *ok, *err;

	if (dir->inflight == 1) {
		const char *why = json_object_object_get_ex(reply, "error",
		    &err) ? json_object_get_string(err) : "?";
		if (json_object_object_get_ex(reply, "ok", &ok) &&
		    json_object_get_boolean(ok))
			;
		else if (strstr(dir->queue[dir->head], "\"release\"") &&
		    strcmp(why, "no such instance") == 0)
			/* A release of what it did not own: the normal
			 * answer to the resync after a (re)connection. */
			log_debug("director: %s: %s", dir->queue[dir->head],
			    why);
		else
			log_warnx("director refused %s: %s",
			    dir->queue[dir->head], why);
		free(dir->queue[dir->head]);
		dir->queue[dir->head] = NULL;
		dir->head = (dir->head + 1) % DIR_QUEUE;
		dir->n--;
	}
	dir->inflight = 0;
	dir->fails = 0;
	dir_set_alive(dir, 1);
}

static void
dir_read(struct bufferevent *bev, void *arg)
{
	struct vrrp_dir *dir = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t hb[CTL_HDR_LEN];
	struct ctl_hdr h;

	vrrp_hold_wake(dir->d);
	while (evbuffer_get_length(in) >= CTL_HDR_LEN) {
		evbuffer_copyout(in, hb, sizeof(hb));
		if (ctl_hdr_decode(hb, sizeof(hb), &h) == -1 ||
		    h.type != CTL_REPLY || h.len > 65536) {
			log_warnx("director: bad reply frame");
			dir_fail(dir);
			return;
		}
		if (evbuffer_get_length(in) < CTL_HDR_LEN + h.len)
			return;
		evbuffer_drain(in, CTL_HDR_LEN);
		char *body = malloc(h.len + 1);
		if (body == NULL) {
			dir_fail(dir);
			return;
		}
		evbuffer_remove(in, body, h.len);
		body[h.len] = '\0';
		json_object *r = json_tokener_parse(body);
		free(body);
		if (r == NULL || dir->inflight == 0) {
			json_object_put(r);
			log_warnx("director: unexpected reply");
			dir_fail(dir);
			return;
		}
		dir_reply(dir, r);
		json_object_put(r);
	}
	dir_pump(dir);
}

static void
dir_event(struct bufferevent *bev, short what, void *arg)
{
	struct vrrp_dir *dir = arg;

	vrrp_hold_wake(dir->d);
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		if (dir->fails == 0)
			log_warnx("director: connection lost");
		dir_fail(dir);
	}
}

static int
dir_connect(struct vrrp_dir *dir)
{
	int fd = ctl_connect(dir->d->run_dir, "director");

	if (fd == -1)
		return -1;
	evutil_make_socket_nonblocking(fd);
	dir->bev = bufferevent_socket_new(dir->d->base, fd,
	    BEV_OPT_CLOSE_ON_FREE);
	if (dir->bev == NULL) {
		close(fd);
		return -1;
	}
	bufferevent_setcb(dir->bev, dir_read, NULL, dir_event, dir);
	bufferevent_enable(dir->bev, EV_READ | EV_WRITE);
	if (dir->fails == 0)
		log_info("director: connected");
	else
		log_debug("director: connected again");
	/* A director that restarted owns nothing; one that we lost for a
	 * while may own too much: tell it every instance's state again. */
	for (; dir->n; dir->n--) {
		free(dir->queue[dir->head]);
		dir->head = (dir->head + 1) % DIR_QUEUE;
	}
	dir->head = 0;
	vrrp_inst_resync_director(dir->d);
	return 0;
}

/* Send the next queued request when nothing is in flight. */
static void
dir_pump(struct vrrp_dir *dir)
{
	if (dir->inflight || dir->n == 0 || dir->bev == NULL)
		return;
	dir->inflight = 1;
	if (dir_send(dir, dir->queue[dir->head]) == -1)
		dir_fail(dir);
}

static void
dir_tick(evutil_socket_t fd, short ev, void *arg)
{
	struct vrrp_dir *dir = arg;
	uint64_t tmo = (uint64_t)(dir->d->vc.director_timeout * 1e6);
	uint64_t iv = (uint64_t)(dir->d->vc.director_interval * 1e6);
	uint64_t now = vrrp_now();

	vrrp_hold_wake(dir->d);
	/* A tick this late means our own loop stood still (a freeze): the
	 * answer may be waiting unread, so it is not the director's miss. */
	if (dir->inflight && dir->ticked_at && now - dir->ticked_at > iv + tmo) {
		log_debug("director: our loop stood still, poll timer restarted");
		dir->sent_at = now;
	}
	dir->ticked_at = now;
	if (dir->inflight && now - dir->sent_at >= tmo) {
		if (dir->fails == 0)	/* once per outage, not per tick */
			log_warnx("director: no answer in %.2f s",
			    dir->d->vc.director_timeout);
		dir_fail(dir);
	}
	if (dir->bev == NULL && dir_connect(dir) == -1) {
		dir_fail(dir);
		return;
	}
	if (dir->inflight == 0 && dir->n == 0) {
		char poll[64];
		/* The poll also renews the lease of what we own. */
		snprintf(poll, sizeof(poll), "{\"cmd\":\"status\",\"renew_ms\":%lld}",
		    (long long)lease_ms(dir));
		dir->inflight = 2;
		if (dir_send(dir, poll) == -1)
			dir_fail(dir);
	}
	dir_pump(dir);
}

struct vrrp_dir *
vrrp_dir_open(struct vrrpd *d)
{
	struct vrrp_dir *dir = calloc(1, sizeof(*dir));
	struct timeval tv;
	double iv = d->vc.director_interval;

	if (dir == NULL)
		return NULL;
	dir->d = d;
	dir->tick = event_new(d->base, -1, EV_PERSIST, dir_tick, dir);
	if (dir->tick == NULL) {
		free(dir);
		return NULL;
	}
	tv.tv_sec = (time_t)iv;
	tv.tv_usec = (suseconds_t)((iv - (double)tv.tv_sec) * 1e6);
	event_add(dir->tick, &tv);
	d->dir = dir;
	if (dir_connect(dir) == 0)
		d->dir_alive = 1;
	return dir;
}

/* At shutdown: push the queued releases out, waiting a bounded time. */
void
vrrp_dir_flush(struct vrrp_dir *dir)
{
	uint64_t end = vrrp_now() + (uint64_t)(dir->d->vc.director_timeout *
	    1e6);

	while (dir->bev && (dir->n || dir->inflight) && vrrp_now() < end)
		event_base_loop(dir->d->base, EVLOOP_ONCE);
}

void
vrrp_dir_close(struct vrrp_dir *dir)
{
	if (dir == NULL)
		return;
	if (dir->bev)
		bufferevent_free(dir->bev);
	event_free(dir->tick);
	for (int i = 0; i < DIR_QUEUE; i++)
		free(dir->queue[i]);
	free(dir);
}
