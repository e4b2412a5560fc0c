/* The control-socket protocol shared by every daemon and tandemctl: framed
 * messages on a Unix stream socket in the run directory. Each frame is an
 * 8-byte header (type, flags, body length; network order) and a body of at
 * most CTL_MAX_BODY bytes, read only when whole. Request and reply bodies
 * are JSON objects; see docs/control-protocol.md. */
#ifndef TANDEM_CTLMSG_H
#define TANDEM_CTLMSG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <json-c/json.h>

#define CTL_HDR_LEN	8
#define CTL_MAX_BODY	(1u << 20)

enum ctl_type {
	CTL_REQUEST = 1,	/* JSON {"cmd": ..., ...} */
	CTL_REPLY = 2,		/* JSON {"ok": true|false, ...} */
	CTL_EVENT = 3,		/* JSON, on subscription streams */
	CTL_TYPE_MAX
};

#define CTL_F_MORE	0x0001	/* more reply frames follow */

struct ctl_hdr {
	uint16_t	type;
	uint16_t	flags;
	uint32_t	len;
};

void	ctl_hdr_encode(uint8_t out[CTL_HDR_LEN], const struct ctl_hdr *h);
/* Decode and validate a header: -1 on unknown type or oversized body. */
int	ctl_hdr_decode(const uint8_t *buf, size_t len, struct ctl_hdr *h);

/* Socket path of a daemon ("director", "vrrpd"...) in run_dir. */
int	ctl_socket_path(char *buf, size_t len, const char *run_dir,
	    const char *daemon);

/* --- server side, inside a libevent loop ------------------------------ */
struct event_base;
struct ctl_server;
struct ctl_client;

/* Called with each whole, parsed request; must return a reply object (the
 * server frees it) or NULL after queueing its own replies. */
typedef json_object *(*ctl_handler)(struct ctl_client *cl, json_object *req,
    void *arg);

struct ctl_server *ctl_server_open(struct event_base *base, const char *path,
    ctl_handler handler, void *arg);
void	ctl_server_close(struct ctl_server *srv);
/* Queue one frame to a client (flags may carry CTL_F_MORE). */
int	ctl_client_send(struct ctl_client *cl, uint16_t type, uint16_t flags,
	    json_object *body);
/* A subscription stream's owner learns when its client goes away (the
 * pointer is invalid after fn returns). */
void	ctl_client_on_close(struct ctl_client *cl,
	    void (*fn)(struct ctl_client *cl, void *arg), void *arg);
/* Bytes queued to the client and not yet written (back-pressure). */
size_t	ctl_client_pending(const struct ctl_client *cl);
/* A read-only socket for monitoring, mode 0666: any local user may
 * connect, and only the requests whose "cmd" is in ro_cmds (a NULL-ended
 * list the caller keeps) reach the handler; the others are refused with
 * an error and counted. */
struct ctl_server *ctl_server_open_ro(struct event_base *base,
    const char *path, ctl_handler handler, void *arg,
    const char *const *ro_cmds);
/* Is this client on a read-only socket? */
int	ctl_client_readonly(const struct ctl_client *cl);
/* Messages refused since start: malformed, oversized, wrong sender. */
uint64_t ctl_server_refused(const struct ctl_server *srv);

/* Reply helpers. */
json_object *ctl_reply_ok(void);
json_object *ctl_reply_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
/* A reload refused: "PATH has errors; nothing changed:" and every error
 * line (ctl_reply_error's message is bounded, this one is not). */
json_object *ctl_reply_refused(const char *path, const char *errors);

/* --- client side, blocking (tandemctl, tests) ------------------------- */
/* DAEMON.sock in run_dir; a caller its mode refuses (EACCES: not root)
 * gets DAEMON.ro.sock instead when there is one (node.monitor_socket). */
int	ctl_connect(const char *run_dir, const char *daemon);
/* Send a request; call on_reply for each reply frame until one without
 * CTL_F_MORE. Returns 0, or -1 on I/O or framing error (errno set). */
int	ctl_call(int fd, json_object *req,
	    int (*on_reply)(json_object *reply, void *arg), void *arg);

#endif
