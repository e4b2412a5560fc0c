/* libFuzzer target for tandem-syncd's sync section parser (sync/conf.c):
 * any text goes through libconfig and the checks; a section that loads
 * must hold values within their ranges. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "syncd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sync_conf sc;
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (sync_conf_load_string(text, &sc, NULL) == 0 &&
	    (sc.interface[0] == '\0' || sc.port == 0 || sc.ttl < 1 ||
	    sc.ttl > 255 || sc.max_datagram < SYNC_MAXLEN_MIN ||
	    sc.max_datagram > SYNC_MAXLEN_MAX ||
	    !IN_MULTICAST(ntohl(sc.group.s_addr)) ||
	    memchr(sc.interface, '\0', sizeof(sc.interface)) == NULL ||
	    memchr(sc.auth_key_file, '\0', sizeof(sc.auth_key_file)) == NULL))
		abort();
	free(text);
	return 0;
}
