/* A persistent client of another daemon's control socket, inside the
 * event loop: framed JSON requests (lib/ctlmsg.h), replies counted, and
 * a reconnect every half second while the daemon is away. */
#ifndef TANDEM_HC_PEER_H
#define TANDEM_HC_PEER_H

#include <stdint.h>

#include <json-c/json.h>

struct event_base;
struct hc_peer;

/* on_connect runs on every (re)connection: the place to resend state. */
struct hc_peer *hc_peer_new(struct event_base *base, const char *run_dir,
	    const char *daemon, void (*on_connect)(void *), void *arg);
void	hc_peer_free(struct hc_peer *p);
/* Queue one request; -1 when not connected (it is dropped). */
int	hc_peer_send(struct hc_peer *p, json_object *req);
int	hc_peer_up(const struct hc_peer *p);
/* Replies with "ok": false since start, and connections made. */
uint64_t hc_peer_refused(const struct hc_peer *p);
uint64_t hc_peer_connects(const struct hc_peer *p);

#endif
