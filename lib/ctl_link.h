/* A daemon's non-blocking client link to another daemon's control socket
 * (tandem-syncd and tandem-checkd to the director and to tandem-vrrpd):
 * requests go out framed as lib/ctlmsg.h says; every reply and event
 * comes back to one callback; the link reconnects by itself every 200 ms
 * while down. */
#ifndef TANDEM_CTL_LINK_H
#define TANDEM_CTL_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "ctlmsg.h"

struct event_base;
struct ctl_link;

/* type is CTL_REPLY or CTL_EVENT; msg is freed after the call. The
 * callback may not free the link. */
typedef void (*ctl_link_msg_cb)(struct ctl_link *l, uint16_t type,
    json_object *msg, void *arg);
/* up: the link connected (1) or was lost (0). */
typedef void (*ctl_link_state_cb)(struct ctl_link *l, int up, void *arg);

struct ctl_link *ctl_link_new(struct event_base *base, const char *run_dir,
	    const char *daemon, ctl_link_msg_cb on_msg,
	    ctl_link_state_cb on_state, void *arg);
void	ctl_link_free(struct ctl_link *l);
/* 0 for a NULL link, as ctl_link_refused. */
int	ctl_link_up(const struct ctl_link *l);
/* Queue a request; -1 with errno ENOTCONN while down, EMSGSIZE when it
 * exceeds CTL_MAX_BODY, ENOBUFS when 16 MiB are already queued. */
int	ctl_link_send(struct ctl_link *l, json_object *req);
/* Drop the connection (on_state tells) and reconnect as after a loss:
 * for a peer that stopped reading. */
void	ctl_link_reset(struct ctl_link *l);
size_t	ctl_link_pending(const struct ctl_link *l);
uint64_t ctl_link_refused(const struct ctl_link *l);
const char *ctl_link_path(const struct ctl_link *l);	/* the socket's */

#endif
