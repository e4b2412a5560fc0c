/* libFuzzer target: the request target of the metrics endpoint as
 * tandem-snmpd routes it (/metrics, /status, refusals). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snmpd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *uri = malloc(size + 1);
	enum snmp_route r;

	if (uri == NULL)
		return 0;
	memcpy(uri, data, size);
	uri[size] = '\0';
	r = snmp_http_route(uri);
	/* A route is only ever given to a clean, bounded target. */
	if (r == ROUTE_METRICS || r == ROUTE_STATUS) {
		if (uri[0] != '/' || strlen(uri) > 256)
			abort();
		for (size_t i = 0; uri[i]; i++)
			if ((unsigned char)uri[i] <= 0x20 ||
			    (unsigned char)uri[i] >= 0x7f)
				abort();
	}
	free(uri);
	return 0;
}
