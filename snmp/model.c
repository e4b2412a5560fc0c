/* The model: each polled daemon's last reply, typed reads of it, and the
 * notifications found when a new reply replaces the old one. */
#include "snmpd.h"

#include <string.h>

static const char *const daemon_names[DMN__MAX] = {
	"director", "vrrpd", "syncd", "checkd",
};

const char *
snmp_daemon_name(enum snmp_daemon dm)
{
	return (unsigned)dm < DMN__MAX ? daemon_names[dm] : "?";
}

int
snmp_daemon_up(const struct snmp_model *m, enum snmp_daemon dm)
{
	switch (dm) {
	case DMN_DIRECTOR:
		return m->r[SRC_DIRECTOR] != NULL;
	case DMN_VRRPD:
		return m->r[SRC_VRRPD] != NULL;
	case DMN_SYNCD:
		return m->r[SRC_SYNCD] != NULL;
	case DMN_CHECKD:
		return m->r[SRC_CHECKD] != NULL;
	default:
		return 0;
	}
}

json_object *
snmp_jget(json_object *o, const char *key)
{
	json_object *v;

	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

json_object *
snmp_jarray(json_object *o, const char *key)
{
	json_object *v = snmp_jget(o, key);

	return v != NULL && json_object_is_type(v, json_type_array) ? v : NULL;
}

const char *
snmp_jstr(json_object *o, const char *key, const char *dflt)
{
	json_object *v = snmp_jget(o, key);

	return v != NULL && json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : dflt;
}

int64_t
snmp_jint(json_object *o, const char *key, int64_t dflt)
{
	json_object *v = snmp_jget(o, key);

	if (v == NULL || !(json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double)))
		return dflt;
	return json_object_get_int64(v);
}

int
snmp_jbool(json_object *o, const char *key)
{
	json_object *v = snmp_jget(o, key);

	return v != NULL && json_object_is_type(v, json_type_boolean) &&
	    json_object_get_boolean(v);
}

int
snmp_vrrp_status(const char *state)
{
	if (state == NULL)
		return 1;
	if (strcmp(state, "MASTER") == 0)
		return 3;
	if (strcmp(state, "BACKUP") == 0)
		return 2;
	return 1;	/* INIT, FAULT: RFC 6527 has only initialize */
}

const struct snmp_vrmem *
snmp_vrmem_find(const struct snmp_model *m, const char *name)
{
	for (int i = 0; i < m->n_vr; i++)
		if (strcmp(m->vr[i].name, name) == 0)
			return &m->vr[i];
	return NULL;
}

static struct snmp_vrmem *
vrmem_get(struct snmp_model *m, const char *name)
{
	struct snmp_vrmem *v = (struct snmp_vrmem *)snmp_vrmem_find(m, name);

	if (v != NULL || m->n_vr >= CONF_VRRP_MAX_INST)
		return v;
	v = &m->vr[m->n_vr++];
	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", name);
	return v;
}

static json_object *
inst_find(json_object *reply, const char *name)
{
	json_object *a = snmp_jarray(reply, "instances");
	size_t n = a ? json_object_array_length(a) : 0;

	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(a, i);
		if (strcmp(snmp_jstr(o, "name", ""), name) == 0)
			return o;
	}
	return NULL;
}

static int64_t
err_count(json_object *inst, const char *key)
{
	return snmp_jint(snmp_jget(snmp_jget(inst, "counters"), "errors"),
	    key, 0);
}

/* RFC 6527's reasons, from what two polls show. */
static int
new_master_reason(json_object *was, json_object *now)
{
	if (snmp_jint(now, "effective_priority", 0) == 255)
		return 1;				/* priority */
	if (strcmp(snmp_jstr(was, "state", ""), "BACKUP") == 0 &&
	    snmp_jget(was, "master") != NULL &&
	    !json_object_is_type(snmp_jget(was, "master"), json_type_null) &&
	    snmp_jint(was, "master_priority", 0) <
	    snmp_jint(now, "effective_priority", 0))
		return 2;				/* preempted */
	return 3;					/* masterNoResponse */
}

static const struct {
	const char *key;
	int reason;
} proto_errs[] = {
	{ "ttl", 1 }, { "version", 2 }, { "checksum", 3 }, { "vrid", 4 },
};

static int
ev_add(struct snmp_event *ev, int n, int max, enum snmp_ev_kind kind,
    const char *name, int reason)
{
	if (n >= max)
		return n;
	memset(&ev[n], 0, sizeof(ev[n]));
	ev[n].kind = kind;
	snprintf(ev[n].name, sizeof(ev[n].name), "%s", name);
	ev[n].reason = reason;
	return n + 1;
}

/* vrrpd: a state that became MASTER, error counters that moved. */
static int
vrrp_events(struct snmp_model *m, json_object *old, json_object *new,
    struct snmp_event *ev, int max)
{
	json_object *a = snmp_jarray(new, "instances");
	size_t len = a ? json_object_array_length(a) : 0;
	int n = 0;

	for (size_t i = 0; i < len; i++) {
		json_object *now = json_object_array_get_idx(a, i);
		const char *name = snmp_jstr(now, "name", "");
		json_object *was = old ? inst_find(old, name) : NULL;
		struct snmp_vrmem *v = vrmem_get(m, name);

		if (v == NULL)
			continue;
		if (strcmp(snmp_jstr(now, "state", ""), "MASTER") == 0 &&
		    (was == NULL || strcmp(snmp_jstr(was, "state", ""),
		    "MASTER") != 0)) {
			v->new_master_reason = new_master_reason(was, now);
			/* The first sight of an instance is no transition
			 * we saw: remember why, send nothing. */
			if (was != NULL)
				n = ev_add(ev, n, max, EV_NEW_MASTER, name,
				    v->new_master_reason);
		}
		for (size_t k = 0; k < sizeof(proto_errs) /
		    sizeof(proto_errs[0]); k++) {
			if (err_count(now, proto_errs[k].key) <=
			    (was ? err_count(was, proto_errs[k].key) :
			    INT64_MAX))
				continue;
			v->proto_err_reason = proto_errs[k].reason;
			n = ev_add(ev, n, max, EV_PROTO_ERROR, name,
			    proto_errs[k].reason);
		}
	}
	return n;
}

/* tandem-checkd's name of a service: "TCP 10.0.0.100:80", "UDP
 * [2001:db8::1]:53", "FWM 5" (healthcheck/setup.c). */
void
snmp_vs_label(json_object *svc, char *buf, size_t len)
{
	const char *addr = snmp_jstr(svc, "addr", "");
	const char *proto = snmp_jstr(svc, "proto", "tcp");
	int64_t fwm = snmp_jint(svc, "fwmark", 0);
	int v6 = strchr(addr, ':') != NULL;

	if (fwm) {
		snprintf(buf, len, "FWM %lld", (long long)fwm);
		return;
	}
	snprintf(buf, len, "%s %s%s%s:%lld", strcmp(proto, "udp") == 0 ? "UDP" :
	    strcmp(proto, "sctp") == 0 ? "SCTP" : "TCP", v6 ? "[" : "", addr,
	    v6 ? "]" : "", (long long)snmp_jint(svc, "port", 0));
}

static json_object *
check_find(json_object *checks, const char *label, const char *rs,
    int64_t port)
{
	size_t n = checks ? json_object_array_length(checks) : 0;

	for (size_t i = 0; i < n; i++) {
		json_object *c = json_object_array_get_idx(checks, i);
		if (strcmp(snmp_jstr(c, "vs", ""), label) == 0 &&
		    strcmp(snmp_jstr(c, "rs", ""), rs) == 0 &&
		    snmp_jint(c, "rs_port", -1) == port)
			return c;
	}
	return NULL;
}

static json_object *
quorum_find(json_object *vss, const char *label)
{
	size_t n = vss ? json_object_array_length(vss) : 0;

	for (size_t i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(vss, i);
		if (strcmp(snmp_jstr(v, "vs", ""), label) == 0)
			return v;
	}
	return NULL;
}

int
snmp_rs_check(const struct snmp_model *m, json_object *svc, json_object *dest)
{
	char label[128];
	json_object *c;

	snmp_vs_label(svc, label, sizeof(label));
	c = check_find(snmp_jarray(m->r[SRC_CHECKD], "checks"), label,
	    snmp_jstr(dest, "addr", ""), snmp_jint(dest, "port", 0));
	if (c == NULL)
		return 0;
	return strcmp(snmp_jstr(c, "state", ""), "up") == 0 ? 1 : 2;
}

int
snmp_vs_quorum(const struct snmp_model *m, json_object *svc)
{
	char label[128];
	json_object *v;

	snmp_vs_label(svc, label, sizeof(label));
	v = quorum_find(snmp_jarray(m->r[SRC_CHECKD], "virtual_servers"),
	    label);
	if (v == NULL)
		return 0;
	return snmp_jbool(v, "quorum_up") ? 1 : 2;
}

/* checkd: a check whose state changed, a quorum lost or regained. */
static int
checkd_events(json_object *old, json_object *new, struct snmp_event *ev,
    int max)
{
	json_object *a = snmp_jarray(new, "checks");
	json_object *q = snmp_jarray(new, "virtual_servers");
	size_t na = a ? json_object_array_length(a) : 0;
	size_t nq = q ? json_object_array_length(q) : 0;
	int n = 0;

	if (old == NULL)
		return 0;	/* first sight: no change seen */
	for (size_t i = 0; i < na; i++) {
		json_object *c = json_object_array_get_idx(a, i), *w;
		const char *st = snmp_jstr(c, "state", "");

		w = check_find(snmp_jarray(old, "checks"),
		    snmp_jstr(c, "vs", ""), snmp_jstr(c, "rs", ""),
		    snmp_jint(c, "rs_port", -1));
		if (w == NULL || strcmp(snmp_jstr(w, "state", ""), st) == 0)
			continue;
		n = ev_add(ev, n, max, strcmp(st, "up") == 0 ? EV_RS_UP :
		    EV_RS_DOWN, snmp_jstr(c, "vs", ""), (int)i + 1);
		if (n > 0)
			snprintf(ev[n - 1].rs, sizeof(ev[n - 1].rs), "%s:%lld",
			    snmp_jstr(c, "rs", ""),
			    (long long)snmp_jint(c, "rs_port", 0));
	}
	for (size_t i = 0; i < nq; i++) {
		json_object *v = json_object_array_get_idx(q, i), *w;

		w = quorum_find(snmp_jarray(old, "virtual_servers"),
		    snmp_jstr(v, "vs", ""));
		if (w == NULL || snmp_jbool(w, "quorum_up") ==
		    snmp_jbool(v, "quorum_up"))
			continue;
		n = ev_add(ev, n, max, snmp_jbool(v, "quorum_up") ?
		    EV_QUORUM_REGAINED : EV_QUORUM_LOST, snmp_jstr(v, "vs", ""),
		    (int)i + 1);
	}
	return n;
}

/* syncd: the peer this node followed as backup is gone: no longer
 * reported, or this node took the master role from it. */
static int
syncd_events(json_object *old, json_object *new, struct snmp_event *ev,
    int max)
{
	const char *was = snmp_jstr(old, "peer", "");

	if (old == NULL || was[0] == '\0' ||
	    strcmp(snmp_jstr(old, "role", ""), "backup") != 0)
		return 0;
	if (snmp_jstr(new, "peer", "")[0] != '\0' &&
	    strcmp(snmp_jstr(new, "role", ""), "backup") == 0)
		return 0;
	return ev_add(ev, 0, max, EV_SYNC_PEER_LOST, was, 0);
}

int
snmp_model_set(struct snmp_model *m, enum snmp_src src, json_object *reply,
    struct snmp_event *ev, int max)
{
	json_object *old;
	int n = 0;

	if ((unsigned)src >= SRC__MAX) {
		json_object_put(reply);
		return 0;
	}
	old = m->r[src];
	if (reply != NULL) {
		m->polls[src]++;
		if (src == SRC_VRRPD)
			n = vrrp_events(m, old, reply, ev, max);
		else if (src == SRC_CHECKD)
			n = checkd_events(old, reply, ev, max);
		else if (src == SRC_SYNCD)
			n = syncd_events(old, reply, ev, max);
	} else {
		m->failures[src]++;
	}
	m->r[src] = reply;
	json_object_put(old);
	return n;
}

void
snmp_model_free(struct snmp_model *m)
{
	for (int i = 0; i < SRC__MAX; i++) {
		json_object_put(m->r[i]);
		m->r[i] = NULL;
	}
}

/* A new reply (or none): into the model, the agent's tree rebuilt, and
 * the notifications it brings sent. */
void
snmpd_update(struct snmpd *d, enum snmp_src src, json_object *reply)
{
	struct snmp_event ev[SNMP_MAX_EVENTS];
	int n = snmp_model_set(&d->m, src, reply, ev, SNMP_MAX_EVENTS);

	snmp_agent_refresh(d->agent);
	for (int i = 0; i < n; i++)
		snmp_agent_notify(d->agent, &ev[i]);
}
