/* The Prometheus text exposition (format 0.0.4) of the model: one family
 * at a time (HELP, TYPE, then every sample), tandem_ names, _total
 * counters, labels for vip, port, protocol and real server. */
#include "snmpd.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The end of a sample's label list (a typed pointer, not a bare NULL). */
#define LBL_END	((const char *)NULL)

struct out {
	FILE			*f;
	const struct snmpd	*d;
};

/* A label value with \, " and newline escaped as the format asks. */
static void
esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void
family(struct out *o, const char *name, const char *type, const char *help)
{
	fprintf(o->f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{labels} value: labels is "k", "v", "k", "v", ..., NULL. */
static void
sample(struct out *o, const char *name, int64_t v, ...)
{
	va_list ap;
	const char *k;
	int n = 0;

	fputs(name, o->f);
	va_start(ap, v);
	while ((k = va_arg(ap, const char *)) != NULL) {
		fprintf(o->f, "%s%s=\"", n++ ? "," : "{", k);
		esc(o->f, va_arg(ap, const char *));
		fputc('"', o->f);
	}
	va_end(ap);
	fprintf(o->f, "%s %lld\n", n ? "}" : "", (long long)v);
}

static void
daemons(struct out *o)
{
	family(o, "tandem_daemon_up", "gauge",
	    "Whether the daemon answered the last poll of its control socket.");
	for (int i = 0; i < DMN__MAX; i++)
		sample(o, "tandem_daemon_up",
		    snmp_daemon_up(&o->d->m, (enum snmp_daemon)i),
		    "daemon", snmp_daemon_name((enum snmp_daemon)i), LBL_END);
}

static void
director(struct out *o)
{
	json_object *st = o->d->m.r[SRC_DIRECTOR];
	json_object *c = snmp_jget(st, "counters");

	if (st == NULL)
		return;
	family(o, "tandem_director_connections", "gauge",
	    "Entries in the connection table.");
	sample(o, "tandem_director_connections", snmp_jint(st, "conns", 0),
	    LBL_END);
	family(o, "tandem_director_connection_limit", "gauge",
	    "Size limit of the connection table.");
	sample(o, "tandem_director_connection_limit",
	    snmp_jint(st, "conn_max", 0), LBL_END);
	if (c == NULL || !json_object_is_type(c, json_type_object))
		return;
	family(o, "tandem_director_events_total", "counter",
	    "The director's named drop and event counters.");
	json_object_object_foreach(c, key, val) {
		sample(o, "tandem_director_events_total",
		    json_object_get_int64(val), "event", key, LBL_END);
	}
}

/* Label values of a service: protocol, vip, port. */
struct svc_labels {
	char proto[16], vip[64], port[8];
};

static void
svc_labels(json_object *svc, struct svc_labels *l)
{
	int64_t fwm = snmp_jint(svc, "fwmark", 0);

	snprintf(l->proto, sizeof(l->proto), "%s",
	    snmp_jstr(svc, "proto", "any"));
	if (fwm)
		snprintf(l->vip, sizeof(l->vip), "fwmark:%lld",
		    (long long)fwm);
	else
		snprintf(l->vip, sizeof(l->vip), "%s",
		    snmp_jstr(svc, "addr", ""));
	snprintf(l->port, sizeof(l->port), "%lld",
	    (long long)snmp_jint(svc, "port", 0));
}

/* The families a service and each of its real servers share. */
static const struct stat_family {
	const char *suffix, *type, *obj, *key, *dir, *help;
} stat_families[] = {
	{ "connections_total", "counter", "stats", "conns", NULL,
	  "Connections scheduled." },
	{ "packets_total", "counter", "stats", "inpkts", "in",
	  "Packets forwarded, by direction." },
	{ "packets_total", "counter", "stats", "outpkts", "out", NULL },
	{ "bytes_total", "counter", "stats", "inbytes", "in",
	  "Bytes forwarded, by direction." },
	{ "bytes_total", "counter", "stats", "outbytes", "out", NULL },
	{ "connections_per_second", "gauge", "rate", "cps", NULL,
	  "Connection rate (IPVS 2-second estimator)." },
	{ "packets_per_second", "gauge", "rate", "inpps", "in",
	  "Packet rate by direction (IPVS 2-second estimator)." },
	{ "packets_per_second", "gauge", "rate", "outpps", "out", NULL },
	{ "bytes_per_second", "gauge", "rate", "inbps", "in",
	  "Byte rate by direction (IPVS 2-second estimator)." },
	{ "bytes_per_second", "gauge", "rate", "outbps", "out", NULL },
};

static void
vs_family(struct out *o, json_object *svcs, const struct stat_family *sf)
{
	char name[96];
	size_t n = json_object_array_length(svcs);

	snprintf(name, sizeof(name), "tandem_virtual_server_%s", sf->suffix);
	if (sf->help)
		family(o, name, sf->type, sf->help);
	for (size_t i = 0; i < n; i++) {
		json_object *svc = json_object_array_get_idx(svcs, i);
		struct svc_labels l = { "", "", "" };
		int64_t v = snmp_jint(snmp_jget(svc, sf->obj), sf->key, 0);

		svc_labels(svc, &l);
		if (sf->dir)
			sample(o, name, v, "protocol", l.proto, "vip", l.vip,
			    "port", l.port, "direction", sf->dir, LBL_END);
		else
			sample(o, name, v, "protocol", l.proto, "vip", l.vip,
			    "port", l.port, LBL_END);
	}
}

/* One value of every real server: obj NULL reads key from the dest. */
static void
rs_family(struct out *o, json_object *svcs, const char *name,
    const char *obj, const char *key, const char *dir)
{
	size_t n = json_object_array_length(svcs);

	for (size_t i = 0; i < n; i++) {
		json_object *svc = json_object_array_get_idx(svcs, i);
		json_object *d = snmp_jarray(svc, "dests");
		size_t nd = d ? json_object_array_length(d) : 0;
		struct svc_labels l = { "", "", "" };

		svc_labels(svc, &l);
		for (size_t k = 0; k < nd; k++) {
			json_object *dst = json_object_array_get_idx(d, k);
			char port[8];
			int64_t v = snmp_jint(obj ? snmp_jget(dst, obj) : dst,
			    key, 0);

			snprintf(port, sizeof(port), "%lld",
			    (long long)snmp_jint(dst, "port", 0));
			if (dir)
				sample(o, name, v, "protocol", l.proto, "vip",
				    l.vip, "port", l.port, "server",
				    snmp_jstr(dst, "addr", ""), "server_port",
				    port, "direction", dir, LBL_END);
			else
				sample(o, name, v, "protocol", l.proto, "vip",
				    l.vip, "port", l.port, "server",
				    snmp_jstr(dst, "addr", ""), "server_port",
				    port, LBL_END);
		}
	}
}

static void
services(struct out *o)
{
	json_object *svcs = snmp_jarray(o->d->m.r[SRC_SERVICES], "services");
	static const struct {
		const char *name, *key, *help;
	} rs_gauges[] = {
		{ "tandem_real_server_weight", "weight", "Scheduling weight." },
		{ "tandem_real_server_active_connections", "active",
		  "Active connections (TCP established)." },
		{ "tandem_real_server_inactive_connections", "inactive",
		  "Inactive connections (other states)." },
		{ "tandem_real_server_persistent_connections", "persistconns",
		  "Persistence templates pointing at the server." },
	};
	char name[96];

	if (svcs == NULL)
		return;
	for (size_t i = 0; i < sizeof(stat_families) /
	    sizeof(stat_families[0]); i++)
		vs_family(o, svcs, &stat_families[i]);
	for (size_t i = 0; i < sizeof(rs_gauges) / sizeof(rs_gauges[0]);
	    i++) {
		family(o, rs_gauges[i].name, "gauge", rs_gauges[i].help);
		rs_family(o, svcs, rs_gauges[i].name, NULL, rs_gauges[i].key,
		    NULL);
	}
	for (size_t i = 0; i < sizeof(stat_families) /
	    sizeof(stat_families[0]); i++) {
		const struct stat_family *sf = &stat_families[i];
		snprintf(name, sizeof(name), "tandem_real_server_%s",
		    sf->suffix);
		if (sf->help)
			family(o, name, sf->type, sf->help);
		rs_family(o, svcs, name, sf->obj, sf->key, sf->dir);
	}
}

static const char *const vrrp_states[] = { "INIT", "BACKUP", "MASTER",
	"FAULT" };

static void
vrrp_counter(struct out *o, json_object *a, const char *name,
    const char *key, const char *help)
{
	size_t n = json_object_array_length(a);

	family(o, name, "counter", help);
	for (size_t i = 0; i < n; i++) {
		json_object *in = json_object_array_get_idx(a, i);
		sample(o, name, key[0] == '.' ? snmp_jint(in, key + 1, 0) :
		    snmp_jint(snmp_jget(in, "counters"), key, 0), "instance",
		    snmp_jstr(in, "name", ""), LBL_END);
	}
}

static void
vrrp(struct out *o)
{
	json_object *a = snmp_jarray(o->d->m.r[SRC_VRRPD], "instances");
	size_t n;

	if (a == NULL)
		return;
	n = json_object_array_length(a);
	family(o, "tandem_vrrp_state", "gauge",
	    "1 for the state the VRRP instance is in, 0 for the others.");
	for (size_t i = 0; i < n; i++) {
		json_object *in = json_object_array_get_idx(a, i);
		const char *st = snmp_jstr(in, "state", "");
		for (size_t k = 0; k < 4; k++)
			sample(o, "tandem_vrrp_state",
			    strcmp(st, vrrp_states[k]) == 0, "instance",
			    snmp_jstr(in, "name", ""), "state", vrrp_states[k],
			    LBL_END);
	}
	family(o, "tandem_vrrp_priority", "gauge",
	    "Effective priority (configured, moved by tracking).");
	for (size_t i = 0; i < n; i++) {
		json_object *in = json_object_array_get_idx(a, i);
		sample(o, "tandem_vrrp_priority",
		    snmp_jint(in, "effective_priority", 0), "instance",
		    snmp_jstr(in, "name", ""), LBL_END);
	}
	vrrp_counter(o, a, "tandem_vrrp_transitions_total", ".transitions",
	    "State changes.");
	vrrp_counter(o, a, "tandem_vrrp_adverts_sent_total", "sent",
	    "Advertisements sent.");
	vrrp_counter(o, a, "tandem_vrrp_adverts_received_total", "received",
	    "Advertisements received.");
	family(o, "tandem_vrrp_errors_total", "counter",
	    "Advertisements refused, by reason.");
	for (size_t i = 0; i < n; i++) {
		json_object *in = json_object_array_get_idx(a, i);
		json_object *e = snmp_jget(snmp_jget(in, "counters"), "errors");
		if (e == NULL || !json_object_is_type(e, json_type_object))
			continue;
		json_object_object_foreach(e, key, val) {
			sample(o, "tandem_vrrp_errors_total",
			    json_object_get_int64(val), "instance",
			    snmp_jstr(in, "name", ""), "reason", key, LBL_END);
		}
	}
}

static void
by_reason(struct out *o, json_object *obj, const char *name,
    const char *help)
{
	if (obj == NULL || !json_object_is_type(obj, json_type_object))
		return;
	family(o, name, "counter", help);
	json_object_object_foreach(obj, key, val) {
		sample(o, name, json_object_get_int64(val), "reason", key,
		    LBL_END);
	}
}

/* syncd's lag quantiles (sync/lag.h), in microseconds. */
static void
sync_lag(struct out *o, json_object *lag)
{
	static const char *const sides[] = { "master", "install" };

	if (lag == NULL)
		return;
	family(o, "tandem_sync_lag_microseconds", "gauge",
	    "Sync lag over the last 1024 samples: changes held in the "
	    "master's director (side=master), a datagram's install on the "
	    "backup (side=install).");
	for (size_t i = 0; i < 2; i++) {
		json_object *q = snmp_jget(lag, sides[i]);

		if (q == NULL)
			continue;
		sample(o, "tandem_sync_lag_microseconds", (int64_t)(1000 *
		    json_object_get_double(snmp_jget(q, "median_ms")) + 0.5),
		    "side", sides[i], "quantile", "0.5", LBL_END);
		sample(o, "tandem_sync_lag_microseconds", (int64_t)(1000 *
		    json_object_get_double(snmp_jget(q, "p99_ms")) + 0.5),
		    "side", sides[i], "quantile", "0.99", LBL_END);
	}
}

static void
sync_more(struct out *o, json_object *s)
{
	static const struct {
		const char *key, *name, *help;
	} c[] = {
		{ "datagrams_sent", "tandem_sync_datagrams_sent_total",
		  "Sync datagrams sent (as master)." },
		{ "gaps", "tandem_sync_gaps_total",
		  "Sequence gaps found in the master's datagrams." },
		{ "resent", "tandem_sync_resent_total",
		  "Datagrams resent on a NACK." },
		{ "lost", "tandem_sync_lost_total",
		  "Datagrams lost beyond what the master could resend." },
		{ "auth_failures", "tandem_sync_auth_failures_total",
		  "Datagrams refused by their HMAC (or for lacking one)." },
	};
	static const char *const roles[] = { "master", "backup", "none" };
	const char *role = snmp_jstr(s, "role", "none");

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		family(o, c[i].name, "counter", c[i].help);
		sample(o, c[i].name, snmp_jint(s, c[i].key, 0), LBL_END);
	}
	family(o, "tandem_sync_role", "gauge",
	    "1 for the sync role this node has, 0 for the others.");
	for (size_t i = 0; i < 3; i++)
		sample(o, "tandem_sync_role", strcmp(role, roles[i]) == 0,
		    "role", roles[i], LBL_END);
	family(o, "tandem_sync_peer_up", "gauge",
	    "Whether this backup has a sync master to follow (0 as master).");
	sample(o, "tandem_sync_peer_up", strcmp(role, "backup") == 0 &&
	    snmp_jstr(s, "peer", "")[0] != '\0', LBL_END);
	family(o, "tandem_sync_in_sync", "gauge",
	    "Whether the connection table is complete.");
	sample(o, "tandem_sync_in_sync", snmp_jbool(s, "in_sync"), LBL_END);
	family(o, "tandem_sync_last_received_age_milliseconds", "gauge",
	    "Time since the last sync datagram was received (0: never).");
	sample(o, "tandem_sync_last_received_age_milliseconds",
	    snmp_jint(s, "last_received_ms_ago", 0), LBL_END);
	sync_lag(o, snmp_jget(s, "lag"));
}

static void
sync_metrics(struct out *o)
{
	json_object *s = o->d->m.r[SRC_SYNCD];
	static const struct {
		const char *key, *name, *help;
	} c[] = {
		{ "datagrams_received", "tandem_sync_datagrams_received_total",
		  "Sync datagrams accepted." },
		{ "entries_received", "tandem_sync_entries_received_total",
		  "Connection entries accepted." },
		{ "receive_errors", "tandem_sync_receive_errors_total",
		  "Socket receive errors." },
	};

	if (s == NULL)
		return;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		family(o, c[i].name, "counter", c[i].help);
		sample(o, c[i].name, snmp_jint(s, c[i].key, 0), LBL_END);
	}
	by_reason(o, snmp_jget(s, "refused"), "tandem_sync_refused_total",
	    "Sync datagrams refused, by reason.");
	by_reason(o, snmp_jget(s, "entries_refused"),
	    "tandem_sync_entries_refused_total",
	    "Connection entries refused, by reason.");
	sync_more(o, s);
}

/* One value of each check: key NULL gives 1 for up, 0 for down. */
static void
check_family(struct out *o, json_object *a, const char *name,
    const char *type, const char *key, const char *help)
{
	size_t n = json_object_array_length(a);

	family(o, name, type, help);
	for (size_t i = 0; i < n; i++) {
		json_object *c = json_object_array_get_idx(a, i);
		char port[8];

		snprintf(port, sizeof(port), "%lld",
		    (long long)snmp_jint(c, "rs_port", 0));
		sample(o, name, key ? snmp_jint(c, key, 0) :
		    strcmp(snmp_jstr(c, "state", ""), "up") == 0,
		    "virtual_server", snmp_jstr(c, "vs", ""), "server",
		    snmp_jstr(c, "rs", ""), "server_port", port, "type",
		    snmp_jstr(c, "type", ""), LBL_END);
	}
}

static void
checks(struct out *o)
{
	json_object *a = snmp_jarray(o->d->m.r[SRC_CHECKD], "checks");
	json_object *q = snmp_jarray(o->d->m.r[SRC_CHECKD], "virtual_servers");
	size_t nq = q ? json_object_array_length(q) : 0;

	if (a != NULL) {
		check_family(o, a, "tandem_check_up", "gauge", NULL,
		    "1 when the real server's health check is up.");
		check_family(o, a, "tandem_check_runs_total", "counter",
		    "checks", "Health checks run.");
		check_family(o, a, "tandem_check_failures_total", "counter",
		    "failed", "Health checks that failed.");
		check_family(o, a, "tandem_check_changes_total", "counter",
		    "changes", "Changes of the check's state.");
	}
	if (q == NULL)
		return;
	family(o, "tandem_quorum_up", "gauge",
	    "1 when the virtual server has its quorum of healthy servers.");
	for (size_t i = 0; i < nq; i++) {
		json_object *v = json_object_array_get_idx(q, i);
		sample(o, "tandem_quorum_up", snmp_jbool(v, "quorum_up"),
		    "virtual_server", snmp_jstr(v, "vs", ""), "name",
		    snmp_jstr(v, "name", ""), LBL_END);
	}
}

static void
self(struct out *o)
{
	family(o, "tandem_snmp_agentx_connected", "gauge",
	    "Whether the AgentX session to the master agent is open.");
	sample(o, "tandem_snmp_agentx_connected",
	    snmp_agent_connected(o->d->agent), LBL_END);
	family(o, "tandem_snmp_traps_sent_total", "counter",
	    "Notifications sent to the master agent.");
	sample(o, "tandem_snmp_traps_sent_total",
	    (int64_t)o->d->traps_sent, LBL_END);
	family(o, "tandem_snmp_http_refused_total", "counter",
	    "HTTP requests refused (malformed, oversized, unknown path).");
	sample(o, "tandem_snmp_http_refused_total",
	    (int64_t)snmp_http_refused(o->d->http), LBL_END);
}

char *
snmp_metrics_text(const struct snmpd *d, size_t *len)
{
	struct out o = { NULL, d };
	char *buf = NULL;

	if ((o.f = open_memstream(&buf, len)) == NULL)
		return NULL;
	daemons(&o);
	director(&o);
	services(&o);
	vrrp(&o);
	sync_metrics(&o);
	checks(&o);
	self(&o);
	if (fclose(o.f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* /status: the daemons' last replies as they sent them, side by side. */
json_object *
snmp_status_json(const struct snmpd *d)
{
	static const char *const keys[SRC__MAX] = {
		"director", "services", "vrrpd", "syncd", "checkd",
	};
	json_object *o = json_object_new_object(), *up;

	up = json_object_new_object();
	for (int i = 0; i < DMN__MAX; i++)
		json_object_object_add(up, snmp_daemon_name((enum snmp_daemon)i),
		    json_object_new_boolean(snmp_daemon_up(&d->m,
		    (enum snmp_daemon)i)));
	json_object_object_add(o, "up", up);
	for (int i = 0; i < SRC__MAX; i++)
		json_object_object_add(o, keys[i], d->m.r[i] ?
		    json_object_get(d->m.r[i]) : NULL);
	json_object_object_add(o, "agentx_connected",
	    json_object_new_boolean(snmp_agent_connected(d->agent)));
	json_object_object_add(o, "traps_sent",
	    json_object_new_int64((int64_t)d->traps_sent));
	return o;
}
