/* The checks from the config: one hc_vs per virtual server, one hc per
 * real server with a check; and SIGHUP's reload, which keeps the state,
 * counters and reports of every check that is still there (matched by
 * virtual server and real server) and releases the ones that are gone. */
#include "checkd.h"
#include "dns_wire.h"
#include "log.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <openssl/ssl.h>

static void
vs_label(struct hc_vs *vs)
{
	char a[ADDR_STRLEN];
	const struct conf_vs *c = &vs->conf;

	if (c->fwmark)
		snprintf(vs->label, sizeof(vs->label), "FWM %u", c->fwmark);
	else
		snprintf(vs->label, sizeof(vs->label), "%s %s%s%s:%u",
		    c->proto == IPPROTO_UDP ? "UDP" : c->proto == IPPROTO_SCTP ?
		    "SCTP" : "TCP", c->addr.af == AF_INET6 ? "[" : "",
		    addr_str(&c->addr, a, sizeof(a)),
		    c->addr.af == AF_INET6 ? "]" : "", c->port);
}

static void
check_free(struct hc *h)
{
	hc_cancel(h);
	if (h->regex) {
		regfree(h->regex);
		free(h->regex);
	}
	SSL_CTX_free(h->tls);
	free(h);
}

static int
check_regex(struct hc *h, const char *re)
{
	if (re[0] == '\0')
		return 0;
	if ((h->regex = malloc(sizeof(regex_t))) == NULL)
		return -1;
	if (regcomp(h->regex, re, REG_EXTENDED | REG_NOSUB) != 0) {
		free(h->regex);
		h->regex = NULL;
		log_warnx("%s: bad regex %s", h->rs->vs->label, re);
		return -1;
	}
	return 0;
}

static struct hc *
check_new(struct checkd *d, struct hc_rs *rs)
{
	const struct conf_check *ck = &rs->conf.check;
	struct hc *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return NULL;
	h->d = d;
	h->rs = rs;
	h->ck = ck;
	h->fd = -1;
	h->weight = -1;
	h->last_ok = -1;
	h->type = (enum hc_type)hc_type_parse(ck->type);
	h->addr = ck->connect_ip.af ? ck->connect_ip : rs->conf.addr;
	h->port = ck->connect_port ? ck->connect_port : rs->conf.port;
	hc_hyst_init(&h->hyst, !rs->vs->conf.alpha, ck->rise, ck->fall);
	if ((int)h->type < 0)
		goto bad;
	if ((h->type == HC_HTTP || h->type == HC_HTTPS) &&
	    check_regex(h, ck->regex) == -1)
		goto bad;
	if (h->type == HC_UDP && check_regex(h, ck->expect) == -1)
		goto bad;
	if (h->type == HC_DNS) {
		h->qtype = dns_qtype(ck->query_type);
		if (ck->expect[0] && addr_parse(ck->expect, &h->expect_addr) == -1) {
			log_warnx("%s: dns expect %s is not an address",
			    rs->vs->label, ck->expect);
			goto bad;
		}
	}
	if (h->type == HC_HTTPS && ck->tls_verify &&
	    (h->tls = hc_tls_ctx_verify(ck->ca_file)) == NULL)
		goto bad;
	return h;
bad:
	check_free(h);
	return NULL;
}

static void
vs_free(struct hc_vs *vs, int n)
{
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < vs[i].n_rs; j++)
			if (vs[i].rs[j].check)
				check_free(vs[i].rs[j].check);
		free(vs[i].rs);
	}
	free(vs);
}

/* Build the virtual servers and checks of c into d->vs and d->checks. */
static int
build(struct checkd *d, const struct tandem_conf *c)
{
	int n = 0;

	d->vs = calloc((size_t)c->n_vs + 1, sizeof(*d->vs));
	for (int i = 0; i < c->n_vs; i++)
		for (int j = 0; j < c->vs[i].n_rs; j++)
			n += c->vs[i].rs[j].check.present;
	if (n > 65535) {
		log_warnx("%d checks: at most 65535", n);
		return -1;
	}
	d->checks = calloc((size_t)n + 1, sizeof(struct hc *));
	if (d->vs == NULL || d->checks == NULL)
		return -1;
	for (int i = 0; i < c->n_vs; i++) {
		struct hc_vs *vs = &d->vs[d->n_vs++];
		vs->conf = c->vs[i];
		vs->conf.rs = NULL;
		vs_label(vs);
		if ((vs->rs = calloc((size_t)c->vs[i].n_rs + 1,
		    sizeof(*vs->rs))) == NULL)
			return -1;
		for (int j = 0; j < c->vs[i].n_rs; j++) {
			struct hc_rs *rs = &vs->rs[vs->n_rs++];
			rs->vs = vs;
			rs->conf = c->vs[i].rs[j];
			if (!rs->conf.check.present)
				continue;
			if ((rs->check = check_new(d, rs)) == NULL)
				return -1;
			rs->check->idx = d->n_checks;
			d->checks[d->n_checks++] = rs->check;
		}
		hc_vs_init(d, vs);
	}
	return 0;
}

static double
first_delay(const struct hc *h)
{
	double w = h->ck->warmup;

	return w > 0 ? w * ((double)random() / RAND_MAX) : 0;
}

static int
start_all(struct checkd *d)
{
	for (int i = 0; i < d->n_checks; i++)
		if (hc_start(d->checks[i], first_delay(d->checks[i])) == -1)
			return -1;
	return hc_icmp_open(d);
}

int
hc_setup(struct checkd *d, struct tandem_conf *c, int first)
{
	if (build(d, c) == -1 || start_all(d) == -1) {
		log_warnx("cannot set up the checks");
		return -1;
	}
	log_info("%d check(s) on %d virtual server(s)", d->n_checks, d->n_vs);
	return 0;
}

void
hc_teardown(struct checkd *d)
{
	vs_free(d->vs, d->n_vs);
	free(d->checks);
	d->vs = NULL;
	d->checks = NULL;
	d->n_vs = d->n_checks = 0;
}

static int
same_vs(const struct conf_vs *a, const struct conf_vs *b)
{
	if (a->fwmark || b->fwmark)
		return a->fwmark == b->fwmark;
	return a->proto == b->proto && a->port == b->port &&
	    addr_eq(&a->addr, &b->addr);
}

static struct hc_vs *
find_vs(struct hc_vs *vs, int n, const struct conf_vs *c)
{
	for (int i = 0; i < n; i++)
		if (same_vs(&vs[i].conf, c))
			return &vs[i];
	return NULL;
}

static struct hc_rs *
find_rs(struct hc_vs *vs, const struct conf_rs *c)
{
	for (int i = 0; vs && i < vs->n_rs; i++)
		if (vs->rs[i].conf.port == c->port &&
		    addr_eq(&vs->rs[i].conf.addr, &c->addr))
			return &vs->rs[i];
	return NULL;
}

/* Carry what an old check knew into its successor. */
static void
carry(struct hc *n, const struct hc *o)
{
	n->hyst.up = o->hyst.up;
	n->hyst.run = 0;
	if (n->ck->misc_dynamic)
		n->weight = o->weight;
	n->last_ok = o->last_ok;
	memcpy(n->reason, o->reason, sizeof(n->reason));
	n->latency_us = o->latency_us;
	n->last_ms = o->last_ms;
	n->n_checks = o->n_checks;
	n->n_ok = o->n_ok;
	n->n_fail = o->n_fail;
	n->n_timeouts = o->n_timeouts;
	n->n_missed = o->n_missed;
	n->n_changes = o->n_changes;
	n->max_late_ms = o->max_late_ms;
}

static void
carry_all(struct checkd *d, struct hc_vs *ovs, int on)
{
	for (int i = 0; i < d->n_vs; i++) {
		struct hc_vs *vs = &d->vs[i], *o = find_vs(ovs, on, &vs->conf);
		if (o == NULL)
			continue;
		vs->quorum_up = o->quorum_up;
		vs->sorry_sent = o->sorry_sent;
		vs->vrrp_sent = o->vrrp_sent;
		for (int j = 0; j < vs->n_rs; j++) {
			struct hc_rs *rs = &vs->rs[j], *orr = find_rs(o, &rs->conf);
			if (orr == NULL)
				continue;
			rs->sent = orr->sent;
			rs->sent_weight = orr->sent_weight;
			if (rs->check && orr->check)
				carry(rs->check, orr->check);
		}
	}
}

/* Real servers whose checks are gone: the director forgets its health
 * state for them (and restores an inhibited weight). */
static void
release_gone(struct checkd *d, struct hc_vs *ovs, int on)
{
	for (int i = 0; i < on; i++) {
		struct hc_vs *nvs = find_vs(d->vs, d->n_vs, &ovs[i].conf);
		for (int j = 0; j < ovs[i].n_rs; j++) {
			struct hc_rs *orr = &ovs[i].rs[j];
			struct hc_rs *nrs = find_rs(nvs, &orr->conf);
			if (orr->sent == -1)
				continue;
			if (nrs == NULL || (nrs->check == NULL &&
			    !nvs->conf.has_sorry))
				hc_report_release(d, &ovs[i], orr);
		}
	}
}

int
hc_reload(struct checkd *d)
{
	struct tandem_conf nc;
	struct hc_vs *ovs = d->vs;
	struct hc **ochecks = d->checks;
	int on = d->n_vs, onc = d->n_checks;

	d->cnt.reloads++;
	if (conf_load(d->conf_path, &nc, stderr) == -1) {
		log_warnx("reload: %s has errors; keeping the running checks",
		    d->conf_path);
		d->cnt.reload_errors++;
		return -1;
	}
	d->vs = NULL;
	d->checks = NULL;
	d->n_vs = d->n_checks = 0;
	if (build(d, &nc) == -1) {
		hc_teardown(d);
		d->vs = ovs;
		d->checks = ochecks;
		d->n_vs = on;
		d->n_checks = onc;
		conf_free(&nc);
		d->cnt.reload_errors++;
		log_warnx("reload: cannot build the new checks; keeping the "
		    "running ones");
		return -1;
	}
	carry_all(d, ovs, on);
	release_gone(d, ovs, on);
	vs_free(ovs, on);
	free(ochecks);
	conf_free(&d->conf);
	d->conf = nc;
	if (start_all(d) == -1)
		log_warnx("reload: some checks could not start");
	for (int i = 0; i < d->n_vs; i++) {
		hc_quorum_update(d, &d->vs[i]);
		hc_report_vs(d, &d->vs[i], 0);
	}
	log_info("reloaded: %d check(s) on %d virtual server(s)", d->n_checks,
	    d->n_vs);
	return 0;
}
