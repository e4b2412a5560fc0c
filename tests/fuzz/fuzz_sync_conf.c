/* libFuzzer target for tandem-syncd's sync section parser (sync/conf.c):
 * any text goes through libconfig and the checks; a section that loads
 * must hold values within their ranges, a multicast group, and peers of
 * one family. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "syncd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
multicast(const struct tnd_addr *a)
{
	return a->af == AF_INET ? IN_MULTICAST(addr_v4(a)) :
	    a->af == AF_INET6 && a->bytes[0] == 0xff;
}

static int
one_family(const struct sync_conf *sc)
{
	for (int i = 0; i < sc->n_peers; i++)
		if (sc->peers[i].af != sync_conf_af(sc))
			return 0;
	return 1;
}

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
	    !multicast(&sc.group) || !one_family(&sc) ||
	    memchr(sc.interface, '\0', sizeof(sc.interface)) == NULL ||
	    memchr(sc.auth_key_file, '\0', sizeof(sc.auth_key_file)) == NULL))
		abort();
	free(text);
	return 0;
}
