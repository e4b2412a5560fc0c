/* Internet checksums (RFC 1071) and their incremental update (RFC 1624),
 * for complete checksums and for the pseudo-header-only partial checksums
 * that CHECKSUM_PARTIAL frames carry. All values in host order. */
#ifndef TANDEM_CSUM_H
#define TANDEM_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* One's-complement sum of buf added to sum (not folded). */
uint32_t csum_add(uint32_t sum, const void *buf, size_t len);
/* Fold a 32-bit sum to 16 bits (not complemented). */
uint16_t csum_fold(uint32_t sum);
/* The checksum to store: ~fold(sum of buf). */
uint16_t csum_compute(const void *buf, size_t len);
/* Sum of the IPv4 pseudo header; addresses in network order as bytes. */
uint32_t csum_pseudo_v4(const uint8_t saddr[4], const uint8_t daddr[4],
    uint8_t proto, uint16_t l4len);

/* Sum of the IPv6 pseudo header (RFC 8200 8.1). */
uint32_t csum_pseudo_v6(const uint8_t saddr[16], const uint8_t daddr[16],
    uint8_t next, uint32_t l4len);

/* Update a complete checksum stored big-endian at p when a 16-bit or a
 * 32-bit word it covers changes from `from` to `to` (RFC 1624 eqn. 3). */
void csum_replace2(uint8_t *p, uint16_t from, uint16_t to);
void csum_replace4(uint8_t *p, uint32_t from, uint32_t to);
/* The same for a partial checksum (the field holds the folded pseudo-header
 * sum, not complemented), as left by CHECKSUM_PARTIAL senders. */
void csum_partial_replace4(uint8_t *p, uint32_t from, uint32_t to);
/* The same for a run of n bytes (n even) that changes, e.g. an IPv6
 * address: partial selects the pseudo-header-only form. */
void csum_replace_bytes(uint8_t *p, const uint8_t *from, const uint8_t *to,
    size_t n, int partial);

#endif
