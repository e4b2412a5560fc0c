/* Control-socket framing, the libevent server side and the blocking client
 * side. A frame is read only when whole; a bad header or an undecodable
 * body is refused, counted and the connection closed. */
#include "ctlmsg.h"
#include "conf.h"
#include "cursor.h"
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#define CTL_MAX_CLIENTS	64
#define CTL_OUT_HIWAT	(64u << 20)	/* a client that stops reading */

struct ctl_server {
	struct evconnlistener	*listener;
	ctl_handler		 handler;
	void			*arg;
	char			 path[108];
	int			 n_clients;
	uint64_t		 refused;
	const char *const	*ro_cmds;	/* read-only socket: what it serves */
};

struct ctl_client {
	struct ctl_server	*srv;
	struct bufferevent	*bev;
	int			 closing;	/* replies dropped: hang up */
	void			(*on_close)(struct ctl_client *, void *);
	void			*close_arg;
};

void
ctl_hdr_encode(uint8_t out[CTL_HDR_LEN], const struct ctl_hdr *h)
{
	put_be16(out, h->type);
	put_be16(out + 2, h->flags);
	put_be32(out + 4, h->len);
}

int
ctl_hdr_decode(const uint8_t *buf, size_t len, struct ctl_hdr *h)
{
	struct cursor c;

	cur_init(&c, buf, len);
	h->type = cur_be16(&c);
	h->flags = cur_be16(&c);
	h->len = cur_be32(&c);
	if (!cur_ok(&c) || h->type == 0 || h->type >= CTL_TYPE_MAX ||
	    h->len > CTL_MAX_BODY)
		return -1;
	return 0;
}

int
ctl_socket_path(char *buf, size_t len, const char *run_dir, const char *daemon)
{
	int n = snprintf(buf, len, "%s/%s.sock", run_dir, daemon);

	if (n < 0 || (size_t)n >= len || (size_t)n >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

json_object *
ctl_reply_ok(void)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "ok", json_object_new_boolean(1));
	return o;
}

json_object *
ctl_reply_error(const char *fmt, ...)
{
	json_object *o = json_object_new_object();
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "error", json_object_new_string(msg));
	return o;
}

json_object *
ctl_reply_refused(const char *path, const char *errors)
{
	json_object *r = json_object_new_object();
	char *msg = NULL;

	if (asprintf(&msg, "%s has errors; nothing changed:\n%s", path,
	    errors ? errors : "") == -1)
		msg = NULL;
	json_object_object_add(r, "ok", json_object_new_boolean(0));
	json_object_object_add(r, "error", json_object_new_string(msg ? msg :
	    "the configuration has errors; nothing changed"));
	free(msg);
	return r;
}

static void
client_free(struct ctl_client *cl)
{
	if (cl->on_close != NULL)
		cl->on_close(cl, cl->close_arg);
	cl->srv->n_clients--;
	bufferevent_free(cl->bev);
	free(cl);
}

int
ctl_client_send(struct ctl_client *cl, uint16_t type, uint16_t flags,
    json_object *body)
{
	const char *s = json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN);
	size_t len = strlen(s);
	struct ctl_hdr h = { type, flags, (uint32_t)len };
	uint8_t hdr[CTL_HDR_LEN];

	if (len > CTL_MAX_BODY) {
		log_warnx("control: reply of %zu bytes exceeds the frame limit", len);
		return -1;
	}
	/* Memory stays bounded when a client asks and does not read. */
	if (evbuffer_get_length(bufferevent_get_output(cl->bev)) +
	    len > CTL_OUT_HIWAT) {
		log_warnx("control: a client is not reading its replies; "
		    "hanging up");
		cl->closing = 1;
		return -1;
	}
	ctl_hdr_encode(hdr, &h);
	if (bufferevent_write(cl->bev, hdr, sizeof(hdr)) == -1 ||
	    bufferevent_write(cl->bev, s, len) == -1)
		return -1;
	return 0;
}

void
ctl_client_on_close(struct ctl_client *cl,
    void (*fn)(struct ctl_client *, void *), void *arg)
{
	cl->on_close = fn;
	cl->close_arg = arg;
}

size_t
ctl_client_pending(const struct ctl_client *cl)
{
	return evbuffer_get_length(bufferevent_get_output(cl->bev));
}

/* On a read-only socket, a reply refusing any command not listed; NULL
 * when the request may go to the handler. */
static json_object *
ro_refuse(struct ctl_server *srv, json_object *req)
{
	json_object *c;
	const char *cmd;

	if (srv->ro_cmds == NULL)
		return NULL;
	if (json_object_object_get_ex(req, "cmd", &c) &&
	    (cmd = json_object_get_string(c)) != NULL)
		for (const char *const *p = srv->ro_cmds; *p; p++)
			if (strcmp(*p, cmd) == 0)
				return NULL;
	srv->refused++;
	return ctl_reply_error("refused: this socket is read-only");
}

/* Take whole frames off the input buffer; refuse the client on any error. */
static void
client_read(struct bufferevent *bev, void *arg)
{
	struct ctl_client *cl = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t hdrbuf[CTL_HDR_LEN];
	struct ctl_hdr h;

	while (evbuffer_get_length(in) >= CTL_HDR_LEN) {
		evbuffer_copyout(in, hdrbuf, sizeof(hdrbuf));
		if (ctl_hdr_decode(hdrbuf, sizeof(hdrbuf), &h) == -1 ||
		    h.type != CTL_REQUEST) {
			log_warnx("control: refused a frame with type %u and "
			    "length %u", h.type, h.len);
			goto refuse;
		}
		if (evbuffer_get_length(in) < CTL_HDR_LEN + (size_t)h.len)
			return;	/* wait for the rest */
		evbuffer_drain(in, CTL_HDR_LEN);
		char *body = malloc((size_t)h.len + 1);
		if (body == NULL)
			goto refuse;
		evbuffer_remove(in, body, h.len);
		body[h.len] = '\0';
		json_tokener *tok = json_tokener_new_ex(32);
		json_object *req = tok ? json_tokener_parse_ex(tok, body, (int)h.len) : NULL;
		int whole = tok && json_tokener_get_error(tok) == json_tokener_success &&
		    json_tokener_get_parse_end(tok) == h.len;
		json_tokener_free(tok);
		free(body);
		if (req == NULL || !whole ||
		    !json_object_is_type(req, json_type_object)) {
			json_object_put(req);
			log_warnx("control: refused a request that is not a "
			    "JSON object");
			goto refuse;
		}
		json_object *reply = ro_refuse(cl->srv, req);
		if (reply == NULL)
			reply = cl->srv->handler(cl, req, cl->srv->arg);
		json_object_put(req);
		if (reply) {
			ctl_client_send(cl, CTL_REPLY, 0, reply);
			json_object_put(reply);
		}
		if (cl->closing) {
			client_free(cl);
			return;
		}
	}
	return;
refuse:
	cl->srv->refused++;
	client_free(cl);
}

static void
client_event(struct bufferevent *bev, short what, void *arg)
{
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		client_free(arg);
}

static void
client_write(struct bufferevent *bev, void *arg)
{
}

static void
server_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct ctl_server *srv = arg;
	struct ctl_client *cl;
	struct ucred cred;
	socklen_t len = sizeof(cred);

	/* Only root or our own user may talk to a daemon; anyone to its
	 * read-only socket. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1 ||
	    (srv->ro_cmds == NULL && cred.uid != 0 && cred.uid != geteuid())) {
		log_warnx("control: refused a connection from uid %u", cred.uid);
		srv->refused++;
		close(fd);
		return;
	}
	if (srv->n_clients >= CTL_MAX_CLIENTS ||
	    (cl = calloc(1, sizeof(*cl))) == NULL) {
		log_warnx("control: too many clients, refused one");
		srv->refused++;
		close(fd);
		return;
	}
	cl->srv = srv;
	cl->bev = bufferevent_socket_new(evconnlistener_get_base(l), fd,
	    BEV_OPT_CLOSE_ON_FREE);
	if (cl->bev == NULL) {
		close(fd);
		free(cl);
		return;
	}
	srv->n_clients++;
	bufferevent_setwatermark(cl->bev, EV_READ, 0, CTL_HDR_LEN + CTL_MAX_BODY);
	bufferevent_setcb(cl->bev, client_read, client_write, client_event, cl);
	bufferevent_enable(cl->bev, EV_READ | EV_WRITE);
}

struct ctl_server *
ctl_server_open(struct event_base *base, const char *path, ctl_handler handler,
    void *arg)
{
	struct ctl_server *srv;
	struct sockaddr_un sun;
	mode_t old;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_warnx("control: socket path %s is too long", path);
		return NULL;
	}
	if ((srv = calloc(1, sizeof(*srv))) == NULL)
		return NULL;
	srv->handler = handler;
	srv->arg = arg;
	snprintf(srv->path, sizeof(srv->path), "%s", path);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("control: socket");
		free(srv);
		return NULL;
	}
	unlink(path);
	old = umask(0077);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old);
		log_warn("control: bind %s", path);
		close(fd);
		free(srv);
		return NULL;
	}
	umask(old);
	chmod(path, 0600);
	srv->listener = evconnlistener_new(base, server_accept, srv,
	    LEV_OPT_CLOSE_ON_FREE, 16, fd);
	if (srv->listener == NULL) {
		log_warn("control: listen %s", path);
		close(fd);
		free(srv);
		return NULL;
	}
	return srv;
}

void
ctl_server_close(struct ctl_server *srv)
{
	if (srv == NULL)
		return;
	evconnlistener_free(srv->listener);
	unlink(srv->path);
	free(srv);
}

struct ctl_server *
ctl_server_open_ro(struct event_base *base, const char *path,
    ctl_handler handler, void *arg, const char *const *ro_cmds)
{
	struct ctl_server *srv = ctl_server_open(base, path, handler, arg);

	if (srv == NULL)
		return NULL;
	srv->ro_cmds = ro_cmds;
	if (chmod(path, 0666) == -1) {
		log_warn("control: chmod %s", path);
		ctl_server_close(srv);
		return NULL;
	}
	return srv;
}

int
ctl_client_readonly(const struct ctl_client *cl)
{
	return cl->srv->ro_cmds != NULL;
}

uint64_t
ctl_server_refused(const struct ctl_server *srv)
{
	return srv->refused;
}

static int connect_one(const char *run_dir, const char *daemon);

/* A caller the socket's mode refuses (not root) gets the daemon's
 * read-only socket, when node.monitor_socket made one. */
int
ctl_connect(const char *run_dir, const char *daemon)
{
	char ro[CONF_NAME_MAX];
	int fd = connect_one(run_dir, daemon);

	if (fd == -1 && errno == EACCES &&
	    (size_t)snprintf(ro, sizeof(ro), "%s.ro", daemon) < sizeof(ro) &&
	    (fd = connect_one(run_dir, ro)) == -1)
		errno = EACCES;
	return fd;
}

static int
connect_one(const char *run_dir, const char *daemon)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (ctl_socket_path(sun.sun_path, sizeof(sun.sun_path), run_dir, daemon) == -1)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int
read_full(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);
		if (n == 0) {
			errno = ECONNRESET;
			return -1;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
write_full(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
ctl_call(int fd, json_object *req, int (*on_reply)(json_object *, void *),
    void *arg)
{
	const char *s = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	struct ctl_hdr h = { CTL_REQUEST, 0, (uint32_t)strlen(s) };
	uint8_t hdr[CTL_HDR_LEN];

	ctl_hdr_encode(hdr, &h);
	if (write_full(fd, hdr, sizeof(hdr)) == -1 ||
	    write_full(fd, s, h.len) == -1)
		return -1;
	for (;;) {
		if (read_full(fd, hdr, sizeof(hdr)) == -1)
			return -1;
		if (ctl_hdr_decode(hdr, sizeof(hdr), &h) == -1 ||
		    h.type != CTL_REPLY) {
			errno = EPROTO;
			return -1;
		}
		char *body = malloc((size_t)h.len + 1);
		if (body == NULL)
			return -1;
		if (read_full(fd, body, h.len) == -1) {
			free(body);
			return -1;
		}
		body[h.len] = '\0';
		json_object *reply = json_tokener_parse(body);
		free(body);
		if (reply == NULL) {
			errno = EPROTO;
			return -1;
		}
		int rc = on_reply(reply, arg);
		json_object_put(reply);
		if (rc == -1)
			return -1;
		if (!(h.flags & CTL_F_MORE))
			return 0;
	}
}
