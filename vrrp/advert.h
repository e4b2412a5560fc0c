/* VRRP advertisements on the wire: version 3 (RFC 5798, IPv4 and IPv6) and
 * version 2 (RFC 3768, IPv4, with the simple-password authentication kept
 * for interop), decoded through the bounds-checked cursor and encoded with
 * their checksums, plus the Ethernet/IP framing Tandem sends them in. */
#ifndef TANDEM_VRRP_ADVERT_H
#define TANDEM_VRRP_ADVERT_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define VRRP_PROTO		112
#define VRRP_TTL		255
#define VRRP_TYPE_ADVERT	1
#define VRRP_MAX_ADDRS		64
#define VRRP_AUTH_LEN		8	/* v2 authentication data */
#define VRRP_HMAC_LEN		32	/* HMAC-SHA256 */
#define VRRP_TRAILER_LEN	(8 + VRRP_HMAC_LEN)	/* seq + HMAC */
#define VRRP_FRAME_MAX		(14 + 40 + 8 + 16 * VRRP_MAX_ADDRS + 48)

enum vrrp_auth {
	VRRP_AUTH_NONE = 0,
	VRRP_AUTH_PASS = 1,	/* v2 only, RFC 2338's simple text password */
	VRRP_AUTH_HMAC = 0x80,	/* Tandem: a trailer with sequence and HMAC */
};

/* Why an advertisement was refused; each has a counter. */
enum vrrp_adv_err {
	VRRP_ADV_OK = 0,
	VRRP_ADV_E_LEN,		/* shorter than a header, or the IP header lies */
	VRRP_ADV_E_IP,		/* not an IPv4/IPv6 VRRP datagram */
	VRRP_ADV_E_TTL,		/* TTL / hop limit not 255 */
	VRRP_ADV_E_VERSION,	/* not 2 or 3, or not the instance's */
	VRRP_ADV_E_TYPE,	/* not an ADVERTISEMENT */
	VRRP_ADV_E_CSUM,	/* checksum wrong */
	VRRP_ADV_E_COUNT,	/* address count 0 or not what the length says */
	VRRP_ADV_E_INTERVAL,	/* advert interval 0, or v2 not ours */
	VRRP_ADV_E_VRID,	/* no instance of this VRID here */
	VRRP_ADV_E_AUTH,	/* authentication type or data wrong */
	VRRP_ADV_E_PEER,	/* unicast: the sender is not a configured peer */
	VRRP_ADV_E_REPLAY,	/* HMAC: sequence number not newer */
	VRRP_ADV_E_MAX
};

struct vrrp_advert {
	uint8_t		version;	/* 2 or 3 */
	uint8_t		type;
	uint8_t		vrid;
	uint8_t		prio;
	uint8_t		naddr;
	uint8_t		auth_type;	/* v2 field; VRRP_AUTH_HMAC: trailer */
	uint16_t	adv_int;	/* centiseconds (v2: seconds * 100) */
	uint8_t		auth[VRRP_AUTH_LEN];	/* v2 password */
	struct tnd_addr	src, dst;	/* from the IP header */
	int		ttl;		/* TTL or hop limit */
	int		any_ttl;	/* in: unicast to a unicast instance */
	struct tnd_addr	addrs[VRRP_MAX_ADDRS];
	/* Tandem HMAC trailer (v3): present when has_trailer. */
	int		has_trailer;
	uint64_t	seq;
	uint8_t		hmac[VRRP_HMAC_LEN];
	size_t		hmac_off;	/* offset of hmac in the VRRP payload */
};

/* Decode the VRRP payload p of len bytes whose IP header gave a->src,
 * a->dst, a->ttl (filled in by the caller, the af of src decides IPv4 or
 * IPv6). Checks TTL (unless a->any_ttl), version, type, checksum, count
 * and interval. */
enum vrrp_adv_err vrrp_advert_decode(const uint8_t *p, size_t len,
	    struct vrrp_advert *a);
/* Decode an IPv4 datagram (as a raw socket returns it, header included). */
enum vrrp_adv_err vrrp_advert_decode_ip4(const uint8_t *pkt, size_t len,
	    struct vrrp_advert *a);

/* Encode a's VRRP payload into buf (checksum from a->src/a->dst for v3);
 * with_trailer reserves the Tandem trailer (seq from a->seq, HMAC zeroed:
 * the caller signs, then calls vrrp_advert_checksum). Length, or -1. */
int	vrrp_advert_encode(const struct vrrp_advert *a, int with_trailer,
	    uint8_t *buf, size_t cap);
/* (Re)compute the checksum of an encoded payload in place. */
void	vrrp_advert_checksum(const struct vrrp_advert *a, uint8_t *p,
	    size_t len);
/* A whole Ethernet frame: src_mac -> dst_mac, IPv4 or IPv6 header (TTL /
 * hop limit 255) from a->src to a->dst around the payload. Length or -1. */
int	vrrp_advert_frame(const uint8_t *payload, size_t plen,
	    const struct vrrp_advert *a, const uint8_t src_mac[6],
	    const uint8_t dst_mac[6], uint16_t ip_id, uint8_t *buf,
	    size_t cap);

const char *vrrp_advert_err_name(enum vrrp_adv_err e);
/* Virtual router MAC 00:00:5e:00:01:VRID (IPv6: 00:00:5e:00:02:VRID). */
void	vrrp_vmac(int vrid, int af, uint8_t mac[6]);

#endif
