/* tandem-snmpd: the monitoring daemon. It polls the other daemons' control
 * sockets, keeps their last replies as its model, and serves that model as
 * an AgentX subagent (VRRPV3-MIB, TANDEM-MIB, traps) and over HTTP
 * (Prometheus text and /status JSON). One libevent loop. */
#ifndef TANDEM_SNMPD_H
#define TANDEM_SNMPD_H

#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "conf.h"

struct event_base;
struct event;
struct oidtab;

#define SNMP_AGENTX_DEFAULT	"/var/agentx/master"
#define SNMP_METRICS_DEFAULT	"127.0.0.1:9469"
#define SNMP_POLL_DEFAULT	1.0	/* seconds */

struct snmp_conf {
	char	agentx_socket[CONF_PATH_MAX];	/* "" or "none": no AgentX */
	int	traps;				/* default true */
	char	metrics_listen[CONF_NAME_MAX];	/* "" or "none": no HTTP */
	double	poll_interval;			/* seconds */
};

/* What is polled: one control request each, answered independently. */
enum snmp_src {
	SRC_DIRECTOR,		/* director.sock status */
	SRC_SERVICES,		/* director.sock get_services */
	SRC_VRRPD,		/* vrrpd.sock status */
	SRC_SYNCD,		/* syncd.sock status */
	SRC_CHECKD,		/* checkd.sock status */
	SRC__MAX
};

/* The daemons as the daemon-status table lists them (index + 1). */
enum snmp_daemon { DMN_DIRECTOR, DMN_VRRPD, DMN_SYNCD, DMN_CHECKD, DMN__MAX };

/* What the RFC 6527 statistics rows remember between polls. */
struct snmp_vrmem {
	char	name[CONF_NAME_MAX];
	int	new_master_reason;	/* 0 notMaster .. 3 masterNoResponse */
	int	proto_err_reason;	/* 0 noError .. 4 vrIdError */
};

/* The last reply of each source; NULL while its daemon does not answer. */
struct snmp_model {
	json_object	*r[SRC__MAX];
	uint64_t	 polls[SRC__MAX];	/* replies taken */
	uint64_t	 failures[SRC__MAX];	/* polls that got no reply */
	struct snmp_vrmem vr[CONF_VRRP_MAX_INST];
	int		 n_vr;
	uint64_t	 uptime_cs;	/* the agent's sysUpTime when the tree
					 * is built (TimeStamp objects) */
};

/* Notifications found by comparing two replies of one source. */
enum snmp_ev_kind {
	EV_NEW_MASTER,		/* vrrpv3NewMaster */
	EV_PROTO_ERROR,		/* vrrpv3ProtoError */
	EV_RS_UP, EV_RS_DOWN,	/* tandemRealServerUp / Down */
	EV_QUORUM_LOST, EV_QUORUM_REGAINED,
	EV_SYNC_PEER_LOST,
};

struct snmp_event {
	enum snmp_ev_kind kind;
	char	name[CONF_NAME_MAX * 2];	/* instance, or vip:port */
	char	rs[CONF_NAME_MAX];		/* real server addr:port */
	int	reason;		/* NewMaster / ProtoErrReason value; for
				 * checkd's events the row (index) */
};

#define SNMP_MAX_EVENTS	64	/* per reply; more are counted, dropped */

struct snmp_agent;
struct snmp_http;
struct snmp_poller;

struct snmpd {
	struct event_base	*base;
	struct tandem_conf	 conf;
	struct snmp_conf	 sc;
	char			 run_dir[CONF_PATH_MAX];
	char			 conf_path[CONF_PATH_MAX];	/* for SIGHUP */
	struct snmp_model	 m;
	struct snmp_poller	*poller;
	struct snmp_agent	*agent;
	struct snmp_http	*http;
	uint64_t		 traps_sent, traps_dropped;
};

/* conf.c */
void	snmp_conf_defaults(struct snmp_conf *sc);
int	snmp_conf_load(const char *path, struct snmp_conf *sc, FILE *err);
int	snmp_conf_load_string(const char *text, struct snmp_conf *sc,
	    FILE *err);

/* model.c: typed reads of replies (absent or wrong type: the default). */
const char *snmp_daemon_name(enum snmp_daemon dm);
int	snmp_daemon_up(const struct snmp_model *m, enum snmp_daemon dm);
json_object *snmp_jget(json_object *o, const char *key);
json_object *snmp_jarray(json_object *o, const char *key);
const char *snmp_jstr(json_object *o, const char *key, const char *dflt);
int64_t	snmp_jint(json_object *o, const char *key, int64_t dflt);
int	snmp_jbool(json_object *o, const char *key);
/* A reply replaces the source's previous one (NULL: the daemon is gone);
 * the events found by comparing them are written to ev (at most max),
 * their number returned. */
int	snmp_model_set(struct snmp_model *m, enum snmp_src src,
	    json_object *reply, struct snmp_event *ev, int max);
void	snmp_model_free(struct snmp_model *m);
/* vrrpd state name to vrrpv3OperationsStatus: 1 init, 2 backup, 3 master. */
int	snmp_vrrp_status(const char *state);
/* The remembered row of a vrrpd instance (NULL: none yet). */
const struct snmp_vrmem *snmp_vrmem_find(const struct snmp_model *m,
	    const char *name);
/* A real server's check state from checkd's reply: 1 up, 2 down, 0 none. */
int	snmp_rs_check(const struct snmp_model *m, json_object *svc,
	    json_object *dest);
/* A service's quorum from checkd's reply: 1 met, 2 lost, 0 not known. */
int	snmp_vs_quorum(const struct snmp_model *m, json_object *svc);
/* tandem-checkd's label of a director service ("TCP 10.0.0.100:80"). */
void	snmp_vs_label(json_object *svc, char *buf, size_t len);

/* mib.c: the whole served tree from the model, rebuilt on each change. */
int	snmp_mib_build(const struct snmp_model *m, struct oidtab *t,
	    double poll_interval);
/* trap.c: the varbinds of one event, as the agent sends them. */

/* metrics.c: the Prometheus text exposition of the model, NUL-ended,
 * malloc'd (NULL on allocation failure). */
char	*snmp_metrics_text(const struct snmpd *d, size_t *len);
/* /status: one JSON object (the caller puts it). */
json_object *snmp_status_json(const struct snmpd *d);

/* poll.c */
/* One reply frame from buf: bytes used (>0) with *reply set (and *more
 * when further pages follow, CTL_F_MORE), 0 when more bytes are needed,
 * -1 when the frame is malformed, oversized, not a single JSON object, or
 * a refusal ({"ok": false}). */
int	snmp_poll_decode(const uint8_t *buf, size_t len, json_object **reply,
	    int *more);
/* A further page into acc: its arrays appended to acc's, other keys set. */
void	snmp_poll_merge(json_object *acc, json_object *page);
struct snmp_poller *snmp_poll_start(struct snmpd *d);
void	snmp_poll_stop(struct snmp_poller *p);
/* The timer again, after d->sc.poll_interval changed. */
void	snmp_poll_set_interval(struct snmp_poller *p);
/* Called by the poller with each source's new reply (or NULL). */
void	snmpd_update(struct snmpd *d, enum snmp_src src, json_object *reply);

/* agent.c: the AgentX subagent (NULL when disabled or it cannot start). */
struct snmp_agent *snmp_agent_start(struct snmpd *d);
void	snmp_agent_stop(struct snmp_agent *a);
void	snmp_agent_refresh(struct snmp_agent *a);
void	snmp_agent_notify(struct snmp_agent *a, const struct snmp_event *ev);
int	snmp_agent_connected(const struct snmp_agent *a);

/* http.c */
struct snmp_http *snmp_http_start(struct snmpd *d);
void	snmp_http_stop(struct snmp_http *h);
uint64_t snmp_http_refused(const struct snmp_http *h);

enum snmp_route { ROUTE_NONE, ROUTE_METRICS, ROUTE_STATUS, ROUTE_BAD };
/* The route of a request target ("/metrics", "/status", "/metrics?x"):
 * ROUTE_BAD for anything malformed or over len bytes of path. */
enum snmp_route snmp_http_route(const char *uri);

#endif
