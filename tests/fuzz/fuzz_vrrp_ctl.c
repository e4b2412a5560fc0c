/* libFuzzer target: control messages as tandem-vrrpd reads them (the frame
 * header, the JSON body, and vrrp_ctl_handle with sync_state, check_state
 * and status), on a daemon with a sync group and a pending preemption hold
 * but no sockets. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "ctlmsg.h"
#include "log.h"
#include "vrrpd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char conf[] =
"vrrp = { instances = (\n"
" { name = \"ext\"; interface = \"eth0\"; vrid = 51; priority = 150;\n"
"   advert_int = 0.1; virtual_ipaddress = [ \"10.0.0.100/24\" ]; },\n"
" { name = \"int\"; interface = \"eth0\"; vrid = 52; priority = 150;\n"
"   advert_int = 0.1; virtual_ipaddress = [ \"192.168.1.1/24\" ]; },\n"
" { name = \"solo\"; interface = \"eth0\"; vrid = 53;\n"
"   virtual_ipaddress = [ \"10.0.0.101/24\" ]; } );\n"
" sync_groups = ( { name = \"pair\"; instances = [ \"ext\", \"int\" ]; } ); };\n"
"sync = { follow = \"pair\"; preempt_hold = 30; };\n";

static void
no_timer(evutil_socket_t fd, short ev, void *arg)
{
}

/* Instances as vrrp_inst_init makes them, minus sockets, the director and
 * notify (no ops): started, so BACKUP with the hold pending. */
static struct vrrpd *
fuzz_vrrpd(void)
{
	static struct vrrpd d;
	static int ready;

	if (ready)
		return &d;
	log_set_level(LOG_LVL_ERR);
	if (conf_vrrp_load_string(conf, "fuzz", &d.vc, stderr) == -1 ||
	    (d.base = event_base_new()) == NULL)
		abort();
	d.n_inst = d.vc.n_inst;
	d.inst = calloc((size_t)d.n_inst, sizeof(*d.inst));
	d.gstate = calloc((size_t)d.vc.n_groups, sizeof(*d.gstate));
	if (d.inst == NULL || d.gstate == NULL)
		abort();
	d.rx_fd4 = d.rx_fd6 = -1;
	d.n_ifs = 1;
	snprintf(d.ifs[0].name, sizeof(d.ifs[0].name), "eth0");
	addr_parse("10.0.0.1", &d.ifs[0].addr4);
	d.fifo_fd = -1;
	for (int i = 0; i < d.n_inst; i++) {
		struct vrrp_inst *vi = &d.inst[i];
		const struct conf_vrrp_inst *c = &d.vc.inst[i];
		vi->d = &d;
		vi->conf = c;
		vi->idx = i;
		vi->group = i < 2 ? 0 : -1;
		vi->ifp = &d.ifs[0];
		vi->fsm.version = c->version;
		vi->fsm.base_prio = c->priority;
		vi->fsm.adv_int = c->advert_cs;
		vi->fsm.preempt = c->preempt;
		vi->fsm.self = d.ifs[0].addr4;
		vrrp_fsm_init(&vi->fsm);
		if ((vi->timer = evtimer_new(d.base, no_timer, NULL)) == NULL)
			abort();
	}
	vrrp_hold_conf(&d);
	for (int i = 0; i < d.n_inst; i++)
		vrrp_fsm_start(&d.inst[i].fsm, vrrp_now());
	ready = 1;
	return &d;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vrrpd *d = fuzz_vrrpd();
	struct ctl_hdr h;
	json_tokener *tok;
	json_object *req, *reply;

	if (ctl_hdr_decode(data, size, &h) == -1 || h.type != CTL_REQUEST ||
	    size - CTL_HDR_LEN < h.len)
		return 0;
	tok = json_tokener_new_ex(32);
	req = json_tokener_parse_ex(tok, (const char *)data + CTL_HDR_LEN,
	    (int)h.len);
	json_tokener_free(tok);
	if (req == NULL || !json_object_is_type(req, json_type_object)) {
		json_object_put(req);
		return 0;
	}
	reply = vrrp_ctl_handle(d, req);
	if (reply == NULL)
		abort();
	json_object_put(reply);
	json_object_put(req);
	return 0;
}
