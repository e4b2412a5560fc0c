/* Internet checksum arithmetic: full sums and incremental updates. */
#include "csum.h"
#include "cursor.h"

uint32_t
csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t acc = sum;

	while (len >= 2) {
		acc += (uint32_t)(p[0] << 8 | p[1]);
		p += 2;
		len -= 2;
	}
	if (len)
		acc += (uint32_t)p[0] << 8;
	while (acc >> 32)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

uint16_t
csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint16_t
csum_compute(const void *buf, size_t len)
{
	return (uint16_t)~csum_fold(csum_add(0, buf, len));
}

uint32_t
csum_pseudo_v4(const uint8_t saddr[4], const uint8_t daddr[4], uint8_t proto,
    uint16_t l4len)
{
	uint32_t sum = csum_add(0, saddr, 4);

	sum = csum_add(sum, daddr, 4);
	return sum + proto + l4len;
}

uint32_t
csum_pseudo_v6(const uint8_t saddr[16], const uint8_t daddr[16], uint8_t next,
    uint32_t l4len)
{
	uint32_t sum = csum_add(0, saddr, 16);

	sum = csum_add(sum, daddr, 16);
	sum = csum_fold(sum) + (l4len >> 16) + (l4len & 0xffff);
	return sum + next;
}

void
csum_replace_bytes(uint8_t *p, const uint8_t *from, const uint8_t *to,
    size_t n, int partial)
{
	uint16_t v = get_be16(p);
	uint32_t sum = partial ? v : (uint16_t)~v;

	for (size_t i = 0; i + 1 < n; i += 2) {
		sum += (uint16_t)~get_be16(from + i);
		sum += get_be16(to + i);
	}
	v = csum_fold(sum);
	put_be16(p, partial ? v : (uint16_t)~v);
}

/* HC' = ~(~HC + ~m + m'), summing the 16-bit halves of 32-bit words. */
static uint16_t
csum_update(uint16_t hc, uint32_t from, uint32_t to, int halves)
{
	uint32_t sum = (uint16_t)~hc;

	if (halves == 2) {
		sum += (uint16_t)~(from >> 16) + (uint16_t)~(from & 0xffff);
		sum += (to >> 16) + (to & 0xffff);
	} else {
		sum += (uint16_t)~from + (to & 0xffff);
	}
	return (uint16_t)~csum_fold(sum);
}

void
csum_replace2(uint8_t *p, uint16_t from, uint16_t to)
{
	put_be16(p, csum_update(get_be16(p), from, to, 1));
}

void
csum_replace4(uint8_t *p, uint32_t from, uint32_t to)
{
	put_be16(p, csum_update(get_be16(p), from, to, 2));
}

void
csum_partial_replace4(uint8_t *p, uint32_t from, uint32_t to)
{
	/* The field holds the sum itself: update it without complements. */
	uint16_t v = get_be16(p);

	put_be16(p, (uint16_t)~csum_update((uint16_t)~v, from, to, 2));
}
