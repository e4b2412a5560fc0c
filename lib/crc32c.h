/* CRC32c (Castagnoli, RFC 3309), the checksum of SCTP packets, and the
 * SCTP common header's checksum field computed and checked with it. */
#ifndef TANDEM_CRC32C_H
#define TANDEM_CRC32C_H

#include <stddef.h>
#include <stdint.h>

#define SCTP_HDR_LEN	12	/* ports, verification tag, checksum */
#define SCTP_CSUM_OFF	8	/* the checksum field in the common header */

/* Extend crc (0 to start) over buf. zlib-style: the pre- and
 * post-inversion are inside, so crc32c(crc32c(0, a), b) covers a then b. */
uint32_t crc32c(uint32_t crc, const void *buf, size_t len);

/* The CRC32c of an SCTP packet (common header and chunks, len bytes),
 * computed with the checksum field taken as zero. */
uint32_t sctp_crc(const uint8_t *sctp_hdr, size_t len);
/* Store sctp_crc() in the checksum field, least significant byte first
 * (RFC 4960 appendix B). Packets shorter than the common header are left
 * alone: the caller has already refused them. */
void	sctp_csum_set(uint8_t *sctp_hdr, size_t len);
/* 1 when the stored checksum matches, 0 when not or when too short. */
int	sctp_csum_ok(const uint8_t *sctp_hdr, size_t len);

#endif
