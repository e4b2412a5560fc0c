/* libFuzzer target: the frame decoder (Ethernet, ARP, IPv4, TCP, UDP) and,
 * for frames it accepts, the NAT rewrites that follow in the engine. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "xmit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkt p;
	struct arp a;
	struct tnd_addr rs = { .af = AF_INET, .bytes = { 192, 168, 1, 11 } };
	uint8_t *buf;

	if (size < 1 || size > 70000)
		return 0;
	/* First byte picks the ring's checksum flags; the rest is the frame. */
	int flags = data[0] & (FRAME_CSUM_PARTIAL | FRAME_CSUM_VALID);
	size--;
	if ((buf = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data + 1, size);
	if (frame_decode(&p, buf, size, flags) == 0) {
		if (p.ethertype == ETHERTYPE_ARP)
			frame_decode_arp(&p, &a);
		else {
			xmit_nat_dnat(&p, &rs, 8080);
			xmit_nat_snat(&p, &rs, 80);
		}
	}
	free(buf);
	return 0;
}
