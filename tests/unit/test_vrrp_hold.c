/* vrrp/hold.c on a daemon without sockets: which instances sync.follow
 * covers, sync_state replies (a sync group's state while its members
 * disagree), releases by name, refusals, and the freeze step-down. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "ctlmsg.h"
#include "log.h"
#include "vrrpd.h"

static const char conf[] =
"vrrp = { instances = (\n"
" { name = \"ext\"; interface = \"eth0\"; vrid = 51; priority = 150;\n"
"   advert_int = 0.1; virtual_ipaddress = [ \"10.0.0.100/24\" ]; },\n"
" { name = \"int\"; interface = \"eth0\"; vrid = 52; priority = 150;\n"
"   advert_int = 0.1; virtual_ipaddress = [ \"192.168.1.1/24\" ]; },\n"
" { name = \"solo\"; interface = \"eth0\"; vrid = 53;\n"
"   virtual_ipaddress = [ \"10.0.0.101/24\" ]; } );\n"
" sync_groups = ( { name = \"pair\"; instances = [ \"ext\", \"int\" ]; } ); };\n";

static void
no_timer(evutil_socket_t fd, short ev, void *arg)
{
}

/* follow: the sync section's text. Instances started (BACKUP), without
 * ops: no sockets, no director, no group propagation. */
static struct vrrpd *
make_vrrpd(const char *sync)
{
	struct vrrpd *d = calloc(1, sizeof(*d));
	char *text;

	assert_non_null(d);
	assert_int_not_equal(asprintf(&text, "%s%s", conf, sync), -1);
	assert_int_equal(conf_vrrp_load_string(text, "t", &d->vc, stderr), 0);
	free(text);
	assert_non_null(d->base = event_base_new());
	d->n_inst = d->vc.n_inst;
	assert_non_null(d->inst = calloc((size_t)d->n_inst, sizeof(*d->inst)));
	d->rx_fd4 = d->rx_fd6 = -1;	/* nothing to drain */
	d->n_ifs = 1;
	snprintf(d->ifs[0].name, sizeof(d->ifs[0].name), "eth0");
	addr_parse("10.0.0.1", &d->ifs[0].addr4);
	for (int i = 0; i < d->n_inst; i++) {
		struct vrrp_inst *vi = &d->inst[i];
		vi->d = d;
		vi->conf = &d->vc.inst[i];
		vi->idx = i;
		vi->group = i < 2 ? 0 : -1;
		vi->ifp = &d->ifs[0];
		vi->fsm.version = 3;
		vi->fsm.base_prio = vi->conf->priority;
		vi->fsm.adv_int = vi->conf->advert_cs;
		vi->fsm.preempt = 1;
		vi->fsm.self = d->ifs[0].addr4;
		vrrp_fsm_init(&vi->fsm);
		assert_non_null(vi->timer = evtimer_new(d->base, no_timer, NULL));
	}
	vrrp_hold_conf(d);
	for (int i = 0; i < d->n_inst; i++)
		vrrp_fsm_start(&d->inst[i].fsm, vrrp_now());
	return d;
}

static void
free_vrrpd(struct vrrpd *d)
{
	for (int i = 0; i < d->n_inst; i++)
		event_free(d->inst[i].timer);
	free(d->inst);
	conf_vrrp_free(&d->vc);
	event_base_free(d->base);
	free(d);
}

/* A report; the reply's field key as a string ("" when missing). */
static json_object *
report(struct vrrpd *d, const char *name, int in_sync, uint64_t bulk_ms)
{
	struct vrrp_sync_report r;

	memset(&r, 0, sizeof(r));
	snprintf(r.follow, sizeof(r.follow), "%s", name);
	r.in_sync = in_sync;
	r.bulk_done_ms = bulk_ms;
	r.lease_ms = 300;
	return vrrp_hold_report(d, &r);
}

static const char *
field(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
	    json_object_get_string(v) : "";
}

static void
test_cover(void **state)
{
	struct vrrpd *d = make_vrrpd("sync = { follow = \"ext\"; };\n");

	/* An instance in a sync group covers its group. */
	assert_true(d->inst[0].phold_cover && d->inst[1].phold_cover);
	assert_false(d->inst[2].phold_cover);
	assert_true(d->inst[0].fsm.phold && d->inst[1].fsm.phold);
	assert_false(d->inst[2].fsm.phold);
	assert_int_equal(d->inst[0].fsm.phold_max, 30000000);
	free_vrrpd(d);
	d = make_vrrpd("sync = { follow = \"solo\"; preempt_hold = 0; };\n");
	for (int i = 0; i < 3; i++)
		assert_false(d->inst[i].fsm.phold);
	free_vrrpd(d);
	d = make_vrrpd("");
	for (int i = 0; i < 3; i++)
		assert_false(d->inst[i].phold_cover || d->inst[i].fsm.phold);
	free_vrrpd(d);
}

static void
test_report(void **state)
{
	struct vrrpd *d = make_vrrpd("sync = { follow = \"pair\"; "
	    "preempt_hold = 10; };\n");
	uint64_t since = d->inst[0].fsm.phold_since / 1000;
	json_object *r;

	r = report(d, "pair", 1, since > 0 ? since - 1 : 0);
	assert_string_equal(field(r, "ok"), "true");
	assert_string_equal(field(r, "state"), "BACKUP");
	assert_string_equal(field(r, "hold"), "true");
	assert_string_equal(field(r, "master"), "");
	assert_true(json_object_get_int64(json_object_object_get(r,
	    "hold_until_ms")) >= (int64_t)since + 10000);
	json_object_put(r);
	/* Not in sync: nothing released. */
	json_object_put(report(d, "pair", 0, vrrp_now() / 1000));
	assert_true(d->inst[0].fsm.phold && d->inst[1].fsm.phold);
	/* Naming one member releases the group; the reply is that member's. */
	r = report(d, "int", 1, vrrp_now() / 1000 + 1);
	assert_string_equal(field(r, "hold"), "false");
	assert_string_equal(field(r, "hold_until_ms"), "0");
	json_object_put(r);
	assert_false(d->inst[0].fsm.phold || d->inst[1].fsm.phold);
	assert_int_equal(d->inst[0].fsm.phold_end, VRRP_PHOLD_SYNC);
	assert_int_equal(d->sync_reports, 3);
	/* Unknown: an error, counted, nothing stored. */
	r = report(d, "nope", 1, 1);
	assert_string_equal(field(r, "ok"), "false");
	json_object_put(r);
	assert_int_equal(d->sync_refused, 1);
	assert_string_equal(d->sync_last.follow, "int");
	free_vrrpd(d);
}

static void
test_group_state(void **state)
{
	struct vrrpd *d = make_vrrpd("sync = { follow = \"pair\"; };\n");
	uint64_t now = vrrp_now();
	json_object *r;

	/* MASTER only when every member is. */
	vrrp_fsm_force(&d->inst[0].fsm, now, VRRP_MASTER);
	r = report(d, "pair", 0, 0);
	assert_string_equal(field(r, "state"), "BACKUP");
	json_object_put(r);
	r = report(d, "ext", 0, 0);
	assert_string_equal(field(r, "state"), "MASTER");
	assert_string_equal(field(r, "master"), "10.0.0.1");
	json_object_put(r);
	vrrp_fsm_force(&d->inst[1].fsm, now, VRRP_MASTER);
	r = report(d, "pair", 0, 0);
	assert_string_equal(field(r, "state"), "MASTER");
	assert_string_equal(field(r, "hold"), "false");
	json_object_put(r);
	/* One member in FAULT: FAULT. */
	vrrp_fsm_set_fault(&d->inst[1].fsm, now, 1);
	r = report(d, "pair", 0, 0);
	assert_string_equal(field(r, "state"), "FAULT");
	assert_string_equal(field(r, "hold"), "true");	/* left MASTER */
	json_object_put(r);
	free_vrrpd(d);
}

static void
test_freeze(void **state)
{
	struct vrrpd *d = make_vrrpd("sync = { follow = \"pair\"; };\n");
	uint64_t now = vrrp_now(), down = vrrp_fsm_down_interval(3, 150, 10);

	vrrp_fsm_force(&d->inst[0].fsm, now, VRRP_MASTER);
	vrrp_fsm_force(&d->inst[1].fsm, now, VRRP_MASTER);
	/* A gap shorter than Master_Down_Interval changes nothing. */
	d->inst[0].alive_at = d->inst[1].alive_at = now - down + 50000;
	vrrp_hold_wake(d);
	assert_int_equal(d->inst[0].fsm.state, VRRP_MASTER);
	assert_int_equal(d->stalls, 0);
	/* Longer, but no other master advertised meanwhile (the peer stood
	 * still too): still master. */
	d->inst[0].alive_at = d->inst[1].alive_at = now - down - 1000;
	vrrp_hold_wake(d);
	assert_int_equal(d->inst[0].fsm.state, VRRP_MASTER);
	assert_int_equal(d->inst[0].cnt.freeze_stepdowns, 0);
	assert_int_equal(d->stalls, 1);
	/* Longer, and another master's advert was read from the socket
	 * after the stall (as if during the drain): both step down,
	 * counted, held. */
	now = vrrp_now();
	d->inst[0].alive_at = d->inst[1].alive_at = now - down - 1000;
	d->inst[0].heard_other_at = d->inst[1].heard_other_at = now + 10000000;
	vrrp_hold_wake(d);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(d->inst[i].fsm.state, VRRP_BACKUP);
		assert_int_equal(d->inst[i].cnt.freeze_stepdowns, 1);
		assert_true(d->inst[i].fsm.phold);
	}
	assert_int_equal(d->stalls, 2);
	assert_int_equal(d->inst[2].cnt.freeze_stepdowns, 0);
	free_vrrpd(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cover),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_group_state),
		cmocka_unit_test(test_freeze),
	};

	log_set_level(LOG_LVL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
