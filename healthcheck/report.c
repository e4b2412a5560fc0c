/* Reports: dest_health batches to tandem-director (what each real server
 * and sorry server should be) and check_state to tandem-vrrpd (each named
 * virtual server's quorum). Only changes are sent, and everything again
 * whenever a connection is (re)made, so a restarted daemon learns the
 * whole truth. docs/control-protocol.md describes both messages. */
#include "checkd.h"
#include "peer.h"
#include "log.h"

#include <string.h>

#include <json-c/json.h>

#define BATCH_MAX	500

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
	if (hc_peer_send(b->d->director, req) == -1)
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

	if (!hc_peer_up(d->director))
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

	if (vs->conf.name[0] == '\0' || !hc_peer_up(d->vrrpd) ||
	    (!all && vs->vrrp_sent == vs->quorum_up))
		return;
	req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string("check_state"));
	json_object_object_add(req, "name", json_object_new_string(vs->conf.name));
	json_object_object_add(req, "up", json_object_new_boolean(vs->quorum_up));
	if (hc_peer_send(d->vrrpd, req) == 0) {
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

static void
director_connected(void *arg)
{
	struct checkd *d = arg;

	for (int i = 0; i < d->n_vs; i++)
		report_director(d, &d->vs[i], 1);
}

static void
vrrpd_connected(void *arg)
{
	struct checkd *d = arg;

	for (int i = 0; i < d->n_vs; i++)
		report_vrrp(d, &d->vs[i], 1);
}

void
hc_report_all(struct checkd *d)
{
	director_connected(d);
	vrrpd_connected(d);
}

int
hc_report_open(struct checkd *d)
{
	d->director = hc_peer_new(d->base, d->run_dir, "director",
	    director_connected, d);
	d->vrrpd = hc_peer_new(d->base, d->run_dir, "vrrpd", vrrpd_connected, d);
	return d->director && d->vrrpd ? 0 : -1;
}

void
hc_report_close(struct checkd *d)
{
	hc_peer_free(d->director);
	hc_peer_free(d->vrrpd);
	d->director = d->vrrpd = NULL;
}

int
hc_report_director_up(const struct checkd *d)
{
	return hc_peer_up(d->director);
}

int
hc_report_vrrpd_up(const struct checkd *d)
{
	return hc_peer_up(d->vrrpd);
}
