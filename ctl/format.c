/* The director's replies printed as ipvsadm prints the kernel's tables:
 * the same format strings, column widths, trailing spaces and sort order,
 * so that scripts reading ipvsadm's output read tandemctl's unchanged.
 * Missing or mistyped reply fields print as zero or empty, never crash. */
#include "format.h"

#include "addr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NAME_LEN	128	/* service names: protocol and address:port */
#define AP_LEN		80	/* address:port; raw addresses are cut */

/* One service or destination from a reply, with its sort keys. */
struct row {
	json_object	*o;
	struct tnd_addr	 addr;
	int		 proto;
	uint16_t	 port;
	uint32_t	 fwmark;	/* a service group */
};

struct proto_info {
	const char	*json;		/* in replies */
	int		 num;
	const char	*name;		/* -L */
	const char	*flag;		/* -S */
};

static const struct proto_info protos[] = {
	{ "tcp", IPPROTO_TCP, "TCP", "-t" },
	{ "udp", IPPROTO_UDP, "UDP", "-u" },
	{ "sctp", IPPROTO_SCTP, "SCTP", "--sctp-service" },
};
static const struct proto_info proto_unknown = { "", 0, "?", "--xxx-service" };

/* --- reading replies -------------------------------------------------- */

static json_object *
jget(json_object *o, const char *key)
{
	json_object *v;

	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static const char *
jstr(json_object *o, const char *key)
{
	json_object *v = jget(o, key);

	if (v == NULL || !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

static uint64_t
jval(json_object *v)
{
	const char *s;

	switch (v ? json_object_get_type(v) : json_type_null) {
	case json_type_boolean:
		return json_object_get_boolean(v) ? 1 : 0;
	case json_type_int:
		return json_object_get_int64(v) < 0 ? 0 : json_object_get_uint64(v);
	case json_type_double:
		return json_object_get_double(v) > 0 ?
		    (uint64_t)json_object_get_double(v) : 0;
	case json_type_string:
		s = json_object_get_string(v);
		return isdigit((unsigned char)s[0]) ? strtoull(s, NULL, 10) : 0;
	default:
		return 0;
	}
}

static uint64_t
jnum(json_object *o, const char *key)
{
	return jval(jget(o, key));
}

/* A statistics counter: "stats" holds counts; rates may come in "rate"
 * or in "stats" (the director may not report them yet: zero). */
static uint64_t
jstat(json_object *o, const char *key)
{
	json_object *v = jget(jget(o, "rate"), key);

	return v ? jval(v) : jnum(jget(o, "stats"), key);
}

static json_object *
jarray(json_object *o, const char *key)
{
	json_object *v = jget(o, key);

	return v && json_object_is_type(v, json_type_array) ? v : NULL;
}

static const struct proto_info *
proto_find(const char *s)
{
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (strcasecmp(s, protos[i].json) == 0)
			return &protos[i];
	return &proto_unknown;
}

/* --- rows and ipvsadm's sort order ------------------------------------ */

static struct row *
rows_build(json_object *arr, size_t *n)
{
	struct row *rows;

	*n = arr ? json_object_array_length(arr) : 0;
	if (*n == 0 || (rows = calloc(*n, sizeof(*rows))) == NULL) {
		*n = 0;
		return NULL;
	}
	for (size_t i = 0; i < *n; i++) {
		struct row *r = &rows[i];
		r->o = json_object_array_get_idx(arr, i);
		if (addr_parse(jstr(r->o, "addr"), &r->addr) == -1)
			memset(&r->addr, 0, sizeof(r->addr));
		r->proto = proto_find(jstr(r->o, "proto"))->num;
		r->port = (uint16_t)jnum(r->o, "port");
		r->fwmark = (uint32_t)jnum(r->o, "fwmark");
	}
	return rows;
}

static uint32_t
addr_word(const struct tnd_addr *a, int i)
{
	const uint8_t *b = a->bytes + (size_t)i * 4;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

/*
 * libipvs compares addresses as the int difference of host-order words,
 * so addresses more than 2^31 apart wrap (200.0.0.0 sorts before
 * 1.0.0.0). We keep that order: ipvsadm users see it today.
 */
static int
addr_cmp_ipvs(const struct tnd_addr *a, const struct tnd_addr *b)
{
	int words = a->af == AF_INET6 ? 4 : 1, r = 0;

	for (int i = 0; r == 0 && i < words; i++)
		r = (int)(addr_word(a, i) - addr_word(b, i));
	return r;
}

static int
svc_cmp(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	int r;

	/* libipvs ipvs_cmp_services: the mark first, so groups come last. */
	if (a->fwmark != b->fwmark)
		return a->fwmark < b->fwmark ? -1 : 1;
	if ((r = a->addr.af - b->addr.af) != 0)
		return r;
	if ((r = a->proto - b->proto) != 0)
		return r;
	if ((r = addr_cmp_ipvs(&a->addr, &b->addr)) != 0)
		return r;
	return a->port - b->port;
}

static int
dest_cmp(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	int r;

	if ((r = addr_cmp_ipvs(&a->addr, &b->addr)) != 0)
		return r;
	return a->port - b->port;
}

/* --- names ------------------------------------------------------------ */

/* addrport_to_anyname with -n: a.b.c.d:port or [v6]:port. */
static void
addrport(char *buf, size_t len, const char *raw, const struct tnd_addr *a,
    unsigned port)
{
	char s[ADDR_STRLEN];

	if (a->af == AF_INET6)
		snprintf(buf, len, "[%s]:%u", addr_str(a, s, sizeof(s)), port);
	else if (a->af == AF_INET)
		snprintf(buf, len, "%s:%u", addr_str(a, s, sizeof(s)), port);
	else
		snprintf(buf, len, "%s:%u", raw, port);
}

static void
row_addrport(char *buf, size_t len, const struct row *r)
{
	addrport(buf, len, jstr(r->o, "addr"), &r->addr, r->port);
}

static void
svc_name(char *buf, size_t len, const struct row *r, unsigned fmt)
{
	const struct proto_info *p = proto_find(jstr(r->o, "proto"));
	char ap[AP_LEN];

	if (r->fwmark) {		/* ipvsadm's firewall-mark service */
		snprintf(buf, len, fmt & FMT_RULE ? "-f %u" : "FWM  %u", r->fwmark);
		return;
	}
	row_addrport(ap, sizeof(ap), r);
	if (fmt & FMT_RULE) {
		snprintf(buf, len, "%s %s", p->flag, ap);
		return;
	}
	snprintf(buf, len, "%-4s %s", p->name, ap);
	if (r->addr.af != AF_INET6 && len > 33)
		buf[33] = '\0';
}

static const char *
fwd_name(const char *m)
{
	if (strcasecmp(m, "nat") == 0)
		return "Masq";
	if (strcasecmp(m, "tun") == 0)
		return "Tunnel";
	if (strcasecmp(m, "local") == 0)
		return "Local";
	if (strcasecmp(m, "dr") == 0 || *m == '\0')
		return "Route";
	return m;
}

static const char *
fwd_switch(const char *m)
{
	if (strcasecmp(m, "nat") == 0)
		return "-m";
	if (strcasecmp(m, "tun") == 0)
		return "-i";
	return "-g";
}

/*
 * The persistence mask when it is not the full one: IPv4 dotted (given
 * dotted or as a prefix length), IPv6 a prefix length. 0 when full.
 */
static int
mask_str(json_object *svc, int af, char *buf, size_t len)
{
	json_object *v = jget(svc, "netmask");
	const char *s = v ? json_object_get_string(v) : "";
	struct in_addr in;
	long prefix = -1;

	if (v == NULL || json_object_is_type(v, json_type_null))
		return 0;
	if (json_object_is_type(v, json_type_int) ||
	    (s[0] != '\0' && strspn(s, "0123456789") == strlen(s)))
		prefix = strtol(s, NULL, 10);
	if (af == AF_INET6) {
		if (prefix < 0 || prefix == 128)
			return 0;
		snprintf(buf, len, "%ld", prefix);
		return 1;
	}
	if (prefix >= 0 && prefix <= 32)
		in.s_addr = htonl(prefix == 0 ? 0 : 0xffffffffu << (32 - prefix));
	else if (prefix >= 0 || inet_aton(s, &in) == 0)
		return 0;
	if (in.s_addr == 0xffffffffu)
		return 0;
	inet_ntop(AF_INET, &in, buf, (socklen_t)len);
	return 1;
}

/* Scheduler flags as ipvsadm prints them: "sh-fallback,sh-port". */
static int
sched_flags_str(json_object *svc, char *buf, size_t len)
{
	json_object *v = jget(svc, "sched_flags");
	size_t off = 0;

	buf[0] = '\0';
	if (v && json_object_is_type(v, json_type_string))
		snprintf(buf, len, "%s", json_object_get_string(v));
	else if (v && json_object_is_type(v, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			const char *f = json_object_get_string(
			    json_object_array_get_idx(v, i));
			int n = snprintf(buf + off, len - off, "%s%s",
			    off ? "," : "", f ? f : "");
			if (n < 0 || (size_t)n >= len - off)
				break;
			off += (size_t)n;
		}
	}
	return buf[0] != '\0';
}

static int
jbool(json_object *o, const char *key)
{
	json_object *v = jget(o, key);

	return v && json_object_get_boolean(v);
}

/* --- numbers ---------------------------------------------------------- */

void
fmt_largenum(FILE *out, uint64_t v, unsigned fmt)
{
	unsigned long long i = v;

	if (fmt & FMT_EXACT) {
		char tmp[32];
		int len = snprintf(tmp, sizeof(tmp), "%llu", i);
		fprintf(out, "%*llu", len <= 8 ? 9 : len + 1, i);
	} else if (i < 100000000ULL)
		fprintf(out, "%9llu", i);
	else if (i < 1000000000ULL)
		fprintf(out, "%8lluK", i / 1000);
	else if (i < 100000000000ULL)
		fprintf(out, "%8lluM", i / 1000000);
	else if (i < 100000000000000ULL)
		fprintf(out, "%8lluG", i / 1000000000ULL);
	else
		fprintf(out, "%8lluT", i / 1000000000000ULL);
}

static void
largenums(FILE *out, json_object *o, const char *const keys[5], unsigned fmt)
{
	for (int i = 0; i < 5; i++)
		fmt_largenum(out, jstat(o, keys[i]), fmt);
}

static const char *const stat_keys[5] = {
	"conns", "inpkts", "outpkts", "inbytes", "outbytes"
};
static const char *const rate_keys[5] = {
	"cps", "inpps", "outpps", "inbps", "outbps"
};

/* --- services and destinations ---------------------------------------- */

static void
title(FILE *out, unsigned fmt)
{
	const char *lead = "Prot LocalAddress:Port";

	if (fmt & FMT_STATS)
		fprintf(out, "%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n",
		    lead, "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes");
	else if (fmt & FMT_RATE)
		fprintf(out, "%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n",
		    lead, "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS");
	else if (fmt & FMT_THRESHOLDS)
		fprintf(out, "%-33s %-10s %-10s %-10s %-10s\n  -> RemoteAddress:Port\n",
		    lead, "Uthreshold", "Lthreshold", "ActiveConn", "InActConn");
	else if (fmt & FMT_PERSISTENTCONN)
		fprintf(out, "%-33s %-9s %-11s %-10s %-10s\n  -> RemoteAddress:Port\n",
		    lead, "Weight", "PersistConn", "ActiveConn", "InActConn");
	else if (!(fmt & FMT_RULE))
		fprintf(out, "Prot LocalAddress:Port Scheduler Flags\n"
		    "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
}

static void
svc_rule(FILE *out, const char *name, const struct row *r)
{
	char buf[NAME_LEN];
	uint64_t persistent = jnum(r->o, "persistent");

	fprintf(out, "-A %s -s %s", name, jstr(r->o, "scheduler"));
	if (persistent) {
		fprintf(out, " -p %llu", (unsigned long long)persistent);
		if (mask_str(r->o, r->addr.af, buf, sizeof(buf)))
			fprintf(out, " -M %s", buf);
		if (*jstr(r->o, "pe"))
			fprintf(out, " --pe %s", jstr(r->o, "pe"));
	}
	if (jbool(r->o, "ops"))
		fprintf(out, " -o");
	if (sched_flags_str(r->o, buf, sizeof(buf)))
		fprintf(out, " -b %s", buf);
}

static void
svc_plain(FILE *out, const char *name, const struct row *r)
{
	char buf[NAME_LEN];
	uint64_t persistent = jnum(r->o, "persistent");

	fprintf(out, "%s %s", name, jstr(r->o, "scheduler"));
	if (sched_flags_str(r->o, buf, sizeof(buf)))
		fprintf(out, " (%s)", buf);
	if (persistent) {
		fprintf(out, " persistent %llu", (unsigned long long)persistent);
		if (mask_str(r->o, r->addr.af, buf, sizeof(buf)))
			fprintf(out, " mask %s", buf);
		if (*jstr(r->o, "pe"))
			fprintf(out, " pe %s", jstr(r->o, "pe"));
	}
	if (jbool(r->o, "ops"))
		fprintf(out, " ops");
}

static void
svc_line(FILE *out, const char *name, const struct row *r, unsigned fmt)
{
	if (fmt & FMT_RULE)
		svc_rule(out, name, r);
	else if (fmt & FMT_STATS) {
		fprintf(out, "%-33s", name);
		largenums(out, r->o, stat_keys, fmt);
	} else if (fmt & FMT_RATE) {
		fprintf(out, "%-33s", name);
		largenums(out, r->o, rate_keys, fmt);
	} else
		svc_plain(out, name, r);
	fputc('\n', out);
}

static void
dest_rule(FILE *out, const char *svcname, const char *dname,
    const struct row *d)
{
	uint64_t u = jnum(d->o, "u_threshold"), l = jnum(d->o, "l_threshold");

	fprintf(out, "-a %s -r %s %s -w %lld", svcname, dname,
	    fwd_switch(jstr(d->o, "method")), (long long)jnum(d->o, "weight"));
	/* ipvsadm -S drops thresholds; we keep them so -R restores them. */
	if (u)
		fprintf(out, " -x %llu", (unsigned long long)u);
	if (l)
		fprintf(out, " -y %llu", (unsigned long long)l);
	/* ipvsadm 1.31 saves the tunnel type and its options. */
	const char *tt = jstr(d->o, "tun_type");
	if (*tt && strcmp(tt, "ipip") != 0) {
		fprintf(out, " --tun-type %s", tt);
		if (strcmp(tt, "gue") == 0)
			fprintf(out, " --tun-port %lld", (long long)jnum(d->o, "tun_port"));
		if (jnum(d->o, "tun_csum"))
			fprintf(out, " --tun-csum");
	}
	fputc('\n', out);
}

static void
dest_line(FILE *out, const char *svcname, int svc_af, const struct row *d,
    unsigned fmt)
{
	unsigned long long active = jnum(d->o, "active");
	unsigned long long inactive = jnum(d->o, "inactive");
	char dname[AP_LEN];

	row_addrport(dname, sizeof(dname), d);
	if (!(fmt & FMT_RULE) && svc_af != AF_INET6)
		dname[28] = '\0';
	if (fmt & FMT_RULE) {
		dest_rule(out, svcname, dname, d);
	} else if (fmt & FMT_STATS) {
		fprintf(out, "  -> %-28s", dname);
		largenums(out, d->o, stat_keys, fmt);
		fputc('\n', out);
	} else if (fmt & FMT_RATE) {
		fprintf(out, "  -> %-28s %8llu %8llu %8llu", dname,
		    (unsigned long long)jstat(d->o, "cps"),
		    (unsigned long long)jstat(d->o, "inpps"),
		    (unsigned long long)jstat(d->o, "outpps"));
		fmt_largenum(out, jstat(d->o, "inbps"), fmt);
		fmt_largenum(out, jstat(d->o, "outbps"), fmt);
		fputc('\n', out);
	} else if (fmt & FMT_THRESHOLDS) {
		fprintf(out, "  -> %-28s %-10llu %-10llu %-10llu %-10llu\n", dname,
		    (unsigned long long)jnum(d->o, "u_threshold"),
		    (unsigned long long)jnum(d->o, "l_threshold"),
		    active, inactive);
	} else if (fmt & FMT_PERSISTENTCONN) {
		fprintf(out, "  -> %-28s %-9llu %-11llu %-10llu %-10llu\n", dname,
		    (unsigned long long)jnum(d->o, "weight"),
		    (unsigned long long)jnum(d->o, "persistconns"),
		    active, inactive);
	} else {
		fprintf(out, "  -> %-28s %-7s %-6lld %-10llu %-10llu\n", dname,
		    fwd_name(jstr(d->o, "method")),
		    (long long)jnum(d->o, "weight"), active, inactive);
	}
}

static void
service_print(FILE *out, const struct row *s, unsigned fmt)
{
	char name[NAME_LEN];
	struct row *dests;
	size_t n;

	svc_name(name, sizeof(name), s, fmt);
	svc_line(out, name, s, fmt);
	dests = rows_build(jarray(s->o, "dests"), &n);
	if (!(fmt & FMT_NOSORT) && n > 1)
		qsort(dests, n, sizeof(*dests), dest_cmp);
	for (size_t i = 0; i < n; i++)
		dest_line(out, name, s->addr.af, &dests[i], fmt);
	free(dests);
}

static void
services_print(FILE *out, json_object *reply, unsigned fmt)
{
	size_t n;
	struct row *svcs = rows_build(jarray(reply, "services"), &n);

	if (!(fmt & FMT_NOSORT) && n > 1)
		qsort(svcs, n, sizeof(*svcs), svc_cmp);
	for (size_t i = 0; i < n; i++)
		service_print(out, &svcs[i], fmt);
	free(svcs);
}

void
fmt_list(FILE *out, json_object *reply, unsigned fmt, int single)
{
	fmt &= ~(unsigned)FMT_RULE;
	if (!single) {
		uint64_t size = jget(reply, "conn_tab_size") ?
		    jnum(reply, "conn_tab_size") : FMT_DEFAULT_TABSIZE;
		fprintf(out, "IP Virtual Server version %s (size=%llu)\n",
		    FMT_IPVS_VERSION, (unsigned long long)size);
	}
	title(out, fmt);
	services_print(out, reply, fmt);
}

void
fmt_save(FILE *out, json_object *reply, unsigned fmt)
{
	/* ipvsadm -S always sorts: --nosort is refused with -S. */
	services_print(out, reply, (fmt | FMT_RULE) & ~(unsigned)FMT_NOSORT);
}

/* --- connections and timeouts ----------------------------------------- */

void
fmt_conns_header(FILE *out)
{
	fprintf(out, "IPVS connection entries\n");
	fprintf(out, "pro expire %-11s %-18s %-18s %s\n", "state", "source",
	    "virtual", "destination");
}

static void
conn_addr(char *buf, size_t len, json_object *c, const char *akey,
    const char *pkey)
{
	struct tnd_addr a;
	const char *raw = jstr(c, akey);

	if (addr_parse(raw, &a) == -1)
		memset(&a, 0, sizeof(a));
	addrport(buf, len, raw, &a, (uint16_t)jnum(c, pkey));
}

static void
conn_line(FILE *out, json_object *c)
{
	char proto[8], expire[24], cname[AP_LEN], vname[AP_LEN],
	    dname[AP_LEN];
	uint64_t secs = jnum(c, "expire_ms") / 1000;
	size_t i;

	snprintf(proto, sizeof(proto), "%s", jstr(c, "proto"));
	for (i = 0; proto[i]; i++)
		proto[i] = (char)toupper((unsigned char)proto[i]);
	snprintf(expire, sizeof(expire), "%02llu:%02llu",
	    (unsigned long long)(secs / 60), (unsigned long long)(secs % 60));
	conn_addr(cname, sizeof(cname), c, "caddr", "cport");
	conn_addr(vname, sizeof(vname), c, "vaddr", "vport");
	conn_addr(dname, sizeof(dname), c, "daddr", "dport");
	fprintf(out, "%-3s %-6s %-11s %-18s %-18s %s\n", proto, expire,
	    jstr(c, "state"), cname, vname, dname);
}

void
fmt_conns(FILE *out, json_object *reply, unsigned fmt)
{
	json_object *conns = jarray(reply, "conns");
	size_t n = conns ? json_object_array_length(conns) : 0;

	(void)fmt;	/* numeric always: see tandemctl(8) */
	for (size_t i = 0; i < n; i++)
		conn_line(out, json_object_array_get_idx(conns, i));
}

void
fmt_timeouts(FILE *out, json_object *reply)
{
	fprintf(out, "Timeout (tcp tcpfin udp): %llu %llu %llu\n",
	    (unsigned long long)jnum(reply, "tcp"),
	    (unsigned long long)jnum(reply, "tcpfin"),
	    (unsigned long long)jnum(reply, "udp"));
}

void
fmt_json(FILE *out, json_object *reply)
{
	fprintf(out, "%s\n", json_object_to_json_string_ext(reply,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* --- tandemctl status ------------------------------------------------- */

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A scalar or a list of scalars as plain text: 10, eth0, a,b. */
static void
value_print(FILE *out, json_object *v)
{
	if (v && json_object_is_type(v, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(v); i++)
			fprintf(out, "%s%s", i ? "," : "", json_object_get_string(
			    json_object_array_get_idx(v, i)));
		return;
	}
	fprintf(out, "%s", v ? json_object_get_string(v) : "-");
}

/* One owned instance: its name, then key=value for the rest. */
static void
owned_print(FILE *out, json_object *inst)
{
	const char *label = jstr(inst, "instance");

	if (!json_object_is_type(inst, json_type_object)) {
		fprintf(out, "  ");
		value_print(out, inst);
		fputc('\n', out);
		return;
	}
	if (*label == '\0')
		label = jstr(inst, "name");
	fprintf(out, "  %s", *label ? label : "-");
	json_object_object_foreach(inst, key, val) {
		if (strcmp(key, "instance") == 0 || strcmp(key, "name") == 0)
			continue;
		fprintf(out, " %s=", key);
		value_print(out, val);
	}
	fputc('\n', out);
}

static void
counters_print(FILE *out, json_object *counters)
{
	const char **keys;
	size_t n = 0, width = 24;

	if (counters == NULL || !json_object_is_type(counters, json_type_object) ||
	    json_object_object_length(counters) == 0) {
		fprintf(out, "  none\n");
		return;
	}
	keys = calloc((size_t)json_object_object_length(counters), sizeof(*keys));
	if (keys == NULL)
		return;
	json_object_object_foreach(counters, key, val) {
		(void)val;
		keys[n++] = key;
		if (strlen(key) > width)
			width = strlen(key);
	}
	qsort(keys, n, sizeof(*keys), key_cmp);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "  %-*s ", (int)width, keys[i]);
		value_print(out, jget(counters, keys[i]));
		fputc('\n', out);
	}
	free(keys);
}

void
fmt_status(FILE *out, json_object *reply)
{
	json_object *owned = jarray(reply, "owned");
	size_t n = owned ? json_object_array_length(owned) : 0;

	fprintf(out, "Director\n");
	fprintf(out, "  %-24s %llu\n", "connections",
	    (unsigned long long)jnum(reply, "conns"));
	fprintf(out, "  %-24s %llu\n", "connection limit",
	    (unsigned long long)jnum(reply, "conn_max"));
	fprintf(out, "  %-24s %llu\n", "workers",
	    (unsigned long long)jnum(reply, "workers"));
	fprintf(out, "  %-24s %llu\n", "control messages refused",
	    (unsigned long long)jnum(reply, "ctl_refused"));
	fprintf(out, "Owned instances\n");
	if (n == 0)
		fprintf(out, "  none\n");
	for (size_t i = 0; i < n; i++)
		owned_print(out, json_object_array_get_idx(owned, i));
	fprintf(out, "Counters\n");
	counters_print(out, jget(reply, "counters"));
}
