/* The AgentX subagent: net-snmp driven from the libevent loop through its
 * file descriptors and its alarm timer (as lldpd's levent_snmp_update
 * does), one read-only handler per MIB answering from the sorted table,
 * and the notifications. net-snmp's ping alarm notices a master agent
 * that went away and reopens the session when it is back. */
#include "snmpd.h"
#include "mib.h"

#include "log.h"

#include <stdlib.h>
#include <string.h>

#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>

#include <event2/event.h>

#define AGENT_MAX_FDS	16	/* net-snmp opens one or two */
#define AGENT_PING_S	2	/* seconds between AgentX pings */

struct snmp_agent {
	struct snmpd	*d;
	struct oidtab	 tab;
	struct event	*timeout;
	struct event	*fdev[AGENT_MAX_FDS];
	int		 fd[AGENT_MAX_FDS];
	int		 n_fd;
	int		 connected;	/* AgentX session open */
};

static const oid vrrpv3_root[] = { VRRPV3_OID };
static const oid tandem_root[] = { TANDEM_OID };
static const oid trap_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };

static void agent_update(struct snmp_agent *a);
static int on_session(int, int, void *, void *);

static void
on_read(evutil_socket_t fd, short ev, void *arg)
{
	struct snmp_agent *a = arg;
	fd_set fds;

	(void)ev;
	FD_ZERO(&fds);
	FD_SET(fd, &fds);
	snmp_read(&fds);
	agent_update(a);
}

static void
on_timeout(evutil_socket_t fd, short ev, void *arg)
{
	struct snmp_agent *a = arg;

	(void)fd;
	(void)ev;
	snmp_timeout();
	run_alarms();
	agent_update(a);
}

static int
fd_tracked(const struct snmp_agent *a, int fd)
{
	for (int i = 0; i < a->n_fd; i++)
		if (a->fd[i] == fd)
			return i;
	return -1;
}

/* Follow net-snmp's descriptors and next timeout into the loop: drop the
 * events of closed sockets, add the new ones, rearm the timer. */
static void
agent_update(struct snmp_agent *a)
{
	struct timeval tv = { 0, 0 };
	int maxfd = 0, block = 1;
	fd_set fds;

	FD_ZERO(&fds);
	snmp_select_info(&maxfd, &fds, &tv, &block);
	for (int i = 0; i < a->n_fd;) {
		if (a->fd[i] < maxfd && FD_ISSET(a->fd[i], &fds)) {
			i++;
			continue;
		}
		event_free(a->fdev[i]);
		a->n_fd--;
		a->fd[i] = a->fd[a->n_fd];
		a->fdev[i] = a->fdev[a->n_fd];
	}
	for (int fd = 0; fd < maxfd && fd < FD_SETSIZE; fd++) {
		if (!FD_ISSET(fd, &fds) || fd_tracked(a, fd) >= 0)
			continue;
		if (a->n_fd == AGENT_MAX_FDS) {
			log_warnx("agentx: too many net-snmp descriptors");
			break;
		}
		a->fdev[a->n_fd] = event_new(a->d->base, fd,
		    EV_READ | EV_PERSIST, on_read, a);
		if (a->fdev[a->n_fd] == NULL)
			break;
		event_add(a->fdev[a->n_fd], NULL);
		a->fd[a->n_fd++] = fd;
	}
	/* Alarms (the AgentX ping and reconnect) are timers too. */
	if (block) {
		tv.tv_sec = 1;
		tv.tv_usec = 0;
	}
	evtimer_add(a->timeout, &tv);
}

static void
answer(netsnmp_request_info *rq, const struct oidtab_ent *e, int next)
{
	netsnmp_variable_list *vb = rq->requestvb;

	if (next)
		snmp_set_var_objid(vb, e->name, e->len);
	snmp_set_var_typed_value(vb, e->type, &e->v, e->vlen);
}

/* GET and GETNEXT from the table; net-snmp itself refuses every SET on a
 * read-only registration (notWritable) before we are called. */
static int
handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
    netsnmp_agent_request_info *ri, netsnmp_request_info *rq)
{
	struct snmp_agent *a = h->myvoid;

	for (; rq != NULL; rq = rq->next) {
		netsnmp_variable_list *vb = rq->requestvb;
		const struct oidtab_ent *e;

		if (rq->processed)
			continue;
		switch (ri->mode) {
		case MODE_GET:
			e = oidtab_get(&a->tab, vb->name, vb->name_length);
			if (e != NULL)
				answer(rq, e, 0);
			else
				netsnmp_set_request_error(ri, rq,
				    SNMP_NOSUCHINSTANCE);
			break;
		case MODE_GETNEXT:
			e = oidtab_next(&a->tab, vb->name, vb->name_length);
			/* Past our subtree: left unanswered, the agent asks
			 * the next registration. */
			if (e != NULL && snmp_oidtree_compare(reg->rootoid,
			    reg->rootoid_len, e->name, e->len) == 0)
				answer(rq, e, 1);
			break;
		default:
			netsnmp_set_request_error(ri, rq, SNMP_ERR_NOTWRITABLE);
			break;
		}
	}
	return SNMP_ERR_NOERROR;
}

static int
reg(struct snmp_agent *a, const char *name, const oid *root, size_t len)
{
	netsnmp_handler_registration *r;

	r = netsnmp_create_handler_registration(name, handler, root, len,
	    HANDLER_CAN_RONLY);
	if (r == NULL)
		return -1;
	r->handler->myvoid = a;
	if (netsnmp_register_handler(r) != MIB_REGISTERED_OK) {
		log_warnx("agentx: cannot register %s", name);
		return -1;
	}
	return 0;
}

struct snmp_agent *
snmp_agent_start(struct snmpd *d)
{
	struct snmp_agent *a;
	char dir[CONF_PATH_MAX + 8], ping[64];

	if (d->sc.agentx_socket[0] == '\0' ||
	    strcmp(d->sc.agentx_socket, "none") == 0)
		return NULL;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->d = d;
	oidtab_init(&a->tab);
	/* No host config, no state files, no signals, no MIB parsing: the
	 * subagent is configured by tandem.conf alone. */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1);
	snprintf(dir, sizeof(dir), "%s/snmp", d->run_dir);
	netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_PERSISTENT_DIR, dir);
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE,
	    1);
	netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID,
	    NETSNMP_DS_AGENT_X_SOCKET, d->sc.agentx_socket);
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
	    NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL, AGENT_PING_S);
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
	    NETSNMP_DS_AGENT_AGENTX_TIMEOUT, 1000000);	/* us */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
	    NETSNMP_DS_AGENT_AGENTX_RETRIES, 1);
	setenv("MIBS", "", 1);
	snmp_disable_log();
	snmp_enable_stderrlog();
	snmp_register_callback(SNMP_CALLBACK_APPLICATION,
	    SNMPD_CALLBACK_INDEX_START, on_session, a);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION,
	    SNMPD_CALLBACK_INDEX_STOP, on_session, a);
	init_agent("tandem-snmpd");
	if (reg(a, "vrrpv3", vrrpv3_root, N(vrrpv3_root)) == -1 ||
	    reg(a, "tandem", tandem_root, N(tandem_root)) == -1) {
		free(a);
		return NULL;
	}
	/* init_snmp resets the AgentX settings from config lines, then
	 * connects: the ping interval goes in as such a line, so that a
	 * master absent at start, or restarted later, is looked for every
	 * AGENT_PING_S (without it net-snmp tries once at start, and every
	 * 15 s after a disconnection). */
	snprintf(ping, sizeof(ping), "agentxPingInterval %d", AGENT_PING_S);
	netsnmp_config_remember(ping);
	init_snmp("tandem-snmpd");
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
	    NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL, AGENT_PING_S);
	a->timeout = evtimer_new(d->base, on_timeout, a);
	if (a->timeout == NULL) {
		snmp_agent_stop(a);
		return NULL;
	}
	agent_update(a);
	log_info("agentx: subagent of %s", d->sc.agentx_socket);
	return a;
}

void
snmp_agent_stop(struct snmp_agent *a)
{
	if (a == NULL)
		return;
	for (int i = 0; i < a->n_fd; i++)
		event_free(a->fdev[i]);
	if (a->timeout != NULL)
		event_free(a->timeout);
	snmp_shutdown("tandem-snmpd");
	shutdown_agent();
	oidtab_free(&a->tab);
	free(a);
}

void
snmp_agent_refresh(struct snmp_agent *a)
{
	if (a == NULL)
		return;
	a->d->m.uptime_cs = netsnmp_get_agent_uptime();
	if (snmp_mib_build(&a->d->m, &a->tab, a->d->sc.poll_interval) == -1)
		log_warnx("agentx: the tree is cut at %d entries", OIDTAB_MAX);
}

int
snmp_agent_connected(const struct snmp_agent *a)
{
	return a != NULL && a->connected;
}

/* net-snmp's subagent says when its session to the master opens and
 * closes (a restarted snmpd: closed, then reopened by the ping alarm). */
static int
on_session(int major, int minor, void *server, void *client)
{
	struct snmp_agent *a = client;

	(void)major;
	(void)server;
	a->connected = minor == SNMPD_CALLBACK_INDEX_START;
	log_info("agentx: %s %s", a->connected ? "connected to" :
	    "lost", a->d->sc.agentx_socket);
	return 0;
}

/* A varbind copied from the table (the row the event names). */
static int
add_cell(netsnmp_variable_list **vars, const struct oidtab *t,
    const oid *name, size_t len)
{
	const struct oidtab_ent *e = oidtab_get(t, name, len);

	if (e == NULL)
		return -1;
	snmp_varlist_add_variable(vars, e->name, e->len, e->type, &e->v,
	    e->vlen);
	return 0;
}

/* The vrrpd instance's row index for an event, from the model. */
static int
event_vr_index(const struct snmpd *d, const char *name, oid idx[3])
{
	json_object *a = snmp_jarray(d->m.r[SRC_VRRPD], "instances");
	size_t n = a ? json_object_array_length(a) : 0;

	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(a, i);
		if (strcmp(snmp_jstr(o, "name", ""), name) == 0)
			return snmp_mib_vr_index(o, idx);
	}
	return -1;
}

static int
vrrp_trap(struct snmp_agent *a, const struct snmp_event *ev,
    netsnmp_variable_list **vars)
{
	oid idx[3], name[OIDTAB_OID_MAX];
	oid trap[] = { VRRPV3_OID, 0, 0 };
	static const oid ops[] = { VRRPV3_OID, 1, 1, 1, 1 };
	static const oid st[] = { VRRPV3_OID, 1, 2, 5, 1 };
	size_t len;

	if (event_vr_index(a->d, ev->name, idx) == -1)
		return -1;
	trap[VRRPV3_LEN + 1] = ev->kind == EV_NEW_MASTER ? 1 : 2;
	snmp_varlist_add_variable(vars, trap_oid, N(trap_oid), ASN_OBJECT_ID,
	    trap, sizeof(trap));
	if (ev->kind == EV_NEW_MASTER) {
		memcpy(name, ops, sizeof(ops));
		name[N(ops)] = VROP_MASTER;
		memcpy(name + N(ops) + 1, idx, sizeof(idx));
		len = N(ops) + 4;
		add_cell(vars, &a->tab, name, len);
	}
	memcpy(name, st, sizeof(st));
	name[N(st)] = ev->kind == EV_NEW_MASTER ? VRST_NEWMASTER_REASON :
	    VRST_PROTOERR_REASON;
	memcpy(name + N(st) + 1, idx, sizeof(idx));
	return add_cell(vars, &a->tab, name, N(st) + 4);
}

/* TANDEM-MIB notifications: the row of the check or quorum the event
 * names, or the sync peer that was lost (gone from the table by now). */
static int
tandem_trap(struct snmp_agent *a, const struct snmp_event *ev,
    netsnmp_variable_list **vars)
{
	static const oid chk[] = { TANDEM_OID, 1, 7, 1 };
	static const oid quo[] = { TANDEM_OID, 1, 8, 1 };
	static const oid syn[] = { TANDEM_OID, 1, 5 };
	static const oid chk_cols[] = { 2, 3, 4, 5, 7 }, quo_cols[] = { 2, 3, 6 };
	oid trap[] = { TANDEM_OID, 0, 0 }, name[OIDTAB_OID_MAX];
	const oid *cols = chk_cols, *pre = chk;
	size_t ncols = N(chk_cols), plen = N(chk);
	uint8_t addr[16];
	size_t alen;
	long v;

	switch (ev->kind) {
	case EV_RS_UP:
		trap[TANDEM_LEN + 1] = 1;
		break;
	case EV_RS_DOWN:
		trap[TANDEM_LEN + 1] = 2;
		break;
	case EV_QUORUM_LOST:
	case EV_QUORUM_REGAINED:
		trap[TANDEM_LEN + 1] = ev->kind == EV_QUORUM_LOST ? 3 : 4;
		cols = quo_cols;
		ncols = N(quo_cols);
		pre = quo;
		plen = N(quo);
		break;
	default:
		trap[TANDEM_LEN + 1] = 5;
		break;
	}
	snmp_varlist_add_variable(vars, trap_oid, N(trap_oid), ASN_OBJECT_ID,
	    trap, sizeof(trap));
	if (ev->kind == EV_SYNC_PEER_LOST) {
		memcpy(name, syn, sizeof(syn));
		name[N(syn) + 1] = 0;
		v = mib_inet_parse(ev->name, addr, &alen);
		name[N(syn)] = 7;
		snmp_varlist_add_variable(vars, name, N(syn) + 2, ASN_INTEGER,
		    &v, sizeof(v));
		name[N(syn)] = 8;
		snmp_varlist_add_variable(vars, name, N(syn) + 2, ASN_OCTET_STR,
		    addr, alen);
		v = 3;	/* lost */
		name[N(syn)] = 9;
		snmp_varlist_add_variable(vars, name, N(syn) + 2, ASN_INTEGER,
		    &v, sizeof(v));
		return 0;
	}
	memcpy(name, pre, plen * sizeof(oid));
	name[plen + 1] = (oid)ev->reason;
	for (size_t i = 0; i < ncols; i++) {
		name[plen] = cols[i];
		if (add_cell(vars, &a->tab, name, plen + 2) == -1)
			return -1;
	}
	return 0;
}

static const char *
event_name(enum snmp_ev_kind k)
{
	static const char *const names[] = {
		[EV_NEW_MASTER] = "vrrpv3NewMaster",
		[EV_PROTO_ERROR] = "vrrpv3ProtoError",
		[EV_RS_UP] = "tandemRealServerUp",
		[EV_RS_DOWN] = "tandemRealServerDown",
		[EV_QUORUM_LOST] = "tandemQuorumLost",
		[EV_QUORUM_REGAINED] = "tandemQuorumRegained",
		[EV_SYNC_PEER_LOST] = "tandemSyncPeerLost",
	};

	return (unsigned)k < N(names) ? names[k] : "?";
}

void
snmp_agent_notify(struct snmp_agent *a, const struct snmp_event *ev)
{
	netsnmp_variable_list *vars = NULL;
	int rc = -1;

	if (a == NULL || !a->d->sc.traps)
		return;
	switch (ev->kind) {
	case EV_NEW_MASTER:
	case EV_PROTO_ERROR:
		rc = vrrp_trap(a, ev, &vars);
		break;
	default:
		rc = tandem_trap(a, ev, &vars);
		break;
	}
	if (rc == 0 && vars != NULL) {
		send_v2trap(vars);
		a->d->traps_sent++;
		log_info("trap %s %s %s", event_name(ev->kind), ev->name, ev->rs);
	} else {
		a->d->traps_dropped++;
	}
	snmp_free_varbind(vars);
}
