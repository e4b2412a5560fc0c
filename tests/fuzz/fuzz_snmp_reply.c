/* libFuzzer target: what tandem-snmpd reads from the daemons' control
 * sockets. The first byte picks the source (director status, services,
 * vrrpd, syncd, checkd); the rest is fed to the reply frame decoder as
 * the poller reads it, then every frame it accepts goes through the
 * model (notifications against the previous reply), the MIB builder, the
 * Prometheus text and /status. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snmpd.h"
#include "oidtab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct snmpd d;
	struct snmp_event ev[SNMP_MAX_EVENTS];
	struct oidtab t;
	json_object *reply, *acc = NULL, *st;
	enum snmp_src src;
	size_t len;
	char *text;
	int rc, more;

	if (size < 1)
		return 0;
	src = (enum snmp_src)(data[0] % SRC__MAX);
	data++;
	size--;
	oidtab_init(&t);
	/* Frames back to back, as a stream would carry them; pages merged. */
	while ((rc = snmp_poll_decode(data, size, &reply, &more)) > 0) {
		data += rc;
		size -= (size_t)rc;
		if (acc != NULL) {
			snmp_poll_merge(acc, reply);
			json_object_put(reply);
		} else {
			acc = reply;
		}
		if (more)
			continue;
		snmp_model_set(&d.m, src, acc, ev, SNMP_MAX_EVENTS);
		acc = NULL;
		snmp_mib_build(&d.m, &t, 1.0);
	}
	json_object_put(acc);
	if ((text = snmp_metrics_text(&d, &len)) != NULL)
		free(text);
	st = snmp_status_json(&d);
	json_object_to_json_string(st);
	json_object_put(st);
	oidtab_free(&t);
	snmp_model_free(&d.m);
	return 0;
}
