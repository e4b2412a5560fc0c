/* IPVS sync protocol version 1: encoding connection entries into datagrams
 * and decoding them through a bounds-checked cursor, with Tandem's sequence
 * number and HMAC options at the end of a datagram's last entry. */
#include "sync_wire.h"

#include "sync_auth.h"
#include "cursor.h"

#include <string.h>

#include <openssl/evp.h>
#include <sys/socket.h>

static size_t
align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static void
put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

static size_t
addr_len(uint8_t af)
{
	return af == AF_INET6 ? 16 : 4;
}

int
sync_entry_len(const struct sync_conn *c)
{
	size_t n;

	if (c->af != AF_INET && c->af != AF_INET6)
		return -1;
	if (c->caddr.af != c->af || c->vaddr.af != c->af ||
	    c->daddr.af != c->af || c->pe_name_len > SYNC_PE_NAME_MAX)
		return -1;
	n = c->af == AF_INET6 ? SYNC_V6_LEN : SYNC_V4_LEN;
	if (c->has_seq)
		n += 2 + SYNC_SEQ_DATA_LEN;
	/* As the kernel: the engine's name only goes with its data. */
	if (c->pe_data_len > 0) {
		n += 2 + (size_t)c->pe_data_len;
		if (c->pe_name_len > 0)
			n += 2 + (size_t)c->pe_name_len;
	}
	return (int)n;
}

void
sync_enc_init(struct sync_enc *e, uint8_t *buf, size_t maxlen,
    uint8_t syncid, int trailer)
{
	memset(e, 0, sizeof(*e));
	e->buf = buf;
	e->maxlen = maxlen > SYNC_MAXLEN_MAX ? SYNC_MAXLEN_MAX : maxlen;
	e->syncid = syncid;
	e->trailer = trailer;
	e->len = SYNC_HDR_LEN;
	if (maxlen >= SYNC_HDR_LEN) {
		memset(buf, 0, SYNC_HDR_LEN);
		buf[1] = syncid;
		put_be16(buf + 2, SYNC_HDR_LEN);
		buf[5] = SYNC_PROTO_VER;
	}
}

static uint8_t *
put_seq(uint8_t *p, const struct sync_seq *s)
{
	put_be32(p, s->init_seq);
	put_be32(p + 4, s->delta);
	put_be32(p + 8, s->previous_delta);
	return p + 12;
}

static uint8_t *
put_opt(uint8_t *p, uint8_t type, const void *data, uint8_t len)
{
	p[0] = type;
	p[1] = len;
	memcpy(p + 2, data, len);
	return p + 2 + len;
}

static void
enc_entry(uint8_t *p, const struct sync_conn *c, size_t n)
{
	size_t al = addr_len(c->af);

	p[0] = c->af == AF_INET6 ? SYNC_STYPE_F_INET6 : 0;
	p[1] = c->proto;
	put_be16(p + 2, (uint16_t)(n & SYNC_SIZE_MASK));	/* version 0 */
	put_be32(p + 4, c->flags);
	put_be16(p + 8, c->state);
	put_be16(p + 10, c->cport);
	put_be16(p + 12, c->vport);
	put_be16(p + 14, c->dport);
	put_be32(p + 16, c->fwmark);
	put_be32(p + 20, c->timeout);
	memcpy(p + 24, c->caddr.bytes, al);
	memcpy(p + 24 + al, c->vaddr.bytes, al);
	memcpy(p + 24 + 2 * al, c->daddr.bytes, al);
	p += 24 + 3 * al;
	if (c->has_seq) {
		p[0] = SYNC_OPT_SEQ_DATA;
		p[1] = SYNC_SEQ_DATA_LEN;
		p = put_seq(p + 2, &c->in_seq);
		p = put_seq(p, &c->out_seq);
	}
	if (c->pe_data_len > 0) {
		p = put_opt(p, SYNC_OPT_PE_DATA, c->pe_data, c->pe_data_len);
		if (c->pe_name_len > 0)
			put_opt(p, SYNC_OPT_PE_NAME, c->pe_name,
			    c->pe_name_len);
	}
}

int
sync_enc_add(struct sync_enc *e, const struct sync_conn *c)
{
	int n = sync_entry_len(c);
	size_t extra = e->trailer ? SYNC_TRAILER_LEN : 0;
	size_t pad, at;

	if (n < 0 || SYNC_HDR_LEN + (size_t)n + extra > e->maxlen)
		return -1;
	/* The kernel pads before an entry, so the last one ends unpadded. */
	pad = align4(e->len) - e->len;
	if (e->nconns == SYNC_MAX_CONNS ||
	    e->len + pad + (size_t)n + extra > e->maxlen)
		return 1;
	memset(e->buf + e->len, 0, pad);
	at = e->len + pad;
	enc_entry(e->buf + at, c, (size_t)n);
	e->last = at;
	e->len = at + (size_t)n;
	e->nconns++;
	e->buf[4] = e->nconns;
	put_be16(e->buf + 2, (uint16_t)e->len);
	return 0;
}

int
sync_enc_finish(struct sync_enc *e, uint64_t seq, size_t *hmac_off)
{
	uint8_t *p;
	uint16_t vs;

	if (e->nconns == 0)
		return -1;
	if (e->trailer) {
		p = e->buf + e->len;
		p[0] = SYNC_OPT_TND_SEQ;
		p[1] = SYNC_TND_SEQ_LEN;
		put_be64(p + 2, seq);
		p += 2 + SYNC_TND_SEQ_LEN;
		p[0] = SYNC_OPT_TND_HMAC;
		p[1] = SYNC_HMAC_LEN;
		memset(p + 2, 0, SYNC_HMAC_LEN);
		if (hmac_off != NULL)
			*hmac_off = (size_t)(p + 2 - e->buf);
		vs = get_be16(e->buf + e->last + 2);
		put_be16(e->buf + e->last + 2, (uint16_t)(vs + SYNC_TRAILER_LEN));
		e->len += SYNC_TRAILER_LEN;
		e->trailer = 0;		/* finishing twice adds nothing */
		put_be16(e->buf + 2, (uint16_t)e->len);
	}
	return (int)e->len;
}

/* Decoding. One pass checks the datagram, a second, after authentication,
 * reports its entries; both run the same code so they cannot disagree. */

struct dec_state {
	const uint8_t	*buf;
	size_t		 len;
	int		 last;		/* this entry is the datagram's last */
	struct sync_info *info;
	int		 refused;	/* entry refused alone: enum + 1 */
};

static void
get_seq(struct cursor *c, struct sync_seq *s)
{
	s->init_seq = cur_be32(c);
	s->delta = cur_be32(c);
	s->previous_delta = cur_be32(c);
}

static uint64_t
get_be64(struct cursor *c)
{
	uint64_t hi = cur_be32(c);

	return hi << 32 | cur_be32(c);
}

static enum sync_err
dec_tandem_opt(struct dec_state *st, struct cursor *o, uint8_t type,
    uint8_t plen, size_t at)
{
	struct sync_info *in = st->info;

	if (!st->last)
		return SYNC_ERR_TND_OPT;
	if (type == SYNC_OPT_TND_SEQ) {
		if (in->has_seq || plen != SYNC_TND_SEQ_LEN)
			return SYNC_ERR_TND_OPT;
		in->has_seq = 1;
		in->seq = get_be64(o);
		return SYNC_OK;
	}
	if (in->has_hmac || plen != SYNC_HMAC_LEN)
		return SYNC_ERR_TND_OPT;
	in->has_hmac = 1;
	in->hmac_off = at;
	return cur_skip(o, plen) == 0 ? SYNC_OK : SYNC_ERR_TND_OPT;
}

/* The options after the fixed part of an entry, up to the entry's size. */
static enum sync_err
dec_options(struct dec_state *st, struct cursor *c, size_t base,
    struct sync_conn *sc)
{
	struct cursor o;
	enum sync_err e;
	uint8_t type, plen;
	int seen_pe_data = 0;

	while (cur_left(c) > 0) {
		if (cur_left(c) < 2)
			return SYNC_ERR_OPTION;
		type = cur_u8(c);
		plen = cur_u8(c);
		if (plen == 0 || plen > cur_left(c))
			return SYNC_ERR_OPTION;
		cur_init(&o, cur_take(c, plen), plen);
		switch (type & ~SYNC_OPT_F_OPTIONAL) {
		case SYNC_OPT_SEQ_DATA:
			if (sc->has_seq || plen != SYNC_SEQ_DATA_LEN)
				return SYNC_ERR_OPTION;
			sc->has_seq = 1;
			get_seq(&o, &sc->in_seq);
			get_seq(&o, &sc->out_seq);
			break;
		case SYNC_OPT_PE_DATA:
			if (seen_pe_data)
				return SYNC_ERR_OPTION;
			seen_pe_data = 1;
			sc->pe_data_len = plen;
			cur_copy(&o, sc->pe_data, plen);
			break;
		case SYNC_OPT_PE_NAME:
			if (sc->pe_name_len > 0 || plen > SYNC_PE_NAME_MAX)
				return SYNC_ERR_OPTION;
			sc->pe_name_len = plen;
			cur_copy(&o, sc->pe_name, plen);
			sc->pe_name[plen] = '\0';
			break;
		default:
			if (type == SYNC_OPT_TND_SEQ ||
			    type == SYNC_OPT_TND_HMAC) {
				e = dec_tandem_opt(st, &o, type, plen,
				    base + cur_off(c) - plen);
				if (e != SYNC_OK)
					return e;
			} else if (!(type & SYNC_OPT_F_OPTIONAL) &&
			    st->refused == 0) {
				st->refused = SYNC_ENT_MANDATORY + 1;
			}
			break;
		}
	}
	if (sc->pe_data_len > 0 && sc->pe_name_len == 0 && st->refused == 0)
		st->refused = SYNC_ENT_PE + 1;
	return SYNC_OK;
}

/* One entry at buf[start], at most avail bytes; its size in *size. */
static enum sync_err
dec_entry(struct dec_state *st, size_t start, size_t avail,
    struct sync_conn *sc, size_t *size)
{
	struct cursor c;
	size_t al, base;
	uint16_t vs;
	uint8_t type;

	if (avail < SYNC_V4_LEN)
		return SYNC_ERR_ENTRY_SIZE;
	type = st->buf[start];
	vs = get_be16(st->buf + start + 2);
	*size = vs & SYNC_SIZE_MASK;
	if (*size > avail)
		return SYNC_ERR_ENTRY_SIZE;
	if (vs >> SYNC_SVER_SHIFT)
		return SYNC_ERR_ENTRY_VER;
	if (type != 0 && type != SYNC_STYPE_F_INET6)
		return SYNC_ERR_TYPE;
	memset(sc, 0, sizeof(*sc));
	sc->af = type ? AF_INET6 : AF_INET;
	al = addr_len(sc->af);
	base = 24 + 3 * al;
	if (*size < base)
		return SYNC_ERR_ENTRY_SIZE;
	cur_init(&c, st->buf + start, *size);
	cur_skip(&c, 1);
	sc->proto = cur_u8(&c);
	cur_skip(&c, 2);
	sc->flags = cur_be32(&c);
	sc->state = cur_be16(&c);
	sc->cport = cur_be16(&c);
	sc->vport = cur_be16(&c);
	sc->dport = cur_be16(&c);
	sc->fwmark = cur_be32(&c);
	sc->timeout = cur_be32(&c);
	sc->caddr.af = sc->vaddr.af = sc->daddr.af = sc->af;
	cur_copy(&c, sc->caddr.bytes, al);
	cur_copy(&c, sc->vaddr.bytes, al);
	cur_copy(&c, sc->daddr.bytes, al);
	if (!cur_ok(&c))
		return SYNC_ERR_ENTRY_SIZE;
	return dec_options(st, &c, start, sc);
}

static enum sync_err
dec_header(const struct sync_dec *d, const uint8_t *buf, size_t len,
    struct sync_info *info)
{
	struct cursor c;
	uint8_t reserved, version;
	uint16_t size, spare;

	cur_init(&c, buf, len);
	reserved = cur_u8(&c);
	info->syncid = cur_u8(&c);
	size = cur_be16(&c);
	info->nconns = cur_u8(&c);
	version = cur_u8(&c);
	spare = cur_be16(&c);
	if (!cur_ok(&c))
		return SYNC_ERR_SHORT;
	if (size != len)
		return SYNC_ERR_SIZE;
	if (d->syncid != 0 && info->syncid != d->syncid)
		return SYNC_ERR_SYNCID;
	if (version != SYNC_PROTO_VER || reserved != 0 || spare != 0)
		return SYNC_ERR_VERSION;
	return SYNC_OK;
}

static enum sync_err
dec_walk(const struct sync_dec *d, const uint8_t *buf, size_t len,
    struct sync_info *info, int report)
{
	struct dec_state st = { .buf = buf, .len = len, .info = info };
	struct sync_conn sc;
	enum sync_err e;
	size_t pos = SYNC_HDR_LEN, size = 0;
	unsigned i;

	for (i = 0; i < info->nconns; i++) {
		if (pos >= len)
			return SYNC_ERR_COUNT;
		st.last = i + 1 == info->nconns;
		st.refused = 0;
		e = dec_entry(&st, pos, len - pos, &sc, &size);
		if (e != SYNC_OK)
			return e;
		if (report && st.refused) {
			if (d->stats != NULL)
				d->stats->entries_refused[st.refused - 1]++;
		} else if (report) {
			if (d->stats != NULL)
				d->stats->entries++;
			if (d->cb != NULL)
				d->cb(&sc, d->arg);
		}
		pos += st.last ? size : align4(size);
	}
	/* Bytes after the last entry: at most padding to 4 (the kernel
	 * ignores them; they are covered by the HMAC anyway). */
	if (pos < len && (len - pos > 3 || info->nconns == 0))
		return SYNC_ERR_TRAILING;
	return SYNC_OK;
}

static enum sync_err
dec_check(const struct sync_dec *d, const uint8_t *buf, size_t len,
    struct sync_info *info)
{
	enum sync_err e;

	e = dec_header(d, buf, len, info);
	if (e == SYNC_OK)
		e = dec_walk(d, buf, len, info, 0);
	if (e != SYNC_OK || d->key == NULL)
		return e;
	if (!info->has_seq || !info->has_hmac)
		return SYNC_ERR_NOAUTH;
	if (sync_auth_verify(d->key, buf, len, info->hmac_off) == -1)
		return SYNC_ERR_HMAC;
	if (d->replay != NULL && sync_replay_check(d->replay, info->seq) == -1)
		return SYNC_ERR_REPLAY;
	return SYNC_OK;
}

enum sync_err
sync_decode(const struct sync_dec *d, const uint8_t *buf, size_t len,
    struct sync_info *info)
{
	struct sync_info local;
	enum sync_err e;

	if (info == NULL)
		info = &local;
	memset(info, 0, sizeof(*info));
	e = dec_check(d, buf, len, info);
	if (e != SYNC_OK) {
		if (d->stats != NULL)
			d->stats->refused[e]++;
		return e;
	}
	if (d->key != NULL && d->replay != NULL)
		sync_replay_accept(d->replay, info->seq);
	if (d->stats != NULL)
		d->stats->dgrams++;
	/* Checked already: this pass only reports. */
	info->has_seq = info->has_hmac = 0;
	return dec_walk(d, buf, len, info, 1);
}

const char *
sync_err_str(enum sync_err e)
{
	static const char *const s[SYNC_ERR__MAX] = {
		[SYNC_OK] = "ok",
		[SYNC_ERR_SHORT] = "short",
		[SYNC_ERR_SIZE] = "size",
		[SYNC_ERR_SYNCID] = "syncid",
		[SYNC_ERR_VERSION] = "version",
		[SYNC_ERR_COUNT] = "count",
		[SYNC_ERR_ENTRY_SIZE] = "entry_size",
		[SYNC_ERR_ENTRY_VER] = "entry_version",
		[SYNC_ERR_TYPE] = "type",
		[SYNC_ERR_OPTION] = "option",
		[SYNC_ERR_TRAILING] = "trailing",
		[SYNC_ERR_TND_OPT] = "tandem_option",
		[SYNC_ERR_NOAUTH] = "no_auth",
		[SYNC_ERR_HMAC] = "hmac",
		[SYNC_ERR_REPLAY] = "replay",
	};

	return (unsigned)e < SYNC_ERR__MAX ? s[e] : "?";
}

const char *
sync_ent_err_str(enum sync_ent_err e)
{
	switch (e) {
	case SYNC_ENT_MANDATORY:
		return "mandatory_option";
	case SYNC_ENT_PE:
		return "pe_without_name";
	default:
		return "?";
	}
}

size_t
sync_b64_encode(const uint8_t *in, size_t len, char *out)
{
	return (size_t)EVP_EncodeBlock((unsigned char *)out, in, (int)len);
}

int
sync_b64_decode(const char *in, size_t len, uint8_t *out, size_t outlen)
{
	size_t pad = 0;
	int n;

	if (len % 4 != 0 || len / 4 * 3 > outlen || len > INT32_MAX)
		return -1;
	if (len > 0 && in[len - 1] == '=')
		pad++;
	if (len > 1 && in[len - 2] == '=')
		pad++;
	/* EVP_DecodeBlock skips white space at the ends; none is ours. */
	if (len > 0 && (in[0] == ' ' || in[0] == '\t' || in[0] == '\n' ||
	    in[0] == '\r'))
		return -1;
	n = EVP_DecodeBlock(out, (const unsigned char *)in, (int)len);
	if (n < 0 || (size_t)n < pad)
		return -1;
	return n - (int)pad;
}
