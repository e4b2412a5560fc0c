/* libFuzzer target: control messages as the director reads them: the
 * 8-byte frame header, the JSON body, and the director's command handler
 * with its argument checks, on a director with tables but no sockets. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctlmsg.h"
#include "director.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct director *
fuzz_director(void)
{
	static struct director d;
	static int ready;

	if (!ready) {
		conf_defaults(&d.conf);
		svc_table_init(&d.svcs);
		vip_table_init(&d.vips);
		l2tab_init(&d.l2);
		conn_table_init(&d.conns, 1024);
		ready = 1;
	}
	return &d;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct director *d = fuzz_director();
	struct ctl_hdr h;
	json_tokener *tok;
	json_object *req, *cmd, *reply;

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
	/* Listings that stream pages and commands that need the kernel
	 * (netlink, packet sockets) are not for this harness. */
	if (json_object_object_get_ex(req, "cmd", &cmd)) {
		const char *c = json_object_get_string(cmd);
		if (c && (strcmp(c, "get_conns") == 0 || strcmp(c, "own") == 0 ||
		    strcmp(c, "status") == 0 || strcmp(c, "add_dest") == 0 ||
		    strcmp(c, "edit_dest") == 0)) {
			json_object_put(req);
			return 0;
		}
	}
	reply = control_handle(NULL, req, d);
	json_object_put(reply);
	json_object_put(req);
	return 0;
}
