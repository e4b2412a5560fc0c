/* Tandem's sync control datagrams (their own UDP port, so an IPVS backup
 * never sees them): a backup's bulk request and NACK, a master's bulk end.
 * Pure encoder and decoder; byte diagram in docs/sync-protocol.md. */
#include "syncd.h"

#include "cursor.h"

#include <string.h>

#define CTL_MAGIC0	'T'
#define CTL_MAGIC1	'S'
#define CTL_VERSION	1
#define CTL_F_HMAC	0x01

static void
be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static void
be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int
sync_ctl_encode(const struct sync_ctl_msg *m, const struct sync_key *k,
    uint8_t *buf, size_t size)
{
	size_t len = SYNC_CTL_HDR_LEN;

	if (size < SYNC_CTL_MAX)
		return -1;
	memset(buf, 0, SYNC_CTL_MAX);
	buf[0] = CTL_MAGIC0;
	buf[1] = CTL_MAGIC1;
	buf[2] = CTL_VERSION;
	buf[3] = m->type;
	buf[4] = m->syncid;
	buf[5] = k ? CTL_F_HMAC : 0;
	be64(buf + 8, m->seq);
	switch (m->type) {
	case SYNC_CTL_BULK_REQ:
		be64(buf + len, m->id);
		len += 8;
		break;
	case SYNC_CTL_BULK_END:
		be64(buf + len, m->id);
		be64(buf + len + 8, m->first_seq);
		be64(buf + len + 16, m->last_seq);
		be64(buf + len + 24, m->entries);
		len += 32;
		break;
	case SYNC_CTL_HEARTBEAT:
		be64(buf + len, m->last_seq);
		len += 8;
		break;
	case SYNC_CTL_NACK:
		if (m->n_ranges < 1 || m->n_ranges > SYNC_MISS_MAX)
			return -1;
		buf[len] = (uint8_t)(m->n_ranges >> 8);
		buf[len + 1] = (uint8_t)m->n_ranges;
		len += 4;
		for (int i = 0; i < m->n_ranges; i++) {
			const struct sync_miss *r = &m->ranges[i];
			if (r->last < r->first || r->last - r->first >= UINT32_MAX)
				return -1;
			be64(buf + len, r->first);
			be32(buf + len + 8, (uint32_t)(r->last - r->first + 1));
			len += 12;
		}
		break;
	default:
		return -1;
	}
	if (k != NULL)
		len += SYNC_HMAC_LEN;
	buf[6] = (uint8_t)(len >> 8);
	buf[7] = (uint8_t)len;
	if (k != NULL && sync_auth_sign(k, buf, len, len - SYNC_HMAC_LEN) == -1)
		return -1;
	return (int)len;
}

static enum sync_ctl_err
body(struct cursor *c, struct sync_ctl_msg *m)
{
	switch (m->type) {
	case SYNC_CTL_BULK_REQ:
		m->id = cur_be64(c);
		break;
	case SYNC_CTL_BULK_END:
		m->id = cur_be64(c);
		m->first_seq = cur_be64(c);
		m->last_seq = cur_be64(c);
		m->entries = cur_be64(c);
		if (cur_ok(c) && m->first_seq > m->last_seq + 1)
			return SYNC_CTL_RANGE;
		break;
	case SYNC_CTL_HEARTBEAT:
		m->last_seq = cur_be64(c);
		break;
	case SYNC_CTL_NACK:
		m->n_ranges = cur_be16(c);
		if (cur_be16(c) != 0)
			return SYNC_CTL_LENGTH;	/* reserved, not zero */
		if (!cur_ok(c) || m->n_ranges < 1 || m->n_ranges > SYNC_MISS_MAX)
			return SYNC_CTL_RANGE;
		for (int i = 0; i < m->n_ranges; i++) {
			uint64_t first = cur_be64(c);
			uint32_t n = cur_be32(c);
			if (!cur_ok(c))
				return SYNC_CTL_LENGTH;
			if (n == 0 || first > UINT64_MAX - n)
				return SYNC_CTL_RANGE;
			m->ranges[i].first = first;
			m->ranges[i].last = first + n - 1;
		}
		break;
	default:
		return SYNC_CTL_TYPE;
	}
	return cur_ok(c) ? SYNC_CTL_OK : SYNC_CTL_LENGTH;
}

enum sync_ctl_err
sync_ctl_decode(const uint8_t *buf, size_t len, uint8_t syncid,
    const struct sync_key *k, struct sync_replay *rp, struct sync_ctl_msg *m)
{
	struct cursor c;
	size_t total, end;
	uint8_t flags;
	enum sync_ctl_err e;

	memset(m, 0, sizeof(*m));
	if (len < SYNC_CTL_HDR_LEN)
		return SYNC_CTL_SHORT;
	cur_init(&c, buf, len);
	if (cur_u8(&c) != CTL_MAGIC0 || cur_u8(&c) != CTL_MAGIC1 ||
	    cur_u8(&c) != CTL_VERSION)
		return SYNC_CTL_MAGIC;
	m->type = cur_u8(&c);
	m->syncid = cur_u8(&c);
	flags = cur_u8(&c);
	total = cur_be16(&c);
	m->seq = cur_be64(&c);
	if (total != len || (flags & ~CTL_F_HMAC) != 0)
		return SYNC_CTL_LENGTH;
	if (syncid != 0 && m->syncid != syncid)
		return SYNC_CTL_SYNCID;
	end = len;
	if (flags & CTL_F_HMAC) {
		if (len < SYNC_CTL_HDR_LEN + SYNC_HMAC_LEN)
			return SYNC_CTL_LENGTH;
		end = len - SYNC_HMAC_LEN;
	}
	cur_init(&c, buf + SYNC_CTL_HDR_LEN, end - SYNC_CTL_HDR_LEN);
	if ((e = body(&c, m)) != SYNC_CTL_OK)
		return e;
	if (cur_left(&c) != 0)
		return SYNC_CTL_LENGTH;
	if (k == NULL)
		return SYNC_CTL_OK;
	if (!(flags & CTL_F_HMAC))
		return SYNC_CTL_NOAUTH;
	if (sync_auth_verify(k, buf, len, end) == -1)
		return SYNC_CTL_HMAC;
	if (rp != NULL) {
		if (sync_replay_check(rp, m->seq) == -1)
			return SYNC_CTL_REPLAY;
		sync_replay_accept(rp, m->seq);
	}
	return SYNC_CTL_OK;
}

const char *
sync_ctl_err_str(enum sync_ctl_err e)
{
	static const char *const names[SYNC_CTL__MAX] = {
		"ok", "short", "magic", "type", "length", "syncid", "range",
		"no_auth", "hmac", "replay",
	};

	return (unsigned)e < SYNC_CTL__MAX ? names[e] : "?";
}
