/* Reports: dest_health batches to tandem-director (what each real server
 * and sorry server should be) and check_state to tandem-vrrpd (each named
 * virtual server's quorum). Only changes are sent, and everything again
 * whenever a connection is (re)made, so a restarted daemon learns the
 * whole truth. The links are lib/ctl_link.c's. docs/control-protocol.md
 * describes both messages. */
#include "checkd.h"
#include "ctl_link.h"
#include "log.h"

#include <errno.h>
#include <string.h>

#include <json-c/json.h>

#define BATCH_MAX	500

static const char *
link_name(const struct checkd *d, const struct ctl_link *l)
{
	return l == d->vrrpd ? "tandem-vrrpd" : "tandem-director";
}

/* An update not taken: the peer stopped reading, and the connection is
 * made again, which sends everything again. */
static int
link_send(struct checkd *d, struct ctl_link *l, json_object *req)
{
	if (l == NULL)
		return -1;
	if (ctl_link_send(l, req) == 0)
		return 0;
	if (errno == ENOBUFS) {
		log_warnx("%s is not reading; reconnecting", link_name(d, l));
		ctl_link_reset(l);
	}
	return -1;
}

static json_object *
service_json(const struct conf_vs *vs)
{
	json_object *o = json_object_new_object();
	char a[ADDR_STRLEN];

	if (vs->fwmark) {
		json_object_object_add(o, "fwmark", json_object_new_int64(vs->fwmark));
		return o;
	}
	json_object_object_add(o, "proto", json_object_new_string(
	    conf_proto_name(vs->proto)));
	json_object_object_add(o, "addr", json_object_new_string(
	    addr_str(&vs->addr, a, sizeof(a))));
	json_object_object_add(o, "port", json_object_new_int(vs->port));
	return o;
}

static json_object *
update_json(const struct hc_vs *vs, const struct conf_rs *rs, int up,
    int weight, int sorry, int dynamic)
{
	static const char *const tun[] = { "ipip", "gue", "gre" };
	json_object *o = json_object_new_object();
	char a[ADDR_STRLEN];

	json_object_object_add(o, "service", service_json(&vs->conf));
	json_object_object_add(o, "addr", json_object_new_string(
	    addr_str(&rs->addr, a, sizeof(a))));
	json_object_object_add(o, "port", json_object_new_int(rs->port));
	json_object_object_add(o, "up", json_object_new_boolean(up));
	json_object_object_add(o, "weight", json_object_new_int(weight));
	if (dynamic)
		json_object_object_add(o, "dynamic", json_object_new_boolean(1));
	json_object_object_add(o, "inhibit", json_object_new_boolean(
	    !sorry && rs->inhibit_on_failure));
	if (sorry)
		json_object_object_add(o, "sorry", json_object_new_boolean(1));
	json_object_object_add(o, "method", json_object_new_string(
	    conf_method_name(vs->conf.method)));
	if (vs->conf.method == FWD_TUN) {
		json_object_object_add(o, "tun_type", json_object_new_string(
		    tun[rs->tun_type]));
		json_object_object_add(o, "tun_port", json_object_new_int(rs->tun_port));
		json_object_object_add(o, "tun_csum", json_object_new_int(rs->tun_csum));
	}
	json_object_object_add(o, "u_threshold", json_object_new_int64(rs->u_threshold));
	json_object_object_add(o, "l_threshold", json_object_new_int64(rs->l_threshold));
	return o;
}

struct batch {
	struct checkd	*d;
	json_object	*arr;
	int		 failed;
};

static void
batch_flush(struct batch *b)
{
	json_object *req;

	if (b->arr == NULL || json_object_array_length(b->arr) == 0)
		return;
	req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string("dest_health"));
	json_object_object_add(req, "updates", b->arr);
	b->arr = NULL;
	if (link_send(b->d, b->d->director, req) == -1)
		b->failed = 1;
	else
		b->d->cnt.dir_sent++;
	json_object_put(req);
}

static void
batch_add(struct batch *b, json_object *u)
{
	if (b->arr == NULL)
		b->arr = json_object_new_array();
	json_object_array_add(b->arr, u);
	if (json_object_array_length(b->arr) >= BATCH_MAX)
		batch_flush(b);
}

/* What the director should do with a real server: out while its check
 * says down, and out while the quorum is lost and a sorry server takes
 * the traffic (keepalived's rule). */
static int
rs_wanted(const struct hc_vs *vs, const struct hc_rs *rs)
{
	return hc_rs_up(rs) && (vs->quorum_up || !vs->conf.has_sorry);
}

static void
report_director(struct checkd *d, struct hc_vs *vs, int all)
{
	struct batch b = { d, NULL, 0 };
	int sorry = vs->conf.has_sorry && !vs->quorum_up;

	if (!ctl_link_up(d->director))
		return;		/* everything goes again on connection */
	/* The sorry server goes in before the real servers go out, and out
	 * after they are back, so the service is never empty between. */
	if (sorry && vs->conf.has_sorry && (all || vs->sorry_sent != sorry)) {
		batch_add(&b, update_json(vs, &vs->conf.sorry, 1,
		    vs->conf.sorry.weight, 1, 0));
		vs->sorry_sent = 1;
	}
	for (int i = 0; i < vs->n_rs; i++) {
		struct hc_rs *rs = &vs->rs[i];
		int up = rs_wanted(vs, rs), w = hc_rs_weight(rs);
		int dyn = rs->check && rs->check->weight >= 0;
		if (rs->check == NULL && !vs->conf.has_sorry)
			continue;	/* nothing ever moves it */
		if (!all && rs->sent == up && (!up || !dyn ||
		    rs->sent_weight == w))
			continue;
		batch_add(&b, update_json(vs, &rs->conf, up, w, 0, dyn));
		rs->sent = up;
		rs->sent_weight = w;
	}
	if (vs->conf.has_sorry && !sorry && (all || vs->sorry_sent != 0)) {
		batch_add(&b, update_json(vs, &vs->conf.sorry, 0,
		    vs->conf.sorry.weight, 1, 0));
		vs->sorry_sent = 0;
	}
	batch_flush(&b);
	if (b.failed) {
		/* Sent again in full on the next connection. */
		log_warnx("%s: could not send states to the director",
		    vs->label);
	}
}

static void
report_vrrp(struct checkd *d, struct hc_vs *vs, int all)
{
	json_object *req;

	if (vs->conf.name[0] == '\0' || !ctl_link_up(d->vrrpd) ||
	    (!all && vs->vrrp_sent == vs->quorum_up))
		return;
	req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string("check_state"));
	json_object_object_add(req, "name", json_object_new_string(vs->conf.name));
	json_object_object_add(req, "up", json_object_new_boolean(vs->quorum_up));
	if (link_send(d, d->vrrpd, req) == 0) {
		vs->vrrp_sent = vs->quorum_up;
		d->cnt.vrrp_sent++;
	}
	json_object_put(req);
}

void
hc_report_vs(struct checkd *d, struct hc_vs *vs, int all)
{
	report_director(d, vs, all);
	report_vrrp(d, vs, all);
}

void
hc_report_release(struct checkd *d, const struct hc_vs *vs,
    const struct hc_rs *rs)
{
	struct batch b = { d, NULL, 0 };
	json_object *u = update_json(vs, &rs->conf, 1, hc_rs_weight(rs), 0, 0);

	json_object_object_add(u, "release", json_object_new_boolean(1));
	batch_add(&b, u);
	batch_flush(&b);
}

/* Everything again to one peer (vrrp: tandem-vrrpd, else the director). */
static void
report_all(struct checkd *d, int vrrp)
{
	for (int i = 0; i < d->n_vs; i++) {
		if (vrrp)
			report_vrrp(d, &d->vs[i], 1);
		else
			report_director(d, &d->vs[i], 1);
	}
}

void
hc_report_all(struct checkd *d)
{
	report_all(d, 0);
	report_all(d, 1);
}

/* Replies: each update the peer refused is counted and logged. */
static void
link_msg(struct ctl_link *l, uint16_t type, json_object *msg, void *arg)
{
	struct checkd *d = arg;
	json_object *ok, *err;

	if (json_object_object_get_ex(msg, "ok", &ok) &&
	    json_object_get_boolean(ok))
		return;
	if (l == d->vrrpd)
		d->cnt.vrrp_refused++;
	else
		d->cnt.dir_refused++;
	log_warnx("%s refused an update: %s", link_name(d, l),
	    json_object_object_get_ex(msg, "error", &err) ?
	    json_object_get_string(err) : "bad reply");
}

static void
link_state(struct checkd *d, struct ctl_link *l, int up)
{
	if (!up) {
		log_warnx("%s went away; reconnecting", link_name(d, l));
		return;
	}
	log_info("connected to %s", link_name(d, l));
	if (l == d->director)
		d->cnt.dir_connects++;
	report_all(d, l == d->vrrpd);
}

/* The first connection is made inside ctl_link_new, before it returns
 * the link. */
static void
director_state(struct ctl_link *l, int up, void *arg)
{
	struct checkd *d = arg;

	d->director = l;
	link_state(d, l, up);
}

static void
vrrpd_state(struct ctl_link *l, int up, void *arg)
{
	struct checkd *d = arg;

	d->vrrpd = l;
	link_state(d, l, up);
}

int
hc_report_open(struct checkd *d)
{
	struct ctl_link *l;

	if ((l = ctl_link_new(d->base, d->run_dir, "director", link_msg,
	    director_state, d)) == NULL)
		return -1;
	d->director = l;
	if ((l = ctl_link_new(d->base, d->run_dir, "vrrpd", link_msg,
	    vrrpd_state, d)) == NULL)
		return -1;
	d->vrrpd = l;
	if (!ctl_link_up(d->director))
		log_info("cannot reach tandem-director at %s yet; retrying",
		    ctl_link_path(d->director));
	if (!ctl_link_up(d->vrrpd))
		log_info("cannot reach tandem-vrrpd at %s yet; retrying",
		    ctl_link_path(d->vrrpd));
	return 0;
}

void
hc_report_close(struct checkd *d)
{
	ctl_link_free(d->director);
	ctl_link_free(d->vrrpd);
	d->director = d->vrrpd = NULL;
}

int
hc_report_director_up(const struct checkd *d)
{
	return ctl_link_up(d->director);
}

int
hc_report_vrrpd_up(const struct checkd *d)
{
	return ctl_link_up(d->vrrpd);
}
