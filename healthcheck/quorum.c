/* What a check's state change means: the real server's notify script,
 * its virtual server's quorum (with hysteresis, notify scripts), and the
 * reports to the director and vrrpd that follow. */
#include "checkd.h"
#include "log.h"

#include <stdio.h>

#define NOTIFY_TIMEOUT	60.0	/* seconds a notify script may run */

int
hc_rs_up(const struct hc_rs *rs)
{
	return rs->check ? rs->check->hyst.up : 1;
}

int
hc_rs_weight(const struct hc_rs *rs)
{
	return rs->check && rs->check->weight >= 0 ? rs->check->weight :
	    rs->conf.weight;
}

static long
alive_weight(const struct hc_vs *vs)
{
	long w = 0;

	for (int i = 0; i < vs->n_rs; i++)
		if (hc_rs_up(&vs->rs[i]))
			w += hc_rs_weight(&vs->rs[i]);
	return w;
}

void
hc_vs_init(struct checkd *d, struct hc_vs *vs)
{
	vs->quorum_up = alive_weight(vs) >= vs->conf.quorum;
	vs->sorry_sent = -1;
	vs->vrrp_sent = -1;
	for (int i = 0; i < vs->n_rs; i++) {
		vs->rs[i].sent = -1;
		vs->rs[i].sent_weight = -1;
	}
}

static void
notify(struct checkd *d, const char *script, const char *what,
    const char *who)
{
	const char *args[] = { what, who, NULL };

	if (script[0] == '\0')
		return;
	/* The admin's own scripts run as tandem-checkd does (root), as
	 * keepalived runs notify scripts without script security. */
	script_run(&d->jobs, script, NULL, args, NOTIFY_TIMEOUT, NULL, NULL);
}

void
hc_quorum_update(struct checkd *d, struct hc_vs *vs)
{
	long w = alive_weight(vs);
	int up = hc_quorum_next(vs->quorum_up, w, vs->conf.quorum,
	    vs->conf.hysteresis);

	if (up == vs->quorum_up)
		return;
	vs->quorum_up = up;
	log_info("%s: quorum %s (weight %ld, quorum %d, hysteresis %d)%s",
	    vs->label, up ? "regained" : "lost", w, vs->conf.quorum,
	    vs->conf.hysteresis, vs->conf.has_sorry ? (up ?
	    ": sorry server out" : ": sorry server in") : "");
	notify(d, up ? vs->conf.quorum_up : vs->conf.quorum_down,
	    up ? "UP" : "DOWN", vs->label);
}

void
hc_state_changed(struct hc *h)
{
	struct hc_rs *rs = h->rs;
	struct hc_vs *vs = rs->vs;
	char a[ADDR_STRLEN], who[ADDR_STRLEN + 16];

	snprintf(who, sizeof(who), "%s:%u", addr_str(&rs->conf.addr, a,
	    sizeof(a)), rs->conf.port);
	log_info("%s: real server %s %s (%s check: %s)", vs->label, who,
	    h->hyst.up ? "up" : "down", hc_type_name(h->type), h->reason);
	notify(h->d, h->hyst.up ? rs->conf.notify_up :
		    rs->conf.notify_down, h->hyst.up ? "UP" : "DOWN", who);
	hc_quorum_update(h->d, vs);
	hc_report_vs(h->d, vs, 0);
}

void
hc_weight_changed(struct hc *h)
{
	hc_quorum_update(h->d, h->rs->vs);
	hc_report_vs(h->d, h->rs->vs, 0);
}
