/* The metrics endpoint (libevent's evhttp): GET /metrics in Prometheus
 * text format, GET /status as JSON. Everything else is refused and
 * counted: other methods (405), bodies (413), long headers (431/400),
 * unknown or malformed targets (404/400). Loopback by default. */
#include "snmpd.h"

#include "log.h"

#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <event2/util.h>

#define HTTP_MAX_TARGET		256	/* bytes of request target */
#define HTTP_MAX_HEADERS	8192	/* bytes of request headers */
#define HTTP_TIMEOUT_S		10

struct snmp_http {
	struct snmpd		*d;
	struct evhttp		*http;
	uint64_t		 refused;
};

enum snmp_route
snmp_http_route(const char *uri)
{
	size_t plen;
	const char *q;

	if (uri == NULL || strnlen(uri, HTTP_MAX_TARGET + 1) > HTTP_MAX_TARGET)
		return ROUTE_BAD;
	for (const char *p = uri; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return ROUTE_BAD;
	if (uri[0] != '/')
		return ROUTE_BAD;
	q = strchr(uri, '?');
	plen = q ? (size_t)(q - uri) : strlen(uri);
	if (q != NULL && strchr(q + 1, '#') != NULL)
		return ROUTE_BAD;	/* a fragment is never sent */
	if (plen == 8 && strncmp(uri, "/metrics", 8) == 0)
		return ROUTE_METRICS;
	if (plen == 7 && strncmp(uri, "/status", 7) == 0)
		return ROUTE_STATUS;
	return ROUTE_NONE;
}

static void
reply_text(struct evhttp_request *req, int code, const char *reason,
    const char *ctype, const char *body, size_t len)
{
	struct evbuffer *b = evbuffer_new();

	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", ctype);
	if (b != NULL && len)
		evbuffer_add(b, body, len);
	evhttp_send_reply(req, code, reason, b);
	if (b != NULL)
		evbuffer_free(b);
}

static void
refuse(struct snmp_http *h, struct evhttp_request *req, int code,
    const char *reason)
{
	char msg[64];
	int n = snprintf(msg, sizeof(msg), "%d %s\n", code, reason);

	h->refused++;
	reply_text(req, code, reason, "text/plain; charset=utf-8", msg,
	    (size_t)n);
}

static void
on_request(struct evhttp_request *req, void *arg)
{
	struct snmp_http *h = arg;
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	char *text;
	size_t len;
	json_object *st;
	const char *s;

	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		refuse(h, req, 405, "Method Not Allowed");
		return;
	}
	switch (snmp_http_route(evhttp_request_get_uri(req))) {
	case ROUTE_METRICS:
		if ((text = snmp_metrics_text(h->d, &len)) == NULL) {
			evhttp_send_error(req, 500, NULL);
			return;
		}
		reply_text(req, 200, "OK",
		    "text/plain; version=0.0.4; charset=utf-8", text, len);
		free(text);
		return;
	case ROUTE_STATUS:
		st = snmp_status_json(h->d);
		s = json_object_to_json_string_ext(st, JSON_C_TO_STRING_PLAIN);
		reply_text(req, 200, "OK", "application/json", s, strlen(s));
		json_object_put(st);
		return;
	case ROUTE_NONE:
		refuse(h, req, 404, "Not Found");
		return;
	default:
		refuse(h, req, 400, "Bad Request");
		return;
	}
}

struct snmp_http *
snmp_http_start(struct snmpd *d)
{
	struct snmp_http *h;
	struct sockaddr_storage ss;
	int sslen = sizeof(ss);
	struct evconnlistener *l;

	if (d->sc.metrics_listen[0] == '\0' ||
	    strcmp(d->sc.metrics_listen, "none") == 0)
		return NULL;
	if (evutil_parse_sockaddr_port(d->sc.metrics_listen,
	    (struct sockaddr *)&ss, &sslen) == -1) {
		log_warnx("metrics_listen %s: not ADDRESS:PORT",
		    d->sc.metrics_listen);
		return NULL;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->d = d;
	if ((h->http = evhttp_new(d->base)) == NULL) {
		free(h);
		return NULL;
	}
	evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS);
	evhttp_set_max_headers_size(h->http, HTTP_MAX_HEADERS);
	evhttp_set_max_body_size(h->http, 0);
	evhttp_set_timeout(h->http, HTTP_TIMEOUT_S);
	evhttp_set_gencb(h->http, on_request, h);
	l = evconnlistener_new_bind(d->base, NULL, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
	    64, (struct sockaddr *)&ss, sslen);
	if (l == NULL || evhttp_bind_listener(h->http, l) == NULL) {
		log_warn("metrics: listen on %s", d->sc.metrics_listen);
		if (l != NULL)
			evconnlistener_free(l);
		evhttp_free(h->http);
		free(h);
		return NULL;
	}
	log_info("metrics on http://%s/metrics", d->sc.metrics_listen);
	return h;
}

void
snmp_http_stop(struct snmp_http *h)
{
	if (h == NULL)
		return;
	evhttp_free(h->http);
	free(h);
}

uint64_t
snmp_http_refused(const struct snmp_http *h)
{
	return h ? h->refused : 0;
}
