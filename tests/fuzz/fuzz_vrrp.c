/* libFuzzer target for the VRRP advert decoder: the first byte picks an
 * IPv4 datagram (raw socket form), a payload from an IPv4 sender or one
 * from an IPv6 sender; a decoded advert must encode back to the same
 * payload (without its trailer, whose HMAC the encoder leaves to auth). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "advert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vrrp_advert a;
	uint8_t out[VRRP_FRAME_MAX];
	enum vrrp_adv_err e;
	int mode, len;

	if (size < 1)
		return 0;
	mode = data[0] % 3;
	data++;
	size--;
	memset(&a, 0, sizeof(a));
	if (mode == 0) {
		e = vrrp_advert_decode_ip4(data, size, &a);
		if (e == VRRP_ADV_OK) {
			size_t hl = (size_t)(data[0] & 0xf) * 4;
			data += hl;
			size = (size_t)(data[2 - (ptrdiff_t)hl] << 8 | data[3 - (ptrdiff_t)hl]) - hl;
		}
	} else {
		addr_parse(mode == 1 ? "10.0.0.1" : "fe80::1", &a.src);
		addr_parse(mode == 1 ? "224.0.0.18" : "ff02::12", &a.dst);
		a.ttl = 255;
		e = vrrp_advert_decode(data, size, &a);
	}
	if (e != VRRP_ADV_OK || a.has_trailer)
		return 0;
	len = vrrp_advert_encode(&a, 0, out, sizeof(out));
	if (len < 0 || (size_t)len != size)
		abort();
	/* The reserved bits are not kept; compare the rest. */
	out[4] = (uint8_t)((out[4] & 0x0f) | (data[4] & (a.version == 3 ?
	    0xf0 : 0)));
	if (memcmp(out + 8, data + 8, size - 8) != 0 ||
	    memcmp(out, data, 4) != 0)
		abort();
	return 0;
}
