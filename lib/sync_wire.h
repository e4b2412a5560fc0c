/* The IPVS sync protocol version 1 on the wire (as the kernel's
 * ip_vs_sync.c sends it) and Tandem's optional options: the encoder into a
 * caller's buffer and the decoder that checks every length. No sockets.
 * Byte diagrams and test vectors: docs/sync-protocol.md. */
#ifndef TANDEM_SYNC_WIRE_H
#define TANDEM_SYNC_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define SYNC_GROUP		"224.0.0.81"
#define SYNC_PORT		8848
#define SYNC_PROTO_VER		1

#define SYNC_HDR_LEN		8
#define SYNC_V4_LEN		36
#define SYNC_V6_LEN		72
#define SYNC_STYPE_F_INET6	0x01	/* entry type bit */
#define SYNC_SVER_SHIFT		12	/* entry version in ver_size */
#define SYNC_SIZE_MASK		0x0fff	/* entry size in ver_size */
#define SYNC_MAX_CONNS		255	/* nr_conns is one byte */

/* Datagram length as the kernel's master computes it: a 1500-byte MTU
 * less the IP and UDP headers. */
#define SYNC_MAXLEN_V4		1472
#define SYNC_MAXLEN_V6		1452
#define SYNC_MAXLEN_MIN		256	/* room for any one entry */
#define SYNC_MAXLEN_MAX		65507

/* Option types. The kernel treats a type with SYNC_OPT_F_OPTIONAL set as
 * one to skip when it does not know it (after masking the bit off, 1..3
 * are its own); without the bit, an unknown type drops the entry. */
#define SYNC_OPT_SEQ_DATA	1
#define SYNC_OPT_PE_DATA	2
#define SYNC_OPT_PE_NAME	3
#define SYNC_OPT_F_OPTIONAL	0x40
/* Tandem's options: optional, outside the kernel's types, carried once per
 * datagram at the end of its last entry. */
#define SYNC_OPT_TND_SEQ	(SYNC_OPT_F_OPTIONAL | 0x20)	/* 0x60 */
#define SYNC_OPT_TND_HMAC	(SYNC_OPT_F_OPTIONAL | 0x21)	/* 0x61 */

#define SYNC_SEQ_DATA_LEN	24	/* in_seq and out_seq, 3 x be32 each */
#define SYNC_PE_DATA_MAX	255
#define SYNC_PE_NAME_MAX	16
#define SYNC_TND_SEQ_LEN	8
#define SYNC_HMAC_LEN		32
/* The trailer Tandem appends to the last entry when authenticating. */
#define SYNC_TRAILER_LEN	(2 + SYNC_TND_SEQ_LEN + 2 + SYNC_HMAC_LEN)

/* Connection flags the kernel carries (IP_VS_CONN_F_*), for readers. */
#define SYNC_CF_FWD_MASK	0x0007
#define SYNC_CF_NOOUTPUT	0x0080
#define SYNC_CF_INACTIVE	0x0100
#define SYNC_CF_OUT_SEQ		0x0200
#define SYNC_CF_IN_SEQ		0x0400
#define SYNC_CF_NO_CPORT	0x0800
#define SYNC_CF_TEMPLATE	0x1000
#define SYNC_CF_ONE_PACKET	0x2000

struct sync_seq {
	uint32_t	init_seq, delta, previous_delta;
};

/* One connection entry; ports in host order, addresses as tnd_addr (all
 * three of the entry's family). */
struct sync_conn {
	uint8_t		 af;
	uint8_t		 proto;
	uint32_t	 flags;
	uint16_t	 state;
	uint16_t	 cport, vport, dport;
	uint32_t	 fwmark;
	uint32_t	 timeout;	/* seconds */
	struct tnd_addr	 caddr, vaddr, daddr;
	int		 has_seq;
	struct sync_seq	 in_seq, out_seq;
	uint8_t		 pe_data_len;
	uint8_t		 pe_data[SYNC_PE_DATA_MAX];
	uint8_t		 pe_name_len;
	char		 pe_name[SYNC_PE_NAME_MAX + 1];
};

/* Encoder. */
struct sync_enc {
	uint8_t		*buf;
	size_t		 maxlen;
	size_t		 len;
	size_t		 last;		/* offset of the last entry */
	uint8_t		 nconns;
	uint8_t		 syncid;
	int		 trailer;	/* reserve room for seq + HMAC */
};

/* buf holds at least maxlen bytes (at most SYNC_MAXLEN_MAX are used); with
 * trailer, room for Tandem's sequence and HMAC is kept in every datagram. */
void	sync_enc_init(struct sync_enc *e, uint8_t *buf, size_t maxlen,
	    uint8_t syncid, int trailer);
/* 0 added; 1 the datagram is full (finish it, start another, add again);
 * -1 the entry is invalid or would not fit even an empty datagram. */
int	sync_enc_add(struct sync_enc *e, const struct sync_conn *c);
/* Close the datagram: with a trailer, append Tandem's sequence number and
 * a zeroed HMAC option to the last entry and return the HMAC's offset in
 * *hmac_off (for sync_auth_sign). Returns the datagram length, or -1 when
 * it holds no entry. */
int	sync_enc_finish(struct sync_enc *e, uint64_t seq, size_t *hmac_off);
int	sync_entry_len(const struct sync_conn *c);

/* Decoder. */
enum sync_err {
	SYNC_OK,
	SYNC_ERR_SHORT,		/* shorter than a header */
	SYNC_ERR_SIZE,		/* header size differs from the datagram */
	SYNC_ERR_SYNCID,	/* another sync group */
	SYNC_ERR_VERSION,	/* not version 1 (or reserved/spare set) */
	SYNC_ERR_COUNT,		/* more entries counted than there are */
	SYNC_ERR_ENTRY_SIZE,	/* entry size lies (short, past the end) */
	SYNC_ERR_ENTRY_VER,	/* entry version not 0 */
	SYNC_ERR_TYPE,		/* unknown entry type */
	SYNC_ERR_OPTION,	/* malformed, repeated or too long option */
	SYNC_ERR_TRAILING,	/* bytes after the last entry */
	SYNC_ERR_TND_OPT,	/* Tandem option misplaced or repeated */
	SYNC_ERR_NOAUTH,	/* a key is set and the datagram has no HMAC */
	SYNC_ERR_HMAC,		/* HMAC mismatch */
	SYNC_ERR_REPLAY,	/* sequence number seen or too old */
	SYNC_ERR__MAX
};

/* Entries refused alone, the rest of the datagram kept, as the kernel. */
enum sync_ent_err {
	SYNC_ENT_MANDATORY,	/* unknown mandatory option */
	SYNC_ENT_PE,		/* persistence data without an engine name */
	SYNC_ENT__MAX
};

struct sync_stats {
	uint64_t	dgrams;		/* accepted */
	uint64_t	entries;	/* reported */
	uint64_t	refused[SYNC_ERR__MAX];
	uint64_t	entries_refused[SYNC_ENT__MAX];
};

struct sync_key;
struct sync_replay;

typedef void (*sync_conn_cb)(const struct sync_conn *c, void *arg);

struct sync_dec {
	uint8_t			 syncid;	/* 0: any */
	const struct sync_key	*key;		/* NULL: no authentication */
	struct sync_replay	*replay;	/* the sender's window, or NULL */
	struct sync_stats	*stats;
	sync_conn_cb		 cb;
	void			*arg;
};

struct sync_info {
	uint8_t		syncid;
	uint8_t		nconns;
	int		has_seq;
	uint64_t	seq;
	int		has_hmac;
	size_t		hmac_off;
};

/* Check the whole datagram, authenticate it when d->key is set, and only
 * then report each entry to d->cb. Returns SYNC_OK or the reason the
 * datagram was refused (also counted in d->stats). */
enum sync_err sync_decode(const struct sync_dec *d, const uint8_t *buf,
	    size_t len, struct sync_info *info);
const char *sync_err_str(enum sync_err e);

/* A datagram as text, for the control sockets between the director and
 * tandem-syncd (base64, RFC 4648). Encode returns the characters written
 * (out holds at least SYNC_B64_LEN(len) bytes, NUL included), decode the
 * bytes written or -1 on bad text or too small an out. */
#define SYNC_B64_LEN(n)	(4 * (((n) + 2) / 3) + 1)
size_t	sync_b64_encode(const uint8_t *in, size_t len, char *out);
int	sync_b64_decode(const char *in, size_t len, uint8_t *out,
	    size_t outlen);
const char *sync_ent_err_str(enum sync_ent_err e);

#endif
