/* libFuzzer target for tandem-syncd's control datagrams (NACK, bulk
 * request and end): the first byte picks the receiver (no key, or a key
 * with a replay window); whatever is accepted must encode back to the
 * same bytes, and with a key be refused as a replay the second time. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "syncd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sync_key key;
	static int init;
	struct sync_replay rp;
	struct sync_ctl_msg m;
	uint8_t out[SYNC_CTL_MAX];
	const struct sync_key *k;
	int n;

	if (!init) {
		sync_auth_set(&key, "0123456789abcdef0123456789abcdef", 32);
		init = 1;
	}
	if (size < 1)
		return 0;
	k = data[0] & 1 ? &key : NULL;
	memset(&rp, 0, sizeof(rp));
	data++;
	size--;
	if (sync_ctl_decode(data, size, 0, k, k ? &rp : NULL, &m) != SYNC_CTL_OK)
		return 0;
	n = sync_ctl_encode(&m, k, out, sizeof(out));
	if (k == NULL && (data[5] & 1)) {
		/* Signed, read without a key: the same message, unsigned. */
		if (n < 0 || (size_t)n + SYNC_HMAC_LEN != size ||
		    memcmp(out + 8, data + 8, (size_t)n - 8) != 0)
			abort();
		return 0;
	}
	if (n < 0 || (size_t)n != size || memcmp(out, data, size) != 0)
		abort();
	if (k != NULL && sync_ctl_decode(data, size, 0, k, &rp, &m) !=
	    SYNC_CTL_REPLAY)
		abort();
	return 0;
}
